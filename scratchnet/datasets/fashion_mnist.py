"""Fashion-MNIST: 70,000 28×28 grayscale photos of clothes in 10 classes, a drop-in harder MNIST.

A first look (it downloads the files the first time, so it is not run as a doctest)::

    import scratchnet as sn
    (x_train, y_train), (x_test, y_test) = sn.datasets.fashion_mnist.load_data()
    sn.datasets.fashion_mnist.class_names[y_train[0]]    # 'Ankle boot'

Data by Zalando SE (Han Xiao, Kashif Rasul, Roland Vollgraf), MIT license.
"""

from __future__ import annotations

import os

import numpy as np

from scratchnet.datasets import _loader
from scratchnet.datasets._spec import DatasetSpec, FileSpec

#: What each label means: label ``k`` is ``class_names[k]``.
class_names = [
    "T-shirt/top",
    "Trouser",
    "Pullover",
    "Dress",
    "Coat",
    "Sandal",
    "Shirt",
    "Sneaker",
    "Bag",
    "Ankle boot",
]

#: Folders holding the four files directly, searched after the data dir and the user cache. Debian's
#: ``dataset-fashion-mnist`` package installs them here (recompressed, which the payload hashes accept).
SYSTEM_DIRS: tuple[str, ...] = ("/usr/share/datasets/fashion-mnist",)

#: The upstream files (size and SHA-256 of the .gz as the mirrors publish them) and their decompressed payloads.
FILES = (
    FileSpec(
        "train-images-idx3-ubyte.gz",
        size=26421880,
        sha256="3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84",
        payload_size=47040016,
        payload_sha256="c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888",
    ),
    FileSpec(
        "train-labels-idx1-ubyte.gz",
        size=29515,
        sha256="a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845",
        payload_size=60008,
        payload_sha256="bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9",
    ),
    FileSpec(
        "t10k-images-idx3-ubyte.gz",
        size=4422102,
        sha256="346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073",
        payload_size=7840016,
        payload_sha256="5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b",
    ),
    FileSpec(
        "t10k-labels-idx1-ubyte.gz",
        size=5148,
        sha256="67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5",
        payload_size=10008,
        payload_sha256="0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34",
    ),
)

#: Base URLs tried in order; ``$SCRATCHNET_FASHION_MNIST_URLS`` (comma-separated) replaces them.
MIRRORS = (
    "https://fashion-mnist.s3.eu-central-1.amazonaws.com/",
    "https://storage.googleapis.com/tensorflow/tf-keras-datasets/",
)

SPEC = DatasetSpec(
    title="Fashion-MNIST",
    dirname="fashion-mnist",
    files=FILES,
    mirrors=MIRRORS,
    urls_env="SCRATCHNET_FASHION_MNIST_URLS",
    num_classes=10,
    image_shape=(28, 28),
    num_train=60000,
    num_test=10000,
    install_hint=(
        "on Debian or Ubuntu, install the files system-wide (into /usr/share/datasets/fashion-mnist/):\n"
        "      sudo apt-get install dataset-fashion-mnist"
    ),
)


def load_data(
    data_dir: str | os.PathLike[str] | None = None, download: bool = True, verbose: int = 1
) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """Load Fashion-MNIST, downloading and verifying the four files the first time.

    Each file is looked for in ``<data_dir>/fashion-mnist/`` (else ``$SCRATCHNET_DATA_DIR/fashion-mnist/``), then in
    the user cache (``$XDG_CACHE_HOME/scratchnet/fashion-mnist/`` or ``~/.cache/scratchnet/fashion-mnist/``), then
    in ``SYSTEM_DIRS`` (where ``apt-get install dataset-fashion-mnist`` puts them). Every copy is checked against
    its pinned size and SHA-256 before it is used; a missing or bad file is downloaded into ``data_dir`` (or the
    user cache) from the mirrors in ``MIRRORS``. Set ``SCRATCHNET_OFFLINE=1`` to never download.

    Args:
        data_dir: A root folder holding ``fashion-mnist/<file>``; None uses ``$SCRATCHNET_DATA_DIR`` if set.
        download: Whether missing files may be downloaded.
        verbose: 0 for silence; 1 for a progress bar per download (only on a terminal) and notes on retries.

    Returns:
        ``(x_train, y_train), (x_test, y_test)``, new writable arrays (Keras's contract):

        - ``x_train``: uint8 ``(60000, 28, 28)``, pixel values 0 (background) to 255
        - ``y_train``: uint8 ``(60000,)``, class indices 0 to 9 into ``class_names``
        - ``x_test``: uint8 ``(10000, 28, 28)``
        - ``y_test``: uint8 ``(10000,)``

    Raises:
        DatasetNotAvailableError: Files are missing and downloading is disabled; the message says how to place
            them by hand.
        DownloadError: Files are missing and no mirror delivered a verified copy.
        DataFormatError: A verified file does not parse (should not happen).
        ValueError: ``$SCRATCHNET_FASHION_MNIST_URLS`` holds a URL that is not https://.
    """
    return _loader.load(SPEC, data_dir, download, verbose, SYSTEM_DIRS)


def available_locally(data_dir: str | os.PathLike[str] | None = None) -> bool:
    """True when all four files are on disk and verified, so ``load_data`` needs no network.

    This reads and hashes the files (a fraction of a second), and never downloads.

    Args:
        data_dir: As for ``load_data``.
    """
    return _loader.available_locally(SPEC, data_dir, SYSTEM_DIRS)

"""MNIST: 70,000 handwritten digits, 28×28 grayscale, the "hello world" of neural networks.

A first look (it downloads the files the first time, so it is not run as a doctest)::

    import scratchnet as sn
    (x_train, y_train), (x_test, y_test) = sn.datasets.mnist.load_data()
    x_train.shape, y_train.shape, x_train.dtype    # ((60000, 28, 28), (60000,), dtype('uint8'))

Data by Yann LeCun, Corinna Cortes and Christopher J.C. Burges, licensed CC BY-SA 3.0.
"""

from __future__ import annotations

import os

import numpy as np

from scratchnet.datasets import _loader
from scratchnet.datasets._spec import DatasetSpec, FileSpec
from scratchnet.datasets.errors import DataFormatError

#: The digit each label stands for: label ``k`` is the digit ``class_names[k]``.
class_names = [str(digit) for digit in range(10)]

#: Folders holding the four files directly, searched after the data dir and the user cache. No Linux
#: distribution packages MNIST itself; add a folder here (or monkeypatch it in tests) to search it.
SYSTEM_DIRS: tuple[str, ...] = ()

#: The original files: the .gz values are the published ones; the payload SHA-256 of the training images is not
#: pinned because no copy of it was available to compute it from, so only the exact .gz is accepted for that file.
FILES = (
    FileSpec(
        "train-images-idx3-ubyte.gz",
        size=9912422,
        sha256="440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609",
        payload_size=47040016,
        payload_sha256=None,
    ),
    FileSpec(
        "train-labels-idx1-ubyte.gz",
        size=28881,
        sha256="3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c",
        payload_size=60008,
        payload_sha256="65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
    ),
    FileSpec(
        "t10k-images-idx3-ubyte.gz",
        size=1648877,
        sha256="8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6",
        payload_size=7840016,
        payload_sha256="0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
    ),
    FileSpec(
        "t10k-labels-idx1-ubyte.gz",
        size=4542,
        sha256="f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6",
        payload_size=10008,
        payload_sha256="ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2",
    ),
)

#: Base URLs tried in order; ``$SCRATCHNET_MNIST_URLS`` (comma-separated) replaces them.
MIRRORS = (
    "https://ossci-datasets.s3.amazonaws.com/mnist/",
    "https://storage.googleapis.com/cvdf-datasets/mnist/",
)

SPEC = DatasetSpec(
    title="MNIST",
    dirname="mnist",
    files=FILES,
    mirrors=MIRRORS,
    urls_env="SCRATCHNET_MNIST_URLS",
    num_classes=10,
    image_shape=(28, 28),
    num_train=60000,
    num_test=10000,
)


def load_data(
    data_dir: str | os.PathLike[str] | None = None,
    download: bool = True,
    verbose: int = 1,
    path: str | os.PathLike[str] | None = None,
) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """Load MNIST, downloading and verifying the four files the first time.

    Each file is looked for in ``<data_dir>/mnist/`` (else ``$SCRATCHNET_DATA_DIR/mnist/``), then in the user cache
    (``$XDG_CACHE_HOME/scratchnet/mnist/`` or ``~/.cache/scratchnet/mnist/``), then in ``SYSTEM_DIRS``. Every copy
    is checked against its pinned size and SHA-256 before it is used; a missing or bad file is downloaded into
    ``data_dir`` (or the user cache) from the mirrors in ``MIRRORS``. Set ``SCRATCHNET_OFFLINE=1`` to never download.

    Args:
        data_dir: A root folder holding ``mnist/<file>``; None uses ``$SCRATCHNET_DATA_DIR`` if set.
        download: Whether missing files may be downloaded.
        verbose: 0 for silence; 1 for a progress bar per download (only on a terminal) and notes on retries.
        path: Keras's argument (``load_data(path="mnist.npz")``, where Keras caches its copy). If it names an
            existing ``.npz`` holding ``x_train, y_train, x_test, y_test`` (Keras's ``mnist.npz``, as the course
            ships it), that file is read, after checking its arrays look like MNIST; otherwise it is ignored and
            the files are found as above (scratchnet caches the four IDX files, not an ``.npz``). Likewise a
            first argument ending in ``.npz`` (Keras's ``load_data("mnist.npz")``) is taken as this path.

    Returns:
        ``(x_train, y_train), (x_test, y_test)``, new writable arrays (Keras's contract):

        - ``x_train``: uint8 ``(60000, 28, 28)``, pixel values 0 (background) to 255 (ink)
        - ``y_train``: uint8 ``(60000,)``, digits 0 to 9
        - ``x_test``: uint8 ``(10000, 28, 28)``
        - ``y_test``: uint8 ``(10000,)``

    Raises:
        DatasetNotAvailableError: Files are missing and downloading is disabled; the message says how to place
            them by hand.
        DownloadError: Files are missing and no mirror delivered a verified copy.
        DataFormatError: A verified file does not parse (should not happen).
        ValueError: ``$SCRATCHNET_MNIST_URLS`` holds a URL that is not https://.
    """
    if path is None and isinstance(data_dir, (str, os.PathLike)) and os.fspath(data_dir).endswith(".npz"):
        path, data_dir = data_dir, None  # load_data("mnist.npz"): Keras's positional path
    if path is not None and os.path.isfile(path):
        return _load_npz(os.fspath(path))
    return _loader.load(SPEC, data_dir, download, verbose, SYSTEM_DIRS)


def _load_npz(path: str) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """The four arrays of a Keras-style ``mnist.npz``, checked to be MNIST-shaped images with one label each."""
    try:
        with np.load(path, allow_pickle=False) as data:
            arrays = {key: np.array(data[key]) for key in ("x_train", "y_train", "x_test", "y_test")}
    except (OSError, ValueError, KeyError) as e:
        raise DataFormatError(
            f"mnist.load_data(path={path!r}): expected an .npz file with arrays x_train, y_train, x_test, y_test "
            f"(Keras's mnist.npz). It could not be read: {e}"
        ) from None
    for split in ("train", "test"):
        x, y = arrays[f"x_{split}"], arrays[f"y_{split}"]
        if x.ndim != 3 or x.shape[1:] != (28, 28) or len(y) != len(x) or y.ndim != 1:
            raise DataFormatError(
                f"mnist.load_data(path={path!r}): x_{split} must be (N, 28, 28) images with one label each. "
                f"Received: x_{split}.shape={x.shape}, y_{split}.shape={y.shape}."
            )
    return (arrays["x_train"], arrays["y_train"]), (arrays["x_test"], arrays["y_test"])


def available_locally(data_dir: str | os.PathLike[str] | None = None) -> bool:
    """True when all four files are on disk and verified, so ``load_data`` needs no network.

    This reads and hashes the files (a fraction of a second), and never downloads.

    Args:
        data_dir: As for ``load_data``.
    """
    return _loader.available_locally(SPEC, data_dir, SYSTEM_DIRS)

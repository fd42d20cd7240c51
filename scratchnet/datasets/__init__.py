"""Datasets: MNIST and Fashion-MNIST, downloaded once, verified every time, parsed from IDX.

::

    import scratchnet as sn
    (x_train, y_train), (x_test, y_test) = sn.datasets.fashion_mnist.load_data()

Files are looked for in ``data_dir`` (or ``$SCRATCHNET_DATA_DIR``), then the user cache
(``~/.cache/scratchnet``), then system copies; missing ones are downloaded and checked against pinned SHA-256
values. ``SCRATCHNET_OFFLINE=1`` disables downloads. Every error is a ``DatasetError``.
"""

from scratchnet.datasets import fashion_mnist, idx, mnist
from scratchnet.datasets.errors import (
    ChecksumError,
    DataFormatError,
    DatasetError,
    DatasetNotAvailableError,
    DownloadError,
)

__all__ = [
    "ChecksumError",
    "DataFormatError",
    "DatasetError",
    "DatasetNotAvailableError",
    "DownloadError",
    "fashion_mnist",
    "idx",
    "mnist",
]

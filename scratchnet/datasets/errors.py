"""The exceptions raised by ``scratchnet.datasets``.

Every error a loader raises is a ``DatasetError``, so one ``except DatasetError`` catches them all::

    DatasetError
    ├── DataFormatError           the bytes are not the IDX data they claim to be (also a ValueError)
    ├── ChecksumError             a file's size or SHA-256 is not the pinned one
    └── DatasetNotAvailableError  the files are not on disk and may not be downloaded (offline)
        └── DownloadError         downloading was allowed, but every mirror failed

``DownloadError`` is a kind of ``DatasetNotAvailableError``: either way the data is not there, and both messages
say how to place the files by hand.
"""

from __future__ import annotations


class DatasetError(Exception):
    """Base class of every error raised by ``scratchnet.datasets``."""


class DataFormatError(DatasetError, ValueError):
    """The bytes are not a well-formed IDX file (or not the image/label pair a dataset needs)."""


class ChecksumError(DatasetError):
    """A file failed verification against its pinned size and SHA-256.

    Attributes:
        source: The path or URL of the file that failed.
        received: What was found instead, in a few words (size, SHA-256 and what decompressing it gave).
        truncated: True when the file looks cut short (its gzip stream ends early), which a download retry may fix.
    """

    def __init__(self, message: str, *, source: str = "", received: str = "", truncated: bool = False) -> None:
        super().__init__(message)
        self.source = source
        self.received = received
        self.truncated = truncated


class DatasetNotAvailableError(DatasetError):
    """The dataset's files are not on disk, and downloading is disabled (``download=False`` or offline)."""


class DownloadError(DatasetNotAvailableError):
    """Every mirror failed to deliver a verified copy of a file.

    Attributes:
        unreachable: True when every attempt failed to connect at all, which suggests there is no network.
    """

    def __init__(self, message: str, *, unreachable: bool = False) -> None:
        super().__init__(message)
        self.unreachable = unreachable

"""Gzip decompression that never produces more bytes than the caller asks for.

``gzip.decompress`` inflates the whole stream, so a 30 KB file can expand to gigabytes (a "gzip bomb"). Here the
caller states how many bytes it expects, and decompression stops one byte past that: enough to tell "too long"
from "exactly right" without inflating the rest.
"""

from __future__ import annotations

import zlib

from scratchnet.datasets.errors import DataFormatError

GZIP_MAGIC = b"\x1f\x8b"
_GZIP_WBITS = 16 + zlib.MAX_WBITS  # tells zlib to expect (and check) a gzip header and CRC-32 trailer


class TruncatedGzipError(DataFormatError):
    """The gzip stream ends before its end marker: the file was cut short (e.g. an interrupted download)."""


def is_gzip(data: bytes | memoryview) -> bool:
    """Return True when ``data`` starts with the two gzip magic bytes 1f 8b."""
    return bytes(data[:2]) == GZIP_MAGIC


class GzipReader:
    """Reads decompressed bytes from an in-memory gzip file, a bounded amount at a time.

    Handles files made of several gzip members (as ``cat a.gz b.gz`` or parallel compressors produce).

    Args:
        data: The whole compressed file.
        name: What to call the data in error messages (a path or URL).
    """

    def __init__(self, data: bytes | memoryview, name: str = "<bytes>") -> None:
        self._name = name
        self._input = bytes(data)
        self._inflate = zlib.decompressobj(_GZIP_WBITS)

    def read(self, n: int) -> bytes:
        """Return the next ``n`` decompressed bytes, or fewer if the stream ends first.

        Raises:
            TruncatedGzipError: The compressed data ends in the middle of the stream.
            DataFormatError: The data is not valid gzip (bad header, corrupt deflate data, CRC-32 mismatch).
        """
        chunks = []
        remaining = n
        while remaining > 0:
            if self._inflate.eof:
                rest = self._inflate.unused_data
                if not rest.strip(b"\0"):  # end of data (gzip allows zero padding after the last member)
                    break
                if not is_gzip(rest):
                    raise DataFormatError(
                        f"{self._name}: found {len(rest)} bytes of non-gzip data after the end of the gzip "
                        "stream. The file is corrupt; delete it and download it again."
                    )
                self._inflate = zlib.decompressobj(_GZIP_WBITS)
                self._input = rest
            try:
                chunk = self._inflate.decompress(self._input, remaining)
            except zlib.error as exc:
                raise DataFormatError(
                    f"{self._name}: the gzip data is corrupt ({exc}). The file was damaged in transit or on "
                    "disk; delete it and download it again."
                ) from exc
            self._input = self._inflate.unconsumed_tail
            if not chunk and not self._inflate.eof and not self._input:
                raise TruncatedGzipError(
                    f"{self._name}: the gzip stream ends early (the file is truncated, probably by an "
                    "interrupted download). Delete it and download it again."
                )
            chunks.append(chunk)
            remaining -= len(chunk)
        return b"".join(chunks)


def gunzip(data: bytes | memoryview, max_size: int, name: str = "<bytes>") -> bytes:
    """Decompress a whole gzip file, refusing to produce more than ``max_size`` bytes.

    Args:
        data: The compressed file.
        max_size: The largest acceptable decompressed size in bytes.
        name: What to call the data in error messages.

    Returns:
        The decompressed bytes, at most ``max_size`` of them.

    Raises:
        DataFormatError: The data is not valid gzip, or it decompresses to more than ``max_size`` bytes.
        TruncatedGzipError: The gzip stream is cut short.
    """
    if not is_gzip(data):
        raise DataFormatError(
            f"{name}: expected gzip data (starting with bytes 1f 8b). Received: first bytes={bytes(data[:8])!r}."
        )
    out = GzipReader(data, name).read(max_size + 1)
    if len(out) > max_size:
        raise DataFormatError(
            f"{name}: decompresses to more than the expected {max_size} bytes; stopped there. "
            "This is not the expected file (or it is a gzip bomb)."
        )
    return out

"""Read and write IDX files, the format MNIST and Fashion-MNIST ship in.

An IDX file is a tiny header followed by the array's bytes in C order, all big-endian::

    offset  bytes        meaning
    0       00 00        magic: always zero
    2       T            type code: 08 ubyte, 09 byte, 0B short, 0C int, 0D float, 0E double
    3       n            number of dimensions
    4       4 × n        each dimension as a big-endian uint32, e.g. 00 00 27 10 = 10000
    4+4n    ...          the data: prod(dims) items of type T, big-endian

The files are usually gzip-compressed (``.gz``); ``read_idx`` detects that from the first two bytes.

>>> import numpy as np
>>> from scratchnet.datasets.idx import encode_idx, read_idx
>>> read_idx(encode_idx(np.array([[1, 2], [3, 4]], dtype=np.uint8)))
array([[1, 2],
       [3, 4]], dtype=uint8)
"""

from __future__ import annotations

import gzip
import math
import os

import numpy as np

from scratchnet.datasets._gzip import GzipReader, is_gzip
from scratchnet.datasets.errors import DataFormatError

PathOrBytes = str | os.PathLike[str] | bytes | bytearray | memoryview

#: IDX type code -> the big-endian NumPy dtype it stores.
TYPE_CODES: dict[int, np.dtype] = {
    0x08: np.dtype(">u1"),
    0x09: np.dtype(">i1"),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}
_CODE_OF = {(dtype.kind, dtype.itemsize): code for code, dtype in TYPE_CODES.items()}
_TYPE_NAMES = "0x08 ubyte, 0x09 byte, 0x0B short, 0x0C int, 0x0D float, 0x0E double"


class _RawReader:
    """The same ``read(n)`` interface as ``GzipReader``, over uncompressed bytes, without copying them."""

    def __init__(self, data: memoryview) -> None:
        self._data = data
        self._pos = 0

    def read(self, n: int) -> memoryview:
        chunk = self._data[self._pos : self._pos + n]
        self._pos += len(chunk)
        return chunk


def _looks_like_html(head: bytes) -> bool:
    head = head.lstrip().lower()
    return head.startswith((b"<!doctype", b"<html", b"<?xml", b"<head", b"<body", b"<!--", b"<error"))


def _load(source: PathOrBytes, name: str | None) -> tuple[memoryview, str]:
    if isinstance(source, (bytes, bytearray, memoryview)):
        return memoryview(source).cast("B"), name or "<bytes>"
    if isinstance(source, (str, os.PathLike)):
        with open(source, "rb") as f:
            return memoryview(f.read()), name or os.fspath(source)
    raise TypeError(
        f"read_idx expected a path (str or os.PathLike) or bytes. Received: source of type {type(source).__name__}."
    )


def read_idx(source: PathOrBytes, *, max_bytes: int | None = None, name: str | None = None) -> np.ndarray:
    """Parse an IDX file (gzip-compressed or raw) into a NumPy array.

    Args:
        source: A path to an IDX file (``.gz`` or not), or the file's bytes.
        max_bytes: Refuse files whose header declares more than this many data bytes, before decompressing them.
            None accepts any size the header declares (decompression still stops at that size).
        name: What to call the data in error messages; defaults to the path, or ``"<bytes>"``.

    Returns:
        A new, writable array with the shape from the header, e.g. ``(10000, 28, 28)``, and the dtype from the
        type code in native byte order (``uint8``, ``int8``, ``int16``, ``int32``, ``float32`` or ``float64``).

    Raises:
        DataFormatError: The data is empty, an HTML page, not IDX (wrong magic, including data that is still
            gzip-compressed after one decompression), has an unknown type code, is truncated, or has bytes left
            over after the data its header declares.
        TypeError: ``source`` is neither a path nor bytes.
    """
    data, name = _load(source, name)
    if len(data) == 0:
        raise DataFormatError(
            f"{name} is empty (0 bytes). A download was probably interrupted; delete the file and load again."
        )
    if _looks_like_html(bytes(data[:64])):
        raise DataFormatError(
            f"{name} is an HTML page, not IDX data: a mirror answered with an error page instead of the file. "
            f"Received: first bytes={bytes(data[:40])!r}. Delete the file and download it again."
        )
    compressed = is_gzip(data)
    reader = GzipReader(data, name) if compressed else _RawReader(data)

    header = bytes(reader.read(4))
    if len(header) < 4:
        raise DataFormatError(
            f"{name}: expected an IDX header of at least 4 bytes. Received: {len(header)} bytes "
            f"({header!r}). The file is truncated; download it again."
        )
    if header[:2] != b"\0\0":
        if compressed and is_gzip(header):
            hint = (
                "It is still gzip-compressed after one decompression: the file was compressed twice, as happens "
                "when a server's 'Content-Encoding: gzip' is saved undecoded. Decompress it once more, or delete "
                "it and download it again."
            )
        elif header.lstrip()[:1] == b"<":
            hint = "It looks like an HTML or XML page, not the data file. Delete it and download it again."
        else:
            hint = "This is not an IDX file (or it is corrupt)."
        raise DataFormatError(
            f"{name}: expected the IDX magic number 0x0000 followed by a type code and ndim. "
            f"Received: first 4 bytes={header!r}{' after gunzip' if compressed else ''}. {hint}"
        )
    code, ndim = header[2], header[3]
    if code not in TYPE_CODES:
        raise DataFormatError(
            f"{name}: unknown IDX type code 0x{code:02X}; expected one of {_TYPE_NAMES}. "
            "The file is corrupt or not an IDX file."
        )
    dims_bytes = bytes(reader.read(4 * ndim))
    if len(dims_bytes) < 4 * ndim:
        raise DataFormatError(
            f"{name}: the header declares {ndim} dimensions ({4 * ndim} bytes) but the file ends after "
            f"{len(dims_bytes)} of them. The file is truncated; download it again."
        )
    shape = tuple(int(d) for d in np.frombuffer(dims_bytes, dtype=">u4"))
    dtype = TYPE_CODES[code]
    count = math.prod(shape)
    nbytes = count * dtype.itemsize
    if max_bytes is not None and nbytes > max_bytes:
        raise DataFormatError(
            f"{name}: the header declares shape {shape} of {dtype.newbyteorder('=')}, {nbytes} bytes, more than "
            f"max_bytes={max_bytes}. Refusing to read it."
        )

    payload = reader.read(nbytes + 1)  # one byte more than declared, to detect trailing data
    if len(payload) < nbytes:
        raise DataFormatError(
            f"{name}: the header declares shape {shape} of {dtype.newbyteorder('=')}, which needs {nbytes} data "
            f"bytes. Received: {len(payload)} bytes. The file is truncated (or its dims are wrong); "
            "download it again."
        )
    if len(payload) > nbytes:
        extra = len(data) - (4 + 4 * ndim + nbytes) if not compressed else "some"
        raise DataFormatError(
            f"{name}: the header declares shape {shape} of {dtype.newbyteorder('=')}, {nbytes} data bytes, but "
            f"{extra} bytes follow them. The dims do not match the data size: the file is corrupt."
        )
    # frombuffer views the (read-only) buffer; astype to native byte order always makes a new, writable array.
    return np.frombuffer(payload, dtype=dtype, count=count).reshape(shape).astype(dtype.newbyteorder("="))


def encode_idx(array: np.ndarray) -> bytes:
    """Return the uncompressed IDX bytes of an array (header and big-endian data).

    Args:
        array: Any shape, dtype ``uint8``, ``int8``, ``int16``, ``int32``, ``float32`` or ``float64``.

    Returns:
        ``4 + 4 * array.ndim + array.nbytes`` bytes.

    Raises:
        TypeError: The dtype has no IDX type code (e.g. ``int64``, ``bool``, ``float16``).
        ValueError: A dimension does not fit in a uint32.
    """
    array = np.asarray(array)
    code = _CODE_OF.get((array.dtype.kind, array.dtype.itemsize))
    if code is None:
        raise TypeError(
            f"IDX stores only {_TYPE_NAMES}. Received: array.dtype={array.dtype}. "
            "Convert first, e.g. array.astype(np.int32) for int64 labels or array.astype(np.uint8) for bools."
        )
    if any(d >= 2**32 for d in array.shape):
        raise ValueError(f"IDX dimensions must fit in a uint32. Received: array.shape={array.shape}.")
    header = bytes([0, 0, code, array.ndim]) + np.asarray(array.shape, dtype=">u4").tobytes()
    return header + np.ascontiguousarray(array, dtype=TYPE_CODES[code]).tobytes()


def write_idx(path: str | os.PathLike[str], array: np.ndarray, *, compress: bool | None = None) -> None:
    """Write an array as an IDX file, gzip-compressed when ``path`` ends with ``.gz``.

    Args:
        path: Where to write. An existing file is overwritten.
        array: Any shape; dtype ``uint8``, ``int8``, ``int16``, ``int32``, ``float32`` or ``float64``.
        compress: Force gzip on (True) or off (False); None decides from the ``.gz`` suffix.

    Raises:
        TypeError: The dtype has no IDX type code.
        ValueError: A dimension does not fit in a uint32.
    """
    data = encode_idx(array)
    if compress is None:
        compress = os.fspath(path).endswith(".gz")
    if compress:
        data = gzip.compress(data, mtime=0)  # mtime=0: the same array always gives the same bytes
    with open(path, "wb") as f:
        f.write(data)


def read_idx_pair(
    images: PathOrBytes,
    labels: PathOrBytes,
    *,
    num_classes: int | None = None,
    names: tuple[str, str] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Read an images file and its labels file, and check that they belong together.

    Args:
        images: Path or bytes of the images IDX file, e.g. shape ``(N, 28, 28)``.
        labels: Path or bytes of the labels IDX file, shape ``(N,)``.
        num_classes: When given, every label must be an integer in ``[0, num_classes)``.
        names: What to call the two sources in error messages.

    Returns:
        ``(images, labels)``: images of shape ``(N, ...)`` and labels of shape ``(N,)``.

    Raises:
        DataFormatError: Either file is malformed, the labels are not 1-D integers, the counts differ, or a label
            is out of range.
    """
    images_name, labels_name = names or (None, None)
    x = read_idx(images, name=images_name)
    y = read_idx(labels, name=labels_name)
    images_name = images_name or "images"
    labels_name = labels_name or "labels"
    if y.ndim != 1 or y.dtype.kind not in "ui":
        raise DataFormatError(
            f"{labels_name}: expected a 1-D array of integer labels. Received: shape={y.shape}, dtype={y.dtype}. "
            "Are the images and labels files swapped?"
        )
    if x.ndim < 1 or x.shape[0] != y.shape[0]:
        raise DataFormatError(
            f"{images_name} and {labels_name} must hold the same number of examples. Received: images "
            f"shape={x.shape}, labels shape={y.shape}. The two files come from different datasets or splits."
        )
    if num_classes is not None and y.size:
        low, high = int(y.min()), int(y.max())
        if low < 0 or high >= num_classes:
            raise DataFormatError(
                f"{labels_name}: labels must be integers in [0, {num_classes}). Received: min label {low}, "
                f"max label {high}. The labels file is corrupt or belongs to another dataset."
            )
    return x, y

"""IDX round trips over every type code and many shapes, and every malformed file rejected with a useful message."""

from __future__ import annotations

import gzip

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from scratchnet.datasets import DataFormatError
from scratchnet.datasets.idx import encode_idx, read_idx, read_idx_pair, write_idx

DTYPES = [np.uint8, np.int8, np.int16, np.int32, np.float32, np.float64]
CODES = {np.uint8: 0x08, np.int8: 0x09, np.int16: 0x0B, np.int32: 0x0C, np.float32: 0x0D, np.float64: 0x0E}


@st.composite
def idx_arrays(draw):
    dtype = np.dtype(draw(st.sampled_from(DTYPES)))
    shape = draw(hnp.array_shapes(min_dims=0, max_dims=4, min_side=0, max_side=5))
    # Any byte order the caller might hold; IDX is always big-endian on disk.
    dtype = dtype.newbyteorder(draw(st.sampled_from(["<", ">", "="])))
    return draw(hnp.arrays(dtype, shape))


def assert_same(read, original):
    assert read.shape == original.shape
    assert read.dtype == original.dtype.newbyteorder("=")
    assert read.dtype.isnative
    assert read.tobytes() == original.astype(read.dtype).tobytes()  # bit for bit, NaN and -0.0 included


@settings(max_examples=150, deadline=None)
@given(array=idx_arrays(), compress=st.booleans())
def test_round_trip_through_bytes(array, compress):
    data = encode_idx(array)
    assert len(data) == 4 + 4 * array.ndim + array.nbytes
    assert data[:4] == bytes([0, 0, CODES[array.dtype.type], array.ndim])
    read = read_idx(gzip.compress(data) if compress else data)
    assert_same(read, array)
    assert read.flags.writeable and read.flags.c_contiguous


@settings(max_examples=30, deadline=None)
@given(array=idx_arrays())
def test_round_trip_through_files(tmp_path_factory, array):
    folder = tmp_path_factory.mktemp("idx")
    for name in ("a.idx", "a.idx.gz"):
        write_idx(folder / name, array)
        assert_same(read_idx(folder / name), array)
        assert_same(read_idx(str(folder / name)), array)
    assert (folder / "a.idx.gz").read_bytes()[:2] == b"\x1f\x8b"
    assert (folder / "a.idx").read_bytes() == encode_idx(array)


def test_bytes_are_big_endian_as_the_spec_says():
    data = encode_idx(np.array([[1, -2, 258]], dtype=np.int16))
    assert data.hex() == "00000b02" + "00000001" + "00000003" + "0001" + "fffe" + "0102"
    assert encode_idx(np.array([1.0], dtype=np.float32)).hex() == "00000d01" + "00000001" + "3f800000"


def test_write_idx_compress_overrides_the_suffix(tmp_path):
    array = np.arange(10, dtype=np.uint8)
    write_idx(tmp_path / "plain.gz", array, compress=False)
    write_idx(tmp_path / "packed.idx", array, compress=True)
    assert (tmp_path / "plain.gz").read_bytes() == encode_idx(array)
    assert gzip.decompress((tmp_path / "packed.idx").read_bytes()) == encode_idx(array)


def test_gzip_output_is_reproducible(tmp_path):
    array = np.arange(100, dtype=np.int32)
    write_idx(tmp_path / "a.gz", array)
    first = (tmp_path / "a.gz").read_bytes()
    write_idx(tmp_path / "a.gz", array)
    assert (tmp_path / "a.gz").read_bytes() == first


def test_several_gzip_members_are_one_file():
    data = encode_idx(np.arange(30, dtype=np.uint8).reshape(5, 6))
    two_members = gzip.compress(data[:7]) + gzip.compress(data[7:])
    np.testing.assert_array_equal(read_idx(two_members), np.arange(30).reshape(5, 6))


@pytest.mark.parametrize(
    ("dtype", "hint"),
    [(np.int64, "astype(np.int32)"), (np.bool_, "astype(np.uint8)"), (np.float16, ""), (np.uint16, ""), (object, "")],
)
def test_write_rejects_dtypes_idx_cannot_store(tmp_path, dtype, hint):
    with pytest.raises(TypeError, match=r"IDX stores only .* Received: array\.dtype=") as info:
        write_idx(tmp_path / "x.idx", np.zeros(3, dtype=dtype))
    assert hint in str(info.value)
    assert not (tmp_path / "x.idx").exists()


def test_read_rejects_what_is_not_a_path_or_bytes():
    with pytest.raises(TypeError, match="Received: source of type list"):
        read_idx([0, 0, 8, 1])


# --- malformed files ---------------------------------------------------------------------------------------------

GOOD = encode_idx(np.arange(24, dtype=np.int16).reshape(2, 3, 4))  # header 16 bytes + 48 data bytes


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"", r"is empty \(0 bytes\)"),
        (b"\x00\x00", r"expected an IDX header of at least 4 bytes\. Received: 2 bytes"),
        (b"\x12\x34\x08\x01" + GOOD[4:], r"expected the IDX magic number 0x0000 .* This is not an IDX file"),
        (gzip.compress(gzip.compress(GOOD)), r"still gzip-compressed after one decompression"),
        (b"\x00\x00\x0a\x01\x00\x00\x00\x01x", r"unknown IDX type code 0x0A; expected one of 0x08 ubyte"),
        (GOOD[:10], r"declares 3 dimensions \(12 bytes\) but the file ends after 6 of them"),
        (GOOD[:-1], r"needs 48 data bytes\. Received: 47 bytes\. The file is truncated"),
        (gzip.compress(GOOD[:-2]), r"needs 48 data bytes\. Received: 46 bytes"),
        (gzip.compress(GOOD)[:-12], r"the gzip stream ends early"),
        (GOOD + b"\x00", r"48 data bytes, but 1 bytes follow them\. The dims do not match the data size"),
        (gzip.compress(GOOD + b"junk"), r"48 data bytes, but some bytes follow them"),
        (b"\x00\x00\x0b\x01\x00\x00\x00\x05" + b"\x00" * 4, r"needs 10 data bytes\. Received: 4 bytes"),
        (b"<!DOCTYPE html>\n<html><body>Forbidden</body></html>", r"is an HTML page, not IDX data"),
        (b"  <html><head><title>404</title></head></html>", r"is an HTML page, not IDX data"),
        (gzip.compress(b"<html><body>Not Found</body></html>"), r"after gunzip\. It looks like an HTML or XML page"),
        (gzip.compress(GOOD)[:-8] + b"\x00\x00\x00\x00" + gzip.compress(GOOD)[-4:], r"the gzip data is corrupt"),
        (gzip.compress(GOOD) + b"trailing", r"bytes of non-gzip data after the end of the gzip stream"),
    ],
    ids=[
        "empty",
        "short-header",
        "wrong-magic",
        "gzip-twice",
        "unknown-type",
        "truncated-dims",
        "truncated-payload",
        "truncated-payload-gz",
        "truncated-gzip",
        "trailing-bytes",
        "trailing-bytes-gz",
        "dims-size-mismatch",
        "html",
        "html-leading-space",
        "html-gzipped",
        "crc-mismatch",
        "garbage-after-gzip",
    ],
)
def test_malformed_data_is_rejected(data, expected):
    with pytest.raises(DataFormatError, match=expected):
        read_idx(data, name="labels.gz")


def test_messages_name_the_file(tmp_path):
    path = tmp_path / "train-images-idx3-ubyte.gz"
    path.write_bytes(b"<!DOCTYPE html><html>Access denied</html>")
    with pytest.raises(DataFormatError, match=rf"^{path} is an HTML page, not IDX data: a mirror answered"):
        read_idx(path)
    path.write_bytes(b"")
    with pytest.raises(DataFormatError, match=rf"^{path} is empty \(0 bytes\)\. A download was probably interrupted"):
        read_idx(path)


def test_data_format_error_is_also_a_value_error():
    with pytest.raises(ValueError):
        read_idx(b"")


def test_max_bytes_refuses_a_huge_header_before_decompressing():
    huge = b"\x00\x00\x08\x02" + np.array([100_000, 100_000], dtype=">u4").tobytes()
    with pytest.raises(DataFormatError, match=r"10000000000 bytes, more than max_bytes=1000000"):
        read_idx(gzip.compress(huge), max_bytes=10**6)


def test_a_gzip_bomb_is_not_inflated_past_what_the_header_declares():
    # 20 MB of zeros after a header that declares 16 bytes: only 17 bytes are ever decompressed.
    bomb = gzip.compress(b"\x00\x00\x08\x01\x00\x00\x00\x10" + bytes(20_000_000), compresslevel=1)
    with pytest.raises(DataFormatError, match=r"16 data bytes, but some bytes follow them"):
        read_idx(bomb)


# --- image/label pairs ---------------------------------------------------------------------------------------------

IMAGES = encode_idx(np.zeros((3, 2, 2), dtype=np.uint8))


def test_pair_reads_matching_files():
    x, y = read_idx_pair(IMAGES, encode_idx(np.array([0, 9, 4], dtype=np.uint8)), num_classes=10)
    assert x.shape == (3, 2, 2)
    np.testing.assert_array_equal(y, [0, 9, 4])


@pytest.mark.parametrize(
    ("labels", "expected"),
    [
        (np.array([0, 1], dtype=np.uint8), r"same number of examples\. Received: images shape=\(3, 2, 2\), labels"),
        (np.array([0, 10, 1], dtype=np.uint8), r"labels must be integers in \[0, 10\)\. Received: min label 0, max "),
        (np.array([0, -1, 1], dtype=np.int8), r"Received: min label -1, max label 1"),
        (np.zeros((3, 1), dtype=np.uint8), r"expected a 1-D array of integer labels\. Received: shape=\(3, 1\)"),
        (np.zeros(3, dtype=np.float32), r"expected a 1-D array of integer labels\. .*dtype=float32"),
    ],
    ids=["count-mismatch", "label-too-large", "label-negative", "labels-2d", "labels-float"],
)
def test_pair_rejects_labels_that_do_not_fit(labels, expected):
    with pytest.raises(DataFormatError, match=expected):
        read_idx_pair(IMAGES, encode_idx(labels), num_classes=10, names=("images.gz", "labels.gz"))

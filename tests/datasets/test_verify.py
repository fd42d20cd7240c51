"""Verification: the exact published .gz, or any gzip of the exact payload; nothing else, and never a bomb."""

from __future__ import annotations

import gzip
import hashlib
import time

import numpy as np
import pytest

from scratchnet.datasets import ChecksumError
from scratchnet.datasets._spec import FileSpec
from scratchnet.datasets._verify import verify_bytes
from scratchnet.datasets.idx import encode_idx

PAYLOAD = encode_idx(np.arange(2000, dtype=np.int32))
PUBLISHED = gzip.compress(PAYLOAD, compresslevel=9, mtime=0)


def spec_for(published=PUBLISHED, payload=PAYLOAD, payload_sha256=True):
    return FileSpec(
        "data.gz",
        size=len(published),
        sha256=hashlib.sha256(published).hexdigest(),
        payload_size=len(payload),
        payload_sha256=hashlib.sha256(payload).hexdigest() if payload_sha256 else None,
    )


def test_the_published_file_is_accepted():
    assert verify_bytes(PUBLISHED, spec_for(), "data.gz") == PAYLOAD


def test_a_recompressed_copy_is_accepted_by_its_payload_hash():
    recompressed = gzip.compress(PAYLOAD, compresslevel=1, mtime=12345)
    assert recompressed != PUBLISHED
    assert verify_bytes(recompressed, spec_for(), "data.gz") == PAYLOAD


def test_a_recompressed_copy_is_refused_when_the_payload_hash_is_unknown():
    recompressed = gzip.compress(PAYLOAD, compresslevel=1)
    with pytest.raises(ChecksumError, match=r"Received: \d+ bytes with SHA-256 [0-9a-f]{64}; it decompresses to"):
        verify_bytes(recompressed, spec_for(payload_sha256=False), "data.gz")


def test_a_flipped_byte_is_refused_with_expected_and_received_values():
    spec = spec_for()
    flipped = bytearray(PUBLISHED)
    flipped[len(flipped) // 2] ^= 0x40
    with pytest.raises(ChecksumError) as info:
        verify_bytes(bytes(flipped), spec, "/cache/mnist/data.gz")
    message = str(info.value)
    assert message.startswith("/cache/mnist/data.gz failed verification: expected data.gz of")
    assert f"{spec.size} bytes with SHA-256 {spec.sha256}" in message
    assert f"payload is {spec.payload_size} bytes with SHA-256 {spec.payload_sha256}" in message
    assert f"Received: {len(flipped)} bytes with SHA-256 {hashlib.sha256(flipped).hexdigest()}" in message
    assert "delete it and load the dataset again" in message
    assert not info.value.truncated


def test_a_different_payload_is_refused():
    other = encode_idx(np.arange(1, 2001, dtype=np.int32))
    with pytest.raises(ChecksumError, match=r"it decompresses to 8008 bytes with SHA-256 "):
        verify_bytes(gzip.compress(other), spec_for(), "data.gz")


@pytest.mark.parametrize(
    ("data", "detail", "truncated"),
    [
        (PUBLISHED[:-10], "its gzip stream ends early (truncated)", True),
        (PAYLOAD, "not gzip data at all (starts with b'\\x00\\x00\\x0c\\x01", False),
        (b"<html>Forbidden</html>", "not gzip data at all (starts with b'<html>", False),
        (b"", "not gzip data at all", False),
    ],
    ids=["truncated", "uncompressed", "html", "empty"],
)
def test_unusable_files_are_refused_with_the_reason(data, detail, truncated):
    with pytest.raises(ChecksumError) as info:
        verify_bytes(data, spec_for(), "data.gz")
    assert detail in str(info.value)
    assert info.value.truncated is truncated


def test_a_gzip_bomb_stops_at_the_expected_size():
    # ~50 KB that would inflate to 50 MB: refused after inflating one byte more than the 8 KB payload.
    bomb = gzip.compress(bytes(50_000_000), compresslevel=9)
    start = time.perf_counter()
    with pytest.raises(ChecksumError, match=r"decompresses to more than the expected 8008 bytes; stopped there"):
        verify_bytes(bomb, spec_for(), "data.gz")
    assert time.perf_counter() - start < 0.5

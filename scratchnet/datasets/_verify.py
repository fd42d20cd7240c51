"""Integrity checks: is this the exact file we pinned, or a recompression of its exact payload?"""

from __future__ import annotations

import hashlib

from scratchnet.datasets._gzip import TruncatedGzipError, gunzip, is_gzip
from scratchnet.datasets._spec import FileSpec
from scratchnet.datasets.errors import ChecksumError, DataFormatError


def sha256_hex(data: bytes | memoryview) -> str:
    """Return the SHA-256 of ``data`` as 64 hex digits."""
    return hashlib.sha256(data).hexdigest()


def verify_bytes(data: bytes, spec: FileSpec, source: str) -> bytes:
    """Check a downloaded or cached file against its pinned values and return its decompressed payload.

    A file is accepted when it is byte-identical to the published ``.gz`` (size and SHA-256), or when it is any
    gzip file whose decompressed payload has the pinned size and SHA-256. Decompression stops one byte past the
    expected payload size, so an oversized or malicious file costs no more than a good one.

    Args:
        data: The whole ``.gz`` file.
        spec: The pinned values.
        source: Path or URL of the data, for error messages.

    Returns:
        The decompressed IDX payload, ``spec.payload_size`` bytes.

    Raises:
        ChecksumError: The file matches neither hash. ``truncated`` is set when its gzip stream ends early.
    """
    exact = len(data) == spec.size and sha256_hex(data) == spec.sha256
    if not exact and not is_gzip(data):
        raise _mismatch(data, spec, source, f"not gzip data at all (starts with {bytes(data[:16])!r})")
    try:
        payload = gunzip(data, spec.payload_size, name=source)
    except TruncatedGzipError as exc:
        raise _mismatch(data, spec, source, "its gzip stream ends early (truncated)", truncated=True) from exc
    except DataFormatError as exc:
        if exact:  # cannot happen with correct pins; surface it rather than hide it
            raise
        raise _mismatch(data, spec, source, _first_sentence(str(exc), source)) from exc
    if exact:
        return payload
    if len(payload) != spec.payload_size:
        detail = f"it decompresses to {len(payload)} bytes, not {spec.payload_size}"
    else:
        payload_hash = sha256_hex(payload)
        if payload_hash == spec.payload_sha256:
            return payload
        detail = f"it decompresses to {len(payload)} bytes with SHA-256 {payload_hash}"
    raise _mismatch(data, spec, source, detail)


def _first_sentence(message: str, source: str) -> str:
    if message.startswith(source + ": "):
        message = message[len(source) + 2 :]
    return message.split(". ")[0]


def _mismatch(data: bytes, spec: FileSpec, source: str, detail: str, truncated: bool = False) -> ChecksumError:
    received = f"{len(data)} bytes with SHA-256 {sha256_hex(data)}; {detail}"
    if spec.payload_sha256 is not None:
        alternative = (
            f", or any gzip file whose decompressed payload is {spec.payload_size} bytes with SHA-256 "
            f"{spec.payload_sha256}"
        )
    else:
        alternative = ""
    return ChecksumError(
        f"{source} failed verification: expected {spec.name} of {spec.size} bytes with SHA-256 {spec.sha256}"
        f"{alternative}. Received: {received}. The file is corrupt, incomplete, or a different file: delete it and "
        "load the dataset again to download a fresh copy.",
        source=source,
        received=received,
        truncated=truncated,
    )

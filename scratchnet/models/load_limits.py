"""Bounds on loading: a damaged or crafted model file is refused before it can fill the memory.

A ``.npz`` archive is a zip of ``.npy`` arrays, and each ``.npy`` starts with a small header giving its shape and
dtype. :func:`scan_npz` reads only those headers (a few hundred bytes of each member, decompressed on the fly) and
checks, before a single array is read:

- every array is plain numbers: real floating point for weights and optimizer state (complex, integer, object or
  string arrays are refused), bytes (uint8) for the JSON entries;
- the size the header declares matches the member's size in the zip directory (a header that lies is damage);
- the sizes, totalled, stay under ``max_bytes`` (``load_model(path, max_bytes=...)``, else
  ``$SCRATCHNET_MAX_LOAD_BYTES``, else ``DEFAULT_MAX_BYTES``).

Then :func:`check_sizes` refuses a config whose layers declare absurd sizes (``Dense(units=2**27)``) before the model
is built, and :func:`check_weight_headers` compares the built model's weight shapes with the headers before the
weights are read. JSON nesting is bounded too (:func:`nesting_depth`), so a crafted config cannot raise
RecursionError. A deflate bomb (1 MB that inflates to 1 GB) is thus refused after reading its headers only.
"""

from __future__ import annotations

import math
import os
import zipfile

import numpy as np

__all__ = [
    "DEFAULT_MAX_BYTES",
    "MAX_BYTES_ENV",
    "MAX_CONFIG_DEPTH",
    "MAX_MEMBERS",
    "check_depth",
    "check_sizes",
    "check_weight_headers",
    "max_bytes_from",
    "nesting_depth",
    "scan_npz",
]

DEFAULT_MAX_BYTES = 2**30
"""The most array data (1 GiB) a model file may declare unless told otherwise."""
MAX_BYTES_ENV = "SCRATCHNET_MAX_LOAD_BYTES"
MAX_MEMBERS = 16384
"""The most arrays a model file may hold (weights and optimizer state of some 2,700 layers), checked before any
header is read."""
MAX_CONFIG_DEPTH = 64
"""The deepest JSON nesting a saved config may have (scratchnet's own nest about 6 levels; a nested model adds 4)."""
_MAX_JSON_BYTES = 16 * 2**20  # a config of 16 MB would describe some 50,000 layers
_SMALL_INT = 2**16  # a config number above this must be backed by as many stored weights (units=2**27 is refused)
_JSON_MEMBERS = ("model_config", "weight_names", "optimizer_config")


def max_bytes_from(max_bytes, who: str) -> int:
    """The limit to apply: the argument, else the environment variable, else the default; checked."""
    source = f"max_bytes={max_bytes!r}"
    if max_bytes is None:
        raw = os.environ.get(MAX_BYTES_ENV, "").strip()
        if not raw:
            return DEFAULT_MAX_BYTES
        source = f"{MAX_BYTES_ENV}={raw!r}"
        try:
            max_bytes = int(float(raw))
        except ValueError:
            max_bytes = None
    if isinstance(max_bytes, bool) or not isinstance(max_bytes, (int, np.integer)) or max_bytes < 1:
        raise ValueError(
            f"{who}() expected max_bytes to be a positive number of bytes, e.g. 2**31. Received: {source}."
        )
    return int(max_bytes)


def scan_npz(path: str, who: str, max_bytes=None) -> dict[str, tuple[tuple[int, ...], np.dtype]]:
    """``{array name: (shape, dtype)}`` from the headers alone, after the checks in the module's docstring.

    Files that are not zip archives of ``.npy`` members are left to the caller's own, more specific messages.
    """
    limit = max_bytes_from(max_bytes, who)
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError):
        return {}
    headers: dict[str, tuple[tuple[int, ...], np.dtype]] = {}
    total = 0
    with archive:
        if len(archive.infolist()) > MAX_MEMBERS:
            raise ValueError(
                f"{who}(): '{path}' is damaged or crafted: it holds {len(archive.infolist()):,} arrays; a model saved "
                f"by scratchnet holds a few per layer, and loading refuses more than {MAX_MEMBERS:,}."
            )
        for info in archive.infolist():
            if not info.filename.endswith(".npy"):
                return {}  # not ours: the caller says what it is
            name = info.filename[: -len(".npy")]
            shape, dtype, header_size = _read_header(archive, info, path, who)
            _check_dtype(name, dtype, path, who)
            declared = math.prod(shape) * dtype.itemsize
            if info.file_size != header_size + declared:
                raise ValueError(
                    f"{who}(): '{path}' is damaged: the array '{name}' declares shape {shape} of {dtype} "
                    f"({declared:,} bytes) but holds {info.file_size - header_size:,} bytes. Save the model again."
                )
            total += declared
            if total > limit:
                raise ValueError(
                    f"{who}(): '{path}' declares more than {limit:,} bytes of arrays (at '{name}', shape {shape}), "
                    f"the limit for loading. If you trust this file and have the memory, raise the limit: "
                    f"{who}(path, max_bytes={2 * max(total, limit)}) or set {MAX_BYTES_ENV}."
                )
            if name in _JSON_MEMBERS and declared > _MAX_JSON_BYTES:
                raise ValueError(
                    f"{who}(): '{path}' is damaged or crafted: its '{name}' entry is {declared:,} bytes; scratchnet "
                    f"writes a few kilobytes there and refuses more than {_MAX_JSON_BYTES:,}."
                )
            headers[name] = (shape, dtype)
    return headers


def _read_header(archive: zipfile.ZipFile, info: zipfile.ZipInfo, path: str, who: str):
    """(shape, dtype, header size in bytes) of one ``.npy`` member; only its first bytes are decompressed."""
    try:
        with archive.open(info) as f:
            version = np.lib.format.read_magic(f)
            if version == (1, 0):
                shape, _, dtype = np.lib.format.read_array_header_1_0(f)
            else:
                shape, _, dtype = np.lib.format.read_array_header_2_0(f)
            return tuple(int(n) for n in shape), np.dtype(dtype), f.tell()
    except Exception as e:  # zipfile, zlib and NumPy's own errors for a damaged header
        raise ValueError(
            f"{who}(): '{path}' is damaged: the header of its array '{info.filename}' cannot be read "
            f"({type(e).__name__}: {e}). Save the model again."
        ) from None


def _check_dtype(name: str, dtype: np.dtype, path: str, who: str) -> None:
    if dtype.hasobject:
        raise ValueError(
            f"{who}(): '{path}' holds pickled Python objects (in '{name}'). scratchnet never writes them, and never "
            "loads them, because unpickling can run any code. It is not a file saved by scratchnet."
        )
    if name in _JSON_MEMBERS:
        ok = dtype == np.uint8
        wanted = "bytes (uint8)"
    else:
        ok = dtype.kind == "f"
        wanted = "real floating-point numbers"
    if not ok:
        raise ValueError(
            f"{who}(): '{path}' is damaged or not saved by scratchnet: its array '{name}' is of dtype {dtype}, and "
            f"scratchnet stores {wanted} there. Received: dtype={dtype}."
        )


def check_depth(text: bytes, path: str, key: str, who: str) -> None:
    """Refuse JSON nested deeper than MAX_CONFIG_DEPTH before parsing it (deep nesting raises RecursionError)."""
    depth = nesting_depth(text)
    if depth > MAX_CONFIG_DEPTH:
        raise ValueError(
            f"{who}(): '{path}' is damaged or crafted: its '{key}' entry nests more than {MAX_CONFIG_DEPTH} levels "
            "deep; a model saved by scratchnet nests a few levels. It is refused before it is parsed."
        )


def nesting_depth(text: bytes) -> int:
    """How deeply ``text`` (JSON) nests brackets and braces, outside strings; stops counting past the limit."""
    depth = deepest = 0
    in_string = escaped = False
    for byte in text:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:  # quote
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > MAX_CONFIG_DEPTH:
                    return deepest
        elif byte in (0x5D, 0x7D):
            depth -= 1
    return deepest


def check_sizes(config, headers: dict, path: str) -> None:
    """Refuse a layer config declaring a size no stored weight backs, before the model is built.

    Any whole number in a layer's config above 65,536 (units, filters, a dimension of a shape) must be at most
    the number of weights the file stores: a Dense with units=2**27 has a kernel of at least 2**27 numbers.
    """
    stored = sum(math.prod(shape) for name, (shape, _) in headers.items() if name.startswith("weight_"))
    bound = max(_SMALL_INT, stored)
    for where, value in _numbers(config, "config"):
        if value > bound or value < -1:
            raise ValueError(
                f"load_model(): '{path}' is damaged or crafted: {where} = {value:,}, a size no layer of this file "
                f"can have (its weights hold {stored:,} numbers in all). It is refused before anything is built."
            )


def _numbers(node, where: str):
    if isinstance(node, bool):
        return
    if isinstance(node, int):
        yield where, node
    elif isinstance(node, dict):
        for k, v in node.items():
            if k not in ("seed",):  # a seed is any number, not a size
                yield from _numbers(v, f"{where}.{k}")
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _numbers(v, f"{where}[{i}]")


def check_weight_headers(headers: dict, model, path: str, who: str) -> None:
    """The stored weights' shapes, from their headers, against the model's, before any weight is read."""
    if "weight_names" not in headers:
        return  # not a scratchnet file: the caller's reading says what it is instead
    stored = {int(n[len("weight_") :]): shape for n, (shape, _) in headers.items() if n[len("weight_") :].isdigit()}
    own, names = model.trainable_weights, model.weight_names
    start = f"{who}(): the weights in '{path}' do not fit this model. Model '{model.name}'"
    if sorted(stored) != list(range(len(own))):
        return  # a count that differs is reported after reading (bounded by scan_npz), with the file's own names
    for i, (name, weight) in enumerate(zip(names, own, strict=True)):
        if stored.get(i) != weight.shape:
            raise ValueError(
                f"{start}: weight '{name}' has shape {weight.shape}. Received: shape {stored.get(i)}. Were these "
                "weights saved from a model with other layer sizes?"
            )

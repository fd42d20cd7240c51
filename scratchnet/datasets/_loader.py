"""Find a dataset's four files, verify them, download what is missing, and parse them into arrays."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from scratchnet.datasets._gzip import is_gzip
from scratchnet.datasets._locations import (
    DATA_DIR_ENV,
    OFFLINE_ENV,
    cache_note,
    download_dir,
    explicit_root,
    offline,
    search_dirs,
)
from scratchnet.datasets._spec import DatasetSpec, FileSpec
from scratchnet.datasets._verify import sha256_hex, verify_bytes
from scratchnet.datasets.errors import ChecksumError, DataFormatError, DatasetNotAvailableError, DownloadError
from scratchnet.datasets.idx import read_idx_pair

Arrays = tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]
PathLike = str | os.PathLike[str] | None


def load(spec: DatasetSpec, data_dir: PathLike, download: bool, verbose: int, system_dirs: Sequence[str]) -> Arrays:
    """``load_data`` for any four-file IDX dataset; see ``mnist.load_data`` for the contract."""
    _check_arguments(data_dir, download, verbose)
    data_dir = _unless_keras_path(data_dir)
    train_images, train_labels, test_images, test_labels = _payloads(spec, data_dir, download, verbose, system_dirs)
    names = [f"{spec.title} {f.name}" for f in spec.files]
    x_train, y_train = read_idx_pair(
        train_images, train_labels, num_classes=spec.num_classes, names=(names[0], names[1])
    )
    x_test, y_test = read_idx_pair(test_images, test_labels, num_classes=spec.num_classes, names=(names[2], names[3]))
    for name, x, count in ((names[0], x_train, spec.num_train), (names[2], x_test, spec.num_test)):
        expected = (count, *spec.image_shape)
        if x.shape != expected or x.dtype != np.uint8:
            raise DataFormatError(
                f"{name}: expected uint8 images of shape {expected}. Received: shape={x.shape}, dtype={x.dtype}."
            )
    return (x_train, y_train), (x_test, y_test)


def _unless_keras_path(data_dir: PathLike) -> PathLike:
    """None for Keras's ``load_data("mnist.npz")``: that first argument names Keras's cached copy, not a folder.

    scratchnet reads the original IDX files instead, so the name has nothing to point at; taking it as a folder
    would create ``mnist.npz/mnist/`` and download into it.
    """
    if data_dir is not None and os.fspath(data_dir).endswith(".npz") and not os.path.isdir(data_dir):
        return None
    return data_dir


def _check_arguments(data_dir: PathLike, download: bool, verbose: int) -> None:
    if data_dir is not None and not isinstance(data_dir, (str, os.PathLike)):
        raise TypeError(
            "load_data expected data_dir to be a folder path (a str or a pathlib.Path) holding the dataset's folder, "
            f"or None. Received: data_dir={data_dir!r} of type {type(data_dir).__name__}."
        )
    if not isinstance(download, (bool, np.bool_)):
        raise TypeError(f"load_data expected download to be True or False. Received: download={download!r}.")
    if isinstance(verbose, bool) or not isinstance(verbose, (int, np.integer)):
        raise TypeError(f"load_data expected verbose to be 0 or 1. Received: verbose={verbose!r}.")


def available_locally(spec: DatasetSpec, data_dir: PathLike, system_dirs: Sequence[str]) -> bool:
    """True when each of the four files has a verified copy in one of the searched folders."""
    data_dir = _unless_keras_path(data_dir)
    dirs = search_dirs(spec.dirname, data_dir, system_dirs)
    return all(_find(f, dirs)[0] is not None for f in spec.files)


def _find(spec: FileSpec, dirs: Sequence[Path]) -> tuple[bytes | None, list[tuple[Path, str]]]:
    """The verified payload of the first good copy of a file, and the bad copies met on the way.

    In each folder the published ``.gz`` is looked for first, then the file left gunzipped (the same name without
    ``.gz``), which is accepted when its bytes are exactly the pinned payload.
    """
    bad = []
    for folder in dirs:
        for path, gunzipped in ((folder / spec.name, False), (folder / spec.name.removesuffix(".gz"), True)):
            if gunzipped and path.name == spec.name:
                continue
            try:
                data = path.read_bytes()
            except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
                continue
            except OSError as exc:
                bad.append((path, f"cannot be read ({exc.strerror or exc}); the folder {folder} may not be readable"))
                continue
            if gunzipped and not is_gzip(data):
                problem = _check_uncompressed(data, spec)
                if problem is None:
                    return data, bad
                bad.append((path, problem))
                continue
            try:
                return verify_bytes(data, spec, source=str(path)), bad
            except ChecksumError:
                bad.append((path, _describe_bad(data, spec)))
    return None, bad


def _check_uncompressed(data: bytes, spec: FileSpec) -> str | None:
    """None when ``data`` is exactly the pinned IDX payload of ``spec``; else what is wrong with it."""
    found = f"is an uncompressed copy ({len(data)} bytes, SHA-256 {sha256_hex(data)})"
    if spec.payload_sha256 is None:
        return (
            f"{found}, which cannot be verified: only the original {spec.name} is pinned for this file "
            f"(SHA-256 {spec.sha256}). Put the original .gz in its place"
        )
    if len(data) != spec.payload_size or sha256_hex(data) != spec.payload_sha256:
        return (
            f"{found}, but not the expected data: the uncompressed file is {spec.payload_size} bytes with "
            f"SHA-256 {spec.payload_sha256}"
        )
    return None


def _describe_bad(data: bytes, spec: FileSpec) -> str:
    summary = f"{len(data)} bytes, SHA-256 {sha256_hex(data)}"
    if is_gzip(data):
        return f"failed verification ({summary})"
    if data[:3] == b"\x00\x00\x08":  # an IDX header: the file was gunzipped but kept its .gz name
        return (
            f"is not gzip data ({summary}): it looks like an uncompressed IDX file that kept its .gz name. "
            f"Rename it to {spec.name.removesuffix('.gz')}, or compress it again with gzip"
        )
    return f"failed verification ({summary}): not gzip data (starts with {data[:8]!r})"


def _dataset_folder_given_as_root(spec: DatasetSpec, data_dir: PathLike, missing: Sequence[FileSpec]) -> None:
    """Refuse, with the fix, a data_dir / $SCRATCHNET_DATA_DIR that is the dataset's folder instead of its parent."""
    root = explicit_root(data_dir)
    if root is None or not any(_find(f, [root])[0] is not None for f in missing):
        return
    setting = (
        f"data_dir={os.fspath(data_dir)!r}"
        if data_dir is not None and os.fspath(data_dir) != ""
        else f"{DATA_DIR_ENV}={root}"
    )
    fix = f"Set it to the folder that holds {spec.dirname}/ instead" + (
        f": {root.parent}" if root.name == spec.dirname else f", or move the files into {root / spec.dirname}/"
    )
    raise DatasetNotAvailableError(
        f"{spec.title}: {setting} is the {spec.title} folder itself (it holds the dataset's files), but it must "
        f"name its parent: scratchnet looks for the files in <root>/{spec.dirname}/, here {root / spec.dirname}/. "
        f"{fix}."
    )


def _payloads(
    spec: DatasetSpec, data_dir: PathLike, download: bool, verbose: int, system_dirs: Sequence[str]
) -> list[bytes]:
    dirs = search_dirs(spec.dirname, data_dir, system_dirs)
    payloads: dict[str, bytes] = {}
    bad: dict[str, list[tuple[Path, str]]] = {}
    for f in spec.files:
        payload, bad[f.name] = _find(f, dirs)
        if payload is not None:
            payloads[f.name] = payload
    missing = [f for f in spec.files if f.name not in payloads]
    if not missing:
        return [payloads[f.name] for f in spec.files]
    _dataset_folder_given_as_root(spec, data_dir, missing)

    from scratchnet.datasets import _download  # imports requests: only needed when something is missing

    urls = _download.mirrors(spec)
    target, note = download_dir(spec.dirname, data_dir)
    if not download or offline():
        reason = "load_data(download=False) was called" if not download else f"{OFFLINE_ENV} is set"
        allow = [f"unset {OFFLINE_ENV}"] if offline() else []
        allow += [] if download else ["pass download=True"]
        raise DatasetNotAvailableError(
            _explain(
                spec,
                missing,
                bad,
                dirs,
                target,
                urls,
                f"{reason}, so nothing was downloaded",
                allow=" and ".join(allow),
            )
        )

    if note:
        _say(verbose, note)
    failures = []
    down: dict[str, str] = {}  # mirrors that timed out or refused connections: not waited for again
    for f in missing:
        for path, problem in bad[f.name]:
            action = "replacing it with a fresh download" if path.parent == target else "ignoring it"
            _say(verbose, f"{path} {problem}; {action}.")
        try:
            payloads[f.name] = _download.fetch(f, urls, target, title=spec.title, verbose=verbose, down=down)
        except DownloadError as exc:
            failures.append(exc)
            if all(u in down for u in urls):  # no mirror left to try: the other files would fail the same way
                break
    if failures:
        still_missing = [f for f in spec.files if f.name not in payloads]
        details = "\n".join(str(exc) for exc in failures)
        raise DownloadError(
            _explain(spec, still_missing, bad, dirs, target, urls, "downloading failed", details),
            unreachable=all(exc.unreachable for exc in failures),
        )
    return [payloads[f.name] for f in spec.files]


def _explain(
    spec: DatasetSpec,
    missing: Sequence[FileSpec],
    bad: dict[str, list[tuple[Path, str]]],
    dirs: Sequence[Path],
    target: Path,
    urls: Sequence[str],
    reason: str,
    details: str = "",
    allow: str = "",
) -> str:
    """The message of a dataset that cannot be loaded: what is needed, where we looked, and how to fix it."""
    missing_names = [f.name for f in missing]
    files = "\n".join(f"  [{'missing' if f in missing else 'ok':7}] {f.describe()}" for f in spec.files)
    searched = "\n".join(f"  {d}" for d in dirs)
    problems = "".join(f"  {path} {problem}\n" for f in missing for path, problem in bad.get(f.name, []))
    mirror_list = "\n".join(f"      {u}" for u in urls)
    lines = [
        f"{spec.title} is not available: {len(missing)} of {len(spec.files)} files could not be found, and {reason}.",
        *([details] if details else []),
        f"The four files (IDX, gzip-compressed; the SHA-256 is of the .gz):\n{files}",
        f"Searched, in order:\n{searched}",
    ]
    if problems:
        lines.append(f"Bad copies found (never used):\n{problems.rstrip()}")
    note = cache_note()
    if note:
        lines.append(note)
    lines += [
        f"Received: missing={missing_names}",
        "To fix it, do one of:",
        f"  - {f'allow downloads ({allow}) and run' if allow else 'run'} on a machine that can reach\n{mirror_list}",
        f"  - on a machine with internet, download {', '.join(missing_names)} from one of those URLs (e.g. "
        f"{urls[0] if urls else ''}{missing_names[0]}) and copy the files into\n      {target}/\n"
        f"    or into <root>/{spec.dirname}/ and pass data_dir=<root> or set SCRATCHNET_DATA_DIR=<root>.",
    ]
    if spec.install_hint:
        lines.append(f"  - {spec.install_hint}")
    return "\n".join(lines)


def _say(verbose: int, message: str) -> None:
    if verbose > 0:
        print(message, file=sys.stderr)

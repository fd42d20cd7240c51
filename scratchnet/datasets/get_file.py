"""``keras.utils.get_file``: download a file once into a cache folder, check its hash, extract zip/tar archives.

It reuses the dataset downloader's pieces (:mod:`scratchnet.datasets._download`): the HTTP session, the temporary
file beside the destination and the atomic publish, so a reader never sees half a file; and the same rules: retry
what may pass (a connection error, a timeout, HTTP 5xx) with backoff, not what will not (404, a wrong hash).

Archives are extracted only inside the cache folder: a member whose path is absolute or climbs out with ``..``,
or a link pointing out, is refused before anything is written (a zip or tar from the internet may be hostile).
"""

from __future__ import annotations

import hashlib
import os
import tarfile
import time
import urllib.parse
import zipfile
from pathlib import Path

import requests
import urllib3

from scratchnet.datasets import _download, _locations
from scratchnet.datasets.errors import ChecksumError, DownloadError

__all__ = ["get_file"]


def _hash(path: Path, algorithm: str) -> str:
    digest = hashlib.sha256() if algorithm == "sha256" else hashlib.md5()  # MD5: Keras's older hashes
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _algorithm(file_hash: str, hash_algorithm: str) -> str:
    if hash_algorithm not in ("auto", "sha256", "md5"):
        raise ValueError(f"get_file expected hash_algorithm 'auto', 'sha256' or 'md5'. Received: {hash_algorithm!r}.")
    if hash_algorithm == "auto":  # as Keras: a 64-digit hash is SHA-256, anything else MD5
        return "sha256" if len(file_hash) == 64 else "md5"
    return hash_algorithm


def _inside(root: Path, name: str) -> bool:
    target = (root / name).resolve()
    return target == root or root in target.parents


def _extract(archive: Path, into: Path, archive_format) -> bool:
    """Extract ``archive`` into ``into`` if it is a zip or tar of an allowed format; False if it is neither."""
    formats = ["tar", "zip"] if archive_format == "auto" else ([archive_format] if archive_format else [])
    root = into.resolve()
    if "zip" in formats and zipfile.is_zipfile(archive):
        with zipfile.ZipFile(archive) as z:
            bad = [m for m in z.namelist() if os.path.isabs(m) or not _inside(root, m)]
            if bad:
                raise ValueError(
                    f"get_file: refusing to extract {archive.name}: members outside the folder: {bad[:3]}."
                )
            z.extractall(root)
        return True
    if "tar" in formats and tarfile.is_tarfile(archive):
        with tarfile.open(archive) as t:
            members = t.getmembers()
            bad = [
                m.name
                for m in members
                if os.path.isabs(m.name)
                or not _inside(root, m.name)
                or ((m.issym() or m.islnk()) and not _inside(root, os.path.join(os.path.dirname(m.name), m.linkname)))
                or m.isdev()
            ]
            if bad:
                raise ValueError(
                    f"get_file: refusing to extract {archive.name}: members outside the folder: {bad[:3]}."
                )
            if hasattr(tarfile, "data_filter"):
                t.extractall(root, members=members, filter="data")
            else:  # pragma: no cover -- Python before 3.11.4; the members were checked above
                t.extractall(root, members=members)
        return True
    return False


def _fetch(origin: str, dest: Path) -> None:
    """Stream ``origin`` into a temporary file beside ``dest`` and publish it atomically; retries what may pass."""
    tmp = _download._create_temp_file(dest.parent, dest.name)
    problems = []
    try:
        with _download._session() as session:
            for attempt in range(_download.RETRIES + 1):
                try:
                    with session.get(
                        origin, stream=True, timeout=(_download.CONNECT_TIMEOUT, _download.READ_TIMEOUT)
                    ) as r:
                        if r.status_code != 200:
                            problems.append(f"HTTP {r.status_code}")
                            if r.status_code not in (408, 429, 500, 502, 503, 504):
                                break
                        else:
                            received = 0
                            with open(tmp, "wb") as f:
                                for chunk in r.raw.stream(_download.CHUNK_SIZE, decode_content=False):
                                    f.write(chunk)
                                    received += len(chunk)
                                f.flush()
                                os.fsync(f.fileno())
                            length = r.headers.get("Content-Length")
                            if length is None or int(length) == received:
                                _download._publish(tmp, dest)
                                return
                            problems.append(f"the body was cut short ({received} of {length} bytes)")
                except requests.exceptions.ConnectionError as exc:
                    problems.append(f"cannot connect ({_download._short(exc)})")
                except (requests.exceptions.RequestException, urllib3.exceptions.HTTPError, OSError) as exc:
                    problems.append(f"the download broke off ({_download._short(exc)})")
                if attempt < _download.RETRIES:
                    time.sleep(_download.BACKOFF * 2**attempt)
    finally:
        tmp.unlink(missing_ok=True)
    raise DownloadError(
        f"get_file could not download {origin} ({'; '.join(problems)}). If there is no network here, download the "
        f"file elsewhere and copy it to {dest}: get_file finds it there and does not download again."
    )


def get_file(fname=None, origin=None, untar=False, md5_hash=None, file_hash=None, cache_subdir="datasets",
             hash_algorithm="auto", extract=False, archive_format="auto", cache_dir=None, force_download=False,
             verbose=1):  # fmt: skip
    """The local path of ``origin``'s file, downloaded into ``cache_dir/cache_subdir/fname`` the first time.

    As Keras 2: ``extract=True`` unpacks a zip or tar archive beside it (and returns the archive's path);
    ``untar=True`` unpacks ``fname + ".tar.gz"`` and returns the folder. The cache is scratchnet's
    (``$XDG_CACHE_HOME/scratchnet`` or ``~/.cache/scratchnet``) unless ``cache_dir`` is given.

    Args:
        file_hash: the expected SHA-256 (64 hex digits) or MD5 of the file: a cached copy that does not match is
            downloaded again, and a download that does not match is deleted and refused.
    """
    if origin is None:
        raise ValueError('get_file needs origin="https://..." (the URL to download).')
    if fname is None:
        fname = os.path.basename(urllib.parse.urlsplit(origin).path)
        if not fname:
            raise ValueError(f"get_file: cannot tell a file name from origin={origin!r}. Pass fname='name.ext'.")
    cache_root = Path(cache_dir).expanduser() if cache_dir is not None else _locations.preferred_cache_root()
    folder = Path(cache_subdir) if os.path.isabs(cache_subdir) else cache_root / cache_subdir
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / (fname + ".tar.gz" if untar else fname)
    if md5_hash is not None and file_hash is None:
        file_hash, hash_algorithm = md5_hash, "md5"
    algorithm = _algorithm(file_hash, hash_algorithm) if file_hash else None

    stale = force_download or not path.exists()
    if not stale and algorithm and _hash(path, algorithm) != file_hash:
        if verbose:
            print(
                f"A local file was found at {path}, but its {algorithm} hash does not match {file_hash}: "
                "downloading it again."
            )
        stale = True
    if stale:
        if _locations.offline():
            raise DownloadError(
                f"get_file: {path} is not here, and SCRATCHNET_OFFLINE is set, so it is not downloaded from "
                f"{origin}. Unset SCRATCHNET_OFFLINE, or copy the file to {path}."
            )
        if verbose:
            print(f"Downloading data from {origin}")
        _fetch(origin, path)
        if algorithm and (received := _hash(path, algorithm)) != file_hash:
            path.unlink(missing_ok=True)
            raise ChecksumError(
                f"get_file: the file downloaded from {origin} is incomplete or not the expected one: its {algorithm} "
                f"is {received}, expected {file_hash}. It was deleted; try again, or check the hash.",
                source=origin,
                received=received,
            )
    if untar:
        target = folder / fname
        if not target.exists():
            _extract(path, folder, "tar")
        return str(target)
    if extract and not _extract(path, folder, archive_format):
        raise ValueError(f"get_file(extract=True): {path.name} is not a zip or tar archive.")
    return str(path)

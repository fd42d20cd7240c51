"""Where dataset files are looked for, and where downloads go.

Search order for each file (the first verified copy wins):

1. ``<root>/<dataset>/`` for ``root`` = the ``data_dir`` argument, else ``$SCRATCHNET_DATA_DIR`` (if either is set);
2. the user cache ``<cache>/<dataset>/``: ``$XDG_CACHE_HOME/scratchnet``, else ``~/.cache/scratchnet``, else (when
   that cannot be written) ``<tempdir>/scratchnet-cache-<user>``;
3. system copies, such as ``/usr/share/datasets/fashion-mnist`` from Debian's ``dataset-fashion-mnist`` package.

Downloads go to the first place when a root was given (and can be written), else to the user cache.
"""

from __future__ import annotations

import getpass
import os
import stat
import tempfile
from collections.abc import Sequence
from pathlib import Path

DATA_DIR_ENV = "SCRATCHNET_DATA_DIR"
OFFLINE_ENV = "SCRATCHNET_OFFLINE"


def offline() -> bool:
    """True when ``$SCRATCHNET_OFFLINE`` is set to something other than ``""``, ``0``, ``false`` or ``no``."""
    return os.environ.get(OFFLINE_ENV, "").strip().lower() not in ("", "0", "false", "no", "off")


def explicit_root(data_dir: str | os.PathLike[str] | None) -> Path | None:
    """The root the user chose: the ``data_dir`` argument, else ``$SCRATCHNET_DATA_DIR``, else None."""
    if data_dir is not None and os.fspath(data_dir) != "":
        return Path(data_dir).expanduser()
    env = os.environ.get(DATA_DIR_ENV, "").strip()
    return Path(env).expanduser() if env else None


def is_writable(path: Path) -> bool:
    """True when ``path`` is a writable directory, or could be created as one (checked without creating it).

    A folder with no write permission bit at all counts as read-only even for root, who could write anyway:
    someone made it read-only on purpose (e.g. a shared copy of the data).
    """
    for candidate in (path, *path.parents):
        try:
            mode = candidate.stat().st_mode
        except (FileNotFoundError, NotADirectoryError):
            continue
        except OSError:  # e.g. a parent folder we may not enter: nothing below it can be written
            return False
        return stat.S_ISDIR(mode) and os.access(candidate, os.W_OK | os.X_OK) and mode & 0o222 != 0
    return False


def _temp_cache_root() -> Path:
    try:
        user = getpass.getuser()
    except (KeyError, OSError):  # no name for this uid, e.g. in some containers
        user = str(os.getuid()) if hasattr(os, "getuid") else "user"
    return Path(tempfile.gettempdir()) / f"scratchnet-cache-{user}"


def preferred_cache_root() -> Path:
    """``$XDG_CACHE_HOME/scratchnet`` or ``~/.cache/scratchnet``, whether or not it can be used."""
    xdg = os.environ.get("XDG_CACHE_HOME", "").strip()
    base = Path(xdg).expanduser() if xdg and os.path.isabs(os.path.expanduser(xdg)) else Path.home() / ".cache"
    return base / "scratchnet"


def user_cache_root() -> Path:
    """``$XDG_CACHE_HOME/scratchnet`` or ``~/.cache/scratchnet``; a temp dir when that cannot be written."""
    preferred = preferred_cache_root()
    return preferred if is_writable(preferred) else _temp_cache_root()


def cache_note() -> str | None:
    """A line for error messages when the user cache cannot be used, naming the folder in the way and the fix."""
    preferred = preferred_cache_root()
    if is_writable(preferred):
        return None
    fallback = f"so {_temp_cache_root()} was used instead"
    fix = "or set XDG_CACHE_HOME or SCRATCHNET_DATA_DIR to a folder you own."
    for folder in reversed((preferred, *preferred.parents)):  # from the top down: each one was entered before
        if not os.path.lexists(folder):
            return (
                f"Note: the user cache folder {preferred} cannot be created ({folder.parent} cannot be written), "
                f"{fallback}. Create it yourself, {fix}"
            )
        if not os.path.isdir(folder):
            return f"Note: the user cache folder {preferred} cannot be used: {folder} is not a folder; {fallback}."
        if not os.access(folder, os.R_OK | os.X_OK):
            return (
                f"Note: the user cache folder {preferred} cannot be read: {folder} has no read permission for you, "
                f"{fallback}. Fix it with chmod u+rwx {folder}, {fix}"
            )
    return (
        f"Note: the user cache folder {preferred} cannot be written, {fallback}. "
        f"Fix it with chmod u+rwx {preferred}, {fix}"
    )


def search_dirs(
    dirname: str, data_dir: str | os.PathLike[str] | None, system_dirs: Sequence[str | os.PathLike[str]]
) -> list[Path]:
    """The folders searched for a dataset's files, in order, without duplicates.

    Args:
        dirname: The dataset's folder name under a root, e.g. ``"mnist"``.
        data_dir: The ``data_dir`` argument of ``load_data``.
        system_dirs: Folders holding the files directly, e.g. ``["/usr/share/datasets/fashion-mnist"]``.

    Returns:
        Paths, existing or not.
    """
    root = explicit_root(data_dir)
    dirs = [root / dirname] if root is not None else []
    dirs.append(user_cache_root() / dirname)
    dirs.append(preferred_cache_root() / dirname)  # a read-only cache still holds good files
    dirs.extend(Path(d) for d in system_dirs)
    unique: list[Path] = []
    for d in dirs:
        if d not in unique:
            unique.append(d)
    return unique


def download_dir(dirname: str, data_dir: str | os.PathLike[str] | None) -> tuple[Path, str | None]:
    """Where missing files are downloaded to.

    Returns:
        ``(folder, note)``: the folder, and a note to show the user when the chosen root could not be written
        and the user cache is used instead (else None).
    """
    root = explicit_root(data_dir)
    if root is None:
        return user_cache_root() / dirname, None
    target = root / dirname
    if is_writable(target):
        return target, None
    fallback = user_cache_root() / dirname
    return fallback, f"{target} cannot be written, so files are downloaded to {fallback} instead."

"""Writing a model file atomically: a temporary file in the same folder, fsynced, then renamed over the target.

Whoever opens the target sees the old file or the complete new one, never half of one. Temporary files left by a
killed writer are removed by the next save to the same path. Used by :mod:`scratchnet.models.saving`.
"""

from __future__ import annotations

import os
import re
import stat
import tempfile
import time

import numpy as np

__all__ = ["atomic_savez"]

# Temp files are named ".{file name}.{pid}.{8 random chars}.tmp": the pid says whether their writer still runs.
_TEMP_RANDOM = r"[a-z0-9_]{8}"
# Temp files of scratchnet <= 0.1 had no pid in their name; we only remove those once they are this old.
_OLD_TEMP_AGE_SECONDS = 600


def atomic_savez(path: str, arrays: dict, who: str) -> None:
    """Write ``arrays`` to ``path`` as .npz via a temp file in the same folder, fsync, then rename.

    os.replace is atomic, so whoever opens ``path`` sees either the old file or the complete new one, never a
    half-written one. The temp file is removed if anything fails; if the process is killed instead (kill -9,
    a power cut), the next save to the same path removes it.
    """
    folder = os.path.dirname(os.path.abspath(path))
    base = os.path.basename(path)
    _remove_stale_temp_files(folder, base)
    try:
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{base}.{os.getpid()}.", suffix=".tmp")
    except PermissionError:
        raise PermissionError(
            f"{who}(): cannot save to '{path}': no permission to write in the folder '{folder}'. Save to a "
            "folder you can write to (your home folder, or the current one), or change the folder's permissions."
        ) from None
    except OSError as e:
        raise OSError(f"{who}(): cannot save to '{path}': {e.strerror or e}.") from None
    try:
        with os.fdopen(fd, "wb") as f:
            np.savez(f, **arrays)
            f.flush()
            os.fsync(f.fileno())
        # mkstemp creates the file readable by its owner only (0600); a saved model should get the permissions
        # any new file gets (0666 minus the umask), or keep those of the file it replaces.
        os.chmod(tmp, _mode_for(path))
        os.replace(tmp, path)
    except BaseException as e:
        if os.path.exists(tmp):
            os.remove(tmp)
        if isinstance(e, OSError):
            raise OSError(
                f"{who}(): could not write '{path}': {e.strerror or e}. The previous file, if any, is unchanged."
            ) from None
        raise


def _mode_for(path: str) -> int:
    try:
        return stat.S_IMODE(os.stat(path).st_mode)
    except OSError:
        return 0o666 & ~_umask()


def _umask() -> int:
    try:  # Linux states it without changing it
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _remove_stale_temp_files(folder: str, base: str) -> None:
    """Remove temp files of earlier saves to ``base`` whose writer is gone (killed mid-save). Best effort."""
    ours = re.compile(rf"^\.{re.escape(base)}\.(\d+)\.{_TEMP_RANDOM}\.tmp$")
    old = re.compile(rf"^\.{re.escape(base)}\.{_TEMP_RANDOM}\.tmp$")
    try:
        names = os.listdir(folder)
    except OSError:
        return
    for name in names:
        full = os.path.join(folder, name)
        match = ours.match(name)
        try:
            if match:
                stale = int(match.group(1)) != os.getpid() and not _process_alive(int(match.group(1)))
            elif old.match(name):
                stale = time.time() - os.stat(full).st_mtime > _OLD_TEMP_AGE_SECONDS
            else:
                continue
            if stale:
                os.remove(full)
        except OSError:
            continue


def _process_alive(pid: int) -> bool:
    if os.name == "nt":  # os.kill(pid, 0) would *terminate* the process on Windows; keep the file
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # e.g. PermissionError: it exists, under another user
        return True
    return True

"""Runs one sweep case in this process, under a memory limit, and writes its verdict as JSON.

Called by ``run.py`` as ``python child.py CASE_ID RESULT_FILE MEMORY_MB``; never imported by the package. The case's
code runs in a fresh temporary folder with the names of ``PRELUDE`` defined. How an outcome is classified:

- the code finished: ``works``, unless the case says the input must be refused (then ``silent``: accepted silently);
- it raised: ``raw`` when the exception is of a kind that is never a message to a user (AttributeError, IndexError,
  RecursionError, MemoryError, ...) or was raised from outside scratchnet (inside NumPy, zipfile, json, os);
  ``clear`` when scratchnet raised it and the message says what was received or how to fix it, and names what the
  case requires (e.g. the user's path); ``misleading`` otherwise (e.g. it names a hidden temporary file);
- the code itself may call ``silent(why)``, ``misleading(why)``, ``lost(why)`` or ``security(why)`` after checking
  a result, a warning or the files left behind.
"""

from __future__ import annotations

import json
import os
import re
import resource
import sys
import tempfile
import traceback
import warnings

HERE = os.path.dirname(os.path.abspath(__file__))


class Verdict(Exception):
    def __init__(self, kind: str, note: str) -> None:
        super().__init__(note)
        self.kind, self.note = kind, note


def silent(note: str = "") -> None:
    raise Verdict("silent", note)


def misleading(note: str = "") -> None:
    raise Verdict("misleading", note)


def lost(note: str = "") -> None:
    raise Verdict("lost", note)


def security(note: str = "") -> None:
    raise Verdict("security", note)


def skip(note: str = "") -> None:
    """The case cannot run here (e.g. as root a read-only folder is writable): counted apart, never as passing."""
    raise Verdict("skipped", note)


RAW_TYPES = (
    AttributeError,
    IndexError,
    ZeroDivisionError,
    RecursionError,
    MemoryError,
    NameError,
    AssertionError,
    OverflowError,
    FloatingPointError,
    UnicodeError,
    EOFError,
    StopIteration,
    NotImplementedError,
)
# A message that says what was received, what was expected or what to do.
HELPFUL = re.compile(
    r"Received|expected|e\.g\.|instead|Did you mean|Available|Existing|looked in|\b(use|give|pass|call|choose|"
    r"create|save|set|check|remove|fix|make|add|lower|raise|keep|build|compile|reduce|return|not|no|must|cannot|"
    r"can only|only|again|damaged|truncated)\b",
    re.IGNORECASE,
)


def _innermost(tb) -> str:
    frames = traceback.extract_tb(tb)
    return frames[-1].filename if frames else ""


def _from_scratchnet(filename: str) -> bool:
    return f"{os.sep}scratchnet{os.sep}" in filename and f"{os.sep}tests{os.sep}" not in filename


def classify_exception(exc: BaseException, names: list[str]) -> tuple[str, str]:
    where = _innermost(exc.__traceback__)
    text = f"{type(exc).__name__}: {exc}"
    short = text[:300]
    if isinstance(exc, SystemExit) and isinstance(exc.code, str):  # a command-line tool's one-line refusal
        where = os.path.join(os.sep, "scratchnet", "tool")
        exc_ok = True
    else:
        exc_ok = not isinstance(exc, RAW_TYPES)
    if isinstance(exc, RAW_TYPES) and not (isinstance(exc, NotImplementedError) and _from_scratchnet(where)):
        return "raw", f"{short}  [at {os.path.basename(where)}]"
    if not _from_scratchnet(where):
        return "raw", f"{short}  [raised in {os.path.basename(where) or '?'}]"
    if exc_ok and isinstance(exc, KeyError) and not HELPFUL.search(str(exc)):
        return "raw", short
    if re.search(r"\.tmp\b|\.part\b", str(exc)):
        return "misleading", "names a temporary file: " + short
    missing = [n for n in names if n not in str(exc)]
    if missing:
        return "misleading", f"does not name {missing}: {short}"
    if not HELPFUL.search(str(exc)):
        return "misleading", "no fix or Received: " + short
    return "clear", short


def main() -> None:
    case_id, result_file, memory_mb = sys.argv[1], sys.argv[2], int(sys.argv[3])
    sys.path.insert(0, HERE)
    from cases import CASES, PRELUDE

    case = next(c for c in CASES if c.id == case_id)
    limit = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    work = tempfile.mkdtemp(prefix="sweep-")
    os.chdir(work)
    namespace = {"silent": silent, "misleading": misleading, "lost": lost, "security": security, "skip": skip}
    namespace["WORK"] = work
    kind, note = "works", ""
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            exec(compile(PRELUDE, "<prelude>", "exec"), namespace)
            exec(compile(case.code, f"<case {case.id}>", "exec"), namespace)
        if case.refuse:
            kind, note = "silent", "accepted without an error"
        hints = [str(w.message)[:160] for w in caught if type(w.message).__name__ == "TrainingHint"]
        if case.no_hints and hints:
            kind, note = "misleading", "a hint on a healthy run: " + hints[0]
    except Verdict as v:
        kind, note = v.kind, v.note
    except BaseException as exc:
        if isinstance(exc, SystemExit) and exc.code in (0, None):
            kind = "silent" if case.refuse else "works"
        else:
            kind, note = classify_exception(exc, list(case.names))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    with open(result_file, "w") as f:
        json.dump({"kind": kind, "note": note, "peak_mb": peak}, f)


if __name__ == "__main__":
    main()

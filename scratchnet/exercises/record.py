"""The grader's log: while ``python -m scratchnet.lab grade`` runs a notebook, every check appends its verdict here.

The grader starts the notebook's kernel with two environment variables: ``SCRATCHNET_GRADE_LOG``, the file to
append to, and ``SCRATCHNET_GRADE_KEY``, a random key. This module takes both out of ``os.environ`` when it is
imported (the notebook's first cell imports it, before any learner code runs) and signs each line with the key
(HMAC-SHA256), so a grade comes only from a check that ran: printing "PASSED", editing saved outputs or writing
a line to the log by hand counts for nothing. (The learner's code runs in the same process: someone who reads
scratchnet's internals, or the process's initial environment in /proc, could still forge a line or change an
exercise's reference. The log stops casual cheating, not a determined attacker; for an exam, run the checks on
the submitted functions in a process you control.)

Without the variables (a learner running the lesson), :func:`record` does nothing.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
from pathlib import Path

LOG_VARIABLE = "SCRATCHNET_GRADE_LOG"
KEY_VARIABLE = "SCRATCHNET_GRADE_KEY"

_log = os.environ.pop(LOG_VARIABLE, None)
_key = os.environ.pop(KEY_VARIABLE, "").encode()


def _signature(key: bytes, body: str) -> str:
    return hmac.new(key, body.encode(), hashlib.sha256).hexdigest()


def record(exercise: str, report) -> None:
    """Append one check's verdict to the grader's log (a no-op outside grading)."""
    if not _log or not _key:
        return
    body = json.dumps({"exercise": exercise, "status": report.status, "problems": report.problems[:2]})
    try:
        with open(_log, "a", encoding="utf-8") as f:
            f.write(json.dumps({"body": body, "signature": _signature(_key, body)}) + "\n")
    except OSError:  # the grader sees the exercise as not checked; the learner's notebook goes on
        pass


def read(path: str | os.PathLike, key: str) -> tuple[list[dict], int]:
    """The verdicts a grading run logged, in order, and how many lines failed their signature (forged or torn).

    Args:
        path: the log file (missing: nothing was checked).
        key: the key the kernel was started with.

    Returns:
        ``([{"exercise": ..., "status": ..., "problems": [...]}, ...], rejected)``.
    """
    path = Path(path)
    if not path.exists():
        return [], 0
    verdicts, rejected = [], 0
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            entry = json.loads(line)
            body, signature = entry["body"], entry["signature"]
            ok = hmac.compare_digest(_signature(key.encode(), body), signature)
            verdict = json.loads(body) if ok else None
        except (ValueError, KeyError, TypeError, AttributeError):
            verdict = None
        if isinstance(verdict, dict) and "exercise" in verdict:
            verdicts.append(verdict)
        else:
            rejected += 1
    return verdicts, rejected

"""``python -m scratchnet.lab grade NOTEBOOK... --csv FILE``: run each submitted notebook and count its checks.

Each notebook runs top to bottom in a fresh kernel (nbclient), in its own folder, with a time limit per cell (the
set-up cell, which only imports, gets at least :data:`SETUP_TIMEOUT`) and pip kept offline. The kernel is started
with a log file and a random key (see :mod:`scratchnet.exercises.record`): every ``exercises.check`` and
``exercises.check_layer`` the notebook runs appends its verdict, signed. An exercise
scores 1 when one of its checks passed, else 0; printed text, saved outputs and unsigned lines count for nothing.
A cell that raises or runs out of time is noted and the next cells still run, so the exercises checked before
(and after) it count.

The lesson a notebook belongs to comes from its metadata (written by notebooks/build.py), else its file name
(``03_...``), else the exercises its code checks.
"""

from __future__ import annotations

import csv
import json
import os
import re
import secrets
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from scratchnet.exercises import record
from scratchnet.lab.lessons import LESSONS, Lesson, lesson

DEFAULT_TIMEOUT = 120
# The set-up cell imports NumPy, matplotlib and scratchnet (and may look for a wheel): slow on a cold disk or a busy
# machine, and no learner code runs in it, so it gets at least this long whatever --timeout says.
SETUP_TIMEOUT = 300


@dataclass
class Grade:
    """The grade of one notebook.

    Attributes:
        notebook: its path.
        lesson: the lesson it was graded as (None when that could not be told).
        passed: exercise -> True/False, for each graded exercise of the lesson.
        problems: what went wrong while it ran (a cell that raised or timed out, forged log lines, ...).
    """

    notebook: Path
    lesson: Lesson | None
    passed: dict[str, bool] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    @property
    def score(self) -> int:
        return sum(self.passed.values())

    @property
    def max_score(self) -> int:
        return len(self.lesson.exercises) if self.lesson else 0


def which_lesson(nb, path: Path) -> Lesson | None:
    """The lesson of a notebook: its metadata, else its file name, else the exercises its code checks."""
    stem = nb.metadata.get("scratchnet", {}).get("lesson")
    for key in (stem, path.stem[:2] if re.match(r"\d\d_", path.name) else None):
        if key:
            try:
                return lesson(key)
            except ValueError:
                pass
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    checked = set(re.findall(r"check\(\s*[\"'](\w+)[\"']", code))
    checked |= {f"layer:{n}" for n in re.findall(r"check_layer\(\s*(\w+)", code)}
    for each in LESSONS:
        if each.exercises and set(each.exercises) <= checked:
            return each
    return None


def _limit(nb, cell, timeout: int) -> int:
    """The time limit of one cell: ``timeout``, or more for the set-up cell (the first code cell)."""
    first = next((c for c in nb.cells if c.cell_type == "code"), None)
    return max(timeout, SETUP_TIMEOUT) if cell is first else timeout


def _cell_problems(nb, timeout: int) -> list[str]:
    """A sentence per cell that failed; NameErrors that follow an earlier failure are counted, not listed."""
    problems, knock_on = [], 0
    for number, cell in enumerate(nb.cells, start=1):
        for output in cell.get("outputs", []):
            if output.get("output_type") != "error":
                continue
            if output.get("ename") == "KeyboardInterrupt":  # how a kernel stops when the grader interrupts it
                limit = _limit(nb, cell, timeout)
                problems.append(f"cell {number} ran longer than {limit} s (TimeoutError) and was stopped")
            elif output.get("ename") == "NameError" and problems:
                knock_on += 1
            else:
                value = str(output.get("evalue", "")).strip().split("\n")[0][:120]
                problems.append(f"cell {number} raised {output.get('ename')}: {value}")
    if knock_on:
        problems.append(f"{knock_on} later cell(s) raised NameError, missing what a failed cell would have defined")
    return problems


def grade_notebook(
    path: str | os.PathLike, *, timeout: int = DEFAULT_TIMEOUT, kernel: str = "python3", data: str | None = None
) -> Grade:
    """Run one notebook and grade it (see the module's docstring).

    Args:
        path: the notebook.
        timeout: seconds allowed per cell.
        kernel: the Jupyter kernel to run it with (its Python must have scratchnet).
        data: a folder holding ``fashion-mnist/``, given to the notebook as ``SCRATCHNET_DATA_DIR``.
    """
    try:
        import nbformat
        from nbclient import NotebookClient
        from nbclient.exceptions import DeadKernelError
    except ImportError as exc:
        raise RuntimeError(
            f"grading runs the notebooks with nbclient, nbformat and ipykernel ({exc.name} is missing). Install "
            "them: pip install 'scratchnet-keras[lab]' (or pip install nbclient nbformat ipykernel)."
        ) from None

    path = Path(path)
    try:
        nb = nbformat.read(path, as_version=4)
    except Exception as exc:  # not JSON, not a notebook: a row saying so, the others are still graded
        return Grade(path, None, problems=[f"could not read the notebook: {type(exc).__name__}: {exc}"])
    result = Grade(path, which_lesson(nb, path))
    if result.lesson is None:
        result.problems.append("could not tell which lesson this is (no metadata, file name or known checks)")
        return result
    key = secrets.token_hex(16)
    with tempfile.TemporaryDirectory() as tmp:
        log = Path(tmp) / "checks.jsonl"
        env = {
            **os.environ,
            record.LOG_VARIABLE: str(log),
            record.KEY_VARIABLE: key,
            "PIP_NO_INDEX": "1",  # offline: a notebook that tries to install something fails fast
        }
        if data is not None:
            env["SCRATCHNET_DATA_DIR"] = str(Path(data).resolve())
        client = NotebookClient(
            nb,
            timeout=timeout,
            timeout_func=lambda cell: _limit(nb, cell, timeout),
            kernel_name=kernel,
            allow_errors=True,
            interrupt_on_timeout=True,
            error_on_timeout={"ename": "TimeoutError", "evalue": "the cell ran longer than its time limit"},
            resources={"metadata": {"path": str(path.parent.resolve())}},
            record_timing=False,
        )
        try:
            client.execute(env=env)
        except DeadKernelError:
            result.problems.append("the kernel died (a cell crashed Python or used too much memory)")
        except Exception as exc:  # the kernel could not start, ...: say so, keep what was logged
            result.problems.append(f"the notebook could not run to the end: {type(exc).__name__}: {exc}")
        verdicts, rejected = record.read(log, key)
    result.problems += _cell_problems(nb, timeout)
    if rejected:
        result.problems.append(f"{rejected} line(s) of the check log were not written by a check and were ignored")
    for name in result.lesson.exercises:
        result.passed[name] = any(v["exercise"] == name and v["status"] == "passed" for v in verdicts)
    return result


def grade(
    paths, *, timeout: int = DEFAULT_TIMEOUT, kernel: str = "python3", data: str | None = None, progress=None
) -> list[Grade]:
    """Grade each notebook in turn (see :func:`grade_notebook`); ``progress(grade)`` is called after each."""
    grades = []
    for path in paths:
        grades.append(grade_notebook(path, timeout=timeout, kernel=kernel, data=data))
        if progress:
            progress(grades[-1])
    return grades


def columns(grades: list[Grade]) -> list[str]:
    """The exercise columns: every graded exercise of the lessons present, in lesson order."""
    present = {g.lesson.stem for g in grades if g.lesson}
    return [name for each in LESSONS if each.stem in present for name in each.exercises]


def write_csv(grades: list[Grade], path: str | os.PathLike) -> None:
    """One row per notebook: notebook, lesson, each exercise 1/0 (blank: not in its lesson), score, max, problems."""
    names = columns(grades)
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["notebook", "lesson", *names, "score", "max", "problems"])
        for g in grades:
            cells = [("1" if g.passed[n] else "0") if n in g.passed else "" for n in names]
            lesson_name = g.lesson.stem if g.lesson else ""
            writer.writerow([str(g.notebook), lesson_name, *cells, g.score, g.max_score, "; ".join(g.problems)])


def write_gradescope(grades: list[Grade], path: str | os.PathLike) -> None:
    """Gradescope's autograder ``results.json``: one test per exercise (and notebook), the total score."""
    tests = []
    for g in grades:
        prefix = f"{g.notebook.name}: " if len(grades) > 1 else ""
        for name, ok in g.passed.items():
            tests.append(
                {
                    "name": f"{prefix}{name}",
                    "score": int(ok),
                    "max_score": 1,
                    "status": "passed" if ok else "failed",
                    "output": "its check passed" if ok else "its check did not pass when the notebook ran",
                }
            )
        if not g.passed:
            tests.append({"name": f"{prefix}grading", "score": 0, "max_score": 0, "output": "; ".join(g.problems)})
    results = {
        "score": sum(g.score for g in grades),
        "max_score": sum(g.max_score for g in grades),
        "output": "\n".join(f"{g.notebook.name}: {'; '.join(g.problems)}" for g in grades if g.problems),
        "tests": tests,
    }
    Path(path).write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")

"""``python -m scratchnet.lab build DIR``: the folder a teacher zips and hands out, and the answers kept apart.

The folder holds everything a class needs and nothing a student should not see::

    DIR/
        README.md                           start here: open a lesson, run its first cell
        TEACHER_GUIDE.md                    per lesson: objectives, minutes, what each grader checks, discussion
        DATA.md                             which lessons need Fashion-MNIST, and how to provide it offline
        scratchnet_keras-<version>-py3-none-any.whl   what each lesson's first cell installs when needed
        01_your_keras_program.ipynb ...     the learner notebooks (blanks to fill in)
        docs/backprop.md, docs/figures/     the derivations the lessons link to
        data/fashion-mnist/                 only with --data: the dataset, for a classroom without internet

``--answers`` writes the executed solution notebooks to a separate folder (``DIR-answers`` by default), never
inside the hand-out. Building needs a checkout of scratchnet (its pyproject.toml and notebooks/): the wheel is
built from it, offline when setuptools >= 77 is installed (the dev extras), else with pip's build isolation.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import scratchnet
from scratchnet.lab import guide as _guide
from scratchnet.lab.lessons import LESSONS

MARKER = ".scratchnet-lab"
DATASET_DIR = "fashion-mnist"
_IGNORE = shutil.ignore_patterns(
    ".venv", ".git", "*.egg-info", "build", "dist", "__pycache__", ".hypothesis", ".*_cache", "out", "*.whl"
)


def checkout() -> Path:
    """The checkout scratchnet was imported from (the folder holding pyproject.toml and notebooks/)."""
    root = Path(scratchnet.__file__).resolve().parent.parent
    if not ((root / "pyproject.toml").is_file() and (root / "notebooks").is_dir()):
        raise RuntimeError(
            "scratchnet.lab build makes the lab folder from a checkout of scratchnet (its pyproject.toml and "
            f"notebooks/), but scratchnet was imported from an installed copy. Received: {root}. Clone the "
            "repository, `pip install -e .` in it, and run the command again from that environment."
        )
    return root


def build_wheel(root: Path, out: Path) -> Path:
    """Build the wheel of the checkout ``root`` into ``out``; returns its path.

    The build runs on a copy of the sources, so it neither depends on nor leaves files (build/, *.egg-info) in the
    checkout.
    """
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "src"
        shutil.copytree(root, src, ignore=_IGNORE)
        command = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", tmp, str(src)]
        if _setuptools_is_recent():
            command.insert(4, "--no-build-isolation")  # offline: this environment has what the build needs
        env = {**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
        result = subprocess.run(command, capture_output=True, text=True, env=env)
        wheels = sorted(Path(tmp).glob("scratchnet_keras-*.whl"))
        if result.returncode != 0 or len(wheels) != 1:
            raise RuntimeError(
                f"Building the wheel failed ({' '.join(command)}):\n{result.stdout}{result.stderr}\n"
                "Install the dev extras (pip install -e '.[dev]', which brings setuptools >= 77) and try again."
            )
        target = out / wheels[0].name
        shutil.copy2(wheels[0], target)
    return target


def _setuptools_is_recent() -> bool:
    try:
        from importlib.metadata import version

        return int(version("setuptools").split(".")[0]) >= 77
    except Exception:  # not installed, or a version string we cannot read: let pip's isolation provide it
        return False


def _prepare_folder(folder: Path) -> None:
    if folder.exists() and any(folder.iterdir()) and not (folder / MARKER).exists():
        raise ValueError(
            "scratchnet.lab build writes into a new or empty folder (or one it built before). "
            f"Received: DIR={str(folder)!r}, which holds other files. Choose another folder."
        )
    folder.mkdir(parents=True, exist_ok=True)
    (folder / MARKER).write_text("built by python -m scratchnet.lab build\n", encoding="utf-8")


def _copy_notebook(source: Path, target: Path) -> None:
    """Copy a lesson, its links to ../docs/ pointing at the lab's own docs/ folder."""
    nb = json.loads(source.read_text(encoding="utf-8"))
    for cell in nb.get("cells", []):
        if cell.get("cell_type") == "markdown":
            text = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
            cell["source"] = re.sub(r"\]\(\.\./docs/", "](docs/", text)
    target.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def build(
    folder: str | os.PathLike,
    *,
    answers: str | os.PathLike | None = None,
    wheel: str | os.PathLike | None = None,
    data: str | os.PathLike | None = None,
) -> Path:
    """Build the hand-out folder (and, when ``answers`` is given, the answers folder); returns the folder.

    Args:
        folder: where the hand-out goes (new, empty, or built by this command before).
        answers: where the executed solutions go; must be outside ``folder``.
        wheel: an existing scratchnet wheel to ship instead of building one from the checkout.
        data: a data root holding ``fashion-mnist/``, copied into the folder for a classroom without internet.
    """
    root = checkout()
    folder = Path(folder).resolve()
    if answers is not None:
        answers = Path(answers).resolve()
        if answers == folder or folder in answers.parents:
            raise ValueError(
                "The answers must not go inside the hand-out folder. "
                f"Received: DIR={str(folder)!r}, --answers={str(answers)!r}. Use a folder beside it."
            )
    if wheel is not None and not (
        Path(wheel).is_file() and re.fullmatch(r"scratchnet_keras-.+\.whl", Path(wheel).name)
    ):
        raise ValueError(
            "--wheel expected a scratchnet wheel file, named scratchnet_keras-<version>-...whl (the name each "
            f"lesson's first cell looks for). Received: --wheel={str(wheel)!r}."
        )
    if data is not None and not (Path(data) / DATASET_DIR).is_dir():
        raise ValueError(f"--data expected a folder holding {DATASET_DIR}/. Received: --data={str(data)!r}.")
    _prepare_folder(folder)
    for old in folder.glob("scratchnet_keras-*.whl"):
        old.unlink()
    if wheel is None:
        wheel_path = build_wheel(root, folder)
    else:
        wheel_path = folder / Path(wheel).name
        shutil.copy2(wheel, wheel_path)
    for each in LESSONS:
        _copy_notebook(root / "notebooks" / f"{each.stem}.ipynb", folder / f"{each.stem}.ipynb")
    if (root / "docs" / "backprop.md").exists():
        shutil.copytree(root / "docs", folder / "docs", dirs_exist_ok=True)
    if data is not None:
        shutil.copytree(Path(data) / DATASET_DIR, folder / "data" / DATASET_DIR, dirs_exist_ok=True)
    (folder / "TEACHER_GUIDE.md").write_text(_guide.guide() + "\n", encoding="utf-8")
    (folder / "DATA.md").write_text(data_note(bundled=data is not None), encoding="utf-8")
    (folder / "README.md").write_text(readme(wheel_path.name), encoding="utf-8")
    if answers is not None:
        _prepare_folder(answers)
        for each in LESSONS:
            shutil.copy2(root / "notebooks" / "solutions" / f"{each.stem}.ipynb", answers / f"{each.stem}.ipynb")
        (answers / "README.md").write_text(ANSWERS_README, encoding="utf-8")
    return folder


def readme(wheel_name: str) -> str:
    rows = "\n".join(
        f"| {each.number} | [{each.title}]({each.stem}.ipynb) | {each.minutes} |"
        + (" Fashion-MNIST |" if each.data else " none |")
        for each in LESSONS
    )
    return f"""# Backprop lab with scratchnet

Lessons to run in Jupyter, JupyterLab or Colab, one notebook each. Open a lesson and run its cells from top to
bottom (Shift+Enter). The first cell uses scratchnet if it is installed; if not, it installs the wheel beside the
notebooks (in Colab, upload it too), else `scratchnet-keras` from PyPI, and says which it did. The wheel:
`{wheel_name}`.

| # | lesson | minutes | data |
|---|---|---|---|
{rows}

Cells that say `# your code here` are yours: write your answer there (you may edit any cell) and run the cell
after it, which checks your answer and names the mistake when there is one. To start a lesson afresh, take the
notebook again from this folder (or the zip you were given): restarting the kernel clears the variables, not
your edits.

- [DATA.md](DATA.md): the data the lessons use and how to get it without internet.
- [TEACHER_GUIDE.md](TEACHER_GUIDE.md): objectives, timings and what each check looks for.
- [docs/backprop.md](docs/backprop.md): every gradient of the lessons, derived.

Submitting: save the notebook (File → Save) and hand in the `.ipynb` file. The teacher grades it with
`python -m scratchnet.lab grade`, which runs it again from the top: only checks that pass when it runs count.
"""


def data_note(bundled: bool) -> str:
    needing = ", ".join(str(each.number) for each in LESSONS if each.data)
    free = ", ".join(str(each.number) for each in LESSONS if not each.data)
    where = (
        "This folder holds it, in `data/fashion-mnist/`: each lesson's first cell finds it there (when the notebook "
        "runs in this folder) and nothing is downloaded."
        if bundled
        else "It is downloaded once, on first use (about 30 MB), into scratchnet's cache (`~/.cache/scratchnet`)."
    )
    return f"""# Data

Lessons {needing} train on **Fashion-MNIST** (70,000 grey 28 × 28 images of clothes, 10 classes; Zalando
Research, MIT licence). Lessons {free} need no data.

{where}

Without internet in the classroom, provide the four files (`train-images-idx3-ubyte.gz`,
`train-labels-idx1-ubyte.gz`, `t10k-images-idx3-ubyte.gz`, `t10k-labels-idx1-ubyte.gz`) in one of these ways:

- build the folder with them: `python -m scratchnet.lab build DIR --data ROOT`, where `ROOT/fashion-mnist/` holds
  the files; they are copied to `DIR/data/fashion-mnist/`;
- or put them in `<root>/fashion-mnist/` on each machine and set the environment variable
  `SCRATCHNET_DATA_DIR=<root>` before starting Jupyter;
- or copy them into `~/.cache/scratchnet/fashion-mnist/`.

scratchnet checks every file against its published SHA-256 before using it, so a broken copy is reported, not
trained on.
"""


ANSWERS_README = """# Answers: for the teacher only

The solution of each lesson, executed, with its outputs. Do not hand this folder out: the hand-out folder is the
one `python -m scratchnet.lab build` wrote without these.

Grading: `python -m scratchnet.lab grade submissions/*.ipynb --csv grades.csv` runs each submitted notebook (a
fresh kernel, a time limit per cell, no network) and writes one row per notebook: each graded exercise 1 or 0,
the score and the maximum. These notebooks score full marks; the untouched learner notebooks score 0. Lessons
1 and 4-7 train on Fashion-MNIST: add `--data ROOT` (ROOT holding `fashion-mnist/`) when the grading machine
is offline, or set `SCRATCHNET_DATA_DIR`.
"""

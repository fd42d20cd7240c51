"""Build the lesson notebooks from their sources: one source per lesson, two notebooks out.

    python notebooks/build.py            # write notebooks/NN_*.ipynb (student) and notebooks/solutions/NN_*.ipynb
    python notebooks/build.py --execute  # ... and run the solutions, saving their outputs (commit those)
    python notebooks/build.py --check    # exit 1 if a committed notebook is not what its source gives

A source, ``notebooks/src/NN_name.py``, is Python in the "percent" format: cells start with a line ``# %%``
(code) or ``# %% [markdown]`` (text, each line starting with ``# ``). Inside a code cell, the lines between
``# BEGIN SOLUTION`` and ``# END SOLUTION`` are the answer: the solution notebook keeps them, the student
notebook replaces them with ``# your code here`` and ``raise NotImplementedError`` (at the same indentation), so
a check cell then prints "not done yet". A cell headed ``# %% [solution]`` appears only in the solution notebook,
``# %% [student]`` only in the student one.

Every notebook starts with the same set-up cell (:data:`SETUP`): it uses scratchnet when it is installed, else
installs it from a wheel beside the notebook (a lab folder from ``python -m scratchnet.lab build``), else from
PyPI, saying which; it also replaces PyPI's unrelated ``scratchnet`` and points scratchnet at the data. Each
notebook's metadata names its lesson (``metadata.scratchnet.lesson``), which the lab's grader reads.

Needs nbformat (and nbclient + ipykernel for ``--execute``), the dev extras of pyproject.toml.
"""

from __future__ import annotations

import argparse
import hashlib
import re
import sys
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
SOURCES = HERE / "src"
SOLUTIONS = HERE / "solutions"

SETUP = """\
# Set-up: use scratchnet if it is installed; else install it from a wheel beside this notebook (a teacher's lab
# folder has one), else from PyPI (scratchnet-keras). It says which, and what to do if none worked.
import importlib, os, pathlib, subprocess, sys


def _have_scratchnet():
    try:
        import scratchnet
    except ImportError:
        return False
    return hasattr(scratchnet, "exercises")  # PyPI's "scratchnet" is another project, without them


here = pathlib.Path.cwd()
if _have_scratchnet():
    print("Using the scratchnet installed here.")
else:
    wheels = sorted(here.glob("scratchnet_keras-*.whl")) + sorted(here.parent.glob("scratchnet_keras-*.whl"))
    tried = []
    for source in [str(w) for w in wheels[-1:]] + ["scratchnet-keras"]:
        print(f"scratchnet is not installed: installing {source} ...", flush=True)
        subprocess.run([sys.executable, "-m", "pip", "uninstall", "-q", "-y", "scratchnet"], capture_output=True)
        done = subprocess.run([sys.executable, "-m", "pip", "install", "-q", source], capture_output=True, text=True)
        for name in [m for m in sys.modules if m.split(".")[0] == "scratchnet"]:
            del sys.modules[name]
        importlib.invalidate_caches()
        if done.returncode == 0 and _have_scratchnet():
            print(f"Installed scratchnet from {source}.")
            break
        tried.append(f"{source}: {(done.stderr.strip().splitlines() or ['pip failed'])[-1]}")
    else:
        raise RuntimeError(
            "Could not install scratchnet. Tried:\\n  " + "\\n  ".join(tried) + "\\nWhat to do: put the file "
            "scratchnet_keras-...whl from your teacher's lab folder beside this notebook (in Colab: upload it), or "
            "connect to the internet for PyPI, then run this cell again. In a terminal, `pip install "
            "scratchnet_keras-...whl` (or `pip install .` in a clone of scratchnet) does the same."
        )

# The data: a data/ or shared/data folder holding fashion-mnist/ here or above, else scratchnet's cache.
if not os.environ.get("SCRATCHNET_DATA_DIR"):
    for folder in [here, *here.parents]:
        found = [d for d in (folder / "data", folder / "shared" / "data") if (d / "fashion-mnist").is_dir()]
        if found:
            os.environ["SCRATCHNET_DATA_DIR"] = str(found[0])
            break

import matplotlib.pyplot as plt
import numpy as np

import scratchnet as sn
from scratchnet import exercises

print("scratchnet", sn.__version__)"""

_CELL = re.compile(r"^# %%(?: \[(markdown|solution|student)\])?\s*$")


@dataclass
class Cell:
    kind: str  # "code" or "markdown"
    source: str
    only: str | None = None  # "solution" or "student": the cell appears in that version only


def parse(text: str) -> list[Cell]:
    """The cells of a percent-format source."""
    cells: list[Cell] = []
    current: Cell | None = None
    lines: list[str] = []

    def close():
        if current is not None:
            body = "\n".join(lines).strip("\n")
            if current.kind == "markdown":
                body = "\n".join(line[2:] if line.startswith("# ") else line.lstrip("#") for line in body.split("\n"))
            current.source = body
            cells.append(current)

    for line in text.split("\n"):
        match = _CELL.match(line)
        if match:
            close()
            tag = match.group(1)
            current = Cell(
                "markdown" if tag == "markdown" else "code", "", tag if tag in ("solution", "student") else None
            )
            lines = []
        elif current is not None:
            lines.append(line)
    close()
    return cells


def student_source(source: str) -> str:
    """The code with every BEGIN/END SOLUTION block replaced by a blank to fill in."""
    out, inside = [], False
    for line in source.split("\n"):
        stripped = line.strip()
        if stripped == "# BEGIN SOLUTION":
            indent = line[: len(line) - len(line.lstrip())]
            out += [f"{indent}# your code here", f"{indent}raise NotImplementedError"]
            inside = True
        elif stripped == "# END SOLUTION":
            inside = False
        elif not inside:
            out.append(line)
    if inside:
        raise ValueError("a # BEGIN SOLUTION block has no # END SOLUTION")
    return "\n".join(out)


def solution_source(source: str) -> str:
    return "\n".join(line for line in source.split("\n") if line.strip() not in ("# BEGIN SOLUTION", "# END SOLUTION"))


def notebook(cells: list[Cell], version: str, title: str):
    """An nbformat notebook of the ``version`` ("student" or "solution") of the cells."""
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"display_name": "Python 3", "language": "python", "name": "python3"}
    nb.metadata["language_info"] = {"name": "python"}
    nb.metadata["scratchnet"] = {"lesson": title, "version": version}  # the lab's grader reads the lesson
    chosen = [Cell("code", SETUP)] + [c for c in cells if c.only in (None, version)]
    for i, cell in enumerate(chosen):
        if cell.kind == "markdown":
            new = nbformat.v4.new_markdown_cell(cell.source)
        else:
            source = student_source(cell.source) if version == "student" else solution_source(cell.source)
            new = nbformat.v4.new_code_cell(source)
        # Stable ids, so rebuilding an unchanged source changes nothing in git.
        new.id = hashlib.sha1(f"{title}-{version}-{i}".encode()).hexdigest()[:12]
        nb.cells.append(new)
    return nb


def build(source: Path) -> dict[str, object]:
    """{"student": notebook, "solution": notebook} for one lesson source."""
    cells = parse(source.read_text(encoding="utf-8"))
    return {version: notebook(cells, version, source.stem) for version in ("student", "solution")}


def targets(source: Path) -> dict[str, Path]:
    return {"student": HERE / f"{source.stem}.ipynb", "solution": SOLUTIONS / f"{source.stem}.ipynb"}


def execute(nb, timeout: int = 600):
    """Run a notebook top to bottom in a fresh kernel, in the notebooks folder; returns it with its outputs."""
    from nbclient import NotebookClient

    NotebookClient(
        nb, timeout=timeout, kernel_name="python3", resources={"metadata": {"path": str(HERE)}}, record_timing=False
    ).execute()
    return nb


def sources() -> list[Path]:
    return sorted(SOURCES.glob("[0-9][0-9]_*.py"))


def _sources_of(nb) -> list[tuple[str, str]]:
    return [(c.cell_type, c.source) for c in nb.cells]


def main(argv=None) -> int:
    import nbformat

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--execute", action="store_true", help="run the solution notebooks and save their outputs")
    parser.add_argument("--check", action="store_true", help="only check that the notebooks match their sources")
    parser.add_argument("lessons", nargs="*", help="lesson numbers or names to build (default: all)")
    args = parser.parse_args(argv)

    stale = []
    for source in sources():
        if args.lessons and not any(source.stem.startswith(x) for x in args.lessons):
            continue
        built = build(source)
        for version, path in targets(source).items():
            if args.check:
                if not path.exists() or _sources_of(nbformat.read(path, as_version=4)) != _sources_of(built[version]):
                    stale.append(path)
                continue
            nb = built[version]
            if version == "solution" and args.execute:
                print(f"executing {path.relative_to(HERE)}", flush=True)
                nb = execute(nb)
            path.parent.mkdir(exist_ok=True)
            nbformat.write(nb, path)
    if stale:
        print("Out of date (run python notebooks/build.py --execute):", *map(str, stale), sep="\n  ")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

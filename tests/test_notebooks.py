"""The lesson notebooks: built from their sources, solutions pass every check, student versions run to the end.

Each notebook is executed in a fresh Jupyter kernel (nbclient + ipykernel), from the notebooks folder, as a
learner would run it. The data comes from ``$SCRATCHNET_TEST_DATA`` (or wherever scratchnet finds it); without
Fashion-MNIST the lessons that load it are skipped, saying why (the others still run).
Deselect with ``pytest -m "not notebooks"``.
"""

from __future__ import annotations

import importlib.util
import os
import re
import sys
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat", reason="the notebook tests need the dev extras: pip install -e '.[dev]'")
pytest.importorskip("nbclient", reason="the notebook tests need the dev extras: pip install -e '.[dev]'")

pytestmark = pytest.mark.notebooks

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
_spec = importlib.util.spec_from_file_location("notebook_build", NOTEBOOKS / "build.py")
build = importlib.util.module_from_spec(_spec)
sys.modules["notebook_build"] = build  # dataclasses look their module up there
_spec.loader.exec_module(build)

LESSONS = [p.stem for p in build.sources()]


@pytest.fixture(scope="module")
def data_env(monkeypatch_module):
    """Point the kernels at the test data (they inherit this process's environment); True when it is there."""
    root = os.environ.get("SCRATCHNET_TEST_DATA")
    if root and not os.environ.get("SCRATCHNET_DATA_DIR"):
        monkeypatch_module.setenv("SCRATCHNET_DATA_DIR", root)
    import scratchnet as sn

    return sn.datasets.fashion_mnist.available_locally()


def _lesson(lesson: str, data_env: bool):
    """The built lesson; skipped, saying why, when it loads a dataset this machine does not have."""
    source = build.SOURCES / f"{lesson}.py"
    if "load_data(" in source.read_text(encoding="utf-8") and not data_env:
        pytest.skip(f"{lesson} trains on Fashion-MNIST, which is not here: set SCRATCHNET_TEST_DATA (CI does).")
    return build.build(source)


@pytest.fixture(scope="module")
def monkeypatch_module():
    with pytest.MonkeyPatch.context() as mp:
        yield mp


def _texts(nb) -> list[str]:
    out = []
    for cell in nb.cells:
        for o in cell.get("outputs", []):
            if o.output_type == "stream":
                out.append(o.text)
            elif o.output_type in ("display_data", "execute_result"):
                out.append(o.data.get("text/plain", ""))
    return out


def _errors(nb) -> list[str]:
    return [f"{o.ename}: {o.evalue}" for c in nb.cells for o in c.get("outputs", []) if o.output_type == "error"]


def test_there_are_lessons():
    assert LESSONS[:4] == ["01_your_keras_program", "02_dense_by_hand", "03_softmax_crossentropy", "04_gradient_check"]


@pytest.mark.parametrize("lesson", LESSONS)
def test_committed_notebooks_are_built_from_their_source(lesson):
    source = build.SOURCES / f"{lesson}.py"
    built = build.build(source)
    for version, path in build.targets(source).items():
        assert path.exists(), f"{path} is missing: run python notebooks/build.py --execute"
        committed = nbformat.read(path, as_version=4)
        assert build._sources_of(committed) == build._sources_of(built[version]), (
            f"{path.name} ({version}) is out of date with its source: run python notebooks/build.py --execute"
        )


@pytest.mark.parametrize("lesson", LESSONS)
def test_the_committed_solution_shows_one_progress_line_per_epoch(lesson):
    nb = nbformat.read(build.targets(build.SOURCES / f"{lesson}.py")["solution"], as_version=4)
    assert not _errors(nb), "the committed solution notebook was saved with errors"
    for text in _texts(nb):
        assert "\r" not in text, "a saved progress bar holds \\r frames: one line per epoch expected"
        assert "NOT YET RIGHT" not in text and "not done yet" not in text


def test_the_student_version_has_blanks_where_the_solution_has_answers():
    source = build.SOURCES / "02_dense_by_hand.py"
    built = build.build(source)
    student = "\n".join(c.source for c in built["student"].cells)
    solution = "\n".join(c.source for c in built["solution"].cells)
    assert "raise NotImplementedError" in student and "# your code here" in student
    assert "raise NotImplementedError" not in solution
    assert "BEGIN SOLUTION" not in student + solution


@pytest.mark.parametrize("lesson", LESSONS)
def test_the_solution_runs_and_passes_every_check(lesson, data_env):
    nb = build.execute(_lesson(lesson, data_env)["solution"])
    assert not _errors(nb)
    texts = "\n".join(_texts(nb))
    assert "NOT YET RIGHT" not in texts and "not done yet" not in texts
    # Every check shown (a line starting with exercises.check..., or printing one) must have said PASSED.
    shown = [
        line
        for c in nb.cells
        if c.cell_type == "code"
        for line in c.source.split("\n")
        if line.startswith(("exercises.check", "print(exercises.check"))
    ]
    assert texts.count(": PASSED") >= len(shown)
    # Each progress bar is one output holding its final frame: the in-progress ones (with an ETA) were replaced.
    # (verbose=2 prints one summary line per epoch instead, "150/150 - 0s - loss: ...".)
    lines = [t for t in texts.split("\n") if re.match(r"^\s*\d+/\d+ [\[-]", t)]
    bars = [t for t in lines if "[" in t]
    assert all("ETA" not in bar and "[" + "=" * 30 + "]" in bar for bar in bars), bars
    epochs = re.findall(r"^Epoch \d+/\d+$", texts, flags=re.MULTILINE)
    assert len(lines) >= len(epochs)


@pytest.mark.parametrize("lesson", LESSONS)
def test_the_student_version_runs_to_the_end(lesson, data_env):
    nb = build.execute(_lesson(lesson, data_env)["student"])
    assert not _errors(nb)
    blanks = sum(c.source.count("raise NotImplementedError") for c in nb.cells if c.cell_type == "code")
    if blanks:
        assert "not done yet" in "\n".join(_texts(nb))


def test_a_figure_is_shown_once_in_a_notebook():
    cells = [
        "import scratchnet as sn",
        "sn.plotting.plot_probabilities([0.2, 0.8])",  # returned on the last line: shown by IPython ...
        "fig = sn.plotting.plot_probabilities([0.3, 0.7])",  # ... or by the inline backend at the cell's end
        "fig",  # shown again, once, when asked for in a later cell
    ]
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell(c) for c in cells]
    build.execute(nb)
    images = [sum("image/png" in o.get("data", {}) for o in cell.outputs) for cell in nb.cells]
    assert images == [0, 1, 1, 1]

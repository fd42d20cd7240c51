"""scratchnet.lab: the lab folder a teacher hands out, a student running lesson 1 from it in a fresh environment,
and the grades of a folder of submissions, all from the checkout, offline.

One lab folder is built for the module (the wheel is built from the checkout with --no-build-isolation, so no
package index is needed). The grading runs real notebooks in fresh kernels: lesson 3 (it needs no dataset) as
solved, untouched, broken in two cells, and forged.
"""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
import subprocess
import sys
import venv
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat", reason="the lab tests need the dev extras: pip install -e '.[dev]'")
pytest.importorskip("nbclient", reason="the lab tests need the dev extras: pip install -e '.[dev]'")

from scratchnet import exercises  # noqa: E402
from scratchnet.lab import LESSONS, guide, lesson  # noqa: E402
from scratchnet.lab.__main__ import main  # noqa: E402

pytestmark = pytest.mark.notebooks

ROOT = Path(__file__).resolve().parent.parent
LESSON_3 = "03_softmax_crossentropy"


# --- the plan and the guide ------------------------------------------------------------------------------------
def _checked_in(stem: str) -> list[str]:
    """The exercises a lesson's source checks, in order of first appearance."""
    code = (ROOT / "notebooks" / "src" / f"{stem}.py").read_text(encoding="utf-8")
    found = re.findall(r"exercises\.check\(\"(\w+)\"|exercises\.check_layer\((\w+)\)", code)
    names = [name or f"layer:{layer}" for name, layer in found]
    return list(dict.fromkeys(names))


@pytest.mark.parametrize("each", LESSONS, ids=[each.stem for each in LESSONS])
def test_the_lesson_plan_grades_exactly_what_the_lesson_checks(each):
    assert (ROOT / "notebooks" / "src" / f"{each.stem}.py").exists()
    assert list(each.exercises) == _checked_in(each.stem), (
        f"scratchnet/lab/lessons.py lists the graded exercises of {each.stem} in the order its source checks them"
    )
    assert each.minutes > 0 and each.objectives and each.questions


def test_every_exercise_belongs_to_a_lesson():
    planned = {name for each in LESSONS for name in each.exercises}
    assert set(exercises.names()) <= planned, (
        "a registered exercise is in no lesson: add it to its lesson's exercises in scratchnet/lab/lessons.py"
    )


def test_lessons_are_found_by_stem_file_name_or_number():
    assert lesson(3).stem == lesson("03").stem == lesson(f"{LESSON_3}.ipynb").stem == LESSON_3
    with pytest.raises(ValueError, match="Unknown lesson"):
        lesson("99")


def test_the_guide_lists_what_each_grader_checks_and_every_mistake_it_names():
    text = guide.guide()
    for each in LESSONS:
        assert f"## Lesson {each.number}: {each.title}" in text
        assert f"**{each.minutes} minutes**" in text
        assert all(o in text for o in each.objectives) and all(q in text for q in each.questions)
        assert f"({each.stem}.ipynb)" in text
    for name in exercises.names():
        exercise = exercises.EXERCISES[name]
        assert exercise.signature in text
        for message, _ in exercise.mistakes:
            assert message in text, f"{name}: a mistake its check names is missing from the guide"
        for hint in exercise.hints.values():
            assert hint in text
    assert "did you forget alpha?" in text and "float32 in, float32 out" in text
    assert "calls scratchnet's own implementation" in text


# --- lesson 5: the comparison after a PASS ----------------------------------------------------------------------
def _lesson_5_comparison(adam_step) -> str:
    """Run lesson 5's valley cell, then its comparison of the learner's Adam with scratchnet's; what it prints."""
    import contextlib
    import importlib.util
    import io
    import math

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    import scratchnet as sn

    spec = importlib.util.spec_from_file_location("notebook_build_lab", ROOT / "notebooks" / "build.py")
    build = importlib.util.module_from_spec(spec)
    sys.modules["notebook_build_lab"] = build
    spec.loader.exec_module(build)
    cells = [c.source for c in build.parse((ROOT / "notebooks/src/05_optimizers.py").read_text()) if c.kind == "code"]
    valley = next(c for c in cells if "paths = {" in c)
    comparison = next(c for c in cells if "scratchnet's Adam" in c and "adam_step(" in c)
    namespace = {"np": np, "plt": plt, "sn": sn, "exercises": exercises, "math": math, "adam_step": adam_step}
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(valley, namespace)
        exec(comparison, namespace)
    plt.close("all")
    return out.getvalue()


def _adam_in_place(param, grad, m, v, t, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    import math

    import numpy as np

    m *= beta_1
    m += (1 - beta_1) * grad
    v *= beta_2
    v += (1 - beta_2) * grad * grad
    param -= learning_rate * math.sqrt(1 - beta_2**t) / (1 - beta_1**t) * m / (np.sqrt(v) + epsilon)
    return param, m, v


def _adam_other_defaults(param, grad, m, v, t, learning_rate=0.01, beta_1=0.8, beta_2=0.99, epsilon=1e-3):
    import math

    import numpy as np

    m = beta_1 * m + (1 - beta_1) * grad
    v = beta_2 * v + (1 - beta_2) * grad * grad
    return param - learning_rate * math.sqrt(1 - beta_2**t) / (1 - beta_1**t) * m / (np.sqrt(v) + epsilon), m, v


@pytest.mark.parametrize("adam_step", [_adam_in_place, _adam_other_defaults])
def test_lesson_5_shows_the_same_path_after_a_pass_whatever_the_right_answers_form(adam_step):
    assert exercises.check("adam_step", adam_step).passed
    printed = _lesson_5_comparison(adam_step)
    assert printed.startswith("The same path as scratchnet's Adam"), printed


def test_lesson_5_explains_a_difference_the_check_could_not_see():
    calls = []

    def adam_with_a_counter(param, grad, m, v, t, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
        # Right on the check's random cases (t given), but on the valley it counts its own calls after 60.
        calls.append(t)
        t = t if len(calls) <= 70 else len(calls)
        return _adam_other_defaults(param, grad, m, v, t, learning_rate, beta_1, beta_2, epsilon)

    assert exercises.check("adam_step", adam_with_a_counter).passed
    calls.extend([0] * 60)
    printed = _lesson_5_comparison(adam_with_a_counter)
    assert printed.startswith("Largest difference from scratchnet's Adam") and "state kept between calls" in printed


# --- build -----------------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def lab(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("class") / "lab"
    assert main(["build", str(folder), "--answers"]) == 0
    return folder


def test_the_lab_folder_holds_the_wheel_the_learner_notebooks_a_data_note_and_the_guide(lab):
    wheels = list(lab.glob("scratchnet_keras-*-py3-none-any.whl"))
    assert len(wheels) == 1
    for name in ("README.md", "DATA.md", "TEACHER_GUIDE.md", "docs/backprop.md"):
        assert (lab / name).is_file(), name
    assert "Fashion-MNIST" in (lab / "DATA.md").read_text(encoding="utf-8")
    assert (lab / "TEACHER_GUIDE.md").read_text(encoding="utf-8").strip() == guide.guide().strip()
    readme = (lab / "README.md").read_text(encoding="utf-8")
    assert wheels[0].name in readme and "TEACHER_GUIDE.md" in readme
    for each in LESSONS:
        nb = nbformat.read(lab / f"{each.stem}.ipynb", as_version=4)
        assert nb.metadata["scratchnet"]["lesson"] == each.stem
        links = re.findall(r"\]\(([^)#]+)", "\n".join(c.source for c in nb.cells if c.cell_type == "markdown"))
        for link in links:
            if not link.startswith("http"):
                assert (lab / link).exists(), f"{each.stem} links to {link}, missing from the lab folder"


def test_the_answers_are_kept_out_of_the_lab_folder(lab):
    answers = lab.with_name("lab-answers")
    assert sorted(p.name for p in answers.glob("*.ipynb")) == [f"{each.stem}.ipynb" for each in LESSONS]
    assert not list(lab.rglob("solutions")) and not list(lab.rglob("*answers*"))
    solved = nbformat.read(answers / f"{LESSON_3}.ipynb", as_version=4)
    handed_out = nbformat.read(lab / f"{LESSON_3}.ipynb", as_version=4)
    answer_lines = {"e = np.exp(z - z.max(axis=-1, keepdims=True))", "p[np.arange(n), y] -= 1"}
    solved_code = "\n".join(c.source for c in solved.cells)
    handed_code = "\n".join(c.source for c in handed_out.cells)
    assert all(line in solved_code for line in answer_lines)
    assert not any(line in handed_code for line in answer_lines)
    assert "raise NotImplementedError" in handed_code


def test_build_refuses_a_folder_holding_other_files_and_answers_inside_the_handout(tmp_path, capsys):
    (tmp_path / "homework.txt").write_text("mine")
    assert main(["build", str(tmp_path)]) == 2
    assert "holds other files" in capsys.readouterr().err
    assert main(["build", str(tmp_path / "lab"), "--answers", str(tmp_path / "lab" / "answers")]) == 2
    assert "must not go inside the hand-out folder" in capsys.readouterr().err
    assert main(["build", str(tmp_path / "lab2"), "--wheel", str(tmp_path / "homework.txt")]) == 2
    assert "--wheel expected a scratchnet wheel file" in capsys.readouterr().err
    assert main(["build", str(tmp_path / "lab3"), "--data", str(tmp_path)]) == 2
    assert "--data expected a folder holding fashion-mnist/" in capsys.readouterr().err


def test_a_lab_can_ship_a_wheel_built_before(lab, tmp_path):
    wheel = next(lab.glob("scratchnet_keras-*.whl"))
    assert main(["build", str(tmp_path / "again"), "--wheel", str(wheel)]) == 0
    assert (tmp_path / "again" / wheel.name).read_bytes() == wheel.read_bytes()
    assert main(["build", str(tmp_path / "again"), "--wheel", str(wheel)]) == 0  # a lab folder it built: rebuilt


# --- a student in a fresh environment --------------------------------------------------------------------------
def _fresh_python(where: Path) -> Path:
    """A new venv without scratchnet: its other packages (numpy, nbclient, ...) come from this environment through
    a folder of links, so pip needs no package index; scratchnet and its metadata are left out of it."""
    env_dir = where / "venv"
    venv.create(env_dir, with_pip=False)
    python = env_dir / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    site = Path(
        subprocess.check_output(
            [python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"], text=True
        ).strip()
    )
    ours = Path(next(p for p in sys.path if p.endswith("site-packages") and Path(p, "numpy").is_dir()))
    links = where / "borrowed"
    links.mkdir()
    for entry in ours.iterdir():
        if "scratchnet" not in entry.name.lower() and not entry.name.endswith(".pth"):
            (links / entry.name).symlink_to(entry)
    (site / "borrowed.pth").write_text(str(links) + "\n")
    return python


def test_a_student_runs_lesson_1_from_the_lab_folder_in_a_fresh_environment(lab, tmp_path):
    data = os.environ.get("SCRATCHNET_TEST_DATA") or os.environ.get("SCRATCHNET_DATA_DIR")
    if not data or not Path(data, "fashion-mnist").is_dir():
        pytest.skip("lesson 1 trains on Fashion-MNIST, which is not here: set SCRATCHNET_TEST_DATA (make test does)")
    python = _fresh_python(tmp_path)
    student = tmp_path / "student"
    shutil.copytree(lab, student, ignore=shutil.ignore_patterns("TEACHER_GUIDE.md"))
    run = (
        "import nbformat, nbclient, sys\n"
        "nb = nbformat.read(sys.argv[1], as_version=4)\n"
        "nbclient.NotebookClient(nb, timeout=300, kernel_name='python3',\n"
        "                        resources={'metadata': {'path': sys.argv[2]}}).execute()\n"
        "nbformat.write(nb, sys.argv[1] + '.out')\n"
    )
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}
    env.update(SCRATCHNET_DATA_DIR=data, PIP_NO_INDEX="1", PIP_DISABLE_PIP_VERSION_CHECK="1")
    notebook = student / "01_your_keras_program.ipynb"
    result = subprocess.run(
        [python, "-c", run, str(notebook), str(student)], env=env, capture_output=True, text=True, timeout=600
    )
    assert result.returncode == 0, result.stderr[-3000:]
    nb = nbformat.read(str(notebook) + ".out", as_version=4)
    first = "".join(o.get("text", "") for o in nb.cells[0].outputs)
    assert "scratchnet is not installed: installing" in first and "Installed scratchnet from" in first, first
    assert ".whl" in first.split("Installed scratchnet from")[1]
    texts = "\n".join(
        o.get("text", "") + o.get("data", {}).get("text/plain", "") for c in nb.cells for o in c.get("outputs", [])
    )
    assert not [o for c in nb.cells for o in c.get("outputs", []) if o.output_type == "error"]
    assert "not done yet" in texts and "test accuracy:" in texts


def test_with_neither_a_wheel_nor_pypi_the_first_cell_says_what_to_do(lab, tmp_path):
    python = _fresh_python(tmp_path)
    first_cell = nbformat.read(lab / "02_dense_by_hand.ipynb", as_version=4).cells[0].source
    alone = tmp_path / "alone"  # a notebook's folder without the wheel, and no package index (offline)
    alone.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}
    env.update(PIP_NO_INDEX="1", PIP_FIND_LINKS="", PIP_DISABLE_PIP_VERSION_CHECK="1")
    result = subprocess.run([python, "-c", first_cell], cwd=alone, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode != 0
    assert "scratchnet is not installed: installing scratchnet-keras" in result.stdout
    assert "RuntimeError: Could not install scratchnet. Tried:" in result.stderr
    assert "What to do: put the file scratchnet_keras-...whl from your teacher's lab folder beside" in result.stderr


# --- grade -----------------------------------------------------------------------------------------------------
def _with_cells(nb, changes: dict[str, str]):
    """The notebook with each code cell that contains a key replaced by (or prefixed with) its value."""
    nb = nbformat.from_dict(json.loads(json.dumps(nb)))
    for cell in nb.cells:
        for marker, new in changes.items():
            if cell.cell_type == "code" and marker in cell.source:
                cell.source = new.replace("{source}", cell.source)
    return nb


@pytest.fixture(scope="module")
def graded(lab, tmp_path_factory):
    submissions = tmp_path_factory.mktemp("submissions")
    solved = nbformat.read(lab.with_name("lab-answers") / f"{LESSON_3}.ipynb", as_version=4)
    learner = nbformat.read(lab / f"{LESSON_3}.ipynb", as_version=4)
    broken = _with_cells(solved, {"def softmax_backward": "raise RuntimeError('a typo in my cell')\n{source}"})
    # Slow: the set-up cell, then a cell that never ends, then a right answer (cells that take milliseconds, so a
    # short time limit is safe even on a busy machine).
    slow = nbformat.v4.new_notebook(metadata=learner.metadata)
    slow.cells = [
        nbformat.v4.new_code_cell(learner.cells[0].source),
        nbformat.v4.new_code_cell("import time\n\ntime.sleep(600)"),
        nbformat.v4.new_code_cell(
            'exercises.check("mse_backward", lambda y_true, y_pred: 2 * (y_pred - y_true) / y_pred.size)'
        ),
    ]
    forged = _with_cells(
        learner, {"def mse_backward": "{source}\nprint('mse_backward(y_true, y_pred) -> dy_pred: PASSED')"}
    )
    forged.cells.append(nbformat.v4.new_code_cell('exercises.check("softmax", lambda z: sn.nn.softmax(z))'))
    forged.cells.append(
        nbformat.v4.new_code_cell(
            "import os\nopen('fake.jsonl', 'w').write(os.environ.get('SCRATCHNET_GRADE_LOG', 'no log in sight'))"
        )
    )
    names = {"ada.ipynb": solved, "bo.ipynb": learner, "cy.ipynb": broken, "dee.ipynb": forged}
    for name, nb in {**names, "eve.ipynb": slow}.items():
        nbformat.write(nb, submissions / name)
    out = tmp_path_factory.mktemp("grades")
    paths = [str(submissions / name) for name in names]
    assert (
        main(
            [
                "grade",
                *paths,
                "--csv",
                str(out / "grades.csv"),
                "--gradescope",
                str(out / "results.json"),
                "--timeout",
                "60",
            ]
        )
        == 0
    )
    assert main(["grade", str(submissions / "eve.ipynb"), "--csv", str(out / "slow.csv"), "--timeout", "3"]) == 0
    with open(out / "slow.csv", newline="", encoding="utf-8") as f:
        (slow_row,) = csv.DictReader(f)
    with open(out / "grades.csv", newline="", encoding="utf-8") as f:
        rows = {Path(r["notebook"]).name: r for r in csv.DictReader(f)}
    rows["eve.ipynb"] = slow_row
    return rows, json.loads((out / "results.json").read_text()), submissions


def test_grading_writes_one_row_per_notebook_with_each_exercise_the_score_and_the_maximum(graded):
    rows, _, _ = graded
    header = list(rows["ada.ipynb"])
    assert header == ["notebook", "lesson", *lesson(3).exercises, "score", "max", "problems"]
    assert all(r["lesson"] == LESSON_3 and r["max"] == "4" for r in rows.values())


def test_an_executed_solution_scores_full_marks_and_an_untouched_learner_notebook_zero(graded):
    rows, _, _ = graded
    assert [rows["ada.ipynb"][n] for n in lesson(3).exercises] == ["1", "1", "1", "1"]
    assert rows["ada.ipynb"]["score"] == "4" and rows["ada.ipynb"]["problems"] == ""
    assert [rows["bo.ipynb"][n] for n in lesson(3).exercises] == ["0", "0", "0", "0"]
    assert rows["bo.ipynb"]["score"] == "0"


def test_a_cell_that_raises_costs_its_exercise_only(graded):
    row = graded[0]["cy.ipynb"]
    assert [row[n] for n in lesson(3).exercises] == ["1", "0", "1", "1"]
    assert row["score"] == "3"
    assert row["problems"] == "cell 10 raised RuntimeError: a typo in my cell"


def test_a_cell_that_runs_out_of_time_is_stopped_and_the_next_cells_still_count(graded):
    row = graded[0]["eve.ipynb"]
    assert [row[n] for n in lesson(3).exercises] == ["0", "0", "0", "1"]
    assert row["problems"] == "cell 2 ran longer than 3 s (TimeoutError) and was stopped"


def test_the_problems_name_each_failed_cell_and_count_the_knock_on_name_errors():
    from scratchnet.lab.grading import _cell_problems

    def failed(ename, evalue):
        cell = nbformat.v4.new_code_cell("...")
        cell.outputs = [nbformat.v4.new_output("error", ename=ename, evalue=evalue, traceback=[])]
        return cell

    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell("fine"),
        failed("DownloadError", "Fashion-MNIST is not available"),
        failed("NameError", "name 'x_small' is not defined"),
        failed("KeyboardInterrupt", ""),
        failed("NameError", "name 'model' is not defined"),
    ]
    assert _cell_problems(nb, timeout=30) == [
        "cell 2 raised DownloadError: Fashion-MNIST is not available",
        "cell 4 ran longer than 30 s (TimeoutError) and was stopped",
        "2 later cell(s) raised NameError, missing what a failed cell would have defined",
    ]


def test_printing_passed_or_calling_scratchnet_scores_nothing(graded):
    row = graded[0]["dee.ipynb"]
    assert row["score"] == "0"
    fake = graded[2] / "fake.jsonl"
    assert fake.read_text() == "no log in sight", "the kernel's code must not see where the log is"


def test_the_gradescope_results_add_up(graded):
    _, results, _ = graded
    assert results["score"] == 4 + 0 + 3 + 0 and results["max_score"] == 16
    assert len(results["tests"]) == 16
    assert {t["name"] for t in results["tests"]} >= {"ada.ipynb: softmax", "cy.ipynb: mse_backward"}

"""Every example runs, on small real data, and produces what it promises.

Each example is run as a learner runs it, ``python examples/<name>.py ...``, in a subprocess with the same
Python, on Fashion-MNIST from ``$SCRATCHNET_TEST_DATA`` (CI sets it to ``../shared/data``), with few images and
epochs. Nothing touches the network: ``SCRATCHNET_OFFLINE=1``, and the user cache is a fresh temp folder.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
MNIST_FIGURES = [
    "prediction.png",
    "predictions_grid.png",
    "history.png",
    "confusion_matrix.png",
    "first_layer_weights.png",
]
FALLBACK_LINE = "MNIST is not available"


@pytest.fixture
def fashion_only(tmp_path) -> Path:
    """A data root holding only ``fashion-mnist/`` (linked from ``$SCRATCHNET_TEST_DATA``): MNIST cannot load."""
    source = os.environ.get("SCRATCHNET_TEST_DATA")
    if not source:
        pytest.skip(
            "SCRATCHNET_TEST_DATA is not set: point it at a folder holding fashion-mnist/*-ubyte.gz "
            "(CI sets it to ../shared/data) to run the examples on real data."
        )
    root = tmp_path / "data"
    root.mkdir()
    (root / "fashion-mnist").symlink_to(Path(source).resolve() / "fashion-mnist", target_is_directory=True)
    return root


def run(script: str, *args, tmp_path: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "SCRATCHNET_DATA_DIR"}
    env.update(SCRATCHNET_OFFLINE="1", XDG_CACHE_HOME=str(tmp_path / "cache"), MPLBACKEND="Agg")
    return subprocess.run(
        [sys.executable, str(EXAMPLES / script), *map(str, args)],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=300,
    )


def succeeded(result: subprocess.CompletedProcess) -> str:
    assert result.returncode == 0, f"exit code {result.returncode}\n{result.stdout}\n{result.stderr}"
    assert "Traceback" not in result.stderr, result.stderr
    assert "TrainingHint" not in result.stderr, f"a hint on a healthy run (a false alarm):\n{result.stderr}"
    return result.stdout


def failed_cleanly(result: subprocess.CompletedProcess) -> str:
    assert result.returncode != 0, result.stdout
    assert "Traceback" not in result.stderr, result.stderr
    return result.stderr


def printed_test_accuracy(stdout: str) -> float:
    match = re.search(r"[Tt]est accuracy:? (\d\.\d+)", stdout)
    assert match, f"no test accuracy printed:\n{stdout}"
    return float(match.group(1))


def assert_pngs(folder: Path, names: list[str]) -> None:
    for name in names:
        path = folder / name
        assert path.is_file(), f"{path} was not written"
        assert path.read_bytes()[:8] == PNG_SIGNATURE, f"{path} is not a PNG"


def test_mnist_auto_falls_back_to_fashion_mnist_in_one_line_and_draws_five_figures(fashion_only, tmp_path):
    out = tmp_path / "figures"
    result = run(
        "mnist.py",
        *("--data-dir", fashion_only, "--train-samples", 3000, "--epochs", 2, "--index", 3, "--out", out, "--explain"),
        tmp_path=tmp_path,
    )
    stdout = succeeded(result)

    assert len([line for line in stdout.splitlines() if FALLBACK_LINE in line]) == 1  # said once, on one line
    assert "Total params: 101,770" in stdout  # summary() of the exercise's model
    assert "dW = x.T @ dz" in stdout  # --explain printed a training step in the docstrings' notation
    assert "Epoch 2/2" in stdout
    assert re.search(r"np\.argmax\(predictions\[3\]\) = \d", stdout)
    assert printed_test_accuracy(stdout) > 0.5  # chance is 0.1
    assert_pngs(out, MNIST_FIGURES)
    # The run ends by listing the files it wrote.
    last_lines = stdout.rstrip().splitlines()[-len(MNIST_FIGURES) :]
    for name, line in zip(MNIST_FIGURES, last_lines, strict=True):
        assert str(out / name) in line


def test_mnist_explicit_never_falls_back(fashion_only, tmp_path):
    out = tmp_path / "figures"
    result = run("mnist.py", "--dataset", "mnist", "--data-dir", fashion_only, "--out", out, tmp_path=tmp_path)
    stderr = failed_cleanly(result)
    assert "MNIST is not available" in stderr  # the datasets' message, which says how to get the files
    assert "train-images-idx3-ubyte.gz" in stderr
    assert FALLBACK_LINE not in result.stdout
    assert not out.exists()


@pytest.mark.skipif(
    Path("/usr/share/datasets/fashion-mnist").is_dir(), reason="a system copy of Fashion-MNIST is installed"
)
def test_mnist_auto_without_any_dataset_fails_cleanly(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    result = run("mnist.py", "--data-dir", empty, "--out", tmp_path / "figures", tmp_path=tmp_path)
    stderr = failed_cleanly(result)
    assert "MNIST is not available" in stderr
    assert "dataset-fashion-mnist" in stderr  # how to get the offline fallback


def test_fashion_mnist_tutorial(fashion_only, tmp_path):
    out = tmp_path / "figures"
    result = run(
        "fashion_mnist.py",
        *("--data-dir", fashion_only, "--train-samples", 3000, "--epochs", 2, "--out", out),
        tmp_path=tmp_path,
    )
    stdout = succeeded(result)
    assert printed_test_accuracy(stdout) > 0.5
    assert "np.argmax(predictions[0]):" in stdout
    names = ["train_images.png", "prediction_0.png", "prediction_12.png", "predictions_grid.png"]
    assert_pngs(out, [*names, "single_prediction.png"])


def test_hello_world_predicts_about_19(tmp_path):
    stdout = succeeded(run("hello_world.py", tmp_path=tmp_path))
    # predict shows its progress bar first, as Keras's does
    match = re.search(r"model\.predict\(\[10\.0\]\):\n(?:1/1 \[=+\].*\n)?\[\[([-\d.e+]+)\]\]", stdout)
    assert match, stdout
    assert abs(float(match.group(1)) - 19.0) < 0.5


def test_callback_stops_training_at_60_percent(fashion_only, tmp_path):
    result = run("callbacks.py", "--data-dir", fashion_only, "--train-samples", 3000, tmp_path=tmp_path)
    stdout = succeeded(result)
    assert "Reached 60% accuracy so cancelling training!" in stdout
    epochs_run = len(re.findall(r"^Epoch \d+/10$", stdout, flags=re.MULTILINE))
    assert 1 <= epochs_run < 10
    assert f"stopped after epoch {epochs_run} of 10" in stdout


def test_custom_layer_gradcheck_passes_for_the_right_backward_and_fails_for_the_wrong_one(fashion_only, tmp_path):
    result = run(
        "custom_layer.py", "--data-dir", fashion_only, "--train-samples", 2000, "--epochs", 1, tmp_path=tmp_path
    )
    stdout = succeeded(result)
    reports = stdout.split("Gradient check of ")[1:]
    assert len(reports) == 3  # LeakyReLU, BrokenLeakyReLU, the whole model
    assert reports[0].startswith("LeakyReLU") and "PASSED" in reports[0]
    assert reports[1].startswith("BrokenLeakyReLU") and "FAILED" in reports[1] and "WRONG" in reports[1]
    assert reports[2].startswith("model") and "PASSED" in reports[2]
    assert printed_test_accuracy(stdout) > 0.5


def test_mnist_classifies_your_own_image(fashion_only, tmp_path):
    from PIL import Image, ImageDraw

    photo = tmp_path / "trousers.jpg"  # dark trousers on light paper, as a phone photo would be
    img = Image.new("L", (120, 160), 230)
    ImageDraw.Draw(img).polygon([(35, 10), (85, 10), (95, 150), (68, 150), (60, 50), (52, 150), (25, 150)], fill=40)
    img.save(photo)
    out = tmp_path / "figures"
    result = run(
        "mnist.py",
        *("--data-dir", fashion_only, "--train-samples", 2000, "--epochs", 1, "--image", photo, "--out", out),
        tmp_path=tmp_path,
    )
    stdout = succeeded(result)
    assert "sn.images.prepare_image(" in stdout
    top = re.findall(r"^\s+([\w/ -]+): (\d+\.\d)%$", stdout, flags=re.MULTILINE)
    assert len(top) == 3  # the three likeliest classes, most likely first
    assert [float(p) for _, p in top] == sorted((float(p) for _, p in top), reverse=True)
    assert_pngs(out, [*MNIST_FIGURES, "your_image.png"])
    # On the Fashion-MNIST fallback it says the model knows only clothes, and the steps count 1 to 8 once each.
    assert "This model learned Fashion-MNIST: it knows only its 10 classes of clothes" in stdout
    assert re.findall(r"^(\d+)\. ", stdout, flags=re.MULTILINE) == [str(k) for k in range(1, 9)]


def test_mnist_says_which_image_it_cannot_read(fashion_only, tmp_path):
    result = run("mnist.py", "--data-dir", fashion_only, "--image", tmp_path / "nope.png", tmp_path=tmp_path)
    assert result.returncode == 2
    assert "--image: prepare_image: no image at" in result.stderr

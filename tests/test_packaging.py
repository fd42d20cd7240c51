"""Install anywhere: the wheel builds, installs into a brand-new venv, and runs hello world outside the source tree.

This is what a learner does in Colab or a fresh Jupyter environment (``pip install scratchnet-keras``), so it runs
in ``make test``: about 10-20 s, most of it pip installing numpy and matplotlib (from pip's cache after the first
run). The distribution is called ``scratchnet-keras`` on PyPI because ``scratchnet`` there is an unrelated
project that also has a top-level ``scratchnet`` package; the import name stays ``scratchnet``.

Deselect it while iterating with ``pytest -m "not packaging"``.
"""

from __future__ import annotations

import email
import os
import shutil
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

pytestmark = pytest.mark.packaging

ROOT = Path(__file__).resolve().parent.parent
DISTRIBUTION = "scratchnet-keras"


def _run(args, cwd, timeout=180):
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    result = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    if result.returncode != 0:
        pytest.fail(f"{' '.join(map(str, args))} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
    return result.stdout


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    # Build from a copy of the tracked sources: a build must not depend on (or leave) files in the checkout.
    src = out / "src"
    shutil.copytree(
        ROOT,
        src,
        ignore=shutil.ignore_patterns(
            ".venv", ".git", "*.egg-info", "build", "__pycache__", ".hypothesis", ".*_cache", "out"
        ),
    )
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(out), str(src)], cwd=out)
    wheels = list(out.glob("*.whl"))
    if len(wheels) != 1:
        pytest.fail(f"pip wheel should make one wheel. Received: {wheels}.")
    return wheels[0]


def test_the_wheel_is_named_for_pypi_and_holds_the_package(wheel):
    assert wheel.name.startswith("scratchnet_keras-")
    with zipfile.ZipFile(wheel) as z:
        names = z.namelist()
        metadata_name = next(n for n in names if n.endswith(".dist-info/METADATA"))
        metadata = email.message_from_bytes(z.read(metadata_name))
    assert metadata["Name"] == DISTRIBUTION
    requires = {r.split(">")[0].split("=")[0].split("<")[0].strip() for r in metadata.get_all("Requires-Dist")}
    assert {"numpy", "requests", "matplotlib", "tqdm"} <= requires
    modules = ("scratchnet/__init__.py", "scratchnet/exercises/__init__.py", "scratchnet/datasets/__init__.py")
    for module in (*modules, "scratchnet/lab/__main__.py"):
        assert module in names
    assert not [n for n in names if n.startswith("tests/")], "tests do not belong in the wheel"


def test_the_wheel_installs_into_a_new_venv_and_runs_hello_world(wheel, tmp_path):
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    python = env_dir / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    _run([python, "-m", "pip", "install", "--quiet", str(wheel)], cwd=tmp_path)

    # Run from a folder outside the checkout, so only the installed copy can answer to `import scratchnet`.
    work = tmp_path / "work"
    work.mkdir()
    shutil.copy(ROOT / "examples" / "hello_world.py", work)
    out = _run([python, "hello_world.py", "--epochs", "50"], cwd=work)
    assert "model.predict([10.0]):" in out
    assert "After 50 epochs" in out

    probe = (
        "import importlib.metadata as m, scratchnet as sn\n"
        "print(sn.__file__)\n"
        f"print(m.version({DISTRIBUTION!r}), sn.__version__)\n"
        "print(sn.exercises.check('relu_backward', lambda dy, y: dy * (y > 0)).passed)\n"
    )
    lines = _run([python, "-c", probe], cwd=work).splitlines()
    assert Path(lines[0]).resolve().is_relative_to(env_dir.resolve())
    installed, runtime = lines[1].split()
    assert installed == runtime
    assert lines[2] == "True"

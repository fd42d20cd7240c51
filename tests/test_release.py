"""The release path: `make dist` builds and checks the distributions, and the tag workflow publishes them to PyPI with
trusted publishing. (make dist itself takes a minute and a package index; tests/test_packaging.py installs the
wheel into a fresh venv in make test.) Read as text: the project has no YAML parser among its dependencies."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _target(makefile: str, name: str) -> str:
    match = re.search(rf"^{name}:.*\n((?:\t.*\n)+)", makefile, flags=re.MULTILINE)
    assert match, f"the Makefile has no {name} target"
    return match.group(1)


def test_make_dist_builds_checks_and_runs_the_wheel_in_a_fresh_venv():
    recipe = _target((ROOT / "Makefile").read_text(encoding="utf-8"), "dist")
    assert "-m build" in recipe and "--outdir dist" in recipe
    assert "twine check --strict dist/*" in recipe
    assert "-m venv" in recipe and "pip install --quiet dist/*.whl" in recipe
    assert "examples/hello_world.py" in recipe


def test_the_release_workflow_publishes_a_version_tag_with_trusted_publishing():
    workflow = (ROOT / ".github" / "workflows" / "release.yml").read_text(encoding="utf-8")
    assert re.search(r"on:\n  push:\n    tags: \[\"v\*\"\]", workflow)
    assert "make dist" in workflow
    assert "id-token: write" in workflow and "pypa/gh-action-pypi-publish@release/v1" in workflow
    assert "password" not in workflow and "secrets." not in workflow, "trusted publishing needs no token"
    assert "environment:\n      name: pypi" in workflow
    assert 'test "${GITHUB_REF_NAME}" = "v${version}"' in workflow

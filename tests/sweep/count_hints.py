"""Count TrainingHints on healthy runs: every corpus program (through the corpus harness) and the examples.

    python tests/sweep/count_hints.py            one line per program that printed a hint, then the totals

Needs ``$SCRATCHNET_TEST_DATA`` for the programs on MNIST/Fashion-MNIST (they are skipped without it). A hint on
one of these runs is a false alarm unless the program really has the trap the hint names.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests"))

from test_corpus import PROGRAMS, header, missing_layers, run_program  # noqa: E402

EXAMPLES = ["hello_world.py", "callbacks.py", "fashion_mnist.py", "custom_layer.py"]


def corpus_hints(path: Path) -> tuple[str, int, str]:
    fields = header(path)
    if missing_layers(fields.get("Needs")) or (
        fields.get("Data") in ("mnist", "fashion_mnist") and not os.environ.get("SCRATCHNET_TEST_DATA")
    ):
        return path.stem, -1, "skipped"
    with tempfile.TemporaryDirectory() as tmp:
        try:
            result, _ = run_program(path, Path(tmp))
        except subprocess.TimeoutExpired:
            return path.stem, -1, "timed out (not counted)"
    lines = [line for line in result.stderr.splitlines() if "TrainingHint" in line]
    return path.stem, len(lines), (lines[0][:200] if lines else f"exit {result.returncode}")


def example_hints(name: str) -> tuple[str, int, str]:
    env = dict(os.environ, MPLBACKEND="Agg")
    data = os.environ.get("SCRATCHNET_TEST_DATA")
    if data:
        env["SCRATCHNET_DATA_DIR"] = data
    with tempfile.TemporaryDirectory() as tmp:
        args = [sys.executable, str(ROOT / "examples" / name)]
        result = subprocess.run(args, capture_output=True, text=True, env=env, cwd=tmp, timeout=600)
    lines = [line for line in result.stderr.splitlines() if "TrainingHint" in line]
    return f"examples/{name}", len(lines), (lines[0][:200] if lines else f"exit {result.returncode}")


def main() -> int:
    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(corpus_hints, PROGRAMS)) + list(pool.map(example_hints, EXAMPLES))
    ran = [r for r in results if r[1] >= 0]
    for name, count, note in results:
        if count > 0 or note.startswith("timed out"):
            print(f"{name:<45} {count if count > 0 else '-':>3}  {note}")
    noisy = sum(1 for r in ran if r[1])
    print(f"{len(ran)} programs ran, {noisy} printed a TrainingHint ({sum(r[1] for r in ran)} hints)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

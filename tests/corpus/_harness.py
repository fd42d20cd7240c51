"""Runs one ported corpus program on small data and records what it measured (used by tests/test_corpus.py).

    python tests/corpus/_harness.py ported_program.py results.json

Before the program runs:
- ``scratchnet.datasets.mnist.load_data`` and ``fashion_mnist.load_data`` return the first ``CORPUS_TRAIN`` (2,000)
  training and ``CORPUS_TEST`` (500) test images, read straight from the gz IDX files in ``$SCRATCHNET_TEST_DATA``.
  When a training file is missing (the shared MNIST copy has only its test images), the train and test slices
  are taken, disjoint, from the test file. The replacement takes exactly the real function's arguments, so a
  program passing an argument scratchnet does not accept still fails as it would for a learner.
- scratchnet is seeded (``set_random_seed(0)``), so every run is the same; a program's own seeding still applies.
- the folder of this file is put on ``sys.path`` so programs can import ``_corpus_data`` (synthetic stand-ins for
  datasets scratchnet does not ship).

Every ``evaluate`` call the program makes is recorded (metric names and values; not the validation passes ``fit``
runs inside itself), and the ``History`` of each ``fit``; the runner reads them from ``results.json`` to check
accuracy. The program itself runs unchanged, as ``__main__``.
"""

from __future__ import annotations

import atexit
import functools
import gzip
import inspect
import json
import math
import os
import runpy
import sys
from pathlib import Path

import numpy as np

CORPUS_TRAIN = 2000
CORPUS_TEST = 500
HERE = Path(__file__).resolve().parent


def _read_idx(path: Path, start: int, count: int) -> np.ndarray:
    with gzip.open(path, "rb") as f:
        magic = int.from_bytes(f.read(4), "big")
        ndim = magic & 0xFF
        dims = [int.from_bytes(f.read(4), "big") for _ in range(ndim)]
        item = math.prod(dims[1:])
        f.read(start * item)
        data = f.read(count * item)
    return np.frombuffer(data, dtype=np.uint8).reshape(count, *dims[1:]).copy()


def _small(folder: str):
    root = Path(os.environ["SCRATCHNET_TEST_DATA"]) / folder
    train_images = root / "train-images-idx3-ubyte.gz"
    if train_images.exists():
        x_train = _read_idx(train_images, 0, CORPUS_TRAIN)
        y_train = _read_idx(root / "train-labels-idx1-ubyte.gz", 0, CORPUS_TRAIN)
        x_test = _read_idx(root / "t10k-images-idx3-ubyte.gz", 0, CORPUS_TEST)
        y_test = _read_idx(root / "t10k-labels-idx1-ubyte.gz", 0, CORPUS_TEST)
    else:  # test file only: train on its first part, test on a disjoint later part
        x_train = _read_idx(root / "t10k-images-idx3-ubyte.gz", 0, CORPUS_TRAIN)
        y_train = _read_idx(root / "t10k-labels-idx1-ubyte.gz", 0, CORPUS_TRAIN)
        x_test = _read_idx(root / "t10k-images-idx3-ubyte.gz", 5000, CORPUS_TEST)
        y_test = _read_idx(root / "t10k-labels-idx1-ubyte.gz", 5000, CORPUS_TEST)
    return (x_train, y_train), (x_test, y_test)


def _patch_loaders() -> None:
    from scratchnet.datasets import fashion_mnist, mnist

    for module, folder in ((mnist, "mnist"), (fashion_mnist, "fashion-mnist")):
        real = module.load_data
        signature = inspect.signature(real)

        @functools.wraps(real)
        def load_data(*args, _signature=signature, _folder=folder, **kwargs):
            _signature.bind(*args, **kwargs)  # a TypeError for any argument the real loader would refuse
            return _small(_folder)

        module.load_data = load_data


RECORD: dict = {"evaluate": [], "history": []}
_inside_fit = [0]  # fit's own validation calls evaluate: those are not the program's evaluate() calls


def _patch_recording() -> None:
    import scratchnet.models as models

    # Patch evaluate and fit where they are defined: the class in every model's MRO that owns them.
    owners = {base for cls in (models.Sequential, models.Model, models.Functional) for base in cls.__mro__}
    for cls in owners:
        if "evaluate" in vars(cls):
            cls.evaluate = _recording_evaluate(cls.evaluate)
        if "fit" in vars(cls):
            cls.fit = _recording_fit(cls.fit)


def _to_float(value):
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _recording_evaluate(real):
    @functools.wraps(real)
    def evaluate(self, *args, **kwargs):
        result = real(self, *args, **kwargs)
        if _inside_fit[0]:
            return result
        if isinstance(result, dict):
            names, values = list(result), list(result.values())
        else:
            values = list(result) if isinstance(result, (list, tuple)) else [result]
            names = ["loss", *list(getattr(self, "metric_names", []) or [])][: len(values)]
        RECORD["evaluate"].append({"names": names, "values": [_to_float(v) for v in values]})
        return result

    return evaluate


def _recording_fit(real):
    @functools.wraps(real)
    def fit(self, *args, **kwargs):
        _inside_fit[0] += 1
        try:
            history = real(self, *args, **kwargs)
        finally:
            _inside_fit[0] -= 1
        logs = getattr(history, "history", {}) or {}
        RECORD["history"].append({k: [_to_float(v) for v in vs] for k, vs in logs.items()})
        return history

    return fit


def main(program: str, results: str) -> None:
    sys.path.insert(0, str(HERE))
    if os.environ.get("SCRATCHNET_TEST_DATA"):
        _patch_loaders()
    _patch_recording()
    from scratchnet.utils import set_random_seed

    set_random_seed(0)
    atexit.register(lambda: Path(results).write_text(json.dumps(RECORD)))
    sys.argv = [program]
    runpy.run_path(program, run_name="__main__")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])

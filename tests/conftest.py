"""Shared fixtures for the engine tests.

``real_data`` reads small slices of Fashion-MNIST straight from the gz IDX files in ``$SCRATCHNET_TEST_DATA``
(CI points it at ``../shared/data``). It reads the files itself, with gzip and NumPy, so the engine's tests do not
depend on ``scratchnet.datasets``. Without the variable, tests that need real data are skipped, saying why; with
it set but the files missing, they fail: that is a broken CI set-up, not a reason to skip.

``numeric_gradient`` is the centred-difference helper the tests use as their own reference, independent of
``scratchnet.gradcheck`` (which is itself under test).
"""

from __future__ import annotations

import gzip
import math
import os
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
from hypothesis import settings

# `make test` is deterministic everywhere: hypothesis draws the same examples on every run, so a change passes or
# fails on its own merits and not on the luck of the draw. To hunt for new failing examples, run with
# SCRATCHNET_HYPOTHESIS=explore (fresh random examples each run, more of them).
settings.register_profile("deterministic", derandomize=True, print_blob=True)
settings.register_profile("explore", max_examples=200, print_blob=True)
settings.load_profile(os.environ.get("SCRATCHNET_HYPOTHESIS", "deterministic"))

# tests/corpus/ holds public Keras programs (test data for scratchnet.port, run by test_corpus.py), not tests.
collect_ignore = ["corpus"]

N_TRAIN = 6000
N_TEST = 1000

_IDX_UBYTE = 0x08


def _read_idx(path: Path, count: int) -> np.ndarray:
    """The first ``count`` items of a gzipped IDX file of unsigned bytes (images or labels)."""
    with gzip.open(path, "rb") as f:
        magic = int.from_bytes(f.read(4), "big")
        dtype_code, ndim = (magic >> 8) & 0xFF, magic & 0xFF
        if magic >> 16 != 0 or dtype_code != _IDX_UBYTE or ndim not in (1, 3):
            raise ValueError(f"{path} is not an IDX file of unsigned bytes. Received: magic number {magic:#010x}.")
        dims = [int.from_bytes(f.read(4), "big") for _ in range(ndim)]
        if count > dims[0]:
            raise ValueError(f"{path} holds {dims[0]} items. Received: a request for {count}.")
        item_size = math.prod(dims[1:])
        # Read only the bytes we need: gzip decompresses just the start of the file.
        data = f.read(count * item_size)
    return np.frombuffer(data, dtype=np.uint8).reshape(count, *dims[1:])


@pytest.fixture(scope="session")
def real_data() -> SimpleNamespace:
    """The first 6,000 Fashion-MNIST training and 1,000 test examples, as uint8 images (N, 28, 28) and labels (N,).

    Skipped when ``SCRATCHNET_TEST_DATA`` is unset. The arrays are read-only, so no test can change them for
    the next one.
    """
    root = os.environ.get("SCRATCHNET_TEST_DATA")
    if not root:
        pytest.skip(
            "SCRATCHNET_TEST_DATA is not set: point it at a folder holding fashion-mnist/*-ubyte.gz "
            "(CI sets it to ../shared/data) to run the tests on real data."
        )
    folder = Path(root) / "fashion-mnist"
    data = SimpleNamespace(
        x_train=_read_idx(folder / "train-images-idx3-ubyte.gz", N_TRAIN),
        y_train=_read_idx(folder / "train-labels-idx1-ubyte.gz", N_TRAIN),
        x_test=_read_idx(folder / "t10k-images-idx3-ubyte.gz", N_TEST),
        y_test=_read_idx(folder / "t10k-labels-idx1-ubyte.gz", N_TEST),
    )
    for array in vars(data).values():
        array.flags.writeable = False
    return data


def _numeric_gradient(f, x: np.ndarray, eps: float = 1e-6) -> np.ndarray:
    """Centred differences of the scalar ``f(x)`` with respect to every entry of the float64 array ``x``.

    ``x`` is perturbed in place and restored; the result has the shape of ``x``.
    """
    assert x.dtype == np.float64, "finite differences need float64"
    grad = np.empty_like(x)
    flat, out = x.reshape(-1), grad.reshape(-1)
    for i in range(flat.size):
        old = flat[i]
        flat[i] = old + eps
        plus = f(x)
        flat[i] = old - eps
        minus = f(x)
        flat[i] = old
        out[i] = (plus - minus) / (2 * eps)
    return grad


@pytest.fixture(scope="session")
def numeric_gradient():
    """``numeric_gradient(f, x, eps=1e-6)``: centred differences of scalar ``f(x)`` for every entry of ``x``."""
    return _numeric_gradient


def rel_error(a: np.ndarray, b: np.ndarray) -> float:
    """||a - b|| / (||a|| + ||b||), 0 when both are zero."""
    denom = np.linalg.norm(a) + np.linalg.norm(b)
    return 0.0 if denom == 0 else float(np.linalg.norm(a - b) / denom)


@pytest.fixture(scope="session")
def relative_error():
    """``relative_error(a, b)`` = ||a - b|| / (||a|| + ||b||): ~1e-9 for a correct gradient, ~1e-2 for a wrong one."""
    return rel_error


# --- figures: for the tests that draw (opt in with pytestmark = pytest.mark.usefixtures(...)) ----------------------
@pytest.fixture(scope="module")
def agg_backend():
    """Draw with Agg whatever the machine has: no windows, and the same pixels everywhere."""
    import matplotlib.pyplot as plt  # here, not at the top: most tests never draw

    original = plt.get_backend()
    plt.switch_backend("agg")
    yield
    plt.switch_backend(original)


@pytest.fixture
def close_new_figures():
    """Close the figures a test opened, so hundreds of tests do not pile them up."""
    import matplotlib.pyplot as plt

    before = set(plt.get_fignums())
    yield
    for num in set(plt.get_fignums()) - before:
        plt.close(num)

"""mnist.load_data(path=...): Keras's argument. An existing Keras-style mnist.npz there is read; otherwise the
argument is ignored and the files are found as usual (here: nowhere, offline, so the usual clear error)."""

from __future__ import annotations

import numpy as np
import pytest

from scratchnet.datasets import DatasetError, mnist
from scratchnet.datasets.errors import DataFormatError


def _npz(tmp_path, **overrides):
    rng = np.random.default_rng(0)
    arrays = {
        "x_train": rng.integers(0, 256, (5, 28, 28), dtype=np.uint8),
        "y_train": rng.integers(0, 10, 5, dtype=np.uint8),
        "x_test": rng.integers(0, 256, (3, 28, 28), dtype=np.uint8),
        "y_test": rng.integers(0, 10, 3, dtype=np.uint8),
    }
    arrays.update(overrides)
    path = tmp_path / "mnist.npz"
    np.savez(path, **arrays)
    return path, arrays


def test_an_existing_keras_npz_is_read(tmp_path):
    path, arrays = _npz(tmp_path)
    (x_train, y_train), (x_test, y_test) = mnist.load_data(path=str(path))
    np.testing.assert_array_equal(x_train, arrays["x_train"])
    np.testing.assert_array_equal(y_test, arrays["y_test"])
    assert x_train.flags.writeable and y_train.dtype == np.uint8 and x_test.shape == (3, 28, 28)


def test_an_npz_that_is_not_mnist_is_a_clear_error(tmp_path):
    path, _ = _npz(tmp_path, x_train=np.zeros((5, 32, 32), np.uint8))
    with pytest.raises(DataFormatError, match=r"x_train must be \(N, 28, 28\) images"):
        mnist.load_data(path=path)
    (tmp_path / "bad.npz").write_bytes(b"not a zip")
    with pytest.raises(DataFormatError, match=r"expected an \.npz file with arrays x_train"):
        mnist.load_data(path=tmp_path / "bad.npz")


def test_a_path_that_does_not_exist_falls_back_to_the_usual_places(tmp_path, monkeypatch):
    monkeypatch.setenv("SCRATCHNET_OFFLINE", "1")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("SCRATCHNET_DATA_DIR", raising=False)
    monkeypatch.setattr(mnist, "SYSTEM_DIRS", ())
    with pytest.raises(DatasetError):  # the normal "not available offline" error, not a TypeError about path
        mnist.load_data(data_dir=tmp_path / "empty", path=str(tmp_path / "data" / "mnist.npz"), verbose=0)

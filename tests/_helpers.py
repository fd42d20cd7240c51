"""Small models and data the tests share (imported as ``from _helpers import ...``; pytest puts tests/ on the path)."""

from __future__ import annotations

import math

import numpy as np
import pytest

import scratchnet as sn
from scratchnet import layers, nn


def blobs(n=256, d=8, c=4, seed=0, spread=1.0):
    """A classification problem: c Gaussian clusters in d dimensions. Returns float32 x (n, d), int labels (n,)."""
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((c, d))
    y = rng.integers(0, c, n)
    return (centres[y] + spread * rng.standard_normal((n, d))).astype(np.float32), y


def classifier(d=8, c=4, hidden=16, seed=0, dtype="float32", **kwargs):
    """Dense(hidden, relu) -> Dense(c, softmax) on d features, built."""
    return sn.Sequential(
        [layers.Dense(hidden, activation="relu", input_shape=(d,)), layers.Dense(c, activation="softmax")],
        seed=seed,
        dtype=dtype,
        **kwargs,
    )


def mnist_model(seed=0, **flatten_kwargs):
    """The exercise model: Flatten -> Dense(128, relu) -> Dense(10, softmax)."""
    return sn.Sequential(
        [
            layers.Flatten(**flatten_kwargs),
            layers.Dense(128, activation=nn.relu),
            layers.Dense(10, activation=nn.softmax),
        ],
        seed=seed,
    )


def compiled(model, loss="sparse_categorical_crossentropy", metrics=None):
    model.compile(optimizer="adam", loss=loss, metrics=metrics)
    return model


def images(n=8, seed=0):
    """n random 28×28 images in [0, 1) and labels in [0, 10)."""
    rng = np.random.default_rng(seed)
    return rng.random((n, 28, 28)), rng.integers(0, 10, n)


def raised(exc_type, fn, *args, **kwargs) -> str:
    """The message of the ``exc_type`` that ``fn(*args, **kwargs)`` raises (the test fails if it raises none)."""
    with pytest.raises(exc_type) as info:
        fn(*args, **kwargs)
    return str(info.value)


def built(layer, input_shape, dtype="float64", seed=0):
    """``layer`` built for inputs of ``input_shape`` (no batch axis), float64 by default: ready to check."""
    layer.build(input_shape, np.random.default_rng(seed), dtype)
    return layer


def tf_same_pads(size: int, k: int, s: int) -> tuple[int, int]:
    """TensorFlow's 'same' padding (before, after), written out here independently of the library."""
    out = math.ceil(size / s)
    total = max((out - 1) * s + k - size, 0)
    return total // 2, total - total // 2

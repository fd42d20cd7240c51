"""Keras's gradient clipping on every optimizer (clipvalue, clipnorm, global_clipnorm), and layer.variables."""

from __future__ import annotations

import numpy as np
import pytest
from _helpers import blobs, classifier

import scratchnet as sn


def test_clipping_rules():
    g = [np.array([3.0, -4.0]), np.array([0.5])]
    sgd = sn.optimizers.SGD(1.0, clipvalue=1.0)
    np.testing.assert_array_equal(sgd.clip(g)[0], [1.0, -1.0])
    sgd = sn.optimizers.SGD(1.0, clipnorm=1.0)
    np.testing.assert_allclose(sgd.clip(g)[0], [0.6, -0.8])  # norm 5 -> 1
    np.testing.assert_allclose(sgd.clip(g)[1], [0.5])  # each array on its own: this one is under 1
    adam = sn.optimizers.Adam(global_clipnorm=1.0)
    total = np.sqrt(25 + 0.25)
    np.testing.assert_allclose(adam.clip(g)[1], [0.5 / total])
    assert sgd.get_config()["clipnorm"] == 1.0
    with pytest.raises(ValueError, match="clipnorm"):
        sn.optimizers.SGD(clipnorm=-1.0)


@pytest.mark.parametrize("kwargs", [{"clipnorm": 0.01}, {"clipvalue": 0.001}, {"global_clipnorm": 0.01}])
def test_a_clipped_step_is_small_on_both_paths(kwargs):
    x, y = blobs(n=32)
    changes = []
    for fast in (True, False):
        model = classifier(dtype="float64")
        model.compile(optimizer=sn.optimizers.SGD(1.0, **kwargs), loss="sparse_categorical_crossentropy")
        before = model.get_weights()
        if fast:
            model.train_on_batch(x, y)
        else:
            with sn.speed.disabled():
                model.train_on_batch(x, y)
        changes.append([w - b for w, b in zip(model.get_weights(), before, strict=True)])
    for a, b in zip(*changes, strict=True):
        np.testing.assert_allclose(a, b, atol=1e-12)
    if "clipnorm" in kwargs:
        assert all(np.linalg.norm(d) <= 0.01 + 1e-12 for d in changes[0])


def test_layer_variables_name_trainability():
    bn = sn.layers.BatchNormalization()
    bn(np.ones((2, 3)))
    assert [(v.name, v.trainable) for v in bn.variables] == [
        ("gamma", True),
        ("beta", True),
        ("moving_mean", False),
        ("moving_variance", False),
    ]
    assert bn.variables[2].path == f"{bn.name}/moving_mean" and bn.variables[0].numpy().shape == (3,)

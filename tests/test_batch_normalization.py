"""BatchNormalization and LayerNormalization: batch vs moving statistics, the one-line backward checked by finite
differences in float64, Keras's weights and their order, non-trainable weights left alone by the optimizer but
counted, saved and loaded; a Dense -> BatchNormalization -> relu model trains."""

from __future__ import annotations

import numpy as np
import pytest
from _helpers import blobs
from hypothesis import given, settings
from hypothesis import strategies as st

import scratchnet as sn
from scratchnet import gradcheck
from scratchnet.layers import BatchNormalization, Dense, LayerNormalization


def _x(seed, shape):
    rng = np.random.default_rng(seed)
    return rng.normal(size=shape) * rng.uniform(0.5, 3.0, shape[-1]) + rng.uniform(-2, 2, shape[-1])


shapes = st.one_of(
    st.tuples(st.integers(2, 6), st.integers(1, 5)),  # after a Dense: (N, D)
    st.tuples(st.integers(1, 3), st.integers(1, 3), st.integers(1, 3), st.integers(1, 4)),  # after a Conv2D
)


@settings(max_examples=25, deadline=None)
@given(shape=shapes, training=st.booleans(), center=st.booleans(), scale=st.booleans(), seed=st.integers(0, 999))
def test_batch_normalization_backward_matches_finite_differences(shape, training, center, scale, seed):
    if training and np.prod(shape[:-1]) < 2:
        shape = (2, *shape[1:])  # one value per feature has variance 0: xhat is 0 whatever x, a flat function
    layer = BatchNormalization(center=center, scale=scale, gamma_initializer="random_normal")
    # dx is a difference of nearly equal terms (each dx of a feature sums to 0): the cancellation costs a digit.
    report = gradcheck.check_layer(layer, _x(seed, shape), training=training, seed=seed, tolerance=1e-5)
    assert report.passed, report


@settings(max_examples=20, deadline=None)
@given(shape=shapes, seed=st.integers(0, 999))
def test_layer_normalization_backward_matches_finite_differences(shape, seed):
    if shape[-1] < 2:
        shape = (*shape[:-1], 2)
    layer = LayerNormalization(beta_initializer="random_normal")
    report = gradcheck.check_layer(layer, _x(seed, shape), seed=seed, tolerance=1e-5)
    assert report.passed, report


def test_batch_normalization_on_a_batch_matches_the_formula_and_updates_the_moving_statistics():
    x = _x(0, (8, 3)).astype(np.float32)
    bn = BatchNormalization(momentum=0.9)
    y = bn(x, training=True)
    assert y.dtype == np.float32
    np.testing.assert_allclose(y, (x - x.mean(0)) / np.sqrt(x.var(0) + 1e-3), rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(bn.params["moving_mean"], 0.1 * x.mean(0), rtol=1e-5)
    np.testing.assert_allclose(bn.params["moving_variance"], 0.9 + 0.1 * x.var(0), rtol=1e-5)  # biased var
    # Inference: the moving statistics, not the batch's.
    mm, mv = bn.params["moving_mean"].copy(), bn.params["moving_variance"].copy()
    np.testing.assert_allclose(bn(x), (x - mm) / np.sqrt(mv + 1e-3), rtol=1e-4, atol=1e-5)
    np.testing.assert_array_equal(bn.params["moving_mean"], mm)  # inference changes nothing


def test_batch_normalization_after_a_conv_normalizes_each_channel_over_batch_and_positions():
    x = _x(1, (4, 5, 5, 3))
    y = BatchNormalization(dtype="float64")(x, training=True)
    np.testing.assert_allclose(y.mean(axis=(0, 1, 2)), 0, atol=1e-10)
    np.testing.assert_allclose(y.var(axis=(0, 1, 2)), x.var(axis=(0, 1, 2)) / (x.var(axis=(0, 1, 2)) + 1e-3))


def test_layer_normalization_normalizes_each_example():
    x = _x(2, (4, 6))
    y = LayerNormalization(dtype="float64")(x)
    np.testing.assert_allclose(y.mean(axis=-1), 0, atol=1e-10)
    assert not np.allclose(y.mean(axis=0), 0)


def _bn_model(seed=0):
    return sn.Sequential(
        [Dense(16, input_shape=(8,)), BatchNormalization(), sn.layers.Activation("relu"), Dense(4, "softmax")],
        seed=seed,
    )


def test_weights_in_keras_order_non_trainable_counted_and_left_alone_by_the_optimizer(tmp_path):
    model = _bn_model()
    bn = model.layers[1]
    assert list(bn.params) == ["gamma", "beta", "moving_mean", "moving_variance"]
    assert [w.shape for w in model.get_weights()] == [(8, 16), (16,), (16,), (16,), (16,), (16,), (16, 4), (4,)]
    assert len(model.trainable_weights) == 6 and len(model.non_trainable_weights) == 2
    assert model.count_params() == 8 * 16 + 16 + 4 * 16 + 16 * 4 + 4
    lines = []
    model.summary(print_fn=lines.append)
    assert "Trainable params: 244 " in "\n".join(lines) and "Non-trainable params: 32 " in "\n".join(lines)
    assert set(bn.grads) == {"gamma", "beta"}

    x, y = blobs(n=128, d=8, c=4)
    model.compile(optimizer=sn.optimizers.Adam(0.02), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    history = model.fit(x, y, epochs=10, batch_size=32, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]
    assert history.history["accuracy"][-1] > 0.8
    # Moving statistics follow the data (the optimizer never saw them; the forward updated them).
    h = x @ model.layers[0].params["W"] + model.layers[0].params["b"]
    assert np.corrcoef(bn.params["moving_mean"], h.mean(0))[0, 1] > 0.9
    assert len(model.optimizer.state_arrays()) > 0

    path = tmp_path / "bn.npz"
    model.save(path)
    loaded = sn.models.load_model(path)
    for a, b in zip(model.get_weights(), loaded.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0))
    other = _bn_model(seed=1)
    other.set_weights(model.get_weights())
    np.testing.assert_array_equal(other.layers[1].params["moving_variance"], bn.params["moving_variance"])


def test_speed_path_and_plain_path_agree_with_batch_normalization():
    x, y = blobs(n=64, d=8, c=4)
    results = []
    for fast in (True, False):
        model = sn.Sequential(
            [Dense(16, input_shape=(8,)), BatchNormalization(), sn.layers.Activation("relu"), Dense(4, "softmax")],
            seed=0,
            dtype="float64",
        )
        model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
        if fast:
            model.fit(x, y, epochs=2, batch_size=16, verbose=0)
        else:
            with sn.speed.disabled():
                model.fit(x, y, epochs=2, batch_size=16, verbose=0)
        results.append(model.get_weights())
    for a, b in zip(*results, strict=True):
        np.testing.assert_allclose(a, b, atol=1e-10)


def test_whole_model_gradients_through_fit_path():
    x, y = blobs(n=16, d=8, c=4)
    # A bias before BatchNormalization has a gradient of exactly 0 (the batch mean subtracts it again), which a
    # relative error cannot compare: hence use_bias=False, as the BatchNormalization papers and courses advise.
    model = sn.Sequential(
        [
            Dense(6, use_bias=False, input_shape=(8,)),
            BatchNormalization(),
            sn.layers.Activation("tanh"),
            Dense(4, "softmax"),
        ],
        seed=0,
        dtype="float64",
    )
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    report = gradcheck.check_model(model, x.astype(np.float64), y)
    assert report.passed, report
    assert [c.name for c in report.checks] == model.trainable_weight_names


def test_explain_and_layer_stats_run_on_batch_normalization():
    x, y = blobs(n=32, d=8, c=4)
    model = _bn_model()
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    lines = []
    model.explain(x[:2], y[:2], print_fn=lines.append)
    assert any("BatchNormalization" in line or "batch_normalization" in line for line in lines)
    from scratchnet.callbacks import LayerStats

    stats = LayerStats(x, y)
    model.fit(x, y, epochs=1, verbose=0, callbacks=[stats])
    assert f"{model.layers[1].name}/gamma" in stats.stats["grad_norm"]
    assert f"{model.layers[1].name}/moving_mean" not in stats.stats["grad_norm"]


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"axis": "x"}, "axis"),
        ({"momentum": 1.5}, "momentum"),
        ({"epsilon": 0}, "epsilon"),
        ({"gamma_initializer": "nope"}, "initializer"),
    ],
)
def test_bad_arguments_say_which(kwargs, words):
    with pytest.raises((ValueError, TypeError), match=words):
        BatchNormalization(**kwargs)


def test_bad_axis_and_shape_are_clear():
    with pytest.raises(ValueError, match="feature axis"):
        BatchNormalization(axis=0)(np.ones((2, 3)))
    bn = BatchNormalization()
    bn(np.ones((2, 3)))
    with pytest.raises(ValueError, match=r"Received: x.shape=\(2, 4\)"):
        bn(np.ones((2, 4)))

"""The activations of the later lessons (scratchnet/nn.py: selu, elu, gelu, silu/swish, leaky_relu, softplus,
softsign, hard_sigmoid, exponential), the layers LeakyReLU, ELU, PReLU, and the initializers of Keras
(functions and seeded classes): gradients in float64 against finite differences, values against the formulas."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import scratchnet as sn
from scratchnet import gradcheck, initializers, nn
from scratchnet.layers import ELU, Activation, Dense, LeakyReLU, PReLU

NEW = ["elu", "selu", "leaky_relu", "softplus", "softsign", "hard_sigmoid", "exponential", "gelu", "silu", "swish"]


def _away_from_kinks(seed, shape, kinks=(0.0, -3.0, 3.0)):
    x = np.random.default_rng(seed).normal(size=shape) * 2
    for k in kinks:
        near = np.abs(x - k) < 0.05
        x[near] += 0.2
    return x


@settings(max_examples=20, deadline=None)
@given(name=st.sampled_from(NEW), n=st.integers(1, 4), d=st.integers(1, 5), seed=st.integers(0, 999))
def test_activation_backward_matches_finite_differences(name, n, d, seed):
    report = gradcheck.check_layer(Activation(name), _away_from_kinks(seed, (n, d)), seed=seed)
    assert report.passed, report


@pytest.mark.parametrize("name", NEW)
def test_activation_keeps_float32_and_matches_its_formula(name):
    x = np.linspace(-4, 4, 17).astype(np.float32)
    y = nn.ACTIVATIONS[name][0](x)
    assert y.dtype == np.float32
    x64 = x.astype(np.float64)
    sig = 1 / (1 + np.exp(-x64))
    expected = {
        "elu": np.where(x64 > 0, x64, np.exp(x64) - 1),
        "selu": 1.0507009873554805 * np.where(x64 > 0, x64, 1.6732632423543772 * (np.exp(x64) - 1)),
        "leaky_relu": np.where(x64 > 0, x64, 0.2 * x64),
        "softplus": np.log(1 + np.exp(x64)),
        "softsign": x64 / (1 + np.abs(x64)),
        "hard_sigmoid": np.clip((x64 + 3) / 6, 0, 1),
        "exponential": np.exp(x64),
        "gelu": x64 * 0.5 * (1 + np.array([math.erf(v / math.sqrt(2)) for v in x64])),
        "silu": x64 * sig,
        "swish": x64 * sig,
    }[name]
    np.testing.assert_allclose(y, expected, rtol=1e-5, atol=1e-6)


def test_softplus_and_elu_do_not_overflow():
    x = np.array([-1000.0, 1000.0])
    assert np.isfinite(nn.softplus(x)).all() and np.isfinite(nn.elu(x)).all()
    np.testing.assert_allclose(nn.gelu(np.array([1.0]), approximate=True), [0.841192], rtol=1e-5)


@pytest.mark.parametrize(
    "layer",
    [LeakyReLU, lambda: LeakyReLU(alpha=0.1), lambda: ELU(0.5), lambda: PReLU(alpha_initializer="random_normal")],
)
def test_activation_layers_backward(layer):
    report = gradcheck.check_layer(layer(), _away_from_kinks(0, (4, 3, 2)))
    assert report.passed, report


def test_prelu_shared_axes_give_one_slope_per_channel_and_train():
    layer = PReLU(shared_axes=[1, 2], alpha_initializer="random_normal")
    x = _away_from_kinks(1, (2, 4, 4, 3))
    layer.build(x.shape[1:], np.random.default_rng(0), np.float64)
    assert layer.params["alpha"].shape == (1, 1, 3)
    assert gradcheck.check_layer(layer, x).passed
    assert LeakyReLU().negative_slope == 0.3  # Keras's layer default (the function's is 0.2)
    with pytest.raises(ValueError, match="shared_axes"):
        PReLU(shared_axes=[3])(np.ones((2, 4)))


def test_a_model_with_the_new_activations_trains_saves_and_loads(tmp_path):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(64, 3)).astype(np.float32)
    y = (x[:, :1] * 2 - x[:, 1:2]).astype(np.float32)
    model = sn.Sequential(
        [
            Dense(16, activation="selu", kernel_initializer="lecun_normal", input_shape=(3,)),
            PReLU(),
            Dense(8, activation="gelu", kernel_initializer=initializers.HeNormal(seed=3)),
            LeakyReLU(),
            Dense(1),
        ],
        seed=0,
    )
    model.compile(optimizer=sn.optimizers.Adam(0.01), loss="mse")
    history = model.fit(x, y, epochs=20, verbose=0)
    assert history.history["loss"][-1] < 0.5 * history.history["loss"][0]
    path = tmp_path / "m.npz"
    model.save(path)
    np.testing.assert_allclose(sn.models.load_model(path).predict(x, verbose=0), model.predict(x, verbose=0))
    lines = []
    model.explain(x[:2], y[:2], print_fn=lines.append)
    assert any("selu" in line for line in lines)


def test_unknown_activation_lists_the_new_ones():
    with pytest.raises(ValueError, match="'selu'"):
        Activation("selo")


@pytest.mark.parametrize(
    ("name", "std"),
    [("he_normal", math.sqrt(2 / 400)), ("lecun_normal", math.sqrt(1 / 400)), ("glorot_normal", math.sqrt(2 / 500))],
)
def test_normal_initializers_have_keras_variance(name, std):
    w = initializers.get(name)((400, 100), np.random.default_rng(0), np.float64)
    assert abs(w.std() - std) < 0.03 * std and np.abs(w).max() <= 2 * std / 0.8796 + 1e-12


@pytest.mark.parametrize(("name", "limit"), [("he_uniform", math.sqrt(6 / 400)), ("lecun_uniform", math.sqrt(3 / 400))])
def test_uniform_initializers_have_keras_limits(name, limit):
    w = initializers.get(name)((400, 100), np.random.default_rng(0), np.float32)
    assert w.dtype == np.float32 and np.abs(w).max() <= limit and np.abs(w).max() > 0.95 * limit


def test_orthogonal_random_constant_and_seeded_classes():
    q = initializers.get("orthogonal")((6, 4), np.random.default_rng(0), np.float64)
    np.testing.assert_allclose(q.T @ q, np.eye(4), atol=1e-12)
    q = initializers.Orthogonal(gain=2.0)((3, 5), dtype="float64")
    np.testing.assert_allclose(q @ q.T, 4 * np.eye(3), atol=1e-12)
    a = initializers.HeNormal(seed=7)((5, 5))
    np.testing.assert_array_equal(a, initializers.HeNormal(seed=7)((5, 5)))  # a seed: the same draw each call
    assert not np.array_equal(a, initializers.HeNormal(seed=8)((5, 5)))
    np.testing.assert_array_equal(initializers.Constant(0.5)((2,)), [0.5, 0.5])
    w = initializers.RandomUniform(-1.0, 1.0, seed=0)((1000,), dtype="float64")
    assert w.min() < -0.9 and w.max() > 0.9
    w = initializers.TruncatedNormal(stddev=1.0, seed=0)((10000,), dtype="float64")
    assert np.abs(w).max() <= 2.0
    with pytest.raises(TypeError, match="does not take"):
        initializers.RandomNormal(sd=1.0)

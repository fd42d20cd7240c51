"""Layers: gradient checks in float64, a Dense reference formula, and the layer contract (no mutation, dtype kept,
gradients overwritten in place, Dropout's mask)."""

import math

import numpy as np
import pytest
from _helpers import built, raised
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from scratchnet import gradcheck, initializers, layers, nn

ACTIVATIONS = ["linear", "relu", "sigmoid", "tanh", "softmax"]
seeds = st.integers(0, 2**32 - 1)


def away_from_zero(x: np.ndarray, margin: float = 0.1) -> np.ndarray:
    return np.where(x >= 0, x + margin, x - margin)


# --- gradient checks (float64, random upstream gradient) ------------------------------------------------------------
@pytest.mark.parametrize("use_bias", [True, False])
@pytest.mark.parametrize("activation", ACTIVATIONS)
@settings(max_examples=8, deadline=None)
@given(n=st.integers(1, 4), d=st.integers(1, 5), m=st.integers(1, 4), seed=seeds)
def test_dense_passes_gradcheck(activation, use_bias, n, d, m, seed):
    rng = np.random.default_rng(seed)
    layer = built(layers.Dense(m, activation=activation, use_bias=use_bias), (d,), seed=seed)
    if use_bias:
        layer.params["b"][...] = rng.standard_normal(m)  # a zero bias would leave b's gradient check trivial
    x = rng.standard_normal((n, d))
    if activation == "relu":
        z = x @ layer.params["W"] + (layer.params["b"] if use_bias else 0)
        assume(np.abs(z).min() > 1e-3)  # keep every unit away from ReLU's kink

    report = gradcheck.check_layer(layer, x, max_checks=None, seed=seed)

    assert report.passed, str(report)
    assert [c.name for c in report.checks] == (["x", "W", "b"] if use_bias else ["x", "W"])
    assert all(c.checked == math.prod(c.shape) for c in report.checks)


PARAMETERLESS = {
    "Flatten": lambda: layers.Flatten(),
    "ReLU": lambda: layers.ReLU(),
    "Sigmoid": lambda: layers.Sigmoid(),
    "Tanh": lambda: layers.Tanh(),
    "Softmax": lambda: layers.Softmax(),
    "Activation(relu)": lambda: layers.Activation("relu"),
    "Activation(sigmoid)": lambda: layers.Activation("sigmoid"),
    "Activation(tanh)": lambda: layers.Activation(nn.tanh),
    "Activation(softmax)": lambda: layers.Activation("softmax"),
    "Activation(linear)": lambda: layers.Activation("linear"),
}


@pytest.mark.parametrize("name", sorted(PARAMETERLESS))
@settings(max_examples=8, deadline=None)
@given(n=st.integers(1, 4), d=st.integers(1, 5), seed=seeds)
def test_parameterless_layers_pass_gradcheck(name, n, d, seed):
    rng = np.random.default_rng(seed)
    shape = (n, 2, d) if name == "Flatten" else (n, d)
    x = away_from_zero(rng.standard_normal(shape))
    report = gradcheck.check_layer(PARAMETERLESS[name](), x, max_checks=None, seed=seed)
    assert report.passed, str(report)
    assert [c.name for c in report.checks] == ["x"]


@settings(max_examples=10, deadline=None)
@given(n=st.integers(2, 5), d=st.integers(2, 6), rate=st.sampled_from([0.2, 0.5, 0.8]), seed=seeds)
def test_dropout_in_training_passes_gradcheck(n, d, rate, seed):
    x = np.random.default_rng(seed).standard_normal((n, d))
    report = gradcheck.check_layer(layers.Dropout(rate, seed=seed), x, training=True, max_checks=None, seed=seed)
    assert report.passed, str(report)


# --- Dense against the formula, written out ---------------------------------------------------------------------------
@pytest.mark.parametrize("activation", ["linear", "tanh"])
@settings(max_examples=15, deadline=None)
@given(n=st.integers(1, 4), d=st.integers(1, 5), m=st.integers(1, 4), seed=seeds)
def test_dense_forward_and_backward_match_the_formula(activation, n, d, m, seed):
    rng = np.random.default_rng(seed)
    layer = built(layers.Dense(m, activation=activation), (d,), seed=seed)
    W, b = layer.params["W"], layer.params["b"]
    b[...] = rng.standard_normal(m)
    x, dy = rng.standard_normal((n, d)), rng.standard_normal((n, m))

    # z[n, m] = sum_d x[n, d] W[d, m] + b[m], written as an explicit sum rather than a matmul.
    z = np.einsum("nd,dm->nm", x, W) + b
    expected_y = np.tanh(z) if activation == "tanh" else z
    dz = dy * (1 - expected_y**2) if activation == "tanh" else dy
    expected_dW = np.einsum("nd,nm->dm", x, dz)
    expected_db = np.einsum("nm->m", dz)
    expected_dx = np.einsum("nm,dm->nd", dz, W)

    np.testing.assert_allclose(layer.forward(x), expected_y, rtol=1e-12, atol=1e-12)
    dx = layer.backward(dy)
    np.testing.assert_allclose(dx, expected_dx, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(layer.grads["W"], expected_dW, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(layer.grads["b"], expected_db, rtol=1e-12, atol=1e-12)


def test_dense_kernel_is_shaped_in_out_and_aliased():
    layer = built(layers.Dense(3), (5,))
    assert layer.kernel is layer.params["W"]
    assert layer.bias is layer.params["b"]
    assert layer.kernel.shape == (5, 3) and layer.bias.shape == (3,)
    assert layer.count_params() == 5 * 3 + 3
    no_bias = built(layers.Dense(3, use_bias=False), (5,))
    assert no_bias.bias is None and list(no_bias.params) == ["W"] and list(no_bias.grads) == ["W"]


def test_dense_without_needs_input_grad_returns_none_but_fills_grads():
    rng = np.random.default_rng(0)
    x, dy = rng.standard_normal((4, 5)), rng.standard_normal((4, 3))
    full = built(layers.Dense(3, activation="tanh"), (5,), seed=1)
    partial = built(layers.Dense(3, activation="tanh"), (5,), seed=1)
    partial.needs_input_grad = False
    full.forward(x)
    partial.forward(x)
    assert full.backward(dy) is not None
    assert partial.backward(dy) is None
    for key in ("W", "b"):
        np.testing.assert_array_equal(partial.grads[key], full.grads[key])
        assert np.any(partial.grads[key] != 0)


def test_dense_backward_linear_fed_the_softmax_dz_equals_the_chained_backward():
    # backward_linear(dz) starts below the softmax; fed the softmax's own dz it must agree with backward(dy).
    rng = np.random.default_rng(0)
    x, dy = rng.standard_normal((4, 5)), rng.standard_normal((4, 3))
    layer = built(layers.Dense(3, activation="softmax"), (5,))
    y = layer.forward(x)
    dx_chained = layer.backward(dy)
    dW_chained = layer.grads["W"].copy()
    dx_fused = layer.backward_linear(nn.softmax_backward(dy, y))
    np.testing.assert_allclose(dx_fused, dx_chained, rtol=1e-12)
    np.testing.assert_allclose(layer.grads["W"], dW_chained, rtol=1e-12)


def test_gradients_are_overwritten_in_place_not_accumulated():
    rng = np.random.default_rng(0)
    x, dy = rng.standard_normal((4, 5)), rng.standard_normal((4, 3))
    layer = built(layers.Dense(3), (5,))
    dW, db = layer.grads["W"], layer.grads["b"]
    layer.forward(x)
    layer.backward(dy)
    first = dW.copy()
    layer.forward(x)
    layer.backward(dy)
    assert layer.grads["W"] is dW and layer.grads["b"] is db  # the same arrays, written into
    np.testing.assert_array_equal(dW, first)  # not 2 * first


# --- the contract: no mutation, dtype kept ----------------------------------------------------------------------------
LAYER_FACTORIES = {
    **{f"Dense({a})": (lambda a=a: layers.Dense(3, activation=a)) for a in ACTIVATIONS},
    **PARAMETERLESS,
    "Dropout": lambda: layers.Dropout(0.5, seed=0),
}


def _input_for(name, rng, dtype):
    shape = (4, 2, 3) if name == "Flatten" else (4, 6)
    return away_from_zero(rng.standard_normal(shape)).astype(dtype)


@pytest.mark.parametrize("training", [False, True])
@pytest.mark.parametrize("name", sorted(LAYER_FACTORIES))
def test_forward_and_backward_do_not_mutate_x_or_dy(name, training):
    rng = np.random.default_rng(0)
    x = _input_for(name, rng, np.float64)
    layer = built(LAYER_FACTORIES[name](), x.shape[1:])
    x_before = x.copy()
    y = layer.forward(x, training=training)
    dy = rng.standard_normal(y.shape)
    dy_before = dy.copy()
    layer.backward(dy)
    np.testing.assert_array_equal(x, x_before)
    np.testing.assert_array_equal(dy, dy_before)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name", sorted(LAYER_FACTORIES))
def test_outputs_gradients_and_parameters_keep_the_dtype(name, dtype):
    rng = np.random.default_rng(0)
    x = _input_for(name, rng, dtype)
    layer = built(LAYER_FACTORIES[name](), x.shape[1:], dtype=dtype)
    y = layer.forward(x, training=True)
    dx = layer.backward(rng.standard_normal(y.shape).astype(dtype))
    assert y.dtype == dtype
    assert dx.dtype == dtype
    for key in layer.params:
        assert layer.params[key].dtype == dtype
        assert layer.grads[key].dtype == dtype


def test_calling_a_layer_builds_it_lazily_in_its_dtype():
    layer = layers.Dense(4, activation="relu")
    assert not layer.built
    y = layer(np.ones((2, 7), dtype=np.uint8))
    assert layer.built and layer.kernel.shape == (7, 4)
    assert y.dtype == np.float32 and y.shape == (2, 4)
    y64 = layers.Dense(4, dtype="float64")(np.ones((2, 7)))
    assert y64.dtype == np.float64


def test_flatten_shapes():
    layer = layers.Flatten()
    x = np.arange(2 * 3 * 4, dtype=np.float64).reshape(2, 3, 4)
    y = layer(x)
    np.testing.assert_array_equal(y, x.reshape(2, 12))
    assert layer.compute_output_shape((28, 28)) == (784,)
    assert layer.backward(np.ones((2, 12))).shape == (2, 3, 4)


# --- Dropout ----------------------------------------------------------------------------------------------------------
def test_dropout_at_inference_is_the_identity():
    x = np.random.default_rng(0).standard_normal((50, 20))
    layer = built(layers.Dropout(0.5), (20,))
    np.testing.assert_array_equal(layer.forward(x, training=False), x)
    dy = np.random.default_rng(1).standard_normal((50, 20))
    np.testing.assert_array_equal(layer.backward(dy), dy)


@pytest.mark.parametrize("rate", [0.1, 0.5, 0.8])
def test_dropout_in_training_drops_about_rate_and_scales_the_rest(rate):
    # No zeros in x, so every zero in y is a drop. (A seed other than the mask's: with the same stream the
    # kept entries would be exactly the large ones.)
    x = np.random.default_rng(123).uniform(1, 2, size=(200, 500))
    layer = built(layers.Dropout(rate, seed=0), (500,))
    y = layer.forward(x, training=True)
    dropped = y == 0
    assert abs(dropped.mean() - rate) < 0.01  # 100,000 draws: the standard error is below 0.002
    np.testing.assert_allclose(y[~dropped], x[~dropped] / (1 - rate), rtol=1e-12)
    assert abs(y.mean() / x.mean() - 1) < 0.02  # inverted dropout keeps the expected value

    dy = np.random.default_rng(1).standard_normal(x.shape)
    dx = layer.backward(dy)
    np.testing.assert_array_equal(dx[dropped], 0)  # the same mask in backward
    np.testing.assert_allclose(dx[~dropped], dy[~dropped] / (1 - rate), rtol=1e-12)


def test_dropout_draws_a_new_mask_each_batch_and_repeats_with_a_seed():
    x = np.ones((10, 10))
    layer = built(layers.Dropout(0.5, seed=3), (10,))
    first, second = layer.forward(x, training=True), layer.forward(x, training=True)
    assert not np.array_equal(first, second)
    again = built(layers.Dropout(0.5, seed=3), (10,))
    np.testing.assert_array_equal(again.forward(x, training=True), first)


def test_dropout_rate_zero_is_the_identity_even_in_training():
    x = np.random.default_rng(0).standard_normal((5, 5))
    np.testing.assert_array_equal(built(layers.Dropout(0.0), (5,)).forward(x, training=True), x)


# --- initializers ----------------------------------------------------------------------------------------------------
def test_dense_default_initializers_are_glorot_uniform_and_zeros():
    d, m = 300, 200
    layer = built(layers.Dense(m), (d,), dtype="float32")
    W, b = layer.kernel, layer.bias
    limit = math.sqrt(6 / (d + m))
    assert W.dtype == np.float32
    assert np.abs(W).max() <= limit
    assert np.abs(W).max() > 0.99 * limit  # it fills the interval, not a smaller one
    assert abs(W.mean()) < 0.01 * limit
    # U(-a, a) has variance a^2 / 3; with 60,000 draws the estimate is within a few percent.
    assert abs(W.var() / (limit**2 / 3) - 1) < 0.03
    np.testing.assert_array_equal(b, 0)


def test_he_normal_has_the_keras_variance_and_is_truncated():
    fan_in, fan_out = 400, 300
    W = initializers.get("he_normal")((fan_in, fan_out), np.random.default_rng(0), np.float32)
    stddev = math.sqrt(2 / fan_in)
    assert W.dtype == np.float32
    assert abs(W.std() / stddev - 1) < 0.02
    # Keras draws N(0, s) with s = stddev / 0.8796 and redraws beyond 2 s.
    assert np.abs(W).max() <= 2 * stddev / 0.87962566103423978 * (1 + 1e-6)


@pytest.mark.parametrize("name", sorted(initializers.INITIALIZERS))
def test_every_initializer_returns_the_shape_and_dtype_asked_for(name):
    w = initializers.get(name)((7, 5), np.random.default_rng(0), np.float32)
    assert w.shape == (7, 5) and w.dtype == np.float32
    assert np.isfinite(w).all()


def test_dense_uses_the_initializers_named():
    layer = built(layers.Dense(3, kernel_initializer="ones", bias_initializer="ones"), (2,))
    np.testing.assert_array_equal(layer.kernel, np.ones((2, 3)))
    np.testing.assert_array_equal(layer.bias, np.ones(3))


def test_layers_get_distinct_keras_style_names():
    a, b = layers.Dense(2), layers.Dense(2)
    assert a.name != b.name
    assert a.name.startswith("dense") and b.name.startswith("dense")
    assert layers.Dense(2, name="mine").name == "mine"
    assert layers.ReLU().name.startswith("re_lu")


def test_missing_flatten_on_a_dense_layer_called_directly():
    layer = layers.Dense(3)
    layer(np.ones((2, 784)))
    message = raised(ValueError, layer, np.ones((2, 28, 28)))
    assert f"Dense '{layer.name}' expected inputs of shape (batch, 784)." in message
    assert "Received: x.shape=(2, 28, 28)." in message
    assert "Did you forget a Flatten() layer?" in message


@pytest.mark.parametrize("units", [0, -3, 2.5, "10", True, None])
def test_wrong_units(units):
    message = raised(ValueError, layers.Dense, units)
    assert message == (
        f"Dense expected `units` to be a positive integer (the number of outputs). Received: units={units!r}."
    )


@pytest.mark.parametrize("rate", [1.0, 1.5, -0.1, "0.5", None])
def test_wrong_dropout_rate(rate):
    message = raised(ValueError, layers.Dropout, rate)
    assert message.startswith("Dropout expected `rate` to be a float in [0, 1)")
    assert f"Received: rate={rate!r}." in message


def test_set_weights_on_a_layer_with_wrong_shapes():
    layer = layers.Dense(3)
    layer(np.ones((1, 2)))
    message = raised(ValueError, layer.set_weights, [np.zeros((3, 3)), np.zeros(3)])
    assert f"Layer '{layer.name}': weight 'W' has shape (2, 3). Received: shape (3, 3)." in message


@pytest.mark.parametrize("rate", [np.float32(0.2), np.float64(0.2), np.int64(0)])
def test_dropout_accepts_numpy_scalar_rates_as_python_floats(rate):
    layer = layers.Dropout(rate)
    assert type(layer.rate) is float and layer.rate == pytest.approx(float(rate))


@pytest.mark.parametrize("rate", ["0.2", np.bool_(True), float("nan"), np.float32(1.0), -0.1])
def test_dropout_refuses_rates_that_are_not_in_0_1(rate):
    with pytest.raises(ValueError, match="Dropout expected `rate` to be a float in"):
        layers.Dropout(rate)


def test_keras_arguments_a_layer_does_not_take_are_named_with_what_it_takes():
    message = raised(TypeError, layers.Dense, 3, activity_regularizer="l2")
    assert message.startswith(
        "Dense does not take activity_regularizer='l2': scratchnet's Dense takes units, activation"
    )
    assert "Dropout does not take noise_shape=(1, 4)" in raised(TypeError, layers.Dropout, 0.5, noise_shape=(1, 4))
    assert layers.Dense(3, trainable=True).units == 3  # Keras's defaults that change nothing are accepted

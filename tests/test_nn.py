"""scratchnet.nn: every activation against finite differences, plus the softmax invariants and dtype rules."""

import numpy as np
import pytest
from _helpers import raised
from hypothesis import given, settings
from hypothesis import strategies as st

from scratchnet import layers, nn

FORWARD_BACKWARD = {
    "relu": (nn.relu, nn.relu_backward),
    "sigmoid": (nn.sigmoid, nn.sigmoid_backward),
    "tanh": (nn.tanh, nn.tanh_backward),
    "softmax": (nn.softmax, nn.softmax_backward),
    "linear": (nn.linear, nn.linear_backward),
}

shapes = st.tuples(st.integers(1, 5), st.integers(1, 6))
seeds = st.integers(0, 2**32 - 1)


def away_from_zero(x: np.ndarray, margin: float = 0.1) -> np.ndarray:
    """Push every entry at least ``margin`` away from 0 (ReLU's kink), keeping its sign."""
    return np.where(x >= 0, x + margin, x - margin)


@pytest.mark.parametrize("name", sorted(FORWARD_BACKWARD))
@settings(max_examples=25, deadline=None)
@given(shape=shapes, seed=seeds)
def test_backward_matches_finite_differences(name, shape, seed, numeric_gradient, relative_error):
    forward, backward = FORWARD_BACKWARD[name]
    rng = np.random.default_rng(seed)
    # Clipped to [-3, 3]: deep in tanh's or sigmoid's flat tails the true gradient (~1e-4) is no larger than the
    # rounding error of the difference quotient, and the comparison would measure rounding, not the backward.
    x = away_from_zero(np.clip(2 * rng.standard_normal(shape), -3, 3))
    dy = rng.standard_normal(shape)  # a random upstream gradient: with ones, softmax's dx would be 0 everywhere

    dx = backward(dy, forward(x))
    numeric = numeric_gradient(lambda x_: float(np.sum(forward(x_) * dy)), x)

    assert dx.shape == x.shape
    assert relative_error(dx, numeric) < 1e-7


@settings(max_examples=25, deadline=None)
@given(shape=shapes, seed=seeds)
def test_softmax_backward_is_the_full_jacobian_product(shape, seed):
    # Reference: build each row's Jacobian J[i, j] = y_i (δ_ij - y_j) explicitly and multiply.
    # (A diagonal-only gradient y (1 - y) dy would fail here for any row of more than one class.)
    rng = np.random.default_rng(seed)
    y = nn.softmax(rng.standard_normal(shape))
    dy = rng.standard_normal(shape)
    expected = np.stack([(np.diag(row) - np.outer(row, row)).T @ g for row, g in zip(y, dy, strict=True)])
    np.testing.assert_allclose(nn.softmax_backward(dy, y), expected, rtol=1e-12, atol=1e-14)


@settings(max_examples=30, deadline=None)
@given(shape=shapes, seed=seeds, scale=st.floats(0.01, 100))
def test_softmax_rows_are_probabilities(shape, seed, scale):
    y = nn.softmax(scale * np.random.default_rng(seed).standard_normal(shape))
    assert np.all(y >= 0) and np.all(y <= 1)
    np.testing.assert_allclose(y.sum(axis=-1), 1.0, rtol=1e-12)


@settings(max_examples=30, deadline=None)
@given(shape=shapes, seed=seeds, shift=st.floats(-500, 500))
def test_softmax_is_shift_invariant_per_row(shape, seed, shift):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(shape)
    shifts = shift * rng.random((shape[0], 1))  # a different constant for each row
    np.testing.assert_allclose(nn.softmax(x + shifts), nn.softmax(x), rtol=1e-9, atol=1e-12)


def test_softmax_and_log_softmax_do_not_overflow_at_plus_minus_1000():
    x = np.array([[1000.0, -1000.0, 0.0], [1000.0, 1000.0, -1000.0], [-1000.0, -1000.0, -1000.0]])
    with np.errstate(over="raise", invalid="raise"):  # overflow, or inf - inf, raises (underflow to 0 is fine)
        y = nn.softmax(x)
        log_y = nn.log_softmax(x)
    np.testing.assert_allclose(y, [[1, 0, 0], [0.5, 0.5, 0], [1 / 3, 1 / 3, 1 / 3]], atol=1e-300)
    # Computed by hand: log_softmax(x) = x - max(x) - log(sum(exp(x - max(x)))).
    expected = np.array(
        [[0.0, -2000.0, -1000.0], [-np.log(2), -np.log(2), -2000.0 - np.log(2)], [-np.log(3)] * 3],
    )
    np.testing.assert_allclose(log_y, expected, rtol=1e-12)
    assert np.isfinite(log_y).all()


@settings(max_examples=30, deadline=None)
@given(shape=shapes, seed=seeds, scale=st.floats(0.1, 50))
def test_log_softmax_equals_log_of_softmax_where_finite(shape, seed, scale):
    x = scale * np.random.default_rng(seed).standard_normal(shape)
    with np.errstate(divide="ignore"):
        log_of_softmax = np.log(nn.softmax(x))
    finite = np.isfinite(log_of_softmax)
    np.testing.assert_allclose(nn.log_softmax(x)[finite], log_of_softmax[finite], rtol=1e-9, atol=1e-9)
    assert np.isfinite(nn.log_softmax(x)).all()


def test_sigmoid_is_stable_and_matches_its_definition():
    x = np.array([-1000.0, -30.0, -1.0, 0.0, 2.0, 30.0, 1000.0])
    with np.errstate(over="raise", invalid="raise"):
        y = nn.sigmoid(x)
    moderate = np.abs(x) < 100
    np.testing.assert_allclose(y[moderate], 1 / (1 + np.exp(-x[moderate])), rtol=1e-14)
    assert y[0] == 0.0 and y[-1] == 1.0
    assert y[3] == 0.5


def test_relu_backward_is_zero_at_the_kink_and_where_off():
    # The documented convention: at x = 0 exactly the gradient is 0.
    x = np.array([[-2.0, 0.0, 3.0]])
    dy = np.array([[5.0, 7.0, 11.0]])
    np.testing.assert_array_equal(nn.relu_backward(dy, nn.relu(x)), [[0.0, 0.0, 11.0]])


FUNCTIONS = [nn.relu, nn.sigmoid, nn.tanh, nn.softmax, nn.log_softmax, nn.linear]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("fn", FUNCTIONS, ids=lambda f: f.__name__)
def test_forward_keeps_dtype(fn, dtype):
    x = np.random.default_rng(0).standard_normal((4, 3)).astype(dtype)
    assert fn(x).dtype == dtype


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", sorted(FORWARD_BACKWARD))
def test_backward_keeps_dtype(name, dtype):
    forward, backward = FORWARD_BACKWARD[name]
    rng = np.random.default_rng(1)
    x = rng.standard_normal((4, 3)).astype(dtype)
    dy = rng.standard_normal((4, 3)).astype(dtype)
    assert backward(dy, forward(x)).dtype == dtype


@pytest.mark.parametrize("fn", FUNCTIONS, ids=lambda f: f.__name__)
def test_forward_does_not_mutate_its_input(fn):
    x = np.random.default_rng(2).standard_normal((4, 3))
    before = x.copy()
    fn(x)
    np.testing.assert_array_equal(x, before)


@pytest.mark.parametrize("name", sorted(FORWARD_BACKWARD))
def test_backward_does_not_mutate_dy_or_y(name):
    forward, backward = FORWARD_BACKWARD[name]
    rng = np.random.default_rng(3)
    y = forward(rng.standard_normal((4, 3)))
    dy = rng.standard_normal((4, 3))
    y_before, dy_before = y.copy(), dy.copy()
    backward(dy, y)
    np.testing.assert_array_equal(y, y_before)
    np.testing.assert_array_equal(dy, dy_before)


@pytest.mark.parametrize("name", sorted(FORWARD_BACKWARD))
def test_get_activation_by_name_and_by_function_agree(name):
    forward, backward = FORWARD_BACKWARD[name]
    assert nn.get_activation(name) == (name, forward, backward)
    assert nn.get_activation(forward) == (name, forward, backward)


def test_get_activation_none_is_linear():
    assert nn.get_activation(None) == ("linear", nn.linear, nn.linear_backward)


def test_unknown_activation():
    message = raised(ValueError, layers.Dense, 3, activation="gelus")
    assert message.startswith("Unknown activation. Expected one of ['elu', 'exponential', 'gelu', ")
    assert message.endswith("'tanh']. Received: activation='gelus'.")


def test_activation_without_a_backward():
    message = raised(ValueError, layers.Dense, 3, activation=np.tanh)
    assert "An activation must come with its backward" in message
    assert "Received: activation=<ufunc 'tanh'>." in message
    assert "write a Layer with forward and backward" in message

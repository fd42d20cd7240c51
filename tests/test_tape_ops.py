"""Every differentiable op of the tape against centred finite differences, in float64, with broadcasting.

Each check differentiates ``L = sum(op(inputs) * w)`` with a random ``w`` (so every output value matters with its
own weight) by the tape and by ``(L(x + eps) - L(x - eps)) / 2 eps`` for every input value. Inputs are kept away
from kinks (relu at 0, abs at 0, max ties, log at 0) so that finite differences are a fair reference.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import scratchnet as sn

EPS = 1e-6


def numeric_gradients(fn, arrays, w):
    def loss(values):
        return float(np.sum(np.asarray(fn(*[sn.constant(v) for v in values])) * w))

    grads = []
    for i, a in enumerate(arrays):
        g = np.zeros_like(a)
        for j in np.ndindex(a.shape):
            plus = [v.copy() for v in arrays]
            minus = [v.copy() for v in arrays]
            plus[i][j] += EPS
            minus[i][j] -= EPS
            g[j] = (loss(plus) - loss(minus)) / (2 * EPS)
        grads.append(g)
    return grads


def check(fn, *arrays, seed=0):
    """The tape's gradient of sum(fn(*arrays) * w) equals finite differences, for every input."""
    arrays = [np.asarray(a, dtype=np.float64) for a in arrays]
    variables = [sn.Variable(a) for a in arrays]
    out_shape = np.shape(np.asarray(fn(*[sn.constant(a) for a in arrays])))
    w = np.random.default_rng(seed).standard_normal(out_shape)
    with sn.GradientTape() as tape:
        loss = sn.reduce_sum(fn(*variables) * w)
    tape_grads = tape.gradient(loss, variables)
    for v, got, want in zip(variables, tape_grads, numeric_gradients(fn, arrays, w), strict=True):
        assert got is not None, "the tape lost the input"
        assert got.shape == v.shape and got.dtype == np.float64
        np.testing.assert_allclose(got.numpy(), want, rtol=1e-5, atol=1e-7)


def away_from(values, points, margin=0.1):
    """``values`` moved at least ``margin`` away from each of ``points`` (kinks)."""
    values = np.array(values, dtype=np.float64)
    for p in points:
        close = np.abs(values - p) < margin
        values[close] = p + np.where(values[close] >= p, margin, -margin)
    return values


seeds = st.integers(0, 2**16)
shapes = st.sampled_from([(3,), (2, 3), (3, 1), (2, 3, 2)])


def draw(shape, seed, low=-2.0, high=2.0):
    return np.random.default_rng(seed).uniform(low, high, shape)


# --- elementwise, one input -------------------------------------------------------------------------------------
ANYWHERE = {
    "exp": sn.exp,
    "square": sn.square,
    "sin": sn.math.sin,
    "cos": sn.math.cos,
    "tanh": sn.tanh,
    "sigmoid": sn.sigmoid,
    "nn.sigmoid": sn.nn.sigmoid,
    "softplus": sn.math.softplus,
    "negative": sn.negative,
    "neg operator": lambda x: -x,
    "softmax": sn.nn.softmax,
    "log_softmax": sn.nn.log_softmax,
    "pow 3": lambda x: x**3,
    "np.exp on a tensor": np.exp,
    "np.tanh on a tensor": np.tanh,
    "numpy softmax": lambda x: np.exp(x) / np.sum(np.exp(x), axis=-1, keepdims=True),
    "l2_loss": sn.nn.l2_loss,
    "identity": sn.identity,
}
POSITIVE = {
    "log": sn.math.log,
    "sqrt": sn.sqrt,
    "rsqrt": sn.math.rsqrt,
    "log1p": sn.math.log1p,
    "reciprocal": sn.math.reciprocal,
    "pow 0.5": lambda x: sn.pow(x, 0.5),
    "2 ** x": lambda x: 2.0**x,
}
KINKED = {"abs": sn.abs, "relu": sn.nn.relu, "abs operator": abs}


@pytest.mark.parametrize("name", sorted(ANYWHERE))
@settings(max_examples=5, deadline=None)
@given(shape=shapes, seed=seeds)
def test_elementwise_ops_match_finite_differences(name, shape, seed):
    check(ANYWHERE[name], draw(shape, seed))


@pytest.mark.parametrize("name", sorted(POSITIVE))
@settings(max_examples=5, deadline=None)
@given(shape=shapes, seed=seeds)
def test_ops_on_positive_numbers_match_finite_differences(name, shape, seed):
    check(POSITIVE[name], draw(shape, seed, 0.5, 3.0))


@pytest.mark.parametrize("name", sorted(KINKED))
@settings(max_examples=5, deadline=None)
@given(shape=shapes, seed=seeds)
def test_ops_with_a_kink_match_finite_differences_away_from_it(name, shape, seed):
    check(KINKED[name], away_from(draw(shape, seed), [0.0]))


# --- two inputs, with broadcasting ------------------------------------------------------------------------------
BROADCAST_PAIRS = [((2, 3), (2, 3)), ((2, 3), (3,)), ((2, 3), (1, 3)), ((2, 3), (2, 1)), ((2, 3), ()), ((3,), (2, 3))]
BINARY = {
    "add": sn.add,
    "subtract": sn.subtract,
    "multiply": sn.multiply,
    "+ operator": lambda x, y: x + y,
    "- operator": lambda x, y: x - y,
    "* operator": lambda x, y: x * y,
    "squared_difference": sn.math.squared_difference,
    "x used twice": lambda x, y: x * x + x * y,
}


@pytest.mark.parametrize("name", sorted(BINARY))
@pytest.mark.parametrize("shapes", BROADCAST_PAIRS)
def test_binary_ops_match_finite_differences_under_broadcasting(name, shapes):
    check(BINARY[name], draw(shapes[0], 1), draw(shapes[1], 2))


@pytest.mark.parametrize("shapes", BROADCAST_PAIRS)
def test_divide_and_pow_match_finite_differences(shapes):
    check(sn.divide, draw(shapes[0], 1), draw(shapes[1], 2, 0.5, 2.0))
    check(lambda x, y: x / y, draw(shapes[0], 3), draw(shapes[1], 4, 0.5, 2.0))
    check(sn.pow, draw(shapes[0], 5, 0.5, 2.0), draw(shapes[1], 6))


@pytest.mark.parametrize("op", [sn.maximum, sn.minimum, np.maximum])
@pytest.mark.parametrize("shapes", BROADCAST_PAIRS)
def test_maximum_and_minimum_match_finite_differences_away_from_ties(op, shapes):
    rng = np.random.default_rng(0)
    # x on the grid k + 0.25, y on k + 0.75: never closer than 0.5, so no ties
    x = rng.integers(-2, 2, shapes[0]) + 0.25
    y = rng.integers(-2, 2, shapes[1]) + 0.75
    check(op, x, y)


@pytest.mark.parametrize(
    "a_shape, b_shape", [((2, 3), (3, 4)), ((3,), (3, 2)), ((2, 3), (3,)), ((2, 2, 3), (3, 2)), ((2, 2, 3), (2, 3, 4))]
)
def test_matmul_matches_finite_differences(a_shape, b_shape):
    check(sn.matmul, draw(a_shape, 1), draw(b_shape, 2))
    check(lambda a, b: a @ b, draw(a_shape, 3), draw(b_shape, 4))


def test_matmul_with_transposes_matches_finite_differences():
    check(lambda a, b: sn.matmul(a, b, transpose_b=True), draw((2, 3), 1), draw((4, 3), 2))
    check(lambda a, b: sn.matmul(a, b, transpose_a=True), draw((3, 2), 1), draw((3, 4), 2))


def test_where_and_clip_match_finite_differences():
    c = np.array([[True, False, True], [False, False, True]])
    check(lambda x, y: sn.where(c, x, y), draw((2, 3), 1), draw((3,), 2))
    check(lambda x: sn.clip_by_value(x, -1.0, 1.0), away_from(draw((2, 3), 3), [-1.0, 1.0]))


# --- reductions ---------------------------------------------------------------------------------------------------
REDUCTIONS = {
    "reduce_sum": sn.reduce_sum,
    "reduce_mean": sn.reduce_mean,
    "reduce_max": sn.reduce_max,
    "reduce_min": sn.reduce_min,
    "reduce_prod": sn.reduce_prod,
    "reduce_logsumexp": sn.math.reduce_logsumexp,
    "reduce_variance": sn.math.reduce_variance,
    "reduce_std": sn.math.reduce_std,
    "norm": lambda x, axis=None, keepdims=False: sn.norm(x, axis=axis, keepdims=keepdims),
    "np.sum": lambda x, axis=None, keepdims=False: np.sum(x, axis=axis, keepdims=keepdims),
    "np.mean": lambda x, axis=None, keepdims=False: np.mean(x, axis=axis, keepdims=keepdims),
}


@pytest.mark.parametrize("name", sorted(REDUCTIONS))
@pytest.mark.parametrize("axis", [None, 0, 1, -1, (0, 2)])
@pytest.mark.parametrize("keepdims", [False, True])
def test_reductions_match_finite_differences(name, axis, keepdims):
    x = np.random.default_rng(7).permutation(np.linspace(0.5, 2.5, 12)).reshape(2, 3, 2)  # no ties, no zeros
    check(lambda t: REDUCTIONS[name](t, axis=axis, keepdims=keepdims), x)


def test_reduce_max_shares_the_gradient_between_ties():
    x = sn.Variable([1.0, 3.0, 3.0])
    with sn.GradientTape() as tape:
        m = sn.reduce_max(x)
    np.testing.assert_allclose(tape.gradient(m, x).numpy(), [0.0, 0.5, 0.5])


# --- shapes, joining, indexing ------------------------------------------------------------------------------------
SHAPE_OPS = {
    "reshape": lambda x: sn.reshape(x, (3, 4)),
    "reshape -1": lambda x: sn.reshape(x, [-1]),
    "method reshape": lambda x: x.reshape(4, 3),
    "transpose": sn.transpose,
    "transpose perm": lambda x: sn.transpose(x, perm=[1, 2, 0]),
    ".T": lambda x: x.T,
    "expand_dims": lambda x: sn.expand_dims(x, 1),
    "squeeze": lambda x: sn.squeeze(sn.expand_dims(x, 0)),
    "slice": lambda x: x[:, 1:],
    "index": lambda x: x[1],
    "newaxis": lambda x: x[:, sn.newaxis],
    "fancy, repeated": lambda x: x[[0, 1, 0]],
    "gather, repeated": lambda x: sn.gather(x, [1, 1, 0], axis=1),
    "tile": lambda x: sn.tile(x, [2, 1, 3]),
    "broadcast_to": lambda x: sn.broadcast_to(x[:1], (4, 3, 2)),
    "reverse": lambda x: sn.reverse(x, [1]),
    "concat with itself": lambda x: sn.concat([x, x * 2], axis=1),
    "stack": lambda x: sn.stack([x, x * 3], axis=2),
    "unstack": lambda x: sn.unstack(x, axis=1)[1] * 2,
    "split": lambda x: sn.split(x, [1, 2], axis=1)[1],
    "sort": lambda x: sn.sort(sn.reshape(x, [-1])),
    "np.concatenate": lambda x: np.concatenate([x, x], axis=0),
    "np.transpose": np.transpose,
}


@pytest.mark.parametrize("name", sorted(SHAPE_OPS))
def test_shape_ops_match_finite_differences(name):
    x = np.random.default_rng(3).permutation(np.linspace(-2, 2, 12)).reshape(2, 3, 2)
    check(SHAPE_OPS[name], x)


def test_concat_and_stack_route_each_part_its_own_gradient():
    check(lambda a, b: sn.concat([a, b], axis=0), draw((2, 3), 1), draw((1, 3), 2))
    check(lambda a, b: sn.stack([a, b]), draw((2, 3), 1), draw((2, 3), 2))


# --- tf.nn's losses -----------------------------------------------------------------------------------------------
def test_cross_entropies_with_logits_match_finite_differences():
    labels = np.array([2, 0, 1])
    check(lambda z: sn.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=z), draw((3, 4), 1))
    soft = np.random.default_rng(2).dirichlet(np.ones(4), 3)
    check(lambda z: sn.nn.softmax_cross_entropy_with_logits(labels=soft, logits=z), draw((3, 4), 3))
    binary = (np.random.default_rng(4).random((3, 2)) > 0.5).astype(float)
    check(lambda z: sn.nn.sigmoid_cross_entropy_with_logits(labels=binary, logits=z), draw((3, 2), 5, -5, 5))


def test_cross_entropy_with_logits_values_are_the_textbook_ones():
    z = np.array([[1.0, 2.0, 0.5]])
    p = np.exp(z) / np.exp(z).sum()
    got = sn.nn.sparse_softmax_cross_entropy_with_logits(labels=[1], logits=z).numpy()
    np.testing.assert_allclose(got, -np.log(p[:, 1]), rtol=1e-6)


def test_dropout_with_a_seed_is_a_fixed_mask_and_its_gradient_is_that_mask():
    x = draw((4, 5), 1)
    check(lambda t: sn.nn.dropout(t, 0.5, seed=3), x)
    y = sn.nn.dropout(sn.constant(np.ones((200, 50))), 0.25, seed=0).numpy()
    assert set(np.unique(y)) == {0.0, 1 / 0.75}
    assert abs((y == 0).mean() - 0.25) < 0.02


def test_cast_between_floats_passes_the_gradient_and_to_integers_cuts_it():
    x = sn.Variable([1.5, 2.5], dtype="float64")
    with sn.GradientTape() as tape:
        doubled = sn.cast(sn.cast(x, "float32") * 2.0, "float64")
        y = sn.reduce_sum(doubled) + sn.reduce_sum(sn.cast(sn.cast(x, "int32"), "float64"))
    g = tape.gradient(y, x)
    assert g.dtype == np.float64
    np.testing.assert_allclose(g.numpy(), [2.0, 2.0])


def test_keras_ops_and_nn_take_numpys_fast_path_on_arrays_and_record_on_tensors():
    from scratchnet import nn, ops

    a = np.array([[1.0, -2.0], [3.0, 4.0]], dtype=np.float32)
    assert not isinstance(ops.sum(ops.square(a)), sn.Tensor)
    assert type(nn.relu(a)) is np.ndarray and type(nn.softmax(a)) is np.ndarray
    assert type(ops.one_hot(np.array([0, 1]), 2)) is np.ndarray
    with sn.GradientTape() as tape:
        w = sn.Variable(a)
        loss = ops.mean(ops.square(nn.relu(w) - 1.0))
    assert isinstance(loss, sn.Tensor) and tape.gradient(loss, w) is not None
    check(lambda t: ops.mean(ops.square(nn.relu(t) - 1.0)), away_from(a, [0.0]))
    check(lambda t: ops.sparse_categorical_crossentropy(np.array([0, 1]), nn.softmax(t)), a)
    check(lambda t: ops.sparse_categorical_crossentropy(np.array([1, 0]), t, from_logits=True), a)

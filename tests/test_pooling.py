"""Pooling and Reshape: references written with loops, float64 gradient checks (with and without overlapping
windows, both paddings), the max-pool tie rule, the layer contract and the errors."""

from __future__ import annotations

import math

import numpy as np
import pytest
from _helpers import built, tf_same_pads
from hypothesis import given, settings
from hypothesis import strategies as st

from scratchnet import gradcheck
from scratchnet.layers import AveragePooling2D, GlobalAveragePooling2D, MaxPooling2D, Reshape

seeds = st.integers(0, 2**32 - 1)


def reference_pool(x, pool, strides, padding, reduce):
    """One window at a time. Padding is *absent* (not zero): a window half off the image sees its real inputs."""
    n, h, w, c = x.shape
    (ph, pw), (sh, sw) = pool, strides
    if padding == "same":
        (pt, _), (pl, _) = tf_same_pads(h, ph, sh), tf_same_pads(w, pw, sw)
        ho, wo = math.ceil(h / sh), math.ceil(w / sw)
    else:
        pt = pl = 0
        ho, wo = (h - ph) // sh + 1, (w - pw) // sw + 1
    out = np.zeros((n, ho, wo, c))
    for i in range(ho):
        for j in range(wo):
            top, left = i * sh - pt, j * sw - pl
            rows = slice(max(top, 0), min(top + ph, h))
            cols = slice(max(left, 0), min(left + pw, w))
            out[:, i, j, :] = reduce(x[:, rows, cols, :], axis=(1, 2))
    return out


@st.composite
def pool_cases(draw):
    ph, pw = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    # None: side by side (Keras's default); small strides overlap, large ones skip inputs.
    strides = draw(st.one_of(st.none(), st.tuples(st.integers(1, 3), st.integers(1, 3))))
    return {
        "n": draw(st.integers(1, 3)),
        "hwc": (draw(st.integers(ph, ph + 4)), draw(st.integers(pw, pw + 4)), draw(st.integers(1, 3))),
        "pool_size": (ph, pw),
        "strides": strides,
        "padding": draw(st.sampled_from(["valid", "same"])),
        "seed": draw(seeds),
    }


def distinct_values(shape, seed):
    """Inputs whose values are all at least 0.1 apart: no ties, so the max is differentiable with room for h."""
    rng = np.random.default_rng(seed)
    return (rng.permutation(math.prod(shape)).reshape(shape) - math.prod(shape) / 2) * 0.1


@pytest.mark.parametrize(("cls", "reduce"), [(MaxPooling2D, np.max), (AveragePooling2D, np.mean)])
@settings(max_examples=30, deadline=None)
@given(case=pool_cases())
def test_pooling_forward_matches_the_loops(cls, reduce, case):
    layer = built(cls(case["pool_size"], case["strides"], case["padding"]), case["hwc"])
    x = np.random.default_rng(case["seed"]).standard_normal((case["n"], *case["hwc"]))
    strides = case["strides"] or case["pool_size"]
    expected = reference_pool(x, case["pool_size"], strides, case["padding"], reduce)
    y = layer.forward(x)
    assert y.shape == (case["n"], *layer.compute_output_shape(case["hwc"]))
    np.testing.assert_allclose(y, expected, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("cls", [MaxPooling2D, AveragePooling2D])
@settings(max_examples=30, deadline=None)
@given(case=pool_cases())
def test_pooling_passes_gradcheck(cls, case):
    layer = cls(case["pool_size"], case["strides"], case["padding"])
    x = distinct_values((case["n"], *case["hwc"]), case["seed"])
    report = gradcheck.check_layer(layer, x, seed=case["seed"] % 1000, max_checks=80)
    assert report.passed, str(report)


@pytest.mark.parametrize(("pool", "strides"), [((2, 2), None), ((3, 3), (1, 1)), ((2, 3), (1, 2)), ((3, 2), (2, 1))])
@pytest.mark.parametrize("padding", ["valid", "same"])
def test_max_pooling_with_and_without_overlap_passes_gradcheck(pool, strides, padding):
    x = distinct_values((2, 7, 6, 3), seed=1)
    report = gradcheck.check_layer(MaxPooling2D(pool, strides, padding), x, max_checks=None)
    assert report.passed, str(report)


def test_max_pooling_tie_rule_first_maximum_in_row_major_order():
    layer = built(MaxPooling2D(2, 2), (2, 4, 1))
    x = np.array([[7.0, 7.0, 1.0, 2.0], [7.0, 7.0, 2.0, 2.0]]).reshape(1, 2, 4, 1)
    layer.forward(x)
    dx = layer.backward(np.array([10.0, 20.0]).reshape(1, 1, 2, 1))
    # Window 1: four 7s, the top-left one takes it all. Window 2: three 2s; the top-right one comes first.
    expected = np.array([[10.0, 0.0, 0.0, 20.0], [0.0, 0.0, 0.0, 0.0]]).reshape(1, 2, 4, 1)
    np.testing.assert_array_equal(dx, expected)


def test_max_pooling_worked_example():
    # docs/backprop.md works this one out by hand, ties included.
    x = np.array([[1, 3, 2, 2], [4, 2, 0, 1], [5, 6, 7, 7], [0, 6, 7, 1]], dtype=float).reshape(1, 4, 4, 1)
    layer = built(MaxPooling2D(2, 2), (4, 4, 1))
    np.testing.assert_array_equal(layer.forward(x)[0, :, :, 0], [[4, 2], [6, 7]])
    dx = layer.backward(np.array([[1.0, 2.0], [3.0, 4.0]]).reshape(1, 2, 2, 1))
    np.testing.assert_array_equal(dx[0, :, :, 0], [[0, 0, 2, 0], [1, 0, 0, 0], [0, 3, 4, 0], [0, 0, 0, 0]])


def test_max_pooling_gradient_sums_to_the_upstream_one_even_with_ties():
    layer = built(MaxPooling2D(2, 2), (4, 4, 2))
    x = np.zeros((3, 4, 4, 2))  # every window a four-way tie
    y = layer.forward(x)
    dy = np.random.default_rng(0).standard_normal(y.shape)
    dx = layer.backward(dy)
    np.testing.assert_allclose(dx.sum(axis=(1, 2)), dy.sum(axis=(1, 2)))
    assert (dx != 0).sum() == dy.size  # exactly one input per window


def test_same_max_pooling_never_picks_the_padding():
    layer = built(MaxPooling2D(2, 2, padding="same"), (3, 3, 1))
    x = -np.arange(1.0, 10.0).reshape(1, 3, 3, 1)  # all negative: a zero padding would win
    y = layer.forward(x)
    np.testing.assert_array_equal(y[0, :, :, 0], [[-1.0, -3.0], [-7.0, -9.0]])


def test_same_average_pooling_averages_real_inputs_only():
    layer = built(AveragePooling2D(2, 2, padding="same"), (3, 3, 1))
    y = layer.forward(np.ones((1, 3, 3, 1)))
    np.testing.assert_array_equal(y, np.ones((1, 2, 2, 1)))


def test_course_pooling_halves_the_map():
    layer = MaxPooling2D(2, 2)
    assert layer.pool_size == layer.strides == (2, 2)
    assert layer.compute_output_shape((26, 26, 64)) == (13, 13, 64)
    assert layer.compute_output_shape((11, 11, 64)) == (5, 5, 64)  # the odd row is dropped, as in Keras
    assert MaxPooling2D(3).strides == (3, 3)


@pytest.mark.parametrize("keepdims", [False, True])
def test_global_average_pooling(keepdims):
    x = np.random.default_rng(0).standard_normal((2, 3, 4, 5))
    layer = GlobalAveragePooling2D(keepdims=keepdims)
    y = layer(x.astype(np.float32))
    assert y.shape == ((2, 1, 1, 5) if keepdims else (2, 5)) and y.dtype == np.float32
    np.testing.assert_allclose(y.reshape(2, 5), x.mean(axis=(1, 2)), rtol=1e-6)
    assert gradcheck.check_layer(GlobalAveragePooling2D(keepdims=keepdims), x, max_checks=None).passed


@pytest.mark.parametrize(
    ("target", "input_shape", "out"), [((28, 28, 1), (784,), (28, 28, 1)), ((-1, 4), (2, 6), (3, 4))]
)
def test_reshape(target, input_shape, out):
    layer = Reshape(target)
    assert layer.compute_output_shape(input_shape) == out
    x = np.random.default_rng(0).standard_normal((2, *input_shape))
    assert layer(x).shape == (2, *out)
    assert gradcheck.check_layer(Reshape(target), x).passed
    assert Reshape.from_config(layer.get_config() | {"name": "r2"}).target_shape == tuple(target)


def test_reshape_that_changes_the_size_names_both_shapes():
    with pytest.raises(ValueError, match=r"Reshape 'r'.*\(784,\) \(784 values\).*\(28, 28, 2\) \(1568 values\)"):
        Reshape((28, 28, 2), name="r").compute_output_shape((784,))
    with pytest.raises(ValueError, match="at most one -1"):
        Reshape((-1, -1))


@pytest.mark.parametrize("cls", [MaxPooling2D, AveragePooling2D])
def test_pooling_contract_no_mutation_dtype_kept(cls):
    layer = built(cls((3, 3), (2, 2), "same"), (7, 7, 2), dtype="float32")
    x = np.random.default_rng(0).standard_normal((2, 7, 7, 2)).astype(np.float32)
    x0 = x.copy()
    y = layer.forward(x)
    dy = np.ones_like(y)
    dx = layer.backward(dy)
    np.testing.assert_array_equal(x, x0)
    np.testing.assert_array_equal(dy, 1.0)
    assert y.dtype == dx.dtype == np.float32 and dx.shape == x.shape
    dx[...] = 0  # the caller owns dx: it is a real array, not a read-only view


def test_pool_bigger_than_its_input():
    with pytest.raises(ValueError, match=r"MaxPooling2D 'p'.*3x3 pool does not fit in its 2x2 input"):
        built(MaxPooling2D(3, name="p"), (2, 2, 4))


@pytest.mark.parametrize("cls", [MaxPooling2D, AveragePooling2D])
def test_pooling_arguments_as_keras(cls):
    assert cls(2, padding="SAME").padding == "same"
    with pytest.raises(ValueError, match="`padding` argument must be one of 'valid', 'same'"):
        cls(2, padding="full")
    with pytest.raises(ValueError, match="pool_size"):
        cls((2, 2, 2))


def test_pooling_a_batch_without_channel_axis_shows_the_fix():
    layer = built(MaxPooling2D(2), (28, 28, 1))
    with pytest.raises(ValueError, match=r"x\.reshape\(-1, 28, 28, 1\)"):
        layer.forward(np.zeros((2, 28, 28)))

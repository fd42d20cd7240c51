"""The performance tricks of scratchnet.speed give the numbers of the readable path: the same forward, the
same gradients, the same max-pool tie rule, and a patch buffer that is reused, never grown by the dataset."""

from __future__ import annotations

import contextlib
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scratchnet import speed
from scratchnet.layers import Conv2D, MaxPooling2D
from scratchnet.layers.convolution import col2im, conv_output_size, same_padding


def run(layer, x, dy_seed=1):
    y = layer.forward(x)
    dy = np.random.default_rng(dy_seed).standard_normal(y.shape)
    dx = layer.backward(dy)
    return y, dx, {key: g.copy() for key, g in layer.grads.items()}


def both_paths(make, x):
    fast = run(make(), x)
    with speed.disabled():
        assert not speed.enabled()
        slow = run(make(), x)
    assert speed.enabled()
    return fast, slow


def built(layer, shape):
    layer.build(shape, np.random.default_rng(0), "float64")
    return layer


@settings(max_examples=25, deadline=None)
@given(
    k=st.integers(1, 3),
    s=st.integers(1, 3),
    padding=st.sampled_from(["valid", "same"]),
    hw=st.integers(3, 7),
    c=st.integers(1, 3),
    activation=st.sampled_from([None, "relu", "tanh"]),
)
def test_conv_fast_path_equals_readable_path(k, s, padding, hw, c, activation):
    # Covers the in-place bias + ReLU (trick 10) and the input gradient one kernel offset at a time (trick 11).
    x = np.random.default_rng(0).standard_normal((2, hw, hw, c))
    make = lambda: built(Conv2D(3, k, strides=s, padding=padding, activation=activation), x.shape[1:])  # noqa: E731
    (y1, dx1, g1), (y2, dx2, g2) = both_paths(make, x)
    np.testing.assert_array_equal(y1, y2)
    np.testing.assert_allclose(dx1, dx2, rtol=1e-12, atol=1e-12)
    for key in g1:
        np.testing.assert_allclose(g1[key], g2[key], rtol=1e-12, atol=1e-12)


def conv_relu_pool(x, k, s, p, ps, padding, pool_padding, dy_seed=1):
    """Conv2D(relu) -> MaxPooling2D, forward and backward: (y, dx, grads, whether the pool did the ReLU's backward)."""
    conv = built(Conv2D(4, k, strides=s, padding=padding, activation="relu"), x.shape[1:])
    pool = MaxPooling2D(p, ps, pool_padding)
    h = conv.forward(x)
    built(pool, h.shape[1:])
    y = pool.forward(h)
    dy = np.random.default_rng(dy_seed).standard_normal(y.shape)
    dh = pool.backward(dy)
    folded = speed.enabled() and speed.relu_backward_done(dh, conv.activation)
    dx = conv.backward(dh)
    return y, dx, {key: g.copy() for key, g in conv.grads.items()}, folded


@settings(max_examples=30, deadline=None)
@given(
    k=st.integers(1, 3),
    s=st.integers(1, 2),
    p=st.integers(1, 3),
    ps=st.integers(1, 3),
    padding=st.sampled_from(["valid", "same"]),
    pool_padding=st.sampled_from(["valid", "same"]),
    hw=st.integers(5, 9),
)
def test_relu_folded_into_max_pool_gives_the_readable_numbers(k, s, p, ps, padding, pool_padding, hw):
    # Trick 12: the pool masks dy with (y > 0) and the convolution skips its ReLU backward. Rounded inputs and
    # weights leave exact ties and all-zero windows (every ReLU unit off), where the tie rule matters.
    x = np.round(np.random.default_rng(0).standard_normal((2, hw, hw, 2)), 1)
    fast = conv_relu_pool(x, k, s, p, ps, padding, pool_padding)
    with speed.disabled():
        plain = conv_relu_pool(x, k, s, p, ps, padding, pool_padding)
    np.testing.assert_array_equal(fast[0], plain[0])
    np.testing.assert_allclose(fast[1], plain[1], rtol=1e-10, atol=1e-12)
    for key in fast[2]:
        np.testing.assert_allclose(fast[2][key], plain[2][key], rtol=1e-10, atol=1e-12)
    # The fold runs whenever the pool reads the ReLU's output itself, i.e. no padding copy in between.
    h = conv_output_size(hw, k, s, padding)
    assert fast[3] == (pool_padding == "valid" or same_padding(h, p, ps) == (0, 0))
    assert not plain[3]


def test_the_course_pair_folds_the_relu_and_matches_the_plain_path_with_dead_windows():
    # The course's Conv2D(relu) -> MaxPooling2D(2, 2) on 26x26 -> 13x13 (windows tile) and 11x11 -> 5x5 (the
    # last row and column are in no window), with a negative bias so that whole windows are off.
    for hw in (28, 13):
        x = np.random.default_rng(2).standard_normal((3, hw, hw, 2))

        def make(shape=x.shape[1:]):
            conv = built(Conv2D(5, 3, activation="relu"), shape)
            conv.params["b"][:] = -0.5
            return conv

        results = []
        for fast in (True, False):
            with contextlib.nullcontext() if fast else speed.disabled():
                conv, pool = make(), MaxPooling2D(2, 2)
                h = conv.forward(x)
                assert (h == 0).mean() > 0.3  # many units off: dead windows and ties at 0
                y = built(pool, h.shape[1:]).forward(h)
                dh = pool.backward(np.random.default_rng(3).standard_normal(y.shape))
                assert speed.relu_backward_done(dh, conv.activation) == fast
                results.append((y, conv.backward(dh), conv.grads["W"].copy(), conv.grads["b"].copy()))
        for a, b in zip(*results, strict=True):
            np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)


def test_the_input_gradient_by_offsets_equals_col2im_of_dcols():
    rng = np.random.default_rng(0)
    kernel = rng.standard_normal((3, 2, 4, 5))
    dz = rng.standard_normal((2, 4, 3, 5))  # strides (2, 3) over a padded (2, 9, 8, 4) input
    dcols = dz.reshape(-1, 5) @ kernel.reshape(-1, 5).T
    expected = col2im(dcols.reshape(2, 4, 3, 3, 2, 4), (2, 9, 8, 4), (2, 3))
    got = speed.conv_input_grad(dz.reshape(-1, 5), kernel, (2, 9, 8, 4), (4, 3), (2, 3))
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-12)


@settings(max_examples=25, deadline=None)
@given(
    p=st.integers(1, 3),
    s=st.integers(1, 3),
    padding=st.sampled_from(["valid", "same"]),
    hw=st.integers(3, 7),
    levels=st.integers(1, 4),
)
def test_max_pool_fast_path_equals_readable_path_with_ties(p, s, padding, hw, levels):
    # Few distinct values (as after a ReLU, which leaves many zeros): ties in most windows.
    x = np.random.default_rng(0).integers(0, levels, (2, hw, hw, 3)).astype(np.float64)
    (y1, dx1, _), (y2, dx2, _) = both_paths(lambda: built(MaxPooling2D(p, s, padding), x.shape[1:]), x)
    np.testing.assert_array_equal(y1, y2)
    np.testing.assert_array_equal(dx1, dx2)


def test_the_patch_buffer_is_reused_and_a_smaller_batch_uses_its_first_rows():
    layer = built(Conv2D(2, 3), (6, 6, 1))
    rng = np.random.default_rng(0)
    layer.forward(rng.standard_normal((8, 6, 6, 1)))
    buffer = speed.convolution.cols_buffer(layer)
    layer.forward(rng.standard_normal((8, 6, 6, 1)))
    assert speed.convolution.cols_buffer(layer) is buffer
    x = rng.standard_normal((3, 6, 6, 1))
    y = layer.forward(x)
    assert speed.convolution.cols_buffer(layer) is buffer and np.shares_memory(layer.cols, buffer)
    with speed.disabled():
        np.testing.assert_array_equal(y, layer.forward(x))


@pytest.mark.slow
def test_the_benchmarks_cnn_mode_runs_and_counts_the_work():
    script = Path(__file__).resolve().parent.parent / "benchmarks" / "train_speed.py"
    args = ["--model", "cnn", "--random", "--steps", "3", "--repeats", "1", "--no-memory"]
    done = subprocess.run([sys.executable, str(script), *args], check=True, capture_output=True, text=True, timeout=300)
    result = json.loads(done.stdout.strip().splitlines()[-1])
    # Arithmetic, not a measurement: forward + dW for the first conv, forward + dW + dx for the others.
    conv1, conv2 = 2 * 26 * 26 * 9 * 64, 2 * 11 * 11 * 576 * 64
    dense1, dense2 = 2 * 1600 * 128, 2 * 128 * 10
    assert result["gflop_per_sample"] == pytest.approx((2 * conv1 + 3 * (conv2 + dense1 + dense2)) / 1e9, rel=1e-4)
    assert result["s_per_epoch"] > 0 and 0 < result["conv_matmul_fraction_of_peak"]
    assert result["steps_timed"] == 3 and result["fast_paths"] is True


def small_cnn():
    import scratchnet as sn

    L = sn.layers
    model = sn.Sequential(
        [
            L.Conv2D(4, 3, activation="relu", input_shape=(9, 9, 2)),
            L.MaxPooling2D(2, 2),
            L.Conv2D(3, 2, strides=2, padding="same", activation="relu"),
            L.MaxPooling2D(2, 1, padding="same"),
            L.Flatten(),
            L.Dense(5, activation="softmax"),
        ],
        seed=3,
        dtype="float64",
    )
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    return model


def test_a_cnn_trains_to_the_same_weights_on_both_paths():
    # In a model, θ is one flat vector: the bias rides in the matmul (trick 13) and every other trick runs too.
    rng = np.random.default_rng(0)
    x, y = rng.random((48, 9, 9, 2)), rng.integers(0, 5, 48)
    fast = small_cnn()
    fast.fit(x, y, batch_size=8, epochs=2, verbose=0)
    assert all(speed.convolution.kernel_with_bias(layer, layer.params) is not None for layer in fast.layers[0:3:2])
    with speed.disabled():
        plain = small_cnn()
        plain.fit(x, y, batch_size=8, epochs=2, verbose=0)
    for w_fast, w_plain in zip(fast.get_weights(), plain.get_weights(), strict=True):
        np.testing.assert_allclose(w_fast, w_plain, rtol=1e-10, atol=1e-12)
    assert not np.allclose(fast.get_weights()[1], small_cnn().get_weights()[1])  # training moved the biases

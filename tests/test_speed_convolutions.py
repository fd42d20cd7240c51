"""The performance tricks of scratchnet.speed give the numbers of the readable path: the same forward, the
same gradients, the same max-pool tie rule, and a patch buffer that is reused, never grown by the dataset."""

from __future__ import annotations

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
)
def test_conv_fast_path_equals_readable_path(k, s, padding, hw, c):
    x = np.random.default_rng(0).standard_normal((2, hw, hw, c))
    (y1, dx1, g1), (y2, dx2, g2) = both_paths(lambda: built(Conv2D(3, k, strides=s, padding=padding), x.shape[1:]), x)
    np.testing.assert_array_equal(y1, y2)
    np.testing.assert_allclose(dx1, dx2, rtol=1e-12, atol=1e-12)
    for key in g1:
        np.testing.assert_allclose(g1[key], g2[key], rtol=1e-12, atol=1e-12)


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

"""The convolution figures (scratchnet/plotting/convolutions.py) and the lesson's example, examples/convolutions.py."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import scratchnet as sn
from scratchnet import plotting

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "convolutions.py"


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    import matplotlib.pyplot as plt

    plt.close("all")


def small_model():
    L = sn.layers
    return sn.Sequential(
        [
            L.Conv2D(4, 3, activation="relu", input_shape=(10, 10, 1)),
            L.MaxPooling2D(2),
            L.Conv2D(3, 2, activation="relu"),
            L.AveragePooling2D(2),
            L.Flatten(),
            L.Dense(2, activation="softmax"),
        ],
        seed=0,
    )


def test_feature_maps_are_the_layers_outputs():
    model = small_model()
    x = np.random.default_rng(0).random((3, 10, 10, 1))
    maps = plotting.feature_maps(model, x)
    assert list(maps) == [model.layers[i].name for i in range(4)]
    h = x.astype(np.float32)
    for layer in model.layers[:4]:  # the same forward, one layer at a time
        h = layer.forward(h)
        np.testing.assert_array_equal(maps[layer.name], h)
    assert maps[model.layers[3].name].shape == (3, 1, 1, 3)  # 10 -> 8 -> 4 -> 3 -> 1


def test_feature_maps_of_chosen_layers_and_unknown_names():
    model = small_model()
    x = np.zeros((1, 10, 10, 1))
    assert list(plotting.feature_maps(model, x, layers=[model.layers[2].name])) == [model.layers[2].name]
    with pytest.raises(ValueError, match="layers=\\['nope'\\]"):
        plotting.feature_maps(model, x, layers=["nope"])
    dense_only = sn.Sequential([sn.layers.Flatten(input_shape=(4, 4, 1)), sn.layers.Dense(2)])
    with pytest.raises(ValueError, match="no such layer"):
        plotting.feature_maps(dense_only, np.zeros((1, 4, 4, 1)))


def test_plot_feature_maps_one_axes_per_image_and_layer():
    model = small_model()
    fig = plotting.plot_feature_maps(
        model, np.random.default_rng(0).random((3, 10, 10, 1)), channel=2, labels=[0, 1, 0], class_names=["a", "b"]
    )
    assert len(fig.axes) == 3 * 4
    assert fig.axes[0].get_ylabel() == "a"
    with pytest.raises(ValueError, match="has 3 channels"):
        plotting.plot_feature_maps(model, np.zeros((1, 10, 10, 1)), channel=3)


def test_plot_kernels():
    w = np.random.default_rng(0).normal(size=(3, 3, 1, 10))
    fig = plotting.plot_kernels(w, max_filters=6, cols=3)
    assert len(fig.axes) == 6 + 1
    np.testing.assert_array_equal(fig.axes[1].images[0].get_array(), w[:, :, 0, 1])
    with pytest.raises(ValueError, match=r"\(kh, kw, C_in, F\)"):
        plotting.plot_kernels(np.zeros((784, 10)))


def test_the_convolutions_example_runs_on_a_small_subset(tmp_path):
    root = os.environ.get("SCRATCHNET_TEST_DATA")
    if not root:
        pytest.skip("SCRATCHNET_TEST_DATA is not set: the example needs Fashion-MNIST (CI sets ../shared/data).")
    env = {**os.environ, "SCRATCHNET_OFFLINE": "1", "XDG_CACHE_HOME": str(tmp_path / "cache"), "MPLBACKEND": "Agg"}
    args = ["--data-dir", root, "--train-samples", "640", "--test-samples", "100", "--epochs", "1", "--out", "figs"]
    done = subprocess.run(
        [sys.executable, str(EXAMPLE), *args], capture_output=True, text=True, env=env, cwd=tmp_path, timeout=300
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    assert "Total params: 243,786" in done.stdout
    accuracy = float(done.stdout.split("Test accuracy: ")[1].split()[0])
    assert 0.2 < accuracy <= 1.0  # 20 steps already beat chance (0.1) by far
    for name in ("conv_kernels.png", "conv_feature_maps.png", "conv_history.png"):
        assert (tmp_path / "figs" / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"

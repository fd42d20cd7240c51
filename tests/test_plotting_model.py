"""plot_model: the chain of layers with shapes, forward and backward arrows, drawn with matplotlib alone."""

from __future__ import annotations

import pytest

import scratchnet as sn

pytestmark = pytest.mark.usefixtures("agg_backend", "close_new_figures")


def _texts(fig) -> str:
    return "\n".join(t.get_text() for ax in fig.axes for t in ax.texts)


def test_every_layer_its_shape_and_its_gradients_are_drawn():
    model = sn.Sequential(
        [
            sn.layers.Flatten(input_shape=(28, 28)),
            sn.layers.Dense(128, activation="relu"),
            sn.layers.Dense(10, activation="softmax"),
        ]
    )
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    text = _texts(sn.plotting.plot_model(model))
    for layer in model.layers:
        assert layer.name in text
    for piece in ("Dense(128, relu)", "(None, 784)", "(None, 10)", "dW (784, 128), db (128,)", "dx (not needed)"):
        assert piece in text
    assert "crossentropy" in text  # the loss closes the chain


def test_arrows_go_both_ways_between_each_pair_of_neighbours():
    model = sn.Sequential([sn.layers.Dense(3, input_shape=(4,)), sn.layers.Dense(2)])
    fig = sn.plotting.plot_model(model, show_loss=False)
    arrows = [a for a in fig.axes[0].texts if getattr(a, "arrow_patch", None) is not None]
    # input -> dense -> dense_1: 2 forward + 2 backward, and one "to the optimizer" arrow per Dense.
    assert len(arrows) == 2 * 2 + 2


def test_a_model_without_layers_is_refused():
    with pytest.raises(TypeError, match="plot_model expected a Sequential model"):
        sn.plotting.plot_model(sn.Sequential())

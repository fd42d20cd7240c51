"""Saving and loading (scratchnet/saving.py)."""

from _helpers import mnist_model, raised

import scratchnet as sn
from scratchnet import layers


def test_loading_weights_into_a_model_of_another_shape(tmp_path):
    path = tmp_path / "weights.npz"
    mnist_model(input_shape=(28, 28)).save_weights(path)
    other = sn.Sequential([layers.Flatten(input_shape=(28, 28)), layers.Dense(64, activation="relu"), layers.Dense(10)])
    message = raised(ValueError, other.load_weights, path)
    assert f"Model '{other.name}': weight '{other.layers[1].name}/W' has shape (784, 64)." in message
    assert "Received: shape (784, 128)." in message
    assert "Were these weights saved from a model with other layer sizes?" in message


def test_loading_weights_into_a_model_with_other_layers(tmp_path):
    path = tmp_path / "weights.npz"
    mnist_model(input_shape=(28, 28)).save_weights(path)
    other = sn.Sequential([layers.Flatten(input_shape=(28, 28)), layers.Dense(10)])
    message = raised(ValueError, other.load_weights, path)
    assert f"Model '{other.name}' has 2 weight arrays" in message
    assert "Received: 4 arrays. Were they saved from a model with other layers?" in message


def test_load_model_on_a_weights_only_file(tmp_path):
    path = tmp_path / "weights.npz"
    mnist_model(input_shape=(28, 28)).save_weights(path)
    message = raised(ValueError, sn.models.load_model, path)
    assert "holds weights only (no model_config)" in message and "model.load_weights(path)" in message

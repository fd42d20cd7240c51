"""The functional API (scratchnet/layers/input_layer.py and models.Functional): Input, layers called on placeholders,
Model(inputs, outputs) over a chain training exactly like Sequential, several outputs for feature maps, and clear
errors for graphs that branch or merge."""

import numpy as np
import pytest
from _helpers import blobs, raised

import scratchnet as sn
from scratchnet import fused, layers


def functional_classifier(seed=0):
    inputs = sn.Input(shape=(8,))
    x = layers.Dense(16, activation="relu")(inputs)
    outputs = layers.Dense(4, activation="softmax")(x)
    return sn.Model(inputs=inputs, outputs=outputs, name="net"), inputs, outputs


def test_input_and_layer_calls_make_placeholders_with_keras_shapes():
    inputs = sn.Input(shape=(28, 28))
    assert inputs.shape == (None, 28, 28)
    flat = layers.Flatten()(inputs)
    hidden = layers.Dense(128, activation="relu")(flat)
    assert flat.shape == (None, 784) and hidden.shape == (None, 128)
    assert hidden.layer.output is hidden


def test_a_functional_chain_trains_exactly_like_the_same_sequential():
    x, y = blobs(128)
    model, _, _ = functional_classifier()
    assert isinstance(model, sn.Model) and isinstance(model, sn.Sequential)
    twin = sn.Sequential([layers.Dense(16, activation="relu", input_shape=(8,)), layers.Dense(4, activation="softmax")])
    twin.set_weights(model.get_weights())
    for m in (model, twin):
        m.rng = np.random.default_rng(5)  # the same shuffles
        m.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    assert model.fused_backward is fused.softmax_crossentropy_backward  # the same fused gradient
    h1 = model.fit(x, y, epochs=2, batch_size=16, verbose=0)
    h2 = twin.fit(x, y, epochs=2, batch_size=16, verbose=0)
    assert h1.history == h2.history
    for a, b in zip(model.get_weights(), twin.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)
    assert model.count_params() == 8 * 16 + 16 + 16 * 4 + 4
    lines = []
    model.summary(print_fn=lines.append)
    assert lines[0] == 'Model: "net"'


def test_sequential_can_start_with_an_input_as_in_keras_3():
    model = sn.Sequential([sn.Input(shape=(28, 28)), layers.Flatten(), layers.Dense(10, activation="softmax")])
    assert model.built and model.input_shape == (28, 28) and len(model.layers) == 2
    assert model.output_shape == (None, 10)
    with pytest.warns(UserWarning, match="Argument `input_shape` is deprecated. Use `shape` instead."):
        same = sn.Sequential([sn.layers.InputLayer(input_shape=(28, 28)), layers.Flatten(), layers.Dense(10)])
    assert same.built and same.count_params() == 7850
    message = raised(ValueError, sn.Sequential, [layers.Dense(3, input_shape=(2,)), sn.Input(shape=(3,))])
    assert "an Input or InputLayer can only come first" in message and "already been configured" in message


def test_input_dim_is_input_shape_of_one_axis():
    model = sn.Sequential([layers.Dense(64, activation="relu", input_dim=784), layers.Dense(10)])
    assert model.built and model.input_shape == (784,)
    assert "Give one" in raised(ValueError, layers.Dense, 3, input_dim=4, input_shape=(4,))


def test_feature_maps_model_returns_one_array_per_layer_output():
    x, y = blobs(32)
    model = sn.Sequential(
        [layers.Dense(16, activation="relu", input_shape=(8,)), layers.Dense(12), layers.Dense(4, activation="softmax")]
    )
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    model.fit(x, y, epochs=1, verbose=0)
    assert [layer.output_shape for layer in model.layers] == [(None, 16), (None, 12), (None, 4)]
    activation_model = sn.Model(inputs=model.inputs, outputs=[layer.output for layer in model.layers])
    maps = activation_model.predict(x[:5])
    assert [m.shape for m in maps] == [(5, 16), (5, 12), (5, 4)]
    np.testing.assert_allclose(maps[-1], model.predict(x[:5]), rtol=1e-6)
    np.testing.assert_allclose(maps[0], np.maximum(x[:5] @ model.layers[0].kernel + model.layers[0].bias, 0), rtol=1e-5)
    # one intermediate output alone
    hidden = sn.Model(inputs=model.inputs, outputs=model.layers[0].output).predict(x[:5])
    np.testing.assert_allclose(hidden, maps[0], rtol=1e-6)
    assert "can predict (one array per output) but not be trained" in raised(
        ValueError, activation_model.compile, optimizer="adam", loss="mse"
    )


def test_model_call_output_has_numpy_as_in_tensorflow():
    model, _, _ = functional_classifier()
    x, _ = blobs(3)
    out = model(x)
    plain = out.numpy()
    assert type(plain) is np.ndarray and plain.shape == (3, 4)
    np.testing.assert_allclose(plain.sum(axis=1), 1, rtol=1e-6)


def test_branches_and_shared_layers_build_graphs_and_foreign_outputs_are_refused_clearly():
    # Graphs beyond chains are tests/test_graph.py's subject; here: they are built, not refused.
    inputs = sn.Input(shape=(4,))
    a = layers.Dense(3)(inputs)
    b = layers.Dense(3)(inputs)
    two = sn.Model(inputs=inputs, outputs=[a, b])
    assert [p.shape for p in two.predict(np.ones((2, 4)))] == [(2, 3), (2, 3)]
    shared = layers.Dense(4)
    shared(inputs)
    assert shared(layers.Dense(4)(inputs)).shape == (None, 4)  # a second call, on another input: a shared layer
    other = sn.Input(shape=(4,))
    assert "not among the model's inputs" in raised(ValueError, sn.Model, inputs=other, outputs=a)
    assert "made by sn.Input" in raised(TypeError, sn.Model, inputs=np.zeros(3), outputs=a)
    assert "Model() needs inputs and outputs" in raised(TypeError, sn.Model)


def test_a_functional_model_saves_and_loads(tmp_path):
    model, _, _ = functional_classifier()
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    x, y = blobs(32)
    model.fit(x, y, epochs=1, verbose=0)
    model.save(tmp_path / "f.npz")
    loaded = sn.models.load_model(tmp_path / "f.npz")
    np.testing.assert_allclose(loaded.predict(x), model.predict(x), rtol=1e-6)

"""Keras 3 behaviour the corpus (tests/corpus/) needs: Input, input_dim, the functional API for chains, pop(),
fit(class_weight=, sample_weight=, initial_epoch=), .numpy() on outputs.

Each test states the Keras 3 behaviour as keras-team/keras 3.16 implements it (models/sequential.py,
models/functional.py, layers/core/input_layer.py, trainers/trainer.py, losses/loss.py).
"""

from __future__ import annotations

import numpy as np
import pytest

import scratchnet as sn


def _xy(n=64, d=4, classes=3, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, d)).astype(np.float32)
    y = (x[:, 0] > 0).astype(np.int64) + (x[:, 1] > 0.5)
    return x, y % classes


# --- A1. Input / InputLayer ---------------------------------------------------------------------------------------
def test_input_returns_symbolic_tensor_with_batch_axis():
    inputs = sn.Input(shape=(784,))
    assert tuple(inputs.shape) == (None, 784)
    assert str(inputs.dtype) == "float32"
    assert sn.layers.Input is sn.Input or sn.layers.Input(shape=(2,)).shape == (None, 2)


def test_sequential_with_input_first_is_built_and_input_not_in_layers():
    model = sn.Sequential([sn.Input(shape=(28, 28)), sn.layers.Flatten(), sn.layers.Dense(10, activation="softmax")])
    assert model.built
    assert len(model.layers) == 2  # Keras: the InputLayer is not in Sequential.layers
    assert model.count_params() == 784 * 10 + 10
    lines = []
    model.summary(print_fn=lines.append)
    assert not any("InputLayer" in line for line in lines)


def test_sequential_add_input_then_dense():
    model = sn.Sequential()
    model.add(sn.Input(shape=(4,)))
    model.add(sn.layers.Dense(2, activation="relu"))
    assert model.built and model.layers[0].kernel.shape == (4, 2)


def test_input_layer_with_deprecated_input_shape_builds_the_model():
    model = sn.Sequential()
    with pytest.warns(UserWarning, match="input_shape"):
        model.add(sn.layers.InputLayer(input_shape=[28, 28]))
    model.add(sn.layers.Flatten())
    model.add(sn.layers.Dense(3))
    assert model.built and model.layers[-1].kernel.shape == (784, 3)


def test_second_input_layer_is_refused():
    model = sn.Sequential([sn.Input(shape=(4,)), sn.layers.Dense(2)])
    with pytest.raises(ValueError, match="already been configured"):
        model.add(sn.Input(shape=(5,)))


def test_input_without_shape_is_a_clear_error():
    with pytest.raises(ValueError, match="shape"):
        sn.Input()


# --- A2. input_dim ------------------------------------------------------------------------------------------------
def test_input_dim_means_input_shape_of_one_axis():
    model = sn.Sequential([sn.layers.Dense(1, input_dim=784)])
    assert model.built and model.layers[0].kernel.shape == (784, 1)


# --- A3. functional API for a chain -------------------------------------------------------------------------------
def _functional(seed=0):
    inputs = sn.Input(shape=(4,), name="digits")
    x = sn.layers.Dense(8, activation="relu", name="dense_1")(inputs)
    outputs = sn.layers.Dense(3, activation="softmax", name="predictions")(x)
    return sn.Model(inputs=inputs, outputs=outputs)


def test_functional_chain_trains_exactly_like_sequential():
    x, y = _xy()
    functional = _functional()
    sequential = sn.Sequential(
        [sn.layers.Dense(8, activation="relu", input_shape=(4,)), sn.layers.Dense(3, activation="softmax")]
    )
    sequential.set_weights(functional.get_weights())
    for model in (functional, sequential):
        model.compile(optimizer=sn.optimizers.SGD(0.1), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    h1 = functional.fit(x, y, epochs=3, batch_size=16, shuffle=False, verbose=0)
    h2 = sequential.fit(x, y, epochs=3, batch_size=16, shuffle=False, verbose=0)
    np.testing.assert_allclose(h1.history["loss"], h2.history["loss"], rtol=1e-6)
    for a, b in zip(functional.get_weights(), sequential.get_weights(), strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-6)


def test_functional_layers_include_the_input_layer_and_get_layer_by_name():
    model = _functional()
    assert [type(layer).__name__ for layer in model.layers] == ["InputLayer", "Dense", "Dense"]
    assert model.get_layer("dense_1") is model.layers[1]
    with pytest.raises(ValueError, match="dense_9"):
        model.get_layer("dense_9")


def test_feature_extraction_model_predicts_a_list_of_layer_outputs():
    base = sn.Sequential([sn.Input(shape=(4,)), sn.layers.Dense(5, activation="relu"), sn.layers.Dense(3)])
    extractor = sn.Model(inputs=base.inputs, outputs=[layer.output for layer in base.layers])
    x, _ = _xy(n=7)
    outs = extractor.predict(x)
    assert isinstance(outs, list) and [o.shape for o in outs] == [(7, 5), (7, 3)]
    np.testing.assert_allclose(outs[-1], base.predict(x), rtol=1e-6)


def test_models_module_exports_model():
    assert sn.models.Model is sn.Model


# --- A4. pop ----------------------------------------------------------------------------------------------------------
def test_pop_removes_and_returns_the_last_layer():
    model = sn.Sequential([sn.layers.Dense(2), sn.layers.Dense(3), sn.layers.Dense(4)])
    last = model.layers[-1]
    assert model.pop() is last
    assert len(model.layers) == 2


# --- A5. fit(class_weight=, sample_weight=, initial_epoch=) -----------------------------------------------------------
def _fresh(seed=0):
    model = sn.Sequential([sn.layers.Dense(3, activation="softmax", input_shape=(4,))], seed=seed)
    model.compile(optimizer=sn.optimizers.SGD(0.1), loss="sparse_categorical_crossentropy")
    return model


def test_sample_weight_scales_each_example_loss_and_divides_by_batch_size():
    # Keras: loss = sum(w_i * l_i) / N (losses/loss.py reduce_values, "sum_over_batch_size").
    x, y = _xy(n=32)
    w = np.where(y == 1, 2.0, 1.0)
    model = _fresh()
    p = model.predict(x)
    per_example = -np.log(p[np.arange(32), y])
    h = model.fit(x, y, sample_weight=w, batch_size=32, epochs=1, shuffle=False, verbose=0)
    np.testing.assert_allclose(h.history["loss"][0], (w * per_example).sum() / 32, rtol=1e-5)


def test_class_weight_is_sample_weight_from_the_labels():
    x, y = _xy(n=32)
    a, b = _fresh(), _fresh()
    a.fit(x, y, class_weight={0: 1.0, 1: 3.0}, batch_size=8, epochs=2, shuffle=False, verbose=0)
    b.fit(x, y, sample_weight=np.where(y == 1, 3.0, 1.0), batch_size=8, epochs=2, shuffle=False, verbose=0)
    for wa, wb in zip(a.get_weights(), b.get_weights(), strict=True):
        np.testing.assert_allclose(wa, wb, rtol=1e-6)


def test_initial_epoch_runs_from_it_to_epochs_minus_one():
    x, y = _xy(n=16)
    h = _fresh().fit(x, y, epochs=5, initial_epoch=3, verbose=0)
    assert h.epoch == [3, 4]
    assert len(h.history["loss"]) == 2


# --- A6. History.params / .epoch (works today; kept here so the restructure keeps it) ---------------------------------
def test_history_params_and_epoch():
    x, y = _xy(n=16)
    h = _fresh().fit(x, y, epochs=2, batch_size=8, verbose=0)
    assert h.params == {"verbose": 0, "epochs": 2, "steps": 2}
    assert h.epoch == [0, 1]


# --- A7. .numpy() on outputs ------------------------------------------------------------------------------------------
def test_model_call_output_has_numpy_returning_a_plain_array():
    model = _fresh()
    x, _ = _xy(n=3)
    out = model(x).numpy()
    assert type(out) is np.ndarray and out.shape == (3, 3)
    np.testing.assert_allclose(out, model.predict(x), rtol=1e-6)

"""Saving and loading: round trips, no pickle, shape checks that leave the model unchanged, atomic writes."""

import json
import os

import numpy as np
import pytest

import scratchnet as sn
from scratchnet import layers, losses, optimizers
from scratchnet.models import load_model


def blobs(n=64, d=6, c=3, seed=0):
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((c, d))
    y = rng.integers(0, c, n)
    return (centres[y] + rng.standard_normal((n, d))).astype(np.float32), y


def trained_model(seed=0, dtype="float32"):
    x, y = blobs()
    model = sn.Sequential(
        [
            layers.Dense(12, activation="relu", input_shape=(6,)),
            layers.Dropout(0.25, seed=5),
            layers.Dense(3, activation="softmax"),
        ],
        seed=seed,
        dtype=dtype,
    )
    model.compile(optimizers.Adam(learning_rate=0.01, beta_2=0.99), "sparse_categorical_crossentropy", ["accuracy"])
    model.fit(x, y, epochs=2, verbose=0)
    return model, x, y


def assert_same_weights(a, b):
    wa, wb = a.get_weights(), b.get_weights()
    assert len(wa) == len(wb)
    for u, v in zip(wa, wb, strict=True):
        assert u.dtype == v.dtype
        np.testing.assert_array_equal(u, v)


def test_save_weights_and_load_weights_round_trip(tmp_path):
    model, x, _ = trained_model()
    path = tmp_path / "weights.npz"
    model.save_weights(path)

    fresh, _, _ = trained_model(seed=1)
    assert not np.array_equal(fresh.get_weights()[0], model.get_weights()[0])
    kernel = fresh.layers[0].kernel
    fresh.load_weights(str(path))  # a str works as well as a Path
    assert_same_weights(fresh, model)
    assert fresh.layers[0].kernel is kernel  # loaded in place, into the arrays the layers hold
    np.testing.assert_array_equal(fresh.predict(x), model.predict(x))


def test_saved_files_are_plain_npz_without_pickle(tmp_path):
    model, _, _ = trained_model()
    model.save_weights(tmp_path / "weights.npz")
    model.save(tmp_path / "model.npz")
    for name in ("weights.npz", "model.npz"):
        with np.load(tmp_path / name, allow_pickle=False) as data:
            arrays = {k: data[k] for k in data.files}
        assert all(a.dtype != object for a in arrays.values())
        assert json.loads(bytes(arrays["weight_names"]).decode()) == model.weight_names
        weights = [arrays[k] for k in sorted(arrays) if k.startswith("weight_") and k != "weight_names"]
        for saved, own in zip(weights, model.get_weights(), strict=True):
            np.testing.assert_array_equal(saved, own)
    with np.load(tmp_path / "model.npz", allow_pickle=False) as data:
        spec = json.loads(bytes(data["model_config"]).decode())
    assert spec["class_name"] == "Sequential"
    assert [layer["class_name"] for layer in spec["config"]["layers"]] == ["Dense", "Dropout", "Dense"]


def test_save_and_load_model_round_trip(tmp_path):
    model, x, y = trained_model()
    path = tmp_path / "model.npz"
    model.save(path)
    loaded = load_model(path)

    assert_same_weights(loaded, model)
    np.testing.assert_array_equal(loaded.predict(x), model.predict(x))
    assert [type(layer) for layer in loaded.layers] == [type(layer) for layer in model.layers]
    assert [layer.name for layer in loaded.layers] == [layer.name for layer in model.layers]
    assert loaded.layers[0].activation.activation_name == "relu"
    assert loaded.layers[1].rate == 0.25 and loaded.layers[1].seed == 5
    # Compile settings come back too.
    assert type(loaded.optimizer) is optimizers.Adam
    assert loaded.optimizer.get_config() == model.optimizer.get_config()
    assert type(loaded.loss) is losses.SparseCategoricalCrossentropy and loaded.loss.from_logits is False
    assert loaded.metric_names == ["accuracy"]
    np.testing.assert_allclose(loaded.evaluate(x, y, verbose=0), model.evaluate(x, y, verbose=0), rtol=1e-6)
    # ... and it trains on.
    history = loaded.fit(x, y, epochs=1, verbose=0)
    assert set(history.history) == {"loss", "accuracy"}


def test_round_trip_keeps_float64_from_logits_and_a_nested_model(tmp_path):
    x, y = blobs()
    inner = sn.Sequential([layers.Dense(5, activation="tanh", input_shape=(6,)), layers.Dense(3)], dtype="float64")
    model = sn.Sequential([inner, layers.Softmax()], dtype="float64", seed=3)
    model.compile(optimizers.SGD(0.05, momentum=0.5, nesterov=True), losses.SparseCategoricalCrossentropy())
    model.fit(x, y, epochs=1, verbose=0)
    model.save(tmp_path / "nested.npz")
    loaded = load_model(tmp_path / "nested.npz")
    assert loaded.dtype == np.float64
    assert isinstance(loaded.layers[0], sn.Sequential) and isinstance(loaded.layers[1], layers.Softmax)
    assert_same_weights(loaded, model)
    np.testing.assert_array_equal(loaded.predict(x), model.predict(x))
    assert loaded.optimizer.get_config() == {"learning_rate": 0.05, "momentum": 0.5, "nesterov": True}

    logits = sn.Sequential([layers.Dense(3, input_shape=(6,))])
    logits.compile("rmsprop", losses.CategoricalCrossentropy(from_logits=True))
    logits.save(tmp_path / "logits.npz")
    again = load_model(tmp_path / "logits.npz")
    assert type(again.loss) is losses.CategoricalCrossentropy and again.loss.from_logits is True
    assert type(again.optimizer) is optimizers.RMSprop


def test_a_model_built_by_its_first_data_saves_and_loads(tmp_path):
    x, y = blobs()
    model = sn.Sequential([layers.Dense(4, activation="relu"), layers.Dense(3, activation="softmax")], seed=0)
    model.compile("adam", "sparse_categorical_crossentropy")
    model.fit(x, y, epochs=1, verbose=0)
    model.save(tmp_path / "lazy.npz")
    loaded = load_model(tmp_path / "lazy.npz")
    assert loaded.built
    np.testing.assert_array_equal(loaded.predict(x), model.predict(x))


def test_an_uncompiled_model_loads_uncompiled(tmp_path):
    model = sn.Sequential([layers.Dense(2, input_shape=(3,))])
    model.save(tmp_path / "m.npz")
    loaded = load_model(tmp_path / "m.npz")
    assert loaded.optimizer is None and loaded.loss is None
    assert_same_weights(loaded, model)


@pytest.mark.parametrize(
    "layer",
    [
        layers.Dense(3, activation="tanh", use_bias=False, kernel_initializer="he_normal", bias_initializer="ones"),
        layers.Flatten(input_shape=(2, 2)),
        layers.Dropout(0.3, seed=4),
        layers.Activation("sigmoid"),
        layers.ReLU(),
        layers.Softmax(),
        layers.Sigmoid(),
        layers.Tanh(),
    ],
    ids=lambda layer: type(layer).__name__,
)
def test_every_layer_rebuilds_from_its_config(layer):
    config = json.loads(json.dumps(layer.get_config()))  # what model.save writes: plain JSON
    again = type(layer).from_config(config)
    assert again.get_config() == layer.get_config()


# --- loading into the wrong model ------------------------------------------------------------------------------------
def test_loading_weights_of_another_shape_leaves_the_model_unchanged(tmp_path):
    model, _, _ = trained_model()
    model.save_weights(tmp_path / "weights.npz")
    # The first layer matches, the last does not: nothing may be written, not even the first arrays.
    other = sn.Sequential(
        [layers.Dense(12, activation="relu", input_shape=(6,)), layers.Dropout(0.25), layers.Dense(5)], seed=9
    )
    before = other.get_weights()
    with pytest.raises(ValueError, match=r"has shape \(12, 5\)\. Received: shape \(12, 3\)"):
        other.load_weights(tmp_path / "weights.npz")
    for b, a in zip(before, other.get_weights(), strict=True):
        np.testing.assert_array_equal(b, a)


# --- atomic writes ----------------------------------------------------------------------------------------------------
def _failing_savez(file, **arrays):
    """Writes part of a file, then fails: a disk filling up in the middle of a save."""
    file.write(b"PK\x03\x04 half of a zip file")
    raise OSError("No space left on device")


@pytest.mark.parametrize("method", ["save_weights", "save"])
def test_a_failed_write_keeps_the_previous_file_and_leaves_no_temp_file(tmp_path, monkeypatch, method):
    model, x, _ = trained_model()
    path = tmp_path / "model.npz"
    getattr(model, method)(path)
    previous = path.read_bytes()
    assert os.listdir(tmp_path) == ["model.npz"]  # a successful save leaves only its file

    model.fit(x, np.zeros(len(x), dtype=int), epochs=1, verbose=0)  # new weights to (fail to) save
    monkeypatch.setattr(np, "savez", _failing_savez)
    with pytest.raises(OSError, match="No space left on device"):
        getattr(model, method)(path)

    assert path.read_bytes() == previous
    assert os.listdir(tmp_path) == ["model.npz"]


def test_a_failed_first_write_leaves_nothing(tmp_path, monkeypatch):
    model, _, _ = trained_model()
    monkeypatch.setattr(np, "savez", _failing_savez)
    with pytest.raises(OSError):
        model.save_weights(tmp_path / "weights.npz")
    assert os.listdir(tmp_path) == []

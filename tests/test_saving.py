"""Saving and loading: round trips, no pickle, shape checks that leave the model unchanged, atomic writes."""

import json
import os
import stat
import subprocess
import sys
import tempfile
import zipfile

import numpy as np
import pytest
from _helpers import mnist_model, raised

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


def test_load_model_compile_false_leaves_it_uncompiled_as_in_keras(tmp_path):
    model, x, _ = trained_model()
    model.save(tmp_path / "m.npz")
    loaded = load_model(tmp_path / "m.npz", compile=False, safe_mode=True)
    assert loaded.optimizer is None and loaded.loss is None
    np.testing.assert_array_equal(loaded.predict(x), model.predict(x))
    with pytest.raises(TypeError, match="expected compile to be True or False"):
        load_model(tmp_path / "m.npz", compile="no")


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


# --- saving to a path that cannot be written: the error names the user's path, never a hidden temp file ------------
def small_model():
    model = sn.Sequential([layers.Dense(2, input_shape=(3,))], seed=0)
    model.compile("sgd", "mse")
    return model


def assert_clear(message, *needles):
    assert ".tmp" not in message and "allow_pickle" not in message
    for needle in needles:
        assert needle in message, f"{needle!r} not in {message!r}"


@pytest.mark.parametrize("method", ["save", "save_weights"])
def test_saving_into_a_missing_folder_names_the_folder_and_how_to_create_it(tmp_path, method):
    path = tmp_path / "no_such_folder" / "model.npz"
    with pytest.raises(FileNotFoundError) as info:
        getattr(small_model(), method)(path)
    assert_clear(str(info.value), str(path), str(tmp_path / "no_such_folder"), "os.makedirs")


def test_saving_to_an_existing_folder_suggests_a_file_name(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "saved_model").mkdir()
    with pytest.raises(IsADirectoryError) as info:
        small_model().save("saved_model")  # Keras 2's SavedModel habit
    assert_clear(
        str(info.value), "'saved_model' is a folder", "saved_model.npz", os.path.join("saved_model", "model.npz")
    )
    assert os.listdir(tmp_path / "saved_model") == []


def test_saving_to_a_path_ending_in_a_slash_says_it_names_a_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(IsADirectoryError, match=r"'out/' ends with a slash, so it names a folder.*save\('out.npz'\)"):
        small_model().save("out/")
    assert os.listdir(tmp_path) == []


def test_saving_into_a_read_only_folder_names_the_folder(tmp_path, monkeypatch):
    # As root, chmod cannot make a folder read-only, so the refusal comes from mkstemp as the OS would give it.
    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied", os.path.join(str(tmp_path), ".model.npz.123.abcdefgh.tmp"))

    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    with pytest.raises(PermissionError) as info:
        small_model().save(tmp_path / "model.npz")
    assert_clear(str(info.value), str(tmp_path / "model.npz"), f"write in the folder '{tmp_path}'")


@pytest.mark.parametrize("path", ["", "   "])
def test_saving_to_an_empty_path_asks_for_a_file_name(path):
    with pytest.raises(ValueError, match=r"needs a file name, e.g. save\('model.npz'\)"):
        small_model().save(path)


def test_saving_to_something_that_is_not_a_path_is_a_type_error():
    with pytest.raises(TypeError, match="expected a file path"):
        small_model().save(42)


# --- temp files of a killed save, and permissions ----------------------------------------------------------------
_KILLED_SAVE = """
import sys, time
import numpy as np
import scratchnet as sn

def slow_savez(file, **arrays):
    file.write(b"PK\\x03\\x04" + bytes(100_000))
    file.flush()
    print("writing", flush=True)
    time.sleep(60)

np.savez = slow_savez
model = sn.Sequential([sn.layers.Dense(2, input_shape=(3,))])
model.save(sys.argv[1])
"""


def test_a_save_killed_mid_write_leaves_a_temp_file_that_the_next_save_removes(tmp_path):
    path = tmp_path / "model.npz"
    child = subprocess.Popen([sys.executable, "-c", _KILLED_SAVE, str(path)], stdout=subprocess.PIPE)
    try:
        assert child.stdout.readline() == b"writing\n"
    finally:
        child.kill()  # SIGKILL: no except block, no finally, runs in the child
        child.wait()
    left = [name for name in os.listdir(tmp_path) if name.endswith(".tmp")]
    assert len(left) == 1 and os.path.getsize(tmp_path / left[0]) >= 100_000  # what a kill -9 leaves

    small_model().save(path)
    assert os.listdir(tmp_path) == ["model.npz"]
    load_model(path)


def test_the_temp_file_of_a_save_still_running_elsewhere_is_left_alone(tmp_path):
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        busy = tmp_path / f".model.npz.{sleeper.pid}.abcd1234.tmp"
        busy.write_bytes(b"PK half written")
        other = tmp_path / ".other.npz.1.abcd1234.tmp"  # another file's temp: not ours to judge
        other.write_bytes(b"PK")
        small_model().save(tmp_path / "model.npz")
        assert sorted(os.listdir(tmp_path)) == sorted(["model.npz", busy.name, other.name])
    finally:
        sleeper.kill()
        sleeper.wait()
    small_model().save(tmp_path / "model.npz")  # now its writer is gone
    assert sorted(os.listdir(tmp_path)) == sorted(["model.npz", other.name])


@pytest.mark.parametrize("umask", [0o022, 0o002, 0o077])
@pytest.mark.parametrize("method", ["save", "save_weights"])
def test_saved_files_get_the_permissions_of_the_umask_not_0600(tmp_path, umask, method):
    old = os.umask(umask)
    try:
        getattr(small_model(), method)(tmp_path / "model.npz")
    finally:
        os.umask(old)
    assert stat.S_IMODE(os.stat(tmp_path / "model.npz").st_mode) == 0o666 & ~umask


def test_overwriting_a_file_keeps_its_permissions(tmp_path):
    path = tmp_path / "model.npz"
    small_model().save(path)
    os.chmod(path, 0o640)
    small_model().save(path)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o640


# --- loading a file that is not a scratchnet model: say what it is not, name it, never suggest allow_pickle --------
def _saved(tmp_path, method="save"):
    path = tmp_path / "model.npz"
    getattr(small_model(), method)(path)
    return path


def _npz(path, **arrays):
    with open(path, "wb") as f:
        np.savez(f, **arrays)
    return path


def _spec_file(tmp_path, spec):
    model = small_model()
    arrays = {f"weight_{i:03d}": w for i, w in enumerate(model.get_weights())}
    arrays["weight_names"] = np.frombuffer(json.dumps(model.weight_names).encode(), dtype=np.uint8)
    arrays["model_config"] = np.frombuffer(json.dumps(spec).encode(), dtype=np.uint8)
    return _npz(tmp_path / "model.npz", **arrays)


def _keras_archive(path):
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("metadata.json", '{"keras_version": "3.3.3"}')
        archive.writestr("config.json", '{"class_name": "Sequential"}')
        archive.writestr("model.weights.h5", b"\x89HDF\r\n\x1a\n" + bytes(64))
    return path


def _good_spec(**changes):
    spec = {"format_version": 1, "class_name": "Sequential", "config": small_model().get_config()}
    spec.update(changes)
    return spec


def _write(path, data):
    path.write_bytes(data)
    return path


def _truncated(tmp):
    path = _saved(tmp)
    return _write(path, path.read_bytes()[: path.stat().st_size // 2])


BAD_FILES = {
    "empty": (lambda tmp: _write(tmp / "model.npz", b""), "is empty (0 bytes)"),
    "truncated": (_truncated, "is damaged or cut short"),
    "random bytes": (
        lambda tmp: _write(tmp / "model.npz", np.random.default_rng(0).bytes(300)),
        "is not a file saved by scratchnet",
    ),
    "hdf5": (lambda tmp: _write(tmp / "model.h5", b"\x89HDF\r\n\x1a\n" + bytes(2000)), "is an HDF5 file"),
    "keras archive": (lambda tmp: _keras_archive(tmp / "model.keras"), "is a Keras .keras archive"),
    "npy": (lambda tmp: (np.save(tmp / "w.npy", np.ones(3)), tmp / "w.npy")[1], "is a single NumPy array"),
    "plain zip": (
        lambda tmp: (zipfile.ZipFile(tmp / "a.zip", "w").close(), tmp / "a.zip")[1],
        "is a zip archive but not a file saved by scratchnet",
    ),
    "pickled object array": (
        lambda tmp: _npz(tmp / "model.npz", weight_000=np.array([{"a": 1}], dtype=object)),
        "holds pickled Python objects",
    ),
    "someone else's npz": (lambda tmp: _npz(tmp / "w.npz", arr_0=np.ones(3)), "not one saved by scratchnet"),
}


@pytest.mark.parametrize("kind", list(BAD_FILES))
@pytest.mark.parametrize("who", ["load_model", "load_weights"])
def test_loading_a_file_that_is_not_ours_says_what_it_is_not(tmp_path, kind, who):
    make, expected = BAD_FILES[kind]
    path = make(tmp_path)
    with pytest.raises(ValueError) as info:
        load_model(path) if who == "load_model" else small_model().load_weights(path)
    assert_clear(str(info.value), f"{who}()", str(path), expected)


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        (_good_spec(format_version=99), "saved by a newer scratchnet (format_version 99)"),
        (_good_spec(format_version="1"), "unknown format_version '1'"),
        ({"class_name": "Sequential", "config": {}}, "no format_version"),
        (["not", "a", "dict"], "no format_version"),
        (_good_spec(class_name="Pipeline"), "holds a 'Pipeline'"),
        (_good_spec(config={"layers": [{"config": {}}]}), "a layer entry has no class_name"),
        (_good_spec(config={"layers": [{"class_name": "Dense", "config": {"unitz": 3}}]}), "could not rebuild"),
        (_good_spec(config={"layers": "Dense"}), "has no list of layers"),
        (
            _good_spec(compile={"optimizer": {"class_name": "Ftrl", "config": {}}, "loss": None, "metrics": []}),
            "'Ftrl', which is not built into scratchnet",
        ),
        (
            _good_spec(compile={"optimizer": {"class_name": "SGD", "config": {"rate": 1}}, "loss": None}),
            "compile settings saved in",
        ),
    ],
    ids=lambda v: v if isinstance(v, str) else "",
)
def test_a_foreign_newer_or_damaged_model_config_is_a_clear_error(tmp_path, spec, expected):
    path = _spec_file(tmp_path, spec)
    with pytest.raises(ValueError) as info:
        load_model(path)
    assert_clear(str(info.value), str(path), expected)


def test_a_corrupted_json_entry_is_named(tmp_path):
    path = _saved(tmp_path)
    with np.load(path) as data:
        arrays = {k: data[k] for k in data.files}
    arrays["model_config"] = arrays["model_config"][:-7]
    _npz(path, **arrays)
    with pytest.raises(ValueError) as info:
        load_model(path)
    assert_clear(str(info.value), str(path), "its 'model_config' entry is not valid JSON")


def test_a_weights_only_file_given_to_load_model_says_how_to_load_it(tmp_path):
    path = _saved(tmp_path, "save_weights")
    with pytest.raises(ValueError) as info:
        load_model(path)
    assert_clear(str(info.value), str(path), "holds weights only", f"model.load_weights('{path}')")


def test_loading_a_missing_file_or_a_folder_names_it(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    small_model().save("model.npz")
    with pytest.raises(FileNotFoundError, match=r"there is no file 'model'.*Did you mean 'model.npz'\?"):
        load_model("model")
    (tmp_path / "saved_model").mkdir()
    (tmp_path / "saved_model" / "saved_model.pb").write_bytes(b"")
    with pytest.raises(IsADirectoryError, match="'saved_model' is a TensorFlow SavedModel folder"):
        load_model("saved_model")


# --- custom layers, as Keras loads them --------------------------------------------------------------------------
class MyLeakyReLU(layers.Layer):
    """A learner's own layer: y = x if x > 0 else alpha * x."""

    def __init__(self, alpha=0.3, **kwargs):
        super().__init__(**kwargs)
        self.alpha = alpha

    def forward(self, x, training=False):
        self.x = x
        return np.where(x > 0, x, self.alpha * x)

    def backward(self, dy):
        return np.where(self.x > 0, dy, self.alpha * dy)

    def get_config(self):
        return {**super().get_config(), "alpha": self.alpha}


def custom_model():
    x, y = blobs()
    model = sn.Sequential([layers.Dense(8, input_shape=(6,)), MyLeakyReLU(alpha=0.1), layers.Dense(3, "softmax")])
    model.compile("adam", "sparse_categorical_crossentropy", ["accuracy"])
    model.fit(x, y, epochs=1, verbose=0)
    return model, x


def test_load_model_rebuilds_a_custom_layer_from_custom_objects(tmp_path):
    model, x = custom_model()
    model.save(tmp_path / "custom.npz")
    loaded = load_model(tmp_path / "custom.npz", custom_objects={"MyLeakyReLU": MyLeakyReLU})
    assert isinstance(loaded.layers[1], MyLeakyReLU) and loaded.layers[1].alpha == 0.1
    np.testing.assert_array_equal(loaded.predict(x), model.predict(x))


def test_without_custom_objects_the_error_names_the_class_and_both_ways_forward(tmp_path):
    model, _ = custom_model()
    path = tmp_path / "custom.npz"
    model.save(path)
    with pytest.raises(ValueError) as info:
        load_model(path)
    assert_clear(
        str(info.value), "'MyLeakyReLU'", "custom_objects={'MyLeakyReLU': MyLeakyReLU}", f"model.load_weights('{path}')"
    )


def test_custom_objects_must_map_names_to_classes(tmp_path):
    path = _saved(tmp_path)
    with pytest.raises(TypeError, match="must be a class, not an instance"):
        load_model(path, custom_objects={"MyLeakyReLU": MyLeakyReLU()})
    with pytest.raises(TypeError, match="a dict from class name to class"):
        load_model(path, custom_objects=[MyLeakyReLU])


# --- trap 6: more than 1,000 weight arrays keep their order --------------------------------------------------------
def test_more_than_a_thousand_weight_arrays_load_in_their_saved_order(tmp_path):
    def deep(seed):  # built once at the end: adding to a built model rebuilds it each time
        model = sn.Sequential([layers.Dense(1) for _ in range(551)], seed=seed)
        model.build((1,))
        return model

    model = deep(0)
    assert len(model.trainable_weights) == 1102
    for i, w in enumerate(model.trainable_weights):
        w[...] = i  # every array a different value, so any reordering shows
    model.save(tmp_path / "deep.npz")
    fresh = deep(1)
    fresh.load_weights(tmp_path / "deep.npz")
    assert [float(w.ravel()[0]) for w in fresh.get_weights()] == list(range(1102))
    loaded = load_model(tmp_path / "deep.npz")
    assert [float(w.ravel()[0]) for w in loaded.get_weights()] == list(range(1102))


def test_a_file_missing_a_weight_array_is_damaged_not_silently_shifted(tmp_path):
    path = _saved(tmp_path)
    with np.load(path) as data:
        arrays = {k: data[k] for k in data.files if k != "weight_000"}
    _npz(path, **arrays)
    with pytest.raises(ValueError) as info:
        small_model().load_weights(path)
    assert_clear(str(info.value), str(path), "is damaged: it names 2 weight arrays but holds 1")


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
    assert "holds weights only (no model_config)" in message and f"model.load_weights('{path}')" in message

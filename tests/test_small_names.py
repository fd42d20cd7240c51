"""The small names programs stop at: sn.keras, sn.newaxis, sn.get_logger, sn.random.set_seed, clone_model,
model.input/output on a Sequential, the backend's image functions, the import paths, and one-line answers for what
scratchnet lacks (under `from X import Y` too)."""

import importlib
import logging

import numpy as np
import pytest

import scratchnet as sn


def test_a_plain_import_swap_reaches_keras_names():
    tf = sn
    assert tf.keras.layers.Dense is sn.layers.Dense and tf.keras.Sequential is sn.Sequential
    x = np.zeros((2, 3))
    assert x[..., tf.newaxis].shape == (2, 3, 1)
    logger = tf.get_logger()
    assert isinstance(logger, logging.Logger)
    logger.setLevel("ERROR")


def test_random_set_seed_makes_runs_repeatable():
    def run():
        sn.random.set_seed(7)
        model = sn.Sequential([sn.layers.Dense(2, input_shape=(3,))])
        return model.get_weights()[0], sn.data.Dataset.range(20).shuffle(20).take(5)

    (w1, d1), (w2, d2) = run(), run()
    assert np.array_equal(w1, w2) and list(d1) == list(d2)


def test_clone_model_has_the_architecture_and_new_weights():
    model = sn.Sequential([sn.layers.Dense(4, "relu", input_shape=(3,)), sn.layers.Dense(2)], seed=0)
    clone = sn.models.clone_model(model)
    assert [type(layer) for layer in clone.layers] == [type(layer) for layer in model.layers]
    assert [w.shape for w in clone.get_weights()] == [w.shape for w in model.get_weights()]
    assert not np.allclose(clone.get_weights()[0], model.get_weights()[0])
    assert clone.layers[0] is not model.layers[0] and clone.optimizer is None
    clone.set_weights(model.get_weights())
    x = np.ones((2, 3), np.float32)
    np.testing.assert_allclose(clone.predict(x), model.predict(x))
    clone.layers[0].params["W"][...] = 0
    assert not np.allclose(model.layers[0].params["W"], 0)  # no array shared


def test_sequential_input_and_output_build_feature_extractors():
    model = sn.Sequential([sn.layers.Dense(4, "relu", input_shape=(3,)), sn.layers.Dense(2)])
    assert model.input.shape == (None, 3) and model.output.shape == (None, 2)
    features = sn.Model(inputs=model.input, outputs=model.layers[0].output)
    x = np.ones((5, 3), np.float32)
    np.testing.assert_allclose(features.predict(x), model.layers[0](x), rtol=1e-6)
    with pytest.raises(AttributeError, match="not built"):
        _ = sn.Sequential([sn.layers.Dense(2)]).input


def test_backend_image_data_format_epsilon_and_values():
    assert sn.backend.image_data_format() == "channels_last" and sn.backend.epsilon() == 1e-7
    sn.backend.set_image_data_format("channels_last")
    with pytest.raises(ValueError, match="channels_last"):
        sn.backend.set_image_data_format("channels_first")
    w = np.zeros(3, np.float32)
    sn.backend.set_value(w, [1, 2, 3])
    assert w.tolist() == [1, 2, 3] and sn.backend.get_value(w).tolist() == [1, 2, 3]
    with pytest.raises(TypeError, match=r"learning_rate = 0\.001"):
        sn.backend.set_value(0.01, 0.001)


@pytest.mark.parametrize(
    ("statement", "name"),
    [
        ("from scratchnet.preprocessing.image import ImageDataGenerator", "ImageDataGenerator"),
        ("from scratchnet.preprocessing.text import Tokenizer", "Tokenizer"),
        ("from scratchnet.preprocessing.sequence import pad_sequences", "pad_sequences"),
        ("from scratchnet.layers.experimental.preprocessing import Rescaling", "Rescaling"),
        ("from scratchnet.layers import TextVectorization", "TextVectorization"),
        ("from scratchnet.utils import image_dataset_from_directory", "image_dataset_from_directory"),
        ("from scratchnet.utils import get_file", "get_file"),
        ("from scratchnet.utils import pad_sequences", "pad_sequences"),
        ("from scratchnet.preprocessing import image_dataset_from_directory", "image_dataset_from_directory"),
        ("from scratchnet.data import Dataset", "Dataset"),
    ],
)
def test_the_import_paths_programs_use(statement, name):
    namespace: dict = {}
    exec(statement, namespace)
    assert callable(namespace[name])


@pytest.mark.parametrize(
    ("module", "name", "says"),
    [
        ("scratchnet", "applications", "no pretrained models"),
        ("scratchnet.utils", "plot_model", "model.summary()"),
        ("scratchnet.utils", "text_dataset_from_directory", "Dataset.from_tensor_slices"),
        ("scratchnet.preprocessing", "text_dataset_from_directory", "Dataset.from_tensor_slices"),
        ("scratchnet.preprocessing", "timeseries", "image, image_dataset_from_directory, sequence, text"),
    ],
)
def test_missing_names_answer_in_one_line_as_attribute_and_under_from_import(module, name, says):
    mod = importlib.import_module(module)
    with pytest.raises(AttributeError) as attribute:
        getattr(mod, name)
    with pytest.raises(ImportError) as from_import:
        exec(f"from {module} import {name}", {})
    for info in (attribute, from_import):
        assert says in str(info.value) and "\n" not in str(info.value)
    assert not hasattr(mod, name)


def test_huber_loss_against_its_definition_and_finite_differences():
    rng = np.random.default_rng(0)
    y, p = rng.normal(size=(5, 3)), rng.normal(size=(5, 3)) * 2
    loss = sn.losses.Huber(delta=0.7)
    e = np.abs(p - y)
    expected = np.where(e <= 0.7, 0.5 * e**2, 0.7 * (e - 0.35)).mean()
    assert loss.forward(y, p) == pytest.approx(expected)
    numeric = np.zeros_like(p)
    for i in np.ndindex(p.shape):
        step = np.zeros_like(p)
        step[i] = 1e-6
        numeric[i] = (loss.forward(y, p + step) - loss.forward(y, p - step)) / 2e-6
    np.testing.assert_allclose(loss.backward(y, p), numeric, atol=1e-8)
    assert isinstance(sn.losses.get("huber"), sn.losses.Huber)
    assert sn.metrics.mse(np.array([1.0, 2.0]), np.array([1.0, 3.0])) == pytest.approx(0.5)
    assert sn.metrics.mae(np.array([1.0, 2.0]), np.array([1.0, 3.0])) == pytest.approx(0.5)


def test_trainable_false_is_kept_on_save_load_and_clone(tmp_path):
    # (The optimizer leaving frozen weights alone is the layer contract's trainable_keys(), branch `layers`.)
    model = sn.Sequential([sn.layers.Dense(3, input_shape=(4,), trainable=False), sn.layers.Dense(2)])
    model.layers[1].trainable = False
    model.compile("adam", "mse")
    model.save(tmp_path / "frozen.npz")
    loaded = sn.models.load_model(tmp_path / "frozen.npz")
    assert [layer.trainable for layer in loaded.layers] == [False, False]
    assert [layer.trainable for layer in sn.models.clone_model(model).layers] == [False, False]
    assert sn.layers.Dense(2).trainable and "trainable" not in sn.layers.Dense(2).get_config()


def test_unfreezing_and_recompiling_trains_the_unfrozen_layers():
    rng = np.random.default_rng(0)
    x = rng.random((64, 5)).astype("float32")
    y = (x[:, 0] > 0.5).astype("float32")
    model = sn.Sequential([sn.layers.Dense(4, activation="relu", input_shape=(5,)), sn.layers.Dense(1, "sigmoid")])
    model.layers[0].trainable = False
    model.compile(sn.optimizers.SGD(0.1), "binary_crossentropy")
    frozen = model.layers[0].params["W"].copy()
    model.fit(x, y, epochs=1, verbose=0)
    np.testing.assert_array_equal(model.layers[0].params["W"], frozen)
    model.layers[0].trainable = True
    model.compile(sn.optimizers.SGD(0.1), "binary_crossentropy")
    model.fit(x, y, epochs=1, verbose=0)
    assert not np.allclose(model.layers[0].params["W"], frozen)

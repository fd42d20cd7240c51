"""Mistakes in a callback's path, format string or function, and in fit/evaluate's arguments, are refused when the
callback is made or when fit starts (before an epoch of training), with the user's path and a fix in the message."""

import os

import numpy as np
import pytest

import scratchnet as sn
from scratchnet import callbacks as C
from scratchnet import layers as L

rng = np.random.default_rng(0)
X = rng.random((32, 4)).astype("float32")
Y = rng.integers(0, 3, 32)


def model():
    m = sn.Sequential([L.Input((4,)), L.Dense(3, activation="softmax")])
    m.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
    return m


class CountEpochs(C.Callback):
    def __init__(self):
        super().__init__()
        self.epochs = 0

    def on_epoch_end(self, epoch, logs=None):
        self.epochs += 1


def refused_before_training(callback, error, *words):
    counter = CountEpochs()
    with pytest.raises(error) as info:
        model().fit(X, Y, epochs=2, verbose=0, callbacks=[counter, callback])
    assert counter.epochs == 0
    for word in words:
        assert word in str(info.value)
    assert ".tmp" not in str(info.value)
    return str(info.value)


def test_csvlogger_missing_folder_named_at_fit_start(tmp_path):
    path = str(tmp_path / "logs" / "run.csv")
    message = refused_before_training(C.CSVLogger(path), FileNotFoundError, path, "os.makedirs")
    assert "does not exist" in message


def test_csvlogger_folder_as_name(tmp_path):
    refused_before_training(C.CSVLogger(str(tmp_path)), IsADirectoryError, str(tmp_path))


@pytest.mark.parametrize("separator", ["", ";;", None])
def test_csvlogger_separator_checked_when_made(separator):
    with pytest.raises(ValueError, match="one character"):
        C.CSVLogger("r.csv", separator=separator)


def test_checkpoint_folder_and_trailing_slash(tmp_path):
    refused_before_training(C.ModelCheckpoint(str(tmp_path)), IsADirectoryError, str(tmp_path))
    refused_before_training(C.ModelCheckpoint(str(tmp_path / "new") + "/"), IsADirectoryError, "new")


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write in a read-only folder")
def test_checkpoint_read_only_folder(tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        refused_before_training(C.ModelCheckpoint(str(folder / "m.npz")), PermissionError, str(folder))
    finally:
        folder.chmod(0o700)


def test_checkpoint_parent_is_a_file(tmp_path):
    (tmp_path / "f").write_text("")
    refused_before_training(C.ModelCheckpoint(str(tmp_path / "f" / "m.npz")), NotADirectoryError, "is a file")


def test_checkpoint_broken_format_refused_when_made():
    with pytest.raises(ValueError, match="not a valid format string") as info:
        C.ModelCheckpoint("cp-{epoch.npz")
    assert "cp-{epoch.npz" in str(info.value)


def test_checkpoint_unknown_field_and_bad_spec_at_fit_start(tmp_path):
    refused_before_training(C.ModelCheckpoint(str(tmp_path / "{val_acc:.2f}.npz")), KeyError, "val_acc", "val_accuracy")
    refused_before_training(C.ModelCheckpoint(str(tmp_path / "{epoch:.2q}.npz")), ValueError, "epoch")


def test_checkpoint_good_format_still_saves(tmp_path):
    model().fit(
        X, Y, epochs=2, verbose=0, callbacks=[C.ModelCheckpoint(str(tmp_path / "ck" / "cp-{epoch:02d}-{loss:.2f}.npz"))]
    )
    assert len(os.listdir(tmp_path / "ck")) == 2


def test_lambda_callback_arity_checked_when_made():
    with pytest.raises(TypeError, match="on_epoch_end") as info:
        C.LambdaCallback(on_epoch_end=lambda logs: None)
    assert "lambda epoch, logs" in str(info.value)
    with pytest.raises(TypeError, match="on_train_begin"):
        C.LambdaCallback(on_train_begin=lambda a, b, c: None)
    C.LambdaCallback(on_epoch_end=lambda *args: None, on_train_end=lambda logs=None: None)  # flexible ones pass


def test_evaluate_sample_weight():
    m = model()
    m.fit(X, Y, epochs=1, verbose=0)
    w = np.r_[np.ones(16), np.zeros(16)]
    weighted = m.evaluate(X, Y, sample_weight=w, verbose=0)[0]
    half = m.evaluate(X[:16], Y[:16], verbose=0)[0]
    assert weighted == pytest.approx(half * 16 / 32, rel=1e-5)  # sum(w * l) / N, as fit weighs the loss
    with pytest.raises(ValueError, match="evaluate"):
        m.evaluate(X, Y, sample_weight=np.ones(3), verbose=0)


@pytest.mark.parametrize("class_weight", [{0: -1.0}, {0: float("nan")}, {7: 2.0}, {0: "2"}])
def test_class_weight_values_checked(class_weight):
    with pytest.raises(ValueError, match="class_weight"):
        model().fit(X, Y, class_weight=class_weight, verbose=0)


def test_functional_one_element_lists_train():
    inp = sn.Input((4,))
    out = L.Dense(3, activation="softmax")(L.Dense(8)(inp))
    m = sn.Model(inputs=[inp], outputs=[out])
    m.compile("adam", "sparse_categorical_crossentropy")
    m.fit(X, Y, epochs=1, verbose=0)
    assert m.predict(X, verbose=0).shape == (32, 3)


def test_functional_reloads_with_same_layer_indices(tmp_path):
    inp = sn.Input((4,))
    out = L.Dense(3, name="out")(L.Dense(8, name="h")(inp))
    m = sn.Model(inp, out)
    m.compile("adam", "mse")
    m.save(tmp_path / "f.npz")
    again = sn.models.load_model(tmp_path / "f.npz")
    assert [layer.name for layer in again.layers] == [layer.name for layer in m.layers]
    assert again.get_layer(index=1).name == "h"
    np.testing.assert_array_equal(again.predict(X, verbose=0), m.predict(X, verbose=0))


def test_explain_labels_of_wrong_length():
    with pytest.raises(ValueError, match="4 inputs and 3 targets"):
        model().explain(X[:4], Y[:3], print_fn=lambda *a: None)

"""ModelCheckpoint, CSVLogger, LearningRateScheduler and ReduceLROnPlateau, with Keras 3's semantics.

Each test trains a tiny model for a few epochs and checks what the callback did against what it should have done,
computed independently (the weights the model had at that epoch, the rates a schedule gives, the CSV text)."""

from __future__ import annotations

import csv
import os

import numpy as np
import pytest

import scratchnet as sn
from scratchnet.callbacks import Callback, CSVLogger, LearningRateScheduler, ModelCheckpoint, ReduceLROnPlateau


def _model(seed=0, lr=0.05):
    model = sn.Sequential([sn.layers.Dense(3, activation="softmax", input_shape=(4,))], seed=seed)
    model.compile(optimizer=sn.optimizers.SGD(lr), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def _data(n=40, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 4)).astype(np.float32)
    return x, (x[:, 0] > 0).astype(np.int64) + (x[:, 1] > 0)


class _WeightsAtEpochEnd(Callback):
    def __init__(self):
        super().__init__()
        self.weights = []

    def on_epoch_end(self, epoch, logs=None):
        self.weights.append(self.model.get_weights())


def test_checkpoint_every_epoch_with_epoch_in_the_name_holds_that_epochs_weights(tmp_path):
    x, y = _data()
    model, seen = _model(), _WeightsAtEpochEnd()
    path = str(tmp_path / "ckpt" / "cp-{epoch:04d}.weights.h5")
    model.fit(x, y, epochs=3, verbose=0, callbacks=[seen, ModelCheckpoint(path, save_weights_only=True)])
    assert sorted(os.listdir(tmp_path / "ckpt")) == ["cp-0001.weights.h5", "cp-0002.weights.h5", "cp-0003.weights.h5"]
    for epoch in (1, 2, 3):
        fresh = _model(seed=1)
        fresh.load_weights(path.format(epoch=epoch))
        for a, b in zip(fresh.get_weights(), seen.weights[epoch - 1], strict=True):
            np.testing.assert_array_equal(a, b)


def test_checkpoint_save_best_only_keeps_the_best_epoch_of_the_monitored_metric(tmp_path):
    x, y = _data()
    seen = _WeightsAtEpochEnd()
    model = _model(lr=0.5)
    history = model.fit(
        x, y, epochs=6, verbose=0, validation_split=0.25,
        callbacks=[seen, ModelCheckpoint(tmp_path / "best.keras", monitor="val_loss", save_best_only=True)],
    )  # fmt: skip
    best = int(np.argmin(history.history["val_loss"]))
    loaded = sn.models.load_model(tmp_path / "best.keras")
    for a, b in zip(loaded.get_weights(), seen.weights[best], strict=True):
        np.testing.assert_array_equal(a, b)
    assert loaded.loss is not None  # a whole model: compile settings too


def test_checkpoint_save_freq_in_batches(tmp_path):
    x, y = _data(n=40)  # batch 10: 4 batches per epoch, 8 in all -> saves after batches 3 and 6 (of 8)
    saved = []

    class Spy(ModelCheckpoint):
        def _save(self, epoch, batch, logs):
            saved.append((epoch, batch))
            super()._save(epoch, batch, logs)

    _model().fit(
        x, y, batch_size=10, epochs=2, verbose=0, callbacks=[Spy(tmp_path / "m-{epoch}-{batch}.keras", save_freq=3)]
    )
    assert saved == [(0, 2), (1, 1)]
    assert sorted(os.listdir(tmp_path)) == ["m-1-3.keras", "m-2-2.keras"]


def test_checkpoint_bad_placeholder_and_bad_save_freq_are_clear_errors(tmp_path):
    x, y = _data()
    with pytest.raises(KeyError, match=r"no 'val_accuracy' in this epoch's logs.*accuracy"):
        _model().fit(x, y, epochs=1, verbose=0, callbacks=[ModelCheckpoint(str(tmp_path / "{val_accuracy:.2f}.keras"))])
    with pytest.raises(ValueError, match="save_freq='epoch' or a positive number"):
        ModelCheckpoint("m.keras", save_freq="batch")


def test_csv_logger_writes_header_and_one_row_per_epoch(tmp_path):
    x, y = _data()
    path = tmp_path / "log.csv"
    history = _model().fit(x, y, epochs=3, verbose=0, validation_split=0.25, callbacks=[CSVLogger(path)])
    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0] == ["epoch", "accuracy", "loss", "val_accuracy", "val_loss"]
    assert [int(r[0]) for r in rows[1:]] == [0, 1, 2]
    np.testing.assert_allclose([float(r[2]) for r in rows[1:]], history.history["loss"], rtol=1e-6)


def test_csv_logger_append_keeps_earlier_rows_and_adds_na_val_columns(tmp_path):
    x, y = _data()
    path = tmp_path / "log.csv"
    _model().fit(x, y, epochs=1, verbose=0, callbacks=[CSVLogger(path)])
    _model().fit(x, y, epochs=2, verbose=0, callbacks=[CSVLogger(path, append=True)])
    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0] == ["epoch", "accuracy", "loss", "val_accuracy", "val_loss"]
    assert [r[0] for r in rows[1:]] == ["0", "0", "1"]
    assert all(r[3:] == ["NA", "NA"] for r in rows[1:])
    assert not [p for p in os.listdir(tmp_path) if p.endswith(".tmp")]


@pytest.mark.parametrize(
    "schedule",
    [lambda epoch, lr: 0.1 * 0.5**epoch, lambda epoch: 0.1 * 0.5**epoch],
    ids=["schedule(epoch, lr)", "schedule(epoch)"],
)
def test_learning_rate_scheduler_sets_the_rate_each_epoch_and_logs_it(schedule):
    x, y = _data()
    used = []

    class Spy(Callback):
        def on_epoch_begin(self, epoch, logs=None):
            used.append(self.model.optimizer.learning_rate)

    model = _model()
    history = model.fit(x, y, epochs=4, verbose=0, callbacks=[LearningRateScheduler(schedule), Spy()])
    assert used == pytest.approx([0.1, 0.05, 0.025, 0.0125])
    assert history.history["learning_rate"] == pytest.approx(used)


def test_learning_rate_scheduler_gets_the_current_rate():
    x, y = _data()
    seen = []

    def schedule(epoch, lr):
        seen.append(lr)
        return lr * 0.9

    _model(lr=0.2).fit(x, y, epochs=3, verbose=0, callbacks=[LearningRateScheduler(schedule)])
    assert seen == pytest.approx([0.2, 0.18, 0.162])


def test_learning_rate_scheduler_refuses_a_schedule_returning_no_rate():
    x, y = _data()
    with pytest.raises(ValueError, match="must return a learning rate"):
        _model().fit(x, y, epochs=1, verbose=0, callbacks=[LearningRateScheduler(lambda epoch: None)])


class _FakeLogs(Callback):
    """Replaces the epoch's val_loss by a scripted sequence, so the plateau is known in advance."""

    def __init__(self, values):
        super().__init__()
        self.values = values

    def on_epoch_end(self, epoch, logs=None):
        logs["val_loss"] = self.values[epoch]


def test_reduce_lr_on_plateau_after_patience_then_cooldown():
    x, y = _data()
    values = [1.0, 0.9, 0.95, 0.95, 0.95, 0.95, 0.95, 0.95]
    # Best 0.9 at epoch 1. patience=2: epochs 2, 3 do not improve -> reduce at the end of epoch 3. cooldown=1, as
    # Keras counts it (reduce_lr_on_plateau.py): epoch 4 spends the cooldown and already counts as a wait, epoch 5
    # is the second -> reduce at the end of epoch 5. The logged rate is the one the epoch trained with.
    model = _model(lr=0.1)
    reduce = ReduceLROnPlateau(monitor="val_loss", factor=0.5, patience=2, cooldown=1, min_lr=0.02)
    history = model.fit(x, y, epochs=8, verbose=0, callbacks=[_FakeLogs(values), reduce])
    assert history.history["learning_rate"] == pytest.approx([0.1, 0.1, 0.1, 0.1, 0.05, 0.05, 0.025, 0.025])
    # Epochs 6, 7 are the next two waits: 0.025 * 0.5 = 0.0125, held at min_lr.
    assert model.optimizer.learning_rate == pytest.approx(0.02)


def test_reduce_lr_on_plateau_never_goes_below_min_lr_and_refuses_factor_one():
    x, y = _data()
    model = _model(lr=0.1)
    model.fit(x, y, epochs=6, verbose=0, callbacks=[_FakeLogs([1.0] * 6), ReduceLROnPlateau(patience=1, min_lr=0.05)])
    assert model.optimizer.learning_rate == pytest.approx(0.05)
    with pytest.raises(ValueError, match=r"factor >= 1\.0"):
        ReduceLROnPlateau(factor=1.0)

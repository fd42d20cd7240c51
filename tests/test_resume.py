"""Training resumed from a saved model is the training that was interrupted: bit for bit, in float64, shuffled."""

import contextlib
import json

import numpy as np
import pytest

import scratchnet as sn
from scratchnet import callbacks as C
from scratchnet import layers as L
from scratchnet.models import saving

rng = np.random.default_rng(0)
X = rng.normal(size=(96, 5))
Y = rng.integers(0, 3, 96)
OPTIMIZERS = {
    "adam": lambda: sn.optimizers.Adam(0.01),
    "sgd_momentum": lambda: sn.optimizers.SGD(0.05, momentum=0.9, nesterov=True),
    "rmsprop": lambda: sn.optimizers.RMSprop(0.01),
    "adagrad": lambda: sn.optimizers.Adagrad(0.05),
    "adamax": lambda: sn.optimizers.Adamax(0.01),
    "nadam": lambda: sn.optimizers.Nadam(0.01),
    "adamw": lambda: sn.optimizers.AdamW(0.01),
    "schedule": lambda: sn.optimizers.SGD(sn.schedules.ExponentialDecay(0.1, 3, 0.5)),
}


def fresh(optimizer):
    m = sn.Sequential(
        [L.Input((5,)), L.Dense(16, activation="relu"), L.Dropout(0.2), L.Dense(3, activation="softmax")],
        seed=3,
        dtype="float64",
    )
    m.compile(optimizer=OPTIMIZERS[optimizer](), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return m


@pytest.mark.parametrize("optimizer", sorted(OPTIMIZERS))
def test_two_epochs_save_load_one_more_equals_three_straight(tmp_path, optimizer):
    straight = fresh(optimizer)
    straight.fit(X, Y, epochs=3, batch_size=16, verbose=0)
    first = fresh(optimizer)
    first.fit(X, Y, epochs=2, batch_size=16, verbose=0)
    first.save(tmp_path / "m.npz")
    resumed = sn.models.load_model(tmp_path / "m.npz")
    resumed.fit(X, Y, epochs=3, initial_epoch=2, batch_size=16, verbose=0)
    for a, b in zip(straight.get_weights(), resumed.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)
    assert resumed.optimizer.iterations == straight.optimizer.iterations


def test_model_checkpoint_saves_the_optimizer_state_too(tmp_path):
    straight = fresh("adam")
    straight.fit(X, Y, epochs=3, batch_size=16, verbose=0)
    first = fresh("adam")
    first.fit(X, Y, epochs=2, batch_size=16, verbose=0, callbacks=[C.ModelCheckpoint(str(tmp_path / "ck.keras"))])
    resumed = sn.models.load_model(tmp_path / "ck.keras")
    resumed.fit(X, Y, epochs=3, initial_epoch=2, batch_size=16, verbose=0)
    np.testing.assert_array_equal(straight.get_weights()[0], resumed.get_weights()[0])


def test_format_version_1_files_still_load_with_a_fresh_optimizer(tmp_path):
    # A version-1 file is what the old code wrote: the same weights and config, no optimizer entries.
    m = fresh("adam")
    m.fit(X, Y, epochs=1, batch_size=16, verbose=0)
    m.save(tmp_path / "m.npz")
    with np.load(tmp_path / "m.npz") as d:
        arrays = {k: d[k] for k in d.files if not k.startswith("optimizer_")}
    spec = json.loads(arrays["model_config"].tobytes())
    assert spec["format_version"] == saving.FORMAT_VERSION == 2
    spec["format_version"] = 1
    del spec["optimizer_state"]
    arrays["model_config"] = np.frombuffer(json.dumps(spec).encode(), np.uint8)
    np.savez(tmp_path / "old.npz", **arrays)
    old = sn.models.load_model(tmp_path / "old.npz")
    np.testing.assert_array_equal(old.get_weights()[0], m.get_weights()[0])
    assert old.optimizer.iterations == 0
    old.fit(X, Y, epochs=1, batch_size=16, verbose=0)


def test_damaged_optimizer_state_is_named(tmp_path):
    m = fresh("adam")
    m.fit(X, Y, epochs=1, batch_size=16, verbose=0)
    m.save(tmp_path / "m.npz")
    with np.load(tmp_path / "m.npz") as d:
        arrays = {k: d[k] for k in d.files if k != "optimizer_001"}
    np.savez(tmp_path / "m.npz", **arrays)
    with pytest.raises(ValueError, match="optimizer state"):
        sn.models.load_model(tmp_path / "m.npz")
    sn.models.load_model(tmp_path / "m.npz", compile=False)  # the way out the message gives


@pytest.mark.parametrize("save_fast", [True, False])
def test_state_moves_between_the_flat_and_the_plain_layout(tmp_path, save_fast):
    # With the speed switch on, Adam's state is one flat vector per moment; files hold it per weight either way.
    from scratchnet import speed

    def plain():
        return speed.disabled()

    m = fresh("adam")
    with contextlib.nullcontext() if save_fast else plain():
        m.fit(X, Y, epochs=1, batch_size=16, verbose=0)
        m.save(tmp_path / "m.npz")
        saved_m = np.concatenate([a.ravel() for a in m.optimizer.m])
    with plain() if save_fast else contextlib.nullcontext():
        again = sn.models.load_model(tmp_path / "m.npz")
        np.testing.assert_array_equal(np.concatenate([a.ravel() for a in again.optimizer.m]), saved_m)
        again.fit(X, Y, epochs=1, batch_size=16, verbose=0)  # and it trains on in this layout

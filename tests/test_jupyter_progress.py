"""In a Jupyter kernel the progress bar is one display output per bar, updated in place (no ``\\r`` frames)."""

from __future__ import annotations

import sys
import types

import numpy as np
import pytest

import scratchnet as sn
from scratchnet.callbacks import progress as progbar


class FakeHandle:
    def __init__(self, obj):
        self.frames = [repr(obj)]

    def update(self, obj):
        self.frames.append(repr(obj))


@pytest.fixture
def jupyter(monkeypatch):
    """Pretend to run in a Jupyter kernel; returns the list of display handles the bars create."""
    handles = []

    def display_handle(obj):
        handles.append(FakeHandle(obj))
        return handles[-1]

    fake_ipython = types.ModuleType("IPython")
    fake_ipython.get_ipython = lambda: types.SimpleNamespace(kernel=object())
    monkeypatch.setitem(sys.modules, "ipykernel", types.ModuleType("ipykernel"))
    monkeypatch.setitem(sys.modules, "IPython", fake_ipython)
    monkeypatch.setattr(progbar, "_display_handle", display_handle)
    return handles


def test_a_bar_in_jupyter_is_one_display_updated_in_place(jupyter, capsys):
    bar = progbar.Progbar(50, interval=0.0)
    for step in range(1, 51):
        bar.update(step, {"loss": 1.0 / step})
    assert capsys.readouterr().out == ""  # nothing on stdout: no \r frames to pile up
    assert len(jupyter) == 1
    frames = jupyter[0].frames
    assert len(frames) == 50
    assert frames[-1].startswith("50/50 [==============================] - ")
    assert frames[-1].endswith("loss: 0.0200")


def test_fit_in_jupyter_leaves_one_line_per_epoch(jupyter, capsys):
    model = sn.Sequential([sn.layers.Dense(2, activation="softmax", input_shape=(3,))], seed=0)
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    x = np.random.default_rng(0).normal(size=(64, 3)).astype("float32")
    model.fit(x, (x[:, 0] > 0).astype(int), epochs=3, batch_size=16)
    assert capsys.readouterr().out == "Epoch 1/3\nEpoch 2/3\nEpoch 3/3\n"
    assert len(jupyter) == 3  # one output per epoch, each ending on the epoch's final line
    assert all(h.frames[-1].startswith("4/4 [====") for h in jupyter)


def test_outside_jupyter_the_terminal_bar_is_unchanged(monkeypatch, capsys):
    monkeypatch.delitem(sys.modules, "ipykernel", raising=False)
    bar = progbar.Progbar(3)
    for step in range(1, 4):
        bar.update(step)
    assert capsys.readouterr().out.startswith("3/3 [==============================] - 0s")

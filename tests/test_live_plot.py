"""LivePlot: curves redrawn each epoch, into one notebook output or a PNG file."""

from __future__ import annotations

import numpy as np
import pytest

import scratchnet as sn
from scratchnet.callbacks import live_plot

pytestmark = pytest.mark.usefixtures("agg_backend")


def _fit(callback, epochs=3, **kwargs):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(64, 3)).astype("float32")
    model = sn.Sequential([sn.layers.Dense(2, activation="softmax", input_shape=(3,))], seed=0)
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model.fit(
        x, (x[:, 0] > 0).astype(int), epochs=epochs, batch_size=16, verbose=0, callbacks=[callback], **kwargs
    )


@pytest.mark.slow
def test_in_a_script_the_curves_go_to_a_png_after_every_epoch(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    written = []
    plot = live_plot.LivePlot()
    original = plot.redraw

    def redraw():
        original()
        written.append((tmp_path / "training.png").stat().st_mtime_ns)

    plot.redraw = redraw
    history = _fit(plot, validation_split=0.25)
    assert len(written) == 3
    assert (tmp_path / "training.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert plot.history["loss"] == pytest.approx(history.history["loss"])
    assert plot.history["val_accuracy"] == pytest.approx(history.history["val_accuracy"])
    assert plot.panels() == ["loss", "accuracy"]


@pytest.mark.slow
def test_the_figure_has_one_panel_per_quantity_with_training_and_validation(tmp_path):
    plot = live_plot.LivePlot(path=tmp_path / "curves.png")
    _fit(plot, validation_split=0.25)
    fig = plot.figure()
    assert [ax.get_title() for ax in fig.axes] == ["loss", "accuracy"]
    assert [line.get_label() for line in fig.axes[0].lines] == ["training", "validation"]
    np.testing.assert_allclose(fig.axes[0].lines[0].get_ydata(), plot.history["loss"])


@pytest.mark.slow
def test_in_a_notebook_one_output_is_replaced_each_time(tmp_path, monkeypatch):
    shown = []
    monkeypatch.setattr(live_plot, "in_jupyter", lambda: True)
    monkeypatch.setattr(live_plot.LivePlot, "_show", lambda self, png: shown.append(png))
    monkeypatch.chdir(tmp_path)
    plot = live_plot.LivePlot(every_n_batches=2)
    _fit(plot)
    assert not (tmp_path / "training.png").exists()  # no file unless asked for, in a notebook
    assert len(shown) == 3 * 2 + 3  # 4 steps per epoch: redrawn after steps 2 and 4, and at each epoch's end
    assert all(png.startswith(b"\x89PNG") for png in shown)
    assert plot.batches["epoch"][:2] == [0.5, 1.0]


def test_every_n_batches_must_be_positive():
    with pytest.raises(ValueError, match="every_n_batches"):
        live_plot.LivePlot(every_n_batches=0)

"""``LivePlot``: the training curves, redrawn while the model trains.

    model.fit(x, y, epochs=5, validation_split=0.1, callbacks=[LivePlot()])

In a Jupyter notebook the figure is one output, replaced in place after every epoch (and, with
``every_n_batches=k``, every k steps), so the saved notebook keeps just the final curves. In a script, where there
is nothing to redraw into, the same figure is written to a PNG file after every epoch: open it in an image viewer
that reloads, or look at it when training ends.

One panel per quantity: the loss (training and validation, ``val_loss``), then each metric (``accuracy`` and
``val_accuracy``). Epoch values are dots on a line; the in-between values of ``every_n_batches`` are the running
means ``fit`` reports, as a thin line.
"""

from __future__ import annotations

import io
import os
from pathlib import Path

from scratchnet.callbacks.base import Callback
from scratchnet.notebook import in_jupyter

__all__ = ["LivePlot"]


class LivePlot(Callback):
    """Redraw the loss and metric curves during ``fit``: in place in a notebook, into a PNG file in a script.

    Args:
        path: the PNG written in a script (and, when given, in a notebook too). Default: ``training.png`` in the
            current folder, outside a notebook.
        every_n_batches: also redraw every k training steps, from the running values of the epoch.
        figsize: size of one panel, in inches.

    Attributes:
        history: ``{"epoch": [...], "loss": [...], "val_loss": [...], ...}``, one entry per epoch.
        batches: ``{"epoch": [...], "loss": [...], ...}``: the values recorded every ``every_n_batches`` steps, with
            ``epoch`` as a fraction (1.5 = halfway through the second epoch).
    """

    def __init__(
        self, path: str | os.PathLike[str] | None = None, every_n_batches: int | None = None, figsize=(4.2, 3.0)
    ):
        super().__init__()
        if every_n_batches is not None and (isinstance(every_n_batches, bool) or int(every_n_batches) < 1):
            raise ValueError(
                f"LivePlot expected every_n_batches to be a positive int or None. Received: {every_n_batches!r}."
            )
        self.path = None if path is None else Path(path)
        self.every_n_batches = every_n_batches
        self.figsize = figsize
        self.history: dict[str, list[float]] = {}
        self.batches: dict[str, list[float]] = {}
        self._handle = None
        self._epoch = 0

    # --- recording -------------------------------------------------------------------------------------------------
    def on_train_begin(self, logs=None):
        self.history, self.batches, self._handle = {}, {}, None
        self._notebook = in_jupyter()
        if self.path is None and not self._notebook:
            self.path = Path("training.png")

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch = epoch

    def on_train_batch_end(self, batch, logs=None):
        if not self.every_n_batches or (batch + 1) % self.every_n_batches:
            return
        steps = self.params.get("steps") or (batch + 1)
        self.batches.setdefault("epoch", []).append(self._epoch + (batch + 1) / steps)
        for key, value in (logs or {}).items():
            self.batches.setdefault(key, []).append(float(value))
        self.redraw()

    def on_epoch_end(self, epoch, logs=None):
        self.history.setdefault("epoch", []).append(epoch + 1)
        for key, value in (logs or {}).items():
            self.history.setdefault(key, []).append(float(value))
        self.redraw()

    # --- drawing ---------------------------------------------------------------------------------------------------
    def panels(self) -> list[str]:
        """The quantities drawn, one panel each: the loss first, then each metric (without the ``val_`` prefix)."""
        keys = [k for k in [*self.history, *self.batches] if k != "epoch"]
        names = []
        for key in keys:
            name = key[4:] if key.startswith("val_") else key
            if name not in names:
                names.append(name)
        return sorted(names, key=lambda n: (n != "loss", names.index(n)))

    def figure(self):
        """The current curves as a matplotlib Figure (not managed by pyplot: nothing shows it twice)."""
        from matplotlib.figure import Figure

        panels = self.panels() or ["loss"]
        width, height = self.figsize
        fig = Figure(figsize=(width * len(panels), height), layout="constrained")
        axes = fig.subplots(1, len(panels), squeeze=False).ravel()
        for ax, name in zip(axes, panels, strict=True):
            if name in self.batches:
                ax.plot(self.batches["epoch"], self.batches[name], color="tab:blue", lw=0.8, alpha=0.6)
            for key, color, label in ((name, "tab:blue", "training"), (f"val_{name}", "tab:orange", "validation")):
                if key in self.history:
                    ax.plot(self.history["epoch"], self.history[key], "o-", color=color, label=label)
            total = self.params.get("epochs")
            if total:
                ax.set_xlim(0, max(total, 1))
            ax.set(title=name, xlabel="epoch")
            ax.grid(alpha=0.3)
            if ax.get_legend_handles_labels()[0]:
                ax.legend(fontsize=8)
        return fig

    def redraw(self) -> None:
        fig = self.figure()
        if self.path is not None:
            fig.savefig(self.path, dpi=90)
        if self._notebook:
            buffer = io.BytesIO()
            fig.savefig(buffer, format="png", dpi=90)
            self._show(buffer.getvalue())

    def _show(self, png: bytes) -> None:
        """In a notebook: the first call displays the image, later calls replace it in the same output."""
        from IPython.display import Image, display

        image = Image(data=png, format="png")
        if self._handle is None:
            self._handle = display(image, display_id=True)
        else:
            self._handle.update(image)

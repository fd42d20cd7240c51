"""History: the metrics of every epoch, which ``fit`` returns."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from scratchnet.callbacks.base import Callback, Logs, _python_scalar

__all__ = ["History"]


class History(Callback):
    """Records the metrics of every epoch; ``fit`` returns it (and sets ``model.history`` to it).

    Attributes:
        history: One list per metric, one entry per epoch: ``history.history["val_accuracy"][-1]`` is the
            validation accuracy after the last epoch.
        epoch: The indices (from 0) of the epochs recorded.

    >>> h = History()
    >>> h.on_epoch_end(0, {"loss": 0.7, "accuracy": 0.75})
    >>> h.on_epoch_end(1, {"loss": 0.5, "accuracy": 0.82})
    >>> h.history["loss"], h.epoch
    ([0.7, 0.5], [0, 1])
    """

    def __init__(self) -> None:
        super().__init__()
        self.history: dict[str, list[Any]] = {}
        self.epoch: list[int] = []

    def on_train_begin(self, logs: Logs | None = None) -> None:
        if self.model is not None:
            self.model.history = self

    def on_epoch_end(self, epoch: int, logs: Logs | None = None) -> None:
        self.epoch.append(epoch)
        for name, value in (logs or {}).items():
            self.history.setdefault(name, []).append(_python_scalar(value))

    def plot(self, metrics: str | Iterable[str] | None = None):
        """Draws the learning curves with ``scratchnet.plotting.plot_history``.

        Args:
            metrics: Names of the metrics to draw, e.g. ``["loss"]`` or ``"accuracy"``; ``None`` for all.

        Returns:
            The matplotlib ``Figure``.
        """
        # plotting (and matplotlib) is loaded only now: training never needs it.
        from scratchnet.plotting import plot_history

        return plot_history(self, metrics)

    def __repr__(self) -> str:
        return f"<History: {len(self.epoch)} epochs of {list(self.history)}>"

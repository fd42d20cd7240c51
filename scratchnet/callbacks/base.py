"""Callbacks: code of yours that ``fit``, ``evaluate`` and ``predict`` run at fixed points of the training loop.

A callback subclasses :class:`Callback` and overrides the hooks it needs, exactly as in Keras. ``fit`` runs::

    on_train_begin()
    for each epoch:
        on_epoch_begin(epoch)
        for each step:
            on_train_batch_begin(step)
            ...one step of gradient descent...
            on_train_batch_end(step, logs)      logs: running means so far this epoch, {"loss": 0.52, ...}
        on_epoch_end(epoch, logs)               logs: the epoch's metrics, with "val_..." ones if validating
    on_train_end(logs)

and stops early when a callback sets ``self.model.stop_training = True``. The classic course exercise:

>>> import scratchnet as sn
>>> class myCallback(sn.callbacks.Callback):
...     def on_epoch_end(self, epoch, logs={}):
...         if logs.get("accuracy") > 0.6:
...             print("\\nReached 60% accuracy so cancelling training!")
...             self.model.stop_training = True

This file is the contract: :class:`Callback`, every hook a no-op. The callbacks themselves (History, the progress
bar, EarlyStopping, ...) are in the other files of :mod:`scratchnet.callbacks`, which is where you import them
from, ``Callback`` included.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

__all__ = ["Callback", "Logs"]

Logs = dict[str, Any]


class Callback:
    """Base class of every callback: all hooks exist and do nothing, so a subclass overrides only what it needs.

    Attributes:
        model: The model being trained, set by ``fit`` before the first hook. A callback stops training with
            ``self.model.stop_training = True``.
        params: ``{"epochs": ..., "steps": ..., "verbose": ...}`` of the current ``fit``/``evaluate``/``predict``.

    Batch hooks come in two spellings, as in Keras 2: ``on_batch_begin``/``on_batch_end`` are the old names of
    ``on_train_batch_begin``/``on_train_batch_end``. The model calls the ``on_train_batch_*`` ones, which by
    default call ``on_batch_*``, so overriding either name works.
    """

    model: Any = None

    def __init__(self) -> None:
        self.model = None
        self.params: dict[str, Any] = {}

    def set_model(self, model: Any) -> None:
        self.model = model

    def set_params(self, params: Mapping[str, Any]) -> None:
        self.params = dict(params)

    # fit
    def on_train_begin(self, logs: Logs | None = None) -> None:
        """Called once, before the first epoch."""

    def on_train_end(self, logs: Logs | None = None) -> None:
        """Called once, after the last epoch (also when training stopped early). ``logs``: the last epoch's."""

    def on_epoch_begin(self, epoch: int, logs: Logs | None = None) -> None:
        """Called at the start of each epoch. ``epoch`` counts from 0."""

    def on_epoch_end(self, epoch: int, logs: Logs | None = None) -> None:
        """Called at the end of each epoch with its metrics, e.g. ``{"loss": .., "val_loss": ..}``."""

    def on_train_batch_begin(self, batch: int, logs: Logs | None = None) -> None:
        """Called before each training step. ``batch`` is the step's index in the epoch, from 0."""
        self.on_batch_begin(batch, logs)

    def on_train_batch_end(self, batch: int, logs: Logs | None = None) -> None:
        """Called after each training step with the running means of the epoch so far."""
        self.on_batch_end(batch, logs)

    def on_batch_begin(self, batch: int, logs: Logs | None = None) -> None:
        """Keras 2 name of ``on_train_batch_begin``."""

    def on_batch_end(self, batch: int, logs: Logs | None = None) -> None:
        """Keras 2 name of ``on_train_batch_end``."""

    # evaluate
    def on_test_begin(self, logs: Logs | None = None) -> None:
        """Called at the start of ``evaluate``."""

    def on_test_end(self, logs: Logs | None = None) -> None:
        """Called at the end of ``evaluate`` with the final metrics."""

    def on_test_batch_begin(self, batch: int, logs: Logs | None = None) -> None:
        """Called before each step of ``evaluate``."""

    def on_test_batch_end(self, batch: int, logs: Logs | None = None) -> None:
        """Called after each step of ``evaluate`` with the running means so far."""

    # predict
    def on_predict_begin(self, logs: Logs | None = None) -> None:
        """Called at the start of ``predict``."""

    def on_predict_end(self, logs: Logs | None = None) -> None:
        """Called at the end of ``predict``."""

    def on_predict_batch_begin(self, batch: int, logs: Logs | None = None) -> None:
        """Called before each step of ``predict``."""

    def on_predict_batch_end(self, batch: int, logs: Logs | None = None) -> None:
        """Called after each step of ``predict``."""


def _logs(logs: Logs | None) -> Logs:
    # Hooks always get a dict, so `logs.get("accuracy")` works in user code. The same dict goes to every
    # callback, so one callback may add an entry for those after it (Keras allows this too).
    return {} if logs is None else logs


def _python_scalar(value: Any) -> Any:
    # np.float32(0.5) -> 0.5, so history lists print as plain numbers and hold no NumPy scalars.
    if isinstance(value, np.generic) or (isinstance(value, np.ndarray) and value.ndim == 0):
        return value.item()
    return value


def _auto_mode(mode: str, monitor: str, who: str) -> str:
    if mode not in ("auto", "min", "max"):
        raise ValueError(
            f"{who} expected mode to be one of 'auto', 'min', 'max'. Received: mode={mode!r}. Use 'min' for a loss, "
            "'max' for an accuracy, or 'auto' to decide from the monitor's name."
        )
    if mode == "auto":
        return "max" if ("acc" in monitor or "auc" in monitor) else "min"
    return mode

"""Callbacks that stop training: EarlyStopping (when a monitored metric stops improving) and TerminateOnNaN.

Import them from :mod:`scratchnet.callbacks`, like every other callback.
"""

from __future__ import annotations

import math
import numbers
import warnings

import numpy as np

from scratchnet import checks
from scratchnet.callbacks.base import Callback, Logs, _auto_mode

__all__ = ["EarlyStopping", "TerminateOnNaN"]


class EarlyStopping(Callback):
    """Stops training when a monitored metric has stopped improving.

    After each epoch, the monitored value improves on the best so far if it is lower by more than ``min_delta``
    (mode ``"min"``) or higher by more than ``min_delta`` (mode ``"max"``). After ``patience`` epochs in a row
    without improvement, it sets ``model.stop_training = True``. An epoch that improves never stops training.
    The semantics are those of Keras (``tf.keras`` 2.15), down to the details below.

    >>> stop = EarlyStopping(monitor="val_loss", patience=3, restore_best_weights=True)
    >>> # model.fit(x, y, validation_split=0.1, epochs=100, callbacks=[stop])

    Args:
        monitor: Name of the metric in the epoch's logs, e.g. ``"val_loss"`` or ``"val_accuracy"``.
        min_delta: Smallest change that counts as an improvement (its sign is ignored).
        patience: Number of epochs without improvement to wait before stopping. With 0, training stops after
            the first epoch that does not improve.
        verbose: 1 prints a message when it stops and when it restores weights; 0 is silent.
        mode: ``"min"``, ``"max"``, or ``"auto"``: ``"max"`` if the name contains ``"acc"`` or ``"auc"``
            (accuracy should go up), otherwise ``"min"`` (a loss should go down).
        baseline: A value the metric has to beat. Until it does, improving on the best so far does not reset
            ``wait``, so the first epoch that does not improve stops training once ``patience`` epochs have
            passed. The best epoch is still tracked (and restored, with ``restore_best_weights``).
        restore_best_weights: If True and this callback stops training, the model gets back the weights it had
            at the end of its best epoch, at the end of training. If training runs all its epochs, the last
            weights are kept (Keras 2 behaviour).
        start_from_epoch: Number of warm-up epochs (from the start) during which nothing is monitored.

    Attributes:
        best: The best monitored value so far.
        best_epoch: The epoch (from 0) at which it was reached.
        wait: Epochs since the last improvement.
        stopped_epoch: The epoch (from 0) at which training was stopped, 0 if it was not.

    Raises:
        ValueError: If ``mode`` is not one of ``"auto"``, ``"min"``, ``"max"``.
    """

    def __init__(
        self,
        monitor: str = "val_loss",
        min_delta: float = 0,
        patience: int = 0,
        verbose: int = 0,
        mode: str = "auto",
        baseline: float | None = None,
        restore_best_weights: bool = False,
        start_from_epoch: int = 0,
    ) -> None:
        super().__init__()
        if not isinstance(monitor, str):
            raise TypeError(
                f"EarlyStopping expected monitor to be a metric name such as 'val_loss'. Received: monitor={monitor!r}."
            )
        self.monitor = monitor
        self.mode = _auto_mode(mode, monitor, "EarlyStopping")  # the rule ModelCheckpoint and ReduceLROnPlateau use
        self.min_delta = abs(_real("min_delta", min_delta))
        self.patience = checks.positive_int("EarlyStopping", "patience", patience, allow_zero=True)
        self.verbose = verbose
        self.baseline = None if baseline is None else _real("baseline", baseline)
        self.restore_best_weights = restore_best_weights
        self.start_from_epoch = checks.positive_int(
            "EarlyStopping", "start_from_epoch", start_from_epoch, allow_zero=True
        )
        self._reset()

    def _reset(self) -> None:
        self.wait = 0
        self.stopped_epoch = 0
        self.best = math.inf if self.mode == "min" else -math.inf
        self.best_epoch = 0
        self.best_weights: list[np.ndarray] | None = None

    def _is_improvement(self, value: float, reference: float) -> bool:
        if self.mode == "min":
            return value < reference - self.min_delta
        return value > reference + self.min_delta

    def _snapshot(self) -> list[np.ndarray]:
        # Copies: the optimizer updates the model's arrays in place, so the arrays get_weights() returns now
        # would hold later weights by the time we want to restore them.
        return [np.array(w, copy=True) for w in self.model.get_weights()]

    def on_train_begin(self, logs: Logs | None = None) -> None:
        self._reset()  # so one instance can be reused for another fit

    def on_epoch_end(self, epoch: int, logs: Logs | None = None) -> None:
        value = self._monitor_value(logs)
        if value is None or epoch < self.start_from_epoch:
            return
        if self.restore_best_weights and self.best_weights is None:
            # Keep some weights to restore even if no epoch ever improves (e.g. the metric is NaN).
            self.best_weights = self._snapshot()
            self.best_epoch = epoch

        self.wait += 1
        if self._is_improvement(value, self.best):
            self.best = value
            self.best_epoch = epoch
            if self.restore_best_weights:
                self.best_weights = self._snapshot()
            # Patience restarts only when the value beats both the best so far and the baseline.
            if self.baseline is None or self._is_improvement(value, self.baseline):
                self.wait = 0
            return

        if self.wait >= self.patience and epoch > 0:
            self.stopped_epoch = epoch
            self.model.stop_training = True

    def on_train_end(self, logs: Logs | None = None) -> None:
        if self.stopped_epoch > 0 and self.verbose > 0:
            print(f"Epoch {self.stopped_epoch + 1}: early stopping")
        if self.stopped_epoch > 0 and self.restore_best_weights and self.best_weights is not None:
            if self.verbose > 0:
                print(f"Restoring model weights from the end of the best epoch: {self.best_epoch + 1}.")
            self.model.set_weights(self.best_weights)

    def _monitor_value(self, logs: Logs | None) -> float | None:
        logs = logs or {}
        value = logs.get(self.monitor)
        if value is None:
            available = ", ".join(logs) or "none"
            warnings.warn(
                f"EarlyStopping is conditioned on metric `{self.monitor}`, which is not available. Available "
                f"metrics are: {available}. Monitor one of those, or, for a `val_` metric, pass "
                f"validation_data=... or validation_split=... to fit().",
                stacklevel=2,
            )
            return None
        return float(value)


def _real(name: str, value) -> float:
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real) or not math.isfinite(value):
        raise ValueError(f"EarlyStopping expected {name} to be a finite number. Received: {name}={value!r}.")
    return float(value)


class TerminateOnNaN(Callback):
    """Stops training as soon as a step's loss is NaN or infinite (it never recovers from that).

    Prints ``Batch 12: Invalid loss, terminating training`` and sets ``model.stop_training = True``.
    """

    def on_batch_end(self, batch: int, logs: Logs | None = None) -> None:
        loss = (logs or {}).get("loss")
        if loss is not None and not math.isfinite(float(loss)):
            print(f"Batch {batch}: Invalid loss, terminating training")
            self.model.stop_training = True

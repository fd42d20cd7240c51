"""Callbacks that change the learning rate while a model trains: LearningRateScheduler and ReduceLROnPlateau.

Import them from :mod:`scratchnet.callbacks`, like every callback.
"""

from __future__ import annotations

import inspect
import warnings
from collections.abc import Callable

import numpy as np

from scratchnet.callbacks.base import Callback, Logs, _auto_mode

__all__ = ["LearningRateScheduler", "ReduceLROnPlateau"]


class LearningRateScheduler(Callback):
    """Sets the optimizer's learning rate at the start of every epoch from ``schedule(epoch, lr)``.

    ``schedule`` gets the epoch (from 0) and the current learning rate and returns the new one; a schedule of the
    epoch alone (``schedule(epoch)``, the older form) works too. The rate used is logged as ``learning_rate``.

    >>> def halve_every_10(epoch, lr):
    ...     return lr * 0.5 if epoch and epoch % 10 == 0 else lr
    >>> scheduler = LearningRateScheduler(halve_every_10)
    """

    def __init__(self, schedule: Callable, verbose: int = 0) -> None:
        super().__init__()
        if not callable(schedule):
            raise TypeError(
                f"LearningRateScheduler expected a function schedule(epoch, lr) -> new lr. Received: {schedule!r}."
            )
        self.schedule = schedule
        self.verbose = verbose

    def _takes_lr(self) -> bool:
        try:
            inspect.signature(self.schedule).bind(0, 0.1)
        except TypeError:
            return False
        except ValueError:  # no signature (a builtin): try the two-argument form, as Keras does
            return True
        return True

    def on_epoch_begin(self, epoch: int, logs: Logs | None = None) -> None:
        optimizer = self.model.optimizer
        lr = float(optimizer.learning_rate)
        new = self.schedule(epoch, lr) if self._takes_lr() else self.schedule(epoch)
        if isinstance(new, bool) or not isinstance(new, (int, float, np.floating, np.integer)) or not new >= 0:
            raise ValueError(
                f"LearningRateScheduler: the schedule must return a learning rate, a number >= 0. Received: {new!r} "
                f"at epoch {epoch}."
            )
        optimizer.learning_rate = float(new)
        if self.verbose > 0:
            print(f"\nEpoch {epoch + 1}: LearningRateScheduler setting learning rate to {float(new)}.")

    def on_epoch_end(self, epoch: int, logs: Logs | None = None) -> None:
        if logs is not None:
            logs["learning_rate"] = float(self.model.optimizer.learning_rate)


class ReduceLROnPlateau(Callback):
    """Multiplies the learning rate by ``factor`` when ``monitor`` has not improved for ``patience`` epochs.

    An improvement is a value better than the best so far by more than ``min_delta``. After a reduction, training
    waits ``cooldown`` epochs before counting again; the rate never goes below ``min_lr``. The rate is logged as
    ``learning_rate`` after every epoch.

    >>> reduce = ReduceLROnPlateau(monitor="val_loss", factor=0.5, patience=5)

    Raises:
        ValueError: if ``factor >= 1`` (that would not reduce) or ``mode`` is unknown.
    """

    def __init__(
        self,
        monitor: str = "val_loss",
        factor: float = 0.1,
        patience: int = 10,
        verbose: int = 0,
        mode: str = "auto",
        min_delta: float = 1e-4,
        cooldown: int = 0,
        min_lr: float = 0.0,
    ) -> None:
        super().__init__()
        if factor >= 1.0:
            raise ValueError(f"ReduceLROnPlateau does not support a factor >= 1.0. Received: factor={factor}.")
        self.monitor = monitor
        self.factor = float(factor)
        self.patience = patience
        self.verbose = verbose
        self.mode = _auto_mode(mode, monitor, "ReduceLROnPlateau")
        self.min_delta = abs(min_delta)
        self.cooldown = cooldown
        self.min_lr = float(min_lr)
        self._reset()

    def _reset(self) -> None:
        self.best: float | None = None
        self.wait = 0
        self.cooldown_counter = 0

    def on_train_begin(self, logs: Logs | None = None) -> None:
        self._reset()

    def on_epoch_end(self, epoch: int, logs: Logs | None = None) -> None:
        logs = logs if logs is not None else {}
        optimizer = self.model.optimizer
        logs["learning_rate"] = float(optimizer.learning_rate)
        current = logs.get(self.monitor)
        if current is None:
            warnings.warn(
                f"Learning rate reduction is conditioned on metric `{self.monitor}` which is not available. "
                f"Available metrics are: {','.join(logs)}.",
                stacklevel=2,
            )
            return
        current = float(current)
        if self.cooldown_counter > 0:
            self.cooldown_counter -= 1
            self.wait = 0
        if self.best is None or (
            current < self.best - self.min_delta if self.mode == "min" else current > self.best + self.min_delta
        ):
            self.best = current
            self.wait = 0
        elif self.cooldown_counter <= 0:
            self.wait += 1
            if self.wait >= self.patience:
                old = float(optimizer.learning_rate)
                if old > np.float32(self.min_lr):
                    new = max(old * self.factor, self.min_lr)
                    optimizer.learning_rate = new
                    if self.verbose > 0:
                        print(f"\nEpoch {epoch + 1}: ReduceLROnPlateau reducing learning rate to {new}.")
                    self.cooldown_counter = self.cooldown
                    self.wait = 0

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

``fit`` always adds a :class:`History` (which it returns) and, unless ``verbose=0``, a :class:`ProgbarLogger`
(the progress bar); :class:`CallbackList` is how the model holds them all and calls every hook in turn.
"""

from __future__ import annotations

import csv
import inspect
import io
import math
import os
import tempfile
import warnings
from collections.abc import Callable, Iterable, Mapping
from typing import Any, TextIO

import numpy as np

from scratchnet.progbar import Progbar

__all__ = [
    "CSVLogger",
    "Callback",
    "CallbackList",
    "EarlyStopping",
    "History",
    "LambdaCallback",
    "LearningRateScheduler",
    "ModelCheckpoint",
    "ProgbarLogger",
    "ReduceLROnPlateau",
    "TerminateOnNaN",
]

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


class CallbackList:
    """The callbacks of one ``fit``, ``evaluate`` or ``predict`` call, driven as one.

    Holds the user's callbacks plus, when asked, a :class:`History` and a :class:`ProgbarLogger` (appended after
    them, as in Keras, so the bar's final line comes after anything a user callback prints at the end of an
    epoch). If the user already passed one of those, it is used instead of a new one. Gives every callback the
    model and ``params``, and forwards each hook to each callback in order, always with a ``logs`` dict.

    Args:
        callbacks: The user's callbacks: a list of :class:`Callback` instances, or ``None``.
        model: The model, given to every callback as ``callback.model``.
        add_history: Whether to add a :class:`History` (``fit`` does, and returns it).
        add_progbar: Whether to add a :class:`ProgbarLogger`.
        verbose: 0 silent, 1 live progress bar, 2 one line per epoch.
        epochs: Number of epochs (1 for ``evaluate`` and ``predict``).
        steps: Steps per epoch (or of the whole ``evaluate``/``predict``), or ``None`` if unknown.

    Attributes:
        callbacks: All callbacks, in the order their hooks run.
        history: The :class:`History` among them, or ``None``.
        params: ``{"verbose": .., "epochs": .., "steps": ..}``, as given to every callback.

    Raises:
        TypeError: If ``callbacks`` is not a list of :class:`Callback` instances.
    """

    def __init__(
        self,
        callbacks: Iterable[Callback] | None = None,
        model: Any = None,
        add_history: bool = False,
        add_progbar: bool = False,
        verbose: int = 1,
        epochs: int = 1,
        steps: int | None = None,
    ) -> None:
        self.callbacks: list[Callback] = _checked_callbacks(callbacks)
        self.history: History | None = next((cb for cb in self.callbacks if isinstance(cb, History)), None)
        if self.history is None and add_history:
            self.history = History()
            self.callbacks.append(self.history)
        if add_progbar and not any(isinstance(cb, ProgbarLogger) for cb in self.callbacks):
            self.callbacks.append(ProgbarLogger())
        self.model = None
        self.params: dict[str, Any] = {}
        self.set_params({"verbose": verbose, "epochs": epochs, "steps": steps})
        if model is not None:
            self.set_model(model)

    def append(self, callback: Callback) -> None:
        """Adds one more callback, giving it the model and params the others have."""
        (callback,) = _checked_callbacks([callback])
        callback.set_params(self.params)
        if self.model is not None:
            callback.set_model(self.model)
        self.callbacks.append(callback)

    def set_model(self, model: Any) -> None:
        self.model = model
        for callback in self.callbacks:
            callback.set_model(model)

    def set_params(self, params: Mapping[str, Any]) -> None:
        self.params = dict(params)
        for callback in self.callbacks:
            callback.set_params(self.params)

    def __iter__(self):
        return iter(self.callbacks)

    def __len__(self) -> int:
        return len(self.callbacks)

    def _call(self, hook: str, *args: Any) -> None:
        # Positional arguments, as Keras passes them, so LambdaCallback(on_epoch_end=lambda e, l: ...) works
        # whatever the lambda names its parameters.
        for callback in self.callbacks:
            getattr(callback, hook)(*args)

    def on_train_begin(self, logs: Logs | None = None) -> None:
        self._call("on_train_begin", _logs(logs))

    def on_train_end(self, logs: Logs | None = None) -> None:
        self._call("on_train_end", _logs(logs))

    def on_epoch_begin(self, epoch: int, logs: Logs | None = None) -> None:
        self._call("on_epoch_begin", epoch, _logs(logs))

    def on_epoch_end(self, epoch: int, logs: Logs | None = None) -> None:
        self._call("on_epoch_end", epoch, _logs(logs))

    def on_train_batch_begin(self, batch: int, logs: Logs | None = None) -> None:
        self._call("on_train_batch_begin", batch, _logs(logs))

    def on_train_batch_end(self, batch: int, logs: Logs | None = None) -> None:
        self._call("on_train_batch_end", batch, _logs(logs))

    def on_test_begin(self, logs: Logs | None = None) -> None:
        self._call("on_test_begin", _logs(logs))

    def on_test_end(self, logs: Logs | None = None) -> None:
        self._call("on_test_end", _logs(logs))

    def on_test_batch_begin(self, batch: int, logs: Logs | None = None) -> None:
        self._call("on_test_batch_begin", batch, _logs(logs))

    def on_test_batch_end(self, batch: int, logs: Logs | None = None) -> None:
        self._call("on_test_batch_end", batch, _logs(logs))

    def on_predict_begin(self, logs: Logs | None = None) -> None:
        self._call("on_predict_begin", _logs(logs))

    def on_predict_end(self, logs: Logs | None = None) -> None:
        self._call("on_predict_end", _logs(logs))

    def on_predict_batch_begin(self, batch: int, logs: Logs | None = None) -> None:
        self._call("on_predict_batch_begin", batch, _logs(logs))

    def on_predict_batch_end(self, batch: int, logs: Logs | None = None) -> None:
        self._call("on_predict_batch_end", batch, _logs(logs))


def _logs(logs: Logs | None) -> Logs:
    # Hooks always get a dict, so `logs.get("accuracy")` works in user code. The same dict goes to every
    # callback, so one callback may add an entry for those after it (Keras allows this too).
    return {} if logs is None else logs


def _checked_callbacks(callbacks: Iterable[Callback] | None) -> list[Callback]:
    if callbacks is None:
        return []
    if isinstance(callbacks, Callback) or not isinstance(callbacks, Iterable):
        raise TypeError(
            f"callbacks must be a list of scratchnet.callbacks.Callback instances. Received: "
            f"callbacks={callbacks!r} of type {type(callbacks).__name__}. Put it in a list: callbacks=[...]."
        )
    checked = list(callbacks)
    for i, callback in enumerate(checked):
        if isinstance(callback, Callback):
            continue
        if isinstance(callback, type) and issubclass(callback, Callback):
            hint = f" That is the class itself; call it to make an instance: {callback.__name__}()."
        elif type(callback).__module__.split(".")[0] in ("keras", "tensorflow", "tf_keras"):
            hint = " That is a Keras callback; use the one of the same name from scratchnet.callbacks."
        elif callable(callback):
            hint = " To run a plain function, wrap it: LambdaCallback(on_epoch_end=your_function)."
        else:
            hint = ""
        raise TypeError(
            f"Every item of callbacks must be an instance of scratchnet.callbacks.Callback. Received: "
            f"callbacks[{i}]={callback!r} of type {type(callback).__name__}. Subclass "
            f"scratchnet.callbacks.Callback and override the hooks you need.{hint}"
        )
    return checked


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
        # Imported here, not at the top: plotting loads matplotlib, which training alone should not pay for.
        from scratchnet.plotting import plot_history

        return plot_history(self, metrics)

    def __repr__(self) -> str:
        return f"<History: {len(self.epoch)} epochs of {list(self.history)}>"


def _python_scalar(value: Any) -> Any:
    # np.float32(0.5) -> 0.5, so history lists print as plain numbers and hold no NumPy scalars.
    if isinstance(value, np.generic) or (isinstance(value, np.ndarray) and value.ndim == 0):
        return value.item()
    return value


class ProgbarLogger(Callback):
    """Prints the progress bar of ``fit`` (one per epoch, headed ``Epoch 3/5``), ``evaluate`` and ``predict``.

    Reads ``verbose``, ``epochs`` and ``steps`` from ``params``. As in Keras 2, the ``Epoch i/n`` header is
    printed only when there is more than one epoch; the final line of each epoch is drawn at ``on_epoch_end``,
    so it shows the epoch's logs, validation metrics included; and an ``evaluate`` run inside ``fit`` (between
    ``on_train_begin`` and ``on_train_end``) stays silent, since its results appear on the epoch's line.

    Args:
        file: Stream to print to; ``None`` means ``sys.stdout`` at the time of printing.
    """

    def __init__(self, file: TextIO | None = None) -> None:
        super().__init__()
        self.file = file
        self.progbar: Progbar | None = None
        self.seen = 0  # steps done in the current epoch / evaluate / predict
        self._in_fit = False

    @property
    def verbose(self) -> int:
        verbose = self.params.get("verbose", 1)
        return 1 if verbose == "auto" else verbose

    def _start(self) -> None:
        self.seen = 0
        self.progbar = Progbar(self.params.get("steps"), verbose=self.verbose, file=self.file)

    def _update(self, batch: int, logs: Logs | None) -> None:
        if self.progbar is None:
            self._start()
        self.seen = batch + 1
        self.progbar.update(self.seen, logs, finalize=False)

    def _finalize(self, logs: Logs | None) -> None:
        if self.progbar is None:
            return
        # Normally seen == steps. If training stopped mid-epoch, the final line says so: "12/1875 [>....]".
        self.progbar.update(self.seen, logs, finalize=True)
        self.progbar = None

    def on_train_begin(self, logs: Logs | None = None) -> None:
        self._in_fit = True

    def on_train_end(self, logs: Logs | None = None) -> None:
        self._in_fit = False

    def on_epoch_begin(self, epoch: int, logs: Logs | None = None) -> None:
        epochs = self.params.get("epochs", 1)
        if self.verbose and epochs > 1:
            print(f"Epoch {epoch + 1}/{epochs}", file=self.file, flush=True)  # file=None: sys.stdout
        self._start()

    def on_train_batch_end(self, batch: int, logs: Logs | None = None) -> None:
        self._update(batch, logs)

    def on_epoch_end(self, epoch: int, logs: Logs | None = None) -> None:
        self._finalize(logs)

    def on_test_begin(self, logs: Logs | None = None) -> None:
        if not self._in_fit:
            self._start()

    def on_test_batch_end(self, batch: int, logs: Logs | None = None) -> None:
        if not self._in_fit:
            self._update(batch, logs)

    def on_test_end(self, logs: Logs | None = None) -> None:
        if not self._in_fit:
            self._finalize(logs)

    def on_predict_begin(self, logs: Logs | None = None) -> None:
        self._start()

    def on_predict_batch_end(self, batch: int, logs: Logs | None = None) -> None:
        self._update(batch, None)  # predictions are no metrics: show the bar alone

    def on_predict_end(self, logs: Logs | None = None) -> None:
        self._finalize(None)


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
        if mode not in ("auto", "min", "max"):
            raise ValueError(
                f"EarlyStopping expected mode to be one of 'auto', 'min', 'max'. Received: mode={mode!r}. "
                f"Use 'min' for a loss, 'max' for an accuracy, or 'auto' to decide from the monitor's name."
            )
        if mode == "auto":
            mode = "max" if ("acc" in monitor or "auc" in monitor) else "min"
        self.monitor = monitor
        self.mode = mode
        self.min_delta = abs(min_delta)
        self.patience = patience
        self.verbose = verbose
        self.baseline = baseline
        self.restore_best_weights = restore_best_weights
        self.start_from_epoch = start_from_epoch
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


class TerminateOnNaN(Callback):
    """Stops training as soon as a step's loss is NaN or infinite (it never recovers from that).

    Prints ``Batch 12: Invalid loss, terminating training`` and sets ``model.stop_training = True``.
    """

    def on_batch_end(self, batch: int, logs: Logs | None = None) -> None:
        loss = (logs or {}).get("loss")
        if loss is not None and not math.isfinite(float(loss)):
            print(f"Batch {batch}: Invalid loss, terminating training")
            self.model.stop_training = True


class LambdaCallback(Callback):
    """A callback made of plain functions, for one-off needs.

    Each function takes the arguments of the hook it replaces: ``on_epoch_begin(epoch, logs)``,
    ``on_epoch_end(epoch, logs)``, ``on_batch_begin(batch, logs)``, ``on_batch_end(batch, logs)``,
    ``on_train_begin(logs)``, ``on_train_end(logs)``. The batch ones run at every training step.

    >>> print_loss = LambdaCallback(on_epoch_end=lambda epoch, logs: print(epoch, logs["loss"]))

    Raises:
        TypeError: If one of the arguments is neither a function nor ``None``.
    """

    def __init__(
        self,
        on_epoch_begin: Callable[[int, Logs], Any] | None = None,
        on_epoch_end: Callable[[int, Logs], Any] | None = None,
        on_batch_begin: Callable[[int, Logs], Any] | None = None,
        on_batch_end: Callable[[int, Logs], Any] | None = None,
        on_train_begin: Callable[[Logs], Any] | None = None,
        on_train_end: Callable[[Logs], Any] | None = None,
    ) -> None:
        super().__init__()
        hooks = {
            "on_epoch_begin": on_epoch_begin,
            "on_epoch_end": on_epoch_end,
            "on_batch_begin": on_batch_begin,
            "on_batch_end": on_batch_end,
            "on_train_begin": on_train_begin,
            "on_train_end": on_train_end,
        }
        for name, function in hooks.items():
            if function is None:
                continue
            if not callable(function):
                raise TypeError(
                    f"LambdaCallback expected {name} to be a function. Received: {name}={function!r}. "
                    f"Pass a function, e.g. {name}=lambda *args: print(args)."
                )
            # An instance attribute hides the method of the same name: the no-op hook becomes this function.
            setattr(self, name, function)


# --- callbacks that save, log and schedule (Keras 3 semantics; keras/src/callbacks/<name>.py) -----------------------
def _auto_mode(mode: str, monitor: str, who: str) -> str:
    if mode not in ("auto", "min", "max"):
        raise ValueError(
            f"{who} expected mode to be one of 'auto', 'min', 'max'. Received: mode={mode!r}. Use 'min' for a loss, "
            "'max' for an accuracy, or 'auto' to decide from the monitor's name."
        )
    if mode == "auto":
        return "max" if ("acc" in monitor or "auc" in monitor) else "min"
    return mode


class ModelCheckpoint(Callback):
    """Saves the model (or only its weights) during training: after every epoch, or every ``save_freq`` batches.

    ``filepath`` may hold ``{epoch}`` (counted from 1) and any metric of the logs, e.g.
    ``"ckpt/cp-{epoch:04d}-{val_loss:.2f}.weights.h5"``; missing folders are created. Files are written with
    ``model.save`` (architecture, compile settings and weights) or, with ``save_weights_only=True``,
    ``model.save_weights``; both write atomically, so a crash never leaves half a checkpoint. The format is always
    scratchnet's ``.npz`` whatever the extension (Keras 3 insists on ``.keras`` / ``.weights.h5``; we accept any
    name, so older tutorials run), and ``scratchnet.models.load_model`` / ``model.load_weights`` read it back.

    >>> checkpoint = ModelCheckpoint("best.keras", monitor="val_accuracy", save_best_only=True)
    >>> # model.fit(x, y, validation_split=0.1, epochs=10, callbacks=[checkpoint])

    Args:
        filepath: where to save; a format string as above.
        monitor: the metric ``save_best_only`` compares, e.g. ``"val_loss"``.
        verbose: 1 prints a line at each save.
        save_best_only: save only when ``monitor`` improves on the best so far.
        save_weights_only: save only the weights (``model.save_weights``).
        mode: ``"min"``, ``"max"`` or ``"auto"`` (``"max"`` if the name holds ``"acc"`` or ``"auc"``).
        save_freq: ``"epoch"``, or an int: save every that many batches.
        initial_value_threshold: with ``save_best_only``, a value the first save must beat.
    """

    def __init__(
        self,
        filepath,
        monitor: str = "val_loss",
        verbose: int = 0,
        save_best_only: bool = False,
        save_weights_only: bool = False,
        mode: str = "auto",
        save_freq="epoch",
        initial_value_threshold: float | None = None,
    ) -> None:
        super().__init__()
        if save_freq != "epoch" and (isinstance(save_freq, bool) or not isinstance(save_freq, int) or save_freq < 1):
            raise ValueError(
                f"ModelCheckpoint expected save_freq='epoch' or a positive number of batches. "
                f"Received: save_freq={save_freq!r}."
            )
        self.filepath = os.fspath(filepath)
        self.monitor = monitor
        self.verbose = verbose
        self.save_best_only = save_best_only
        self.save_weights_only = save_weights_only
        self.mode = _auto_mode(mode, monitor, "ModelCheckpoint")
        self.save_freq = save_freq
        self.best = initial_value_threshold
        self._batches_since_save = 0
        self._epoch = 0

    def on_epoch_begin(self, epoch: int, logs: Logs | None = None) -> None:
        self._epoch = epoch

    def on_train_batch_end(self, batch: int, logs: Logs | None = None) -> None:
        if self.save_freq == "epoch":
            return
        self._batches_since_save += 1
        if self._batches_since_save >= self.save_freq:
            self._batches_since_save = 0
            self._save(self._epoch, batch, logs)

    def on_epoch_end(self, epoch: int, logs: Logs | None = None) -> None:
        if self.save_freq == "epoch":
            self._save(epoch, None, logs)

    def _path(self, epoch: int, batch: int | None, logs: Logs) -> str:
        fields = {**logs, "epoch": epoch + 1}
        if batch is not None:
            fields.setdefault("batch", batch + 1)
        try:
            return self.filepath.format(**fields)
        except KeyError as e:
            raise KeyError(
                f"ModelCheckpoint could not fill in filepath={self.filepath!r}: there is no {e} in this epoch's logs. "
                f"Available: epoch{', batch' if batch is not None else ''}, {', '.join(logs) or 'no metrics'}."
            ) from None

    def _save(self, epoch: int, batch: int | None, logs: Logs | None) -> None:
        logs = _logs(logs)
        path = self._path(epoch, batch, logs)
        if self.save_best_only:
            current = logs.get(self.monitor)
            if current is None:
                warnings.warn(f"Can save best model only with {self.monitor} available.", stacklevel=2)
            else:
                current = float(current)
                best = "None" if self.best is None else f"{self.best:.5f}"
                better = self.best is None or (current < self.best if self.mode == "min" else current > self.best)
                if not better:
                    if self.verbose > 0:
                        print(f"\nEpoch {epoch + 1}: {self.monitor} did not improve from {best}")
                    return
                if self.verbose > 0:
                    print(
                        f"\nEpoch {epoch + 1}: {self.monitor} improved from {best} to {current:.5f}, "
                        f"saving model to {path}"
                    )
                self.best = current
        elif self.verbose > 0:
            print(f"\nEpoch {epoch + 1}: saving model to {path}")
        folder = os.path.dirname(path)
        if folder:
            os.makedirs(folder, exist_ok=True)
        if os.path.isdir(path):
            raise IsADirectoryError(
                f"ModelCheckpoint: filepath {path!r} is a folder. Give a file name, e.g. "
                f"{os.path.join(path, 'model.keras')!r}."
            )
        if self.save_weights_only:
            self.model.save_weights(path)
        else:
            self.model.save(path)


class CSVLogger(Callback):
    """Writes each epoch's metrics to a CSV file: a header ``epoch,accuracy,loss,...``, then one row per epoch.

    Columns are the sorted metric names of the first epoch (with ``val_`` columns added as ``NA`` if there is no
    validation), epochs counted from 0, as in Keras. The file is rewritten atomically after every epoch, so it is
    complete and readable at any moment, also while training runs.

    Args:
        filename: the CSV file.
        separator: the column separator.
        append: keep the rows already in the file (and its header) instead of starting afresh.
    """

    def __init__(self, filename, separator: str = ",", append: bool = False) -> None:
        super().__init__()
        self.filename = os.fspath(filename)
        self.sep = separator
        self.append = append
        self.keys: list[str] | None = None
        self._text = ""

    def on_train_begin(self, logs: Logs | None = None) -> None:
        self.keys = None
        self._text = ""
        if self.append and os.path.exists(self.filename):
            with open(self.filename, encoding="utf-8", newline="") as f:
                self._text = f.read()

    def on_epoch_end(self, epoch: int, logs: Logs | None = None) -> None:
        logs = _logs(logs)
        out = io.StringIO()
        writer = csv.writer(out, delimiter=self.sep)
        if self.keys is None:
            self.keys = sorted(logs)
            if self.keys and not any(k.startswith("val_") for k in self.keys):
                self.keys += [f"val_{k}" for k in self.keys]
            if not self._text:
                writer.writerow(["epoch", *self.keys])
        writer.writerow([epoch, *(_python_scalar(logs.get(k, "NA")) for k in self.keys)])
        self._text += out.getvalue()
        _atomic_write_text(self.filename, self._text)


def _atomic_write_text(path: str, text: str) -> None:
    folder = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{os.path.basename(path)}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise


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


def __getattr__(name: str) -> Any:
    # LayerStats lives in scratchnet/layer_stats.py and subclasses Callback from here, so a plain import at the
    # bottom of this file would be circular whenever layer_stats is imported first. Looked up on first use instead.
    if name == "LayerStats":
        from scratchnet.layer_stats import LayerStats

        return LayerStats
    raise AttributeError(
        f"module {__name__!r} has no attribute {name!r}: scratchnet's callbacks are {', '.join(sorted(__all__))} "
        "and LayerStats; write your own by subclassing Callback."
    )

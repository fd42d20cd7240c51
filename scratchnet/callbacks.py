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

from collections.abc import Callable, Iterable, Mapping
from typing import Any, TextIO

from scratchnet.callback import Callback, Logs, _logs, _python_scalar
from scratchnet.early_stopping import EarlyStopping, TerminateOnNaN
from scratchnet.file_callbacks import CSVLogger, ModelCheckpoint
from scratchnet.layer_stats import LayerStats
from scratchnet.live_plot import LivePlot
from scratchnet.lr_callbacks import LearningRateScheduler, ReduceLROnPlateau
from scratchnet.plotting import plot_history
from scratchnet.progbar import Progbar

__all__ = [
    "CSVLogger",
    "Callback",
    "CallbackList",
    "EarlyStopping",
    "History",
    "LambdaCallback",
    "LayerStats",
    "LearningRateScheduler",
    "LivePlot",
    "ModelCheckpoint",
    "ProgbarLogger",
    "ReduceLROnPlateau",
    "TerminateOnNaN",
]


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
        return plot_history(self, metrics)  # matplotlib is loaded only now, by plotting

    def __repr__(self) -> str:
        return f"<History: {len(self.epoch)} epochs of {list(self.history)}>"


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


def __getattr__(name: str) -> Any:
    # LayerStats lives in scratchnet/layer_stats.py and subclasses Callback from here, so a plain import at the
    # bottom of this file would be circular whenever layer_stats is imported first. Looked up on first use instead.
    raise AttributeError(
        f"module {__name__!r} has no attribute {name!r}: scratchnet's callbacks are {', '.join(sorted(__all__))}; "
        "write your own by subclassing Callback."
    )

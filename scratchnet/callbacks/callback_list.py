"""CallbackList: the callbacks of one ``fit``, ``evaluate`` or ``predict`` call, driven as one.

``fit`` always adds a :class:`~scratchnet.callbacks.history.History` (which it returns) and, unless ``verbose=0``,
a :class:`~scratchnet.callbacks.progress.ProgbarLogger` (the progress bar) to the callbacks it is given, and calls
every hook of every callback in turn through this list.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from scratchnet.callbacks.base import Callback, Logs, _logs
from scratchnet.callbacks.history import History
from scratchnet.callbacks.progress import ProgbarLogger

__all__ = ["CallbackList"]


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

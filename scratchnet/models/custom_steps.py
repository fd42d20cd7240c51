"""Your own ``train_step``, ``test_step`` and ``predict_step``, as keras.io's "Customizing what happens in fit()".

A model whose class overrides ``train_step(self, data)`` (one argument: the batch) keeps ``fit``'s loop, callbacks
and progress bar, and hands each batch to your step instead of scratchnet's hand-written one:

    for each epoch:   every metric in model.metrics is reset
        for each batch:   logs = model.train_step((x, y))   or (x, y, sample_weight)
                          the logs it returns are what the progress bar and the callbacks see

The step is written with a GradientTape, as in Keras:

    def train_step(self, data):
        x, y = data
        with sn.GradientTape() as tape:
            y_pred = self(x, training=True)
            loss = self.compute_loss(y=y, y_pred=y_pred)          # Keras 3 (Keras 2: self.compiled_loss(y, y_pred))
        grads = tape.gradient(loss, self.trainable_variables)
        self.optimizer.apply_gradients(zip(grads, self.trainable_variables))
        for metric in self.metrics:
            metric.update_state(loss) if metric.name == "loss" else metric.update_state(y, y_pred)
        return {m.name: m.result() for m in self.metrics}

:class:`KerasSteps` gives every model what such a step uses: ``metrics`` (a loss tracker and the compiled
metrics, as objects), ``compute_loss``, ``compiled_loss``, ``compiled_metrics``, ``losses``, ``reset_metrics``.
"""

from __future__ import annotations

import inspect
import math

import numpy as np

from scratchnet import checks
from scratchnet import metrics as metrics_module
from scratchnet.callbacks.callback_list import CallbackList
from scratchnet.tape.ops import reduce_mean

__all__ = ["KerasSteps", "evaluate", "fit", "overrides"]


def overrides(model, step: str) -> bool:
    """Whether ``model``'s class defines its own ``step`` taking one batch (``train_step(self, data)``)."""
    for klass in type(model).__mro__:
        if step in vars(klass):
            if klass.__module__.startswith("scratchnet."):
                return False
            return len(inspect.signature(vars(klass)[step]).parameters) == 2
    return False


class _CompiledMetric(metrics_module.Metric):
    """A metric given by name in ``compile(metrics=[...])``, as an object (``'accuracy'`` resolved by shapes)."""

    def __init__(self, name):
        super().__init__(name=str(name))
        self.identifier = name

    def update_state(self, y_true, y_pred, sample_weight=None) -> None:
        y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
        fn = metrics_module.get(self.identifier, y_true.shape, y_pred.shape)
        self._total += len(y_pred) * float(fn(y_true, y_pred))
        self._count += len(y_pred)


class _CompiledMetrics:
    """Keras 2's ``model.compiled_metrics``: ``update_state`` updates every compiled metric."""

    def __init__(self, model):
        self.model = model

    def update_state(self, y_true, y_pred, sample_weight=None) -> None:
        for metric in self.model.metrics[1:]:
            metric.update_state(y_true, y_pred)

    @property
    def metrics(self) -> list:
        return self.model.metrics[1:]


class KerasSteps:
    """What a ``train_step`` of your own uses (see the module docstring); mixed into every model."""

    @property
    def metrics(self) -> list:
        """The loss tracker (``Mean`` named ``'loss'``), then one object per compiled metric, as in Keras."""
        names = [str(n) for n in getattr(self, "metric_names", [])]
        cached = self.__dict__.get("_metric_objects")
        if cached is None or [m.name for m in cached[1:]] != names:
            cached = [metrics_module.Mean(name="loss")] + [_CompiledMetric(n) for n in self.metric_names]
            self.__dict__["_metric_objects"] = cached
        return cached

    @property
    def metrics_names(self) -> list[str]:
        return [m.name for m in self.metrics]

    @property
    def losses(self) -> list:
        """Keras's extra losses added by layers (activity regularizers): none in scratchnet."""
        return []

    def reset_metrics(self) -> None:
        for metric in self.metrics:
            metric.reset_state()

    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        """Keras 3: the compiled loss of ``y_pred`` (a tensor on the tape) plus the weight penalties."""
        if self.loss is None:
            raise RuntimeError(
                f"compute_loss(): model '{self.name}' was compiled without a loss. Pass one: "
                "model.compile(optimizer=..., loss='mse'), or compute your own in train_step."
            )
        loss = self.loss.on_tensors(y, y_pred, per_example=sample_weight is not None)
        if sample_weight is not None:
            loss = reduce_mean(loss * np.asarray(sample_weight, dtype=self.dtype).reshape(-1))
        return loss + self.regularization_loss()

    def compiled_loss(self, y_true, y_pred, sample_weight=None, regularization_losses=None):
        """Keras 2: :meth:`compute_loss`, also recorded in the loss tracker (``metrics[0]``)."""
        loss = self.compute_loss(y=y_true, y_pred=y_pred, sample_weight=sample_weight)
        self.metrics[0].update_state(np.asarray(loss))
        return loss

    @property
    def compiled_metrics(self) -> _CompiledMetrics:
        return _CompiledMetrics(self)


def _logs(returned) -> dict:
    """The dict a step returned, its values as Python floats (tensors and NumPy scalars included)."""
    if not isinstance(returned, dict):
        raise TypeError(
            f"train_step/test_step must return a dict of metric values, e.g. {{m.name: m.result() for m in "
            f"self.metrics}}. Received: {type(returned).__name__}."
        )
    return {k: float(np.asarray(v)) for k, v in returned.items()}


def _data(model, x, y, who):
    x = checks.prepare_inputs(model, x, who)
    if y is not None:
        y = np.asarray(y)
        if len(y) != len(x):
            raise ValueError(f"{who}(): x and y must hold the same number of examples. Received: {len(x)}, {len(y)}.")
    return x, y


def _batch(model, x, y, w, rows):
    xb = x[rows].astype(model.dtype, copy=False)
    parts = [xb] + ([] if y is None else [y[rows]]) + ([] if w is None else [w[rows]])
    return tuple(parts) if len(parts) > 1 else xb


def fit(model, x, y, batch_size, epochs, verbose, callbacks, validation_data, shuffle, sample_weight, initial_epoch):
    """``fit`` for a model with its own ``train_step``: the batches and callbacks, your step in the middle."""
    if model.optimizer is None:
        raise RuntimeError("You must call compile(optimizer=...) before fit().")
    x, y = _data(model, x, y, "fit")
    w = None if sample_weight is None else np.asarray(sample_weight)
    n = len(x)
    steps = math.ceil(n / batch_size)
    cbs = CallbackList(
        callbacks, model=model, add_history=True, add_progbar=verbose != 0, verbose=verbose, epochs=epochs, steps=steps
    )
    model.stop_training = False
    cbs.on_train_begin()
    logs: dict = {}
    for epoch in range(initial_epoch, epochs):
        model.reset_metrics()
        cbs.on_epoch_begin(epoch)
        order = model.rng.permutation(n) if shuffle else np.arange(n)
        for step in range(steps):
            cbs.on_train_batch_begin(step)
            logs = _logs(model.train_step(_batch(model, x, y, w, order[step * batch_size : (step + 1) * batch_size])))
            cbs.on_train_batch_end(step, logs)
            if model.stop_training:
                break
        logs = dict(logs)
        if validation_data is not None:
            val = evaluate(model, validation_data[0], validation_data[1], batch_size, None)
            logs.update({f"val_{k}": v for k, v in val.items()})
        cbs.on_epoch_end(epoch, logs)
        if model.stop_training:
            break
    cbs.on_train_end(logs)
    return cbs.history


def evaluate(model, x, y, batch_size, cbs) -> dict:
    """``evaluate`` with your own ``test_step`` (or, without one, the compiled loss and metrics as objects)."""
    x, y = _data(model, x, y, "evaluate")
    model.reset_metrics()
    logs: dict = {}
    for step in range(math.ceil(len(x) / batch_size)):
        rows = slice(step * batch_size, (step + 1) * batch_size)
        if overrides(model, "test_step"):
            logs = _logs(model.test_step(_batch(model, x, y, None, rows)))
        else:
            xb, yb = _batch(model, x, y, None, rows)
            y_pred = model(xb, training=False)
            model.compiled_loss(yb, y_pred)
            model.compiled_metrics.update_state(yb, y_pred)
            logs = {m.name: float(m.result()) for m in model.metrics}
        if cbs is not None:
            cbs.on_test_batch_end(step, logs)
    return logs

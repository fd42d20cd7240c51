"""fit, evaluate and predict on a stream of batches: a ``Dataset``, a Keras ``Sequence`` (what
``ImageDataGenerator.flow`` returns) or a Python generator of ``(x, y)`` or ``(x, y, sample_weight)`` batches.

The loop is the NumPy loop of :mod:`scratchnet.models.training`, step for step; only where the batches come from
differs. Each batch goes through the same checks as arrays do (:func:`scratchnet.checks.prepare_data`), since a
stream can change shape, scale or labels halfway through. How many batches make an epoch follows Keras:

- without ``steps_per_epoch``, one epoch is one full pass (a dataset that repeats forever is refused);
- with it, the batches run on from one epoch to the next, unless it equals the dataset's size (then each epoch
  starts a new pass); if the data runs out first, training stops with a warning, as in Keras.
"""

from __future__ import annotations

import contextlib
import math
import numbers
import warnings
from collections.abc import Iterator

import numpy as np

from scratchnet import checks, hints, speed
from scratchnet.callbacks.callback_list import CallbackList

__all__ = ["Batches", "evaluate", "fit", "is_stream", "predict"]

_INFINITE, _UNKNOWN = -1, -2


def is_stream(x) -> bool:
    """True for a Dataset, a Sequence or an iterator of batches; False for arrays, lists and tensors."""
    if x is None or isinstance(x, (np.ndarray, list, tuple, dict, str, bytes, numbers.Number)):
        return False
    if hasattr(x, "__array__") or getattr(x, "is_symbolic", False):
        return False
    return hasattr(x, "__iter__") or hasattr(x, "__next__") or (hasattr(x, "__getitem__") and hasattr(x, "__len__"))


class Batches:
    """The batches of a stream, epoch by epoch, by Keras's rules (see the module's docstring)."""

    def __init__(self, data, who: str):
        self.data, self.who = data, who
        if hasattr(data, "cardinality"):
            self.kind, self.size = "dataset", int(data.cardinality())
        elif hasattr(data, "__getitem__") and hasattr(data, "__len__"):
            self.kind, self.size = "sequence", len(data)
        else:
            self.kind, self.size = "iterator", len(data) if hasattr(data, "__len__") else _UNKNOWN
        self.running: Iterator | None = None
        self.ran_out = False

    def steps(self, steps, name: str) -> int | None:
        """Batches per epoch (None: as many as one pass gives, not known in advance)."""
        if steps is not None:
            return checks.positive_int(f"{self.who}()", name, steps)
        if self.size == _INFINITE:
            raise ValueError(
                f"{self.who}(): the dataset repeats forever, so an epoch never ends. Pass {name}=N (e.g. "
                "len(x_train) // batch_size), or remove .repeat() from the pipeline."
            )
        return self.size if self.size >= 0 else None

    def _one_pass(self) -> Iterator:
        if self.kind == "sequence":
            for i in range(len(self.data)):
                yield self.data[i]
            if hasattr(self.data, "on_epoch_end"):
                self.data.on_epoch_end()
        elif self.kind == "dataset":
            yield from self.data
        else:
            yield from self.data if hasattr(self.data, "__next__") else iter(self.data)

    def _forever(self) -> Iterator:
        while True:
            yield from self._one_pass()

    def epoch(self, steps: int | None, fresh: bool = False) -> Iterator:
        """The batches of one epoch: ``steps`` of them (fewer if the data runs out), or one pass."""
        if steps is None or fresh:
            batches = self._one_pass()
        else:
            if self.running is None or (self.kind == "dataset" and self.size == steps):
                self.running = self._forever() if self.kind == "sequence" else self._one_pass()
            batches = self.running
        for step in range(steps) if steps is not None else iter(int, 1):
            try:
                yield step, next(batches)
            except StopIteration:
                self.ran_out = steps is not None
                return


def _one_example(model, x, who: str) -> None:
    """Refuse a batch that is one example: a dataset not batched (``Dataset.from_tensor_slices`` without
    ``.batch``) yields examples one at a time."""
    if model.built and np.shape(x) == tuple(model.input_shape):
        raise ValueError(
            f"{who}(): the dataset yields single examples of shape {np.shape(x)}, not batches of them. Batch it: "
            "dataset.batch(32)."
        )


def _unpack(batch, who: str, need_y: bool = True):
    """``(x, y, sample_weight)`` of one batch, y and sample_weight None when absent."""
    if isinstance(batch, (tuple, list)) and len(batch) in (1, 2, 3):
        x, y, w = (*batch, None, None)[:3]
    elif isinstance(batch, dict):
        raise ValueError(
            f"{who}(): the dataset's elements are dicts (keys {list(batch)}); scratchnet models take one input. "
            "Map them to (x, y) pairs first: dataset.map(lambda d: (d['image'], d['label']))."
        )
    else:
        x, y, w = batch, None, None
    if need_y and y is None:
        raise ValueError(
            f"{who}() expected each batch of the dataset to be (x, y) or (x, y, sample_weight). Received: a batch "
            f"of type {type(batch).__name__}{f' with shape {np.shape(batch)}' if hasattr(batch, 'shape') else ''}. "
            "Make the dataset from both: Dataset.from_tensor_slices((x, y)).batch(32)."
        )
    return x, y, w


def _not_with_stream(who: str, **arguments) -> None:
    for name, value in arguments.items():
        if value is not None and value is not False and not (name == "validation_split" and value == 0):
            raise ValueError(
                f"{who}(): `{name}` is not supported when x is a dataset or generator: it yields the targets and "
                f"weights with the inputs. Received: {name}={value!r}. Put them in the dataset's elements: "
                "(x, y) or (x, y, sample_weight)."
            )


def fit(model, data, y, epochs, verbose, callbacks, validation_split, validation_data, class_weight,
        sample_weight, initial_epoch, steps_per_epoch, validation_steps, validation_freq):  # fmt: skip
    """``model.fit`` on a stream (the arguments are fit's, already checked)."""
    _not_with_stream("fit", y=y, sample_weight=sample_weight, validation_split=validation_split)
    source = Batches(data, "fit")
    steps = source.steps(steps_per_epoch, "steps_per_epoch")
    val = None if validation_data is None else _validation(model, validation_data)
    cbs = CallbackList(
        callbacks, model=model, add_history=True, add_progbar=verbose != 0, verbose=verbose, epochs=epochs, steps=steps
    )
    model.stop_training = False
    cbs.on_train_begin()
    epoch_logs: dict = {}
    lo, hi = math.inf, -math.inf
    with contextlib.ExitStack() as blas:
        for epoch in range(initial_epoch, epochs):
            cbs.on_epoch_begin(epoch)
            tracker = _means(model)
            first_loss = None
            for step, batch in source.epoch(steps):
                cbs.on_train_batch_begin(step)
                xb, yb, wb = _unpack(batch, "fit")
                _one_example(model, xb, "fit")
                xb, yb = checks.prepare_data(model, xb, yb, "fit")
                weights = checks.sample_weights(model, yb, wb, class_weight)
                if step == 0 and epoch == initial_epoch:
                    blas.enter_context(speed.blas_threads(model.multiply_adds_per_batch(len(xb))))
                batch_lo, batch_hi = checks.value_range(xb)
                lo, hi = min(lo, batch_lo), max(hi, batch_hi)
                model.train_range = (lo, hi)
                xb = xb.astype(model.dtype, copy=False)
                loss, y_pred = model.train_step(xb, yb) if weights is None else model.train_step(xb, yb, weights)
                hints.check_loss(model, loss, epoch, step)
                first_loss = loss if first_loss is None else first_loss
                cbs.on_train_batch_end(step, tracker.add(len(xb), loss, model._metric_values(yb, y_pred)))
                if model.stop_training:
                    break
            if source.ran_out or (tracker.count == 0 and epoch > initial_epoch):
                needed = f" (here {steps * epochs})" if steps else ""
                warnings.warn(
                    "Your input ran out of data; interrupting training. Make sure that your dataset or generator "
                    f"can generate at least steps_per_epoch * epochs batches{needed}: add .repeat() to the "
                    "dataset, or lower steps_per_epoch.",
                    UserWarning,
                    stacklevel=3,
                )
                model.stop_training = True
            if tracker.count == 0:
                if epoch == initial_epoch:
                    raise ValueError(
                        "fit(): the dataset gave no batches. Check its length (len(dataset)), and that filter or "
                        "batch(drop_remainder=True) leaves some."
                    )
                break
            epoch_logs = tracker.means()
            hints.check_epoch(model, first_loss, epoch_logs["loss"], epoch - initial_epoch)
            if val is not None and (epoch + 1) % validation_freq == 0:
                val_logs = evaluate_logs(model, val, validation_steps, None, "fit(validation_data)")
                epoch_logs.update({f"val_{k}": v for k, v in val_logs.items()})
            cbs.on_epoch_end(epoch, epoch_logs)
            if model.stop_training:
                break
    cbs.on_train_end(epoch_logs)
    return cbs.history


def _validation(model, validation_data):
    """A stream, or ``(x_val, y_val)`` arrays checked now."""
    if is_stream(validation_data):
        return validation_data
    _, _, val = model._validation(None, None, 0.0, validation_data)
    return val


def _means(model):
    return model.running_means_class(["loss", *model.metric_names])


def evaluate_logs(model, data, steps, cbs, who: str) -> dict[str, float]:
    """Loss and metrics over a stream (or over prepared ``(x, y)`` arrays, in batches of 32)."""
    if isinstance(data, tuple):
        return model._evaluate_prepared(*data, 32, cbs)
    source = Batches(data, who.split("(")[0])
    steps = source.steps(steps, "validation_steps" if who.startswith("fit") else "steps")
    tracker = _means(model)
    if cbs is not None:
        cbs.on_test_begin()
    for step, batch in source.epoch(steps, fresh=True):
        if cbs is not None:
            cbs.on_test_batch_begin(step)
        xb, yb, _ = _unpack(batch, who)
        _one_example(model, xb, who.split("(")[0])
        xb, yb = checks.prepare_data(model, xb, yb, who)
        if step == 0:
            hints.check_input_scale(model, xb, stacklevel=5)
        y_pred = model.forward(xb.astype(model.dtype, copy=False), training=False)
        logs = tracker.add(len(xb), model.loss.forward(yb, y_pred), model._metric_values(yb, y_pred))
        if cbs is not None:
            cbs.on_test_batch_end(step, logs)
    logs = tracker.means()
    logs["loss"] += model.regularization_loss()
    if cbs is not None:
        cbs.on_test_end(logs)
    return logs


def evaluate(model, data, y, verbose, steps, callbacks) -> dict[str, float]:
    """``model.evaluate`` on a stream."""
    _not_with_stream("evaluate", y=y)
    source = Batches(data, "evaluate")
    cbs = CallbackList(
        callbacks, model=model, add_progbar=verbose != 0, verbose=verbose, steps=source.steps(steps, "steps")
    )
    return evaluate_logs(model, data, steps, cbs, "evaluate")


def predict(model, data, verbose, steps, callbacks):
    """``model.predict`` on a stream: the outputs of every batch, concatenated (the targets, if any, unused)."""
    source = Batches(data, "predict")
    steps = source.steps(steps, "steps")
    cbs = CallbackList(callbacks, model=model, add_progbar=verbose != 0, verbose=verbose, steps=steps)
    cbs.on_predict_begin()
    outs: list[list[np.ndarray]] = []
    for step, batch in source.epoch(steps, fresh=True):
        cbs.on_predict_batch_begin(step)
        xb = _unpack(batch, "predict", need_y=False)[0]
        _one_example(model, xb, "predict")
        xb = checks.prepare_inputs(model, xb, "predict")
        if step == 0:
            hints.check_input_scale(model, xb, stacklevel=4)
        y_pred = model.forward(xb.astype(model.dtype, copy=False), training=False)
        outs.append(y_pred if isinstance(y_pred, list) else [y_pred])
        cbs.on_predict_batch_end(step, {})
    cbs.on_predict_end()
    if not outs:
        raise ValueError("predict(): the dataset gave no batches. Check its length (len(dataset)).")
    result = [np.concatenate(parts) for parts in zip(*outs, strict=True)]
    return result if getattr(model, "output_positions", None) else result[0]

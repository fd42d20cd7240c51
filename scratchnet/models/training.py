"""The training loop: compile, fit, evaluate, predict, train_on_batch, test_on_batch, as in Keras.

:class:`Trainer` is the base class that gives a model these methods (Keras's ``Model`` inherits from its
``Trainer`` the same way). It never computes a gradient itself: one step of training is the model's
``train_step`` (see :mod:`scratchnet.models`), and this module only feeds it batches, keeps the running means,
calls the callbacks and checks the data. So any model class with ``forward``, ``train_step``, ``build`` and the
shapes trains through the same loop and the same fused gradient.

    fit:       for each epoch, for each batch:  loss, y_pred = model.train_step(xb, yb)
    evaluate:  for each batch:                  y_pred = model.forward(xb, training=False); loss(yb, y_pred)
    predict:   for each batch:                  y_pred = model.forward(xb, training=False)

All three walk the data with :func:`batches`: each batch is gathered (through a shuffled index, never a
shuffled copy) and cast to the model's dtype as it is used, so the dataset is never copied.
"""

from __future__ import annotations

import math
from collections.abc import Iterator

import numpy as np

from scratchnet import checks, fused, hints, losses, optimizers, speed
from scratchnet.callbacks.callback_list import CallbackList
from scratchnet.metrics import check_names as check_metric_names
from scratchnet.metrics import get as get_metric
from scratchnet.models import custom_steps, streams

__all__ = ["RunningMeans", "Trainer", "batches"]


def _batch_stream(n: int, batch_size: int, rng: np.random.Generator | None) -> Iterator[slice | np.ndarray]:
    """The rows of every training batch, pass after pass: each pass a new order (a permutation of indices, never a
    permuted copy of the data), or the data in order when ``rng`` is None (``shuffle=False``)."""
    while True:
        order = None if rng is None else rng.permutation(n)
        for _, rows in batches(n, batch_size, order):
            yield rows


def batches(n: int, batch_size: int, order: np.ndarray | None = None) -> Iterator[tuple[int, slice | np.ndarray]]:
    """``(step, rows)`` for each batch of ``n`` examples: a slice, or the indices ``order[slice]`` when shuffled."""
    for step in range(math.ceil(n / batch_size)):
        rows = slice(step * batch_size, (step + 1) * batch_size)
        yield step, rows if order is None else order[rows]


class RunningMeans:
    """Means over the batches seen so far, weighted by batch size (so the epoch's number is exact)."""

    def __init__(self, names: list[str]):
        self.names = names
        self.sums = [0.0] * len(names)
        self.count = 0

    def add(self, n: int, loss: float, metric_values: list[float]) -> dict[str, float]:
        self.count += n
        for i, value in enumerate([loss, *metric_values]):
            self.sums[i] += n * value
        return self.means()

    def means(self) -> dict[str, float]:
        return {name: s / max(self.count, 1) for name, s in zip(self.names, self.sums, strict=True)}


class Trainer:
    """compile / fit / evaluate / predict for a model that provides ``forward``, ``train_step`` and its shapes."""

    running_means_class = RunningMeans  # what the loops here and in streams.py keep their numbers in

    def _init_training(self) -> None:
        self.optimizer: optimizers.Optimizer | None = None
        self.loss: losses.Loss | None = None
        self.metric_names: list[str] = []
        self.fused_loss = None  # chosen at compile: fused.SoftmaxCrossentropy, fused.SigmoidBinaryCrossentropy or None
        self.stop_training = False
        self.history = None
        self.train_range: tuple[float, float] | None = None  # (min, max) of the inputs fit() last saw
        self.hints_given: set[str] = set()  # each hint is given once per model

    # --- compile ------------------------------------------------------------------------------------------------
    def compile(
        self,
        optimizer="rmsprop",
        loss=None,
        metrics=None,
        loss_weights=None,
        weighted_metrics=None,
        run_eagerly=None,
        steps_per_execution=None,
        jit_compile=None,
        auto_scale_loss=None,
    ) -> None:
        """Choose the optimizer, the loss and the metrics to report.

        ``run_eagerly``, ``jit_compile``, ``steps_per_execution`` and ``auto_scale_loss`` are accepted as Keras
        has them and change nothing: scratchnet always runs eagerly, one NumPy call after another.

        Args:
            optimizer: ``'adam'``, ``'sgd'``, ``'rmsprop'`` or an instance from ``scratchnet.optimizers``.
            loss: ``'sparse_categorical_crossentropy'``, ``'categorical_crossentropy'``, ``'mean_squared_error'``
                (``'mse'``), ``'binary_crossentropy'``, or an instance from ``scratchnet.losses``.
            metrics: e.g. ``['accuracy']``; logged under the names given.
        """
        for name, value in (("loss_weights", loss_weights), ("weighted_metrics", weighted_metrics)):
            if value is not None:
                raise ValueError(
                    f"compile(): {name} is not supported: a scratchnet model has one output and one loss, and its "
                    f"metrics are not weighted. Received: {name}={value!r}. Remove it (and use fit(sample_weight=...) "
                    "to weigh examples in the loss)."
                )
        self.optimizer = optimizers.get(optimizer)
        self.loss = None if loss is None else losses.get(loss)
        self.metric_names = check_metric_names(metrics)
        # What is trainable may have changed since the last compile (layer.trainable = True after a frozen phase,
        # as in transfer learning): the next step packs the parameters the optimizer updates anew.
        speed.separate_parameters(self)
        self.choose_backward()
        hints.check_compile(self, self.loss)

    def choose_backward(self) -> None:
        """Decide, once, whether backprop starts with the fused gradient (:func:`scratchnet.fused.choose`)."""
        self.fused_loss = fused.choose(self, self.loss)

    # --- fit ----------------------------------------------------------------------------------------------------
    def fit(
        self,
        x=None,
        y=None,
        batch_size: int = 32,
        epochs: int = 1,
        verbose: int = 1,
        callbacks=None,
        validation_split: float = 0.0,
        validation_data=None,
        shuffle: bool = True,
        class_weight: dict | None = None,
        sample_weight=None,
        initial_epoch: int = 0,
        steps_per_epoch: int | None = None,
        validation_freq: int = 1,
        validation_steps: int | None = None,
    ):
        """Train for ``epochs`` passes over ``(x, y)`` in mini-batches. Returns a ``History``.

        Inputs may be lists or arrays of any numeric dtype (uint8 images, float64 from ``x / 255.0``). Each
        batch is gathered and cast to the model's dtype as it is used, so the dataset is never copied.

        Args:
            x: inputs, shape (N, *input_shape).
            y: targets: integer labels (N,) for sparse cross-entropy, (N, C) one-hot, or values for MSE.
            batch_size: examples per gradient step.
            epochs: passes over the data.
            verbose: 0 silent, 1 progress bar, 2 one line per epoch.
            callbacks: list of ``scratchnet.callbacks.Callback``.
            validation_split: fraction of the data, taken from the end *before* shuffling (as Keras does),
                held out to compute ``val_*`` metrics after each epoch.
            validation_data: ``(x_val, y_val)``; takes precedence over ``validation_split``.
            shuffle: reshuffle the order of examples before each epoch.
            class_weight: ``{class: weight}``, e.g. ``{0: 1.0, 1: 3.0}``: each example's loss is multiplied by the
                weight of its class (classes not named weigh 1), as Keras does; metrics are not weighted.
            sample_weight: one weight per example, shape (N,); the loss is ``sum(w_i * l_i) / N``.
            initial_epoch: the epoch to start from, to resume a run: ``fit(..., epochs=10, initial_epoch=5)``
                trains epochs 6 to 10 (as Keras counts them).
            steps_per_epoch: batches per epoch, if not one pass over the data: the batches then run on through
                the data from one epoch to the next (reshuffled after each full pass), as Keras does.
            validation_freq: validate after every this many epochs (1: after each).
            validation_steps: batches of a validation dataset to evaluate (default: all of it).

        ``x`` may also be a ``scratchnet.data.Dataset`` (or a generator, or ``ImageDataGenerator.flow``) of
        ``(x, y)`` or ``(x, y, sample_weight)`` batches, without ``y``: see :mod:`scratchnet.models.streams`.

        Returns:
            A ``History`` whose ``history`` dict holds per-epoch lists: ``loss``, the metrics, ``val_*``.
        """
        batch_size = checks.positive_int("fit()", "batch_size", batch_size)
        epochs = checks.positive_int("fit()", "epochs", epochs, allow_zero=True)
        initial_epoch = checks.positive_int("fit()", "initial_epoch", initial_epoch, allow_zero=True)
        validation_freq = checks.positive_int("fit()", "validation_freq", validation_freq)
        if not isinstance(shuffle, (bool, np.bool_)):
            raise TypeError(f"fit() expected shuffle to be True or False. Received: shuffle={shuffle!r}.")
        if streams.is_stream(x):
            return streams.fit(self, x, y, epochs, verbose, callbacks, validation_split, validation_data,
                               class_weight, sample_weight, initial_epoch, steps_per_epoch, validation_steps,
                               validation_freq)  # fmt: skip
        if custom_steps.overrides(self, "train_step"):  # your own train_step(self, data), Keras's way
            if validation_data is None and validation_split:
                split = int(len(x) * (1 - float(validation_split)))
                x, y, validation_data = x[:split], y[:split], (x[split:], y[split:])
            return custom_steps.fit(
                self,
                x,
                y,
                batch_size,
                epochs,
                verbose,
                callbacks,
                validation_data,
                shuffle,
                sample_weight,
                initial_epoch,
            )
        x, y = checks.prepare_data(self, x, y, "fit")
        weights = checks.sample_weights(self, y, sample_weight, class_weight)
        x, y, val = self._validation(x, y, validation_split, validation_data)
        if weights is not None and val is not None and validation_data is None:
            weights = weights[: len(x)]  # the validation split takes the last examples, and their weights
        n = len(x)
        full_pass = math.ceil(n / batch_size)
        steps = (
            full_pass if steps_per_epoch is None else checks.positive_int("fit()", "steps_per_epoch", steps_per_epoch)
        )
        stream = _batch_stream(n, batch_size, self.rng if shuffle else None)
        self.train_range = checks.value_range(x)
        cbs = CallbackList(
            callbacks,
            model=self,
            add_history=True,
            add_progbar=verbose != 0,
            verbose=verbose,
            epochs=epochs,
            steps=steps,
        )
        self.stop_training = False
        cbs.on_train_begin()
        epoch_logs: dict = {}
        with speed.blas_threads(self.multiply_adds_per_batch(batch_size)):
            for epoch in range(initial_epoch, epochs):
                cbs.on_epoch_begin(epoch)
                tracker = RunningMeans(["loss", *self.metric_names])
                for step in range(steps):
                    rows = next(stream)
                    cbs.on_train_batch_begin(step)
                    xb, yb = self.cast_inputs(x[rows]), y[rows]
                    if weights is None:
                        loss, y_pred = self.train_step(xb, yb)
                    else:
                        loss, y_pred = self.train_step(xb, yb, weights[rows])
                    hints.check_loss(self, loss, epoch, step)
                    if step == 0:
                        first_loss = loss
                    cbs.on_train_batch_end(step, tracker.add(len(xb), loss, self._metric_values(yb, y_pred)))
                    if self.stop_training:
                        break
                epoch_logs = tracker.means()
                hints.check_epoch(self, first_loss, epoch_logs["loss"], epoch - initial_epoch)
                if val is not None and (epoch + 1) % validation_freq == 0:
                    val_logs = (
                        self._evaluate_prepared(*val, batch_size, None)
                        if isinstance(val, tuple)
                        else streams.evaluate_logs(self, val, validation_steps, None, "fit(validation_data)")
                    )
                    epoch_logs.update({f"val_{k}": v for k, v in val_logs.items()})
                cbs.on_epoch_end(epoch, epoch_logs)
                if self.stop_training:
                    break
        cbs.on_train_end(epoch_logs)
        return cbs.history

    def _validation(self, x, y, validation_split, validation_data):
        """``(x, y, (x_val, y_val) or None)``, the validation data checked now, before the first epoch."""
        if streams.is_stream(validation_data):
            return x, y, validation_data
        if validation_data is not None:
            if not isinstance(validation_data, (tuple, list)) or len(validation_data) not in (2, 3):
                raise ValueError(
                    "fit() expected validation_data=(x_val, y_val). Received: validation_data of type "
                    f"{type(validation_data).__name__}"
                    f"{f' with {len(validation_data)} items' if isinstance(validation_data, (tuple, list)) else ''}."
                )
            if len(validation_data) == 3 and validation_data[2] is not None:
                raise ValueError(
                    "fit(): validation_data=(x_val, y_val, sample_weight) is not supported: scratchnet weighs "
                    "every validation example equally. Received: a third item of type "
                    f"{type(validation_data[2]).__name__}. Pass (x_val, y_val)."
                )
            return x, y, checks.prepare_data(self, validation_data[0], validation_data[1], "fit(validation_data)")
        if not validation_split:
            return x, y, None
        if isinstance(validation_split, bool) or not isinstance(validation_split, (int, float, np.floating)):
            validation_split = None  # refused below with the value shown
        if validation_split is None or not 0 < validation_split < 1:
            raise ValueError(
                "fit() expected validation_split to be a fraction in (0, 1). "
                f"Received: validation_split={validation_split!r}."
            )
        split = int(len(x) * (1 - float(validation_split)))
        if split == 0 or split == len(x):
            raise ValueError(
                f"fit(): validation_split={validation_split} of {len(x)} examples leaves {split} for training "
                f"and {len(x) - split} for validation; both need at least one."
            )
        # Views, not copies: the last examples, as Keras takes them (before shuffling).
        return x[:split], y[:split], (x[split:], y[split:])

    # --- evaluate / predict ---------------------------------------------------------------------------------------
    def evaluate(
        self,
        x=None,
        y=None,
        batch_size: int = 32,
        verbose: int = 1,
        return_dict: bool = False,
        callbacks=None,
        steps: int | None = None,
        sample_weight=None,
    ):
        """Loss (and metrics) over ``(x, y)``, in inference mode.

        ``sample_weight`` (one weight per example) weighs the loss as ``fit`` does, ``sum(w_i * l_i) / N``;
        the metrics are not weighted.

        Returns:
            The loss as a float when no metrics were compiled, else ``[loss, *metrics]``
            (or a dict of them with ``return_dict=True``).
        """
        batch_size = checks.positive_int("evaluate()", "batch_size", batch_size)
        if streams.is_stream(x):  # a Dataset of (x, y) batches: `steps` of them, or all
            return _results(streams.evaluate(self, x, y, verbose, steps, callbacks), return_dict)
        if custom_steps.overrides(self, "test_step") or custom_steps.overrides(self, "train_step"):
            return _results(custom_steps.evaluate(self, x, y, batch_size, None), return_dict)
        x, y = checks.prepare_data(self, x, y, "evaluate")
        weights = checks.sample_weights(self, y, sample_weight, None, "evaluate()")
        hints.check_input_scale(self, x)
        steps = math.ceil(len(x) / batch_size)
        cbs = CallbackList(callbacks, model=self, add_progbar=verbose != 0, verbose=verbose, steps=steps)
        return _results(self._evaluate_prepared(x, y, batch_size, cbs, weights), return_dict)

    def _evaluate_prepared(
        self, x, y, batch_size: int, cbs: CallbackList | None, weights: np.ndarray | None = None
    ) -> dict[str, float]:
        tracker = RunningMeans(["loss", *self.metric_names])
        if cbs is not None:
            cbs.on_test_begin()
        with speed.blas_threads(self.multiply_adds_per_batch(batch_size)):
            for step, rows in batches(len(x), batch_size):
                if cbs is not None:
                    cbs.on_test_batch_begin(step)
                xb, yb = self.cast_inputs(x[rows]), y[rows]
                y_pred = self.forward(xb, training=False)
                if weights is None:
                    loss = self.loss.forward(yb, y_pred)
                else:
                    loss = float((weights[rows] * self.loss.per_example(yb, y_pred)).sum()) / len(y_pred)
                logs = tracker.add(len(xb), loss, self._metric_values(yb, y_pred))
                if cbs is not None:
                    cbs.on_test_batch_end(step, logs)
        logs = tracker.means()
        logs["loss"] += self.regularization_loss()  # as Keras, the loss shown includes the weight penalties
        if cbs is not None:
            cbs.on_test_end(logs)
        return logs

    def predict(self, x, batch_size: int = 32, verbose="auto", steps: int | None = None, callbacks=None) -> np.ndarray:
        """The model's outputs for ``x``, computed batch by batch in inference mode (no dropout).

        As in Keras, a progress bar is shown (``verbose="auto"`` is 1); ``verbose=0`` for none.

        Returns:
            An array (N, *output_shape) in the model's dtype; for a softmax classifier each row sums to 1,
            and ``np.argmax(predictions[i])`` is the predicted class of example i. A model with several
            outputs (functional API) returns a list of such arrays, one per output.
        """
        batch_size = checks.positive_int("predict()", "batch_size", batch_size)
        if streams.is_stream(x):
            return streams.predict(self, x, verbose, steps, callbacks)
        x = checks.prepare_inputs(self, x, "predict")
        if steps is not None:  # Keras: only the first `steps` batches
            x = x[: checks.positive_int("predict()", "steps", steps) * batch_size]
        hints.check_input_scale(self, x)
        outs = [np.empty((len(x), *shape), dtype=self.dtype) for shape in self.output_example_shapes()]
        steps = math.ceil(len(x) / batch_size)
        cbs = CallbackList(callbacks, model=self, add_progbar=verbose != 0, verbose=verbose, steps=steps)
        cbs.on_predict_begin()
        own_step = custom_steps.overrides(self, "predict_step")
        with speed.blas_threads(self.multiply_adds_per_batch(batch_size)):
            for step, rows in batches(len(x), batch_size):
                cbs.on_predict_batch_begin(step)
                if own_step:  # your own predict_step(self, data)
                    y_pred = np.asarray(self.predict_step(self.cast_inputs(x[rows])))
                else:
                    y_pred = self.forward(self.cast_inputs(x[rows]), training=False)
                for out, batch_out in zip(outs, y_pred if isinstance(y_pred, list) else [y_pred], strict=True):
                    out[rows] = batch_out
                cbs.on_predict_batch_end(step, {})
        cbs.on_predict_end()
        return outs if getattr(self, "output_positions", None) else outs[0]

    # --- one batch ------------------------------------------------------------------------------------------------
    def train_on_batch(self, x, y, return_dict: bool = False):
        """One gradient step on one batch. Returns the loss, or ``[loss, *metrics]`` with metrics."""
        x, y = checks.prepare_data(self, x, y, "train_on_batch")
        xb = self.cast_inputs(x)
        loss, y_pred = self.train_step(xb, y)
        logs = RunningMeans(["loss", *self.metric_names]).add(len(xb), loss, self._metric_values(y, y_pred))
        return _results(logs, return_dict)

    def test_on_batch(self, x, y, return_dict: bool = False):
        """Loss (and metrics) on one batch, without training."""
        x, y = checks.prepare_data(self, x, y, "test_on_batch")
        y_pred = self.forward(self.cast_inputs(x), training=False)
        logs = RunningMeans(["loss", *self.metric_names]).add(
            len(x), self.loss.forward(y, y_pred), self._metric_values(y, y_pred)
        )
        logs["loss"] += self.regularization_loss()  # the loss evaluate and fit show: with the weight penalties
        return _results(logs, return_dict)

    def _metric_values(self, y: np.ndarray, y_pred: np.ndarray) -> list[float]:
        return [get_metric(name, y.shape, y_pred.shape)(y, y_pred) for name in self.metric_names]


def _results(logs: dict, return_dict: bool):
    if return_dict:
        return logs
    values = list(logs.values())
    return values[0] if len(values) == 1 else values

"""Metrics: numbers to watch while training (they are never differentiated).

``compile(metrics=[...])`` takes them in every form Keras 3 does, logged under the same names Keras uses:

    "accuracy", "acc"                     -> resolved from the shapes (below), logged as written
    "mae", "mean_absolute_error", "MAE"   -> any Keras name or alias, or a class name ("RootMeanSquaredError"),
                                             logged as written
    SparseCategoricalAccuracy()           -> an object of a class below, logged under its name
                                             ("sparse_categorical_accuracy", or name=...)
    sn.metrics.binary_accuracy, my_fn     -> a function fn(y_true, y_pred) of NumPy arrays returning a number or
                                             one number per example; logged under its __name__

``'accuracy'`` (or ``'acc'``) is resolved from the shapes of labels and predictions, as Keras does:

    labels (N,) or (N, 1), predictions (N, C > 1)  ->  sparse categorical accuracy: argmax(p) == y
    labels (N, C), predictions (N, C > 1)          ->  categorical accuracy: argmax(p) == argmax(y)
    predictions (N, 1) or (N,)                     ->  binary accuracy: (p > 0.5) == y

Each metric function here returns the mean over the batch (Keras's functions return one value per example; as
metrics in ``compile`` the two mean the same). The training loop keeps a running mean weighted by batch size, so
the number shown after an epoch is exactly the metric over all its examples for every metric that is a mean
(accuracies, MAE, MSE, cross-entropies). ``RootMeanSquaredError`` is the square root of a mean: there the epoch's
number is the mean of the batches' RMSEs, a little above the RMSE over all examples (Keras accumulates the squared
errors first). A :class:`Metric` object accumulates exactly, with ``update_state`` / ``result`` / ``reset_state``.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from scratchnet import losses, speed

__all__ = [
    "Accuracy",
    "BinaryAccuracy",
    "BinaryCrossentropy",
    "CategoricalAccuracy",
    "CategoricalCrossentropy",
    "Mean",
    "MeanAbsoluteError",
    "MeanAbsolutePercentageError",
    "MeanSquaredError",
    "MeanSquaredLogarithmicError",
    "Metric",
    "MetricName",
    "RootMeanSquaredError",
    "SparseCategoricalAccuracy",
    "SparseCategoricalCrossentropy",
    "SparseTopKCategoricalAccuracy",
    "Sum",
    "TopKCategoricalAccuracy",
    "Variable",
    "binary_accuracy",
    "categorical_accuracy",
    "check_names",
    "get",
    "mean_absolute_error",
    "mean_absolute_percentage_error",
    "mean_squared_error",
    "mean_squared_logarithmic_error",
    "sparse_categorical_accuracy",
    "sparse_top_k_categorical_accuracy",
    "top_k_categorical_accuracy",
]

_EPSILON = 1e-7  # as Keras: keeps MAPE's division and MSLE's log finite


# --- metric functions: the batch mean -----------------------------------------------------------------------------
def sparse_categorical_accuracy(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """Fraction of rows whose highest score is the labelled class. y_true: (N,) ints, y_pred: (N, C)."""
    return speed.mean(y_pred.argmax(axis=-1) == np.asarray(y_true).reshape(-1))


def categorical_accuracy(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """Fraction of rows where argmax(y_pred) == argmax(y_true). Both (N, C)."""
    return speed.mean(y_pred.argmax(axis=-1) == np.asarray(y_true).argmax(axis=-1))


def binary_accuracy(y_true: np.ndarray, y_pred: np.ndarray, threshold: float = 0.5) -> float:
    """Fraction of entries where (y_pred > threshold) equals the 0/1 label. Same shapes."""
    return speed.mean((y_pred > threshold) == (np.asarray(y_true).reshape(y_pred.shape) > 0.5))


def sparse_top_k_categorical_accuracy(y_true: np.ndarray, y_pred: np.ndarray, k: int = 5) -> float:
    """Fraction of rows whose labelled class is among the k highest scores. y_true: (N,) ints, y_pred: (N, C)."""
    y_true = np.asarray(y_true).reshape(-1, 1)
    # A class is in the top k when fewer than k classes score strictly higher than it (ties count in its favour,
    # as in Keras's in_top_k).
    true_score = np.take_along_axis(y_pred, y_true.astype(np.int64), axis=-1)
    return float(((y_pred > true_score).sum(axis=-1) < k).mean())


def top_k_categorical_accuracy(y_true: np.ndarray, y_pred: np.ndarray, k: int = 5) -> float:
    """Like :func:`sparse_top_k_categorical_accuracy` for one-hot labels (N, C)."""
    return sparse_top_k_categorical_accuracy(np.asarray(y_true).argmax(axis=-1), y_pred, k)


def _targets(y_true, y_pred: np.ndarray) -> np.ndarray:
    # (N,) targets for an (N, 1) output, as the regression losses accept them.
    y_true = np.asarray(y_true)
    return y_true.reshape(y_pred.shape) if y_true.size == y_pred.size else y_true


def mean_squared_error(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """mean((y_pred - y_true) ** 2) over every entry."""
    diff = y_pred - _targets(y_true, y_pred)
    return float((diff * diff).mean())


def mean_absolute_error(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """mean(|y_pred - y_true|) over every entry."""
    return float(np.abs(y_pred - _targets(y_true, y_pred)).mean())


def mean_absolute_percentage_error(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """100 * mean(|y_true - y_pred| / max(|y_true|, 1e-7)), as Keras."""
    y_true = _targets(y_true, y_pred)
    return float(100.0 * (np.abs(y_true - y_pred) / np.maximum(np.abs(y_true), _EPSILON)).mean())


def mean_squared_logarithmic_error(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """mean((log(1 + y_pred) - log(1 + y_true)) ** 2), with both clipped at 1e-7 first, as Keras."""
    y_true = _targets(y_true, y_pred)
    diff = np.log1p(np.maximum(y_pred, _EPSILON)) - np.log1p(np.maximum(y_true, _EPSILON))
    return float((diff * diff).mean())


def _root_mean_squared_error(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    return math.sqrt(mean_squared_error(y_true, y_pred))


def _crossentropy(loss_function: str, from_logits: bool = False) -> Callable:
    def value(y_true, y_pred):
        return float(np.mean(getattr(losses, loss_function)(y_true, y_pred, from_logits=from_logits)))

    value.__name__ = loss_function
    return value


# --- metric objects ---------------------------------------------------------------------------------------------
class Variable(np.ndarray):
    """A metric's state: a NumPy array with Keras's ``assign`` and ``assign_add`` (made by :meth:`Metric.add_weight`).

    Both write in place, so the metric keeps the same array; arithmetic gives plain NumPy results.
    """

    def assign(self, value) -> None:
        self[...] = value

    def assign_add(self, value) -> None:
        self[...] += value

    def numpy(self) -> np.ndarray:
        return np.asarray(self)


class Metric:
    """A metric as an object, as in Keras: ``update_state`` with each batch, ``result``, ``reset_state``.

    Subclasses of the mean kind only set ``fn`` (a batch-mean function above); :meth:`result` is then exactly the
    metric over every example seen, weighted by batch size. ``compile(metrics=[SomeMetric()])`` logs it as
    ``name``. A metric of your own subclasses this as in Keras: create its state with :meth:`add_weight` in
    ``__init__``, and override ``update_state``, ``result`` and ``reset_state`` (NumPy, or ``scratchnet.ops``).

    >>> m = MeanAbsoluteError()
    >>> m.update_state(np.array([[1.0], [2.0]]), np.array([[1.5], [2.5]]))
    >>> m.result()
    0.5
    """

    fn: Callable | None = None

    def __init__(self, dtype=None, name: str | None = None):
        # Keras's order (dtype, name). The base state only: a subclass's reset_state may use state its own
        # __init__ has not created yet.
        self.name = name or _snake_case(type(self).__name__)
        Metric.reset_state(self)

    def add_weight(self, name: str | None = None, shape=(), initializer="zeros", dtype="float32") -> Variable:
        """A state array for a metric of your own, as Keras's ``add_weight`` (``initializer`` 'zeros' or 'ones')."""
        if initializer not in ("zeros", "ones"):
            raise ValueError(
                f"{type(self).__name__}.add_weight: initializer must be 'zeros' or 'ones'. "
                f"Received: initializer={initializer!r}."
            )
        fill = np.zeros if initializer == "zeros" else np.ones
        return fill(shape, dtype=dtype).view(Variable)

    def update_state(self, y_true, y_pred, sample_weight=None) -> None:
        if sample_weight is not None:
            raise ValueError(f"{type(self).__name__}.update_state: sample_weight is not supported in scratchnet yet.")
        y_pred = np.asarray(y_pred)
        n = len(y_pred)
        self._total += n * self.batch_value(np.asarray(y_true), y_pred)
        self._count += n

    def result(self) -> float:
        return self._total / self._count if self._count else 0.0

    def reset_state(self) -> None:
        self._total, self._count = 0.0, 0

    def reset_states(self) -> None:
        """Keras 2's name of :meth:`reset_state`."""
        self.reset_state()

    def _reset(self) -> None:
        # A metric written for Keras 2 overrides reset_states (plural); one for Keras 3, reset_state.
        if type(self).reset_states is not Metric.reset_states:
            self.reset_states()
        else:
            self.reset_state()

    def batch_value(self, y_true: np.ndarray, y_pred: np.ndarray) -> float:
        """The metric on one batch alone (what ``fit`` logs per step)."""
        if self.fn is not None:
            return float(self.fn(y_true, y_pred))
        # A subclass with its own state: measure this batch alone, then forget it.
        self._reset()
        self.update_state(y_true, y_pred)
        value = float(self.result())
        self._reset()
        return value

    def __call__(self, y_true, y_pred) -> float:
        """Update with one batch and return the result so far (Keras's ``metric(y_true, y_pred)``)."""
        self.update_state(y_true, y_pred)
        return self.result()

    def __repr__(self) -> str:
        return f"<{type(self).__name__} name={self.name!r}>"


class BinaryAccuracy(Metric):
    """Fraction of entries where ``y_pred > threshold`` equals the 0/1 label."""

    def __init__(self, name: str = "binary_accuracy", dtype=None, threshold: float = 0.5):
        self.threshold = float(threshold)
        super().__init__(dtype=dtype, name=name)

    def fn(self, y_true, y_pred):
        return binary_accuracy(y_true, y_pred, self.threshold)


class CategoricalAccuracy(Metric):
    """argmax(y_pred) == argmax(y_true), for one-hot labels."""

    fn = staticmethod(categorical_accuracy)


class SparseCategoricalAccuracy(Metric):
    """argmax(y_pred) == y_true, for integer labels."""

    fn = staticmethod(sparse_categorical_accuracy)


class TopKCategoricalAccuracy(Metric):
    """The one-hot label's class is among the ``k`` highest scores."""

    def __init__(self, k: int = 5, name: str = "top_k_categorical_accuracy", dtype=None):
        self.k = int(k)
        super().__init__(dtype=dtype, name=name)

    def fn(self, y_true, y_pred):
        return top_k_categorical_accuracy(y_true, y_pred, self.k)


class SparseTopKCategoricalAccuracy(Metric):
    """The integer label is among the ``k`` highest scores."""

    def __init__(self, k: int = 5, name: str = "sparse_top_k_categorical_accuracy", dtype=None):
        self.k = int(k)
        super().__init__(dtype=dtype, name=name)

    def fn(self, y_true, y_pred):
        return sparse_top_k_categorical_accuracy(y_true, y_pred, self.k)


class MeanSquaredError(Metric):
    fn = staticmethod(mean_squared_error)


class MeanAbsoluteError(Metric):
    fn = staticmethod(mean_absolute_error)


class MeanAbsolutePercentageError(Metric):
    fn = staticmethod(mean_absolute_percentage_error)


class MeanSquaredLogarithmicError(Metric):
    fn = staticmethod(mean_squared_logarithmic_error)


class RootMeanSquaredError(Metric):
    """sqrt(mean squared error over every example seen): squared errors are accumulated, then the root taken."""

    fn = staticmethod(_root_mean_squared_error)

    def update_state(self, y_true, y_pred, sample_weight=None) -> None:
        if sample_weight is not None:
            raise ValueError("RootMeanSquaredError.update_state: sample_weight is not supported in scratchnet yet.")
        y_pred = np.asarray(y_pred)
        self._total += len(y_pred) * mean_squared_error(np.asarray(y_true), y_pred)
        self._count += len(y_pred)

    def result(self) -> float:
        return math.sqrt(super().result())


class _CrossentropyMetric(Metric):
    loss_function = ""

    def __init__(self, name: str | None = None, dtype=None, from_logits: bool = False):
        self.fn = _crossentropy(self.loss_function, from_logits)
        super().__init__(dtype=dtype, name=name)


class BinaryCrossentropy(_CrossentropyMetric):
    loss_function = "binary_crossentropy"


class CategoricalCrossentropy(_CrossentropyMetric):
    loss_function = "categorical_crossentropy"


class SparseCategoricalCrossentropy(_CrossentropyMetric):
    loss_function = "sparse_categorical_crossentropy"


def _snake_case(class_name: str) -> str:
    out = []
    for i, ch in enumerate(class_name):
        if (
            ch.isupper()
            and i
            and (class_name[i - 1].islower() or (i + 1 < len(class_name) and class_name[i + 1].islower()))
        ):
            out.append("_")
        out.append(ch.lower())
    return "".join(out)


class Mean(Metric):
    """The running (weighted) mean of the values given, e.g. a loss tracker in a custom ``train_step``."""

    def update_state(self, values, sample_weight=None) -> None:
        values = np.asarray(values, dtype=np.float64).reshape(-1)
        w = (
            np.ones_like(values)
            if sample_weight is None
            else np.broadcast_to(np.asarray(sample_weight, float), values.shape)
        )
        self._total += float((values * w).sum())
        self._count += float(w.sum())


class Sum(Metric):
    """The running sum of the values given."""

    def update_state(self, values, sample_weight=None) -> None:
        values = np.asarray(values, dtype=np.float64)
        self._total += float((values if sample_weight is None else values * np.asarray(sample_weight)).sum())

    def result(self) -> float:
        return self._total


class Accuracy(Metric):
    """How often predictions equal labels exactly (Keras's ``Accuracy``: no argmax, no threshold)."""

    @staticmethod
    def fn(y_true, y_pred):
        y_pred = np.asarray(y_pred)
        return float((np.asarray(y_true).reshape(y_pred.shape) == y_pred).mean())


# --- names ----------------------------------------------------------------------------------------------------------
_CLASSES = [
    BinaryAccuracy,
    CategoricalAccuracy,
    SparseCategoricalAccuracy,
    TopKCategoricalAccuracy,
    SparseTopKCategoricalAccuracy,
    MeanSquaredError,
    MeanAbsoluteError,
    MeanAbsolutePercentageError,
    MeanSquaredLogarithmicError,
    RootMeanSquaredError,
    BinaryCrossentropy,
    CategoricalCrossentropy,
    SparseCategoricalCrossentropy,
]

# Every name Keras 3 accepts for these (keras/src/metrics/__init__.py: class names, their snake_case, and aliases).
_BY_NAME: dict[str, type[Metric]] = {cls.__name__: cls for cls in _CLASSES}
_BY_NAME.update({_snake_case(cls.__name__): cls for cls in _CLASSES})
_BY_NAME.update(
    {
        alias: cls
        for cls, aliases in (
            (MeanSquaredError, ("mse", "MSE")),
            (MeanAbsoluteError, ("mae", "MAE")),
            (MeanAbsolutePercentageError, ("mape", "MAPE")),
            (MeanSquaredLogarithmicError, ("msle", "MSLE")),
            (BinaryCrossentropy, ("bce", "BCE")),
        )
        for alias in aliases
    }
)

METRICS: dict[str, Callable] = {
    "sparse_categorical_accuracy": sparse_categorical_accuracy,
    "categorical_accuracy": categorical_accuracy,
    "binary_accuracy": binary_accuracy,
}


class MetricName(str):
    """The name a metric is logged under, carrying the function that computes it on one batch.

    ``check_names`` returns these: the model keeps them as its ``metric_names`` (plain strings for the logs, the
    progress bar and ``model.save``) and passes each back to :func:`get`, which then needs no lookup. For
    ``'accuracy'`` the function is chosen later, from the shapes of the first batch, so ``fn`` is None.
    """

    fn: Callable | None

    def __new__(cls, name: str, fn: Callable | None = None):
        self = super().__new__(cls, name)
        self.fn = fn
        return self


def _known_names() -> list[str]:
    return sorted({"accuracy", "acc", *METRICS, *_BY_NAME})


def _unknown(metric) -> ValueError:
    return ValueError(f"Unknown metric. Expected one of {_known_names()}. Received: metric={metric!r}.")


def _mean_of(fn: Callable, name: str) -> Callable:
    """A batch function from a user's metric function, which may return one number or one per example."""

    def value(y_true, y_pred):
        out = fn(y_true, y_pred)
        try:
            return float(np.mean(np.asarray(out, dtype=np.float64)))
        except (TypeError, ValueError):
            raise TypeError(
                f"Metric '{name}' must return a number or an array of numbers (NumPy). Received: {out!r} of type "
                f"{type(out).__name__}."
            ) from None

    return value


def _resolve(metric) -> MetricName:
    if isinstance(metric, MetricName):
        return metric
    if isinstance(metric, str):
        if metric.lower() in ("accuracy", "acc"):
            return MetricName(metric)
        if metric in METRICS:
            return MetricName(metric, METRICS[metric])
        if metric in _BY_NAME:
            return MetricName(metric, _BY_NAME[metric]().batch_value)
        raise _unknown(metric)
    if isinstance(metric, type) and issubclass(metric, Metric):
        metric = metric()
    if isinstance(metric, Metric):
        return MetricName(metric.name, metric.batch_value)
    if callable(metric):
        name = getattr(metric, "__name__", type(metric).__name__)
        if metric in METRICS.values():
            return MetricName(name, metric)
        return MetricName(name, _mean_of(metric, name))
    raise _unknown(metric)


def get(identifier, y_true_shape: tuple[int, ...], y_pred_shape: tuple[int, ...]) -> Callable:
    """Resolve a metric to a function ``fn(y_true, y_pred) -> float`` (the batch mean), using shapes for
    ``'accuracy'``.

    Raises:
        ValueError: for an unknown metric name, listing the known ones.
    """
    fn = getattr(identifier, "fn", None) if isinstance(identifier, MetricName) else None
    if fn is not None:
        return fn
    if isinstance(identifier, str) and identifier.lower() in ("accuracy", "acc"):
        if len(y_pred_shape) < 2 or y_pred_shape[-1] == 1:
            return binary_accuracy
        if len(y_true_shape) == len(y_pred_shape) and y_true_shape[-1] == y_pred_shape[-1]:
            return categorical_accuracy
        return sparse_categorical_accuracy
    resolved = _resolve(identifier).fn
    if resolved is None:
        raise _unknown(identifier)
    return resolved


def check_names(metrics) -> list[MetricName]:
    """Validate a ``metrics=[...]`` argument of ``compile`` before any data is seen; return the names to log.

    Each entry may be a name, a :class:`Metric` (instance or class) or a function; see the module docstring.
    """
    if metrics is None:
        return []
    if isinstance(metrics, (str, Metric)) or (callable(metrics) and not isinstance(metrics, (list, tuple))):
        metrics = [metrics]
    return [_resolve(m) for m in metrics]


# Keras's short names of the regression metric functions (keras.metrics.mse(y_true, y_pred)).
mse, mae, mape, msle = (
    mean_squared_error,
    mean_absolute_error,
    mean_absolute_percentage_error,
    mean_squared_logarithmic_error,
)


def __getattr__(name: str):
    raise AttributeError(
        f"module 'scratchnet.metrics' has no attribute {name!r}: scratchnet's metrics are "
        f"{', '.join(cls.__name__ for cls in _CLASSES)}, their snake_case functions, and any function "
        "fn(y_true, y_pred) of NumPy arrays you write (pass it in compile(metrics=[fn]))."
    )

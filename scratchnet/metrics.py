"""Metrics: numbers to watch while training (they are never differentiated).

``'accuracy'`` (or ``'acc'``) is resolved from the shapes of labels and predictions, as Keras does:

    labels (N,) or (N, 1), predictions (N, C > 1)  ->  sparse categorical accuracy: argmax(p) == y
    labels (N, C), predictions (N, C > 1)          ->  categorical accuracy: argmax(p) == argmax(y)
    predictions (N, 1) or (N,)                     ->  binary accuracy: (p > 0.5) == y

Each metric function returns the mean over the batch; the training loop keeps a running mean weighted by batch
size, so the number shown after an epoch is exactly the metric over all its examples.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from scratchnet import speed

__all__ = ["binary_accuracy", "categorical_accuracy", "get", "sparse_categorical_accuracy"]


def sparse_categorical_accuracy(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """Fraction of rows whose highest score is the labelled class. y_true: (N,) ints, y_pred: (N, C)."""
    return speed.mean(y_pred.argmax(axis=-1) == y_true.reshape(-1))


def categorical_accuracy(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """Fraction of rows where argmax(y_pred) == argmax(y_true). Both (N, C)."""
    return speed.mean(y_pred.argmax(axis=-1) == y_true.argmax(axis=-1))


def binary_accuracy(y_true: np.ndarray, y_pred: np.ndarray, threshold: float = 0.5) -> float:
    """Fraction of entries where (y_pred > threshold) equals the 0/1 label. Same shapes."""
    return speed.mean((y_pred > threshold) == (y_true.reshape(y_pred.shape) > 0.5))


METRICS: dict[str, Callable] = {
    "sparse_categorical_accuracy": sparse_categorical_accuracy,
    "categorical_accuracy": categorical_accuracy,
    "binary_accuracy": binary_accuracy,
}


def get(identifier: str, y_true_shape: tuple[int, ...], y_pred_shape: tuple[int, ...]) -> Callable:
    """Resolve a metric name to a function ``fn(y_true, y_pred) -> float``, using shapes for ``'accuracy'``.

    Raises:
        ValueError: for an unknown metric name, listing the known ones.
    """
    if identifier in ("accuracy", "acc"):
        if len(y_pred_shape) < 2 or y_pred_shape[-1] == 1:
            return binary_accuracy
        if len(y_true_shape) == len(y_pred_shape) and y_true_shape[-1] == y_pred_shape[-1]:
            return categorical_accuracy
        return sparse_categorical_accuracy
    if identifier in METRICS:
        return METRICS[identifier]
    raise ValueError(
        f"Unknown metric. Expected one of {sorted(['accuracy', 'acc', *METRICS])}. Received: metric={identifier!r}."
    )


def check_names(metrics) -> list[str]:
    """Validate a ``metrics=[...]`` argument of ``compile`` before any data is seen."""
    if metrics is None:
        return []
    if isinstance(metrics, str):
        metrics = [metrics]
    names = []
    for m in metrics:
        if not isinstance(m, str) or m not in ("accuracy", "acc", *METRICS):
            raise ValueError(
                f"Unknown metric. Expected one of {sorted(['accuracy', 'acc', *METRICS])}. Received: metric={m!r}."
            )
        names.append(m)
    return names

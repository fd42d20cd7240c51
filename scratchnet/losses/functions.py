"""Keras's loss *functions* (one value per example, shape (N,)) and :func:`get`, which resolves what
``compile(loss=...)`` is given: a name, a ``Loss``, or one of these functions (which means its class).
"""

from __future__ import annotations

import inspect

import numpy as np

from scratchnet.losses import taped
from scratchnet.losses.base import Loss
from scratchnet.losses.crossentropy import BinaryCrossentropy, CategoricalCrossentropy, SparseCategoricalCrossentropy
from scratchnet.losses.regression import Huber, MeanAbsoluteError, MeanSquaredError
from scratchnet.tape.tensor import Tensor, recording_tapes

__all__ = [
    "LOSSES",
    "binary_crossentropy",
    "categorical_crossentropy",
    "get",
    "mae",
    "mean_absolute_error",
    "mean_squared_error",
    "mse",
    "sparse_categorical_crossentropy",
]


LOSSES: dict[str, type[Loss]] = {
    "sparse_categorical_crossentropy": SparseCategoricalCrossentropy,
    "categorical_crossentropy": CategoricalCrossentropy,
    "mean_squared_error": MeanSquaredError,
    "mse": MeanSquaredError,
    "mean_absolute_error": MeanAbsoluteError,
    "mae": MeanAbsoluteError,
    "binary_crossentropy": BinaryCrossentropy,
    "huber": Huber,
    "huber_loss": Huber,
}


# --- Keras's loss functions: one value per example --------------------------------------------------------------
def _on_tape(y_true, y_pred) -> bool:
    return isinstance(y_pred, Tensor) or isinstance(y_true, Tensor) or bool(recording_tapes())


def _as_prediction(y_pred) -> np.ndarray:
    y_pred = np.asarray(y_pred)
    return y_pred if np.issubdtype(y_pred.dtype, np.floating) else y_pred.astype(np.float32)


def _per_example(loss: Loss, y_true, y_pred) -> np.ndarray:
    """The loss class's own per-example values: a function and its class never disagree."""
    if _on_tape(y_true, y_pred):  # tensors: one recorded op (see Loss.on_tensors)
        return loss.on_tensors(y_true, y_pred, per_example=True)
    y_pred = _as_prediction(y_pred)
    return loss.per_example(loss.validate(y_true, y_pred.shape), y_pred)


def sparse_categorical_crossentropy(y_true, y_pred, from_logits: bool = False) -> np.ndarray:
    """Per-example ``-log p[i, y_i]``, shape (N,), as ``keras.losses.sparse_categorical_crossentropy``.

    >>> sparse_categorical_crossentropy([1, 2], [[0.05, 0.95, 0.0], [0.1, 0.8, 0.1]]).round(4)
    array([0.0513, 2.3026])
    """
    return _per_example(SparseCategoricalCrossentropy(from_logits=from_logits), y_true, y_pred)


def categorical_crossentropy(y_true, y_pred, from_logits: bool = False) -> np.ndarray:
    """Per-example ``-sum_c y[i, c] log p[i, c]``, shape (N,), as ``keras.losses.categorical_crossentropy``."""
    return _per_example(CategoricalCrossentropy(from_logits=from_logits), y_true, y_pred)


def binary_crossentropy(y_true, y_pred, from_logits: bool = False) -> np.ndarray:
    """Per-example binary cross-entropy, the mean over the last axis, as ``keras.losses.binary_crossentropy``."""
    loss = BinaryCrossentropy(from_logits=from_logits)
    if _on_tape(y_true, y_pred):
        return loss.on_tensors(y_true, y_pred, per_example=True)
    y_pred = _as_prediction(y_pred)
    # The mean over the last axis only (Keras's shape for outputs with more axes), of the class's terms.
    return loss._elementwise(loss.validate(y_true, y_pred.shape), y_pred).mean(axis=-1)


def mean_squared_error(y_true, y_pred) -> np.ndarray:
    """Per-example ``mean((p - y) ** 2)`` over the last axis, shape (N,), as ``keras.losses.mean_squared_error``."""
    if _on_tape(y_true, y_pred):
        return MeanSquaredError().on_tensors(y_true, y_pred, per_example=True)
    y_pred = _as_prediction(y_pred)
    y_true = MeanSquaredError().validate(y_true, y_pred.shape)
    return ((y_pred - y_true) ** 2).mean(axis=-1)


def mean_absolute_error(y_true, y_pred) -> np.ndarray:
    """Per-example ``mean(|p - y|)`` over the last axis, shape (N,), as ``keras.losses.mean_absolute_error``."""
    if _on_tape(y_true, y_pred):
        return MeanAbsoluteError().on_tensors(y_true, y_pred, per_example=True)
    y_pred = _as_prediction(y_pred)
    y_true = MeanAbsoluteError().validate(y_true, y_pred.shape)
    return np.abs(y_pred - y_true).mean(axis=-1)


mse = mean_squared_error
mae = mean_absolute_error

# compile(loss=sn.losses.sparse_categorical_crossentropy) trains with the matching class (forward and backward).
_FUNCTIONS: dict = {
    sparse_categorical_crossentropy: SparseCategoricalCrossentropy,
    categorical_crossentropy: CategoricalCrossentropy,
    binary_crossentropy: BinaryCrossentropy,
    mean_squared_error: MeanSquaredError,
    mean_absolute_error: MeanAbsoluteError,
}

_WRITE_A_LOSS = """scratchnet has no autograd (on purpose: you see every gradient), so a loss needs its backward \
written out. Subclass scratchnet.losses.Loss with forward (the mean loss, a float) and backward (dL/dy_pred, \
with the 1/N of the mean in it), then check it against finite differences with scratchnet.gradcheck.check_loss:

    class MyMSE(sn.losses.Loss):
        def forward(self, y_true, y_pred):
            return float(((y_pred - y_true) ** 2).mean())

        def backward(self, y_true, y_pred):
            return 2 * (y_pred - y_true) / y_pred.size

    model.compile(optimizer="adam", loss=MyMSE())"""


def get(identifier) -> Loss:
    """Resolve a loss: a Keras name (``'sparse_categorical_crossentropy'``, ``'mse'``, ``'MeanAbsoluteError'``, ...),
    a ``Loss`` instance or class, or one of this module's loss functions (which means its class).

    Raises:
        ValueError: for an unknown name, listing the known ones.
        TypeError: for a loss function of your own, or a Keras-style ``Loss`` subclass that defines ``call``
            instead of ``forward`` and ``backward``: the message shows how to write one.
    """
    if isinstance(identifier, type) and issubclass(identifier, Loss):
        identifier = identifier()
    if isinstance(identifier, Loss):
        if type(identifier).forward is Loss.forward or type(identifier).backward is Loss.backward:
            if hasattr(
                identifier, "call"
            ):  # Keras's way: call(y_true, y_pred) with tensor ops; the tape is its backward
                return taped.keras_loss_class_call(identifier)
            raise TypeError(f"loss={type(identifier).__name__}() lacks forward() or backward(). {_WRITE_A_LOSS}")
        return identifier
    if isinstance(identifier, str):
        by_class_name = {cls.__name__: cls for cls in LOSSES.values()}
        cls = LOSSES.get(identifier) or by_class_name.get(identifier)
        if cls is not None:
            return cls()
        raise ValueError(f"Unknown loss. Expected one of {sorted(LOSSES)}. Received: loss={identifier!r}.")
    if callable(identifier) and identifier in _FUNCTIONS:
        return _FUNCTIONS[identifier]()
    if callable(identifier) and _takes_two(identifier):  # your own loss function: the tape is its backward
        return taped.TapedLoss(identifier)
    raise TypeError(
        f"loss must be a name such as 'sparse_categorical_crossentropy', a scratchnet.losses.Loss, or a function "
        f"fn(y_true, y_pred) written with tensor ops. Received: loss={identifier!r}."
    )


def _takes_two(fn) -> bool:
    """Whether ``fn`` can be called as ``fn(y_true, y_pred)``."""
    try:
        inspect.signature(fn).bind(None, None)
    except (TypeError, ValueError):
        return False
    return True

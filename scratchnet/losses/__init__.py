"""Losses: a number that says how wrong the predictions are, and its gradient.

Every loss is the mean over the batch of a per-example loss. That mean is the only place in scratchnet where
anything is divided by the batch size N: ``backward`` returns ∂L/∂y_pred *with* the 1/N already in it, and the
layers below just pass it on.

    loss_fn = SparseCategoricalCrossentropy()
    L  = loss_fn(y_true, y_pred)               # a Python float
    dp = loss_fn.backward(y_true, y_pred)      # ∂L/∂y_pred, shape of y_pred

    base.py          the contract (Loss) and formulas(), which reads a loss's Forward/Backward docstring block
    crossentropy.py  SparseCategoricalCrossentropy, CategoricalCrossentropy, BinaryCrossentropy
    regression.py    MeanSquaredError, MeanAbsoluteError, Huber
    functions.py     Keras's loss functions and get(), which resolves compile(loss=...)

Keras's loss *functions* are here too (``sparse_categorical_crossentropy(y_true, y_pred)``, ``mean_squared_error``,
...): like Keras they return one value per example, shape (N,), and passed to ``compile(loss=...)`` they mean their
class. A loss function of your own cannot be passed to ``compile``: scratchnet has no autograd, so a loss needs its
backward written out; :func:`get` says how (subclass :class:`Loss` with ``forward`` and ``backward``).

When a model ends in a softmax (or a sigmoid) and its loss is cross-entropy on those probabilities, ``fit`` does
not call the loss's ``backward`` at all: the two Jacobians multiply out to ``dz = (p - onehot(y)) / N`` on the
logits, and that fused gradient is in :mod:`scratchnet.fused`, with the reason and the rule that decides it.
"""

from scratchnet.losses.base import EPSILON, Loss, formulas
from scratchnet.losses.crossentropy import BinaryCrossentropy, CategoricalCrossentropy, SparseCategoricalCrossentropy
from scratchnet.losses.functions import (
    LOSSES,
    binary_crossentropy,
    categorical_crossentropy,
    get,
    mae,
    mean_absolute_error,
    mean_squared_error,
    mse,
    sparse_categorical_crossentropy,
)
from scratchnet.losses.regression import Huber, MeanAbsoluteError, MeanSquaredError

__all__ = [
    "EPSILON",
    "LOSSES",
    "BinaryCrossentropy",
    "CategoricalCrossentropy",
    "Huber",
    "Loss",
    "MeanAbsoluteError",
    "MeanSquaredError",
    "SparseCategoricalCrossentropy",
    "binary_crossentropy",
    "categorical_crossentropy",
    "formulas",
    "get",
    "mae",
    "mean_absolute_error",
    "mean_squared_error",
    "mse",
    "sparse_categorical_crossentropy",
]

"""The regression losses: mean squared error and mean absolute error, each forward beside its backward."""

from __future__ import annotations

import numpy as np

from scratchnet import speed
from scratchnet.losses.base import Loss, _float_targets

__all__ = ["MeanAbsoluteError", "MeanSquaredError"]


class MeanSquaredError(Loss):
    """Mean squared error: ``L = mean((y_pred - y)^2)`` over every entry.

    Forward:   L  = mean((p - y) ** 2)          y, p: (N, D)  ->  L: scalar
    Backward:  dp = 2 * (p - y) / (N * D)       (N, D)
    """

    name = "mean_squared_error"

    def validate(self, y_true, y_pred_shape):
        return _float_targets(self, super().validate(y_true, y_pred_shape), y_pred_shape, "targets")

    def forward(self, y_true, y_pred):
        diff = y_pred - y_true
        return speed.mean(diff * diff)

    def per_example(self, y_true, y_pred):
        diff = (y_pred - y_true).reshape(len(y_pred), -1)
        return (diff * diff).mean(axis=-1)

    def backward(self, y_true, y_pred):
        return (y_pred - y_true) * (2.0 / y_pred.size)


class MeanAbsoluteError(Loss):
    """Mean absolute error: ``L = mean(|y_pred - y|)`` over every entry.

    Forward:   L  = mean(abs(p - y))              y, p: (N, D)  ->  L: scalar
    Backward:  dp = sign(p - y) / (N * D)         (N, D)   |u| has slope -1, then +1; at u = 0 we take 0, as Keras's
                                                           gradient does (a kink: no true derivative there)
    """

    name = "mean_absolute_error"

    def validate(self, y_true, y_pred_shape):
        return _float_targets(self, super().validate(y_true, y_pred_shape), y_pred_shape, "targets")

    def forward(self, y_true, y_pred):
        return speed.mean(np.abs(y_pred - y_true))

    def per_example(self, y_true, y_pred):
        return np.abs(y_pred - y_true).reshape(len(y_pred), -1).mean(axis=-1)

    def backward(self, y_true, y_pred):
        return np.sign(y_pred - y_true) * (1.0 / y_pred.size)

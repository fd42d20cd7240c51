"""The regression losses: mean squared error, mean absolute error and Huber, each forward beside its backward."""

from __future__ import annotations

import numpy as np

from scratchnet import speed
from scratchnet.losses.base import Loss, _float_targets

__all__ = ["Huber", "MeanAbsoluteError", "MeanSquaredError"]


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


class Huber(Loss):
    """Huber loss: squared for small errors, linear for large ones (robust to outliers), as ``keras.losses.Huber``.

    Forward:   e  = p - y                                          y, p: (N, D)
               L  = mean(0.5 e² where |e| <= δ, else δ (|e| - 0.5 δ))
    Backward:  dp = clip(e, -δ, δ) / (N * D)                       the slope of the square, capped at δ

    Args:
        delta: where the square turns into a line (1.0 by default).
    """

    name = "huber_loss"

    def __init__(self, delta: float = 1.0, name: str | None = None, reduction: str = "sum_over_batch_size", dtype=None):
        super().__init__(name, reduction, dtype)
        if isinstance(delta, bool) or not isinstance(delta, (int, float, np.floating)) or delta <= 0:
            raise ValueError(f"Huber expected delta to be a positive number. Received: delta={delta!r}.")
        self.delta = float(delta)

    def validate(self, y_true, y_pred_shape):
        return _float_targets(self, super().validate(y_true, y_pred_shape), y_pred_shape, "targets")

    def _elementwise(self, y_true, y_pred):
        error = np.abs(y_pred - y_true)
        return np.where(error <= self.delta, 0.5 * error * error, self.delta * (error - 0.5 * self.delta))

    def forward(self, y_true, y_pred):
        return speed.mean(self._elementwise(y_true, y_pred))

    def per_example(self, y_true, y_pred):
        return self._elementwise(y_true, y_pred).reshape(len(y_pred), -1).mean(axis=-1)

    def backward(self, y_true, y_pred):
        return np.clip(y_pred - y_true, -self.delta, self.delta) * (1.0 / y_pred.size)

    def get_config(self):
        return {"delta": self.delta}

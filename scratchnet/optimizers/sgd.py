"""SGD, with momentum and Nesterov momentum, as the paper writes it."""

from __future__ import annotations

import numpy as np

from scratchnet.optimizers.base import Optimizer, _check_hyper

__all__ = ["SGD"]


class SGD(Optimizer):
    """Stochastic gradient descent, with optional (Nesterov) momentum, as in Keras.

        plain:     p = p - lr * g
        momentum:  v = momentum * v - lr * g;   p = p + v
        nesterov:  v = momentum * v - lr * g;   p = p + momentum * v - lr * g

    Args:
        learning_rate: step size (Keras's default 0.01).
        momentum: in [0, 1).
        nesterov: use Nesterov momentum.
    """

    def __init__(self, learning_rate: float = 0.01, momentum: float = 0.0, nesterov: bool = False):
        super().__init__(learning_rate)
        self.momentum = _check_hyper("SGD", "momentum", momentum, 0.0, 1.0)
        self.nesterov = bool(nesterov)

    def build(self, params):
        self.velocities = [np.zeros_like(p) for p in params]

    def state_arrays(self):
        return self.velocities if self.momentum else []

    def update_step(self, i, param, grad):
        lr = self.learning_rate
        if self.momentum == 0:
            param -= lr * grad
            return
        v = self.velocities[i]
        v *= self.momentum
        v -= lr * grad
        if self.nesterov:
            param += self.momentum * v - lr * grad
        else:
            param += v

    def get_config(self):
        return {**super().get_config(), "momentum": self.momentum, "nesterov": self.nesterov}

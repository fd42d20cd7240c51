"""RMSprop and Adagrad: a learning rate per parameter, from the size of its past gradients."""

from __future__ import annotations

import numpy as np

from scratchnet.optimizers.base import Optimizer, _check_hyper

__all__ = ["Adagrad", "RMSprop"]


class RMSprop(Optimizer):
    """RMSprop (Hinton's lecture 6e), as in Keras: divide the gradient by a running RMS of recent gradients.

        v = rho * v + (1 - rho) * g * g
        p = p - lr * g / sqrt(v + epsilon)

    Args:
        learning_rate: step size (Keras's default 0.001).
        rho: decay of the running mean of squared gradients, in [0, 1).
        epsilon: keeps the division finite.
    """

    def __init__(self, learning_rate: float = 0.001, rho: float = 0.9, epsilon: float = 1e-7):
        super().__init__(learning_rate)
        self.rho = _check_hyper("RMSprop", "rho", rho, 0.0, 1.0)
        self.epsilon = _check_hyper("RMSprop", "epsilon", epsilon, 0.0)

    def build(self, params):
        self.v = [np.zeros_like(p) for p in params]

    def state_arrays(self):
        return self.v

    def update_step(self, i, param, grad):
        v = self.v[i]
        v *= self.rho
        v += (1 - self.rho) * grad * grad
        param -= self.learning_rate * grad / np.sqrt(v + self.epsilon)

    def get_config(self):
        return {**super().get_config(), "rho": self.rho, "epsilon": self.epsilon}


class Adagrad(Optimizer):
    """Adagrad (Duchi et al., 2011), as in Keras: each parameter's step shrinks with all its past squared gradients.

        a = a + g * g                        a starts at initial_accumulator_value, never decays
        p = p - lr * g / sqrt(a + epsilon)

    Args:
        learning_rate: step size (Keras's default 0.001).
        initial_accumulator_value: the starting value of ``a``, >= 0.
        epsilon: keeps the division finite.
    """

    def __init__(self, learning_rate: float = 0.001, initial_accumulator_value: float = 0.1, epsilon: float = 1e-7):
        super().__init__(learning_rate)
        self.initial_accumulator_value = _check_hyper(
            "Adagrad", "initial_accumulator_value", initial_accumulator_value, 0.0
        )
        self.epsilon = _check_hyper("Adagrad", "epsilon", epsilon, 0.0)

    def build(self, params):
        self.accumulators = [np.full_like(p, self.initial_accumulator_value) for p in params]

    def state_arrays(self):
        return self.accumulators

    def update_step(self, i, param, grad):
        a = self.accumulators[i]
        a += grad * grad
        param -= self.learning_rate * grad / np.sqrt(a + self.epsilon)

    def get_config(self):
        return {
            **super().get_config(),
            "initial_accumulator_value": self.initial_accumulator_value,
            "epsilon": self.epsilon,
        }

"""Adam and its variants: Adamax, Nadam, AdamW, each as its paper writes it."""

from __future__ import annotations

import math

import numpy as np

from scratchnet import speed
from scratchnet.optimizers.base import Optimizer, _check_hyper

__all__ = ["Adam", "AdamW", "Adamax", "Nadam"]


class Adam(Optimizer):
    """Adam (Kingma & Ba, 2015), in the form Keras uses.

        t = t + 1
        m = beta_1 * m + (1 - beta_1) * g          first moment: a running mean of the gradient
        v = beta_2 * v + (1 - beta_2) * g * g      second moment: a running mean of its square
        lr_t = lr * sqrt(1 - beta_2**t) / (1 - beta_1**t)     bias correction, folded into the step size
        p = p - lr_t * m / (sqrt(v) + epsilon)

    This is Algorithm 1 of the paper (``m_hat = m / (1 - beta_1**t)``, ``v_hat = v / (1 - beta_2**t)``,
    ``p -= lr * m_hat / (sqrt(v_hat) + eps)``) with ``eps = epsilon / sqrt(1 - beta_2**t)``: ``epsilon`` is
    the paper's "epsilon hat", from the form it gives just before its section 2.1. m and v start at 0, so
    without the correction the first steps would be far too small: it needs the step counter t.

    Args:
        learning_rate: step size (Keras's default 0.001).
        beta_1: decay of the first moment, in [0, 1).
        beta_2: decay of the second moment, in [0, 1).
        epsilon: keeps the division finite (Keras's default 1e-7).
    """

    def __init__(self, learning_rate: float = 0.001, beta_1: float = 0.9, beta_2: float = 0.999, epsilon: float = 1e-7):
        super().__init__(learning_rate)
        self.beta_1 = _check_hyper("Adam", "beta_1", beta_1, 0.0, 1.0)
        self.beta_2 = _check_hyper("Adam", "beta_2", beta_2, 0.0, 1.0)
        self.epsilon = _check_hyper("Adam", "epsilon", epsilon, 0.0)

    def build(self, params):
        self.m = [np.zeros_like(p) for p in params]
        self.v = [np.zeros_like(p) for p in params]

    def state_arrays(self):
        return [*self.m, *self.v]

    def update_step(self, i, param, grad):
        t = self.iterations
        beta_1, beta_2 = self.beta_1, self.beta_2
        # Python floats: an np.float64 scalar here would turn float32 arrays into float64.
        lr_t = self.learning_rate * math.sqrt(1 - beta_2**t) / (1 - beta_1**t)
        if speed.enabled():
            speed.adam_update(param, grad, self.m[i], self.v[i], lr_t, beta_1, beta_2, self.epsilon)  # in place
            return
        self.m[i] = m = beta_1 * self.m[i] + (1 - beta_1) * grad
        self.v[i] = v = beta_2 * self.v[i] + (1 - beta_2) * grad * grad
        param -= lr_t * m / (np.sqrt(v) + self.epsilon)

    def get_config(self):
        return {
            **super().get_config(),
            "beta_1": self.beta_1,
            "beta_2": self.beta_2,
            "epsilon": self.epsilon,
        }


class Adamax(Optimizer):
    """Adamax (Kingma & Ba, 2015, section 7.1), as in Keras: Adam with an infinity norm in place of ``v``.

        t = t + 1
        m = beta_1 * m + (1 - beta_1) * g
        u = max(beta_2 * u, |g|)
        p = p - lr * m / ((1 - beta_1**t) * (u + epsilon))

    Args:
        learning_rate: step size (Keras's default 0.001).
        beta_1: decay of the first moment, in [0, 1).
        beta_2: decay of the infinity norm, in [0, 1).
        epsilon: keeps the division finite.
    """

    def __init__(self, learning_rate: float = 0.001, beta_1: float = 0.9, beta_2: float = 0.999, epsilon: float = 1e-7):
        super().__init__(learning_rate)
        self.beta_1 = _check_hyper("Adamax", "beta_1", beta_1, 0.0, 1.0)
        self.beta_2 = _check_hyper("Adamax", "beta_2", beta_2, 0.0, 1.0)
        self.epsilon = _check_hyper("Adamax", "epsilon", epsilon, 0.0)

    def build(self, params):
        self.m = [np.zeros_like(p) for p in params]
        self.u = [np.zeros_like(p) for p in params]

    def state_arrays(self):
        return [*self.m, *self.u]

    def update_step(self, i, param, grad):
        m, u = self.m[i], self.u[i]
        m += (1 - self.beta_1) * (grad - m)
        np.maximum(self.beta_2 * u, np.abs(grad), out=u)
        param -= self.learning_rate * m / ((1 - self.beta_1**self.iterations) * (u + self.epsilon))

    def get_config(self):
        return {**super().get_config(), "beta_1": self.beta_1, "beta_2": self.beta_2, "epsilon": self.epsilon}


class Nadam(Optimizer):
    """Nadam (Dozat, 2016): Adam with Nesterov momentum, in the form Keras uses (a warming-up momentum schedule).

        t = t + 1
        mu_t  = beta_1 * (1 - 0.5 * 0.96**t)          momentum at this step; mu_t1 likewise with t + 1
        prod  = prod * mu_t                            product of all mu so far (one number, starts at 1)
        m = beta_1 * m + (1 - beta_1) * g
        v = beta_2 * v + (1 - beta_2) * g * g
        m_hat = mu_t1 * m / (1 - prod * mu_t1) + (1 - mu_t) * g / (1 - prod)
        v_hat = v / (1 - beta_2**t)
        p = p - lr * m_hat / (sqrt(v_hat) + epsilon)

    Args:
        learning_rate: step size (Keras's default 0.001).
        beta_1: decay of the first moment, in [0, 1).
        beta_2: decay of the second moment, in [0, 1).
        epsilon: keeps the division finite.
    """

    def __init__(self, learning_rate: float = 0.001, beta_1: float = 0.9, beta_2: float = 0.999, epsilon: float = 1e-7):
        super().__init__(learning_rate)
        self.beta_1 = _check_hyper("Nadam", "beta_1", beta_1, 0.0, 1.0)
        self.beta_2 = _check_hyper("Nadam", "beta_2", beta_2, 0.0, 1.0)
        self.epsilon = _check_hyper("Nadam", "epsilon", epsilon, 0.0)
        self.u_product = 1.0

    def build(self, params):
        self.m = [np.zeros_like(p) for p in params]
        self.v = [np.zeros_like(p) for p in params]
        self.u_product = 1.0

    def state_arrays(self):
        return [*self.m, *self.v]

    def update_step(self, i, param, grad):
        t = self.iterations
        mu_t = self.beta_1 * (1 - 0.5 * 0.96**t)
        mu_t1 = self.beta_1 * (1 - 0.5 * 0.96 ** (t + 1))
        if i == 0:  # the product of the momenta is one number per step, shared by every parameter array
            self.u_product *= mu_t
        prod = self.u_product
        m, v = self.m[i], self.v[i]
        m += (1 - self.beta_1) * (grad - m)
        v += (1 - self.beta_2) * (grad * grad - v)
        m_hat = (mu_t1 / (1 - prod * mu_t1)) * m + ((1 - mu_t) / (1 - prod)) * grad
        v_hat = v / (1 - self.beta_2**t)
        param -= self.learning_rate * m_hat / (np.sqrt(v_hat) + self.epsilon)

    def get_config(self):
        return {**super().get_config(), "beta_1": self.beta_1, "beta_2": self.beta_2, "epsilon": self.epsilon}


class AdamW(Adam):
    """Adam with decoupled weight decay (Loshchilov & Hutter, 2019), as in Keras.

    Before each Adam step every parameter shrinks towards 0, not through the gradient:

        p = p - lr * weight_decay * p
        (then Adam's update, with the gradient computed before the decay)

    Args:
        learning_rate: step size (Keras's default 0.001).
        weight_decay: the decay rate (Keras's default 0.004), >= 0.
        beta_1, beta_2, epsilon: as for :class:`Adam`.
    """

    def __init__(
        self,
        learning_rate: float = 0.001,
        weight_decay: float = 0.004,
        beta_1: float = 0.9,
        beta_2: float = 0.999,
        epsilon: float = 1e-7,
    ):
        super().__init__(learning_rate, beta_1, beta_2, epsilon)
        self.weight_decay = _check_hyper("AdamW", "weight_decay", weight_decay, 0.0)

    def update_step(self, i, param, grad):
        param -= (self.learning_rate * self.weight_decay) * param
        super().update_step(i, param, grad)

    def get_config(self):
        return {**super().get_config(), "weight_decay": self.weight_decay}

"""Optimizers: turn gradients into parameter updates, in place: SGD (with momentum), Adam, RMSprop, Adagrad, Adamax,
Nadam, AdamW, with Keras 3's updates and defaults.

An optimizer sees the model's parameters as a list of arrays ``params`` and their gradients ``grads`` (same
shapes, same order). Its state (momentum, Adam's moments) is kept in lists aligned with ``params``, as in tinygrad.
Subclasses write only :meth:`Optimizer.update_step`; the base class counts steps and builds the state.

Updates happen *in place* (``p -= ...``), so the arrays the layers hold stay the arrays being trained. With the
speed tricks on (:mod:`scratchnet.speed`) the list holds a single entry, the model's flat vector θ of all
parameters, and Adam's update runs in place without temporaries; the arithmetic is the one written here.
"""

from __future__ import annotations

import functools
import math
import numbers

import numpy as np

from scratchnet import schedules, speed

__all__ = ["SGD", "Adagrad", "Adam", "AdamW", "Adamax", "Nadam", "Optimizer", "RMSprop", "get"]


def _check_hyper(who: str, name: str, value, low: float, high: float | None = None, low_open: bool = False):
    # Any real number, NumPy scalars included (np.float32(0.01) from a config or a grid); stored as a Python float
    # so that no np.float64 scalar reaches the update arithmetic and turns float32 arrays into float64.
    ok = isinstance(value, numbers.Real) and not isinstance(value, (bool, np.bool_)) and math.isfinite(value)
    if ok:
        ok = (value > low if low_open else value >= low) and (high is None or value < high)
    if not ok:
        interval = f"{'(' if low_open else '['}{low}, {high if high is not None else 'inf'})"
        raise ValueError(f"{who} expected `{name}` to be a number in {interval}. Received: {name}={value!r}.")
    return float(value)


class Optimizer:
    """Base class. Subclasses implement ``build`` (create state) and ``update_step`` (one parameter array).

    Args:
        learning_rate: step size, > 0.
    """

    def __init_subclass__(cls, **kwargs):
        # Keras 2 spelled learning_rate "lr" (Adam(lr=0.001) is in many tutorials): accept it in every optimizer.
        super().__init_subclass__(**kwargs)
        init = cls.__dict__.get("__init__")
        if init is None:
            return

        @functools.wraps(init)
        def __init__(self, *args, lr=None, clipnorm=None, clipvalue=None, global_clipnorm=None, **kw):
            if lr is not None:
                if "learning_rate" in kw:
                    raise TypeError(f"{cls.__name__} got both lr and learning_rate: lr is the old name; give one.")
                kw["learning_rate"] = lr
            init(self, *args, **kw)
            # Keras's gradient clipping, every optimizer's arguments (see Optimizer.clip).
            who = cls.__name__
            self.clipnorm = None if clipnorm is None else _check_hyper(who, "clipnorm", clipnorm, 0.0, low_open=True)
            self.clipvalue = (
                None if clipvalue is None else _check_hyper(who, "clipvalue", clipvalue, 0.0, low_open=True)
            )
            self.global_clipnorm = (
                None
                if global_clipnorm is None
                else _check_hyper(who, "global_clipnorm", global_clipnorm, 0.0, low_open=True)
            )

        cls.__init__ = __init__

    def __init__(self, learning_rate: float | schedules.LearningRateSchedule = 0.001):
        self.iterations = 0  # t, the number of updates applied so far
        self._schedule: schedules.LearningRateSchedule | None = None
        self._in_update = False
        self.learning_rate = learning_rate
        self._built_shapes: list[tuple] | None = None

    @property
    def learning_rate(self) -> float:
        """The step size of the current (or, between updates, the next) update.

        With a schedule, its value at that step, steps counted from 0 as Keras counts them: the update that makes
        ``iterations`` go from ``k`` to ``k + 1`` uses ``schedule(k)``.
        """
        if self._schedule is None:
            return self._learning_rate
        return float(self._schedule(self.iterations - 1 if self._in_update else self.iterations))

    @learning_rate.setter
    def learning_rate(self, value) -> None:
        if isinstance(value, dict) and "class_name" in value:  # a schedule as get_config() stores it (load_model)
            value = schedules.get(value)
        if isinstance(value, schedules.LearningRateSchedule):
            self._schedule = value
            return
        if self._schedule is not None:
            raise TypeError(
                f"{type(self).__name__} was created with a learning-rate schedule ({self._schedule!r}), so its "
                "learning rate is not settable (as in Keras). Create the optimizer with a number as learning_rate "
                "to change it during training (LearningRateScheduler, ReduceLROnPlateau)."
            )
        if isinstance(value, np.generic):
            value = value.item()
        self._learning_rate = _check_hyper(type(self).__name__, "learning_rate", value, 0.0, low_open=True)

    @property
    def lr(self) -> float:
        """Keras 2's name for :attr:`learning_rate` (older tutorials read and set ``optimizer.lr``)."""
        return self.learning_rate

    @lr.setter
    def lr(self, value) -> None:
        self.learning_rate = value

    def build(self, params: list[np.ndarray]) -> None:
        """Create the optimizer state for ``params`` (zeros, same shapes and dtypes)."""

    def apply(self, params: list[np.ndarray], grads: list[np.ndarray]) -> None:
        """Apply one update to every array in ``params``, in place, using ``grads`` (same order and shapes)."""
        shapes = [(p.shape, p.dtype) for p in params]
        if shapes != self._built_shapes:
            self.build(params)
            self._built_shapes = shapes
        self.iterations += 1
        grads = self.clip(grads)
        self._in_update = True  # the learning rate of a schedule is the one of this step (see learning_rate)
        try:
            for i, (param, grad) in enumerate(zip(params, grads, strict=True)):
                self.update_step(i, param, grad)
        finally:
            self._in_update = False
        if speed.enabled():
            speed.flush_denormals(self)

    def clip(self, grads: list[np.ndarray]) -> list[np.ndarray]:
        """Keras's gradient clipping, before the update: the direction kept, the size capped.

        clipvalue:        g = clip(g, -clipvalue, clipvalue)                   each entry
        clipnorm:         g = g * min(1, clipnorm / ‖g‖)                       each weight array on its own
        global_clipnorm:  g = g * min(1, global_clipnorm / ‖all g together‖)  one scale for the whole model
        """
        if getattr(self, "clipvalue", None) is not None:
            grads = [np.clip(g, -self.clipvalue, self.clipvalue) for g in grads]
        if getattr(self, "clipnorm", None) is not None:
            grads = [g * min(1.0, self.clipnorm / max(float(np.sqrt((g * g).sum())), 1e-30)) for g in grads]
        if getattr(self, "global_clipnorm", None) is not None:
            norm = math.sqrt(sum(float((g * g).sum()) for g in grads))
            grads = [g * min(1.0, self.global_clipnorm / max(norm, 1e-30)) for g in grads]
        return grads

    @property
    def clips_each_array(self) -> bool:
        """Whether clipping needs the weight arrays one by one (clipnorm), not one flat vector of all of them."""
        return getattr(self, "clipnorm", None) is not None

    def update_step(self, i: int, param: np.ndarray, grad: np.ndarray) -> None:
        """Update ``param`` (the i-th array) in place from its gradient ``grad``."""
        raise NotImplementedError(f"{type(self).__name__} must implement update_step(i, param, grad).")

    def state_arrays(self) -> list[np.ndarray]:
        """Every array of optimizer state (momentum, moments); empty when there is none."""
        return []

    def get_config(self) -> dict:
        clipping = {k: getattr(self, k, None) for k in ("clipnorm", "clipvalue", "global_clipnorm")}
        clipping = {k: v for k, v in clipping.items() if v is not None}
        if self._schedule is None:
            return {"learning_rate": self._learning_rate, **clipping}
        schedule = {"class_name": type(self._schedule).__name__, "config": self._schedule.get_config()}
        return {"learning_rate": schedule, **clipping}

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({args})"


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


OPTIMIZERS: dict[str, type[Optimizer]] = {
    "sgd": SGD,
    "adam": Adam,
    "rmsprop": RMSprop,
    "adagrad": Adagrad,
    "adamax": Adamax,
    "nadam": Nadam,
    "adamw": AdamW,
}


def get(identifier: str | Optimizer) -> Optimizer:
    """Resolve an optimizer given as a name (``'adam'``, ``'sgd'``, ``'rmsprop'``, any case) or an instance.

    Raises:
        ValueError: for an unknown name, listing the known ones.
        TypeError: for anything else.
    """
    if isinstance(identifier, Optimizer):
        return identifier
    if isinstance(identifier, type) and issubclass(identifier, Optimizer):
        return identifier()
    if isinstance(identifier, str):
        if identifier.lower() in OPTIMIZERS:
            return OPTIMIZERS[identifier.lower()]()
        raise ValueError(
            f"Unknown optimizer. Expected one of {sorted(OPTIMIZERS)}. Received: optimizer={identifier!r}."
        )
    raise TypeError(
        f"optimizer must be a name such as 'adam' or a scratchnet.optimizers.Optimizer. "
        f"Received: optimizer={identifier!r}."
    )


def __getattr__(name: str):
    # Adagrad, Nadam, AdamW, schedules, ...: one line saying what there is, instead of a bare "no attribute".
    raise AttributeError(
        f"module 'scratchnet.optimizers' has no attribute {name!r}: scratchnet's optimizers are "
        f"{', '.join(cls.__name__ for cls in OPTIMIZERS.values())}; learning-rate schedules are in "
        "scratchnet.optimizers.schedules (or use scratchnet.callbacks.LearningRateScheduler, ReduceLROnPlateau)."
    )

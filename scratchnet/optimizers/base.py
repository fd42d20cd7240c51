"""The optimizer contract: ``Optimizer`` counts steps, builds the state, clips, and applies ``update_step`` to
every array; ``apply_gradients`` is the same for Variables (a custom training loop)."""

from __future__ import annotations

import functools
import math
import numbers

import numpy as np

from scratchnet import schedules, speed
from scratchnet.tape.tensor import Tensor
from scratchnet.tape.variable import Variable

__all__ = ["Optimizer"]


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

    def apply_gradients(self, grads_and_vars, **kwargs) -> None:
        """One update from ``(gradient, variable)`` pairs, as Keras: ``apply_gradients(zip(grads, variables))``.

        The variables (``model.trainable_variables``, your own Variables, or a model's parameter arrays)
        are updated in place. A pair whose gradient is None (a variable the loss does not depend on) is skipped.
        """
        pairs = [(g, v) for g, v in grads_and_vars if g is not None]
        if not pairs:
            raise ValueError(
                f"{type(self).__name__}.apply_gradients(): no variable has a gradient (every gradient is None). Did "
                "the loss get computed inside the `with sn.GradientTape() as tape:` block, from the variables?"
            )
        params = [_array_of(v) for _, v in pairs]
        grads = [np.asarray(g, dtype=p.dtype) for (g, _), p in zip(pairs, params, strict=True)]
        for (_, v), p, g in zip(pairs, params, grads, strict=True):
            if g.shape != p.shape:
                raise ValueError(
                    f"{type(self).__name__}.apply_gradients(): a gradient of shape {g.shape} for a variable of shape "
                    f"{p.shape} ({getattr(v, 'name', 'an array')}). Received pairs in the wrong order? Pass "
                    "zip(grads, variables), gradients first."
                )
        self._apply_arrays(params, grads)

    def apply(self, params: list, grads: list) -> None:
        """Apply one update to every array in ``params``, in place, using ``grads`` (same order and shapes).

        Keras 3's order, ``optimizer.apply(grads, variables)`` with Variables, is recognized and accepted too.
        """
        params, grads = list(params), list(grads)
        if any(isinstance(v, Variable) for v in grads) or any(
            isinstance(g, Tensor) and not isinstance(g, Variable) for g in params
        ):
            self.apply_gradients(zip(params, grads, strict=True))  # Keras 3's order: apply(grads, variables)
            return
        if any(isinstance(p, Variable) for p in params):
            self.apply_gradients(zip(grads, params, strict=True))
            return
        self._apply_arrays(params, grads)

    def minimize(self, loss, var_list, tape=None) -> None:
        """Keras 2's ``minimize``: ``loss`` is a function of no arguments; one step on ``var_list``."""
        from scratchnet.tape.gradient_tape import GradientTape

        with GradientTape() as tape:
            value = loss()
        variables = list(var_list() if callable(var_list) else var_list)
        self.apply_gradients(zip(tape.gradient(value, variables), variables, strict=True))

    def _apply_arrays(self, params: list[np.ndarray], grads: list[np.ndarray]) -> None:
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


def _array_of(variable) -> np.ndarray:
    """The array an update writes into: a Variable's own (for a layer's, the layer's parameter array itself)."""
    if isinstance(variable, Tensor):
        if not isinstance(variable, Variable):
            raise TypeError(
                "apply_gradients() updates Variables in place, and this is a Tensor (tensors cannot change). "
                "Make it a Variable: w = sn.Variable(initial_value)."
            )
        return variable._value
    if isinstance(variable, np.ndarray):
        return variable
    raise TypeError(f"apply_gradients() takes Variables. Received: {type(variable).__name__}.")

"""Learning-rate schedules (``keras.optimizers.schedules``): the learning rate as a function of the step.

Pass one as an optimizer's ``learning_rate``; before each update the optimizer asks it for the rate of that step,
counting steps from 0 as Keras does (``schedule(optimizer.iterations)``, read before the step is counted):

>>> from scratchnet import optimizers
>>> schedule = ExponentialDecay(0.1, decay_steps=1000, decay_rate=0.5)
>>> opt = optimizers.SGD(learning_rate=schedule)
>>> schedule(0), schedule(1000), schedule(2000)
(0.1, 0.05, 0.025)

A schedule of your own subclasses :class:`LearningRateSchedule` and writes ``__call__(step) -> float``.
Schedules that look at validation metrics are callbacks instead (``ReduceLROnPlateau``).
"""

from __future__ import annotations

import math

__all__ = ["ExponentialDecay", "InverseTimeDecay", "LearningRateSchedule", "PiecewiseConstantDecay", "get"]


class LearningRateSchedule:
    """Base class: ``__call__(step)`` returns the learning rate for step ``step`` (0, 1, 2, ...)."""

    def __call__(self, step: int) -> float:
        raise NotImplementedError(f"Learning rate schedule '{type(self).__name__}' must override __call__(self, step).")

    def get_config(self) -> dict:
        raise NotImplementedError(f"Learning rate schedule '{type(self).__name__}' must override get_config().")

    @classmethod
    def from_config(cls, config: dict) -> LearningRateSchedule:
        return cls(**config)

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({args})"


def _positive(who: str, name: str, value) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value <= 0:
        raise ValueError(f"{who} expected `{name}` to be a positive number. Received: {name}={value!r}.")
    return float(value)


class ExponentialDecay(LearningRateSchedule):
    """``initial_learning_rate * decay_rate ** (step / decay_steps)``; with ``staircase``, the exponent is floored."""

    def __init__(self, initial_learning_rate, decay_steps, decay_rate, staircase: bool = False, name=None):
        self.initial_learning_rate = _positive("ExponentialDecay", "initial_learning_rate", initial_learning_rate)
        self.decay_steps = _positive("ExponentialDecay", "decay_steps", decay_steps)
        self.decay_rate = _positive("ExponentialDecay", "decay_rate", decay_rate)
        self.staircase = bool(staircase)
        self.name = name or "ExponentialDecay"

    def __call__(self, step):
        p = step / self.decay_steps
        return self.initial_learning_rate * self.decay_rate ** (math.floor(p) if self.staircase else p)

    def get_config(self):
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "decay_steps": self.decay_steps,
            "decay_rate": self.decay_rate,
            "staircase": self.staircase,
            "name": self.name,
        }


class InverseTimeDecay(LearningRateSchedule):
    """``initial_learning_rate / (1 + decay_rate * step / decay_steps)``; with ``staircase``, the ratio is floored."""

    def __init__(self, initial_learning_rate, decay_steps, decay_rate, staircase: bool = False, name=None):
        self.initial_learning_rate = _positive("InverseTimeDecay", "initial_learning_rate", initial_learning_rate)
        self.decay_steps = _positive("InverseTimeDecay", "decay_steps", decay_steps)
        self.decay_rate = float(decay_rate)
        self.staircase = bool(staircase)
        self.name = name or "InverseTimeDecay"

    def __call__(self, step):
        p = step / self.decay_steps
        return self.initial_learning_rate / (1 + self.decay_rate * (math.floor(p) if self.staircase else p))

    def get_config(self):
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "decay_steps": self.decay_steps,
            "decay_rate": self.decay_rate,
            "staircase": self.staircase,
            "name": self.name,
        }


class PiecewiseConstantDecay(LearningRateSchedule):
    """``values[0]`` while ``step <= boundaries[0]``, ``values[1]`` while ``step <= boundaries[1]``, ..., then
    ``values[-1]`` (one more value than boundaries, boundaries increasing)."""

    def __init__(self, boundaries, values, name=None):
        boundaries, values = list(boundaries), [float(v) for v in values]
        if len(values) != len(boundaries) + 1:
            raise ValueError(
                "PiecewiseConstantDecay expected one more value than boundaries. "
                f"Received: {len(boundaries)} boundaries, {len(values)} values."
            )
        if boundaries != sorted(boundaries):
            raise ValueError(f"PiecewiseConstantDecay expected increasing boundaries. Received: {boundaries}.")
        self.boundaries, self.values = boundaries, values
        self.name = name or "PiecewiseConstant"

    def __call__(self, step):
        for boundary, value in zip(self.boundaries, self.values, strict=False):
            if step <= boundary:
                return value
        return self.values[-1]

    def get_config(self):
        return {"boundaries": self.boundaries, "values": self.values, "name": self.name}


SCHEDULES = {cls.__name__: cls for cls in (ExponentialDecay, InverseTimeDecay, PiecewiseConstantDecay)}


def get(config: dict) -> LearningRateSchedule:
    """A schedule from ``{"class_name": ..., "config": ...}`` (how a saved optimizer stores it)."""
    if config.get("class_name") not in SCHEDULES:
        raise ValueError(
            f"Unknown learning rate schedule. Expected one of {sorted(SCHEDULES)}. "
            f"Received: {config.get('class_name')!r}."
        )
    return SCHEDULES[config["class_name"]].from_config(config["config"])

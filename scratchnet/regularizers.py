"""Weight regularizers: a penalty on the size of a layer's weights, added to the loss, and its gradient.

``Dense(16, kernel_regularizer=regularizers.l2(0.001))`` adds ``0.001 * sum(W ** 2)`` to the loss the model
minimizes (Keras's L2: no factor 1/2), so large weights cost something and the network prefers small ones: a
classic cure for over-fitting (Chollet's chapter 4, TensorFlow's "Overfit and underfit" tutorial).

    penalty:    R  = l1 * sum(|W|) + l2 * sum(W ** 2)       a Python float, added to the batch's loss
    gradient:   dW += l1 * sign(W) + 2 * l2 * W             added to the W's gradient after backward

The penalty does not depend on the batch, so it has no 1/N: it is added once per step, as Keras adds it. The
model adds both (``Model.train_step``), and the logged loss includes the penalty, as Keras's does.
"""

from __future__ import annotations

import math
import numbers

import numpy as np

__all__ = ["L1", "L1L2", "L2", "Regularizer", "get", "l1", "l1_l2", "l2"]


def _factor(who: str, name: str, value) -> float:
    if (
        isinstance(value, (bool, np.bool_))
        or not isinstance(value, numbers.Real)
        or not math.isfinite(value)
        or value < 0
    ):
        raise ValueError(f"{who} expected {name} to be a number >= 0. Received: {name}={value!r}.")
    return float(value)


class Regularizer:
    """A penalty ``R(W)`` and its gradient ``dR/dW``. Subclasses implement both."""

    def __call__(self, w: np.ndarray) -> float:
        raise NotImplementedError(f"{type(self).__name__} must implement __call__(w) -> float, the penalty.")

    def gradient(self, w: np.ndarray) -> np.ndarray:
        raise NotImplementedError(f"{type(self).__name__} must implement gradient(w), shaped like w.")

    def get_config(self) -> dict:
        return {}

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({args})"


class L1L2(Regularizer):
    """``R = l1 * sum(|W|) + l2 * sum(W ** 2)``; ``dR/dW = l1 * sign(W) + 2 * l2 * W`` (sign(0) = 0, as Keras).

    Args:
        l1, l2: the two factors, >= 0 (Keras's defaults: 0).
    """

    def __init__(self, l1: float = 0.0, l2: float = 0.0):
        self.l1 = _factor(type(self).__name__, "l1", l1)
        self.l2 = _factor(type(self).__name__, "l2", l2)

    def __call__(self, w):
        penalty = 0.0
        if self.l1:
            penalty += self.l1 * float(np.abs(w).sum())
        if self.l2:
            penalty += self.l2 * float((w * w).sum())
        return penalty

    def gradient(self, w):
        # Python floats times arrays: the gradient keeps the weights' dtype.
        return self.l1 * np.sign(w) + (2 * self.l2) * w

    def get_config(self):
        return {"l1": self.l1, "l2": self.l2}


class L1(L1L2):
    """``R = l1 * sum(|W|)``: pushes weights to exactly 0 (sparse weights)."""

    def __init__(self, l1: float = 0.01):
        super().__init__(l1=l1)

    def get_config(self):
        return {"l1": self.l1}


class L2(L1L2):
    """``R = l2 * sum(W ** 2)``: weight decay, pulling every weight towards 0 in proportion to its size."""

    def __init__(self, l2: float = 0.01):
        super().__init__(l2=l2)

    def get_config(self):
        return {"l2": self.l2}


# Keras's lower-case names: regularizers.l2(0.001) is the L2 class.
l1, l2, l1_l2 = L1, L2, L1L2

REGULARIZERS = {"l1": L1, "l2": L2, "l1_l2": L1L2, "L1": L1, "L2": L2, "L1L2": L1L2}


def get(identifier) -> Regularizer | None:
    """A regularizer from ``None``, a name (``'l2'``, Keras's factor 0.01), a saved config, or an instance."""
    if identifier is None or isinstance(identifier, Regularizer):
        return identifier
    if isinstance(identifier, str) and identifier in REGULARIZERS:
        return REGULARIZERS[identifier]()
    if isinstance(identifier, dict) and identifier.get("class_name") in REGULARIZERS:
        return REGULARIZERS[identifier["class_name"]](**identifier.get("config", {}))
    raise ValueError(
        f"Unknown regularizer. Expected None, one of {sorted(set(REGULARIZERS))}, or scratchnet.regularizers.l2(0.001)"
        f" and the like. Received: {identifier!r}."
    )


def to_config(regularizer: Regularizer | None) -> dict | None:
    """How a layer's ``get_config`` saves a regularizer (read back by :func:`get`)."""
    if regularizer is None:
        return None
    return {"class_name": type(regularizer).__name__, "config": regularizer.get_config()}


def kernel_and_bias(kernel_regularizer=None, bias_regularizer=None) -> dict[str, Regularizer]:
    """A layer's ``regularizers``, by parameter key: ``{"W": ..., "b": ...}`` for those given."""
    found = {"W": get(kernel_regularizer), "b": get(bias_regularizer)}
    return {key: reg for key, reg in found.items() if reg is not None}


def config_entries(regularizers: dict[str, Regularizer]) -> dict:
    """The ``kernel_regularizer`` / ``bias_regularizer`` entries of a layer's config (only those set)."""
    names = {"W": "kernel_regularizer", "b": "bias_regularizer"}
    return {names[key]: to_config(reg) for key, reg in regularizers.items()}


# --- what a model does with them --------------------------------------------------------------------------------
def penalized(model) -> list:
    """``(layer, key, regularizer)`` of every penalized parameter of ``model`` (usually none), cached per build."""
    cached = model.__dict__.get("_penalized")
    if cached is None or cached[0] != model.structure_version:
        found = [
            (layer, key, layer.regularizers[key])
            for layer, key in model.parameter_slots()
            if key in getattr(layer, "regularizers", {})  # a hand-written layer may not have the attribute
        ]
        cached = model._penalized = (model.structure_version, found)
    return cached[1]


def add_gradients(model) -> float:
    """After backward: ``dW += dR/dW`` for every penalized parameter; returns the sum of the penalties."""
    penalty = 0.0
    for layer, key, regularizer in penalized(model):
        penalty += regularizer(layer.params[key])
        layer.grads[key] += regularizer.gradient(layer.params[key])
    return penalty


def total_penalty(model) -> float:
    """The sum of ``model``'s weight penalties at its current weights."""
    return sum((regularizer(layer.params[key]) for layer, key, regularizer in penalized(model)), 0.0)

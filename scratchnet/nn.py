"""The functional maths: each activation with its backward right next to it.

Every function here is a pure NumPy function on arrays of any shape ``(..., C)``; the layers in
``scratchnet.layers`` are thin wrappers that remember what backward needs.

Each backward is written in terms of the forward's *output* ``y`` (never its input), so a layer only has to
keep one array between forward and backward. That works for every activation here:

    relu:     y = max(x, 0)        dx = dy * (y > 0)           (y > 0 exactly where x > 0)
    sigmoid:  y = 1 / (1 + e^-x)   dx = dy * y * (1 - y)
    tanh:     y = tanh(x)          dx = dy * (1 - y * y)
    softmax:  y = e^x / sum(e^x)   dx = y * (dy - sum(dy * y))  (sum over the last axis)
    linear:   y = x                dx = dy

``dy`` is ∂L/∂y and ``dx`` is ∂L/∂x, with the shape of ``y`` and ``x``.

>>> import numpy as np
>>> from scratchnet import nn
>>> y = nn.softmax(np.array([[1.0, 2.0, 3.0]]))
>>> round(float(y.sum()), 12)  # 1, up to rounding
1.0
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

__all__ = [
    "get_activation",
    "linear",
    "linear_backward",
    "log_softmax",
    "relu",
    "relu_backward",
    "sigmoid",
    "sigmoid_backward",
    "softmax",
    "softmax_backward",
    "tanh",
    "tanh_backward",
]


def relu(x: np.ndarray) -> np.ndarray:
    """Rectified linear unit, elementwise.

    Forward:   y = max(x, 0)            x: (...)  ->  y: (...)
    """
    # The 0 is a Python int so NumPy keeps x's dtype (float32 stays float32).
    return np.maximum(x, 0)


def relu_backward(dy: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Backward of :func:`relu`, from its output ``y``.

    Backward:  dx = dy * (y > 0)        (...)   the gradient passes where the unit was on, else it stops

    At x = 0 exactly ReLU has no derivative; like every framework we use 0 there.
    """
    # (y > 0) is a bool mask: multiplying by it keeps dy's dtype, where an int mask would not.
    return dy * (y > 0)


def sigmoid(x: np.ndarray) -> np.ndarray:
    """Logistic sigmoid, elementwise, stable for large |x|.

    Forward:   y = 1 / (1 + exp(-x))    x: (...)  ->  y: (...)
    """
    # exp(-x) overflows for x << 0, so there we use the equal form exp(x) / (1 + exp(x)).
    # Both branches see exp of a non-positive number only, which cannot overflow.
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1 / (1 + e), e / (1 + e))


def sigmoid_backward(dy: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Backward of :func:`sigmoid`, from its output ``y``.

    Backward:  dx = dy * y * (1 - y)    (...)
    """
    return dy * y * (1 - y)


def tanh(x: np.ndarray) -> np.ndarray:
    """Hyperbolic tangent, elementwise.

    Forward:   y = tanh(x)              x: (...)  ->  y: (...)
    """
    return np.tanh(x)


def tanh_backward(dy: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Backward of :func:`tanh`, from its output ``y``.

    Backward:  dx = dy * (1 - y * y)    (...)
    """
    return dy * (1 - y * y)


def softmax(x: np.ndarray, axis: int = -1) -> np.ndarray:
    """Softmax over ``axis``: turns scores (logits) into probabilities that sum to 1.

    Forward:   y = exp(x - max(x)) / sum(exp(x - max(x)))     x: (N, C)  ->  y: (N, C), rows sum to 1

    Subtracting the row max changes nothing mathematically (it cancels between top and bottom) but keeps
    exp from overflowing: the largest exponent is exp(0) = 1.
    """
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    e /= e.sum(axis=axis, keepdims=True)
    return e


def softmax_backward(dy: np.ndarray, y: np.ndarray, axis: int = -1) -> np.ndarray:
    """Backward of :func:`softmax`, from its output ``y``: the Jacobian-vector product, vectorized.

    Backward:  dx = y * (dy - (dy * y).sum(axis, keepdims=True))    (N, C)

    The Jacobian of one row is dy_i/dx_j = y_i (δ_ij - y_j). Multiplying dy by it gives
    dx_j = y_j (dy_j - Σ_i dy_i y_i): no (C, C) matrix is ever built. (Keeping only the diagonal
    y_j (1 - y_j) is a classic bug: it ignores that raising one score lowers every other probability.)
    """
    return y * (dy - (dy * y).sum(axis=axis, keepdims=True))


def log_softmax(x: np.ndarray, axis: int = -1) -> np.ndarray:
    """Logarithm of :func:`softmax`, computed stably with log-sum-exp.

    Forward:   y = x - m - log(sum(exp(x - m)))    m = max(x)   x: (N, C)  ->  y: (N, C)

    ``np.log(softmax(x))`` would give -inf when a probability underflows to 0; this form never does.
    """
    shifted = x - x.max(axis=axis, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True))


def linear(x: np.ndarray) -> np.ndarray:
    """Identity activation (Keras's ``'linear'``): ``y = x``. Returns ``x`` itself; nothing is copied."""
    return x


def linear_backward(dy: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Backward of :func:`linear`: ``dx = dy``."""
    return dy


# name -> (forward, backward). The Activation layer looks activations up here, by name or by function,
# so `Dense(10, activation="softmax")` and `Dense(10, activation=nn.softmax)` build the same layer.
ACTIVATIONS: dict[str, tuple[Callable, Callable]] = {
    "relu": (relu, relu_backward),
    "sigmoid": (sigmoid, sigmoid_backward),
    "tanh": (tanh, tanh_backward),
    "softmax": (softmax, softmax_backward),
    "linear": (linear, linear_backward),
}


def get_activation(identifier: str | Callable | None) -> tuple[str, Callable, Callable]:
    """Resolve an activation given as a name, a function from this module, or None.

    Args:
        identifier: ``'relu'``, ``'softmax'``, ``'sigmoid'``, ``'tanh'``, ``'linear'``, one of those
            functions (``scratchnet.nn.relu``), or None (= linear).

    Returns:
        ``(name, forward, backward)``.

    Raises:
        ValueError: for an unknown name or a function scratchnet has no backward for.
    """
    if identifier is None:
        identifier = "linear"
    if isinstance(identifier, str):
        if identifier in ACTIVATIONS:
            return (identifier, *ACTIVATIONS[identifier])
        raise ValueError(
            f"Unknown activation. Expected one of {sorted(ACTIVATIONS)}. Received: activation={identifier!r}."
        )
    for name, (forward, backward) in ACTIVATIONS.items():
        if identifier is forward:
            return name, forward, backward
    raise ValueError(
        "An activation must come with its backward, so scratchnet accepts the names "
        f"{sorted(ACTIVATIONS)} or the matching functions from scratchnet.nn. "
        f"Received: activation={identifier!r}. To use your own function, write a Layer with forward and "
        "backward (see examples/custom_layer.py) and add it after a Dense without activation."
    )

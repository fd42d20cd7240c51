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

and for the activations of the later lessons (elu, selu, leaky_relu, softplus, softsign, hard_sigmoid,
exponential) too. Two cannot: gelu and silu (swish) are not one-to-one, so their output does not tell their input;
their backward takes ``x`` (listed in ``FROM_INPUT``, and the Activation layer keeps ``x`` for them).

``dy`` is ∂L/∂y and ``dx`` is ∂L/∂x, with the shape of ``y`` and ``x``.

>>> import numpy as np
>>> from scratchnet import nn
>>> y = nn.softmax(np.array([[1.0, 2.0, 3.0]]))
>>> round(float(y.sum()), 12)  # 1, up to rounding
1.0
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from scratchnet.tape.tensor import Tensor, convert_to_tensor, record

__all__ = [
    "FROM_INPUT",
    "dropout",
    "elu",
    "elu_backward",
    "exponential",
    "exponential_backward",
    "gelu",
    "gelu_backward",
    "get",
    "get_activation",
    "hard_sigmoid",
    "hard_sigmoid_backward",
    "l2_loss",
    "leaky_relu",
    "leaky_relu_backward",
    "linear",
    "linear_backward",
    "log_softmax",
    "log_softmax_backward",
    "relu",
    "relu_backward",
    "selu",
    "selu_backward",
    "serialize",
    "sigmoid",
    "sigmoid_backward",
    "sigmoid_cross_entropy_with_logits",
    "silu",
    "silu_backward",
    "softmax",
    "softmax_backward",
    "softmax_cross_entropy_with_logits",
    "softplus",
    "softplus_backward",
    "softsign",
    "softsign_backward",
    "sparse_softmax_cross_entropy_with_logits",
    "swish",
    "tanh",
    "tanh_backward",
]


def _on_tensor(forward, backward, x, op: str, **kwargs) -> Tensor:
    """Run an activation on a tensor as one recorded op: its NumPy forward, and its backward from the output."""
    y = forward(x._value, **kwargs)
    return record(y, (x,), lambda dy: (backward(dy, y, **kwargs),), op)


def relu(x: np.ndarray) -> np.ndarray:
    """Rectified linear unit, elementwise.

    On a tensor (``sn.nn.relu(t)`` inside a GradientTape) it is recorded as one op whose backward is
    :func:`relu_backward`; on a NumPy array it is the plain NumPy function the layers use.

    Forward:   y = max(x, 0)            x: (...)  ->  y: (...)
    """
    if isinstance(x, Tensor):
        return _on_tensor(relu, relu_backward, x, "relu")
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

    On a tensor (``sn.nn.sigmoid(t)`` inside a GradientTape) it is recorded as one op whose backward is
    :func:`sigmoid_backward`; on a NumPy array it is the plain NumPy function the layers use.

    Forward:   y = 1 / (1 + exp(-x))    x: (...)  ->  y: (...)
    """
    # exp(-x) overflows for x << 0, so there we use the equal form exp(x) / (1 + exp(x)).
    # Both branches see exp of a non-positive number only, which cannot overflow.
    if isinstance(x, Tensor):
        return _on_tensor(sigmoid, sigmoid_backward, x, "sigmoid")
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1 / (1 + e), e / (1 + e))


def sigmoid_backward(dy: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Backward of :func:`sigmoid`, from its output ``y``.

    Backward:  dx = dy * y * (1 - y)    (...)
    """
    return dy * y * (1 - y)


def tanh(x: np.ndarray) -> np.ndarray:
    """Hyperbolic tangent, elementwise.

    On a tensor (``sn.nn.tanh(t)`` inside a GradientTape) it is recorded as one op whose backward is
    :func:`tanh_backward`; on a NumPy array it is the plain NumPy function the layers use.

    Forward:   y = tanh(x)              x: (...)  ->  y: (...)
    """
    if isinstance(x, Tensor):
        return _on_tensor(tanh, tanh_backward, x, "tanh")
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
    if isinstance(x, Tensor):  # recorded as one op, with softmax_backward as its local derivative
        return _on_tensor(softmax, softmax_backward, x, "softmax", axis=axis)
    if not isinstance(x, np.ndarray):
        x = np.asarray(x, dtype=np.float32)
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
    if isinstance(x, Tensor):  # dx = dy - softmax(x) * sum(dy): log_softmax's derivative, from its output y
        return _on_tensor(log_softmax, log_softmax_backward, x, "log_softmax", axis=axis)
    shifted = x - x.max(axis=axis, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True))


def log_softmax_backward(dy: np.ndarray, y: np.ndarray, axis: int = -1) -> np.ndarray:
    """Backward of :func:`log_softmax`, from its output ``y`` (softmax(x) is exp(y)).

    Backward:  dx = dy - exp(y) * dy.sum(axis, keepdims=True)    (N, C)
    """
    return dy - np.exp(y) * dy.sum(axis=axis, keepdims=True)


def linear(x: np.ndarray) -> np.ndarray:
    """Identity activation (Keras's ``'linear'``): ``y = x``. Returns ``x`` itself; nothing is copied."""
    return x


# --- TensorFlow's tf.nn losses and helpers, on tensors (recorded as one op each) --------------------------------
def sparse_softmax_cross_entropy_with_logits(labels=None, logits=None, name=None) -> Tensor:
    """Per-example ``-log softmax(z)[i, y_i]``, shape (N,), from integer labels and logits z (N, C).

    Forward:   l  = -log_softmax(z)[i, y_i]          y: (N,) ints   z: (N, C)  ->  l: (N,)
    Backward:  dz = dl[:, None] * (softmax(z) - onehot(y))       (N, C): softmax and cross-entropy fused
    """
    z = convert_to_tensor(logits)
    y = np.asarray(convert_to_tensor(labels)._value).astype(np.int64)
    rows = np.arange(z.shape[0])
    log_p = log_softmax(z._value)

    def backward(dl):
        dz = np.exp(log_p)
        dz[rows, y] -= 1
        return (dz * dl[:, None],)

    return record(-log_p[rows, y], (z,), backward, "sparse_softmax_cross_entropy_with_logits")


def softmax_cross_entropy_with_logits(labels=None, logits=None, axis: int = -1, name=None) -> Tensor:
    """Per-example ``-sum_c y * log softmax(z)``, shape (N,), from one-hot (or soft) labels and logits.

    Forward:   l  = -sum_c y * log_softmax(z)           y, z: (N, C)  ->  l: (N,)
    Backward:  dz = dl[:, None] * (softmax(z) * sum_c y - y)      which is softmax(z) - y for labels summing to 1
    """
    z = convert_to_tensor(logits)
    y = np.asarray(convert_to_tensor(labels)._value, dtype=z.dtype)
    log_p = log_softmax(z._value, axis=axis)

    def backward(dl):
        dl = np.expand_dims(dl, axis)
        return (dl * (np.exp(log_p) * y.sum(axis=axis, keepdims=True) - y),)

    return record(-(y * log_p).sum(axis=axis), (z,), backward, "softmax_cross_entropy_with_logits")


def sigmoid_cross_entropy_with_logits(labels=None, logits=None, name=None) -> Tensor:
    """Elementwise binary cross-entropy from logits, stable for any z (the shape of ``logits``).

    Forward:   l  = max(z, 0) - z * y + log(1 + exp(-|z|))      y, z: (...)  ->  l: (...)
    Backward:  dz = dl * (sigmoid(z) - y)
    """
    z = convert_to_tensor(logits)
    y = np.asarray(convert_to_tensor(labels)._value, dtype=z.dtype)
    zv = z._value
    loss = np.maximum(zv, 0) - zv * y + np.log1p(np.exp(-np.abs(zv)))
    return record(loss, (z,), lambda dl: (dl * (sigmoid(zv) - y),), "sigmoid_cross_entropy_with_logits")


def l2_loss(t, name=None) -> Tensor:
    """``sum(t ** 2) / 2`` (TensorFlow's weight-decay term).

    Backward:  dt = dl * t
    """
    t = convert_to_tensor(t)
    tv = t._value
    return record(np.asarray((tv * tv).sum() / 2), (t,), lambda dl: (dl * tv,), "l2_loss")


def dropout(x, rate: float, noise_shape=None, seed=None, name=None) -> Tensor:
    """Zero each value with probability ``rate`` and scale the rest by ``1 / (1 - rate)`` (inverted dropout).

    Forward:   y  = x * keep / (1 - rate)       keep: random bools, P(keep) = 1 - rate
    Backward:  dx = dy * keep / (1 - rate)
    """
    if not 0 <= rate < 1:
        raise ValueError(f"dropout(): rate must be in [0, 1). Received: rate={rate!r}.")
    x = convert_to_tensor(x)
    from scratchnet.tape import random as tape_random

    rng = np.random.default_rng(seed) if seed is not None else tape_random.generator()
    keep = rng.random(x.shape if noise_shape is None else tuple(noise_shape)) >= rate
    scale = keep * (1.0 / (1.0 - rate))
    return record(x._value * scale.astype(x.dtype), (x,), lambda dy: (dy * scale.astype(x.dtype),), "dropout")


def linear_backward(dy: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Backward of :func:`linear`: ``dx = dy``."""
    return dy


def elu(x: np.ndarray, alpha: float = 1.0) -> np.ndarray:
    """Exponential linear unit: the identity for x > 0, a smooth curve towards -alpha below.

    Forward:   y = x if x > 0 else alpha * (exp(x) - 1)     x: (...)  ->  y: (...)
    """
    # expm1 only of the non-positive part: exp of a large positive x would overflow in the branch not taken.
    return np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0)))


def elu_backward(dy: np.ndarray, y: np.ndarray, alpha: float = 1.0) -> np.ndarray:
    """Backward of :func:`elu`, from its output ``y``.

    Backward:  dx = dy * (1 if y > 0 else y + alpha)      (...)   below 0, d/dx alpha (e^x - 1) = alpha e^x = y + alpha
    """
    return np.where(y > 0, dy, dy * (y + alpha))


# SELU's constants (Klambauer et al. 2017): with them, and lecun_normal weights, activations keep mean 0 and
# variance 1 from layer to layer by themselves ("self-normalizing").
SELU_ALPHA = 1.6732632423543772
SELU_SCALE = 1.0507009873554805


def selu(x: np.ndarray) -> np.ndarray:
    """Scaled ELU: ``scale * elu(x, alpha)`` with the fixed SELU constants.

    Forward:   y = scale * (x if x > 0 else alpha * (exp(x) - 1))     x: (...)  ->  y: (...)
    """
    return SELU_SCALE * elu(x, SELU_ALPHA)


def selu_backward(dy: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Backward of :func:`selu`, from its output ``y``.

    Backward:  dx = dy * (scale if y > 0 else y + scale * alpha)      (...)
    """
    return np.where(y > 0, dy * SELU_SCALE, dy * (y + SELU_SCALE * SELU_ALPHA))


def leaky_relu(x: np.ndarray, negative_slope: float = 0.2) -> np.ndarray:
    """ReLU that lets a little through below 0 (Keras's function default slope 0.2; the layer's is 0.3).

    Forward:   y = x if x > 0 else negative_slope * x      x: (...)  ->  y: (...)
    """
    return np.where(x > 0, x, negative_slope * x)


def leaky_relu_backward(dy: np.ndarray, y: np.ndarray, negative_slope: float = 0.2) -> np.ndarray:
    """Backward of :func:`leaky_relu`, from its output ``y`` (same sign as x for a positive slope).

    Backward:  dx = dy * (1 if y > 0 else negative_slope)      (...)   never exactly 0: no dead units
    """
    return np.where(y > 0, dy, negative_slope * dy)


def softplus(x: np.ndarray) -> np.ndarray:
    """A smooth ReLU, ``log(1 + exp(x))``, computed without overflow.

    Forward:   y = log(1 + exp(x))      x: (...)  ->  y: (...)
    """
    if isinstance(x, Tensor):
        return _on_tensor(softplus, softplus_backward, x, "softplus")
    # log(1 + e^x) = max(x, 0) + log(1 + e^-|x|): exp only ever sees a non-positive number.
    return np.maximum(x, 0) + np.log1p(np.exp(-np.abs(x)))


def softplus_backward(dy: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Backward of :func:`softplus`, from its output ``y``: its derivative is sigmoid(x) = 1 - exp(-y).

    Backward:  dx = dy * (1 - exp(-y))      (...)
    """
    return dy * -np.expm1(-y)


def softsign(x: np.ndarray) -> np.ndarray:
    """``x / (1 + |x|)``: tanh's shape, approached polynomially.

    Forward:   y = x / (1 + |x|)        x: (...)  ->  y: (...)
    """
    return x / (1 + np.abs(x))


def softsign_backward(dy: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Backward of :func:`softsign`, from its output ``y``: 1 / (1 + |x|)^2 = (1 - |y|)^2.

    Backward:  dx = dy * (1 - |y|) ** 2     (...)
    """
    return dy * (1 - np.abs(y)) ** 2


def hard_sigmoid(x: np.ndarray) -> np.ndarray:
    """A piecewise-linear sigmoid, Keras 3's ``relu6(x + 3) / 6``.

    Forward:   y = clip(x / 6 + 0.5, 0, 1)      x: (...)  ->  y: (...)
    """
    return np.clip(x / 6 + 0.5, 0, 1)


def hard_sigmoid_backward(dy: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Backward of :func:`hard_sigmoid`, from its output ``y``.

    Backward:  dx = dy / 6 where 0 < y < 1, else 0      (...)   flat (no gradient) outside [-3, 3]
    """
    return dy * ((y > 0) & (y < 1)) / 6


def exponential(x: np.ndarray) -> np.ndarray:
    """``exp(x)``, elementwise.

    Forward:   y = exp(x)       x: (...)  ->  y: (...)
    """
    return np.exp(x)


def exponential_backward(dy: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Backward of :func:`exponential`, from its output: exp is its own derivative.

    Backward:  dx = dy * y      (...)
    """
    return dy * y


def silu(x: np.ndarray) -> np.ndarray:
    """Sigmoid linear unit, also called swish: ``x * sigmoid(x)``.

    Forward:   y = x * sigmoid(x)       x: (...)  ->  y: (...)
    """
    return x * sigmoid(x)


def silu_backward(dy: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Backward of :func:`silu`, from its *input* ``x`` (silu is not one-to-one below 0).

    Backward:  s  = sigmoid(x)
               dx = dy * (s + x * s * (1 - s))      (...)   the product rule
    """
    s = sigmoid(x)
    return dy * (s + x * s * (1 - s))


swish, swish_backward = silu, silu_backward

# math.erf, one element at a time: NumPy has no erf, and GELU needs the exact one (Keras's default).
_erf = np.frompyfunc(math.erf, 1, 1)


def _normal_cdf(x: np.ndarray) -> np.ndarray:
    return (0.5 * (1.0 + _erf(x / math.sqrt(2.0)))).astype(x.dtype)


def gelu(x: np.ndarray, approximate: bool = False) -> np.ndarray:
    """Gaussian error linear unit: ``x * Phi(x)``, Phi the standard normal's cumulative distribution.

    Forward:   y = x * Phi(x),   Phi(x) = (1 + erf(x / sqrt(2))) / 2         x: (...)  ->  y: (...)
               (approximate=True: y = x / 2 * (1 + tanh(sqrt(2 / pi) * (x + 0.044715 x^3))))

    ``erf`` is ``math.erf`` applied element by element (NumPy has none): exact, but slower than the other
    activations.
    """
    if approximate:
        return 0.5 * x * (1 + np.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x**3)))
    return x * _normal_cdf(x)


def gelu_backward(dy: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Backward of :func:`gelu` (exact), from its *input* ``x`` (gelu is not one-to-one below 0).

    Backward:  dx = dy * (Phi(x) + x * phi(x)),   phi(x) = exp(-x^2 / 2) / sqrt(2 pi)      (...)
    """
    pdf = np.exp(-0.5 * x * x) / math.sqrt(2 * math.pi)
    return dy * (_normal_cdf(x) + x * pdf)


# name -> (forward, backward). The Activation layer looks activations up here, by name or by function,
# so `Dense(10, activation="softmax")` and `Dense(10, activation=nn.softmax)` build the same layer.
ACTIVATIONS: dict[str, tuple[Callable, Callable]] = {
    "relu": (relu, relu_backward),
    "sigmoid": (sigmoid, sigmoid_backward),
    "tanh": (tanh, tanh_backward),
    "softmax": (softmax, softmax_backward),
    "linear": (linear, linear_backward),
    "elu": (elu, elu_backward),
    "selu": (selu, selu_backward),
    "leaky_relu": (leaky_relu, leaky_relu_backward),
    "softplus": (softplus, softplus_backward),
    "softsign": (softsign, softsign_backward),
    "hard_sigmoid": (hard_sigmoid, hard_sigmoid_backward),
    "exponential": (exponential, exponential_backward),
    "gelu": (gelu, gelu_backward),
    "silu": (silu, silu_backward),
    "swish": (swish, swish_backward),
}

#: The activations whose backward takes the forward's input ``x`` instead of its output ``y``.
FROM_INPUT = frozenset({"gelu", "silu", "swish"})


def get(identifier: str | Callable | None) -> Callable:
    """Keras's ``activations.get``: the activation function for a name (None: linear); it works on tensors too."""
    if callable(identifier):
        return identifier
    return get_activation(identifier)[1]


def serialize(activation) -> str:
    """Keras's ``activations.serialize``: the name an activation is saved under (a function of yours: its name)."""
    for name, (forward, _) in ACTIVATIONS.items():
        if activation is forward or activation == name:
            return name
    return getattr(activation, "__name__", str(activation))


def get_activation(identifier: str | Callable | None) -> tuple[str, Callable, Callable]:
    """Resolve an activation given as a name, a function from this module, or None.

    Args:
        identifier: a name of ``ACTIVATIONS`` (``'relu'``, ``'softmax'``, ``'selu'``, ``'gelu'``, ...), one of
            those functions (``scratchnet.nn.relu``), or None (= linear).

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
    if getattr(identifier, "__name__", None) in ACTIVATIONS and getattr(identifier, "__module__", "").startswith(
        ("keras", "tensorflow")
    ):  # keras.activations.selu, handed over as a function: the same activation by name
        return (identifier.__name__, *ACTIVATIONS[identifier.__name__])
    raise ValueError(
        "An activation must come with its backward, so scratchnet accepts the names "
        f"{sorted(ACTIVATIONS)} or the matching functions from scratchnet.nn. "
        f"Received: activation={identifier!r}. To use your own function, write a Layer with forward and "
        "backward (see examples/custom_layer.py) and add it after a Dense without activation."
    )

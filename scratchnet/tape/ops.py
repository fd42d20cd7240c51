"""The math ops on tensors, under TensorFlow's names (``sn.exp``, ``sn.reduce_sum``, ``sn.math.log1p``, ...).

Each differentiable op is written once: its forward, and beside it its local derivative, the function the tape
calls on the way back (``dz`` is ∂L/∂z, shaped like the op's output ``z``):

    z = exp(x)            dx = dz * z
    z = log(x)            dx = dz / x
    z = log1p(x)          dx = dz / (1 + x)
    z = sqrt(x)           dx = dz / (2 * z)
    z = square(x)         dx = dz * 2 * x
    z = abs(x)            dx = dz * sign(x)
    z = softplus(x)       dx = dz * sigmoid(x)
    z = sin(x), cos(x)    dx = dz * cos(x), -dz * sin(x)
    z = maximum(x, y)     dx = dz * (x >= y)          dy = dz * (x < y)
    z = minimum(x, y)     dx = dz * (x <= y)          dy = dz * (x > y)
    z = sum(x, axis)      dx = dz, repeated along the summed axes
    z = mean(x, axis)     dx = dz / n, repeated       (n: how many values each mean took)
    z = max(x, axis)      dx = dz where x is the max (shared between ties), 0 elsewhere
    z = prod(x, axis)     dx = dz * z / x
    z = clip(x, lo, hi)   dx = dz * (lo <= x <= hi)
    z = where(c, x, y)    dx = dz * c                 dy = dz * (not c)

The shape ops, the ops that make tensors and the ops on integers are in :mod:`scratchnet.tape.array_ops`;
``sigmoid``, ``tanh``, ``relu`` and ``softmax`` in :mod:`scratchnet.nn` (beside the layers' NumPy versions).
Ops with no derivative (comparisons, ``argmax``, ``round``) return tensors that the tape does not follow.

>>> import scratchnet as sn
>>> x = sn.Variable([1.0, 4.0])
>>> with sn.GradientTape() as tape:
...     y = sn.reduce_sum(sn.sqrt(x))
>>> tape.gradient(y, x).numpy()
array([0.5 , 0.25], dtype=float32)
"""

from __future__ import annotations

import builtins

import numpy as np

from scratchnet import nn
from scratchnet.tape import tensor as _t
from scratchnet.tape.tensor import Tensor, convert_to_tensor, record

__all__ = [
    "abs",
    "add",
    "add_n",
    "ceil",
    "clip_by_value",
    "cos",
    "count_nonzero",
    "divide",
    "divide_no_nan",
    "equal",
    "exp",
    "floor",
    "greater",
    "greater_equal",
    "is_finite",
    "is_nan",
    "less",
    "less_equal",
    "log",
    "log1p",
    "logical_and",
    "logical_not",
    "logical_or",
    "matmul",
    "maximum",
    "minimum",
    "multiply",
    "negative",
    "norm",
    "not_equal",
    "pow",
    "reciprocal",
    "reduce_all",
    "reduce_any",
    "reduce_logsumexp",
    "reduce_max",
    "reduce_mean",
    "reduce_min",
    "reduce_prod",
    "reduce_std",
    "reduce_sum",
    "reduce_variance",
    "relu",
    "round",
    "rsqrt",
    "sigmoid",
    "sign",
    "sin",
    "softmax",
    "softplus",
    "sqrt",
    "square",
    "squared_difference",
    "subtract",
    "tanh",
    "truediv",
    "where",
]

# The arithmetic lives beside the Tensor class (its operators use it); here it gets TensorFlow's names.
add, subtract, multiply, divide, negative = _t.add, _t.subtract, _t.multiply, _t.divide, _t.negative
truediv = divide
pow = _t.power
sigmoid, tanh, relu, softmax, softplus = nn.sigmoid, nn.tanh, nn.relu, nn.softmax, nn.softplus


def matmul(a, b, transpose_a=False, transpose_b=False, name=None, **kwargs) -> Tensor:
    """``a @ b`` (the operator's op, :func:`scratchnet.tape.tensor.matmul`), optionally of the last two axes swapped."""
    a, b = convert_to_tensor(a), convert_to_tensor(b)
    if transpose_a:
        a = _t.OPS["transpose"](a, [*range(a.ndim - 2), a.ndim - 1, a.ndim - 2])
    if transpose_b:
        b = _t.OPS["transpose"](b, [*range(b.ndim - 2), b.ndim - 1, b.ndim - 2])
    return _t.matmul(a, b)


def _float(x) -> Tensor:
    x = convert_to_tensor(x)
    if x.dtype.kind != "f":  # exp(3) or sqrt of an int tensor: TensorFlow wants floats; we give float32
        x = Tensor._wrap(x._value.astype(np.float32))
    return x


# --- elementwise, one input -------------------------------------------------------------------------------------
def exp(x, name=None) -> Tensor:
    x = _float(x)
    z = np.exp(x._value)
    return record(z, (x,), lambda dz: (dz * z,), "exp")


def log(x, name=None) -> Tensor:
    x = _float(x)
    xv = x._value
    return record(np.log(xv), (x,), lambda dz: (dz / xv,), "log")


def log1p(x, name=None) -> Tensor:
    x = _float(x)
    xv = x._value
    return record(np.log1p(xv), (x,), lambda dz: (dz / (1 + xv),), "log1p")


def sqrt(x, name=None) -> Tensor:
    x = _float(x)
    z = np.sqrt(x._value)
    return record(z, (x,), lambda dz: (dz / (2 * z),), "sqrt")


def rsqrt(x, name=None) -> Tensor:
    x = _float(x)
    z = 1 / np.sqrt(x._value)
    return record(z, (x,), lambda dz: (-0.5 * dz * z * z * z,), "rsqrt")


def square(x, name=None) -> Tensor:
    x = convert_to_tensor(x)
    xv = x._value
    return record(xv * xv, (x,), lambda dz: (dz * 2 * xv,), "square")


def abs(x, name=None) -> Tensor:
    x = convert_to_tensor(x)
    xv = x._value
    return record(np.abs(xv), (x,), lambda dz: (dz * np.sign(xv),), "abs")


def reciprocal(x, name=None) -> Tensor:
    x = _float(x)
    z = 1 / x._value
    return record(z, (x,), lambda dz: (-dz * z * z,), "reciprocal")


def sin(x, name=None) -> Tensor:
    x = _float(x)
    xv = x._value
    return record(np.sin(xv), (x,), lambda dz: (dz * np.cos(xv),), "sin")


def cos(x, name=None) -> Tensor:
    x = _float(x)
    xv = x._value
    return record(np.cos(xv), (x,), lambda dz: (-dz * np.sin(xv),), "cos")


def _constant_op(fn, out_dtype=None):
    """An op whose derivative is 0 almost everywhere (sign, round, comparisons): a result the tape does not follow."""

    def op(*args, name=None):
        values = [convert_to_tensor(a)._value for a in args]
        if len(values) == 2:
            x, y = _t._operands(convert_to_tensor(args[0]), convert_to_tensor(args[1]))
            values = [x._value, y._value]
        out = fn(*values)
        return Tensor._wrap(out if out_dtype is None else out.astype(out_dtype))

    op.__name__ = fn.__name__
    op.__doc__ = f"``np.{fn.__name__}`` on tensors; no gradient flows through it."
    return op


sign = _constant_op(np.sign)
round = _constant_op(np.round)
floor = _constant_op(np.floor)
ceil = _constant_op(np.ceil)
is_nan = _constant_op(np.isnan)
is_finite = _constant_op(np.isfinite)
equal = _constant_op(np.equal)
not_equal = _constant_op(np.not_equal)
greater = _constant_op(np.greater)
greater_equal = _constant_op(np.greater_equal)
less = _constant_op(np.less)
less_equal = _constant_op(np.less_equal)
logical_and = _constant_op(np.logical_and)
logical_or = _constant_op(np.logical_or)
logical_not = _constant_op(np.logical_not)


# --- elementwise, two inputs ------------------------------------------------------------------------------------
def maximum(x, y, name=None) -> Tensor:
    x, y = _t._operands(convert_to_tensor(x), y) if not isinstance(y, Tensor) else _t._operands(x, y)
    xv, yv = x._value, y._value
    return record(np.maximum(xv, yv), (x, y), lambda dz: (dz * (xv >= yv), dz * (xv < yv)), "maximum")


def minimum(x, y, name=None) -> Tensor:
    x, y = _t._operands(convert_to_tensor(x), y) if not isinstance(y, Tensor) else _t._operands(x, y)
    xv, yv = x._value, y._value
    return record(np.minimum(xv, yv), (x, y), lambda dz: (dz * (xv <= yv), dz * (xv > yv)), "minimum")


def squared_difference(x, y, name=None) -> Tensor:
    return square(subtract(x, y))


def divide_no_nan(x, y, name=None) -> Tensor:
    """``x / y``, and 0 where ``y`` is 0 (with a zero gradient there)."""
    y = convert_to_tensor(y)
    safe = where(equal(y, 0), 1.0, y)
    return where(equal(y, 0), 0.0, divide(x, safe))


def add_n(inputs, name=None) -> Tensor:
    total = inputs[0]
    for t in inputs[1:]:
        total = add(total, t)
    return convert_to_tensor(total)


def where(condition, x=None, y=None, name=None) -> Tensor:
    """``x`` where ``condition`` holds, else ``y``; with only a condition, the indices where it holds (int64)."""
    c = np.asarray(convert_to_tensor(condition)._value, dtype=bool)
    if x is None and y is None:
        return Tensor._wrap(np.argwhere(c).astype(np.int64))
    if isinstance(x, Tensor) or not isinstance(y, Tensor):
        x, y = _t._operands(convert_to_tensor(x), y)
    else:
        x, y = _t._operands(x, y)
    return record(np.where(c, x._value, y._value), (x, y), lambda dz: (dz * c, dz * ~c), "where")


def clip_by_value(t, clip_value_min, clip_value_max, name=None) -> Tensor:
    t = convert_to_tensor(t)
    lo, hi = np.asarray(clip_value_min, t.dtype), np.asarray(clip_value_max, t.dtype)
    tv = t._value
    return record(np.clip(tv, lo, hi), (t,), lambda dz: (dz * ((tv >= lo) & (tv <= hi)),), "clip_by_value")


# --- reductions --------------------------------------------------------------------------------------------------
def _axes(axis, ndim: int) -> tuple[int, ...]:
    if axis is None:
        return tuple(range(ndim))
    axis = axis._value.tolist() if isinstance(axis, Tensor) else axis
    axes = (axis,) if isinstance(axis, int | np.integer) else tuple(axis)
    return tuple(int(a) % builtins.max(ndim, 1) for a in axes)


def _keep(dz: np.ndarray, shape: tuple, axes: tuple, keepdims: bool) -> np.ndarray:
    """``dz`` of a reduction, with the reduced axes put back as size 1, so it broadcasts against the input."""
    return dz if keepdims else np.expand_dims(dz, axes) if axes else dz


def reduce_sum(input_tensor, axis=None, keepdims=False, name=None) -> Tensor:
    x = convert_to_tensor(input_tensor)
    xv, axes = x._value, _axes(axis, x.ndim)

    def backward(dz):  # every value that went into a sum gets the sum's gradient
        return (np.broadcast_to(_keep(dz, xv.shape, axes, keepdims), xv.shape),)

    return record(xv.sum(axis=axes, keepdims=keepdims), (x,), backward, "reduce_sum")


def reduce_mean(input_tensor, axis=None, keepdims=False, name=None) -> Tensor:
    x = _float(input_tensor) if convert_to_tensor(input_tensor).dtype.kind == "b" else convert_to_tensor(input_tensor)
    xv, axes = x._value, _axes(axis, x.ndim)
    n = int(np.prod([xv.shape[a] for a in axes])) if axes else 1

    def backward(dz):  # each value is one of the n that were averaged
        return (np.broadcast_to(_keep(dz, xv.shape, axes, keepdims) / n, xv.shape),)

    return record(xv.mean(axis=axes, keepdims=keepdims), (x,), backward, "reduce_mean")


def _reduce_extreme(fn, op: str):
    def reduce(input_tensor, axis=None, keepdims=False, name=None) -> Tensor:
        x = convert_to_tensor(input_tensor)
        xv, axes = x._value, _axes(axis, x.ndim)
        z = fn(xv, axis=axes, keepdims=True)

        def backward(dz):  # only the winner moves the result; tied winners share the gradient (as TF does)
            mask = xv == z
            return (_keep(dz, xv.shape, axes, keepdims) * mask / mask.sum(axis=axes, keepdims=True),)

        return record(z if keepdims else np.squeeze(z, axis=axes), (x,), backward, op)

    reduce.__name__ = op
    return reduce


reduce_max = _reduce_extreme(np.max, "reduce_max")
reduce_min = _reduce_extreme(np.min, "reduce_min")


def reduce_prod(input_tensor, axis=None, keepdims=False, name=None) -> Tensor:
    x = convert_to_tensor(input_tensor)
    xv, axes = x._value, _axes(axis, x.ndim)
    z = xv.prod(axis=axes, keepdims=True)

    def backward(dz):  # ∂(x1 x2 ... xn)/∂xi = the product of the others = z / xi (for xi != 0)
        return (_keep(dz, xv.shape, axes, keepdims) * z / xv,)

    return record(z if keepdims else np.squeeze(z, axis=axes), (x,), backward, "reduce_prod")


def reduce_logsumexp(input_tensor, axis=None, keepdims=False, name=None) -> Tensor:
    """``log(sum(exp(x)))``, stably (the max is subtracted first and added back)."""
    x = convert_to_tensor(input_tensor)
    m = reduce_max(x, axis=axis, keepdims=True)._value  # a constant: the result does not depend on the shift
    out = log(reduce_sum(exp(x - m), axis=axis, keepdims=True)) + m
    return out if keepdims else squeeze_axes(out, _axes(axis, x.ndim))


def squeeze_axes(x: Tensor, axes: tuple) -> Tensor:
    shape = [n for i, n in enumerate(x.shape) if i not in axes]
    xv_shape = x._value.shape
    return record(x._value.reshape(shape), (x,), lambda dz: (dz.reshape(xv_shape),), "squeeze")


def reduce_variance(input_tensor, axis=None, keepdims=False, name=None) -> Tensor:
    x = convert_to_tensor(input_tensor)
    return reduce_mean(square(x - reduce_mean(x, axis=axis, keepdims=True)), axis=axis, keepdims=keepdims)


def reduce_std(input_tensor, axis=None, keepdims=False, name=None) -> Tensor:
    return sqrt(reduce_variance(input_tensor, axis=axis, keepdims=keepdims))


def reduce_all(input_tensor, axis=None, keepdims=False, name=None) -> Tensor:
    x = convert_to_tensor(input_tensor)
    return Tensor._wrap(np.all(x._value, axis=_axes(axis, x.ndim), keepdims=keepdims))


def reduce_any(input_tensor, axis=None, keepdims=False, name=None) -> Tensor:
    x = convert_to_tensor(input_tensor)
    return Tensor._wrap(np.any(x._value, axis=_axes(axis, x.ndim), keepdims=keepdims))


def count_nonzero(input_tensor, axis=None, keepdims=False, dtype="int64", name=None) -> Tensor:
    x = convert_to_tensor(input_tensor)
    return Tensor._wrap(np.count_nonzero(x._value, axis=_axes(axis, x.ndim), keepdims=keepdims).astype(dtype))


def norm(tensor, ord="euclidean", axis=None, keepdims=False, name=None) -> Tensor:
    """The Euclidean norm ``sqrt(sum(x ** 2))`` (``ord=1``: ``sum(|x|)``); its gradient ``x / norm`` needs x != 0."""
    if ord in ("euclidean", 2, "fro"):
        return sqrt(reduce_sum(square(tensor), axis=axis, keepdims=keepdims))
    if ord == 1:
        return reduce_sum(abs(tensor), axis=axis, keepdims=keepdims)
    raise ValueError(f"norm(): scratchnet has ord='euclidean' (2) and ord=1. Received: ord={ord!r}.")


# NumPy's names, so np.exp(t), np.sum(t), np.maximum(t, 0) on a tensor run these ops and are recorded.
_t.UFUNCS.update(
    {
        np.exp: exp,
        np.log: log,
        np.log1p: log1p,
        np.sqrt: sqrt,
        np.square: square,
        np.absolute: abs,
        np.reciprocal: reciprocal,
        np.sin: sin,
        np.cos: cos,
        np.tanh: tanh,
        np.maximum: maximum,
        np.minimum: minimum,
        np.sign: sign,
        np.isnan: is_nan,
        np.isfinite: is_finite,
        np.logical_and: logical_and,
        np.logical_or: logical_or,
        np.logical_not: logical_not,
    }
)
_t.FUNCTIONS.update(
    {
        np.sum: reduce_sum,
        np.mean: reduce_mean,
        np.max: reduce_max,
        np.amax: reduce_max,
        np.min: reduce_min,
        np.amin: reduce_min,
        np.prod: reduce_prod,
        np.var: reduce_variance,
        np.std: reduce_std,
        np.where: where,
        np.clip: clip_by_value,
        np.dot: matmul,
        np.round: round,
        np.all: reduce_all,
        np.any: reduce_any,
    }
)
_t.OPS.update({"abs": abs})

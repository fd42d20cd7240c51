"""Tensors: a NumPy array that remembers which op made it, so a :class:`GradientTape` can run the chain rule back.

This is micrograd's ``Value`` grown from one number to an array. Every op that makes a tensor while a tape is
recording stores three things on its output:

    out._parents    the tensors it was computed from            (x, y) for x * y
    out._backward   its local derivative, as a function         dout -> (dout * y, dout * x)
    out._op         its name, for reading a graph               "multiply"

and nothing else: no graph object, no compiler. :meth:`GradientTape.gradient` walks these links from the loss back
to the variables, in reverse topological order, and adds up what each ``_backward`` hands down.

Two rules every op here follows:

- ``_backward`` receives ``dout`` (∂L/∂out, shaped like ``out``) and returns one gradient per parent, or None for
  a parent it does not differentiate (an integer index). It may return a gradient of the *broadcast* shape:
  :func:`unbroadcast` sums it back to the parent's shape (``x + b`` with x: (N, M), b: (M,) -> db = dout.sum(0)).
- The forward never changes its inputs in place: a tensor's value is shared with every node that read it.

The arithmetic operators live here, each forward beside its local derivative (the rest of the op library is in
:mod:`scratchnet.tape.ops`):

    z = x + y      dx = dz              dy = dz
    z = x - y      dx = dz              dy = -dz
    z = x * y      dx = dz * y          dy = dz * x
    z = x / y      dx = dz / y          dy = -dz * x / y**2
    z = x ** y     dx = dz * y * x**(y - 1)      dy = dz * z * log(x)
    z = x @ y      dx = dz @ y.T        dy = x.T @ dz                    x: (N, D)  y: (D, M)  ->  z: (N, M)
    z = -x         dx = -dz
    z = x[i]       dx = zeros_like(x) with dz added at [i]

>>> import scratchnet as sn
>>> x = sn.constant([[1.0, 2.0], [3.0, 4.0]])
>>> x * 2 + 1
<sn.Tensor: shape=(2, 2), dtype=float32, numpy=
array([[3., 5.],
       [7., 9.]], dtype=float32)>
"""

from __future__ import annotations

import numpy as np

from scratchnet.tape.interop import ACTIVE_TAPES, FUNCTIONS, OPS, UFUNCS, ArrayInterop, TapeWarning, recording_tapes

__all__ = [
    "ACTIVE_TAPES",
    "FUNCTIONS",
    "OPS",
    "UFUNCS",
    "TapeWarning",
    "Tensor",
    "TensorShape",
    "constant",
    "convert_to_tensor",
    "record",
    "recording_tapes",
    "unbroadcast",
]


class TensorShape(tuple):
    """A tensor's shape: a tuple, with TensorFlow's ``as_list()``, ``rank`` and ``num_elements()``."""

    def as_list(self) -> list[int]:
        return list(self)

    @property
    def rank(self) -> int:
        return len(self)

    def num_elements(self) -> int:
        return int(np.prod(self, dtype=np.int64))


# --- recording ---------------------------------------------------------------------------------------------------
def record(value, parents: tuple, backward, op: str = "") -> Tensor:
    """Wrap ``value`` (an array) as a Tensor and, if a tape is watching one of ``parents``, remember how it was made.

    Args:
        value: the op's result, a NumPy array.
        parents: the tensors the op read.
        backward: ``dout -> tuple of gradients``, one per parent (None where there is none).
        op: the op's name (``t._op``), for reading a recorded graph.
    """
    out = Tensor._wrap(value)
    if ACTIVE_TAPES:
        tapes = tuple(t for t in recording_tapes() if any(t.is_tracking(p) for p in parents))
        if tapes:
            out._parents, out._backward, out._tapes, out._op = parents, backward, tapes, op
    return out


def unbroadcast(grad: np.ndarray, shape: tuple) -> np.ndarray:
    """Sum ``grad`` down to ``shape``: the backward of NumPy's broadcasting.

    A parent of shape (M,) added to a (N, M) array was used N times, once per row, so its gradient is the sum of
    the N rows; an axis of size 1 that was stretched sums over that axis, keeping it.
    """
    if grad.shape == tuple(shape):
        return grad
    extra = grad.ndim - len(shape)
    if extra > 0:
        grad = grad.sum(axis=tuple(range(extra)))
    stretched = tuple(i for i, n in enumerate(shape) if n == 1 and grad.shape[i] != 1)
    if stretched:
        grad = grad.sum(axis=stretched, keepdims=True)
    return grad.reshape(shape)


# --- making tensors ----------------------------------------------------------------------------------------------
def _as_array(value, dtype=None) -> np.ndarray:
    """``value`` as an array: TensorFlow's defaults for Python numbers (float32, int32), NumPy arrays as they are."""
    if isinstance(value, Tensor):
        value = value._value
    if dtype is not None:
        dtype = np.dtype(getattr(dtype, "as_numpy_dtype", dtype))
        return np.asarray(value, dtype=dtype)
    if isinstance(value, np.ndarray | np.generic):
        return np.asarray(value)
    array = np.asarray(_unwrap_nested(value))
    if array.dtype == np.float64:
        return array.astype(np.float32)
    if array.dtype == np.int64:
        return array.astype(np.int32)
    return array


def _unwrap_nested(value):
    if isinstance(value, list | tuple):
        return [_unwrap_nested(v) for v in value]
    return value._value if isinstance(value, Tensor) else value


def constant(value, dtype=None, shape=None, name=None) -> Tensor:
    """A tensor holding ``value`` (``tf.constant``): Python floats become float32, ints int32; arrays keep their dtype.

    >>> constant([1.0, 2.0]).dtype
    dtype('float32')
    """
    array = _as_array(value, dtype)
    if shape is not None:
        array = np.broadcast_to(array, tuple(shape)).copy() if array.size == 1 else array.reshape(shape)
    return Tensor._wrap(array.copy() if array is value else array)


def convert_to_tensor(value, dtype=None, dtype_hint=None, name=None) -> Tensor:
    """``value`` as a tensor; a tensor is returned as it is (so its link to the tape is kept)."""
    if isinstance(value, Tensor) and (dtype is None or value.dtype == np.dtype(dtype)):
        return value
    if dtype is None and dtype_hint is not None and not isinstance(value, np.ndarray | Tensor):
        dtype = dtype_hint
    if isinstance(value, Tensor):
        return OPS["cast"](value, dtype)
    return Tensor._wrap(_as_array(value, dtype))


def _operands(x, y):
    """Both operands as tensors of one dtype. A Python number or NumPy array takes the tensor's dtype (as TF's weak
    constants do); two tensors of different float widths are refused, as TensorFlow refuses them."""
    x_is, y_is = isinstance(x, Tensor), isinstance(y, Tensor)
    if x_is and y_is:
        if x.dtype != y.dtype:
            kinds = (x.dtype.kind in "fc", y.dtype.kind in "fc")
            if all(kinds):
                raise TypeError(
                    f"An op on tensors of dtypes {x.dtype} and {y.dtype}: TensorFlow refuses to mix them, and so does "
                    f"scratchnet (a silent float64 would slow everything down). Received: x.dtype={x.dtype}, "
                    f"y.dtype={y.dtype}. Cast one: sn.cast(x, '{y.dtype}')."
                )
            if kinds[0]:
                y = Tensor._wrap(y._value.astype(x.dtype))
            elif kinds[1]:
                x = Tensor._wrap(x._value.astype(y.dtype))
        return x, y
    if x_is:
        return x, Tensor._wrap(_weak(y, x.dtype))
    return Tensor._wrap(_weak(x, y.dtype)), y


def _weak(value, dtype) -> np.ndarray:
    """A Python number or NumPy array next to a tensor of ``dtype``: in that dtype when it is a float dtype."""
    array = np.asarray(_unwrap_nested(value))
    if dtype.kind == "f" and array.dtype.kind in "fiub":
        return array.astype(dtype, copy=False)
    if dtype.kind in "iu" and array.dtype.kind in "iub" and isinstance(value, int | float | bool):
        return array.astype(dtype, copy=False)
    return array


# --- the arithmetic, each forward beside its local derivative ----------------------------------------------------
def add(x, y) -> Tensor:
    x, y = _operands(x, y)
    return record(x._value + y._value, (x, y), lambda dz: (dz, dz), "add")


def subtract(x, y) -> Tensor:
    x, y = _operands(x, y)
    return record(x._value - y._value, (x, y), lambda dz: (dz, -dz), "subtract")


def multiply(x, y) -> Tensor:
    x, y = _operands(x, y)
    xv, yv = x._value, y._value
    return record(xv * yv, (x, y), lambda dz: (dz * yv, dz * xv), "multiply")


def divide(x, y) -> Tensor:
    x, y = _operands(x, y)
    xv, yv = x._value, y._value
    if xv.dtype.kind in "iub" and yv.dtype.kind in "iub":  # TF's truediv of ints gives float64; we keep float32
        xv, yv = xv.astype(np.float32), yv.astype(np.float32)
    return record(xv / yv, (x, y), lambda dz: (dz / yv, -dz * xv / (yv * yv)), "divide")


def power(x, y) -> Tensor:
    x, y = _operands(x, y)
    xv, yv = x._value, y._value
    z = xv**yv

    def backward(dz):
        dx = dz * yv * xv ** (yv - 1)
        # log(x) exists only for x > 0; where x <= 0 the exponent's gradient is taken as 0 (as TF does)
        dy = dz * z * np.log(np.where(xv > 0, xv, 1)) if yv.dtype.kind == "f" else None
        return dx, dy

    return record(z, (x, y), backward, "pow")


def matmul(x, y) -> Tensor:
    x, y = _operands(x, y)
    xv, yv = x._value, y._value

    def backward(dz):
        if xv.ndim == 1 or yv.ndim == 1:  # vector cases: make them matrices, then drop the added axis
            x2, y2 = (xv[None] if xv.ndim == 1 else xv), (yv[:, None] if yv.ndim == 1 else yv)
            dz2 = dz.reshape(*x2.shape[:-1], y2.shape[-1])
            return (dz2 @ np.swapaxes(y2, -1, -2)).reshape(xv.shape), (np.swapaxes(x2, -1, -2) @ dz2).reshape(yv.shape)
        return dz @ np.swapaxes(yv, -1, -2), np.swapaxes(xv, -1, -2) @ dz

    return record(xv @ yv, (x, y), backward, "matmul")


def negative(x) -> Tensor:
    x = convert_to_tensor(x)
    return record(-x._value, (x,), lambda dz: (-dz,), "negative")


def _is_basic_index(index) -> bool:
    items = index if isinstance(index, tuple) else (index,)
    return all(isinstance(i, int | slice | type(None) | type(Ellipsis) | np.integer) for i in items)


def getitem(x, index) -> Tensor:
    index = _unwrap_nested(index) if isinstance(index, list) else index
    if isinstance(index, tuple):
        index = tuple(i._value if isinstance(i, Tensor) else i for i in index)
    elif isinstance(index, Tensor):
        index = index._value
    xv = x._value

    def backward(dz):
        dx = np.zeros_like(xv)
        if _is_basic_index(index):
            dx[index] = dz
        else:
            np.add.at(dx, index, dz)  # a repeated index adds up, as a tensor used twice does
        return (dx,)

    return record(xv[index], (x,), backward, "getitem")


def _no_gradient(op):
    """A comparison or integer op: a result, but no gradient (it is constant almost everywhere)."""

    def apply(x, y) -> Tensor:
        x, y = _operands(x, y)
        return Tensor._wrap(op(x._value, y._value))

    return apply


# --- the Tensor ----------------------------------------------------------------------------------------------------
class Tensor(ArrayInterop):
    """An immutable array and, inside a GradientTape, the op that made it (see the module docstring).

    Behaves like TensorFlow's eager tensor: ``.numpy()``, ``.shape``, ``.dtype``, operators with arrays and
    numbers, indexing, and ``np.asarray(t)``. NumPy functions on a tensor (``np.exp(t)``) are run as the tensor
    op of the same meaning, so they are recorded too; one the tape does not know warns (:class:`TapeWarning`).
    """

    _parents: tuple = ()
    _backward = None
    _tapes: tuple = ()
    _op = ""

    def __init__(self, value, dtype=None):
        self._value = _as_array(value, dtype)

    @classmethod
    def _wrap(cls, array) -> Tensor:
        t = Tensor.__new__(Tensor)
        t._value = array if isinstance(array, np.ndarray) else np.asarray(array)
        return t

    # --- what it holds
    def numpy(self) -> np.ndarray:
        """The values as a NumPy array (the tensor's own: do not change it in place)."""
        return self._value

    @property
    def shape(self) -> TensorShape:
        return TensorShape(self._value.shape)

    @property
    def dtype(self) -> np.dtype:
        return self._value.dtype

    @property
    def ndim(self) -> int:
        return self._value.ndim

    @property
    def size(self) -> int:
        return self._value.size

    def __len__(self) -> int:
        if self._value.ndim == 0:
            raise TypeError("len() of a scalar tensor (shape ()): it has no first axis.")
        return len(self._value)

    def __iter__(self):
        for i in range(len(self)):
            yield self[i]

    def __float__(self) -> float:
        return float(self._value)

    def __int__(self) -> int:
        return int(self._value)

    def __index__(self) -> int:
        return self._value.__index__()

    def __bool__(self) -> bool:
        return bool(self._value)

    def __format__(self, spec: str) -> str:
        return format(self._value.item(), spec) if self._value.ndim == 0 and spec else format(str(self), spec)

    def __repr__(self) -> str:  # as TensorFlow prints one: the numbers on their own line from two axes up
        numbers = str(self._value) if self._value.ndim == 0 else repr(self._value)
        gap = "\n" if self._value.ndim >= 2 else ""
        return f"<sn.Tensor: shape={tuple(self.shape)}, dtype={self.dtype}, numpy={gap}{numbers}>"

    def __str__(self) -> str:
        if type(self) is not Tensor:  # a Variable prints as its repr, as in TensorFlow
            return repr(self)
        return f"sn.Tensor({self._value}, shape={tuple(self.shape)}, dtype={self.dtype})"

    __hash__ = object.__hash__  # == is elementwise (as in TF), yet a tensor may still be a dict key by identity

    # --- operators (reflected ones swap the operands)
    def __add__(self, other):
        return add(self, other)

    def __radd__(self, other):
        return add(other, self)

    def __sub__(self, other):
        return subtract(self, other)

    def __rsub__(self, other):
        return subtract(other, self)

    def __mul__(self, other):
        return multiply(self, other)

    def __rmul__(self, other):
        return multiply(other, self)

    def __truediv__(self, other):
        return divide(self, other)

    def __rtruediv__(self, other):
        return divide(other, self)

    def __pow__(self, other):
        return power(self, other)

    def __rpow__(self, other):
        return power(other, self)

    def __matmul__(self, other):
        return matmul(self, other)

    def __rmatmul__(self, other):
        return matmul(other, self)

    def __neg__(self):
        return negative(self)

    def __pos__(self):
        return self

    def __abs__(self):
        return OPS["abs"](self)

    def __floordiv__(self, other):
        return _no_gradient(np.floor_divide)(self, other)

    def __rfloordiv__(self, other):
        return _no_gradient(np.floor_divide)(other, self)

    def __mod__(self, other):
        return _no_gradient(np.mod)(self, other)

    def __lt__(self, other):
        return _no_gradient(np.less)(self, other)

    def __le__(self, other):
        return _no_gradient(np.less_equal)(self, other)

    def __gt__(self, other):
        return _no_gradient(np.greater)(self, other)

    def __ge__(self, other):
        return _no_gradient(np.greater_equal)(self, other)

    def __eq__(self, other):
        return _no_gradient(np.equal)(self, other)

    def __ne__(self, other):
        return _no_gradient(np.not_equal)(self, other)

    def __and__(self, other):
        return _no_gradient(np.logical_and)(self, other)

    def __or__(self, other):
        return _no_gradient(np.logical_or)(self, other)

    def __invert__(self):
        return Tensor._wrap(~self._value)

    def __getitem__(self, index):
        return getitem(self, index)

    def __setitem__(self, index, value):
        raise TypeError(
            "A Tensor does not support item assignment (as in TensorFlow, tensors are immutable). Build a new one "
            "(sn.where(mask, new, t), sn.concat), or keep the values in a Variable and use assign()."
        )


UFUNCS.update(
    {
        np.add: add,
        np.subtract: subtract,
        np.multiply: multiply,
        np.divide: divide,
        np.true_divide: divide,
        np.power: power,
        np.matmul: matmul,
        np.negative: negative,
        np.less: _no_gradient(np.less),
        np.less_equal: _no_gradient(np.less_equal),
        np.greater: _no_gradient(np.greater),
        np.greater_equal: _no_gradient(np.greater_equal),
        np.equal: _no_gradient(np.equal),
        np.not_equal: _no_gradient(np.not_equal),
        np.floor_divide: _no_gradient(np.floor_divide),
    }
)

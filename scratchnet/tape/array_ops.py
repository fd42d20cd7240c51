"""The array ops on tensors, under TensorFlow's names: shapes, joining, indexing, casting, and making tensors.

A shape op moves values without changing them, so its local derivative moves the gradient back the same way:

    z = reshape(x, s)          dx = dz.reshape(x.shape)
    z = transpose(x, perm)     dx = dz.transpose(inverse of perm)
    z = expand_dims/squeeze    dx = dz.reshape(x.shape)
    z = concat([a, b], axis)   da, db = dz split along axis at a's size
    z = stack([a, b], axis)    da, db = dz taken apart along the new axis
    z = gather(x, i, axis)     dx = zeros, with dz added at i (np.add.at: an index used twice gets both)
    z = broadcast_to(x, s)     dx = dz summed back to x's shape
    z = cast(x, float)         dx = dz cast back to x's dtype (an integer x gets none)

>>> import scratchnet as sn
>>> sn.concat([sn.ones((1, 2)), sn.zeros((1, 2))], axis=0).numpy()
array([[1., 1.],
       [0., 0.]], dtype=float32)
"""

from __future__ import annotations

import builtins
import itertools

import numpy as np

from scratchnet.tape import tensor as _t
from scratchnet.tape.tensor import Tensor, TensorShape, convert_to_tensor, record

__all__ = [
    "argmax",
    "argmin",
    "argsort",
    "boolean_mask",
    "broadcast_to",
    "cast",
    "concat",
    "expand_dims",
    "eye",
    "fill",
    "gather",
    "identity",
    "linspace",
    "newaxis",
    "one_hot",
    "ones",
    "ones_like",
    "range",
    "rank",
    "reshape",
    "reverse",
    "shape",
    "size",
    "sort",
    "split",
    "squeeze",
    "stack",
    "stop_gradient",
    "tile",
    "transpose",
    "unstack",
    "zeros",
    "zeros_like",
]

newaxis = None


def _dtype(dtype, default="float32") -> np.dtype:
    if dtype is None:
        dtype = default
    return np.dtype(getattr(dtype, "as_numpy_dtype", dtype))


def _shape_of(shape) -> tuple[int, ...]:
    if isinstance(shape, Tensor):
        shape = shape._value.tolist()
    return (int(shape),) if isinstance(shape, int | np.integer) else tuple(int(n) for n in shape)


# --- shapes ------------------------------------------------------------------------------------------------------
def reshape(tensor, shape, name=None) -> Tensor:
    x = convert_to_tensor(tensor)
    old = x._value.shape
    return record(x._value.reshape(_shape_of(shape)), (x,), lambda dz: (dz.reshape(old),), "reshape")


def transpose(a, perm=None, conjugate=False, name=None) -> Tensor:
    x = convert_to_tensor(a)
    perm = tuple(reversed(builtins.range(x.ndim))) if perm is None else tuple(int(p) for p in perm)
    inverse = tuple(np.argsort(perm))
    return record(x._value.transpose(perm), (x,), lambda dz: (dz.transpose(inverse),), "transpose")


def expand_dims(input, axis, name=None) -> Tensor:
    x = convert_to_tensor(input)
    old = x._value.shape
    return record(np.expand_dims(x._value, int(axis)), (x,), lambda dz: (dz.reshape(old),), "expand_dims")


def squeeze(input, axis=None, name=None) -> Tensor:
    x = convert_to_tensor(input)
    old = x._value.shape
    axis = tuple(axis) if isinstance(axis, list) else axis
    return record(np.squeeze(x._value, axis=axis), (x,), lambda dz: (dz.reshape(old),), "squeeze")


def broadcast_to(input, shape, name=None) -> Tensor:
    x = convert_to_tensor(input)
    # The tape sums dz back to x's shape (unbroadcast), which is exactly this op's derivative.
    return record(np.broadcast_to(x._value, _shape_of(shape)), (x,), lambda dz: (dz,), "broadcast_to")


def tile(input, multiples, name=None) -> Tensor:
    x = convert_to_tensor(input)
    reps = _shape_of(multiples)
    old = x._value.shape

    def backward(dz):  # each copy got its share: fold the copies onto their own axes, then sum them
        folded = dz.reshape([n for pair in zip(reps, old, strict=True) for n in pair])
        return (folded.sum(axis=tuple(builtins.range(0, 2 * len(old), 2))),)

    return record(np.tile(x._value, reps), (x,), backward, "tile")


def concat(values, axis, name=None) -> Tensor:
    parts = [convert_to_tensor(v) for v in values]
    axis = int(axis)
    cuts = np.cumsum([p._value.shape[axis] for p in parts])[:-1]
    out = np.concatenate([p._value for p in parts], axis=axis)
    return record(out, tuple(parts), lambda dz: tuple(np.split(dz, cuts, axis=axis)), "concat")


def stack(values, axis=0, name=None) -> Tensor:
    parts = [convert_to_tensor(v) for v in values]
    out = np.stack([p._value for p in parts], axis=axis)
    n = len(parts)
    return record(out, tuple(parts), lambda dz: tuple(np.take(dz, i, axis=axis) for i in builtins.range(n)), "stack")


def unstack(value, num=None, axis=0, name=None) -> list[Tensor]:
    x = convert_to_tensor(value)
    return [gather(x, i, axis=axis) for i in builtins.range(x.shape[axis])]


def split(value, num_or_size_splits, axis=0, name=None) -> list[Tensor]:
    x = convert_to_tensor(value)
    if isinstance(num_or_size_splits, int):
        sizes = [x.shape[axis] // num_or_size_splits] * num_or_size_splits
    else:
        sizes = [int(s) for s in num_or_size_splits]
    starts = np.concatenate([[0], np.cumsum(sizes)])
    index = [slice(None)] * x.ndim
    out = []
    for start, stop in itertools.pairwise(starts):
        index[axis] = slice(int(start), int(stop))
        out.append(x[tuple(index)])
    return out


def gather(params, indices, axis=None, batch_dims=0, name=None) -> Tensor:
    x = convert_to_tensor(params)
    idx = np.asarray(convert_to_tensor(indices)._value)
    axis = 0 if axis is None else int(axis) % x.ndim
    xv = x._value

    def backward(dz):
        dx = np.zeros_like(xv)
        np.add.at(dx, (slice(None),) * axis + (idx,), dz)  # a row gathered twice gets both gradients
        return (dx,)

    return record(np.take(xv, idx, axis=axis), (x,), backward, "gather")


def boolean_mask(tensor, mask, axis=None, name=None) -> Tensor:
    return convert_to_tensor(tensor)[np.asarray(convert_to_tensor(mask)._value, dtype=bool)]


def reverse(tensor, axis, name=None) -> Tensor:
    x = convert_to_tensor(tensor)
    axes = tuple(int(a) for a in (axis if isinstance(axis, list | tuple) else [axis]))
    return record(np.flip(x._value, axes), (x,), lambda dz: (np.flip(dz, axes),), "reverse")


def identity(input, name=None) -> Tensor:
    x = convert_to_tensor(input)
    return record(x._value, (x,), lambda dz: (dz,), "identity")


def stop_gradient(input, name=None) -> Tensor:
    """The same values, cut off from the tape: no gradient flows back through it."""
    return Tensor._wrap(convert_to_tensor(input)._value)


def cast(x, dtype, name=None) -> Tensor:
    x = convert_to_tensor(x)
    dtype = _dtype(dtype)
    old = x.dtype
    if dtype.kind != "f" or old.kind != "f":  # to or from integers and bools: no gradient (TensorFlow's rule too)
        return Tensor._wrap(x._value.astype(dtype))
    return record(x._value.astype(dtype), (x,), lambda dz: (dz.astype(old),), "cast")


# --- integers out: no gradient ------------------------------------------------------------------------------------
def argmax(input, axis=None, output_type="int64", name=None) -> Tensor:
    """The index of the largest value along ``axis`` (TensorFlow's default: axis 0)."""
    x = convert_to_tensor(input)
    return Tensor._wrap(np.argmax(x._value, axis=0 if axis is None else int(axis)).astype(output_type))


def argmin(input, axis=None, output_type="int64", name=None) -> Tensor:
    x = convert_to_tensor(input)
    return Tensor._wrap(np.argmin(x._value, axis=0 if axis is None else int(axis)).astype(output_type))


def argsort(values, axis=-1, direction="ASCENDING", name=None) -> Tensor:
    order = np.argsort(convert_to_tensor(values)._value, axis=axis, kind="stable")
    return Tensor._wrap((np.flip(order, axis) if direction == "DESCENDING" else order).astype(np.int32))


def sort(values, axis=-1, direction="ASCENDING", name=None) -> Tensor:
    x = convert_to_tensor(values)
    order = argsort(x, axis=axis, direction=direction)._value
    xv = x._value

    def backward(dz):  # each sorted value goes back to where it came from
        dx = np.zeros_like(xv)
        np.put_along_axis(dx, order, dz, axis=axis)
        return (dx,)

    return record(np.take_along_axis(xv, order, axis=axis), (x,), backward, "sort")


def one_hot(indices, depth, on_value=None, off_value=None, axis=None, dtype=None, name=None) -> Tensor:
    """Integer labels to one-hot rows: ``one_hot([0, 2], 3)`` is ``[[1, 0, 0], [0, 0, 1]]`` (float32)."""
    idx = np.asarray(convert_to_tensor(indices)._value).astype(np.int64)
    depth = int(depth)
    dtype = _dtype(dtype)
    on = 1 if on_value is None else on_value
    off = 0 if off_value is None else off_value
    hot = idx[..., None] == np.arange(depth)  # an index outside [0, depth) gives a row of off_value, as in TF
    out = np.where(hot, np.asarray(on, dtype), np.asarray(off, dtype))
    if axis is not None and axis != -1:
        out = np.moveaxis(out, -1, axis)
    return Tensor._wrap(out)


def shape(input, out_type="int32", name=None) -> Tensor:
    return Tensor._wrap(np.array(np.shape(input), dtype=out_type))


def size(input, out_type="int32", name=None) -> Tensor:
    return Tensor._wrap(np.array(np.size(convert_to_tensor(input)._value), dtype=out_type))


def rank(input, name=None) -> Tensor:
    return Tensor._wrap(np.array(np.ndim(convert_to_tensor(input)._value), dtype=np.int32))


# --- making tensors ----------------------------------------------------------------------------------------------
def zeros(shape, dtype="float32", name=None) -> Tensor:
    return Tensor._wrap(np.zeros(_shape_of(shape), dtype=_dtype(dtype)))


def ones(shape, dtype="float32", name=None) -> Tensor:
    return Tensor._wrap(np.ones(_shape_of(shape), dtype=_dtype(dtype)))


def zeros_like(input, dtype=None, name=None) -> Tensor:
    x = convert_to_tensor(input)
    return Tensor._wrap(np.zeros(x._value.shape, dtype=_dtype(dtype, x.dtype)))


def ones_like(input, dtype=None, name=None) -> Tensor:
    x = convert_to_tensor(input)
    return Tensor._wrap(np.ones(x._value.shape, dtype=_dtype(dtype, x.dtype)))


def fill(dims, value, name=None) -> Tensor:
    v = convert_to_tensor(value)
    return Tensor._wrap(np.full(_shape_of(dims), v._value, dtype=v.dtype))


def eye(num_rows, num_columns=None, dtype="float32", name=None) -> Tensor:
    return Tensor._wrap(np.eye(int(num_rows), None if num_columns is None else int(num_columns), dtype=_dtype(dtype)))


def range(start, limit=None, delta=1, dtype=None, name="range") -> Tensor:
    """``tf.range``: ints give int32, floats float32 (NumPy's arange with TensorFlow's dtypes)."""
    if limit is None:
        start, limit = 0, start
    values = [float(v) if isinstance(v, Tensor) else v for v in (start, limit, delta)]
    is_float = any(isinstance(v, float) for v in values)
    return Tensor._wrap(np.arange(*values, dtype=_dtype(dtype, "float32" if is_float else "int32")))


def linspace(start, stop, num, name=None, axis=0) -> Tensor:
    return Tensor._wrap(np.linspace(float(start), float(stop), int(num), dtype=np.float32))


# NumPy's names, so np.reshape(t, ...), np.concatenate([t, u]) on tensors run these ops and are recorded.
_t.FUNCTIONS.update(
    {
        np.reshape: reshape,
        np.transpose: transpose,
        np.expand_dims: expand_dims,
        np.squeeze: squeeze,
        np.broadcast_to: broadcast_to,
        np.concatenate: concat,
        np.stack: lambda arrays, axis=0: stack(arrays, axis),
        np.take: gather,
        np.tile: tile,
        np.argmax: lambda a, axis=None, **kw: Tensor._wrap(np.argmax(a._value, axis=axis)),
        np.argmin: lambda a, axis=None, **kw: Tensor._wrap(np.argmin(a._value, axis=axis)),
        np.shape: lambda a: TensorShape(np.shape(a._value)),
        np.ndim: lambda a: a.ndim,
        np.size: lambda a, axis=None: np.size(a._value, axis),
        np.zeros_like: lambda a, dtype=None, **kw: zeros_like(a, dtype),
        np.ones_like: lambda a, dtype=None, **kw: ones_like(a, dtype),
        np.copy: identity,
    }
)
_t.OPS.update({"cast": cast, "transpose": transpose, "reshape": reshape})

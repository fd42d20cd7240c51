"""Merge layers: several inputs in, one output out, each with its backward beside its forward.

A merge layer is called on a list of tensors, ``Add()([a, b])``, and its backward returns a list: one gradient per
input, each with the shape of that input. Where a graph fans back in (a residual connection, the two branches of a
wide & deep model), this is the step that hands the output's gradient back to every branch:

    Add:          y = a + b          da = dy,        db = dy
    Multiply:     y = a * b          da = dy * b,    db = dy * a
    Concatenate:  y = [a | b]        da = dy[:, :A], db = dy[:, A:]

Keras's function forms are here too: ``add([a, b])`` is ``Add()([a, b])``, ``concatenate([a, b])`` is
``Concatenate()([a, b])``, and so on.
"""

from __future__ import annotations

import copy

import numpy as np

from scratchnet import utils
from scratchnet.layers.base import Layer, _shape_tuple
from scratchnet.layers.input_layer import symbolic_call
from scratchnet.tape import tensor as tape_tensor

__all__ = [
    "Add",
    "Average",
    "Concatenate",
    "Dot",
    "Maximum",
    "Merge",
    "Minimum",
    "Multiply",
    "Subtract",
    "add",
    "average",
    "concatenate",
    "dot",
    "maximum",
    "minimum",
    "multiply",
    "subtract",
]


class Merge(Layer):
    """Base class of the layers that take a list of inputs: ``forward(xs) -> y``, ``backward(dy) -> [dx, ...]``.

    ``input_shape`` is a list of shapes (one per input, no batch axis). A subclass writes ``merge_forward``,
    ``merge_backward`` and, when the shape changes, ``compute_output_shape``.
    """

    takes_list = True  # the graph model passes this layer a list of arrays, and expects a list back
    exact_inputs: int | None = None  # Subtract takes exactly two

    def __call__(self, inputs, training: bool = False):
        """``layer([a, b])``: symbolic (functional API), or computed now on arrays."""
        inputs = self._check_list(inputs)
        if any(getattr(t, "is_symbolic", False) for t in inputs):
            return symbolic_call(self, inputs)
        if any(isinstance(t, tape_tensor.Tensor) for t in inputs) or tape_tensor.recording_tapes():
            return self._on_tensors(inputs, training)
        xs = [np.asarray(x) for x in inputs]
        dtype = self.dtype or np.dtype("float32")
        xs = [x.astype(dtype, copy=False) for x in xs]
        if not self.built:
            self.build([x.shape[1:] for x in xs], utils.make_rng(), dtype)
        return self.forward(xs, training=training)

    def _on_tensors(self, inputs, training):
        """On tensors (inside a layer's call, or a GradientTape): one recorded op whose backward is this layer's."""
        ts = [tape_tensor.convert_to_tensor(t) for t in inputs]
        xs = [t._value for t in ts]
        if not self.built:
            self.build([x.shape[1:] for x in xs], utils.make_rng(), xs[0].dtype)
        clone = copy.copy(self)  # its own cache: the same layer may be called again before this call's backward
        y = clone.forward(xs, training=training)
        return tape_tensor.record(
            y, tuple(ts), lambda dy: tuple(clone.backward(dy)), f"{type(self).__name__} '{self.name}'"
        )

    def _check_list(self, inputs) -> list:
        if not isinstance(inputs, (list, tuple)):
            raise TypeError(
                f"{type(self).__name__} '{self.name}' expected a list of inputs, e.g. "
                f"{type(self).__name__}()([a, b]). Received: one input of type {type(inputs).__name__}."
            )
        needed = self.exact_inputs
        if (needed is not None and len(inputs) != needed) or len(inputs) < 2:
            raise ValueError(
                f"{type(self).__name__} '{self.name}' expected {needed or 'at least 2'} inputs. "
                f"Received: {len(inputs)} input{'s' if len(inputs) != 1 else ''}."
            )
        return list(inputs)

    def build(self, input_shape, rng: np.random.Generator, dtype) -> None:
        shapes = [_shape_tuple(type(self).__name__, s) for s in input_shape]
        self.compute_output_shape(shapes)  # checks that the shapes fit together
        self.input_shape = shapes
        self.dtype = np.dtype(dtype)
        self.built = True

    def compute_output_shape(self, input_shape):
        shapes = [tuple(s) for s in input_shape]
        if any(s != shapes[0] for s in shapes):
            raise ValueError(
                f"{type(self).__name__} '{self.name}' expected inputs of one shape (it works element by element). "
                f"Received: input shapes {[(None, *s) for s in shapes]}. Make the branches end in the same size, "
                "or use Concatenate."
            )
        return shapes[0]

    def forward(self, xs: list[np.ndarray], training: bool = False) -> np.ndarray:
        return self.merge_forward(list(xs))

    def backward(self, dy: np.ndarray) -> list[np.ndarray]:
        return self.merge_backward(dy)

    def get_config(self) -> dict:
        return {"name": self.name}


class Add(Merge):
    """The sum of the inputs, element by element.

    Forward:   y    = x_1 + x_2 + ... + x_K      each x_k: (N, ...)  ->  y: (N, ...)
    Backward:  dx_k = dy                         each input moved y by exactly its own change
    """

    def merge_forward(self, xs):
        self.count = len(xs)
        y = xs[0]
        for x in xs[1:]:
            y = y + x
        return y

    def merge_backward(self, dy):
        return [dy] * self.count


class Subtract(Merge):
    """The difference of two inputs.

    Forward:   y  = a - b                 a, b: (N, ...)  ->  y: (N, ...)
    Backward:  da = dy
               db = -dy
    """

    exact_inputs = 2

    def merge_forward(self, xs):
        return xs[0] - xs[1]

    def merge_backward(self, dy):
        return [dy, -dy]


class Multiply(Merge):
    """The product of the inputs, element by element.

    Forward:   y    = x_1 * x_2 * ... * x_K      each x_k: (N, ...)  ->  y: (N, ...)
    Backward:  dx_k = dy * (product of every x_j but x_k)
    """

    def merge_forward(self, xs):
        self.xs = xs
        y = xs[0]
        for x in xs[1:]:
            y = y * x
        return y

    def merge_backward(self, dy):
        dxs = []
        for k in range(len(self.xs)):
            dx = dy
            for j, x in enumerate(self.xs):
                if j != k:  # the product of the others, not y / x_k (which fails where x_k = 0)
                    dx = dx * x
            dxs.append(dx)
        return dxs


class Average(Merge):
    """The mean of the inputs, element by element.

    Forward:   y    = (x_1 + ... + x_K) / K      each x_k: (N, ...)  ->  y: (N, ...)
    Backward:  dx_k = dy / K
    """

    def merge_forward(self, xs):
        self.count = len(xs)
        return sum(xs[1:], xs[0]) / self.count

    def merge_backward(self, dy):
        return [dy / self.count] * self.count


class Maximum(Merge):
    """The largest input, element by element.

    Forward:   y    = max_k x_k                  each x_k: (N, ...)  ->  y: (N, ...)
               w    = argmax_k x_k               which input won, per element (the first, on ties)
    Backward:  dx_k = dy where w == k, else 0    only the winner moved y
    """

    pick = staticmethod(np.argmax)

    def merge_forward(self, xs):
        stacked = np.stack(xs)
        self.winner = self.pick(stacked, axis=0)
        self.count = len(xs)
        return np.take_along_axis(stacked, self.winner[None], axis=0)[0]

    def merge_backward(self, dy):
        return [np.where(self.winner == k, dy, 0).astype(dy.dtype, copy=False) for k in range(self.count)]


class Minimum(Maximum):
    """The smallest input, element by element (as :class:`Maximum`, with argmin).

    Forward:   y    = min_k x_k,   w = argmin_k x_k
    Backward:  dx_k = dy where w == k, else 0
    """

    pick = staticmethod(np.argmin)


class Concatenate(Merge):
    """The inputs side by side along ``axis``.

    Forward:   y    = concatenate([x_1, ..., x_K], axis)    x_k: (N, ..., D_k, ...)  ->  y: (N, ..., sum D_k, ...)
    Backward:  dx_k = dy[..., start_k : start_k + D_k, ...]  each input gets back its own slice

    Args:
        axis: the axis to join along, counting the batch axis as 0 (default -1, the features).
    """

    def __init__(self, axis: int = -1, **kwargs):
        super().__init__(**kwargs)
        if isinstance(axis, bool) or not isinstance(axis, (int, np.integer)) or axis == 0:
            raise ValueError(
                f"Concatenate expected `axis` to be a nonzero int (axis 0 is the batch). Received: axis={axis!r}."
            )
        self.axis = int(axis)

    def _example_axis(self, rank: int) -> int:
        """The axis in one example's shape (no batch axis), checked against the rank."""
        axis = self.axis if self.axis < 0 else self.axis - 1
        if not -rank <= axis < rank:
            raise ValueError(
                f"Concatenate '{self.name}' got axis={self.axis}, but its inputs have rank {rank + 1} (with the batch)."
            )
        return axis % rank

    def compute_output_shape(self, input_shape):
        shapes = [tuple(s) for s in input_shape]
        rank = len(shapes[0])
        axis = self._example_axis(rank)
        others = {s[:axis] + s[axis + 1 :] for s in shapes}
        if any(len(s) != rank for s in shapes) or len(others) != 1:
            raise ValueError(
                f"Concatenate '{self.name}' expected inputs whose shapes match except along axis {self.axis}. "
                f"Received: input shapes {[(None, *s) for s in shapes]}."
            )
        return (*shapes[0][:axis], sum(s[axis] for s in shapes), *shapes[0][axis + 1 :])

    def merge_forward(self, xs):
        axis = self._example_axis(xs[0].ndim - 1) + 1
        self.sizes = [x.shape[axis] for x in xs]
        return np.concatenate(xs, axis=axis)

    def merge_backward(self, dy):
        axis = self._example_axis(dy.ndim - 1) + 1
        return np.split(dy, np.cumsum(self.sizes)[:-1], axis=axis)

    def get_config(self) -> dict:
        return {**super().get_config(), "axis": self.axis}


class Dot(Merge):
    """The dot product of two inputs along ``axes``, example by example (optionally of unit vectors: cosine).

    With the contracted axes moved so that A: (N, P, K) and B: (N, K, R) (P or R is 1 for a vector):

    Forward:   y  = A @ B                         -> (N, P, R); for two vectors (N, K): y: (N, 1)
    Backward:  dA = dy @ B^T                      (N, P, K)
               dB = A^T @ dy                      (N, K, R)

    With ``normalize=True`` each input is first divided by its length along the axis, u = x / |x|, whose
    backward is dx = (du - u * sum(du * u)) / |x| (the part of du along u changes nothing: u stays unit).

    Args:
        axes: the axis of each input to contract (an int for both, or a pair), counting the batch axis as 0.
        normalize: take the cosine similarity instead of the dot product.
    """

    exact_inputs = 2

    def __init__(self, axes, normalize: bool = False, **kwargs):
        super().__init__(**kwargs)
        pair = tuple(axes) if isinstance(axes, (list, tuple)) else (axes, axes)
        if len(pair) != 2 or not all(isinstance(a, (int, np.integer)) and a != 0 for a in pair):
            raise ValueError(f"Dot expected `axes` to be a nonzero int or a pair of them. Received: axes={axes!r}.")
        self.axes = tuple(int(a) for a in pair)
        self.normalize = bool(normalize)

    def _axes(self, ranks) -> tuple[int, int]:
        """The contracted axes as indices of the batched arrays (batch axis 0)."""
        out = []
        for axis, rank in zip(self.axes, ranks, strict=True):
            if rank not in (2, 3) or not -rank < axis < rank:
                raise ValueError(
                    f"Dot '{self.name}' works on inputs of rank 2 or 3 (with the batch) and axes inside them. "
                    f"Received: ranks {list(ranks)}, axes={self.axes}."
                )
            out.append(axis % rank)
        return out[0], out[1]

    def compute_output_shape(self, input_shape):
        a, b = (tuple(s) for s in input_shape)
        ia, ib = self._axes((len(a) + 1, len(b) + 1))
        if a[ia - 1] != b[ib - 1]:
            raise ValueError(
                f"Dot '{self.name}' contracts axis {ia} of {(None, *a)} with axis {ib} of {(None, *b)}: they "
                f"must have one size. Received: {a[ia - 1]} and {b[ib - 1]}."
            )
        rest = tuple(d for i, d in enumerate(a) if i != ia - 1) + tuple(d for i, d in enumerate(b) if i != ib - 1)
        return rest or (1,)

    def merge_forward(self, xs):
        a, b = xs
        ia, ib = self._axes((a.ndim, b.ndim))
        if self.normalize:
            a, self.norm_a = _unit(a, ia)
            b, self.norm_b = _unit(b, ib)
        self.shape_a, self.shape_b, self.ia, self.ib = a.shape, b.shape, ia, ib
        self.A = np.moveaxis(a, ia, -1).reshape(len(a), -1, a.shape[ia])  # (N, P, K)
        self.B = np.moveaxis(b, ib, 1).reshape(len(b), b.shape[ib], -1)  # (N, K, R)
        y = self.A @ self.B  # (N, P, R)
        return y.reshape(len(y), *self.compute_output_shape((a.shape[1:], b.shape[1:])))

    def merge_backward(self, dy):
        dY = dy.reshape(len(dy), self.A.shape[1], self.B.shape[2])
        dA = dY @ self.B.transpose(0, 2, 1)  # (N, P, K)
        dB = self.A.transpose(0, 2, 1) @ dY  # (N, K, R)
        da = np.moveaxis(dA.reshape(_moved(self.shape_a, self.ia, -1)), -1, self.ia)
        db = np.moveaxis(dB.reshape(_moved(self.shape_b, self.ib, 1)), 1, self.ib)
        if self.normalize:
            da = _unit_backward(da, self.norm_a, self.ia)
            db = _unit_backward(db, self.norm_b, self.ib)
        return [da, db]

    def get_config(self) -> dict:
        return {**super().get_config(), "axes": list(self.axes), "normalize": self.normalize}


def _moved(shape: tuple, source: int, destination: int) -> tuple:
    """The shape ``np.moveaxis`` gives an array of ``shape``."""
    dims = list(shape)
    dims.insert(destination % len(dims), dims.pop(source))
    return tuple(dims)


def _unit(x: np.ndarray, axis: int) -> tuple[np.ndarray, tuple[np.ndarray, np.ndarray]]:
    """``x / |x|`` along ``axis``, and what its backward needs (u, |x|)."""
    length = np.sqrt(np.maximum((x * x).sum(axis=axis, keepdims=True), 1e-12))
    u = x / length
    return u, (u, length)


def _unit_backward(du: np.ndarray, cache, axis: int) -> np.ndarray:
    u, length = cache
    return (du - u * (du * u).sum(axis=axis, keepdims=True)) / length


# Keras's function forms: add([a, b]) is Add()([a, b]).
def add(inputs, **kwargs):
    """``Add(**kwargs)(inputs)``."""
    return Add(**kwargs)(inputs)


def subtract(inputs, **kwargs):
    """``Subtract(**kwargs)(inputs)``."""
    return Subtract(**kwargs)(inputs)


def multiply(inputs, **kwargs):
    """``Multiply(**kwargs)(inputs)``."""
    return Multiply(**kwargs)(inputs)


def average(inputs, **kwargs):
    """``Average(**kwargs)(inputs)``."""
    return Average(**kwargs)(inputs)


def maximum(inputs, **kwargs):
    """``Maximum(**kwargs)(inputs)``."""
    return Maximum(**kwargs)(inputs)


def minimum(inputs, **kwargs):
    """``Minimum(**kwargs)(inputs)``."""
    return Minimum(**kwargs)(inputs)


def concatenate(inputs, axis: int = -1, **kwargs):
    """``Concatenate(axis, **kwargs)(inputs)``."""
    return Concatenate(axis=axis, **kwargs)(inputs)


def dot(inputs, axes, normalize: bool = False, **kwargs):
    """``Dot(axes, normalize, **kwargs)(inputs)``."""
    return Dot(axes=axes, normalize=normalize, **kwargs)(inputs)

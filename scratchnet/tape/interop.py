"""What lets a Tensor stand in for a NumPy array, and the registries that connect NumPy to the op library.

``np.asarray(t)`` reads the values (``__array__``). ``np.exp(t)`` and ``np.sum(t)`` reach the tensor through NumPy's
two protocols, ``__array_ufunc__`` and ``__array_function__``, and run the tape's op of the same meaning, looked up
in :data:`UFUNCS` and :data:`FUNCTIONS` (which :mod:`scratchnet.tape.tensor`, :mod:`~scratchnet.tape.ops` and
:mod:`~scratchnet.tape.array_ops` fill as they load): so NumPy code on tensors is recorded too. A NumPy function the
tape does not know runs on the plain values and, inside a tape, warns that its result has no gradient
(:class:`TapeWarning`). The methods ``t.sum()``, ``t.mean()``, ``t.reshape()``, ... are NumPy's, for ported code.
"""

from __future__ import annotations

import warnings

import numpy as np

__all__ = ["ACTIVE_TAPES", "FUNCTIONS", "OPS", "UFUNCS", "ArrayInterop", "TapeWarning", "recording_tapes"]

# The tapes that are open, innermost last. GradientTape pushes itself on enter and pops on exit; a tape inside
# stop_recording() stays on the stack with its ``recording`` flag off.
ACTIVE_TAPES: list = []

# NumPy ufuncs and functions a Tensor answers itself (np.exp(t) -> scratchnet.tape.ops.exp(t)), filled by this
# module for the operators and by scratchnet.tape.ops for the rest, so np.exp on a tensor is recorded too.
UFUNCS: dict = {}
FUNCTIONS: dict = {}
# The rest of the op library by name, for the methods below (t.T, abs(t), t.reshape): filled by scratchnet.tape.ops,
# which builds on this module and so cannot be imported here.
OPS: dict = {}


class TapeWarning(UserWarning):
    """A computation on tensors inside a GradientTape that the tape cannot record (its gradient will be missing)."""


def recording_tapes() -> tuple:
    """The tapes recording right now (usually zero or one)."""
    return tuple(tape for tape in ACTIVE_TAPES if tape.recording)


class ArrayInterop:
    """The NumPy side of a Tensor (its base class): ``__array__``, NumPy's dispatch protocols, NumPy's methods."""

    __array_priority__ = 100  # ndarray + tensor: NumPy defers to the tensor, which records the op

    def __array__(self, dtype=None, copy=None):
        return self._value if dtype is None else self._value.astype(dtype, copy=False)

    @property
    def T(self):
        return OPS["transpose"](self)

    # --- a few NumPy-style methods learners' code calls on tensors
    def reshape(self, *shape):
        return OPS["reshape"](self, shape[0] if len(shape) == 1 else shape)

    def astype(self, dtype):
        return OPS["cast"](self, dtype)

    def ravel(self):
        return OPS["reshape"](self, (-1,))

    flatten = ravel

    def round(self, decimals: int = 0) -> np.ndarray:
        """The values rounded, as NumPy (rounding has no useful gradient)."""
        return np.round(self._value, decimals)

    def get_shape(self):
        return self.shape

    # NumPy's reductions as methods (t.mean(), t.sum(axis=0)): ported code often calls them on what .numpy() gave
    def sum(self, axis=None, keepdims=False):
        return FUNCTIONS[np.sum](self, axis=axis, keepdims=keepdims)

    def mean(self, axis=None, keepdims=False):
        return FUNCTIONS[np.mean](self, axis=axis, keepdims=keepdims)

    def max(self, axis=None, keepdims=False):
        return FUNCTIONS[np.max](self, axis=axis, keepdims=keepdims)

    def min(self, axis=None, keepdims=False):
        return FUNCTIONS[np.min](self, axis=axis, keepdims=keepdims)

    def argmax(self, axis=None):
        return FUNCTIONS[np.argmax](self, axis=axis)

    def argmin(self, axis=None):
        return FUNCTIONS[np.argmin](self, axis=axis)

    def tolist(self):
        return self._value.tolist()

    def item(self):
        return self._value.item()

    # --- NumPy on tensors: recorded where the tape knows the op, a warning where it does not
    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        if method == "__call__" and not kwargs and ufunc in UFUNCS:
            return UFUNCS[ufunc](*inputs)
        _warn_unrecorded(ufunc.__name__, inputs)
        arrays = [i._value if isinstance(i, ArrayInterop) else i for i in inputs]
        if "out" in kwargs:
            kwargs["out"] = tuple(o._value if isinstance(o, ArrayInterop) else o for o in kwargs["out"])
        return getattr(ufunc, method)(*arrays, **kwargs)

    def __array_function__(self, func, types, args, kwargs):
        if func in FUNCTIONS:
            return FUNCTIONS[func](*args, **kwargs)
        _warn_unrecorded(func.__name__, args)
        return func(*_unwrap_deep(args), **_unwrap_deep(kwargs))


def _unwrap_deep(value):
    if isinstance(value, ArrayInterop):
        return value._value
    if isinstance(value, list | tuple):
        return type(value)(_unwrap_deep(v) for v in value)
    if isinstance(value, dict):
        return {k: _unwrap_deep(v) for k, v in value.items()}
    return value


def _warn_unrecorded(name: str, inputs) -> None:
    tapes = recording_tapes()
    if tapes and any(isinstance(i, ArrayInterop) and any(t.is_tracking(i) for t in tapes) for i in inputs):
        warnings.warn(
            f"np.{name} was called on a Tensor inside a GradientTape. The tape cannot record it, so the result is a "
            f"NumPy array with no gradient, and every gradient through it will be None. Use the op of the same "
            f"meaning from scratchnet (sn.{name}, sn.math.{name}, sn.nn...) instead.",
            TapeWarning,
            stacklevel=3,
        )

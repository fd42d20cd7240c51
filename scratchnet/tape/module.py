"""``tf.Module`` and ``tf.custom_gradient``: a container that finds its Variables, and an op with your own derivative.

>>> import scratchnet as sn
>>> class Line(sn.Module):
...     def __init__(self):
...         super().__init__()
...         self.w, self.b = sn.Variable(2.0), sn.Variable(1.0)
>>> len(Line().trainable_variables)
2
"""

from __future__ import annotations

import functools

import numpy as np

from scratchnet.tape.gradient_tape import _flatten
from scratchnet.tape.tensor import ACTIVE_TAPES, Tensor, convert_to_tensor, record
from scratchnet.tape.variable import Variable

__all__ = ["Module", "custom_gradient"]


class Module:
    """Base class for your own models and layers of Variables (``tf.Module``).

    ``variables`` and ``trainable_variables`` collect every Variable held in the object's attributes, in lists,
    tuples and dicts, and in Modules (or scratchnet layers) it holds, each once, in attribute order.
    """

    def __init__(self, name: str | None = None):
        self._name = name or type(self).__name__.lower()

    @property
    def name(self) -> str:
        return self.__dict__.get("_name", type(self).__name__.lower())

    @property
    def variables(self) -> list:
        found, seen = [], set()
        _collect(self, found, seen, set())
        return found

    @property
    def trainable_variables(self) -> list:
        return [v for v in self.variables if v.trainable]

    @property
    def submodules(self) -> list:
        return [v for v in vars(self).values() if isinstance(v, Module)]


def _collect(obj, found: list, seen: set, visited: set) -> None:
    if id(obj) in visited:
        return
    visited.add(id(obj))
    if isinstance(obj, Variable):
        if id(obj) not in seen:
            seen.add(id(obj))
            found.append(obj)
        return
    if isinstance(obj, dict):
        values = obj.values()
    elif isinstance(obj, list | tuple):
        values = obj
    elif isinstance(obj, Module):
        values = vars(obj).values()
    elif hasattr(obj, "trainable_variables") and hasattr(obj, "params"):  # a scratchnet layer or model
        values = obj.trainable_variables
    else:
        return
    for value in values:
        _collect(value, found, seen, visited)


def custom_gradient(f):
    """Decorate ``f(*tensors) -> (y, grad_fn)`` to make an op whose derivative is ``grad_fn`` (``tf.custom_gradient``).

    The forward runs unrecorded; the tape records one op whose local derivative is ``grad_fn(dy)``, which returns
    one gradient per input (a tensor, or a list or tuple of them).
    """

    @functools.wraps(f)
    def op(*args, **kwargs):
        inputs = tuple(convert_to_tensor(a) for a in args)
        saved = [(tape, tape.recording) for tape in ACTIVE_TAPES]
        for tape, _ in saved:
            tape.recording = False
        try:
            y, grad_fn = f(*inputs, **kwargs)
        finally:
            for tape, recording in saved:
                tape.recording = recording

        def backward(dy):
            grads = _flatten(grad_fn(Tensor._wrap(dy)))
            return tuple(None if g is None else np.asarray(g) for g in grads)

        return record(convert_to_tensor(y).numpy(), inputs, backward, getattr(f, "__name__", "custom_gradient"))

    return op

"""Variables: tensors whose values change in place (``assign``), the parameters a GradientTape differentiates for.

A GradientTape watches every trainable Variable it sees used, so ``tape.gradient(loss, [W, b])`` needs no
``watch``. A scratchnet layer's parameters are Variables too (:class:`LayerVariable`): each *aliases* its layer's
array (``layer.params["W"]``), so ``optimizer.apply_gradients(zip(grads, model.trainable_variables))`` updates the
model itself, in place.

>>> import scratchnet as sn
>>> v = sn.Variable([1.0, 2.0])
>>> _ = v.assign_sub([0.5, 0.5])
>>> v
<sn.Variable 'Variable:0' shape=(2,) dtype=float32, numpy=array([0.5, 1.5], dtype=float32)>
"""

from __future__ import annotations

import numpy as np

from scratchnet import initializers
from scratchnet.tape import random as tape_random
from scratchnet.tape.tensor import Tensor, _as_array, getitem

__all__ = ["LayerVariable", "Variable", "VariableSlice"]

# Keras calls a Dense layer's parameters "kernel" and "bias"; scratchnet's layers call them W and b.
_KERAS_NAMES = {"W": "kernel", "b": "bias"}


class Variable(Tensor):
    """A tensor you can change in place: ``tf.Variable``.

    Args:
        initial_value: the starting value (a number, a list, an array, a tensor, or a function returning one).
        trainable: whether ``GradientTape`` watches it on its own and models list it in ``trainable_variables``.
        name: its name (``'Variable'`` by default).
        dtype: the dtype; by default that of ``initial_value`` (Python floats give float32).
    """

    def __init__(
        self, initial_value=None, trainable: bool = True, name: str | None = None, dtype=None, shape=None, **kwargs
    ):
        initializer = kwargs.pop("initializer", None)
        if isinstance(initial_value, str) or (shape is not None and callable(initial_value)):
            initializer, initial_value = initial_value, None  # Keras 3: keras.Variable(initializer, shape=...)
        if initializer is not None:
            initial_value = _initial_value(initializer, shape, dtype)
        if initial_value is None:
            raise ValueError(
                "Variable needs an initial_value (or Keras 3's initializer and shape). Received: initial_value=None. "
                "Give the values, sn.Variable(np.zeros((3, 2))), or sn.Variable(initializer='zeros', shape=(3, 2))."
            )
        if callable(initial_value):
            initial_value = initial_value()
        # Its own copy: assign writes in place, and must never write into the caller's array.
        self._value = np.array(_as_array(initial_value, dtype), copy=True)
        self.trainable = bool(trainable)
        self.name = name or "Variable"

    @property
    def value(self) -> Variable:
        """The variable itself, read as a tensor (Keras 3's ``v.value``; TensorFlow's ``v.value()`` works too)."""
        return self

    def __call__(self) -> Variable:
        return self

    def read_value(self) -> Tensor:
        return Tensor._wrap(self._value.copy())

    def numpy(self) -> np.ndarray:
        """A copy of the current values (a later ``assign`` does not change it)."""
        return self._value.copy()

    def assign(self, value, read_value: bool = True) -> Variable:
        """Set every value, in place: ``v[...] = value``. The shape must match (a scalar fills the variable)."""
        new = _as_array(value, self.dtype)
        if new.shape != self._value.shape and new.size != 1:
            raise ValueError(
                f"Variable '{self.name}' has shape {self._value.shape} and assign() keeps it. Received: value of "
                f"shape {new.shape}. Assign a value of shape {self._value.shape}, or make a new sn.Variable."
            )
        self._value[...] = new
        return self

    def assign_add(self, delta, read_value: bool = True) -> Variable:
        """``v += delta``, in place (the shape must match)."""
        return self.assign(self._value + _as_array(delta, self.dtype))

    def assign_sub(self, delta, read_value: bool = True) -> Variable:
        """``v -= delta``, in place (the shape must match)."""
        return self.assign(self._value - _as_array(delta, self.dtype))

    @property
    def path(self) -> str:
        return self.name

    def __getitem__(self, index) -> Tensor:
        """``v[i]``: a tensor (recorded like any indexing) that can also be assigned: ``v[0, 0].assign(3.0)``."""
        out = getitem(self, index)
        out.__class__ = VariableSlice
        out._target = (self, index)
        return out

    def __setitem__(self, index, value) -> None:
        """``v[i] = value`` writes in place, as NumPy does (TensorFlow would ask for ``v[i].assign(value)``)."""
        self._value[index] = _as_array(value, self.dtype)

    def __repr__(self) -> str:
        return f"<sn.Variable '{self.name}:0' shape={tuple(self.shape)} dtype={self.dtype}, numpy={_numbers(self)}>"


class VariableSlice(Tensor):
    """What indexing a Variable gives: the values, and ``assign`` writing them back into the variable."""

    def assign(self, value) -> Variable:
        variable, index = self._target
        variable._value[index] = _as_array(value, variable.dtype)
        return variable

    def assign_add(self, delta) -> Variable:
        variable, index = self._target
        variable._value[index] += _as_array(delta, variable.dtype)
        return variable

    def assign_sub(self, delta) -> Variable:
        variable, index = self._target
        variable._value[index] -= _as_array(delta, variable.dtype)
        return variable


_INITIALIZER_ALIASES = {"uniform": "random_uniform", "normal": "random_normal"}


def _initial_value(initializer, shape, dtype) -> np.ndarray:
    """Keras 3's ``keras.Variable(initializer, shape=...)``: an initializer's name or function, and a shape."""
    if shape is None:
        raise ValueError(f"Variable(initializer={initializer!r}) needs a shape. Received: shape=None.")
    shape, dtype = tuple(int(n) for n in np.atleast_1d(shape)), np.dtype(dtype or "float32")
    if isinstance(initializer, str):
        fn = initializers.get(_INITIALIZER_ALIASES.get(initializer, initializer))
        return fn(shape, tape_random.generator(), dtype)
    return np.asarray(initializer(shape, dtype=dtype), dtype=dtype)


class LayerVariable(Variable):
    """A layer's parameter as a Variable: it reads and writes ``layer.params[key]`` itself, never a copy.

    The array is looked up on every use, because the speed path may move a parameter into one flat vector θ
    (``layer.params[key]`` becomes a view into θ): the variable follows, and an update through it is an update of
    the model.
    """

    def __init__(self, layer, key: str):
        self.layer, self.key = layer, key
        self.name = _KERAS_NAMES.get(key, key)

    @property
    def trainable(self) -> bool:
        """Whether the optimizer updates it: not for a frozen layer's weights, nor BatchNormalization's moving
        statistics (the layer's ``non_trainable`` keys)."""
        return self.key in self.layer.trainable_keys()

    @trainable.setter
    def trainable(self, value) -> None:
        raise AttributeError(
            f"Variable '{self.path}' belongs to layer '{self.layer.name}': set layer.trainable = False to freeze it."
        )

    @property
    def _value(self) -> np.ndarray:
        return self.layer.params[self.key]

    @property
    def path(self) -> str:
        """``'dense/kernel'``: the layer's name and the parameter's, as Keras 3 shows it."""
        return f"{self.layer.name}/{self.name}"

    def __repr__(self) -> str:
        return f"<sn.Variable '{self.path}:0' shape={tuple(self.shape)} dtype={self.dtype}, numpy={_numbers(self)}>"


def _numbers(v: Variable) -> str:
    return str(v._value) if v._value.ndim == 0 else repr(v._value)


def layer_variables(layer) -> list[LayerVariable]:
    """The Variables of ``layer``'s parameters, in Keras order; the same objects on every call (one per slot)."""
    cache = layer.__dict__.setdefault("_tape_variables", {})
    out = []
    for key in layer.params:
        if key not in cache:
            cache[key] = LayerVariable(layer, key)
        out.append(cache[key])
    return out

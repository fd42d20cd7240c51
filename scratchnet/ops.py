"""``keras.ops`` for code that runs on NumPy arrays: each op is the NumPy function of the same meaning.

Custom metrics written for Keras 3 (``from keras import ops``; ``ops.sum(ops.square(y_true - y_pred))``) run
unchanged on the arrays scratchnet gives them. Only the ops such code uses are here; anything else fails with a
line saying to use NumPy. These are not differentiated: scratchnet has no autograd, so ops are for metrics and
for your own NumPy code, not for losses (a loss needs its backward written out, see ``scratchnet.losses``).

>>> from scratchnet import ops
>>> ops.one_hot(np.array([0, 2]), num_classes=3)
array([[1., 0., 0.],
       [0., 0., 1.]], dtype=float32)
"""

from __future__ import annotations

import numpy as np

from scratchnet.utils import to_categorical

__all__ = [
    "abs",
    "argmax",
    "array",
    "cast",
    "convert_to_numpy",
    "convert_to_tensor",
    "equal",
    "exp",
    "expand_dims",
    "linspace",
    "log",
    "matmul",
    "max",
    "maximum",
    "mean",
    "min",
    "minimum",
    "one_hot",
    "ones",
    "reshape",
    "shape",
    "sqrt",
    "square",
    "squeeze",
    "sum",
    "where",
    "zeros",
]

# Keras's op names; abs, max, min and sum shadow the builtins, inside this module only.
abs = np.abs
argmax = np.argmax
equal = np.equal
exp = np.exp
expand_dims = np.expand_dims
log = np.log
matmul = np.matmul
max = np.max
maximum = np.maximum
mean = np.mean
min = np.min
minimum = np.minimum
reshape = np.reshape
sqrt = np.sqrt
square = np.square
squeeze = np.squeeze
sum = np.sum
where = np.where


def array(x, dtype=None) -> np.ndarray:
    return np.array(x, dtype=dtype)


def convert_to_tensor(x, dtype=None) -> np.ndarray:
    return np.asarray(x, dtype=dtype)


def convert_to_numpy(x) -> np.ndarray:
    return np.asarray(x)


def cast(x, dtype) -> np.ndarray:
    return np.asarray(x).astype(dtype)


def shape(x) -> tuple[int, ...]:
    return np.shape(x)


def one_hot(x, num_classes: int, dtype="float32") -> np.ndarray:
    """Keras's ``ops.one_hot``: integer labels to one-hot rows (see :func:`scratchnet.utils.to_categorical`)."""
    return to_categorical(x, num_classes).astype(dtype, copy=False)


def linspace(start, stop, num=50, dtype="float32") -> np.ndarray:
    return np.linspace(start, stop, num, dtype=dtype)


def ones(shape, dtype="float32") -> np.ndarray:
    return np.ones(shape, dtype=dtype)


def zeros(shape, dtype="float32") -> np.ndarray:
    return np.zeros(shape, dtype=dtype)


def __getattr__(name: str):
    raise AttributeError(
        f"module 'scratchnet.ops' has no attribute {name!r}: scratchnet.ops holds only {', '.join(__all__)}; "
        "use the NumPy function of the same meaning."
    )


# The arrays scratchnet hands back where TensorFlow would hand back a tensor. TensorFlow's tutorials call
# ``.numpy()`` on what a model returns (``model(x_train[:1]).numpy()``): here that is a NumPy array already, and
# EagerArray's ``.numpy()`` returns it as a plain ``np.ndarray``, so such lines run as written.


class EagerArray(np.ndarray):
    """A NumPy array with TensorFlow's ``.numpy()``, which returns the same numbers as a plain array (a view)."""

    def numpy(self) -> np.ndarray:
        return self.view(np.ndarray)


def eager(a):
    """``a`` (an array, or a list of arrays) viewed as :class:`EagerArray`; nothing is copied."""
    if isinstance(a, list):
        return [eager(item) for item in a]
    return np.asarray(a).view(EagerArray)

"""``keras.ops``: each op is the NumPy function of the same meaning, and on tensors the tape's op.

Custom metrics and losses written for Keras 3 (``from keras import ops``; ``ops.sum(ops.square(y_true - y_pred))``)
run unchanged. On NumPy arrays an op is plain NumPy (the fast path, a NumPy array out); on a tensor
(:mod:`scratchnet.tape`) NumPy hands the call to the tensor, which runs the recorded op of the same meaning
(``np.sum(t)`` is ``sn.reduce_sum(t)``), so inside a GradientTape these ops are differentiated. Only the ops such
code uses are here; anything else fails with a line saying to use NumPy.

>>> from scratchnet import ops
>>> ops.one_hot(np.array([0, 2]), num_classes=3)
array([[1., 0., 0.],
       [0., 0., 1.]], dtype=float32)
"""

from __future__ import annotations

import numpy as np

from scratchnet import losses, nn
from scratchnet.tape import array_ops
from scratchnet.tape.tensor import Tensor
from scratchnet.utils import to_categorical

__all__ = [
    "abs",
    "argmax",
    "array",
    "binary_crossentropy",
    "cast",
    "categorical_crossentropy",
    "clip",
    "concatenate",
    "convert_to_numpy",
    "convert_to_tensor",
    "dot",
    "equal",
    "exp",
    "expand_dims",
    "linspace",
    "log",
    "log1p",
    "matmul",
    "max",
    "maximum",
    "mean",
    "min",
    "minimum",
    "one_hot",
    "ones",
    "relu",
    "reshape",
    "shape",
    "sigmoid",
    "softmax",
    "sparse_categorical_crossentropy",
    "sqrt",
    "square",
    "squeeze",
    "stack",
    "sum",
    "tanh",
    "transpose",
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
clip = np.clip
concatenate = np.concatenate
dot = np.dot
log1p = np.log1p
stack = np.stack
transpose = np.transpose
relu, sigmoid, softmax, tanh = nn.relu, nn.sigmoid, nn.softmax, nn.tanh


def array(x, dtype=None) -> np.ndarray:
    return np.array(x, dtype=dtype)


def convert_to_tensor(x, dtype=None):
    if isinstance(x, Tensor):
        return x if dtype is None else array_ops.cast(x, dtype)
    return np.asarray(x, dtype=dtype)


def sparse_categorical_crossentropy(target, output, from_logits=False, axis=-1):
    """Keras 3's ``ops.sparse_categorical_crossentropy``: one loss value per example (recorded on tensors)."""
    return losses.sparse_categorical_crossentropy(target, output, from_logits=from_logits)


def categorical_crossentropy(target, output, from_logits=False, axis=-1):
    return losses.categorical_crossentropy(target, output, from_logits=from_logits)


def binary_crossentropy(target, output, from_logits=False):
    return losses.binary_crossentropy(target, output, from_logits=from_logits)


def convert_to_numpy(x) -> np.ndarray:
    return np.asarray(x)


def cast(x, dtype):
    if isinstance(x, Tensor):
        return array_ops.cast(x, dtype)
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

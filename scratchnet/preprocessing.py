"""Preprocessing layers: ``Normalization``, which learns a mean and a variance from data before training.

TensorFlow's regression tutorial starts its model with ``normalizer = layers.Normalization(axis=-1)``,
``normalizer.adapt(train_features)``: the layer measures each feature's mean and variance once, then every batch
is standardized with them. Nothing in it is trained by gradient descent, so it has no ``params``; its backward
only scales the gradient, like any fixed linear map.
"""

from __future__ import annotations

import numpy as np

from scratchnet.arrays import eager
from scratchnet.checks import check_inputs
from scratchnet.layer import Layer

__all__ = ["Normalization"]

# Keras's floor for the standard deviation: a constant feature is divided by this instead of by 0.
EPSILON = 1e-7


class Normalization(Layer):
    """Standardizes each feature with a mean and variance measured by :meth:`adapt` (or given).

    Forward:   y  = (x - mean) / sqrt(var)       x: (N, ..., D)  mean, var: broadcast to one example  ->  y: like x
    Backward:  dx = dy / sqrt(var)               (N, ..., D)     mean and var are constants here

    Args:
        axis: the axis (or axes) that keep their own mean and variance; ``-1``, the features, by default.
            ``None`` means one mean and one variance for everything (a single input such as horsepower).
        mean, variance: known values instead of :meth:`adapt`.
        invert: apply the inverse, ``x * sqrt(var) + mean``.

    >>> import numpy as np
    >>> norm = Normalization()
    >>> norm.adapt(np.array([[1.0, 10.0], [3.0, 30.0]]))
    >>> norm(np.array([[2.0, 20.0]])).round(6).tolist()
    [[0.0, 0.0]]
    """

    def __init__(self, axis=-1, mean=None, variance=None, invert: bool = False, **kwargs):
        super().__init__(**kwargs)
        if axis is not None and not isinstance(axis, (int, tuple, list)):
            raise TypeError(
                f"Normalization expected axis to be an int, a tuple of ints or None. Received: axis={axis!r}."
            )
        self.axis = tuple(axis) if isinstance(axis, (tuple, list)) else axis
        self.invert = bool(invert)
        if (mean is None) != (variance is None):
            raise ValueError("Normalization expected both mean and variance, or neither (then call adapt(data)).")
        self.mean = None if mean is None else np.asarray(mean, dtype=np.float64)
        self.variance = None if variance is None else np.asarray(variance, dtype=np.float64)

    def _kept_axes(self, ndim: int) -> tuple[int, ...]:
        """The axes of a batch (with its batch axis) that keep their own statistics."""
        if self.axis is None:
            return ()
        axes = self.axis if isinstance(self.axis, tuple) else (self.axis,)
        return tuple(sorted(a % ndim for a in axes))

    def adapt(self, data) -> None:
        """Measure the mean and variance of ``data`` (N, ...) over every axis except ``axis``."""
        data = check_inputs(data, "Normalization.adapt", "data").astype(np.float64)
        kept = self._kept_axes(data.ndim)
        if 0 in kept:
            raise ValueError(f"Normalization: axis={self.axis!r} is the batch axis; statistics are taken over it.")
        reduce = tuple(a for a in range(data.ndim) if a not in kept)
        # EagerArray: TensorFlow's tutorial prints normalizer.mean.numpy().
        self.mean = eager(data.mean(axis=reduce, keepdims=True)[0])
        self.variance = eager(data.var(axis=reduce, keepdims=True)[0])

    def build(self, input_shape, rng, dtype):
        super().build(input_shape, rng, dtype)
        if self.mean is not None:
            self._scale_arrays()

    def _scale_arrays(self) -> None:
        dtype = self.dtype or np.dtype("float32")
        self._mean = np.asarray(self.mean, dtype=dtype)
        # Python-float floor: the result keeps the layer's dtype.
        self._std = np.maximum(np.sqrt(np.asarray(self.variance, dtype=dtype)), dtype.type(EPSILON))

    def forward(self, x, training=False):
        if self.mean is None:
            raise RuntimeError(
                f"Normalization '{self.name}' has no mean and variance yet. Call normalizer.adapt(train_features) "
                "before training, or pass mean= and variance=."
            )
        if getattr(self, "_mean", None) is None or self._mean.dtype != x.dtype:
            self.dtype = x.dtype
            self._scale_arrays()
        if self.invert:
            return x * self._std + self._mean
        return (x - self._mean) / self._std

    def backward(self, dy):
        return dy * self._std if self.invert else dy / self._std

    def get_config(self):
        return {
            **super().get_config(),
            "axis": list(self.axis) if isinstance(self.axis, tuple) else self.axis,
            "mean": None if self.mean is None else np.asarray(self.mean).tolist(),
            "variance": None if self.variance is None else np.asarray(self.variance).tolist(),
            "invert": self.invert,
        }

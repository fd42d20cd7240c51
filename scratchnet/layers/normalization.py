"""Normalization: the preprocessing layer that standardizes features, ``keras.layers.Normalization``.

``adapt(data)`` measures each feature's mean and variance once, before training; the layer then subtracts the mean
and divides by the standard deviation of every batch. It has no trainable parameters: mean and variance are
statistics of the data, not learned by gradient descent.
"""

from __future__ import annotations

import numpy as np

from scratchnet.layers.base import Layer

__all__ = ["Normalization"]

# As Keras: the standard deviation is floored here, so a constant feature (variance 0) does not divide by 0.
_MIN_STD = 1e-7


class Normalization(Layer):
    """Standardize each feature: ``y = (x - mean) / std``, with mean and variance measured by :meth:`adapt`.

    Forward:   y  = (x - mean) / std            x: (N, ..., D)  mean, std: (D,), or () with axis=None  ->  y: like x
    Backward:  dx = dy / std                    like x   mean and std are constants of the data, so the chain rule
                                                         only scales the gradient (no parameter gets one)

    ``std = max(sqrt(variance), 1e-7)``. Before ``adapt`` (and without ``mean``/``variance``) the layer is the
    identity (mean 0, variance 1), as in Keras. The statistics are saved with the model (in its config).

    >>> import numpy as np
    >>> norm = Normalization()
    >>> norm.adapt(np.array([[1.0, 10.0], [3.0, 30.0]]))
    >>> norm(np.array([[2.0, 20.0], [3.0, 30.0]]))
    array([[0., 0.],
           [1., 1.]], dtype=float32)

    Args:
        axis: the feature axis, each of whose entries gets its own mean and variance (Keras's default -1, the
            last axis); ``None`` for one mean and variance over everything.
        mean, variance: the statistics, if known, instead of calling ``adapt``.
        **kwargs: ``name``, ``input_shape`` (e.g. ``Normalization(input_shape=[1], axis=None)``), ``dtype``.
    """

    def __init__(self, axis: int | None = -1, mean=None, variance=None, **kwargs):
        if axis is not None and (isinstance(axis, bool) or not isinstance(axis, int)):
            raise ValueError(
                f"Normalization expected `axis` to be an int or None. Received: axis={axis!r}. (Several feature "
                "axes at once are not supported in scratchnet.)"
            )
        if (mean is None) != (variance is None):
            raise ValueError("Normalization: pass both `mean` and `variance`, or neither (and call adapt()).")
        super().__init__(**kwargs)
        self.axis = axis
        self.mean = None if mean is None else _statistic("mean", mean)
        self.variance = None if variance is None else _statistic("variance", variance)

    def adapt(self, data) -> None:
        """Measure the mean and variance of ``data`` (N, ..., D), over every axis but the feature axis.

        Raises:
            ValueError: for data that is not a numeric array with at least one example, or whose feature axis does
                not match the one the layer was built for.
        """
        x = np.asarray(data, dtype=np.float64)
        if x.ndim == 1 and self.axis is not None:
            x = x.reshape(-1, 1)  # a column of values, as for Dense: one feature
        if x.size == 0 or not np.isfinite(x).all():
            raise ValueError(
                f"Normalization.adapt expected finite numbers, at least one example. Received: shape {x.shape}."
            )
        if self.axis is None:
            mean, variance = x.mean(), x.var()
        else:
            axis = self._feature_axis(x.ndim, f"data of shape {x.shape}")
            if axis == 0:
                raise ValueError("Normalization: axis 0 is the batch axis; the feature axis is usually -1.")
            reduce = tuple(a for a in range(x.ndim) if a != axis)
            mean, variance = x.mean(axis=reduce), x.var(axis=reduce)
            if self.built and self.input_shape is not None and mean.shape != (self.input_shape[axis - 1],):
                raise ValueError(
                    f"Normalization '{self.name}' was built for {self.input_shape[axis - 1]} features. Received: "
                    f"data with {mean.shape[0]} features (shape {x.shape})."
                )
        self.mean, self.variance = np.asarray(mean), np.asarray(variance)
        if self.built:
            self._set_statistics()

    def build(self, input_shape, rng, dtype):
        super().build(input_shape, rng, dtype)
        self._set_statistics()

    def _set_statistics(self) -> None:
        # Shaped to broadcast over (N, ..., D): the feature axis keeps its size, every other axis is 1.
        ndim = len(self.input_shape) + 1
        if self.axis is None:
            shape = ()
            mean = 0.0 if self.mean is None else float(self.mean)
            variance = 1.0 if self.variance is None else float(self.variance)
        else:
            axis = self._feature_axis(ndim, f"inputs of shape {(None, *self.input_shape)}")
            shape = [1] * ndim
            shape[axis] = self.input_shape[axis - 1]
            mean = np.zeros(shape) if self.mean is None else _shaped(self.mean, shape)
            variance = np.ones(shape) if self.variance is None else _shaped(self.variance, shape)
        self._mean = np.broadcast_to(mean, shape).astype(self.dtype)
        std = np.maximum(np.sqrt(np.broadcast_to(variance, shape)), _MIN_STD)
        self._inv_std = (1.0 / std).astype(self.dtype)

    def _feature_axis(self, ndim: int, what: str) -> int:
        if not -ndim <= self.axis < ndim:
            raise ValueError(
                f"Normalization '{self.name}': axis={self.axis} is out of range for {what} ({ndim} axes, so -{ndim} "
                f"to {ndim - 1}). Received: axis={self.axis}. The feature axis is usually -1, the last."
            )
        return self.axis % ndim

    def forward(self, x, training=False):
        return (x - self._mean) * self._inv_std

    def backward(self, dy):
        return dy * self._inv_std

    def get_config(self):
        config = {**super().get_config(), "axis": self.axis}
        if self.mean is not None:
            config["mean"] = np.asarray(self.mean).tolist()
            config["variance"] = np.asarray(self.variance).tolist()
        return config

    def __repr__(self) -> str:
        adapted = "adapted" if self.mean is not None else "not adapted"
        return f"<Normalization name={self.name!r}, axis={self.axis}, {adapted}, built={self.built}>"


def _statistic(name: str, values) -> np.ndarray:
    """A given mean or variance, checked: finite numbers, and a variance is never negative."""
    try:
        array = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"Normalization expected `{name}` to be numbers. Received: {name}={values!r}.") from None
    if not np.isfinite(array).all() or (name == "variance" and (array < 0).any()):
        wanted = "finite numbers >= 0 (a variance is a mean of squares)" if name == "variance" else "finite numbers"
        raise ValueError(f"Normalization expected `{name}` to hold {wanted}. Received: {name}={values!r}.")
    return array


def _shaped(values: np.ndarray, shape: list[int]) -> np.ndarray:
    """One value per feature, placed on the feature axis of ``shape``; a single value is used for every feature."""
    values = np.asarray(values, dtype=np.float64)
    if values.size == 1:
        return np.full(shape, float(values.reshape(())))
    if values.size != int(np.prod(shape)):
        raise ValueError(
            f"Normalization: expected one mean and variance per feature, {int(np.prod(shape))} of them. "
            f"Received: {values.size} values."
        )
    return values.reshape(shape)

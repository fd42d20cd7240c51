"""BatchNormalization and LayerNormalization: standardize, then scale and shift with learned gamma and beta.

Both compute ``xhat = (x - mean) / sqrt(var + epsilon)`` and ``y = gamma * xhat + beta``; they differ in *what* the
mean is taken over. BatchNormalization averages each feature over the batch (and, after a Conv2D, over every
position of the image), so an example's output depends on the other examples of its batch while training; at
inference it uses moving averages instead. LayerNormalization averages each example over its own features, so it
does the same thing in training and inference.

The backward of the batch statistics is the classic hard one: mean and variance depend on every input, so every
``dx`` depends on every ``dy`` of its feature. It is written out below in its one-line form; the lesson
``notebooks/src/08_batch_normalization.py`` derives it step by step through the computation graph.
"""

from __future__ import annotations

import math
import numbers

import numpy as np

from scratchnet import initializers, regularizers
from scratchnet.layers.base import Layer

__all__ = ["BatchNormalization", "LayerNormalization"]


def _check_axis(who: str, axis) -> int:
    if isinstance(axis, (list, tuple)) and len(axis) == 1:
        axis = axis[0]
    if isinstance(axis, bool) or not isinstance(axis, (int, np.integer)):
        raise ValueError(
            f"{who} expected `axis` to be an int, the feature axis (Keras's default -1, the last one). "
            f"Received: axis={axis!r}. (Several axes at once are not supported in scratchnet.)"
        )
    return int(axis)


def _check_epsilon(who: str, epsilon) -> float:
    if isinstance(epsilon, bool) or not isinstance(epsilon, numbers.Real) or not epsilon > 0:
        raise ValueError(f"{who} expected `epsilon` to be a number > 0. Received: epsilon={epsilon!r}.")
    return float(epsilon)


class _Normalizer(Layer):
    """What both normalizations share: the arguments, gamma and beta, and the feature axis of an input shape."""

    def __init__(
        self,
        axis=-1,
        epsilon: float = 1e-3,
        center: bool = True,
        scale: bool = True,
        beta_initializer: str = "zeros",
        gamma_initializer: str = "ones",
        beta_regularizer=None,
        gamma_regularizer=None,
        **kwargs,
    ):
        who = type(self).__name__
        self.axis = _check_axis(who, axis)
        self.epsilon = _check_epsilon(who, epsilon)
        super().__init__(**kwargs)
        self.center, self.scale = bool(center), bool(scale)
        self.beta_initializer, self.gamma_initializer = beta_initializer, gamma_initializer
        self._beta_init, self._gamma_init = initializers.get(beta_initializer), initializers.get(gamma_initializer)
        found = {"gamma": regularizers.get(gamma_regularizer), "beta": regularizers.get(beta_regularizer)}
        self.regularizers = {key: reg for key, reg in found.items() if reg is not None}

    def _feature_axis(self, input_shape) -> int:
        """The feature axis as a positive index into ``(N, *input_shape)``; never the batch axis."""
        ndim = len(input_shape) + 1
        if not -ndim <= self.axis < ndim or self.axis % ndim == 0:
            raise ValueError(
                f"{type(self).__name__} '{self.name}': axis={self.axis} is not a feature axis of inputs of shape "
                f"{(None, *input_shape)}. Use -1, the last axis (features of a Dense, channels of a Conv2D)."
            )
        return self.axis % ndim

    def _build_gamma_beta(self, input_shape, rng) -> None:
        self.feature_axis = self._feature_axis(input_shape)
        features = input_shape[self.feature_axis - 1]
        # gamma and beta broadcast over (N, ..., C): the feature axis keeps its size, every other axis is 1.
        self.broadcast = tuple(features if a == self.feature_axis else 1 for a in range(len(input_shape) + 1))
        self.params = {}
        if self.scale:
            self.params["gamma"] = self._gamma_init((features,), rng, self.dtype)
        if self.center:
            self.params["beta"] = self._beta_init((features,), rng, self.dtype)

    def _check_input(self, x) -> None:
        if x.shape[1:] != tuple(self.input_shape):
            raise ValueError(
                f"{type(self).__name__} '{self.name}' was built for inputs of shape {(None, *self.input_shape)}. "
                f"Received: x.shape={x.shape}."
            )

    def _affine(self, xhat):
        y = xhat
        if self.scale:
            y = y * self.params["gamma"].reshape(self.broadcast)
        if self.center:
            y = y + self.params["beta"].reshape(self.broadcast)
        return y

    def _affine_grads(self, dy, xhat, axes) -> np.ndarray:
        """Fill dgamma and dbeta; return dxhat = dy * gamma."""
        self.grads = {}
        if self.scale:
            self.grads["gamma"] = (dy * xhat).sum(axis=axes)
        if self.center:
            self.grads["beta"] = dy.sum(axis=axes)
        return dy * self.params["gamma"].reshape(self.broadcast) if self.scale else dy

    def get_config(self):
        names = {"gamma": "gamma_regularizer", "beta": "beta_regularizer"}
        return {
            **super().get_config(),
            "axis": self.axis,
            "epsilon": self.epsilon,
            "center": self.center,
            "scale": self.scale,
            "beta_initializer": self.beta_initializer,
            "gamma_initializer": self.gamma_initializer,
            **{names[key]: regularizers.to_config(reg) for key, reg in self.regularizers.items()},
        }


class BatchNormalization(_Normalizer):
    """Normalize each feature over the batch, then scale and shift: ``keras.layers.BatchNormalization``.

    Training (``fit``), with m = the number of values each feature has in the batch (N, or N*H*W after a Conv2D):

    Forward:   mu      = x.mean(axes)                       (C,)   axes = every axis but the feature axis
               var     = x.var(axes)                        (C,)   biased (divides by m), as Keras
               inv_std = 1 / sqrt(var + epsilon)            (C,)
               xhat    = (x - mu) * inv_std                 x, xhat: (N, ..., C)
               y       = gamma * xhat + beta                (N, ..., C)   gamma, beta: (C,)
    Backward:  dgamma  = (dy * xhat).sum(axes)              (C,)
               dbeta   = dy.sum(axes)                       (C,)
               dxhat   = dy * gamma                         (N, ..., C)
               dx      = inv_std / m * (m * dxhat - dxhat.sum(axes) - xhat * (dxhat * xhat).sum(axes))

    The last line is the whole graph (x -> mu -> var -> xhat) collapsed. Through the graph, dx has three terms:
    the direct path ``dxhat * inv_std``; the path through var, ``dvar * 2 (x - mu) / m`` with
    ``dvar = sum(dxhat * (x - mu)) * -inv_std**3 / 2``; and the path through mu, ``dmu / m`` with
    ``dmu = -sum(dxhat) * inv_std`` (the term through var's dependence on mu sums to zero, since
    ``sum(x - mu) = 0``). Writing ``x - mu = xhat / inv_std`` and factoring out ``inv_std / m`` gives the line.

    Each training step also updates the moving statistics, which gradient descent never touches:

               moving_mean     = momentum * moving_mean     + (1 - momentum) * mu
               moving_variance = momentum * moving_variance + (1 - momentum) * var

    Inference (``predict``, ``evaluate``): the moving statistics replace the batch's, so the output of an example
    no longer depends on its batch, and the layer is a fixed affine map:

    Forward:   y  = gamma * (x - moving_mean) / sqrt(moving_variance + epsilon) + beta
    Backward:  dx = dy * gamma / sqrt(moving_variance + epsilon)

    Weights, in Keras's order: ``[gamma, beta, moving_mean, moving_variance]``, each ``(C,)``; the last two are
    non-trainable (listed in ``non_trainable``): no gradient, no optimizer slot, saved and loaded like the others.

    Args:
        axis: the feature axis (-1: the features after a Dense, the channels after a Conv2D).
        momentum: how slowly the moving statistics follow the batch's (Keras's 0.99).
        epsilon: added to the variance so a constant feature does not divide by zero (Keras's 1e-3).
        center, scale: whether to learn beta and gamma.
        beta_initializer, gamma_initializer, moving_mean_initializer, moving_variance_initializer: names.
        beta_regularizer, gamma_regularizer: optional weight penalties.
        **kwargs: ``name``, ``input_shape``, ``dtype``.

    >>> import numpy as np
    >>> bn = BatchNormalization()
    >>> y = bn(np.array([[1.0, 10.0], [3.0, 30.0]]), training=True)
    >>> np.round(y, 4)  # feature 0: (1 - 2) / sqrt(1 + 0.001); epsilon shows where the variance is small
    array([[-0.9995, -1.    ],
           [ 0.9995,  1.    ]], dtype=float32)
    """

    def __init__(
        self,
        axis=-1,
        momentum: float = 0.99,
        epsilon: float = 1e-3,
        center: bool = True,
        scale: bool = True,
        beta_initializer: str = "zeros",
        gamma_initializer: str = "ones",
        moving_mean_initializer: str = "zeros",
        moving_variance_initializer: str = "ones",
        beta_regularizer=None,
        gamma_regularizer=None,
        synchronized: bool = False,
        **kwargs,
    ):
        if isinstance(momentum, bool) or not isinstance(momentum, numbers.Real) or not 0 <= momentum <= 1:
            raise ValueError(
                "BatchNormalization expected `momentum` in [0, 1] (Keras's default 0.99). "
                f"Received: momentum={momentum!r}."
            )
        super().__init__(
            axis, epsilon, center, scale, beta_initializer, gamma_initializer, beta_regularizer, gamma_regularizer,
            **kwargs,
        )  # fmt: skip
        self.momentum = float(momentum)
        self.moving_mean_initializer = moving_mean_initializer
        self.moving_variance_initializer = moving_variance_initializer
        self._mean_init = initializers.get(moving_mean_initializer)
        self._var_init = initializers.get(moving_variance_initializer)
        self.synchronized = bool(synchronized)  # one process here: nothing to synchronize

    def build(self, input_shape, rng, dtype):
        super().build(input_shape, rng, dtype)
        self._build_gamma_beta(self.input_shape, rng)
        features = self.broadcast[self.feature_axis]
        self.params["moving_mean"] = self._mean_init((features,), rng, self.dtype)
        self.params["moving_variance"] = self._var_init((features,), rng, self.dtype)
        self.non_trainable = {"moving_mean", "moving_variance"}
        self.grads = {key: np.zeros_like(self.params[key]) for key in self.trainable_keys()}

    def forward(self, x, training=False):
        self._check_built("forward")
        self._check_input(x)
        axes = tuple(a for a in range(x.ndim) if a != self.feature_axis)
        # A frozen BatchNormalization (trainable=False) runs in inference mode even in fit, as in Keras 3.
        self.training = training and getattr(self, "trainable", True)
        if self.training:
            mu, var = x.mean(axis=axes), x.var(axis=axes)
            self._update_moving(mu, var)
        else:
            mu, var = self.params["moving_mean"], self.params["moving_variance"]
        inv_std = 1.0 / np.sqrt(var + self.epsilon)
        self.inv_std, self.axes = inv_std.reshape(self.broadcast), axes
        self.xhat = (x - mu.reshape(self.broadcast)) * self.inv_std
        return self._affine(self.xhat)

    def _update_moving(self, mu, var) -> None:
        # In place, so a view of the weights (the flat θ of scratchnet.speed) keeps seeing them.
        m = self.momentum
        self.params["moving_mean"][...] = m * self.params["moving_mean"] + (1.0 - m) * mu
        self.params["moving_variance"][...] = m * self.params["moving_variance"] + (1.0 - m) * var

    def backward(self, dy):
        dxhat = self._affine_grads(dy, self.xhat, self.axes)
        if not self.training:  # moving statistics are constants: only the scale by inv_std remains
            return dxhat * self.inv_std
        m = math.prod(dy.shape[a] for a in self.axes)
        sum_dxhat = dxhat.sum(axis=self.axes, keepdims=True)
        sum_dxhat_xhat = (dxhat * self.xhat).sum(axis=self.axes, keepdims=True)
        return (self.inv_std / m) * (m * dxhat - sum_dxhat - self.xhat * sum_dxhat_xhat)

    def get_config(self):
        return {
            **super().get_config(),
            "momentum": self.momentum,
            "moving_mean_initializer": self.moving_mean_initializer,
            "moving_variance_initializer": self.moving_variance_initializer,
        }


class LayerNormalization(_Normalizer):
    """Normalize each example over its own features, then scale and shift: ``keras.layers.LayerNormalization``.

    With D = the size of the feature axis (the mean and variance are per example, so training and inference agree):

    Forward:   mu      = x.mean(axis, keepdims=True)        (N, ..., 1)
               var     = x.var(axis, keepdims=True)         (N, ..., 1)   biased, as Keras
               inv_std = 1 / sqrt(var + epsilon)            (N, ..., 1)
               xhat    = (x - mu) * inv_std                 (N, ..., D)
               y       = gamma * xhat + beta                (N, ..., D)   gamma, beta: (D,)
    Backward:  dgamma  = (dy * xhat).sum(every axis but axis)          (D,)
               dbeta   = dy.sum(every axis but axis)                   (D,)
               dxhat   = dy * gamma                                    (N, ..., D)
               dx      = inv_std * (dxhat - dxhat.mean(axis) - xhat * (dxhat * xhat).mean(axis))

    The same one-line backward as :class:`BatchNormalization`'s, along the other axis (mean = sum / D).
    Weights: ``[gamma, beta]``, each ``(D,)``, both trainable.

    Args:
        axis: the axis normalized over (-1, the features).
        epsilon: added to the variance (Keras's 1e-3).
        center, scale: whether to learn beta and gamma.
        beta_initializer, gamma_initializer, beta_regularizer, gamma_regularizer: as for BatchNormalization.
        **kwargs: ``name``, ``input_shape``, ``dtype``.
    """

    def __init__(self, axis=-1, epsilon: float = 1e-3, center: bool = True, scale: bool = True, **kwargs):
        super().__init__(axis, epsilon, center, scale, **kwargs)

    def build(self, input_shape, rng, dtype):
        super().build(input_shape, rng, dtype)
        self._build_gamma_beta(self.input_shape, rng)
        self.grads = {key: np.zeros_like(p) for key, p in self.params.items()}

    def forward(self, x, training=False):
        self._check_built("forward")
        self._check_input(x)
        a = self.feature_axis
        mu, var = x.mean(axis=a, keepdims=True), x.var(axis=a, keepdims=True)
        self.inv_std = 1.0 / np.sqrt(var + self.epsilon)
        self.xhat = (x - mu) * self.inv_std
        return self._affine(self.xhat)

    def backward(self, dy):
        a = self.feature_axis
        dxhat = self._affine_grads(dy, self.xhat, tuple(i for i in range(dy.ndim) if i != a))
        mean_dxhat = dxhat.mean(axis=a, keepdims=True)
        mean_dxhat_xhat = (dxhat * self.xhat).mean(axis=a, keepdims=True)
        return self.inv_std * (dxhat - mean_dxhat - self.xhat * mean_dxhat_xhat)

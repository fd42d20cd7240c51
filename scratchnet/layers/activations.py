"""Activation layers: an activation function as its own step of the chain rule, forward beside backward.

``Dense(128, activation="relu")`` keeps one of these in ``dense.activation``; ``ReLU()``, ``Softmax()`` and friends
are the same step as a layer of its own. The functions themselves, each beside its backward, are in
:mod:`scratchnet.nn`. Import these from :mod:`scratchnet.layers`, like every layer.
"""

from __future__ import annotations

import numbers
from collections.abc import Callable

import numpy as np

from scratchnet import initializers, nn, regularizers
from scratchnet.layers.base import Layer

__all__ = [
    "ELU",
    "Activation",
    "LeakyReLU",
    "PReLU",
    "ReLU",
    "Sigmoid",
    "Softmax",
    "Tanh",
    "linear",
    "relu",
    "sigmoid",
    "softmax",
    "tanh",
]

# Keras's keras.activations.relu(x) and friends: the functions of scratchnet.nn, each beside its backward there.
relu, sigmoid, softmax, tanh, linear = nn.relu, nn.sigmoid, nn.softmax, nn.tanh, nn.linear


class Activation(Layer):
    """Applies an activation function elementwise (softmax: along the last axis).

    Forward:   y  = f(x)                        x: (N, ...)  ->  y: (N, ...)
    Backward:  dx = f_backward(dy, y)           (N, ...)     each f_backward is in scratchnet.nn, beside f

    Args:
        activation: ``'relu'``, ``'softmax'``, ``'sigmoid'``, ``'tanh'``, ``'linear'``, or the matching
            function from ``scratchnet.nn``.
    """

    def __init__(self, activation: str | Callable | None, **kwargs):
        super().__init__(**kwargs)
        self.activation_name, self.fn, self.fn_backward = nn.get_activation(activation)

    def forward(self, x, training=False):
        self.y = self.fn(x)
        if self.activation_name in nn.FROM_INPUT:  # gelu, silu: the output does not tell the input
            self.x = x
        return self.y

    def backward(self, dy):
        if self.activation_name in nn.FROM_INPUT:
            return self.fn_backward(dy, self.x)
        return self.fn_backward(dy, self.y)

    def get_config(self):
        return {**super().get_config(), "activation": self.activation_name}


class ReLU(Activation):
    """``Activation('relu')`` as its own layer (see :func:`scratchnet.nn.relu`)."""

    def __init__(self, **kwargs):
        super().__init__("relu", **kwargs)

    def get_config(self):
        return Layer.get_config(self)


class Sigmoid(Activation):
    """``Activation('sigmoid')`` as its own layer (see :func:`scratchnet.nn.sigmoid`)."""

    def __init__(self, **kwargs):
        super().__init__("sigmoid", **kwargs)

    def get_config(self):
        return Layer.get_config(self)


class Tanh(Activation):
    """``Activation('tanh')`` as its own layer (see :func:`scratchnet.nn.tanh`)."""

    def __init__(self, **kwargs):
        super().__init__("tanh", **kwargs)

    def get_config(self):
        return Layer.get_config(self)


class Softmax(Activation):
    """Softmax over the last axis: turns logits into class probabilities.

    Forward:   y  = exp(x - max(x)) / sum(exp(x - max(x)))      x: (N, C)  ->  y: (N, C), rows sum to 1
    Backward:  dx = y * (dy - (dy * y).sum(-1, keepdims=True))   (N, C)

    Typical use, from the TensorFlow classification tutorial: train a model that outputs logits with
    ``SparseCategoricalCrossentropy(from_logits=True)``, then ``Sequential([model, Softmax()])`` to predict
    probabilities.
    """

    def __init__(self, **kwargs):
        super().__init__("softmax", **kwargs)

    def get_config(self):
        return Layer.get_config(self)


def _number(who: str, name: str, value) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise ValueError(f"{who} expected `{name}` to be a number. Received: {name}={value!r}.")
    return float(value)


class LeakyReLU(Layer):
    """ReLU with a small slope below 0, so no unit is ever dead: ``keras.layers.LeakyReLU``.

    Forward:   y  = x if x > 0 else negative_slope * x         x: (N, ...)  ->  y: (N, ...)
    Backward:  dx = dy * (1 if y > 0 else negative_slope)      (N, ...)   see scratchnet.nn.leaky_relu_backward

    Args:
        negative_slope: the slope below 0 (Keras's default 0.3; Keras 2 called it ``alpha``, accepted too).
    """

    def __init__(self, negative_slope: float = 0.3, **kwargs):
        if "alpha" in kwargs:  # Keras 2's name, still in many course notebooks
            negative_slope = kwargs.pop("alpha")
        self.negative_slope = _number("LeakyReLU", "negative_slope", negative_slope)
        super().__init__(**kwargs)

    def forward(self, x, training=False):
        self.y = nn.leaky_relu(x, self.negative_slope)
        return self.y

    def backward(self, dy):
        return nn.leaky_relu_backward(dy, self.y, self.negative_slope)

    def get_config(self):
        return {**super().get_config(), "negative_slope": self.negative_slope}


class ELU(Layer):
    """Exponential linear unit as a layer: ``keras.layers.ELU``.

    Forward:   y  = x if x > 0 else alpha * (exp(x) - 1)       x: (N, ...)  ->  y: (N, ...)
    Backward:  dx = dy * (1 if y > 0 else y + alpha)           (N, ...)   see scratchnet.nn.elu_backward

    Args:
        alpha: the value approached for x -> -inf is -alpha (Keras's default 1.0).
    """

    def __init__(self, alpha: float = 1.0, **kwargs):
        self.alpha = _number("ELU", "alpha", alpha)
        super().__init__(**kwargs)

    def forward(self, x, training=False):
        self.y = nn.elu(x, self.alpha)
        return self.y

    def backward(self, dy):
        return nn.elu_backward(dy, self.y, self.alpha)

    def get_config(self):
        return {**super().get_config(), "alpha": self.alpha}


class PReLU(Layer):
    """Parametric ReLU: a leaky ReLU whose slope below 0 is learned, one per unit: ``keras.layers.PReLU``.

    Forward:   y      = max(x, 0) + alpha * min(x, 0)          x: (N, ...)  alpha: like one example, or 1 on
                                                                shared axes  ->  y: (N, ...)
    Backward:  dalpha = (dy * min(x, 0)).sum(batch and shared axes)     like alpha: shared by the batch
               dx     = dy * (1 if x > 0 else alpha)           (N, ...)

    Args:
        alpha_initializer: the initial slopes (Keras's ``'zeros'``: a plain ReLU to start with).
        alpha_regularizer: an optional weight penalty on alpha.
        shared_axes: axes (1-based, as in Keras; 1 is the first axis after the batch) sharing one slope, e.g.
            ``[1, 2]`` after a Conv2D for one slope per channel.
    """

    def __init__(self, alpha_initializer: str = "zeros", alpha_regularizer=None, shared_axes=None, **kwargs):
        super().__init__(**kwargs)
        self.alpha_initializer = alpha_initializer
        self._alpha_init = initializers.get(alpha_initializer)
        alpha_regularizer = regularizers.get(alpha_regularizer)
        self.regularizers = {} if alpha_regularizer is None else {"alpha": alpha_regularizer}
        if shared_axes is not None and not isinstance(shared_axes, (list, tuple)):
            shared_axes = [shared_axes]
        self.shared_axes = None if shared_axes is None else [int(a) for a in shared_axes]

    def build(self, input_shape, rng, dtype):
        super().build(input_shape, rng, dtype)
        shape = list(self.input_shape)
        for a in self.shared_axes or []:
            if not 1 <= a <= len(shape):
                raise ValueError(
                    f"PReLU '{self.name}': shared_axes counts from 1 (the first axis after the batch) to "
                    f"{len(shape)} for inputs of shape {(None, *shape)}. Received: shared_axes={self.shared_axes}."
                )
            shape[a - 1] = 1
        self.params = {"alpha": self._alpha_init(tuple(shape), rng, self.dtype)}
        self.grads = {"alpha": np.zeros_like(self.params["alpha"])}

    def forward(self, x, training=False):
        self._check_built("forward")
        self.x = x
        return np.maximum(x, 0) + self.params["alpha"] * np.minimum(x, 0)

    def backward(self, dy):
        alpha = self.params["alpha"]
        # Sum over the batch and over every axis alpha is shared along (size 1 in alpha, larger in x).
        axes = (0, *(a + 1 for a, size in enumerate(alpha.shape) if size == 1 and self.x.shape[a + 1] != 1))
        self.grads = {"alpha": (dy * np.minimum(self.x, 0)).sum(axis=axes).reshape(alpha.shape)}
        return np.where(self.x > 0, dy, dy * alpha)

    def get_config(self):
        config = {**super().get_config(), "alpha_initializer": self.alpha_initializer, "shared_axes": self.shared_axes}
        if "alpha" in self.regularizers:
            config["alpha_regularizer"] = regularizers.to_config(self.regularizers["alpha"])
        return config

"""Activation layers: an activation function as its own step of the chain rule, forward beside backward.

``Dense(128, activation="relu")`` keeps one of these in ``dense.activation``; ``ReLU()``, ``Softmax()`` and friends
are the same step as a layer of its own. The functions themselves, each beside its backward, are in
:mod:`scratchnet.nn`. Import these from :mod:`scratchnet.layers`, like every layer.
"""

from __future__ import annotations

from collections.abc import Callable

from scratchnet import nn
from scratchnet.layers.base import Layer

__all__ = ["Activation", "ReLU", "Sigmoid", "Softmax", "Tanh", "linear", "relu", "sigmoid", "softmax", "tanh"]

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
        return self.y

    def backward(self, dy):
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

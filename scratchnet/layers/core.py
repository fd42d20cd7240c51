"""Layers: each one a forward and a backward, side by side.

Each class docstring has a Forward/Backward block that mirrors its code line by line, in the notation of
``docs/backprop.md``. The contract they all follow (``params``, ``grads``, ``build``, ``forward``, ``backward``)
is in :mod:`scratchnet.layers.base`.

Layers never divide by the batch size: the 1/N of the batch mean lives in the loss's backward only.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable

import numpy as np

from scratchnet import initializers, regularizers, speed
from scratchnet.layers.activations import Activation
from scratchnet.layers.base import Layer

__all__ = ["Dense", "Dropout", "Flatten", "Lambda", "Reshape"]


class Dense(Layer):
    """A fully connected layer, ``y = activation(x @ W + b)``.

    Forward:   z  = x @ W + b          x: (N, D)  W: (D, M)  b: (M,)  ->  z: (N, M)   (on (N, T, D): the last axis)
               y  = activation(z)      (N, M)
    Backward:  dz = activation_backward(dy, y)     (N, M)   (the Activation step; identity when linear)
               dW = x.T @ dz           (D, M)   W is shared by every example, so its gradient sums over the batch
               db = dz.sum(axis=0)     (M,)     likewise for b
               dx = dz @ W.T           (N, D)

    The kernel is shaped ``(in, out)`` as in Keras, so a batch goes through with one matmul, ``x @ W``.
    The activation is its own step of the chain rule (an :class:`Activation` kept in ``self.activation``);
    ``summary()`` still shows one Dense row, as Keras does.

    Args:
        units: M, the number of outputs (neurons).
        activation: ``'relu'``, ``'softmax'``, ``'sigmoid'``, ``'tanh'``, ``'linear'``/None, or a function
            from ``scratchnet.nn`` (``scratchnet.nn.relu``).
        use_bias: whether to add ``b``.
        kernel_initializer: initializer name for W (Keras's default, ``'glorot_uniform'``).
        bias_initializer: initializer name for b.
        kernel_regularizer, bias_regularizer: a penalty on W or b added to the loss, e.g.
            ``scratchnet.regularizers.l2(0.001)`` (see :mod:`scratchnet.regularizers`).
        **kwargs: ``name``, ``input_shape`` (e.g. ``Dense(1, input_shape=[1])``), ``dtype``.

    >>> import numpy as np
    >>> layer = Dense(3, activation="relu")
    >>> layer(np.ones((2, 4))).shape
    (2, 3)
    """

    def __init__(
        self,
        units: int,
        activation: str | Callable | None = None,
        use_bias: bool = True,
        kernel_initializer: str = "glorot_uniform",
        bias_initializer: str = "zeros",
        kernel_regularizer=None,
        bias_regularizer=None,
        **kwargs,
    ):
        if isinstance(units, bool) or not isinstance(units, (int, np.integer)) or units <= 0:
            raise ValueError(
                f"Dense expected `units` to be a positive integer (the number of outputs). Received: units={units!r}."
            )
        super().__init__(**kwargs)
        self.regularizers = regularizers.kernel_and_bias(kernel_regularizer, bias_regularizer)
        self.units = int(units)
        self.activation = Activation(activation, name=f"{self.name}_activation")
        self.use_bias = bool(use_bias)
        self.kernel_initializer = kernel_initializer
        self.bias_initializer = bias_initializer
        self._kernel_init = initializers.get(kernel_initializer)
        self._bias_init = initializers.get(bias_initializer)

    def build(self, input_shape, rng, dtype):
        input_shape = tuple(input_shape)
        if len(input_shape) < 1:
            raise ValueError(
                f"Dense expected inputs of shape (batch, features). Received: input_shape={(None, *input_shape)}."
            )
        super().build(input_shape, rng, dtype)
        d = input_shape[-1]  # on (N, T, D) a Dense works on the last axis, the same W at every step (as Keras)
        self.params = {"W": self._kernel_init((d, self.units), rng, self.dtype)}
        if self.use_bias:
            self.params["b"] = self._bias_init((self.units,), rng, self.dtype)
        self.grads = {key: np.zeros_like(p) for key, p in self.params.items()}
        self.activation.build((self.units,), rng, dtype)

    @property
    def kernel(self) -> np.ndarray:
        """W, shaped (in, out) — Keras's name for it."""
        return self.params["W"]

    @property
    def bias(self) -> np.ndarray | None:
        """b, shaped (out,) — Keras's name for it."""
        return self.params.get("b")

    def compute_output_shape(self, input_shape):
        return (*tuple(input_shape)[:-1], self.units)

    def multiply_adds(self, input_shape) -> int:
        """``x @ W`` for one example: in × units (times the positions, for inputs with more axes)."""
        return math.prod(input_shape) * self.units

    def forward(self, x, training=False):
        self._check_built("forward")
        if x.shape[1:] != self.input_shape:
            hint = " Did you forget a Flatten() layer?" if x.ndim > len(self.input_shape) + 1 else ""
            raise ValueError(
                f"Dense '{self.name}' expected inputs of shape (batch, {', '.join(map(str, self.input_shape))}). "
                f"Received: x.shape={x.shape}.{hint}"
            )
        self.x = x
        z = x @ self.params["W"]
        if self.use_bias:
            z += self.params["b"]
        return self.activation.forward(z)

    def backward(self, dy):
        dz = self.activation.backward(dy)
        return self.backward_linear(dz)

    def backward_linear(self, dz: np.ndarray) -> np.ndarray | None:
        """Backward through ``z = x @ W + b`` alone, given ``dz`` = ∂L/∂z (the fused gradient starts here)."""
        if self.x.ndim > 2:  # (N, T, D): every step is one more row of the same matmul
            return self._backward_last_axis(dz)
        if speed.enabled():
            return speed.dense_backward_into(self, dz)  # the same three lines, written into the model's dθ
        self.grads["W"] = self.x.T @ dz
        if self.use_bias:
            self.grads["b"] = dz.sum(axis=0)
        if not self.needs_input_grad:  # the first layer's dx would be ∂L/∂pixels: nobody reads it
            return None
        return dz @ self.params["W"].T

    def _backward_last_axis(self, dz: np.ndarray) -> np.ndarray | None:
        """Backward on (N, ..., D) inputs: the leading axes flattened into rows, W shared by all of them."""
        d = self.x.shape[-1]
        self.grads["W"] = self.x.reshape(-1, d).T @ dz.reshape(-1, self.units)
        if self.use_bias:
            self.grads["b"] = dz.reshape(-1, self.units).sum(axis=0)
        return dz @ self.params["W"].T if self.needs_input_grad else None

    def get_config(self):
        return {
            **super().get_config(),
            "units": self.units,
            "activation": self.activation.activation_name,
            "use_bias": self.use_bias,
            "kernel_initializer": initializers.serialize(self.kernel_initializer),
            "bias_initializer": initializers.serialize(self.bias_initializer),
            **regularizers.config_entries(self.regularizers),
        }


class Flatten(Layer):
    """Flattens each example into a vector: images (N, 28, 28) become rows (N, 784).

    Forward:   y  = x.reshape(N, -1)         x: (N, d1, d2, ...)  ->  y: (N, d1*d2*...)
    Backward:  dx = dy.reshape(x.shape)      (N, d1, d2, ...)   a reshape moves no numbers, so neither does its gradient
    """

    def compute_output_shape(self, input_shape):
        return (math.prod(input_shape),)

    def forward(self, x, training=False):
        if x.ndim < 1:
            raise ValueError(
                f"Flatten '{self.name}' expected a batch of examples, shape (N, ...). Received: x.shape={x.shape}."
            )
        self.x_shape = x.shape
        return x.reshape(x.shape[0], -1)

    def backward(self, dy):
        return dy.reshape(self.x_shape)


class Dropout(Layer):
    """Inverted dropout: while training, zero each input with probability ``rate`` and scale the rest up.

    Forward (training):  keep = U(0, 1) >= rate             (N, ...) bool, drawn anew for every batch
                         y    = x * keep / (1 - rate)       (N, ...)
    Forward (inference): y    = x                           nothing is dropped, nothing to rescale
    Backward:            dx   = dy * keep / (1 - rate)      (N, ...)   the same mask, the same scale

    Scaling by 1 / (1 - rate) while training keeps the expected value of every unit the same as at inference,
    so predict() needs no correction.

    Args:
        rate: fraction of inputs to drop, in [0, 1).
        seed: optional seed for this layer's masks; by default the model's random generator is used.
    """

    def __init__(self, rate: float, seed: int | None = None, **kwargs):
        if isinstance(rate, (bool, np.bool_)) or not isinstance(rate, numbers.Real) or not 0 <= rate < 1:
            raise ValueError(
                f"Dropout expected `rate` to be a float in [0, 1) (the fraction of inputs to drop). "
                f"Received: rate={rate!r}."
            )
        super().__init__(**kwargs)
        self.rate = float(rate)
        self.seed = seed

    def build(self, input_shape, rng, dtype):
        super().build(input_shape, rng, dtype)
        self.rng = rng if self.seed is None else np.random.default_rng(self.seed)

    def compute_mask(self, mask):
        return mask  # dropping values does not change which steps are padding

    def forward(self, x, training=False):
        self.training = training and self.rate > 0
        if not self.training:
            return x
        self.keep = self.rng.random(x.shape, dtype=x.dtype) >= self.rate  # bool: keeps x's dtype below
        self.scale = 1.0 / (1.0 - self.rate)  # a Python float, for the same reason
        return x * self.keep * self.scale

    def backward(self, dy):
        if not self.training:
            return dy
        return dy * self.keep * self.scale

    def get_config(self):
        return {**super().get_config(), "rate": self.rate, "seed": self.seed}


class Reshape(Layer):
    """Gives each example a new shape, e.g. rows of 784 pixels -> (28, 28, 1) images for a Conv2D.

    Forward:   y  = x.reshape(N, *target_shape)    x: (N, ...)  ->  y: (N, *target_shape)
    Backward:  dx = dy.reshape(x.shape)            (N, ...)     a reshape moves no numbers

    Args:
        target_shape: the shape of one example, without the batch axis; one entry may be -1 (inferred).

    >>> import numpy as np
    >>> Reshape((28, 28, 1))(np.zeros((2, 28, 28))).shape
    (2, 28, 28, 1)
    """

    def __init__(self, target_shape, **kwargs):
        try:
            target = tuple(int(d) for d in target_shape)
        except (TypeError, ValueError):
            raise ValueError(
                "Reshape expected `target_shape` to be a tuple of ints, the shape of one example without the "
                f"batch axis, such as (28, 28, 1). Received: target_shape={target_shape!r}."
            ) from None
        if any(d == 0 or d < -1 for d in target) or target.count(-1) > 1:
            raise ValueError(
                "Reshape expected `target_shape` to hold positive sizes and at most one -1 (inferred). "
                f"Received: target_shape={target_shape!r}."
            )
        super().__init__(**kwargs)
        self.target_shape = target

    def compute_output_shape(self, input_shape):
        size = math.prod(input_shape)
        known = math.prod(d for d in self.target_shape if d != -1)
        if -1 in self.target_shape and size % known == 0:
            return tuple(size // known if d == -1 else d for d in self.target_shape)
        if -1 not in self.target_shape and known == size:
            return self.target_shape
        raise ValueError(
            f"Reshape '{self.name}' cannot give each example of shape {tuple(input_shape)} ({size} values) the "
            f"shape {self.target_shape} ({known} values{' times a whole number' if -1 in self.target_shape else ''})."
            f" Received: input shape {(None, *input_shape)}. The number of values per example must not change."
        )

    def forward(self, x, training=False):
        self.x_shape = x.shape
        return x.reshape(x.shape[0], *self.compute_output_shape(x.shape[1:]))

    def backward(self, dy):
        return dy.reshape(self.x_shape)

    def get_config(self):
        return {**super().get_config(), "target_shape": list(self.target_shape)}


class Lambda(Layer):
    """A layer made of a function, ``Lambda(lambda x: x * 2)``: the function is its ``call``, the tape its backward.

    Forward:   y  = function(x)                         written with tensor ops (sn.exp, sn.reduce_sum, *, ...)
    Backward:  dx = the tape played back from dy        (see scratchnet.layers.taped)

    Args:
        function: ``fn(x) -> y`` written with scratchnet's tensor ops.
        output_shape: accepted as in Keras (the shape is found by running the function once).
        arguments: extra keyword arguments for ``function``.
    """

    def __init__(self, function, output_shape=None, mask=None, arguments=None, **kwargs):
        super().__init__(**kwargs)
        if not callable(function):
            raise TypeError(f"Lambda expected a function. Received: {type(function).__name__}.")
        self.function = function
        self.arguments = dict(arguments or {})

    def call(self, inputs):
        return self.function(inputs, **self.arguments)

    def get_config(self) -> dict:
        raise TypeError(
            f"Lambda layer '{self.name}' cannot be saved: its function is Python code, and scratchnet saves no code "
            "(nothing is pickled). Write it as a Layer subclass with call(), and load it with custom_objects."
        )

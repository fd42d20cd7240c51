"""Layers: each one a forward and a backward, side by side.

The layer contract (every layer here follows it, and so can yours):

    params: dict[str, ndarray]   trainable arrays, e.g. {"W": (D, M), "b": (M,)}; {} if none
    grads:  dict[str, ndarray]   same keys and shapes; overwritten (in place) by each backward()
    build(input_shape, rng, dtype)      lazy, on first use; input_shape excludes the batch axis
    forward(x, training=False) -> y     caches what backward needs
    backward(dy) -> dx                  dy = ∂L/∂y, returns dx = ∂L/∂x and fills grads

Gradients are written *into* the arrays of ``grads`` (``np.matmul(..., out=...)``), never rebound: a model keeps
all its parameters and gradients in one flat vector each, and ``params``/``grads`` are views into those
vectors, so the optimizer can update the whole model in a handful of vector operations.

Layers never divide by the batch size: the 1/N of the batch mean lives in the loss's backward only.
"""

from __future__ import annotations

import itertools
import math
from collections import defaultdict
from collections.abc import Callable

import numpy as np

from scratchnet import initializers, nn, utils

__all__ = [
    "Activation",
    "Dense",
    "Dropout",
    "Flatten",
    "Layer",
    "ReLU",
    "Sigmoid",
    "Softmax",
    "Tanh",
    "get",
]

# Keras names layers "dense", "dense_1", "dense_2", ... in the order they are created.
_name_counters: dict[str, itertools.count] = defaultdict(itertools.count)


def _snake_case(class_name: str) -> str:
    out = [class_name[0].lower()]
    for prev, ch in itertools.pairwise(class_name):
        if ch.isupper() and prev.islower():
            out.append("_")
        out.append(ch.lower())
    return "".join(out)


def _unique_name(prefix: str) -> str:
    n = next(_name_counters[prefix])
    return prefix if n == 0 else f"{prefix}_{n}"


def _shape_tuple(who: str, input_shape) -> tuple[int, ...]:
    try:
        shape = tuple(int(d) for d in input_shape)
    except (TypeError, ValueError):
        raise TypeError(
            f"{who}: input_shape must be a tuple of positive ints, without the batch axis, such as (28, 28) "
            f"or [1]. Received: input_shape={input_shape!r}."
        ) from None
    if any(d <= 0 for d in shape):
        raise ValueError(
            f"{who}: input_shape must hold positive sizes, without the batch axis. "
            f"Received: input_shape={input_shape!r}."
        )
    return shape


class Layer:
    """Base class of all layers: subclasses implement ``build``, ``forward`` and ``backward``.

    Args:
        name: the layer's name in ``summary()``; by default the snake-case class name, numbered.
        input_shape: shape of one example (no batch axis), e.g. ``(28, 28)``; lets a model build (and
            ``summary()``) before it has seen data. Only needed on the first layer.
        dtype: dtype used when the layer is built on its own (``layer(x)``); a model passes its own.
    """

    def __init__(self, name: str | None = None, input_shape=None, dtype=None):
        self.name = name or _unique_name(_snake_case(type(self).__name__))
        self.input_shape = None if input_shape is None else _shape_tuple(type(self).__name__, input_shape)
        self.dtype = None if dtype is None else np.dtype(dtype)
        self.params: dict[str, np.ndarray] = {}
        self.grads: dict[str, np.ndarray] = {}
        self.built = False
        # The model sets this to False on layers whose dx nobody reads (the first trainable layer: its dx would
        # be ∂L/∂pixels). For the first Dense of an MNIST model that skips a third of the step's matmul work.
        self.needs_input_grad = True

    # --- the contract ----------------------------------------------------------------------------------------
    def build(self, input_shape: tuple[int, ...], rng: np.random.Generator, dtype) -> None:
        """Create the parameters for inputs of shape ``(N, *input_shape)``. Layers without parameters keep this."""
        self.input_shape = tuple(input_shape)
        self.dtype = np.dtype(dtype)
        self.built = True

    def compute_output_shape(self, input_shape: tuple[int, ...]) -> tuple[int, ...]:
        """Shape of one output example for one input example of ``input_shape`` (no batch axes)."""
        return tuple(input_shape)

    def forward(self, x: np.ndarray, training: bool = False) -> np.ndarray:
        raise NotImplementedError(f"{type(self).__name__} must implement forward(x, training=False).")

    def backward(self, dy: np.ndarray) -> np.ndarray | None:
        raise NotImplementedError(f"{type(self).__name__} must implement backward(dy).")

    # --- fused softmax + cross-entropy (see Sequential.compile) ----------------------------------------------
    @property
    def ends_in_softmax(self) -> bool:
        """True when this layer's last step is a softmax, so a cross-entropy loss can be fused with it."""
        return False

    def backward_from_logits(self, dz: np.ndarray) -> np.ndarray | None:
        """Backward pass that starts *below* this layer's final softmax.

        Used when the loss has already differentiated through the softmax (``dz = (p - onehot) / N`` on the
        logits ``z``). Only layers whose ``ends_in_softmax`` is True implement it.
        """
        raise NotImplementedError(f"{type(self).__name__} does not end in a softmax.")

    # --- conveniences ------------------------------------------------------------------------------------------
    def __call__(self, x, training: bool = False) -> np.ndarray:
        """Run ``forward`` on ``x``, building the layer first if needed (like calling a Keras layer)."""
        dtype = self.dtype or np.dtype("float32")
        x = np.asarray(x).astype(dtype, copy=False)
        if not self.built:
            self.build(x.shape[1:], utils.make_rng(), dtype)
        return self.forward(x, training=training)

    def count_params(self) -> int:
        return sum(p.size for p in self.params.values())

    def get_weights(self) -> list[np.ndarray]:
        """Copies of the parameters, in Keras order (kernel, then bias)."""
        return [p.copy() for p in self.params.values()]

    def set_weights(self, weights) -> None:
        """Copy ``weights`` (Keras order) into the parameters, in place, checking every shape first."""
        weights = list(weights)
        if len(weights) != len(self.params):
            raise ValueError(
                f"Layer '{self.name}' expects {len(self.params)} weight arrays "
                f"({', '.join(self.params) or 'none'}). Received: {len(weights)} arrays."
            )
        for (key, p), w in zip(self.params.items(), weights, strict=True):
            w = np.asarray(w)
            if w.shape != p.shape:
                raise ValueError(
                    f"Layer '{self.name}': weight '{key}' has shape {p.shape}. Received: shape {w.shape}. "
                    "Were these weights saved from a model with other layer sizes?"
                )
        for p, w in zip(self.params.values(), weights, strict=True):
            p[...] = w

    def get_config(self) -> dict:
        """The constructor arguments that rebuild this layer (used by ``model.save``)."""
        config = {"name": self.name}
        if self.input_shape is not None:
            config["input_shape"] = list(self.input_shape)
        return config

    @classmethod
    def from_config(cls, config: dict) -> Layer:
        return cls(**config)

    def _check_built(self, method: str) -> None:
        if not self.built:
            raise RuntimeError(
                f"Layer '{self.name}' is not built yet, so {method}() has nothing to work on. Call the layer on "
                "data first, or build it: layer.build(input_shape, np.random.default_rng(0), 'float64')."
            )

    def __repr__(self) -> str:
        return f"<{type(self).__name__} name={self.name!r}, built={self.built}>"


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

    @property
    def ends_in_softmax(self):
        return self.activation_name == "softmax"

    def backward_from_logits(self, dz):
        if not self.ends_in_softmax:
            super().backward_from_logits(dz)
        # The loss has already gone through the softmax: ∂L/∂x is the dz it handed us.
        return dz

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


class Dense(Layer):
    """A fully connected layer, ``y = activation(x @ W + b)``.

    Forward:   z  = x @ W + b          x: (N, D)  W: (D, M)  b: (M,)  ->  z: (N, M)
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
        **kwargs,
    ):
        if isinstance(units, bool) or not isinstance(units, (int, np.integer)) or units <= 0:
            raise ValueError(
                f"Dense expected `units` to be a positive integer (the number of outputs). Received: units={units!r}."
            )
        super().__init__(**kwargs)
        self.units = int(units)
        self.activation = Activation(activation, name=f"{self.name}_activation")
        self.use_bias = bool(use_bias)
        self.kernel_initializer = kernel_initializer
        self.bias_initializer = bias_initializer
        self._kernel_init = initializers.get(kernel_initializer)
        self._bias_init = initializers.get(bias_initializer)

    def build(self, input_shape, rng, dtype):
        input_shape = tuple(input_shape)
        if len(input_shape) != 1:
            raise ValueError(
                f"Dense expected inputs of shape (batch, features). Received: input_shape={(None, *input_shape)}. "
                f"Did you forget a Flatten() layer before '{self.name}'?"
            )
        super().build(input_shape, rng, dtype)
        (d,) = input_shape
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

    def forward(self, x, training=False):
        self._check_built("forward")
        if x.ndim != 2 or x.shape[1] != self.input_shape[0]:
            hint = " Did you forget a Flatten() layer?" if x.ndim > 2 else ""
            raise ValueError(
                f"Dense '{self.name}' expected inputs of shape (batch, {self.input_shape[0]}). "
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
        """Backward through ``z = x @ W + b`` alone, given ``dz`` = ∂L/∂z."""
        # `out=` writes into the gradient arrays the model (and optimizer) already hold.
        np.matmul(self.x.T, dz, out=self.grads["W"])
        if self.use_bias:
            np.sum(dz, axis=0, out=self.grads["b"])
        if not self.needs_input_grad:
            return None
        return dz @ self.params["W"].T

    @property
    def ends_in_softmax(self):
        return self.activation.ends_in_softmax

    def backward_from_logits(self, dz):
        if not self.ends_in_softmax:
            super().backward_from_logits(dz)
        return self.backward_linear(dz)

    def get_config(self):
        return {
            **super().get_config(),
            "units": self.units,
            "activation": self.activation.activation_name,
            "use_bias": self.use_bias,
            "kernel_initializer": self.kernel_initializer,
            "bias_initializer": self.bias_initializer,
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
        if isinstance(rate, bool) or not isinstance(rate, (int, float)) or not 0 <= rate < 1:
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


LAYERS: dict[str, type[Layer]] = {
    cls.__name__: cls for cls in (Activation, Dense, Dropout, Flatten, ReLU, Sigmoid, Softmax, Tanh)
}


def get(class_name: str) -> type[Layer]:
    """The layer class called ``class_name`` (used when loading a saved model)."""
    if class_name in LAYERS:
        return LAYERS[class_name]
    raise ValueError(f"Unknown layer class. Expected one of {sorted(LAYERS)}. Received: {class_name!r}.")

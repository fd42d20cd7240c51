"""The layer contract: the base class every layer derives from.

Every layer in ``scratchnet.layers`` follows it, and so can yours:

    params: dict[str, ndarray]   the layer's weight arrays in Keras order, e.g. {"W": (D, M), "b": (M,)}; {} if none
    non_trainable: set[str]      keys of params the optimizer leaves alone (BatchNorm's moving statistics)
    grads:  dict[str, ndarray]   one per trainable key, same shape; set by each backward()
    build(input_shape, rng, dtype)      lazy, on first use; input_shape excludes the batch axis
    forward(x, training=False) -> y     caches what backward needs
    backward(dy) -> dx                  dy = ∂L/∂y, returns dx = ∂L/∂x and fills grads

A layer written Keras's way (``build(input_shape)``, ``self.add_weight(...)``, ``call(inputs)`` with tensor ops, no
backward) follows the contract too: its forward runs ``call`` under a GradientTape and its backward plays the tape
back (:mod:`scratchnet.layers.taped`).

``forward`` and ``backward`` return arrays, so any layer is a pair of functions that can be gradient-checked on
its own (:func:`scratchnet.gradcheck.check_layer`). Layers never divide by the batch size: the 1/N of the batch
mean lives in the loss's backward only. Never change ``x`` or ``dy`` in place: they belong to the caller.
"""

from __future__ import annotations

import inspect
import itertools
from collections import defaultdict

import numpy as np

from scratchnet import utils
from scratchnet.layers import taped
from scratchnet.tape import tensor as tape_tensor

__all__ = ["Layer"]

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
    if isinstance(input_shape, (list, tuple)) and len(input_shape) > 1 and any(d is None for d in input_shape):
        raise ValueError(
            f"{who}: every axis of input_shape needs its size in scratchnet; an axis of any length (None) is not "
            f"supported yet. Received: input_shape={input_shape!r}. For sequences, give their length, e.g. "
            "input_shape=(50, 1) for windows of 50 steps of one value (and pad or cut the sequences to it)."
        )
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


# Keras arguments that change nothing in scratchnet (it has no graph compiler, no distribution, no mixed precision).
_ACCEPTED_AND_IGNORED = {"trainable": True, "autocast": True, "batch_size": None}


def _refuse_arguments(cls: type, unknown: dict) -> None:
    """A clear TypeError for Keras arguments a scratchnet layer does not take (instead of Python's own)."""
    unknown = {k: v for k, v in unknown.items() if _ACCEPTED_AND_IGNORED.get(k, object()) != v}
    if not unknown:
        return
    taken = [
        p.name
        for klass in cls.__mro__
        if "__init__" in vars(klass)
        for p in inspect.signature(vars(klass)["__init__"]).parameters.values()
        if p.name != "self" and p.kind not in (p.VAR_KEYWORD, p.VAR_POSITIONAL)
    ]
    names = ", ".join(f"{k}={v!r}" for k, v in unknown.items())
    raise TypeError(
        f"{cls.__name__} does not take {names}: scratchnet's {cls.__name__} takes "
        f"{', '.join(dict.fromkeys(taken))}. Remove the argument (for activity regularizers, BatchNormalization and "
        "the like, scratchnet has no equivalent yet)."
    )


class Layer:
    """Base class of all layers: subclasses implement ``build``, ``forward`` and ``backward``.

    Args:
        name: the layer's name in ``summary()``; by default the snake-case class name, numbered.
        input_shape: shape of one example (no batch axis), e.g. ``(28, 28)``; lets a model build (and
            ``summary()``) before it has seen data. Only needed on the first layer.
        dtype: dtype used when the layer is built on its own (``layer(x)``); a model passes its own.
    """

    taped = False  # True for a layer written Keras's way, whose backward is the tape's (scratchnet.layers.taped)

    def __init_subclass__(cls, **kwargs):
        # A layer written Keras's way defines call() and no backward: its forward runs call() under a tape and
        # its backward plays the tape back (scratchnet.layers.taped). One that defines both keeps its own.
        super().__init_subclass__(**kwargs)
        if "call" in vars(cls):
            taped.install(cls)

    def __init__(self, name: str | None = None, input_shape=None, dtype=None, input_dim: int | None = None, **unknown):
        # Keras's trainable=False (a frozen layer) is kept, saved and loaded; the optimizer reads it through the
        # model's list of trainable parameters.
        self.trainable = bool(unknown.pop("trainable", True))
        if unknown:
            _refuse_arguments(type(self), unknown)
        self.name = name or _unique_name(_snake_case(type(self).__name__))
        if input_dim is not None:  # Keras 2's Dense(64, input_dim=784) means input_shape=(784,)
            if input_shape is not None:
                raise ValueError(
                    f"{type(self).__name__} got both input_dim={input_dim!r} and input_shape={input_shape!r}. "
                    "Give one: input_shape=(784,) is the same as input_dim=784."
                )
            input_shape = (input_dim,)
        self.input_shape = None if input_shape is None else _shape_tuple(type(self).__name__, input_shape)
        self.dtype = None if dtype is None else np.dtype(dtype)
        self.params: dict[str, np.ndarray] = {}
        # Keys of params that gradient descent never touches: no gradient, no optimizer slot, counted as
        # "Non-trainable params" in summary(), but saved, loaded and listed by get_weights() like the others.
        # BatchNormalization's moving statistics are the example; a frozen layer (trainable=False) is another.
        self.non_trainable: set[str] = set()
        self.grads: dict[str, np.ndarray] = {}
        self.built = False
        # The model sets this to False on layers whose dx nobody reads (the first trainable layer: its dx would
        # be ∂L/∂pixels). For the first Dense of an MNIST model that skips a third of the step's matmul work.
        self.needs_input_grad = True

    # --- the contract ----------------------------------------------------------------------------------------
    def build(self, input_shape: tuple[int, ...], rng: np.random.Generator | None = None, dtype=None) -> None:
        """Create the parameters for inputs of shape ``(N, *input_shape)``. Layers without parameters keep this.

        (``super().build(input_shape)`` from a layer written Keras's way passes the batch axis too, as None.)
        """
        dims = tuple(input_shape)
        self.input_shape = tuple(int(d) for d in (dims[1:] if dims and dims[0] is None else dims))
        self.dtype = np.dtype(dtype or self.dtype or "float32")
        self.built = True

    def compute_output_shape(self, input_shape: tuple[int, ...]) -> tuple[int, ...]:
        """Shape of one output example for one input example of ``input_shape`` (no batch axes)."""
        return tuple(input_shape)

    #: The padding mask (N, T) of the sequence coming in, set by a Sequential model before ``forward`` when a layer
    #: before made one (``Embedding(mask_zero=True)``); None otherwise. Layers that honour it read it in forward.
    input_mask: np.ndarray | None = None

    def compute_mask(self, mask: np.ndarray | None) -> np.ndarray | None:
        """The mask the next layer receives, given this layer's ``input_mask``: by default none (it stops here)."""
        return None

    def forward(self, x: np.ndarray, training: bool = False) -> np.ndarray:
        raise NotImplementedError(f"{type(self).__name__} must implement forward(x, training=False).")

    def backward(self, dy: np.ndarray) -> np.ndarray | None:
        raise NotImplementedError(f"{type(self).__name__} must implement backward(dy).")

    def call(self, inputs, training=None):
        """Keras's ``call``: this layer's own forward on a tensor, one recorded op (for ``super().call(x)``)."""
        return taped.library_call(self, inputs, training)

    def add_weight(self, name=None, shape=None, initializer=None, dtype=None, trainable=True, **kwargs):
        """Keras's ``add_weight``: a new parameter in ``params``, returned as a Variable that aliases it.

        Args:
            name: its key in ``params`` (``'kernel'``, ``'w'``); shape: its shape; initializer: a name from
                :mod:`scratchnet.initializers` (default ``'glorot_uniform'``) or a function ``(shape, dtype)``.
        """
        return taped.add_weight(self, name, shape, initializer, dtype, trainable, **kwargs)

    # --- conveniences ------------------------------------------------------------------------------------------
    def __call__(self, x, training: bool = False) -> np.ndarray:
        """Run ``forward`` on ``x``, building the layer first if needed (like calling a Keras layer).

        Called on a placeholder of the functional API (``layer(sn.Input(shape=...))``), it computes nothing and
        returns the placeholder of its output (see :mod:`scratchnet.layers.input_layer`).
        """
        if getattr(x, "is_symbolic", False):
            return x.through(self)
        if isinstance(x, tape_tensor.Tensor) or tape_tensor.recording_tapes():
            # on a tensor, or inside a GradientTape: one op on the tape (see scratchnet.tape.layer_call)
            return tape_tensor.OPS["call_layer"](self, tape_tensor.convert_to_tensor(x), training)
        dtype = self.dtype or np.dtype("float32")
        x = np.asarray(x).astype(dtype, copy=False)
        if not self.built:
            self.build(x.shape[1:], utils.make_rng(), dtype)
        return self.forward(x, training=training)

    @property
    def output_shape(self) -> tuple:
        """Shape of the layer's output with the batch axis as None, as Keras shows it: ``(None, 128)``."""
        if self.input_shape is None:
            raise AttributeError(
                f"Layer '{self.name}' has no output_shape yet: it is not built. Build the model first (give the first "
                "layer an input_shape, or call the model on data)."
            )
        return (None, *self.compute_output_shape(self.input_shape))

    @property
    def output(self):
        """The layer's output placeholder in the functional API (``Model(inputs, outputs=layer.output)``)."""
        output = self.__dict__.get("_output")
        if output is None:
            raise AttributeError(
                f"Layer '{self.name}' has no output yet: it has not been called on an Input or built in a model."
            )
        return output

    @output.setter
    def output(self, value) -> None:
        self._output = value

    @property
    def weights(self) -> list[np.ndarray]:
        """The weight arrays themselves (trainable or not), in Keras order (kernel, then bias); ``[]`` if not built."""
        return list(self.params.values())

    @property
    def trainable_variables(self) -> list:
        """The trainable parameters as Variables that alias them (``scratchnet.tape.variable.LayerVariable``), in
        Keras order."""
        return [v for v in self.variables if v.trainable]

    @property
    def variables(self) -> list:
        """Keras's ``layer.variables``: every weight as a Variable that aliases it (``name``, ``path``,
        ``trainable``, ``numpy()``), trainable or not, in Keras order."""
        from scratchnet.tape.variable import layer_variables

        return layer_variables(self)

    @property
    def non_trainable_variables(self) -> list:
        return [v for v in self.variables if not v.trainable]

    def trainable_keys(self) -> list[str]:
        """The keys of ``params`` the optimizer updates (and ``backward`` fills ``grads`` for), in Keras order."""
        if not getattr(self, "trainable", True):  # a frozen layer: every weight stays as it is
            return []
        return [key for key in self.params if key not in self.non_trainable]

    def count_params(self) -> int:
        """Every weight, trainable or not (as Keras's ``count_params``)."""
        return sum(p.size for p in self.params.values())

    def count_trainable_params(self) -> int:
        return sum(self.params[key].size for key in self.trainable_keys())

    def multiply_adds(self, input_shape) -> int:
        """Multiply-adds of this layer's largest matmul for one example (0 for a layer without one).

        The model asks for it to decide how many BLAS threads a batch is worth (:mod:`scratchnet.speed.blas`).
        """
        return 0

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
        if not getattr(self, "trainable", True):
            config["trainable"] = False
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

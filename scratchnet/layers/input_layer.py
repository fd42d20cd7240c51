"""The functional API's placeholders: ``Input``, the symbolic tensors layers pass along, and the chain they trace.

In Keras a model can be written by calling layers on a placeholder instead of listing them::

    inputs = sn.Input(shape=(28, 28))
    x = sn.layers.Flatten()(inputs)
    x = sn.layers.Dense(128, activation="relu")(x)
    outputs = sn.layers.Dense(10, activation="softmax")(x)
    model = sn.Model(inputs=inputs, outputs=outputs)

Calling a layer on a :class:`SymbolicTensor` computes nothing: it returns a new placeholder that remembers which
layer made it from which inputs (``parents``). ``Model(inputs, outputs)`` then walks back from the outputs to the
inputs. A chain (each layer used once, one input) becomes a :class:`Sequential`, which trains through the same loop
and the same fused gradient; any other graph (fan-out, merge layers such as ``Add`` and ``Concatenate``, several
inputs or outputs, a layer called twice) becomes a graph model (:mod:`scratchnet.models.graph`), whose backward
adds up the gradients of every use of a tensor.
"""

from __future__ import annotations

import warnings

from scratchnet.layers.base import Layer, _shape_tuple

__all__ = ["Input", "InputLayer", "SymbolicTensor", "symbolic_call"]


class SymbolicTensor:
    """A placeholder for the output of a layer in a model being described: a shape, and where it came from.

    Attributes:
        shape: ``(None, *example_shape)``, as Keras prints it.
        layer: the layer that produced it (an :class:`InputLayer` for ``Input``).
        parents: the tensors that layer was called on (``[]`` for an input; several for a merge layer).
        parent: the one tensor that layer was called on (None for an input or a merge).
    """

    is_symbolic = True
    dtype = "float32"  # what Keras reports; the model's own dtype decides the arithmetic

    def __init__(self, example_shape: tuple[int, ...], layer: Layer, parent):
        self.example_shape = tuple(example_shape)
        self.layer = layer
        self.parents = [] if parent is None else list(parent) if isinstance(parent, (list, tuple)) else [parent]
        self.parent = self.parents[0] if len(self.parents) == 1 else None
        self.model = None  # the model whose build traced it (None: a layer called on an Input by hand)
        self.name = layer.name

    @property
    def shape(self) -> tuple:
        return (None, *self.example_shape)

    def through(self, layer: Layer) -> SymbolicTensor:
        """What ``layer(self)`` returns: the output placeholder of ``layer`` on this input."""
        if layer.input_shape is not None and layer.input_shape != self.example_shape and layer.built:
            raise ValueError(
                f"Layer '{layer.name}' was built for inputs of shape {(None, *layer.input_shape)}. "
                f"Received: a symbolic input of shape {self.shape}."
            )
        # A layer may be called again on another input (a shared layer): each call is its own node of the graph.
        output = SymbolicTensor(tuple(layer.compute_output_shape(self.example_shape)), layer, self)
        layer.output = output
        layer.__dict__.setdefault("input", self)  # Keras's layer.input: what its first call received
        return output

    def __repr__(self) -> str:
        return f"<SymbolicTensor shape={self.shape}, from layer '{self.layer.name}'>"


class InputLayer(Layer):
    """The input of a model: it passes its batch on unchanged and only says what shape one example has.

    Forward:   y  = x          x: (N, *shape)  ->  y: (N, *shape)
    Backward:  dx = dy

    ``Sequential([InputLayer(shape=(28, 28)), ...])`` or ``Sequential([Input(shape=(28, 28)), ...])`` gives the
    model its input shape, like ``input_shape=`` on the first layer; it is not listed in ``model.layers``.

    Args:
        shape: shape of one example, without the batch axis (Keras 3's name); ``input_shape`` is Keras 2's.
    """

    def __init__(self, shape=None, input_shape=None, batch_size=None, name=None, dtype=None, **kwargs):
        if shape is None and input_shape is not None:
            warnings.warn("Argument `input_shape` is deprecated. Use `shape` instead.", UserWarning, stacklevel=2)
            shape = input_shape
        if shape is None:
            raise ValueError("InputLayer expected `shape`, the shape of one example, e.g. shape=(28, 28).")
        super().__init__(name=name, input_shape=shape, dtype=dtype, **kwargs)

    def forward(self, x, training=False):
        return x

    def backward(self, dy):
        return dy

    def get_config(self):
        return {"name": self.name, "shape": list(self.input_shape)}  # Keras 3's name, so loading does not warn


def symbolic_call(layer: Layer, inputs: list[SymbolicTensor]) -> SymbolicTensor:
    """What a merge layer called on placeholders returns: ``Add()([a, b])`` -> the placeholder of its output."""
    for t in inputs:
        if not getattr(t, "is_symbolic", False):
            raise TypeError(
                f"{type(layer).__name__} '{layer.name}' was called on a list mixing placeholders (sn.Input and the "
                f"layers called on it) with an object of type {type(t).__name__}. Pass placeholders only."
            )
    shapes = [t.example_shape for t in inputs]
    if layer.built and list(layer.input_shape) != shapes:
        raise ValueError(
            f"Layer '{layer.name}' was built for inputs of shapes {layer.input_shape}. Received: {shapes}."
        )
    output = SymbolicTensor(tuple(layer.compute_output_shape(shapes)), layer, list(inputs))
    layer.output = output
    layer.__dict__.setdefault("input", list(inputs))  # Keras's layer.input: what its first call received
    return output


def Input(shape=None, batch_size=None, name: str | None = None, dtype=None, **kwargs) -> SymbolicTensor:
    """The placeholder a functional model starts from: ``inputs = Input(shape=(28, 28))``.

    Args:
        shape: shape of one example, without the batch axis, e.g. ``(28, 28)`` or ``(784,)``.
        batch_size, dtype: accepted as in Keras; the batch size is fixed by ``fit``/``predict``, the dtype by the
            model.
    """
    if shape is None and "batch_shape" in kwargs:
        shape = tuple(kwargs.pop("batch_shape"))[1:]
    if kwargs:
        raise TypeError(f"Input() got unexpected arguments. Received: {sorted(kwargs)}. Expected shape=(...).")
    shape = _shape_tuple("Input", shape) if shape is not None else None
    if shape is None:
        raise ValueError(
            "Input expected `shape`, the shape of one example without the batch axis, e.g. shape=(28, 28)."
        )
    layer = InputLayer(shape=shape, name=name)
    tensor = SymbolicTensor(shape, layer, None)
    layer.output = tensor
    return tensor

"""The functional API's placeholders: ``Input``, the symbolic tensors layers pass along, and the chain they trace.

In Keras a model can be written by calling layers on a placeholder instead of listing them::

    inputs = sn.Input(shape=(28, 28))
    x = sn.layers.Flatten()(inputs)
    x = sn.layers.Dense(128, activation="relu")(x)
    outputs = sn.layers.Dense(10, activation="softmax")(x)
    model = sn.Model(inputs=inputs, outputs=outputs)

Calling a layer on a :class:`SymbolicTensor` computes nothing: it returns a new placeholder that remembers which
layer made it from which input. ``Model(inputs, outputs)`` then walks back from the outputs to the input and
finds the layers in order. scratchnet has no general graph engine, on purpose: what learners build with the
functional API is a chain (each layer used once, one input), and a chain is exactly a :class:`Sequential`, which
trains through the same loop and the same fused gradient. A model may also ask for several outputs along that
chain (``outputs=[layer.output for layer in model.layers]``, the feature-map pictures): ``predict`` then returns
a list of arrays, one per output. Graphs that branch or merge (a layer used twice, ``Add``, ``Concatenate``) are
refused with a clear error: their backward would have to add up the gradients of every use of a tensor.
"""

from __future__ import annotations

import warnings

from scratchnet.layers.base import Layer, _shape_tuple

__all__ = ["Input", "InputLayer", "SymbolicTensor"]


class SymbolicTensor:
    """A placeholder for the output of a layer in a model being described: a shape, and where it came from.

    Attributes:
        shape: ``(None, *example_shape)``, as Keras prints it.
        layer: the layer that produced it (an :class:`InputLayer` for ``Input``).
        parent: the tensor that layer was called on (None for an input).
    """

    is_symbolic = True
    dtype = "float32"  # what Keras reports; the model's own dtype decides the arithmetic

    def __init__(self, example_shape: tuple[int, ...], layer: Layer, parent: SymbolicTensor | None):
        self.example_shape = tuple(example_shape)
        self.layer = layer
        self.parent = parent
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
        if getattr(layer, "_symbolic_input", None) is not None and layer._symbolic_input is not self:
            raise ValueError(
                f"Layer '{layer.name}' is called a second time, on another input. scratchnet's functional API builds "
                "chains, where each layer is used once: shared layers (and Add, Concatenate) would need a graph "
                "whose backward adds up the gradients of every use. Create a second layer instead."
            )
        layer._symbolic_input = self
        output = SymbolicTensor(tuple(layer.compute_output_shape(self.example_shape)), layer, self)
        layer.output = output
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

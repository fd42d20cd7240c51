"""Sequential: a stack of layers, run first to last forward and last to first backward."""

from __future__ import annotations

import numpy as np

from scratchnet import fused
from scratchnet.layers.base import Layer
from scratchnet.layers.input_layer import InputLayer, SymbolicTensor
from scratchnet.models import saving
from scratchnet.models.model import Model

__all__ = ["Sequential"]


class Sequential(Model):
    """A linear stack of layers; itself a layer, so a model can sit inside another model.

    Args:
        layers: the layers, first to last.
        name, seed, dtype: as for :class:`Model`.

    >>> import scratchnet as sn
    >>> model = sn.Sequential([sn.layers.Flatten(input_shape=(28, 28)),
    ...                        sn.layers.Dense(128, activation="relu"),
    ...                        sn.layers.Dense(10, activation="softmax")])
    >>> model.count_params()
    101770
    """

    def __init__(self, layers=None, name: str | None = None, seed: int | None = None, dtype="float32"):
        super().__init__(name=name, seed=seed, dtype=dtype)
        self.input_spec: tuple[int, ...] | None = None  # set by an Input / InputLayer given first
        # A model's input is data: nobody reads ∂L/∂x, so its first trainable layer can skip computing it.
        self.needs_input_grad = False
        if isinstance(layers, Layer):
            raise TypeError(
                f"Sequential expected a list of layers. Received: a single {type(layers).__name__} layer. "
                f"Put it in a list: Sequential([{type(layers).__name__}(...)])."
            )
        for layer in layers or []:
            self.add(layer, rebuild=False)  # built once, below: not once per layer
        self._changed()

    # --- building -------------------------------------------------------------------------------------------
    def add(self, layer: Layer, rebuild: bool = True) -> None:
        """Append a layer. If the first layer was given an ``input_shape``, the model is built right away.

        ``Input(shape=...)`` or ``InputLayer(shape=...)`` as the first element gives the model its input shape
        (Keras 3's way of writing ``input_shape=`` on the first layer); it is not one of ``model.layers``.
        ``rebuild=False`` (as in Keras) leaves the building to a later ``add`` or the first data.
        """
        if isinstance(layer, SymbolicTensor) and layer.parent is None:
            layer = layer.layer  # the InputLayer behind sn.Input(...)
        if isinstance(layer, InputLayer):
            if self.layers or self.input_spec is not None:
                raise ValueError(
                    f"Sequential model '{self.name}' has already been configured to use input shape "
                    f"{(None, *(self.input_spec or self.layers[0].input_shape or ()))}. You cannot add a different "
                    f"Input layer to it: an Input or InputLayer can only come first. Received: {layer.name!r}."
                )
            self.input_spec = layer.input_shape
            if rebuild:
                self._changed()
            return
        if isinstance(layer, type) and issubclass(layer, Layer):
            raise TypeError(
                f"Sequential.add expected a layer instance. Received: the class {layer.__name__}. "
                f"Did you mean {layer.__name__}(...)?"
            )
        if not isinstance(layer, Layer):
            raise TypeError(
                "Sequential.add expected a scratchnet layer (an instance of scratchnet.layers.Layer). "
                f"Received: {layer!r} of type {type(layer).__name__}."
            )
        if any(other.name == layer.name for other in self.layers):
            raise ValueError(
                f"All layers added to a Sequential model should have unique names. Name {layer.name!r} is already the "
                f"name of a layer in model '{self.name}'. Received: a second layer named {layer.name!r}; give it "
                "another name= (or leave name= out)."
            )
        self.layers.append(layer)
        if rebuild:
            self._changed()

    def pop(self) -> Layer:
        """Remove the last layer and return it (as Keras's ``model.pop()``)."""
        if not self.layers:
            raise TypeError(f"Sequential.pop(): model '{self.name}' has no layers to remove.")
        layer = self.layers.pop()
        self._changed()
        return layer

    def _changed(self) -> None:
        self.built = False
        input_shape = self.input_spec or (self.layers[0].input_shape if self.layers else None)
        if self.layers and input_shape is not None:
            self.build(input_shape)
        self.choose_backward()  # the output layer may have changed: decide the fused gradient again

    def build(self, input_shape, rng: np.random.Generator | None = None, dtype=None) -> None:
        """Build every layer in turn: each one's output shape is the next one's input shape."""
        rng = self.rng if rng is None else rng
        self.dtype = np.dtype(dtype) if dtype is not None else self.dtype
        dims = tuple(input_shape)
        # Keras's model.build(input_shape=(None, 3)) gives the batch axis too, as None.
        shape = tuple(int(d) for d in (dims[1:] if dims and dims[0] is None else dims))
        self.input_shape = shape
        for layer in self.layers:
            if layer.built and layer.input_shape != shape and not layer.count_params():
                layer.built = False  # a layer without weights (Lambda(sn.exp)) works on any shape: built again
            if layer.built and layer.input_shape != shape:
                raise ValueError(
                    f"Layer '{layer.name}' was built for inputs of shape {(None, *layer.input_shape)}, but in "
                    f"'{self.name}' it receives {(None, *shape)}."
                )
            if not layer.built:
                layer.build(shape, rng, self.dtype)
            shape = tuple(layer.compute_output_shape(shape))
        self.built = True
        self.structure_version += 1
        self._trace_outputs()
        self.needs_input_grad = self.needs_input_grad  # passes the flag on to the (new) layers

    @property
    def input(self):
        """Keras's ``model.input``: the placeholder of the model's input, for ``Model(inputs=model.input, ...)``."""
        return self._traced("input", 0)

    @property
    def output(self):
        """Keras's ``model.output``: the placeholder of the last layer's output."""
        return self._traced("output", 1)

    @output.setter
    def output(self, value) -> None:
        self._output = value  # where a model this one is nested in traced it (the Layer contract)

    def _traced(self, what: str, which: int):
        traced = (self.__dict__.get("inputs"), self.__dict__.get("outputs"))[which]
        if not traced:
            raise AttributeError(
                f"Sequential model '{self.name}' has no {what} yet: it is not built. Give its first layer an "
                "input_shape (or start it with sn.Input(shape=...)), or call it on data first."
            )
        return traced[0]

    def _trace_outputs(self) -> None:
        """``model.inputs``, ``model.outputs`` and each ``layer.output``, for ``Model(inputs=model.inputs, ...)``."""
        tensor = SymbolicTensor(self.input_shape, InputLayer(shape=self.input_shape), None)
        self.inputs = [tensor]
        for layer in self.layers:
            tensor = SymbolicTensor(tuple(layer.compute_output_shape(tensor.example_shape)), layer, tensor)
            tensor.model = self
            # A layer shared with another model keeps the output it got there first (as in Keras).
            if getattr(layer.__dict__.get("_output"), "model", self) is self:
                layer.output = tensor
        self.outputs = [tensor]

    def compute_output_shape(self, input_shape):
        shape = tuple(input_shape)
        for layer in self.layers:
            shape = tuple(layer.compute_output_shape(shape))
        return shape

    def layer_output_shapes(self) -> list[tuple[Layer, tuple[int, ...]]]:
        """``(layer, output shape)`` of every layer, first to last (the rows of ``summary()``)."""
        rows, shape = [], self.input_shape
        for layer in self.layers:
            shape = tuple(layer.compute_output_shape(shape))
            rows.append((layer, shape))
        return rows

    # --- forward and backward ---------------------------------------------------------------------------------
    def forward(self, x: np.ndarray, training: bool = False) -> np.ndarray:
        """Run every layer's forward, first to last. ``x``: (N, *input_shape) in the model's dtype.

        A padding mask made by a layer (``Embedding(mask_zero=True)``) goes along to the next one as its
        ``input_mask``, as far as the layers pass it on (``compute_mask``).
        """
        mask = None
        for layer in self.layers:
            if mask is not None or layer.input_mask is not None:
                layer.input_mask = mask
            x = layer.forward(x, training=training)
            mask = layer.compute_mask(mask)
        return x

    def backward(self, dy: np.ndarray) -> np.ndarray | None:
        """Run every layer's backward, last to first; ``dy`` is ∂L/∂(model output)."""
        for layer in reversed(self.backprop_layers()):
            dy = layer.backward(dy)
        return dy

    def backward_from_logits(self, dz: np.ndarray) -> np.ndarray | None:
        """Backward from ``dz`` at the input of the last layer's output activation (the fused gradient)."""
        layers_to_run = self.backprop_layers()
        if not layers_to_run:  # no parameters at all (Flatten, Softmax): nothing below the loss to backprop into
            return None
        dy = fused.backward_below_activation(layers_to_run[-1], dz)
        for layer in reversed(layers_to_run[:-1]):
            dy = layer.backward(dy)
        return dy

    def backprop_layers(self) -> list[Layer]:
        """The layers backward runs through: all, or from the first trainable one when nobody reads ∂L/∂x."""
        # Layers before the first trainable one (a Flatten) have no parameters and nobody reads their dx.
        return self.layers if self._needs_input_grad else self.layers[self._first_trainable() :]

    @property
    def needs_input_grad(self) -> bool:
        return self._needs_input_grad

    @needs_input_grad.setter
    def needs_input_grad(self, value: bool) -> None:
        # Only the first trainable layer may skip its dx; the layers after it must pass gradients down to it.
        self._needs_input_grad = bool(value)
        first = self._first_trainable()
        for i, layer in enumerate(self.layers):
            layer.needs_input_grad = self._needs_input_grad or i > first

    def _first_trainable(self) -> int:
        return next((i for i, layer in enumerate(self.layers) if layer.count_params() > 0), len(self.layers))

    # --- config -----------------------------------------------------------------------------------------------
    def get_config(self) -> dict:
        return {
            "name": self.name,
            "seed": self.seed,
            "dtype": self.dtype.name,
            "input_shape": None if self.input_shape is None else list(self.input_shape),
            "layers": [saving.layer_to_json(layer) for layer in self.layers],
            **({"output_positions": self.output_positions} if getattr(self, "output_positions", None) else {}),
        }

    @classmethod
    def from_config(cls, config: dict, custom_objects: dict | None = None) -> Sequential:
        model = cls(
            [saving.layer_from_json(spec, custom_objects) for spec in config["layers"]],
            name=config.get("name"),
            seed=config.get("seed"),
            dtype=config.get("dtype", "float32"),
        )
        if config.get("input_shape") is not None and not model.built:
            model.build(config["input_shape"])
        return model

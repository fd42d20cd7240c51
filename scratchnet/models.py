"""Models: a stack of layers that is itself a layer, trained through :mod:`scratchnet.training`.

One training step, the whole of backprop, is four lines (see :meth:`Model.train_step`):

    y_pred = model.forward(x, training=True)     # every layer's forward, first to last
    loss   = loss_fn.forward(y, y_pred)
    model.backward_from_loss(y, y_pred)          # the loss's backward, then every layer's backward, last to first
    optimizer.apply(params, grads)               # update every parameter, in place

The loop around it (compile, fit, evaluate, predict) is :class:`scratchnet.training.Trainer`; saving is
:mod:`scratchnet.saving`, the table of ``summary()`` :mod:`scratchnet.summary`.

>>> import numpy as np
>>> import scratchnet as sn
>>> model = sn.Sequential([sn.layers.Dense(1, input_shape=[1])], seed=0)
>>> model.compile(optimizer="sgd", loss="mean_squared_error")
>>> xs = np.array([-1.0, 0.0, 1.0, 2.0, 3.0, 4.0])
>>> history = model.fit(xs, 2 * xs - 1, epochs=200, verbose=0)
>>> round(float(model.predict([10.0])[0, 0]))
19
"""

from __future__ import annotations

import json

import numpy as np

from scratchnet import checks, fused, layers, regularizers, saving, speed, summary, utils
from scratchnet.arrays import eager
from scratchnet.explain import explain as explain_model
from scratchnet.layer import Layer
from scratchnet.symbolic import InputLayer, SymbolicTensor, trace_chain
from scratchnet.training import Trainer

__all__ = ["Functional", "Model", "Sequential", "load_model"]


class Model(Trainer, Layer):
    """What every model shares: its parameters, one step of backprop, weights, and the Keras conveniences.

    A subclass provides ``layers``, ``build``, ``forward``, ``backward`` and ``backward_from_logits`` (the
    backward that starts below the output activation, for the fused gradient).

    Args:
        name: the model's name in ``summary()``.
        seed: seed of the model's random generator (initial weights, shuffling, dropout); same seed, same run.
            By default the seed of :func:`scratchnet.utils.set_random_seed`, if one was set.
        dtype: ``'float32'`` (default, fast) or ``'float64'`` (for gradient checks).
    """

    def __new__(cls, *args, **kwargs):
        # Keras's functional API: Model(inputs=..., outputs=...) is a model over the layers between them.
        if cls is Model:
            if not (args or "inputs" in kwargs or "outputs" in kwargs):
                raise TypeError(
                    "Model() needs inputs and outputs: Model(inputs=inputs, outputs=outputs), with inputs = "
                    "sn.Input(shape=...). A Model subclass with its own call() cannot be trained here (scratchnet "
                    "has no autograd, on purpose): list the layers in sn.Sequential([...]) instead."
                )
            return super().__new__(Functional)
        return super().__new__(cls)

    def __init__(self, name: str | None = None, seed: int | None = None, dtype="float32"):
        self.layers: list[Layer] = []
        super().__init__(name=name)
        if np.dtype(dtype) not in (np.float32, np.float64):
            raise ValueError(f"{type(self).__name__} expected dtype 'float32' or 'float64'. Received: dtype={dtype!r}.")
        self.dtype = np.dtype(dtype)
        self.seed = seed
        self.rng = utils.make_rng(seed)
        self.structure_version = 0  # counts builds, so cached views of the parameters know when to refresh
        self._init_training()

    # --- parameters ---------------------------------------------------------------------------------------------
    def parameter_slots(self) -> list[tuple[Layer, str]]:
        """``(layer, key)`` of every parameter, in Keras order: layer by layer, kernel before bias."""
        slots = []
        for layer in self.layers:
            slots += layer.parameter_slots() if isinstance(layer, Model) else [(layer, key) for key in layer.params]
        return slots

    def get_layer(self, name: str | None = None, index: int | None = None) -> Layer:
        """The layer called ``name``, or at position ``index`` (which wins if both are given), as in Keras."""
        if index is not None:
            if not -len(self.layers) <= index < len(self.layers):
                raise ValueError(
                    f"Model '{self.name}' has {len(self.layers)} layers. Received: index={index}. "
                    f"Use 0 to {len(self.layers) - 1}."
                )
            return self.layers[index]
        if name is None:
            raise ValueError("get_layer() needs a layer name or an index. Received: neither.")
        for layer in self.layers:
            if layer.name == name:
                return layer
        raise ValueError(f"No such layer: {name}. Existing layers are: {[layer.name for layer in self.layers]}.")

    @property
    def weights(self) -> list[np.ndarray]:
        """Keras's name for :attr:`trainable_weights` (scratchnet has no non-trainable weights)."""
        return self.trainable_weights

    @property
    def trainable_weights(self) -> list[np.ndarray]:
        """The parameter arrays themselves (not copies), in Keras order."""
        return [layer.params[key] for layer, key in self.parameter_slots()]

    @property
    def weight_names(self) -> list[str]:
        """``'layer_name/key'`` for each of :attr:`trainable_weights`."""
        return [f"{layer.name}/{key}" for layer, key in self.parameter_slots()]

    @property
    def gradients(self) -> list[np.ndarray]:
        """∂L/∂θ for each of :attr:`trainable_weights`, as the last backward left them."""
        return [layer.grads[key] for layer, key in self.parameter_slots()]

    def count_params(self) -> int:
        return sum(layer.count_params() for layer in self.layers)

    def get_weights(self) -> list[np.ndarray]:
        """Copies of all parameters in Keras order: ``[W1, b1, W2, b2, ...]``."""
        return [w.copy() for w in self.trainable_weights]

    def set_weights(self, weights) -> None:
        """Copy ``weights`` (Keras order, as from :meth:`get_weights`) into the model, in place.

        Every shape is checked before anything is written, so a mismatch leaves the model unchanged.
        """
        self.check_built("set_weights")
        weights, own, names = list(weights), self.trainable_weights, self.weight_names
        if len(weights) != len(own):
            raise ValueError(
                f"Model '{self.name}' has {len(own)} weight arrays ({', '.join(names)}). "
                f"Received: {len(weights)} arrays. Were they saved from a model with other layers?"
            )
        for name, p, w in zip(names, own, weights, strict=True):
            if np.shape(w) != p.shape:
                raise ValueError(
                    f"Model '{self.name}': weight '{name}' has shape {p.shape}. Received: shape {np.shape(w)}. "
                    "Were these weights saved from a model with other layer sizes?"
                )
        for p, w in zip(own, weights, strict=True):
            p[...] = w

    def optimizer_arrays(self) -> tuple[list[np.ndarray], list[np.ndarray]]:
        """The arrays the optimizer updates, and their gradients: each layer's own, or one flat θ and dθ."""
        if speed.enabled():
            return speed.flat_parameters(self)  # [θ], [dθ]: the whole model in one vector each
        speed.separate_parameters(self)
        return self.trainable_weights, self.gradients

    # --- one step of training -----------------------------------------------------------------------------------
    def backward_from_loss(self, y: np.ndarray, y_pred: np.ndarray, sample_weight: np.ndarray | None = None) -> None:
        """Backprop from the loss down through every layer, filling each layer's ``grads``.

        Where compile chose the fused gradient (:mod:`scratchnet.fused`), backprop starts at the logits with
        ``dz = (p - onehot(y)) / N``; otherwise with the loss's own backward, through every layer. With sample
        weights, each example's row of that first gradient is multiplied by its weight: the loss is
        ``sum_i(w_i * l_i) / N``, and example i's term reaches only its own row.
        """
        fused_start = self.fused_backward is not None
        d = self.fused_backward(y, y_pred) if fused_start else self.loss.backward(y, y_pred)
        if sample_weight is not None:
            d = d * sample_weight.reshape(-1, *([1] * (d.ndim - 1)))
        if fused_start:
            self.backward_from_logits(d)
        else:
            self.backward(d)

    def train_step(
        self, x: np.ndarray, y: np.ndarray, sample_weight: np.ndarray | None = None
    ) -> tuple[float, np.ndarray]:
        """One step of gradient descent on a batch already in the model's dtype. Returns (loss, y_pred)."""
        y_pred = self.forward(x, training=True)
        if sample_weight is None:
            loss = self.loss.forward(y, y_pred)
        else:
            loss = float((sample_weight * self.loss.per_example(y, y_pred)).sum()) / len(y_pred)
        self.backward_from_loss(y, y_pred, sample_weight)
        loss += self.add_regularization()
        self.optimizer.apply(*self.optimizer_arrays())
        return loss, y_pred

    def add_regularization(self) -> float:
        """Add the weight penalties' gradients to ``grads``; return their sum (see :mod:`scratchnet.regularizers`)."""
        return regularizers.add_gradients(self)

    def regularization_loss(self) -> float:
        """The sum of the weight penalties at the current weights (part of the loss ``fit`` and ``evaluate`` show)."""
        return regularizers.total_penalty(self)

    def compute_gradients(self, x, y) -> float:
        """One forward and backward pass through exactly the path ``fit`` uses; updates nothing.

        Afterwards every layer's ``grads`` holds ∂L/∂params for this batch (Dense: ``grads["W"]``,
        ``grads["b"]``). Dropout is active, as in training.

        Returns:
            The loss on this batch.
        """
        x, y = checks.prepare_data(self, x, y, "compute_gradients")
        y_pred = self.forward(x.astype(self.dtype, copy=False), training=True)
        loss = self.loss.forward(y, y_pred)
        self.backward_from_loss(y, y_pred)
        return loss + self.add_regularization()

    def output_example_shapes(self) -> list[tuple[int, ...]]:
        """The shape of one example of each output (one output, unless a functional model asks for several)."""
        return [tuple(self.output_shape[1:])]

    def multiply_adds_per_batch(self, batch_size: int) -> int:
        """Multiply-adds of the largest layer's matmul on one batch (for Dense: batch × in × out, about)."""
        return batch_size * max((layer.count_params() for layer in self.layers), default=0)

    def __call__(self, x, training: bool = False) -> np.ndarray:
        """``model(x)``: the forward pass on ``x`` as one batch (builds the model on first use).

        The result is a NumPy array that also has TensorFlow's ``.numpy()`` (which returns it as a plain array),
        so ``model(x).numpy()`` from a TensorFlow tutorial runs as written.
        """
        if getattr(x, "is_symbolic", False):
            return x.through(self)
        x = checks.prepare_inputs(self, x, "__call__")
        out = self.forward(x.astype(self.dtype, copy=False), training=training)
        return eager(out)

    # --- looking inside, summary, saving ------------------------------------------------------------------------
    def explain(self, x, y=None, print_fn=print, full: bool = False) -> None:
        """Print one forward and backward pass on a tiny batch, layer by layer: see :func:`scratchnet.explain`.

        ``full=True`` prints every number of every array, for recomputing a step by hand on a tiny network.
        """
        explain_model(self, x, y, print_fn=print_fn, full=full)

    def summary(self, print_fn=print) -> None:
        """Print a Keras-style table: each layer's name and type, output shape and parameter count."""
        summary.summary(self, print_fn)

    def save(self, path) -> None:
        """Save architecture, compile settings and weights to one ``.npz`` file: see :mod:`scratchnet.saving`."""
        saving.save_model(self, path)

    def save_weights(self, path) -> None:
        """Save all weights to a ``.npz`` file, atomically (a crash never leaves a half-written file)."""
        saving.save_weights(self, path)

    def load_weights(self, path) -> None:
        """Load weights saved by :meth:`save_weights` or :meth:`save` (shapes are checked first)."""
        saving.load_weights(self, path)

    def to_json(self, **kwargs) -> str:
        """The architecture as a JSON string, as Keras's ``model.to_json()`` (weights not included)."""
        return json.dumps(saving.layer_to_json(self), **kwargs)

    def check_built(self, method: str) -> None:
        if not self.built:
            raise ValueError(
                f"Model '{self.name}' is not built yet, so {method}() has no weights to work on. Build it first: "
                "call it on data, or give the first layer an input_shape."
            )


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
        shape = tuple(int(d) for d in input_shape)
        self.input_shape = shape
        for layer in self.layers:
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
        """Run every layer's forward, first to last. ``x``: (N, *input_shape) in the model's dtype."""
        for layer in self.layers:
            x = layer.forward(x, training=training)
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


class Functional(Sequential):
    """What ``Model(inputs=..., outputs=...)`` makes: the chain of layers between them, as a Sequential.

    With one output it is a Sequential over those layers, and trains through the same loop and the same fused
    gradient. With several outputs along the chain (``outputs=[layer.output for layer in model.layers]``) it
    returns a list of arrays, one per output, from ``predict`` and ``model(x)``: for looking, not training.
    See :mod:`scratchnet.symbolic`.
    """

    def __init__(self, inputs=None, outputs=None, name: str | None = None, **kwargs):
        start, chain, positions = trace_chain(inputs, outputs)
        super().__init__(name=name or "functional", **kwargs)
        self.input_spec = start.example_shape
        # As in Keras, a functional model's layers start with its InputLayer (it passes the batch on unchanged).
        self.layers.append(start.layer)
        self.output_positions = None if positions is None else [i + 1 for i in positions]
        for layer in chain:
            self.add(layer, rebuild=False)
        self._changed()

    def forward(self, x: np.ndarray, training: bool = False):
        if self.output_positions is None:
            return super().forward(x, training=training)
        seen = []
        for layer in self.layers[: max(self.output_positions) + 1]:
            x = layer.forward(x, training=training)
            seen.append(x)
        return [seen[i] for i in self.output_positions]

    def output_example_shapes(self) -> list[tuple[int, ...]]:
        shapes = [shape for _, shape in self.layer_output_shapes()]
        return [shapes[i] for i in self.output_positions] if self.output_positions else [shapes[-1]]

    def compile(self, *args, **kwargs) -> None:
        if self.output_positions is not None:
            raise ValueError(
                f"Model '{self.name}' has {len(self.output_positions)} outputs: it can predict (one array per "
                "output) but not be trained, as scratchnet trains models with one output and one loss. Train the "
                "model the layers came from, then look at it through this one."
            )
        super().compile(*args, **kwargs)

    @classmethod
    def from_config(cls, config: dict, custom_objects: dict | None = None) -> Sequential:
        config = {k: v for k, v in config.items() if k != "output_positions"}
        return Sequential.from_config(config, custom_objects)


layers.register(Sequential)
layers.register(Functional)


load_model = saving.load_model  # sn.models.load_model, as tf.keras.models.load_model

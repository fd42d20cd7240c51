"""Models: a stack of layers that is itself a layer, trained through :mod:`scratchnet.models.training`.

One training step, the whole of backprop, is four lines (see :meth:`Model.train_step`):

    y_pred = model.forward(x, training=True)     # every layer's forward, first to last
    loss   = loss_fn.forward(y, y_pred)
    model.backward_from_loss(y, y_pred)          # the loss's backward, then every layer's backward, last to first
    optimizer.apply(params, grads)               # update every parameter, in place

The loop around it (compile, fit, evaluate, predict) is :class:`scratchnet.models.training.Trainer`; saving is
:mod:`scratchnet.models.saving`, the table of ``summary()`` :mod:`scratchnet.models.summary`.

>>> import numpy as np
>>> import scratchnet as sn
>>> model = sn.Sequential([sn.layers.Dense(1, input_shape=[1])], seed=0)
>>> model.compile(optimizer="sgd", loss="mean_squared_error")
>>> xs = np.array([-1.0, 0.0, 1.0, 2.0, 3.0, 4.0])
>>> history = model.fit(xs, 2 * xs - 1, epochs=200, verbose=0)
>>> round(float(model.predict([10.0], verbose=0)[0, 0]))
19
"""

from __future__ import annotations

import json

import numpy as np

from scratchnet import checks, regularizers, speed, utils
from scratchnet.layers.base import Layer
from scratchnet.models import saving, summary
from scratchnet.models.custom_steps import KerasSteps
from scratchnet.models.training import Trainer
from scratchnet.tape import tensor as tape_tensor

__all__ = ["Model"]


def _functional_arguments(args, kwargs) -> bool:
    """Whether a Model subclass is being called as ``Model(inputs, outputs)``."""
    first = args[0] if args else kwargs.get("inputs")
    if isinstance(first, dict):
        first = next(iter(first.values()), None)
    if isinstance(first, (list, tuple)):
        first = first[0] if first else None
    return getattr(first, "is_symbolic", False) and (len(args) > 1 or "outputs" in kwargs)


class Model(KerasSteps, Trainer, Layer):
    """What every model shares: its parameters, one step of backprop, weights, and the Keras conveniences.

    A subclass provides ``layers``, ``build``, ``forward``, ``backward`` and ``backward_from_logits`` (the
    backward that starts below the output activation, for the fused gradient).

    Args:
        name: the model's name in ``summary()``.
        seed: seed of the model's random generator (initial weights, shuffling, dropout); same seed, same run.
            By default the seed of :func:`scratchnet.utils.set_random_seed`, if one was set.
        dtype: ``'float32'`` (default, fast) or ``'float64'`` (for gradient checks).
    """

    #: The class ``Model(inputs, outputs)`` builds; set by :mod:`scratchnet.models.functional`, which subclasses
    #: this one and so cannot be imported here.
    functional_class: type | None = None

    def __new__(cls, *args, **kwargs):
        # Keras's functional API: Model(inputs=..., outputs=...) is a model over the layers between them.
        if cls is Model:
            if not (args or "inputs" in kwargs or "outputs" in kwargs):
                raise TypeError(
                    "Model() needs inputs and outputs: Model(inputs=inputs, outputs=outputs), with inputs = "
                    "sn.Input(shape=...). Or subclass it: class MyModel(sn.Model) with __init__ and call()."
                )
            return super().__new__(Model.functional_class.pick(*args, **kwargs))
        if Model.functional_class is not None and _functional_arguments(args, kwargs):
            # class CustomModel(sn.Model) with its own train_step, built as CustomModel(inputs, outputs) (Keras's
            # "Customizing fit()" guide): a functional model of that subclass.
            base = Model.functional_class.pick(*args, **kwargs)
            if not issubclass(cls, base):
                cls = type(cls.__name__, (cls, base), {"__module__": cls.__module__, "__qualname__": cls.__qualname__})
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
        """``(layer, key)`` of every trainable parameter, in Keras order: layer by layer, kernel before bias.

        These are what the optimizer updates; non-trainable weights (a layer's ``non_trainable`` keys, such as
        BatchNormalization's moving statistics) are left out here and listed by :meth:`weight_slots`.
        """
        slots = []
        for layer in self.layers:
            if isinstance(layer, Model):
                slots += layer.parameter_slots()
            elif hasattr(layer, "weight_slots"):  # a layer written Keras's way: its weights and its layers' weights
                slots += layer.weight_slots()
            else:
                slots += [(layer, key) for key in layer.trainable_keys()]
        return slots

    def weight_slots(self) -> list[tuple[Layer, str]]:
        """``(layer, key)`` of every weight, trainable or not, in Keras order (what get_weights and save list)."""
        slots = []
        for layer in self.layers:
            if isinstance(layer, Model) or hasattr(layer, "weight_slots"):
                slots += layer.weight_slots()
            else:
                slots += [(layer, key) for key in layer.params]
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
    def weights(self) -> list:
        """Every weight as a Variable that aliases it, trainable or not, in Keras order (layer by layer)."""
        return self._variables(self.weight_slots())

    @property
    def trainable_weights(self) -> list:
        """Every trainable parameter as a Variable that aliases it, Keras order (= :attr:`trainable_variables`)."""
        return self.trainable_variables

    @property
    def non_trainable_weights(self) -> list:
        """The weights gradient descent leaves alone (BatchNormalization's moving mean and variance), as Variables."""
        return self.non_trainable_variables

    def parameter_arrays(self) -> list[np.ndarray]:
        """The trainable arrays themselves (not copies), in Keras order: what the optimizer updates in place."""
        return [layer.params[key] for layer, key in self.parameter_slots()]

    def weight_arrays(self) -> list[np.ndarray]:
        """Every weight array itself (not a copy), trainable or not, in Keras order: what get_weights copies."""
        return [layer.params[key] for layer, key in self.weight_slots()]

    def _variables(self, slots) -> list:
        # The same Variable objects on every call: one per (layer, key), made by the layer.
        layers = {id(layer): layer for layer, _ in slots}.values()
        by_slot = {(id(v.layer), v.key): v for layer in layers for v in layer.variables}
        return [by_slot[(id(layer), key)] for layer, key in slots]

    @property
    def trainable_variables(self) -> list:
        """Every trainable parameter as a Variable that aliases it, in Keras order: what ``tape.gradient`` and
        ``optimizer.apply_gradients`` take in a custom training loop (the same objects on every call)."""
        return self._variables(self.parameter_slots())

    @property
    def variables(self) -> list:
        return self.weights

    @property
    def non_trainable_variables(self) -> list:
        trainable = {(id(layer), key) for layer, key in self.parameter_slots()}
        return self._variables([(lay, k) for lay, k in self.weight_slots() if (id(lay), k) not in trainable])

    @property
    def weight_names(self) -> list[str]:
        """``'layer_name/key'`` for each of :meth:`weight_arrays`."""
        return [f"{layer.name}/{key}" for layer, key in self.weight_slots()]

    @property
    def trainable_weight_names(self) -> list[str]:
        """``'layer_name/key'`` for each of :meth:`parameter_arrays`."""
        return [f"{layer.name}/{key}" for layer, key in self.parameter_slots()]

    @property
    def gradients(self) -> list[np.ndarray]:
        """∂L/∂θ for each of :meth:`parameter_arrays`, as the last backward left them."""
        return [layer.grads[key] for layer, key in self.parameter_slots()]

    def count_params(self) -> int:
        return sum(layer.count_params() for layer in self.layers)

    def count_trainable_params(self) -> int:
        return sum(layer.count_trainable_params() for layer in self.layers)

    def get_weights(self) -> list[np.ndarray]:
        """Copies of all weights in Keras order: ``[W1, b1, W2, b2, ...]`` (non-trainable ones included)."""
        return [w.copy() for w in self.weight_arrays()]

    def set_weights(self, weights) -> None:
        """Copy ``weights`` (Keras order, as from :meth:`get_weights`) into the model, in place.

        Every shape is checked before anything is written, so a mismatch leaves the model unchanged.
        """
        self.check_built("set_weights")
        weights, own, names = list(weights), self.weight_arrays(), self.weight_names
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
        if speed.enabled() and not self.optimizer.clips_each_array:  # clipnorm needs the arrays one by one
            return speed.flat_parameters(self)  # [θ], [dθ]: the whole model in one vector each
        speed.separate_parameters(self)
        return self.parameter_arrays(), self.gradients

    def cast_inputs(self, x: np.ndarray) -> np.ndarray:
        """``x`` in the model's dtype, except word indices going into an Embedding first: they stay integers."""
        dtype = getattr(x, "dtype", None)  # several inputs (a graph's ArrayList) have none: each is cast
        if (
            dtype is not None
            and np.issubdtype(dtype, np.integer)
            and any(getattr(la, "takes_indices", False) for la in self.layers[:2])
        ):
            return x
        return x.astype(self.dtype, copy=False)

    # --- one step of training -----------------------------------------------------------------------------------
    def backward_from_loss(self, y: np.ndarray, y_pred: np.ndarray, sample_weight: np.ndarray | None = None) -> None:
        """Backprop from the loss down through every layer, filling each layer's ``grads``.

        Where compile chose a fused loss (``self.fused_loss``, e.g. :class:`scratchnet.fused.SoftmaxCrossentropy`),
        backprop starts below the output activation with its ``dz = (p - onehot(y)) / N``; otherwise with the
        loss's own backward ``dy``, through every layer. With sample weights, each example's row of that first
        gradient is multiplied by its weight: the loss is ``sum_i(w_i * l_i) / N``, and example i's term reaches
        only its own row.
        """
        weights = None if sample_weight is None else sample_weight.reshape(-1, *([1] * (y_pred.ndim - 1)))
        if self.fused_loss is not None:
            dz = self.fused_loss.backward(y, y_pred)  # e.g. fused.SoftmaxCrossentropy: dz = (p - onehot(y)) / N
            self.backward_from_logits(dz if weights is None else dz * weights)
        else:
            dy = self.loss.backward(y, y_pred)  # e.g. losses.MeanSquaredError.backward: dy = 2 (p - y) / N
            self.backward(dy if weights is None else dy * weights)

    @property
    def fused_backward(self):
        """``self.fused_loss.backward`` (the function ``dz = f(y, p)``), or None on the chained path."""
        return None if self.fused_loss is None else self.fused_loss.backward

    def train_step(
        self, x: np.ndarray, y: np.ndarray, sample_weight: np.ndarray | None = None
    ) -> tuple[float, np.ndarray]:
        """One step of gradient descent on a batch already in the model's dtype. Returns (loss, y_pred).

        The backward starts where :meth:`backward_from_loss` says: with ``self.fused_loss.backward`` (for a softmax
        output and cross-entropy that is :class:`scratchnet.fused.SoftmaxCrossentropy`, ``dz = (p - onehot(y)) / N``)
        or, with no fused loss, the loss's own ``backward``.
        """
        y_pred = self.forward(x, training=True)  # every layer's forward, first to last
        if sample_weight is None:
            loss = self.loss.forward(y, y_pred)
        else:
            loss = float((sample_weight * self.loss.per_example(y, y_pred)).sum()) / len(y_pred)
        self.backward_from_loss(y, y_pred, sample_weight)  # self.fused_loss.backward, then every layer's backward
        loss += self.add_regularization()
        self.optimizer.apply(*self.optimizer_arrays())  # every parameter updated, in place
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
        y_pred = self.forward(self.cast_inputs(x), training=True)
        loss = self.loss.forward(y, y_pred)
        self.backward_from_loss(y, y_pred)
        return loss + self.add_regularization()

    def output_example_shapes(self) -> list[tuple[int, ...]]:
        """The shape of one example of each output (one output, unless a functional model asks for several)."""
        return [tuple(self.output_shape[1:])]

    def multiply_adds_per_batch(self, batch_size: int) -> int:
        """Multiply-adds of the largest matmul one batch runs: batch × the largest layer's per-example work
        (Dense: in × out; Conv2D: Ho·Wo positions × kh·kw·C × F). Decides the BLAS threads (speed/blas.py)."""
        return batch_size * self.multiply_adds()

    def multiply_adds(self, input_shape=None) -> int:
        """The largest per-example matmul of any of this model's built layers (each knows its input shape)."""
        largest = 0
        for layer in self.layers:
            shape = getattr(layer, "input_shape", None)
            if layer.built and shape is not None:
                largest = max(largest, layer.multiply_adds(shape))
        return largest

    def __call__(self, x, training: bool = False):
        """``model(x)``: the forward pass on ``x`` as one batch (builds the model on first use), as a tensor.

        ``model(x).numpy()`` is the NumPy array (``predict`` returns one directly). Inside a GradientTape the call
        is one recorded op whose backward is the model's (see :mod:`scratchnet.tape.layer_call`).
        """
        if getattr(x, "is_symbolic", False):
            return x.through(self)
        if isinstance(x, tape_tensor.Tensor) or tape_tensor.recording_tapes():
            return tape_tensor.OPS["call_layer"](self, tape_tensor.convert_to_tensor(x), training)
        x = checks.prepare_inputs(self, x, "__call__")
        out = self.forward(self.cast_inputs(x), training=training)
        return [tape_tensor.Tensor._wrap(o) for o in out] if isinstance(out, list) else tape_tensor.Tensor._wrap(out)

    # --- looking inside, summary, saving ------------------------------------------------------------------------
    def explain(self, x, y=None, print_fn=print, full: bool = False) -> None:
        """Print one forward and backward pass on a tiny batch, layer by layer: see :func:`scratchnet.explain`.

        ``full=True`` prints every number of every array, for recomputing a step by hand on a tiny network.
        """
        # explain is a tool that looks inside models; it is loaded here, on first use, so that importing a model
        # loads no tool (tests/test_architecture.py checks that the core stays free of them).
        from scratchnet.explain import explain

        explain(self, x, y, print_fn=print_fn, full=full)

    def summary(self, print_fn=print) -> None:
        """Print a Keras-style table: each layer's name and type, output shape and parameter count."""
        summary.summary(self, print_fn)

    def save(self, path) -> None:
        """Save architecture, compile settings and weights to one ``.npz`` file: see :mod:`scratchnet.models.saving`."""
        saving.save_model(self, path)

    def save_weights(self, path) -> None:
        """Save all weights to a ``.npz`` file, atomically (a crash never leaves a half-written file)."""
        saving.save_weights(self, path)

    def load_weights(self, path, max_bytes: int | None = None) -> None:
        """Load weights saved by :meth:`save_weights` or :meth:`save` (shapes are checked first)."""
        saving.load_weights(self, path, max_bytes=max_bytes)

    def to_json(self, **kwargs) -> str:
        """The architecture as a JSON string, as Keras's ``model.to_json()`` (weights not included)."""
        return json.dumps(saving.layer_to_json(self), **kwargs)

    def check_built(self, method: str) -> None:
        if not self.built:
            raise ValueError(
                f"Model '{self.name}' is not built yet, so {method}() has no weights to work on. Build it first: "
                "call it on data, or give the first layer an input_shape."
            )

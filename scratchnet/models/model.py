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
>>> round(float(model.predict([10.0])[0, 0]))
19
"""

from __future__ import annotations

import json

import numpy as np

from scratchnet import checks, regularizers, speed, utils
from scratchnet.layers.base import Layer
from scratchnet.models import saving, summary
from scratchnet.models.training import Trainer
from scratchnet.ops import eager

__all__ = ["Model"]


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

    #: The class ``Model(inputs, outputs)`` builds; set by :mod:`scratchnet.models.functional`, which subclasses
    #: this one and so cannot be imported here.
    functional_class: type | None = None

    def __new__(cls, *args, **kwargs):
        # Keras's functional API: Model(inputs=..., outputs=...) is a model over the layers between them.
        if cls is Model:
            if not (args or "inputs" in kwargs or "outputs" in kwargs):
                raise TypeError(
                    "Model() needs inputs and outputs: Model(inputs=inputs, outputs=outputs), with inputs = "
                    "sn.Input(shape=...). A Model subclass with its own call() cannot be trained here (scratchnet "
                    "has no autograd, on purpose): list the layers in sn.Sequential([...]) instead."
                )
            return super().__new__(Model.functional_class)
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

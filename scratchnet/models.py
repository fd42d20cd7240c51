"""Sequential: a stack of layers, trained with compile / fit / evaluate / predict as in Keras.

One training step, the whole of backprop, is four lines (see :meth:`Sequential.train_step`):

    y_pred = model.forward(x, training=True)     # every layer's forward, first to last
    loss   = loss_fn.forward(y, y_pred)
    model.backward_from_loss(y, y_pred)          # the loss's backward, then every layer's backward, last to first
    optimizer.apply([θ], [dθ])                   # update all parameters, in place

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
import math
import os
import tempfile
import warnings

import numpy as np

from scratchnet import blas, losses, metrics, optimizers, utils
from scratchnet import layers as layers_module
from scratchnet.callbacks import CallbackList
from scratchnet.layers import Layer

__all__ = ["Sequential", "load_model"]

_FORMAT_VERSION = 1


class Sequential(Layer):
    """A linear stack of layers; itself a layer, so a model can sit inside another model.

    Args:
        layers: the layers, first to last.
        name: the model's name in ``summary()``.
        seed: seed of the model's random generator (initial weights, shuffling, dropout); same seed, same run.
            By default the seed of :func:`scratchnet.utils.set_random_seed`, if one was set.
        dtype: ``'float32'`` (default, fast) or ``'float64'`` (for gradient checks).

    >>> import scratchnet as sn
    >>> model = sn.Sequential([sn.layers.Flatten(input_shape=(28, 28)),
    ...                        sn.layers.Dense(128, activation="relu"),
    ...                        sn.layers.Dense(10, activation="softmax")])
    >>> model.count_params()
    101770
    """

    def __init__(self, layers=None, name: str | None = None, seed: int | None = None, dtype="float32"):
        self.layers: list[Layer] = []
        super().__init__(name=name)
        if np.dtype(dtype) not in (np.float32, np.float64):
            raise ValueError(f"Sequential expected dtype 'float32' or 'float64'. Received: dtype={dtype!r}.")
        self.dtype = np.dtype(dtype)
        self.seed = seed
        self.rng = utils.make_rng(seed)
        # A model's input is data: nobody reads ∂L/∂x, so its first trainable layer can skip computing it.
        self.needs_input_grad = False
        self.optimizer: optimizers.Optimizer | None = None
        self.loss: losses.Loss | None = None
        self.metric_names: list[str] = []
        self.stop_training = False
        self.history = None
        self._theta: np.ndarray | None = None
        self._train_range: tuple[float, float] | None = None  # (min, max) of the inputs fit() last saw
        self._warned: set[str] = set()  # each hint is given once per model
        for layer in layers or []:
            self.add(layer)

    # --- building ------------------------------------------------------------------------------------------------
    def add(self, layer: Layer) -> None:
        """Append a layer. If the first layer was given an ``input_shape``, the model is built right away."""
        if isinstance(layer, type) and issubclass(layer, Layer):
            raise TypeError(
                f"Sequential.add expected a layer instance. Received: the class {layer.__name__}. "
                f"Did you mean {layer.__name__}(...)?"
            )
        if not isinstance(layer, Layer):
            raise TypeError(
                f"Sequential.add expected a scratchnet layer (an instance of scratchnet.layers.Layer). "
                f"Received: {layer!r} of type {type(layer).__name__}."
            )
        self.layers.append(layer)
        self.built = False
        first = self.layers[0]
        if first.input_shape is not None:
            self.build(first.input_shape)

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
        self.output_shape = shape
        self.built = True
        self._pack_parameters()
        self.needs_input_grad = self.needs_input_grad  # passes the flag on to the (new) layers

    def compute_output_shape(self, input_shape):
        shape = tuple(input_shape)
        for layer in self.layers:
            shape = tuple(layer.compute_output_shape(shape))
        return shape

    # --- parameters: one flat vector --------------------------------------------------------------------------------
    def _param_slots(self) -> list[tuple[Layer, str]]:
        """(layer, key) of every parameter, in Keras order: layer by layer, kernel before bias."""
        slots = []
        for layer in self.layers:
            if isinstance(layer, Sequential):
                slots += layer._param_slots()
            else:
                slots += [(layer, key) for key in layer.params]
        return slots

    def _pack_parameters(self) -> None:
        """Move every parameter into one flat vector θ, and every gradient into one vector dθ.

        Each layer's ``params[key]`` and ``grads[key]`` become views into θ and dθ, so the layers read and
        write exactly as before, while the optimizer updates the whole model in a few vector operations
        instead of a few per array (at batch size 32 those per-call costs add up).
        """
        self._slots = self._param_slots()
        total = sum(layer.params[key].size for layer, key in self._slots)
        self._theta = np.empty(total, dtype=self.dtype)
        self._dtheta = np.zeros(total, dtype=self.dtype)
        self._views = []
        offset = 0
        for layer, key in self._slots:
            value = layer.params[key]
            p = self._theta[offset : offset + value.size].reshape(value.shape)
            g = self._dtheta[offset : offset + value.size].reshape(value.shape)
            p[...] = value
            g[...] = layer.grads.get(key, 0)  # a repack between backward and the update must keep the gradients
            layer.params[key], layer.grads[key] = p, g
            self._views.append((p, g))
            offset += value.size

    def _sync_flat_vectors(self) -> None:
        """Make sure θ and dθ are still the arrays the layers use.

        A layer may have been put into another model since (which packs it into *its* θ), or a hand-written
        layer may have assigned a new gradient array instead of writing into the old one. In either case the
        layers' arrays are the truth: copy them back in.
        """
        for (layer, key), (p, g) in zip(self._slots, self._views, strict=True):
            if layer.params[key] is not p:
                self._pack_parameters()
                return
            if layer.grads[key] is not g:
                g[...] = layer.grads[key]
                layer.grads[key] = g

    @property
    def trainable_weights(self) -> list[np.ndarray]:
        """The parameter arrays themselves (not copies), in Keras order."""
        return [layer.params[key] for layer, key in self._param_slots()]

    @property
    def weight_names(self) -> list[str]:
        """``'layer_name/key'`` for each of :attr:`trainable_weights`."""
        return [f"{layer.name}/{key}" for layer, key in self._param_slots()]

    def count_params(self) -> int:
        return sum(layer.count_params() for layer in self.layers)

    def get_weights(self) -> list[np.ndarray]:
        """Copies of all parameters in Keras order: ``[W1, b1, W2, b2, ...]``."""
        return [w.copy() for w in self.trainable_weights]

    def set_weights(self, weights) -> None:
        """Copy ``weights`` (Keras order, as from :meth:`get_weights`) into the model, in place.

        Every shape is checked before anything is written, so a mismatch leaves the model unchanged.
        """
        self._check_built("set_weights")
        weights = list(weights)
        own, names = self.trainable_weights, self.weight_names
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

    # --- forward and backward -----------------------------------------------------------------------------------
    def forward(self, x: np.ndarray, training: bool = False) -> np.ndarray:
        """Run every layer's forward, first to last. ``x``: (N, *input_shape) in the model's dtype."""
        for layer in self.layers:
            x = layer.forward(x, training=training)
        return x

    def backward(self, dy: np.ndarray) -> np.ndarray | None:
        """Run every layer's backward, last to first; ``dy`` is ∂L/∂(model output)."""
        for layer in reversed(self._backward_layers()):
            dy = layer.backward(dy)
        return dy

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
        for i, layer in enumerate(self.layers):
            if layer.count_params() > 0:
                return i
        return len(self.layers)

    def _multiply_adds_per_batch(self, batch_size: int) -> int:
        """Multiply-adds of the largest layer's matmul on one batch (its parameter count is in × out + out)."""
        return batch_size * max((layer.count_params() for layer in self.layers), default=0)

    def _backward_layers(self) -> list[Layer]:
        # Layers before the first trainable one (a Flatten) have no parameters and nobody reads their dx.
        return self.layers if self._needs_input_grad else self.layers[self._first_trainable() :]

    @property
    def ends_in_softmax(self) -> bool:
        return bool(self.layers) and self.layers[-1].ends_in_softmax

    def backward_from_logits(self, dz: np.ndarray) -> np.ndarray | None:
        layers = self._backward_layers()
        if not layers:  # no parameters at all (e.g. Flatten, Softmax): nothing below the loss to backprop into
            return None
        dy = layers[-1].backward_from_logits(dz)
        for layer in reversed(layers[:-1]):
            dy = layer.backward(dy)
        return dy

    # --- compile ------------------------------------------------------------------------------------------------
    def compile(self, optimizer="rmsprop", loss=None, metrics=None) -> None:
        """Choose the optimizer, the loss and the metrics to report.

        Args:
            optimizer: ``'adam'``, ``'sgd'``, ``'rmsprop'`` or an instance from ``scratchnet.optimizers``.
            loss: ``'sparse_categorical_crossentropy'``, ``'categorical_crossentropy'``, ``'mean_squared_error'``
                (``'mse'``), ``'binary_crossentropy'``, or an instance from ``scratchnet.losses``.
            metrics: e.g. ``['accuracy']``; logged under the names given.
        """
        self.optimizer = optimizers.get(optimizer)
        self.loss = None if loss is None else losses.get(loss)
        self.metric_names = _metric_names(metrics)
        if (
            isinstance(self.loss, (losses.SparseCategoricalCrossentropy, losses.CategoricalCrossentropy))
            and self.loss.from_logits
            and self.ends_in_softmax
        ):
            warnings.warn(
                f'"{type(self.loss).__name__}" received `from_logits=True`, but the model ends in a Softmax, so '
                "its outputs are probabilities, not logits. Was this intended? Use from_logits=False, or remove "
                "the softmax from the last layer.",
                stacklevel=2,
            )

    def _fuses_softmax_and_loss(self) -> bool:
        # --- The fused softmax + cross-entropy ---------------------------------------------------------------
        # When the model ends in a softmax, p = softmax(z), and the loss is cross-entropy on those probabilities,
        # backprop would first compute dp = -onehot(y) / (N p) in the loss and then push it through the softmax
        # Jacobian. The two multiply out to
        #
        #     dz = (p - onehot(y)) / N
        #
        # (derived in docs/backprop.md). We use that directly: the backward pass starts at the logits z, below
        # the softmax (Layer.backward_from_logits). It is cheaper, and it never divides by a tiny p, so it stays
        # exact where the chained form loses precision. The loss *value* is unchanged. Keras does the same,
        # hidden inside its loss; here the switch is this method, and tests check fused == chained.
        return (
            isinstance(self.loss, (losses.SparseCategoricalCrossentropy, losses.CategoricalCrossentropy))
            and not self.loss.from_logits
            and self.ends_in_softmax
        )

    # --- one step of training -------------------------------------------------------------------------------------
    def backward_from_loss(self, y: np.ndarray, y_pred: np.ndarray) -> None:
        """Backprop from the loss down through every layer, filling each layer's ``grads``."""
        if self._fuses_softmax_and_loss():
            self.backward_from_logits(self.loss.backward_from_softmax(y, y_pred))
        else:
            self.backward(self.loss.backward(y, y_pred))
        self._sync_flat_vectors()

    def train_step(self, x: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray]:
        """One step of gradient descent on a batch already in the model's dtype. Returns (loss, y_pred)."""
        y_pred = self.forward(x, training=True)
        loss = self.loss.forward(y, y_pred)
        self.backward_from_loss(y, y_pred)
        self.optimizer.apply([self._theta], [self._dtheta])
        return loss, y_pred

    def compute_gradients(self, x, y) -> float:
        """One forward and backward pass through exactly the path ``fit`` uses; updates nothing.

        Afterwards every layer's ``grads`` holds ∂L/∂params for this batch (Dense: ``grads["W"]``,
        ``grads["b"]``). Dropout is active, as in training.

        Returns:
            The loss on this batch.
        """
        x, y = self._prepare(x, y, "compute_gradients")
        xb = x.astype(self.dtype, copy=False)
        y_pred = self.forward(xb, training=True)
        loss = self.loss.forward(y, y_pred)
        self.backward_from_loss(y, y_pred)
        return loss

    # --- fit / evaluate / predict ---------------------------------------------------------------------------------
    def fit(
        self,
        x=None,
        y=None,
        batch_size: int = 32,
        epochs: int = 1,
        verbose: int = 1,
        callbacks=None,
        validation_split: float = 0.0,
        validation_data=None,
        shuffle: bool = True,
    ):
        """Train for ``epochs`` passes over ``(x, y)`` in mini-batches. Returns a ``History``.

        Inputs may be lists or arrays of any numeric dtype (uint8 images, float64 from ``x / 255.0``). Each
        batch is gathered and cast to the model's dtype as it is used, so the dataset is never copied.

        Args:
            x: inputs, shape (N, *input_shape).
            y: targets: integer labels (N,) for sparse cross-entropy, (N, C) one-hot, or values for MSE.
            batch_size: examples per gradient step.
            epochs: passes over the data.
            verbose: 0 silent, 1 progress bar, 2 one line per epoch.
            callbacks: list of ``scratchnet.callbacks.Callback``.
            validation_split: fraction of the data, taken from the end *before* shuffling (as Keras does),
                held out to compute ``val_*`` metrics after each epoch.
            validation_data: ``(x_val, y_val)``; takes precedence over ``validation_split``.
            shuffle: reshuffle the order of examples before each epoch.

        Returns:
            A ``History`` whose ``history`` dict holds per-epoch lists: ``loss``, the metrics, ``val_*``.
        """
        batch_size = _positive_int("fit", "batch_size", batch_size)
        epochs = _positive_int("fit", "epochs", epochs, allow_zero=True)
        x, y = self._prepare(x, y, "fit")
        val = None
        if validation_data is not None:
            if not isinstance(validation_data, (tuple, list)) or len(validation_data) != 2:
                raise ValueError(
                    "fit() expected validation_data=(x_val, y_val). Received: "
                    f"validation_data of type {type(validation_data).__name__}."
                )
            val = validation_data
        elif validation_split:
            if not isinstance(validation_split, (int, float)) or not 0 < validation_split < 1:
                raise ValueError(
                    f"fit() expected validation_split to be a fraction in (0, 1). "
                    f"Received: validation_split={validation_split!r}."
                )
            split = int(len(x) * (1 - validation_split))
            if split == 0 or split == len(x):
                raise ValueError(
                    f"fit(): validation_split={validation_split} of {len(x)} examples leaves "
                    f"{split} for training and {len(x) - split} for validation; both need at least one."
                )
            # Views, not copies: the last examples, as Keras takes them (before shuffling).
            val = (x[split:], y[split:])
            x, y = x[:split], y[:split]

        n = len(x)
        steps = math.ceil(n / batch_size)
        self._train_range = utils.value_range(x)
        cbs = CallbackList(
            callbacks,
            model=self,
            add_history=True,
            add_progbar=verbose != 0,
            verbose=verbose,
            epochs=epochs,
            steps=steps,
        )
        self.stop_training = False
        cbs.on_train_begin()
        epoch_logs: dict = {}
        # Small matmuls run on one BLAS thread (see scratchnet/blas.py for why and how to opt out).
        with blas.threads_for(self._multiply_adds_per_batch(batch_size)):
            for epoch in range(epochs):
                cbs.on_epoch_begin(epoch)
                # A new order each epoch: a permutation of indices, never a permuted copy of the data.
                order = self.rng.permutation(n) if shuffle else None
                tracker = _RunningMeans(["loss", *self.metric_names])
                for step in range(steps):
                    cbs.on_train_batch_begin(step)
                    rows = slice(step * batch_size, (step + 1) * batch_size)
                    if order is not None:
                        rows = order[rows]
                    xb = x[rows].astype(self.dtype, copy=False)
                    yb = y[rows]
                    loss, y_pred = self.train_step(xb, yb)
                    self._check_loss(loss, epoch, step)
                    logs = tracker.add(len(xb), loss, self._metric_values(yb, y_pred))
                    cbs.on_train_batch_end(step, logs)
                    if self.stop_training:
                        break
                epoch_logs = tracker.means()
                if val is not None:
                    val_logs = self.evaluate(val[0], val[1], batch_size=batch_size, verbose=0, return_dict=True)
                    epoch_logs.update({f"val_{k}": v for k, v in val_logs.items()})
                cbs.on_epoch_end(epoch, epoch_logs)
                if self.stop_training:
                    break
        cbs.on_train_end(epoch_logs)
        return cbs.history

    def evaluate(self, x=None, y=None, batch_size: int = 32, verbose: int = 1, return_dict: bool = False):
        """Loss (and metrics) over ``(x, y)``, in inference mode.

        Returns:
            The loss as a float when no metrics were compiled, else ``[loss, *metrics]``
            (or a dict of them with ``return_dict=True``).
        """
        batch_size = _positive_int("evaluate", "batch_size", batch_size)
        x, y = self._prepare(x, y, "evaluate")
        self._check_input_scale(x)
        steps = math.ceil(len(x) / batch_size)
        cbs = CallbackList(None, model=self, add_progbar=verbose != 0, verbose=verbose, steps=steps)
        cbs.on_test_begin()
        tracker = _RunningMeans(["loss", *self.metric_names])
        logs: dict = {}
        with blas.threads_for(self._multiply_adds_per_batch(batch_size)):
            for step in range(steps):
                cbs.on_test_batch_begin(step)
                rows = slice(step * batch_size, (step + 1) * batch_size)
                xb = x[rows].astype(self.dtype, copy=False)
                y_pred = self.forward(xb, training=False)
                logs = tracker.add(len(xb), self.loss.forward(y[rows], y_pred), self._metric_values(y[rows], y_pred))
                cbs.on_test_batch_end(step, logs)
        logs = tracker.means()
        cbs.on_test_end(logs)
        if return_dict:
            return logs
        values = list(logs.values())
        return values[0] if len(values) == 1 else values

    def predict(self, x, batch_size: int = 32, verbose: int = 0) -> np.ndarray:
        """The model's outputs for ``x``, computed batch by batch in inference mode (no dropout).

        Returns:
            An array (N, *output_shape) in the model's dtype; for a softmax classifier each row sums to 1,
            and ``np.argmax(predictions[i])`` is the predicted class of example i.
        """
        batch_size = _positive_int("predict", "batch_size", batch_size)
        x = self._prepare_x(x, "predict")
        self._check_input_scale(x)
        out = np.empty((len(x), *self.output_shape), dtype=self.dtype)
        steps = math.ceil(len(x) / batch_size)
        cbs = CallbackList(None, model=self, add_progbar=verbose != 0, verbose=verbose, steps=steps)
        cbs.on_predict_begin()
        with blas.threads_for(self._multiply_adds_per_batch(batch_size)):
            for step in range(steps):
                cbs.on_predict_batch_begin(step)
                rows = slice(step * batch_size, (step + 1) * batch_size)
                out[rows] = self.forward(x[rows].astype(self.dtype, copy=False), training=False)
                cbs.on_predict_batch_end(step, {})
        cbs.on_predict_end()
        return out

    def train_on_batch(self, x, y, return_dict: bool = False):
        """One gradient step on one batch. Returns the loss, or ``[loss, *metrics]`` with metrics."""
        x, y = self._prepare(x, y, "train_on_batch")
        xb = x.astype(self.dtype, copy=False)
        loss, y_pred = self.train_step(xb, y)
        return _results(
            _RunningMeans(["loss", *self.metric_names]).add(len(xb), loss, self._metric_values(y, y_pred)),
            return_dict,
        )

    def test_on_batch(self, x, y, return_dict: bool = False):
        """Loss (and metrics) on one batch, without training."""
        x, y = self._prepare(x, y, "test_on_batch")
        y_pred = self.forward(x.astype(self.dtype, copy=False), training=False)
        logs = _RunningMeans(["loss", *self.metric_names]).add(
            len(x), self.loss.forward(y, y_pred), self._metric_values(y, y_pred)
        )
        return _results(logs, return_dict)

    def __call__(self, x, training: bool = False) -> np.ndarray:
        """``model(x)``: the forward pass on ``x`` as one batch (builds the model on first use)."""
        x = self._prepare_x(x, "__call__")
        return self.forward(x.astype(self.dtype, copy=False), training=training)

    # --- input checks ---------------------------------------------------------------------------------------------
    def _prepare_x(self, x, who: str) -> np.ndarray:
        x = utils.check_inputs(x, who)
        if not self.built:
            if not self.layers:
                raise ValueError(f"{who}(): the model has no layers yet. Add some with model.add(layer).")
            self.build(x.shape[1:])
        if x.shape[1:] != self.input_shape:
            hint = ""
            if math.prod(x.shape[1:]) == math.prod(self.input_shape):
                hint = f" Reshape it with x.reshape(-1, {', '.join(map(str, self.input_shape))})."
            raise ValueError(
                f"{who}(): model '{self.name}' expects inputs of shape {(None, *self.input_shape)}. "
                f"Received: x.shape={x.shape}.{hint}"
            )
        return x

    def _prepare(self, x, y, who: str) -> tuple[np.ndarray, np.ndarray]:
        if self.optimizer is None or self.loss is None:
            raise RuntimeError(
                f"You must call compile(optimizer=..., loss=...) before {who}(). For example: "
                "model.compile(optimizer='adam', loss='sparse_categorical_crossentropy', metrics=['accuracy'])."
            )
        x = self._prepare_x(x, who)
        if y is None:
            raise ValueError(f"{who}() needs targets. Received: y=None.")
        y = np.asarray(y)
        if y.dtype == bool:  # True/False labels, as Keras accepts them for binary cross-entropy
            y = y.astype(np.uint8)
        if y.ndim == 0 or len(y) != len(x):
            raise ValueError(
                f"{who}(): x and y must hold the same number of examples. "
                f"Received: x.shape={x.shape}, y.shape={y.shape}."
            )
        if not np.issubdtype(y.dtype, np.number) or (np.issubdtype(y.dtype, np.floating) and not np.isfinite(y).all()):
            raise ValueError(
                f"{who}(): y must hold finite numbers. Received: y.dtype={y.dtype}"
                f"{' with NaN or inf' if np.issubdtype(y.dtype, np.floating) else ''}."
            )
        # The labels are checked once here, against the output shape; each batch then skips the checks.
        y = self.loss.validate(y, (len(x), *self.output_shape))
        if y.dtype.kind == "f" and y.dtype != self.dtype:
            y = y.astype(self.dtype)
        return x, y

    # --- hints for learners -------------------------------------------------------------------------------------
    def _check_input_scale(self, x: np.ndarray) -> None:
        """Warn (once) when predict/evaluate get inputs on another scale than fit did, e.g. pixels not / 255."""
        if self._train_range is None or "scale" in self._warned:
            return
        message = utils.input_scale_message(self._train_range, utils.value_range(x))
        if message:
            self._warned.add("scale")
            warnings.warn(message, utils.InputScaleWarning, stacklevel=3)

    def _check_loss(self, loss: float, epoch: int, step: int) -> None:
        """Say so when the loss looks wrong, with its likely cause."""
        if not math.isfinite(loss) and "nan" not in self._warned:
            self._warned.add("nan")
            warnings.warn(
                f"The loss became {loss} at epoch {epoch + 1}, batch {step + 1}. Likely causes: a learning rate "
                "too high for this model (try 10x smaller), or inputs on a huge scale (divide images by 255). "
                "Add callbacks=[scratchnet.callbacks.TerminateOnNaN()] to stop at once.",
                utils.TrainingHint,
                stacklevel=3,
            )
        elif self.optimizer.iterations == 1 and self._is_classifier() and "first_loss" not in self._warned:
            # A fresh classifier knows nothing, so it should give each of the C classes about 1/C:
            # its loss starts near -log(1/C) = ln C. Far above means the outputs are already extreme.
            num_classes = self.output_shape[-1]
            if loss > 2 * math.log(num_classes) + 1:
                self._warned.add("first_loss")
                warnings.warn(
                    f"The first batch's loss is {loss:.3g}, far above ln({num_classes}) = "
                    f"{math.log(num_classes):.3g}, the loss of a fresh classifier that guesses uniformly. "
                    "Likely cause: inputs on a large scale (did you divide images by 255?), or initial weights "
                    "that are too large.",
                    utils.TrainingHint,
                    stacklevel=3,
                )

    def _is_classifier(self) -> bool:
        return isinstance(self.loss, (losses.SparseCategoricalCrossentropy, losses.CategoricalCrossentropy)) and (
            len(self.output_shape) == 1 and self.output_shape[0] > 1
        )

    def _metric_values(self, y: np.ndarray, y_pred: np.ndarray) -> list[float]:
        return [metrics.get(name, y.shape, y_pred.shape)(y, y_pred) for name in self.metric_names]

    def explain(self, x, y=None, print_fn=print, full: bool = False) -> None:
        """Print one forward and backward pass on a tiny batch, layer by layer: the chain rule made visible.

        See :func:`scratchnet.explain.explain`.
        """
        from scratchnet.explain import explain

        explain(self, x, y, print_fn=print_fn, full=full)

    # --- summary ----------------------------------------------------------------------------------------------------
    def summary(self, print_fn=print) -> None:
        """Print a Keras-style table: each layer's name and type, output shape and parameter count."""
        if not self.built:
            raise ValueError(
                "This model has not yet been built. Build it by calling it on data (fit, predict, model(x)) "
                "or give the first layer an input_shape, e.g. Flatten(input_shape=(28, 28))."
            )
        width = 65

        def row(name, shape, params):
            return f" {name}".ljust(29)[:29] + str(shape).ljust(26)[:26] + str(params).ljust(10)

        lines = [
            f'Model: "{self.name}"',
            "_" * width,
            row("Layer (type)", "Output Shape", "Param #"),
            "=" * width,
        ]
        shape = self.input_shape
        for layer in self.layers:
            shape = tuple(layer.compute_output_shape(shape))
            lines.append(row(f"{layer.name} ({type(layer).__name__})", (None, *shape), layer.count_params()))
            lines.append(" " * width)
        total = self.count_params()
        size = _format_bytes(total * self.dtype.itemsize)
        lines += [
            "=" * width,
            f"Total params: {total:,} ({size})",
            f"Trainable params: {total:,} ({size})",
            f"Non-trainable params: 0 ({_format_bytes(0)})",
            "_" * width,
        ]
        for line in lines:
            print_fn(line)

    # --- saving -----------------------------------------------------------------------------------------------------
    def get_config(self) -> dict:
        return {
            "name": self.name,
            "seed": self.seed,
            "dtype": self.dtype.name,
            "input_shape": None if self.input_shape is None else list(self.input_shape),
            "layers": [_layer_to_json(layer) for layer in self.layers],
        }

    @classmethod
    def from_config(cls, config: dict) -> Sequential:
        model = cls(
            [_layer_from_json(spec) for spec in config["layers"]],
            name=config.get("name"),
            seed=config.get("seed"),
            dtype=config.get("dtype", "float32"),
        )
        if config.get("input_shape") is not None and not model.built:
            model.build(config["input_shape"])
        return model

    def save_weights(self, path) -> None:
        """Save all weights to a ``.npz`` file, atomically (a crash never leaves a half-written file)."""
        self._check_built("save_weights")
        arrays = {f"weight_{i:03d}": w for i, w in enumerate(self.trainable_weights)}
        arrays["weight_names"] = _json_bytes(self.weight_names)
        _atomic_savez(path, arrays)

    def load_weights(self, path) -> None:
        """Load weights saved by :meth:`save_weights` or :meth:`save` (shapes are checked first)."""
        self._check_built("load_weights")
        with np.load(path, allow_pickle=False) as data:
            keys = sorted(k for k in data.files if k.startswith("weight_") and k != "weight_names")
            weights = [data[k] for k in keys]
        self.set_weights(weights)

    def save(self, path) -> None:
        """Save architecture (JSON), compile settings and weights to one ``.npz`` file; no pickle involved.

        Load it back with :func:`scratchnet.models.load_model`. The optimizer's running state (Adam's moments)
        is not saved: training resumes with a fresh optimizer.
        """
        self._check_built("save")
        spec = {"format_version": _FORMAT_VERSION, "class_name": "Sequential", "config": self.get_config()}
        if self.optimizer is not None:
            spec["compile"] = {
                "optimizer": {
                    "class_name": type(self.optimizer).__name__,
                    "config": self.optimizer.get_config(),
                },
                "loss": None
                if self.loss is None
                else {"class_name": type(self.loss).__name__, "config": self.loss.get_config()},
                "metrics": self.metric_names,
            }
        arrays = {f"weight_{i:03d}": w for i, w in enumerate(self.trainable_weights)}
        arrays["weight_names"] = _json_bytes(self.weight_names)
        arrays["model_config"] = _json_bytes(spec)
        _atomic_savez(path, arrays)

    def _check_built(self, method):
        if not self.built:
            raise ValueError(
                f"Model '{self.name}' is not built yet, so {method}() has no weights to work on. Build it first: "
                "call it on data, or give the first layer an input_shape."
            )


def load_model(path) -> Sequential:
    """Load a model saved with ``model.save(path)``: architecture, compile settings and weights.

    >>> # model.save("model.npz"); same = load_model("model.npz")
    """
    with np.load(path, allow_pickle=False) as data:
        if "model_config" not in data.files:
            raise ValueError(
                f"load_model: {path} holds weights only (no model_config). Build the model in code, then call "
                "model.load_weights(path)."
            )
        spec = json.loads(bytes(data["model_config"]).decode())
        keys = sorted(k for k in data.files if k.startswith("weight_") and k != "weight_names")
        weights = [data[k] for k in keys]
    if spec.get("class_name") != "Sequential":
        raise ValueError(f"load_model: expected a saved Sequential. Received: class_name={spec.get('class_name')!r}.")
    model = Sequential.from_config(spec["config"])
    if model.built:
        model.set_weights(weights)
    compile_spec = spec.get("compile")
    if compile_spec:
        optimizer = optimizers.OPTIMIZERS[compile_spec["optimizer"]["class_name"].lower()](
            **compile_spec["optimizer"]["config"]
        )
        loss = None
        if compile_spec["loss"] is not None:
            loss_cls = {cls.__name__: cls for cls in losses.LOSSES.values()}[compile_spec["loss"]["class_name"]]
            loss = loss_cls(**compile_spec["loss"]["config"])
        model.compile(optimizer=optimizer, loss=loss, metrics=compile_spec["metrics"] or None)
    return model


# --- helpers -------------------------------------------------------------------------------------------------------
class _RunningMeans:
    """Means over the batches seen so far, weighted by batch size (so the epoch's number is exact)."""

    def __init__(self, names: list[str]):
        self.names = names
        self.sums = [0.0] * len(names)
        self.count = 0

    def add(self, n: int, loss: float, metric_values: list[float]) -> dict[str, float]:
        self.count += n
        for i, value in enumerate([loss, *metric_values]):
            self.sums[i] += n * value
        return self.means()

    def means(self) -> dict[str, float]:
        return {name: s / max(self.count, 1) for name, s in zip(self.names, self.sums, strict=True)}


def _results(logs: dict, return_dict: bool):
    if return_dict:
        return logs
    values = list(logs.values())
    return values[0] if len(values) == 1 else values


def _metric_names(metrics_arg) -> list[str]:
    return metrics.check_names(metrics_arg)


def _positive_int(who: str, name: str, value, allow_zero: bool = False) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < (0 if allow_zero else 1):
        raise ValueError(
            f"{who}() expected `{name}` to be a {'non-negative' if allow_zero else 'positive'} integer. "
            f"Received: {name}={value!r}."
        )
    return int(value)


def _format_bytes(n: int) -> str:
    if n < 1024:
        return f"{n:.2f} Byte"
    for unit in ("KB", "MB", "GB"):
        n /= 1024
        if n < 1024:
            return f"{n:.2f} {unit}"
    return f"{n:.2f} TB"


def _layer_to_json(layer: Layer) -> dict:
    return {"class_name": type(layer).__name__, "config": layer.get_config()}


def _layer_from_json(spec: dict) -> Layer:
    if spec["class_name"] == "Sequential":
        return Sequential.from_config(spec["config"])
    return layers_module.get(spec["class_name"]).from_config(spec["config"])


def _json_bytes(obj) -> np.ndarray:
    return np.frombuffer(json.dumps(obj).encode(), dtype=np.uint8)


def _atomic_savez(path, arrays: dict) -> None:
    """Write ``arrays`` to ``path`` as .npz via a temp file in the same folder, fsync, then rename.

    os.replace is atomic, so whoever opens ``path`` sees either the old file or the complete new one, never a
    half-written one; the temp file is removed if anything fails.
    """
    path = os.fspath(path)
    folder = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{os.path.basename(path)}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            np.savez(f, **arrays)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise

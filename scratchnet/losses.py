"""Losses: a number that says how wrong the predictions are, and its gradient.

Every loss is the mean over the batch of a per-example loss. That mean is the only place in scratchnet where
anything is divided by the batch size N: ``backward`` returns ∂L/∂y_pred *with* the 1/N already in it, and the
layers below just pass it on.

    loss_fn = SparseCategoricalCrossentropy()
    L  = loss_fn(y_true, y_pred)               # a Python float
    dp = loss_fn.backward(y_true, y_pred)      # ∂L/∂y_pred, shape of y_pred

Keras's loss *functions* are here too (``sparse_categorical_crossentropy(y_true, y_pred)``, ``mean_squared_error``,
...): like Keras they return one value per example, shape (N,), and passed to ``compile(loss=...)`` they mean their
class. A loss function of your own cannot be passed to ``compile``: scratchnet has no autograd, so a loss needs its
backward written out; :func:`get` says how (subclass :class:`Loss` with ``forward`` and ``backward``).

When a model ends in a softmax (or a sigmoid) and its loss is cross-entropy on those probabilities, ``fit`` does
not call the loss's ``backward`` at all: the two Jacobians multiply out to ``dz = (p - onehot(y)) / N`` on the
logits, and that fused gradient is in :mod:`scratchnet.fused`, with the reason and the rule that decides it.
"""

from __future__ import annotations

import numpy as np

from scratchnet import nn, speed

__all__ = [
    "BinaryCrossentropy",
    "CategoricalCrossentropy",
    "Loss",
    "MeanAbsoluteError",
    "MeanSquaredError",
    "SparseCategoricalCrossentropy",
    "binary_crossentropy",
    "categorical_crossentropy",
    "get",
    "mae",
    "mean_absolute_error",
    "mean_squared_error",
    "mse",
    "sparse_categorical_crossentropy",
]

# Probabilities are clipped to [EPSILON, 1 - EPSILON] before a log, as Keras does, so log(0) never happens.
# A Python float, so float32 arrays stay float32.
EPSILON = 1e-7


class Loss:
    """Base class: subclasses implement ``forward`` and ``backward`` (and ``validate`` for their label format).

    ``loss(y_true, y_pred)`` checks its inputs and returns ``forward`` as a Python float. During training the
    model checks the labels once per ``fit`` and then calls ``forward`` / ``backward`` directly on each batch.
    """

    name = "loss"

    def __init__(self, name: str | None = None, reduction: str = "sum_over_batch_size", dtype=None):
        # Keras's signature, so a subclass written for Keras (super().__init__(name="custom_mse")) still works.
        # scratchnet's losses always take the mean over the batch: that is Keras's "sum_over_batch_size".
        if name is not None:
            self.name = name
        if reduction not in ("sum_over_batch_size", "mean"):
            raise ValueError(
                f"{type(self).__name__}: scratchnet losses are the mean over the batch. Expected "
                f"reduction='sum_over_batch_size'. Received: reduction={reduction!r}."
            )

    def __call__(self, y_true, y_pred) -> float:
        y_pred = np.asarray(y_pred)
        if not np.issubdtype(y_pred.dtype, np.floating):
            y_pred = y_pred.astype(np.float32)
        y_true = self.validate(y_true, y_pred.shape)
        return self.forward(y_true, y_pred)

    def validate(self, y_true, y_pred_shape: tuple[int, ...]) -> np.ndarray:
        """Check labels against the shape of the predictions; return them as an array the loss can use."""
        y_true = np.asarray(y_true)
        if y_true.shape[:1] != tuple(y_pred_shape[:1]):
            raise ValueError(
                f"{type(self).__name__}: y_true and y_pred must hold the same number of examples. "
                f"Received: y_true.shape={y_true.shape}, y_pred.shape={tuple(y_pred_shape)}."
            )
        return y_true

    def forward(self, y_true: np.ndarray, y_pred: np.ndarray) -> float:
        """The loss, the mean over the batch, as a Python float. Subclasses must implement it."""
        raise NotImplementedError(
            f"{type(self).__name__} must implement forward(self, y_true, y_pred), returning the loss averaged over "
            "the batch as a float, e.g. for a mean squared error: float(np.mean((y_pred - y_true) ** 2)). "
            "It also needs backward(self, y_true, y_pred), returning dL/dy_pred with the shape of y_pred."
        )

    def per_example(self, y_true: np.ndarray, y_pred: np.ndarray) -> np.ndarray:
        """One loss value per example, shape (N,), whose mean is :meth:`forward`; ``fit(sample_weight=...)``
        weighs these (Keras: ``sum(w_i * l_i) / N``). The built-in losses have it; a loss of yours needs it only
        for sample or class weights."""
        raise NotImplementedError(
            f"{type(self).__name__} has no per_example(self, y_true, y_pred) (one loss value per example, shape "
            "(N,)), which fit(sample_weight=..., class_weight=...) needs to weigh the examples. Implement it, or "
            "train without weights."
        )

    def backward(self, y_true: np.ndarray, y_pred: np.ndarray) -> np.ndarray:
        """∂L/∂y_pred, with the shape of ``y_pred`` and the batch mean's 1/N. Subclasses must implement it."""
        raise NotImplementedError(
            f"{type(self).__name__} must implement backward(self, y_true, y_pred), returning dL/dy_pred: an array "
            "shaped like y_pred that includes the 1/N of the batch mean, e.g. for a mean squared error: "
            "2 * (y_pred - y_true) / y_pred.size. Check it with scratchnet.gradcheck.check_loss(loss, y_true, y_pred)."
        )

    def get_config(self) -> dict:
        return {}

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({args})"


class _CrossentropyBase(Loss):
    def __init__(self, from_logits: bool = False):
        self.from_logits = bool(from_logits)

    def get_config(self):
        return {"from_logits": self.from_logits}


class SparseCategoricalCrossentropy(_CrossentropyBase):
    """Cross-entropy for integer class labels: ``L = -mean(log p[i, y_i])``.

    Forward:   L  = -mean_i log p[i, y_i]        y: (N,) ints in [0, C)   p: (N, C)  ->  L: scalar
    Backward:  dp = -onehot(y) / (N * p)         (N, C)   only the true class's probability gets a gradient

    (``p`` is first made a distribution, see ``_probabilities``: a no-op on softmax outputs, whose rows sum to 1,
    and what keeps a model that forgot its softmax from driving the loss below 0; the backward adds the term
    that renormalization contributes, ``+ 1 / N`` per entry when the rows sum to 1.) With a softmax before this
    loss, ``fit`` uses the fused ``dz = (p - onehot(y)) / N`` instead: see :mod:`scratchnet.fused`.

    With ``from_logits=True`` the input is the logits z and the softmax is done here, stably:

    Forward:   L  = -mean_i log_softmax(z)[i, y_i]
    Backward:  dz = (softmax(z) - onehot(y)) / N     (N, C)

    Args:
        from_logits: whether ``y_pred`` holds logits (any real numbers) instead of probabilities.
    """

    name = "sparse_categorical_crossentropy"

    def validate(self, y_true, y_pred_shape):
        y_true = super().validate(y_true, y_pred_shape)
        who = type(self).__name__
        if len(y_pred_shape) != 2:
            raise ValueError(
                f"{who} expected predictions of shape (batch, num_classes). Received: y_pred.shape="
                f"{tuple(y_pred_shape)}. Does the model end in a Dense(num_classes) layer?"
            )
        num_classes = y_pred_shape[1]
        if y_true.ndim == 2 and y_true.shape[1] == 1:
            y_true = y_true[:, 0]
        if y_true.ndim == 2 and y_true.shape[1] == num_classes and num_classes > 1:
            raise ValueError(
                f"{who} expected integer labels of shape (batch,), but these look one-hot. "
                f"Received: y_true.shape={y_true.shape}. Use loss='categorical_crossentropy' for one-hot labels, "
                "or turn them into integers with np.argmax(y, axis=1)."
            )
        if y_true.ndim != 1:
            raise ValueError(f"{who} expected labels of shape (batch,). Received: y_true.shape={y_true.shape}.")
        if y_true.size and not np.issubdtype(y_true.dtype, np.integer):
            if not np.issubdtype(y_true.dtype, np.floating) or not np.all(y_true == np.round(y_true)):
                raise ValueError(
                    f"{who}: labels must be integers (class indices). Received: y_true.dtype={y_true.dtype}"
                    f" with values like {y_true[:3].tolist()}."
                )
            y_true = y_true.astype(np.int64)
        if y_true.size and (y_true.min() < 0 or y_true.max() >= num_classes):
            raise ValueError(
                f"{who}: labels must be integers in [0, {num_classes}) for an output of {num_classes} units. "
                f"Received: min label {y_true.min()}, max label {y_true.max()}. Does the last Dense layer have "
                f"{int(y_true.max()) + 1} units or more?"
            )
        return y_true

    def forward(self, y_true, y_pred):
        return speed.mean(self.per_example(y_true, y_pred))

    def per_example(self, y_true, y_pred):
        rows = np.arange(y_pred.shape[0])
        if self.from_logits:
            return -nn.log_softmax(y_pred)[rows, y_true]
        # log of the true class's renormalized probability, without renormalizing the whole array
        p = np.maximum(y_pred, EPSILON)
        return np.log(p.sum(axis=-1)) - np.log(p[rows, y_true])

    def backward(self, y_true, y_pred):
        n = y_pred.shape[0]
        rows = np.arange(n)
        if self.from_logits:
            dz = nn.softmax(y_pred) * (1.0 / n)
            dz[rows, y_true] -= 1.0 / n
            return dz
        return _probabilities_backward(y_pred, _onehot(y_true, y_pred) * (-1.0 / n))


class CategoricalCrossentropy(_CrossentropyBase):
    """Cross-entropy for one-hot (or soft) labels: ``L = -mean_i sum_c y[i, c] log p[i, c]``.

    Forward:   L  = -mean_i sum_c y * log(p)     y, p: (N, C)  ->  L: scalar
    Backward:  dp = -y / (N * p)                 (N, C)   (plus the renormalization term, as for the sparse form)

    With a softmax before this loss, ``fit`` uses the fused ``dz = (p - y) / N``: see :mod:`scratchnet.fused`.

    With ``from_logits=True``:  dz = (softmax(z) * sum_c y - y) / N, which is (softmax(z) - y) / N for labels
    that sum to 1.
    """

    name = "categorical_crossentropy"

    def validate(self, y_true, y_pred_shape):
        y_true = super().validate(y_true, y_pred_shape)
        who = type(self).__name__
        if y_true.shape != tuple(y_pred_shape):
            hint = ""
            if y_true.ndim == 1 or (y_true.ndim == 2 and y_true.shape[1] == 1):
                hint = (
                    " These look like integer labels: use loss='sparse_categorical_crossentropy', or one-hot "
                    "encode them."
                )
            raise ValueError(
                f"{who} expected one-hot labels with the shape of the predictions. Received: "
                f"y_true.shape={y_true.shape}, y_pred.shape={tuple(y_pred_shape)}.{hint}"
            )
        return y_true.astype(np.float32, copy=False) if not np.issubdtype(y_true.dtype, np.floating) else y_true

    def forward(self, y_true, y_pred):
        return speed.mean(self.per_example(y_true, y_pred))

    def per_example(self, y_true, y_pred):
        log_p = nn.log_softmax(y_pred) if self.from_logits else np.log(_probabilities(y_pred))
        return -(y_true * log_p).sum(axis=-1)

    def backward(self, y_true, y_pred):
        n = y_pred.shape[0]
        if self.from_logits:
            # For labels whose rows sum to 1 this is (softmax(z) - y) / N; the general form keeps it the gradient
            # of forward for labels that do not (multi-hot), which fit accepts too.
            return (nn.softmax(y_pred) * y_true.sum(axis=-1, keepdims=True) - y_true) * (1.0 / n)
        return _probabilities_backward(y_pred, y_true * (-1.0 / n))


class MeanSquaredError(Loss):
    """Mean squared error: ``L = mean((y_pred - y)^2)`` over every entry.

    Forward:   L  = mean((p - y) ** 2)          y, p: (N, D)  ->  L: scalar
    Backward:  dp = 2 * (p - y) / (N * D)       (N, D)
    """

    name = "mean_squared_error"

    def validate(self, y_true, y_pred_shape):
        return _float_targets(self, super().validate(y_true, y_pred_shape), y_pred_shape, "targets")

    def forward(self, y_true, y_pred):
        diff = y_pred - y_true
        return speed.mean(diff * diff)

    def per_example(self, y_true, y_pred):
        diff = (y_pred - y_true).reshape(len(y_pred), -1)
        return (diff * diff).mean(axis=-1)

    def backward(self, y_true, y_pred):
        return (y_pred - y_true) * (2.0 / y_pred.size)


class MeanAbsoluteError(Loss):
    """Mean absolute error: ``L = mean(|y_pred - y|)`` over every entry.

    Forward:   L  = mean(|p - y|)                 y, p: (N, D)  ->  L: scalar
    Backward:  dp = sign(p - y) / (N * D)         (N, D)   |u| has slope -1, then +1; at u = 0 we take 0, as Keras's
                                                           gradient does (a kink: no true derivative there)
    """

    name = "mean_absolute_error"

    def validate(self, y_true, y_pred_shape):
        return _float_targets(self, super().validate(y_true, y_pred_shape), y_pred_shape, "targets")

    def forward(self, y_true, y_pred):
        return speed.mean(np.abs(y_pred - y_true))

    def per_example(self, y_true, y_pred):
        return np.abs(y_pred - y_true).reshape(len(y_pred), -1).mean(axis=-1)

    def backward(self, y_true, y_pred):
        return np.sign(y_pred - y_true) * (1.0 / y_pred.size)


class BinaryCrossentropy(_CrossentropyBase):
    """Binary cross-entropy for labels in {0, 1} (or in [0, 1]) and one probability per output.

    Forward:   L  = -mean(y * log(p) + (1 - y) * log(1 - p))     y, p: (N, D)  ->  L: scalar
    Backward:  dp = (p - y) / (p * (1 - p)) / (N * D)            (N, D)

    Predictions outside [0, 1] are refused (a last layer without its sigmoid). With a sigmoid before this loss,
    ``fit`` uses the fused ``dz = (p - y) / (N * D)``: see :mod:`scratchnet.fused`.

    With ``from_logits=True`` (z any real number, p = sigmoid(z)):

    Forward:   L  = mean(max(z, 0) - z * y + log(1 + exp(-|z|)))   (the stable form)
    Backward:  dz = (sigmoid(z) - y) / (N * D)
    """

    name = "binary_crossentropy"

    def validate(self, y_true, y_pred_shape):
        y_true = _float_targets(self, super().validate(y_true, y_pred_shape), y_pred_shape, "labels")
        if y_true.size and (y_true.min() < 0 or y_true.max() > 1):
            raise ValueError(
                f"{type(self).__name__}: labels must be in [0, 1]. Received: min {y_true.min()}, "
                f"max {y_true.max()}. For more than two classes use sparse_categorical_crossentropy."
            )
        return y_true

    def forward(self, y_true, y_pred):
        return speed.mean(self._elementwise(y_true, y_pred))

    def per_example(self, y_true, y_pred):
        return self._elementwise(y_true, y_pred).reshape(len(y_pred), -1).mean(axis=-1)

    def _elementwise(self, y_true, y_pred):
        if self.from_logits:
            z = y_pred
            return np.maximum(z, 0) - z * y_true + np.log1p(np.exp(-np.abs(z)))
        _check_probabilities(self, y_pred)
        p = np.clip(y_pred, EPSILON, 1 - EPSILON)
        return -(y_true * np.log(p) + (1 - y_true) * np.log(1 - p))

    def backward(self, y_true, y_pred):
        if self.from_logits:
            return (nn.sigmoid(y_pred) - y_true) * (1.0 / y_pred.size)
        p = np.clip(y_pred, EPSILON, 1 - EPSILON)
        return (p - y_true) / (p * (1 - p)) * (1.0 / y_pred.size)


def _probabilities(y_pred: np.ndarray) -> np.ndarray:
    """Each row of ``y_pred`` as a probability distribution: clipped to ``[EPSILON, 1]``, then divided by its sum.

    For a softmax output this changes nothing (its rows already sum to 1). For a model that forgot its softmax
    (``Dense(10)`` with no activation) it is what keeps the loss honest: taken as they are, outputs above 1 give
    ``-log(p) < 0`` and training "wins" by making every output large, to a reported loss of 0 at chance accuracy.
    Renormalized, the loss is the cross-entropy of a real distribution, which only a right answer makes small.
    (Keras renormalizes too; the clip first also keeps negative outputs from making a sum near 0.)
    """
    p = np.maximum(y_pred, EPSILON)
    p /= p.sum(axis=-1, keepdims=True)
    return p


def _probabilities_backward(y_pred: np.ndarray, dlog_p: np.ndarray) -> np.ndarray:
    """∂L/∂y_pred given ``dlog_p`` = ∂L/∂log(q) for ``q = _probabilities(y_pred)``.

    With ``c = clip(y_pred, EPSILON)``, ``s = c.sum(-1)`` and ``log q = log c - log s``:
    ``dc = dlog_p / c - dlog_p.sum(-1) / s``, and the clip passes the gradient only where it did not bite.
    """
    c = np.clip(y_pred, EPSILON, None)
    dc = dlog_p / c - dlog_p.sum(axis=-1, keepdims=True) / c.sum(axis=-1, keepdims=True)
    return dc * (y_pred >= EPSILON)


def _onehot(y_true: np.ndarray, y_pred: np.ndarray) -> np.ndarray:
    onehot = np.zeros_like(y_pred)
    onehot[np.arange(len(y_true)), y_true] = 1
    return onehot


def _check_probabilities(loss: Loss, y_pred: np.ndarray) -> None:
    """Binary cross-entropy on probabilities cannot be renormalized: outputs outside [0, 1] are refused."""
    lo, hi = float(y_pred.min()), float(y_pred.max())
    if lo < 0 or hi > 1:
        raise ValueError(
            f"{type(loss).__name__} expected probabilities in [0, 1] (a sigmoid output). Received: predictions in "
            f"[{lo:.3g}, {hi:.3g}]. Does the last layer lack activation='sigmoid'? Add it, or let the loss apply "
            "the sigmoid: loss=scratchnet.losses.BinaryCrossentropy(from_logits=True)."
        )


def _float_targets(loss: Loss, y_true: np.ndarray, y_pred_shape, what: str) -> np.ndarray:
    """Targets shaped like the predictions, as floats (for MSE and binary cross-entropy)."""
    y_pred_shape = tuple(y_pred_shape)
    # `model.fit(xs, ys)` with ys of shape (N,) and a Dense(1) output (N, 1) is the course's first model.
    if y_true.shape != y_pred_shape and y_true.size == int(np.prod(y_pred_shape)):
        y_true = y_true.reshape(y_pred_shape)
    if y_true.shape != y_pred_shape:
        raise ValueError(
            f"{type(loss).__name__} expected {what} with the shape of the predictions. "
            f"Received: y_true.shape={y_true.shape}, y_pred.shape={y_pred_shape}."
        )
    if not np.issubdtype(y_true.dtype, np.floating):
        y_true = y_true.astype(np.float32)
    return y_true


LOSSES: dict[str, type[Loss]] = {
    "sparse_categorical_crossentropy": SparseCategoricalCrossentropy,
    "categorical_crossentropy": CategoricalCrossentropy,
    "mean_squared_error": MeanSquaredError,
    "mse": MeanSquaredError,
    "mean_absolute_error": MeanAbsoluteError,
    "mae": MeanAbsoluteError,
    "binary_crossentropy": BinaryCrossentropy,
}


# --- Keras's loss functions: one value per example --------------------------------------------------------------
def _as_prediction(y_pred) -> np.ndarray:
    y_pred = np.asarray(y_pred)
    return y_pred if np.issubdtype(y_pred.dtype, np.floating) else y_pred.astype(np.float32)


def _per_example(loss: Loss, y_true, y_pred) -> np.ndarray:
    """The loss class's own per-example values: a function and its class never disagree."""
    y_pred = _as_prediction(y_pred)
    return loss.per_example(loss.validate(y_true, y_pred.shape), y_pred)


def sparse_categorical_crossentropy(y_true, y_pred, from_logits: bool = False) -> np.ndarray:
    """Per-example ``-log p[i, y_i]``, shape (N,), as ``keras.losses.sparse_categorical_crossentropy``.

    >>> sparse_categorical_crossentropy([1, 2], [[0.05, 0.95, 0.0], [0.1, 0.8, 0.1]]).round(4)
    array([0.0513, 2.3026])
    """
    return _per_example(SparseCategoricalCrossentropy(from_logits=from_logits), y_true, y_pred)


def categorical_crossentropy(y_true, y_pred, from_logits: bool = False) -> np.ndarray:
    """Per-example ``-sum_c y[i, c] log p[i, c]``, shape (N,), as ``keras.losses.categorical_crossentropy``."""
    return _per_example(CategoricalCrossentropy(from_logits=from_logits), y_true, y_pred)


def binary_crossentropy(y_true, y_pred, from_logits: bool = False) -> np.ndarray:
    """Per-example binary cross-entropy, the mean over the last axis, as ``keras.losses.binary_crossentropy``."""
    loss = BinaryCrossentropy(from_logits=from_logits)
    y_pred = _as_prediction(y_pred)
    # The mean over the last axis only (Keras's shape for outputs with more axes), of the class's terms.
    return loss._elementwise(loss.validate(y_true, y_pred.shape), y_pred).mean(axis=-1)


def mean_squared_error(y_true, y_pred) -> np.ndarray:
    """Per-example ``mean((p - y) ** 2)`` over the last axis, shape (N,), as ``keras.losses.mean_squared_error``."""
    y_pred = _as_prediction(y_pred)
    y_true = MeanSquaredError().validate(y_true, y_pred.shape)
    return ((y_pred - y_true) ** 2).mean(axis=-1)


def mean_absolute_error(y_true, y_pred) -> np.ndarray:
    """Per-example ``mean(|p - y|)`` over the last axis, shape (N,), as ``keras.losses.mean_absolute_error``."""
    y_pred = _as_prediction(y_pred)
    y_true = MeanAbsoluteError().validate(y_true, y_pred.shape)
    return np.abs(y_pred - y_true).mean(axis=-1)


mse = mean_squared_error
mae = mean_absolute_error

# compile(loss=sn.losses.sparse_categorical_crossentropy) trains with the matching class (forward and backward).
_FUNCTIONS: dict = {
    sparse_categorical_crossentropy: SparseCategoricalCrossentropy,
    categorical_crossentropy: CategoricalCrossentropy,
    binary_crossentropy: BinaryCrossentropy,
    mean_squared_error: MeanSquaredError,
    mean_absolute_error: MeanAbsoluteError,
}

_WRITE_A_LOSS = """scratchnet has no autograd (on purpose: you see every gradient), so a loss needs its backward \
written out. Subclass scratchnet.losses.Loss with forward (the mean loss, a float) and backward (dL/dy_pred, \
with the 1/N of the mean in it), then check it against finite differences with scratchnet.gradcheck.check_loss:

    class MyMSE(sn.losses.Loss):
        def forward(self, y_true, y_pred):
            return float(((y_pred - y_true) ** 2).mean())

        def backward(self, y_true, y_pred):
            return 2 * (y_pred - y_true) / y_pred.size

    model.compile(optimizer="adam", loss=MyMSE())"""


def get(identifier) -> Loss:
    """Resolve a loss: a Keras name (``'sparse_categorical_crossentropy'``, ``'mse'``, ``'MeanAbsoluteError'``, ...),
    a ``Loss`` instance or class, or one of this module's loss functions (which means its class).

    Raises:
        ValueError: for an unknown name, listing the known ones.
        TypeError: for a loss function of your own, or a Keras-style ``Loss`` subclass that defines ``call``
            instead of ``forward`` and ``backward``: the message shows how to write one.
    """
    if isinstance(identifier, type) and issubclass(identifier, Loss):
        identifier = identifier()
    if isinstance(identifier, Loss):
        if type(identifier).forward is Loss.forward or type(identifier).backward is Loss.backward:
            how = "defines call(), Keras's way" if hasattr(identifier, "call") else "lacks forward() or backward()"
            raise TypeError(f"loss={type(identifier).__name__}() {how}. {_WRITE_A_LOSS}")
        return identifier
    if isinstance(identifier, str):
        by_class_name = {cls.__name__: cls for cls in LOSSES.values()}
        cls = LOSSES.get(identifier) or by_class_name.get(identifier)
        if cls is not None:
            return cls()
        raise ValueError(f"Unknown loss. Expected one of {sorted(LOSSES)}. Received: loss={identifier!r}.")
    if callable(identifier) and identifier in _FUNCTIONS:
        return _FUNCTIONS[identifier]()
    if callable(identifier):
        name = getattr(identifier, "__name__", type(identifier).__name__)
        raise TypeError(
            "loss must be a name such as 'sparse_categorical_crossentropy' or a scratchnet.losses.Loss. Received: "
            f"loss={name}, a function of your own, which scratchnet cannot differentiate. {_WRITE_A_LOSS}"
        )
    raise TypeError(
        f"loss must be a name such as 'sparse_categorical_crossentropy' or a scratchnet.losses.Loss. "
        f"Received: loss={identifier!r}."
    )

"""Losses: a number that says how wrong the predictions are, and its gradient.

Every loss is the mean over the batch of a per-example loss. That mean is the only place in scratchnet where
anything is divided by the batch size N: ``backward`` returns ∂L/∂y_pred *with* the 1/N already in it, and the
layers below just pass it on.

    loss_fn = SparseCategoricalCrossentropy()
    L  = loss_fn(y_true, y_pred)               # a Python float
    dp = loss_fn.backward(y_true, y_pred)      # ∂L/∂y_pred, shape of y_pred

Cross-entropy on probabilities has a second backward, :meth:`backward_from_softmax`, used when the model ends in
a softmax: the two Jacobians multiply out to ``(p - onehot(y)) / N`` on the logits (see ``docs/backprop.md``).
"""

from __future__ import annotations

import numpy as np

from scratchnet import nn

__all__ = [
    "BinaryCrossentropy",
    "CategoricalCrossentropy",
    "Loss",
    "MeanSquaredError",
    "SparseCategoricalCrossentropy",
    "get",
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
        n = y_pred.shape[0]
        rows = np.arange(n)
        if self.from_logits:
            log_p = nn.log_softmax(y_pred)[rows, y_true]
        else:
            log_p = np.log(np.clip(y_pred[rows, y_true], EPSILON, 1 - EPSILON))
        # The mean, as sum / N: `.mean()` adds a few microseconds of Python per call, and fit calls this every step.
        return -float(log_p.sum()) / n

    def backward(self, y_true, y_pred):
        if self.from_logits:
            return self.backward_from_softmax(y_true, nn.softmax(y_pred))
        n = y_pred.shape[0]
        rows = np.arange(n)
        dp = np.zeros_like(y_pred)
        dp[rows, y_true] = -1.0 / (n * np.clip(y_pred[rows, y_true], EPSILON, 1 - EPSILON))
        return dp

    def backward_from_softmax(self, y_true: np.ndarray, p: np.ndarray) -> np.ndarray:
        """∂L/∂z for probabilities ``p = softmax(z)``: ``dz = (p - onehot(y)) / N``, shape (N, C).

        The softmax Jacobian and the cross-entropy gradient multiply out to this: the chained form divides by
        ``p`` and then multiplies by it again, this one never divides.
        """
        n = p.shape[0]
        dz = p * (1.0 / n)
        dz[np.arange(n), y_true] -= 1.0 / n
        return dz


class CategoricalCrossentropy(_CrossentropyBase):
    """Cross-entropy for one-hot (or soft) labels: ``L = -mean_i sum_c y[i, c] log p[i, c]``.

    Forward:   L  = -mean_i sum_c y * log(p)     y, p: (N, C)  ->  L: scalar
    Backward:  dp = -y / (N * p)                 (N, C)

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
        if self.from_logits:
            log_p = nn.log_softmax(y_pred)
        else:
            log_p = np.log(np.clip(y_pred, EPSILON, 1 - EPSILON))
        return float(-(y_true * log_p).sum(axis=-1).mean())

    def backward(self, y_true, y_pred):
        n = y_pred.shape[0]
        if self.from_logits:
            p = nn.softmax(y_pred)
            return (p * y_true.sum(axis=-1, keepdims=True) - y_true) * (1.0 / n)
        return -y_true / (n * np.clip(y_pred, EPSILON, 1 - EPSILON))

    def backward_from_softmax(self, y_true: np.ndarray, p: np.ndarray) -> np.ndarray:
        """∂L/∂z for ``p = softmax(z)``: ``dz = (p * sum_c y - y) / N``, shape (N, C).

        For labels whose rows sum to 1 (one-hot, or a probability distribution) that is ``(p - y) / N``. The
        general form keeps it the gradient of :meth:`forward` for labels that do not (multi-hot, unnormalized
        soft labels), which ``fit`` accepts too.
        """
        return (p * y_true.sum(axis=-1, keepdims=True) - y_true) * (1.0 / p.shape[0])


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
        return float((diff * diff).mean())

    def backward(self, y_true, y_pred):
        return (y_pred - y_true) * (2.0 / y_pred.size)


class BinaryCrossentropy(_CrossentropyBase):
    """Binary cross-entropy for labels in {0, 1} (or in [0, 1]) and one probability per output.

    Forward:   L  = -mean(y * log(p) + (1 - y) * log(1 - p))     y, p: (N, D)  ->  L: scalar
    Backward:  dp = (p - y) / (p * (1 - p)) / (N * D)            (N, D)

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
        if self.from_logits:
            z = y_pred
            return float((np.maximum(z, 0) - z * y_true + np.log1p(np.exp(-np.abs(z)))).mean())
        p = np.clip(y_pred, EPSILON, 1 - EPSILON)
        return float(-(y_true * np.log(p) + (1 - y_true) * np.log(1 - p)).mean())

    def backward(self, y_true, y_pred):
        if self.from_logits:
            return (nn.sigmoid(y_pred) - y_true) * (1.0 / y_pred.size)
        p = np.clip(y_pred, EPSILON, 1 - EPSILON)
        return (p - y_true) / (p * (1 - p)) * (1.0 / y_pred.size)


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
    "binary_crossentropy": BinaryCrossentropy,
}


def get(identifier: str | Loss) -> Loss:
    """Resolve a loss given as a Keras name (``'sparse_categorical_crossentropy'``, ``'mse'``, ...) or an instance.

    Raises:
        ValueError: for an unknown name, listing the known ones.
        TypeError: for anything that is neither a name nor a ``Loss``.
    """
    if isinstance(identifier, Loss):
        return identifier
    if isinstance(identifier, type) and issubclass(identifier, Loss):
        return identifier()
    if isinstance(identifier, str):
        if identifier in LOSSES:
            return LOSSES[identifier]()
        raise ValueError(f"Unknown loss. Expected one of {sorted(LOSSES)}. Received: loss={identifier!r}.")
    raise TypeError(
        f"loss must be a name such as 'sparse_categorical_crossentropy' or a scratchnet.losses.Loss. "
        f"Received: loss={identifier!r}."
    )

"""The cross-entropies: for integer labels, for one-hot labels, and binary; each forward beside its backward.

When a model ends in a softmax (or a sigmoid) and its loss is cross-entropy on those probabilities, ``fit`` does
not call the loss's ``backward`` at all: the two Jacobians multiply out to ``dz = (p - onehot(y)) / N`` on the
logits, and that fused gradient is in :mod:`scratchnet.fused`, with the reason and the rule that decides it.
"""

from __future__ import annotations

import numpy as np

from scratchnet import nn, speed
from scratchnet.losses.base import EPSILON, Loss, _float_targets

__all__ = ["BinaryCrossentropy", "CategoricalCrossentropy", "SparseCategoricalCrossentropy"]


class _CrossentropyBase(Loss):
    def __init__(
        self,
        from_logits: bool = False,
        label_smoothing: float = 0.0,
        reduction: str = "sum_over_batch_size",
        name: str | None = None,
        dtype=None,
        **kwargs,
    ):
        # Keras's arguments, so CategoricalCrossentropy(name="ce") or (label_smoothing=0.0) runs as written.
        super().__init__(name=name, reduction=reduction, dtype=dtype)
        who = type(self).__name__
        unknown = {
            k: v for k, v in kwargs.items() if not (k == "axis" and v == -1) and not (k == "ignore_class" and v is None)
        }
        if unknown:
            raise TypeError(
                f"{who} does not take {', '.join(sorted(unknown))}. Received: {unknown}. It takes from_logits, "
                "reduction and name (and Keras's defaults axis=-1, ignore_class=None, label_smoothing=0)."
            )
        if label_smoothing:
            raise ValueError(
                f"{who}: scratchnet has no label smoothing. Received: label_smoothing={label_smoothing!r}. "
                "Leave it at 0, or smooth the one-hot labels yourself: y * (1 - a) + a / num_classes."
            )
        if not isinstance(from_logits, (bool, np.bool_)):
            raise TypeError(f"{who} expected from_logits to be True or False. Received: from_logits={from_logits!r}.")
        self.from_logits = bool(from_logits)

    def get_config(self):
        return {"from_logits": self.from_logits}


class SparseCategoricalCrossentropy(_CrossentropyBase):
    """Cross-entropy for integer class labels: ``L = -mean(log p[i, y_i])``.

    Forward:   L  = -mean_i log(p[i, y_i] / sum_c p[i, c])      y: (N,) ints in [0, C)   p: (N, C)  ->  L: scalar
    Backward:  dp = (1 / sum_c p - onehot(y) / p) / N           (N, C)

    Each row of ``p`` is first made a distribution (divided by its sum, after clipping to ``[1e-7, 1]``; see
    ``_probabilities``): a no-op on softmax outputs, whose rows sum to 1, so the loss is then the textbook
    ``-mean_i log p[i, y_i]`` and its gradient ``-onehot(y) / (N * p) + 1 / N``; and what keeps a model that forgot
    its softmax from driving the loss below 0. Entries that the clip raised to 1e-7 get no gradient. With a softmax
    before this loss, ``fit`` uses the fused ``dz = (p - onehot(y)) / N`` instead: see :mod:`scratchnet.fused`.

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
        if len(y_pred_shape) > 2:
            # Dense works on the last axis (as Keras's): images (N, 28, 28) through Dense layers come out
            # (N, 28, 10), one prediction per row of pixels. Almost always a forgotten Flatten.
            raise ValueError(
                f"{who} expected predictions of shape (batch, num_classes). Received: y_pred.shape="
                f"{tuple(y_pred_shape)}. A Dense layer works on the last axis of its input, so examples of shape "
                f"{tuple(y_pred_shape[1:-1])} + (features,) keep their leading axes: did you forget a Flatten() "
                "layer before the first Dense (or return_sequences=False on the last recurrent layer)?"
            )
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

    Forward:   L  = -mean_i sum_c y * log(p / sum_c p)          y, p: (N, C)  ->  L: scalar
    Backward:  dp = (sum_c y / sum_c p - y / p) / N             (N, C)

    As in the sparse form, each row of ``p`` is first made a distribution; for softmax outputs and one-hot labels
    the gradient is the textbook ``-y / (N * p) + 1 / N``. With a softmax before this loss, ``fit`` uses the fused
    ``dz = (p - y) / N``: see :mod:`scratchnet.fused`.

    With ``from_logits=True`` (z any real number), the softmax is done here, stably:

    Forward:   L  = -mean_i sum_c y * log_softmax(z)
    Backward:  dz = (softmax(z) * sum_c y - y) / N      which is (softmax(z) - y) / N for labels that sum to 1
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

"""The loss contract: ``Loss`` (``forward``, ``backward``, ``validate``), and ``formulas``, which reads a loss's
Forward/Backward docstring block: the one source of its formulas, which ``explain`` and the guide show.
"""

from __future__ import annotations

import numpy as np

__all__ = ["EPSILON", "Loss", "formulas"]

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


def formulas(loss: Loss) -> tuple[str, str]:
    """``(forward, backward)`` of ``loss`` as its class docstring writes them, e.g. ``("L = mean((p - y) ** 2)",
    "dp = 2 * (p - y) / (N * D)")``: the docstring is the one source that ``explain`` and the guide show.

    A loss with ``from_logits=True`` gets the second Forward/Backward pair of its docstring. For a class without
    such a block (a loss of yours): ``("L = loss(y, p)", "dp = loss.backward(y, p)")``.

    >>> from scratchnet.losses import MeanSquaredError
    >>> formulas(MeanSquaredError())
    ('L = mean((p - y) ** 2)', 'dp = 2 * (p - y) / (N * D)')
    """
    pairs = _docstring_formulas(type(loss).__doc__ or "")
    index = 1 if getattr(loss, "from_logits", False) else 0
    if len(pairs) <= index:
        return ("L = loss(y, p)", "dp = loss.backward(y, p)")
    return pairs[index]


def _docstring_formulas(doc: str) -> list[tuple[str, str]]:
    """Every ``Forward: ... / Backward: ...`` pair of a docstring, each formula without its shape notes."""
    forwards, backwards = [], []
    for line in doc.splitlines():
        line = line.strip()
        for tag, found in (("Forward:", forwards), ("Backward:", backwards)):
            if line.startswith(tag):
                # The formula ends where the column of shapes and notes starts: two or more spaces.
                formula = line[len(tag) :].strip().replace("L  =", "L =", 1)
                found.append(formula.split("  ")[0].strip())
    return list(zip(forwards, backwards, strict=False))


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

"""The loss contract: ``Loss`` (``forward``, ``backward``, ``validate``), and ``formulas``, which reads a loss's
Forward/Backward docstring block: the one source of its formulas, which ``explain`` and the guide show.
"""

from __future__ import annotations

import numpy as np

from scratchnet.tape.tensor import Tensor, convert_to_tensor, record, recording_tapes

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

    def __call__(self, y_true, y_pred, sample_weight=None) -> float:
        """The loss (a float; a scalar tensor on tensors or inside a GradientTape), with Keras's ``sample_weight``:
        ``sum_i(w_i * l_i) / N``."""
        if isinstance(y_pred, Tensor) or isinstance(y_true, Tensor) or recording_tapes():
            return self.on_tensors(y_true, y_pred, sample_weight=sample_weight)
        y_pred = np.asarray(y_pred)
        if not np.issubdtype(y_pred.dtype, np.floating):
            y_pred = y_pred.astype(np.float32)
        y_true = self.validate(y_true, y_pred.shape)
        if sample_weight is not None:
            weights = np.asarray(sample_weight, dtype=y_pred.dtype).reshape(-1)
            return float((weights * self.per_example(y_true, y_pred)).sum()) / len(y_pred)
        return self.forward(y_true, y_pred)

    def on_tensors(self, y_true, y_pred, per_example: bool = False, sample_weight=None) -> Tensor:
        """The loss on tensors, recorded as one op on the GradientTape (a scalar; ``per_example``: shape (N,)).

        Backward:  dp = dl * backward(y, p)                the loss's own backward (its 1/N included)
                   dp_i = dl_i * N * backward(y, p)_i       per example: row i of the mean's gradient, times N

        When ``p`` came straight out of a scratchnet layer or model ending in the activation this loss fuses
        with (softmax for the cross-entropies), the op skips ``p`` and starts below the activation with the
        fused ``dz = (p - onehot(y)) / N``, as ``fit`` does (see :mod:`scratchnet.tape.layer_call`).
        """
        p = convert_to_tensor(y_pred)
        if p.dtype.kind != "f":
            p = Tensor._wrap(p.numpy().astype(np.float32))
        pv = p.numpy()
        y = self.validate(np.asarray(y_true), pv.shape)
        n = pv.shape[0]
        rows = (-1, *([1] * (pv.ndim - 1)))  # one factor per example, broadcast over its values
        w = None if sample_weight is None else np.asarray(sample_weight, dtype=pv.dtype).reshape(-1)
        if per_example:
            value = self.per_example(y, pv)
        elif w is None:
            value = np.asarray(self.forward(y, pv), dtype=pv.dtype)
        else:  # Keras's weighted mean: sum_i(w_i * l_i) / N, and row i of the gradient times w_i
            value = np.asarray((w * self.per_example(y, pv)).sum() / n, dtype=pv.dtype)

        def factor(dl):  # per example, row i of the mean's gradient times N is row i's own gradient
            if per_example:
                return (dl * n).reshape(rows)
            return dl if w is None else dl * w.reshape(rows)

        chooser = getattr(p, "_fused_with", None)
        fused_loss = chooser(self) if chooser is not None and p._backward is not None else None
        if fused_loss is not None:  # start below the output activation, with dz = (p - onehot(y)) / N
            below = p._logits_backward
            out = record(value, p._parents, lambda dl: below(fused_loss.backward(y, pv) * factor(dl)), "fused")
            out._blas_work = getattr(p, "_blas_work", 0)  # the layer's backward runs in this op now
            return out
        return record(value, (p,), lambda dl: (self.backward(y, pv) * factor(dl),), self.name)

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

"""Several inputs and outputs: data as lists or dicts, a loss per output, ``loss_weights``, per-output metrics.

A graph model (:mod:`scratchnet.models.graph`) with two outputs trains on the weighted sum of their losses,

    L = w_1 * L_1(y_1, p_1) + w_2 * L_2(y_2, p_2)        dL/dp_k = w_k * dL_k/dp_k

so each output's backward starts with its own loss's gradient times its weight, and the graph's backward adds
up what reaches each shared layer. ``fit`` logs ``loss`` (the weighted sum) and, as Keras does, each output's own
loss and metrics under its name: ``main_output_loss``, ``aux_output_accuracy``.

The training loop (:mod:`scratchnet.models.training`) is the one every model uses: it only sees an
:class:`ArrayList` where one array would be, which gathers the same rows of every array.
"""

from __future__ import annotations

import numpy as np

from scratchnet import checks, losses, optimizers
from scratchnet.metrics import check_names as check_metric_names
from scratchnet.metrics import get as get_metric

__all__ = ["ArrayList", "OutputLosses", "compile_graph", "prepare_data", "prepare_inputs", "train_step"]


class ArrayList:
    """Several arrays with one example per row, batched together: ``batch[rows]`` takes those rows of each."""

    def __init__(self, arrays):
        self.arrays = list(arrays)

    def __len__(self) -> int:
        return len(self.arrays[0])

    def __iter__(self):
        return iter(self.arrays)

    def __getitem__(self, rows) -> ArrayList:
        return ArrayList([a[rows] for a in self.arrays])

    @property
    def shape(self) -> tuple:
        return self.arrays[0].shape

    def astype(self, dtype, copy: bool = False) -> ArrayList:
        return ArrayList([a.astype(dtype, copy=copy) for a in self.arrays])

    def min(self) -> float:
        return min(float(a.min()) for a in self.arrays)

    def max(self) -> float:
        return max(float(a.max()) for a in self.arrays)


def _per_output(model, value, what: str) -> list:
    """``value`` (one for all, a list in output order, or a dict by output name) as a list, one per output."""
    names = model.output_names
    if isinstance(value, dict):
        unknown = sorted(set(value) - set(names))
        if unknown:
            raise ValueError(
                f"compile(): {what} names outputs the model does not have. Received: {unknown}. The outputs are "
                f"{names} (the names of the layers that make them)."
            )
        return [value.get(name) for name in names]
    if isinstance(value, (list, tuple)) and (len(names) > 1 or len(value) == 1):
        if len(value) != len(names):
            raise ValueError(
                f"compile(): the model has {len(names)} outputs ({names}), so {what} needs one entry per output. "
                f"Received: {len(value)} entries."
            )
        return list(value)
    return [value] * len(names)


class OutputLosses:
    """The loss of a model with several outputs: ``L = sum_k w_k * L_k(y_k, p_k)`` (outputs without a loss skipped)."""

    def __init__(self, per_output: list, weights: list[float]):
        self.per_output = per_output
        self.weights = weights

    def forward(self, y, y_pred) -> float:
        ys, ps = _as_list(y), _as_list(y_pred)
        return sum(
            w * loss.forward(yk, pk)
            for loss, w, yk, pk in zip(self.per_output, self.weights, ys, ps, strict=True)
            if loss is not None
        )


def _as_list(value) -> list:
    return list(value) if isinstance(value, (ArrayList, list)) else [value]


def losses_per_output(model) -> list:
    """The loss object of each output (None for an output without one, or before compile)."""
    if isinstance(model.loss, OutputLosses):
        return model.loss.per_output
    return [model.loss] * len(model.outputs)


def compile_graph(model, optimizer, loss, metrics, loss_weights, **ignored) -> None:
    """``compile`` for several outputs: one loss, metric list and weight per output (see the module docstring)."""
    model.optimizer = optimizers.get(optimizer)
    if isinstance(loss, OutputLosses):  # a copy of a compiled model (gradcheck) keeps its losses and weights
        loss, loss_weights = loss.per_output, loss.weights
    per_output = [None if item is None else losses.get(item) for item in _per_output(model, loss, "loss")]
    if all(item is None for item in per_output):
        raise ValueError(f"compile(): model '{model.name}' needs a loss for at least one output. Received: loss=None.")
    weights = [1.0 if w is None else float(w) for w in _per_output(model, loss_weights, "loss_weights")]
    model.loss = OutputLosses(per_output, weights)
    if (
        isinstance(metrics, (list, tuple))
        and len(model.outputs) > 1
        and all(isinstance(m, (list, tuple, type(None))) for m in metrics)
    ):
        per_metrics = _per_output(model, list(metrics), "metrics")  # [[...], [...]]: one list per output
    elif isinstance(metrics, dict):
        per_metrics = _per_output(model, metrics, "metrics")
    else:
        per_metrics = [metrics] * len(model.outputs)  # Keras 2: the same metrics for every output
    model.output_metrics = [check_metric_names(m) for m in per_metrics]
    names = model.output_names
    if len(model.outputs) == 1:
        model.metric_names = list(model.output_metrics[0])
    else:
        model.metric_names = [f"{n}_loss" for n, loss_k in zip(names, per_output, strict=True) if loss_k is not None]
        model.metric_names += [f"{n}_{m}" for n, ms in zip(names, model.output_metrics, strict=True) for m in ms]


def train_step(model, x, y, sample_weight=None):
    """One step for several outputs: each output's gradient times its weight, the graph's backward, the update."""
    loss, y_pred = loss_and_backward(model, x, y, sample_weight)
    loss += model.add_regularization()
    model.optimizer.apply(*model.optimizer_arrays())
    return loss, y_pred


def loss_and_backward(model, x, y, sample_weight=None):
    """The forward pass, the weighted loss, and the graph's backward from each output (no update)."""
    if sample_weight is not None:
        raise ValueError(
            f"fit(): model '{model.name}' has several inputs or outputs, and scratchnet weighs their examples "
            "equally. Received: sample_weight (or class_weight). Remove it."
        )
    y_pred = model.forward(x, training=True)
    ys, ps = _as_list(y), _as_list(y_pred)
    total, dys, below = 0.0, [], []
    for loss, w, fused_loss, yk, pk in zip(
        model.loss.per_output, model.loss.weights, model.fused_losses, ys, ps, strict=True
    ):
        if loss is None:
            dys.append(None)
            below.append(False)
            continue
        total += w * loss.forward(yk, pk)
        dy = fused_loss.backward(yk, pk) if fused_loss is not None else loss.backward(yk, pk)
        dys.append(dy if w == 1.0 else dy * w)  # dL/dp_k = w_k * dL_k/dp_k
        below.append(fused_loss is not None)
    model.backprop(dys, below)
    return total, y_pred


def metric_values(model, y, y_pred) -> list[float]:
    """Each output's own loss (with several outputs), then each output's metrics, in ``metric_names`` order."""
    ys, ps = _as_list(y), _as_list(y_pred)
    values = []
    if len(model.outputs) > 1:
        values += [loss.forward(yk, pk) for loss, yk, pk in zip(model.loss.per_output, ys, ps, strict=True) if loss]
    for names, yk, pk in zip(model.output_metrics, ys, ps, strict=True):
        values += [get_metric(name, yk.shape, pk.shape)(yk, pk) for name in names]
    return values


def _per_input(model, x, who: str, names: list[str], what: str) -> list:
    if isinstance(x, dict):
        missing = [n for n in names if n not in x]
        if missing:
            raise ValueError(
                f"{who}(): model '{model.name}' has {what} {names}. Received: a dict without {missing} "
                f"(keys {sorted(x)})."
            )
        return [x[n] for n in names]
    if isinstance(x, ArrayList):
        x = x.arrays
    if len(names) == 1:  # one array, or a list of one array
        return [x[0]] if isinstance(x, (list, tuple)) and len(x) == 1 and isinstance(x[0], np.ndarray) else [x]
    if not isinstance(x, (list, tuple)) or len(x) != len(names):
        received = f"{len(x)} arrays" if isinstance(x, (list, tuple)) else f"one {type(x).__name__}"
        raise ValueError(
            f"{who}(): model '{model.name}' has {len(names)} {what} ({names}), so it takes a list of {len(names)} "
            f"arrays, or a dict by name. Received: {received}."
        )
    return list(x)


def prepare_inputs(model, x, who: str):
    """Check each input array against its ``Input``'s shape; an :class:`ArrayList` for several inputs."""
    arrays = []
    for i, (t, xi) in enumerate(zip(model.inputs, _per_input(model, x, who, model.input_names, "inputs"), strict=True)):
        name = f"x[{i}]" if model.many_inputs else "x"
        arr = checks.check_inputs(xi, who, name)
        if arr.shape[1:] != t.example_shape:
            raise ValueError(
                f"{who}(): input '{t.layer.name}' of model '{model.name}' expects shape {t.shape}. "
                f"Received: {name}.shape={arr.shape}."
            )
        arrays.append(arr)
    if len({len(a) for a in arrays}) > 1:
        raise ValueError(
            f"{who}(): every input needs the same number of examples. Received: {[len(a) for a in arrays]}."
        )
    return ArrayList(arrays) if model.many_inputs else arrays[0]


def prepare_data(model, x, y, who: str):
    """Check the inputs and each output's targets (validated by that output's loss)."""
    if model.loss is None:
        raise RuntimeError(f"You must call compile(optimizer=..., loss=...) before {who}().")
    x = prepare_inputs(model, x, who)
    if y is None:
        raise ValueError(f"{who}() needs targets. Received: y=None.")
    ys = []
    for t, loss, yk in zip(
        model.outputs, losses_per_output(model), _per_input(model, y, who, model.output_names, "outputs"), strict=True
    ):
        yk = np.asarray(yk)
        if yk.ndim == 0 or len(yk) != len(x):
            raise ValueError(
                f"{who}(): the targets of output '{t.layer.name}' must hold one row per example ({len(x)}). "
                f"Received: shape {yk.shape}."
            )
        if loss is not None:
            yk = loss.validate(yk, (len(x), *t.example_shape))
        if yk.dtype.kind == "f" and yk.dtype != model.dtype:
            yk = yk.astype(model.dtype)
        ys.append(yk)
    return x, (ArrayList(ys) if model.many_outputs else ys[0])

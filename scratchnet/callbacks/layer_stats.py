"""LayerStats: per-layer statistics while a model trains — is every layer learning, or is one dead or stuck?

The loss curve says *whether* a network learns; these numbers say *where* it does not. After each epoch,
:class:`LayerStats` runs one forward and backward pass on a fixed probe batch and records, for every layer:

- the mean and standard deviation of its output (activations that shrink to 0 or blow up layer after layer
  are the classic sign of a bad initialization);
- for ReLU layers, the fraction of *dead* units: units that output 0 for every example of the probe batch, so
  their gradient is 0 and they no longer learn (a too-high learning rate kills them);

and for every parameter θ (``dense/W``, ``dense/b``, ...):

- its norm ‖θ‖ and the norm of its gradient ‖dθ‖ on the probe batch (vanishing or exploding gradients);
- the update-to-weight ratio ‖Δθ‖ / ‖θ‖ of the last optimizer step before the record: how much one step
  changes the weights. Around 1e-3 is the usual healthy value (CS231n); far below, the layer barely learns; far
  above, the learning rate is too high.

>>> import numpy as np
>>> import scratchnet as sn
>>> x, y = np.random.default_rng(0).normal(size=(64, 4)), np.arange(64) % 2
>>> model = sn.Sequential([sn.layers.Dense(8, activation="relu", input_shape=[4], name="hidden"),
...                        sn.layers.Dense(2, activation="softmax", name="output")], seed=0)
>>> model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
>>> stats = LayerStats(x, y)
>>> history = model.fit(x, y, epochs=2, verbose=0, callbacks=[stats])
>>> stats.stats["epoch"]
[0.0, 1.0, 2.0]
>>> sorted(stats.stats["grad_norm"])
['hidden/W', 'hidden/b', 'output/W', 'output/b']
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from scratchnet import checks
from scratchnet.callbacks.base import Callback, Logs
from scratchnet.layers import Activation, Dense
from scratchnet.layers.convolution import Conv2D
from scratchnet.models.inspection import detached_copy, leaf_layers

__all__ = ["LayerStats"]

# The statistics kept per layer and per parameter, in the order report() prints them.
LAYER_STATISTICS = ("activation_mean", "activation_std", "dead_fraction")
PARAMETER_STATISTICS = ("weight_norm", "grad_norm", "update_ratio")


class LayerStats(Callback):
    """Records per-layer activation and gradient statistics during ``fit``, on a fixed probe batch.

    When: once before the first step (``epoch`` 0, the initial weights), after every epoch, and, with
    ``every_n_batches=k``, after every k-th step too.

    How, without changing the training: each record runs a forward pass (``training=True``, as ``fit`` does, so
    Dropout drops) and a backward pass on the probe batch, through the path ``fit`` uses, on a deep copy of the
    model. The model's weights, gradients, random generator and optimizer are never touched, so a seeded run
    gives bit-identical weights with or without this callback. The update ratio compares the weights with a
    copy taken just before the last step. Cost per record: one copy of the model and one pass over the probe
    batch; per step, nothing (plus one copy of the weights before each recorded step).

    Args:
        x: inputs to take the probe batch from: its first ``probe_size`` examples, the same ones every time,
            so the numbers change from one record to the next only because the weights did.
        y: their targets. Without them there is no loss, so only the activation statistics are recorded.
        probe_size: examples in the probe batch; 256 gives steady numbers at little cost.
        every_n_batches: also record after every k-th training step of each epoch (``None``: per epoch only).
        verbose: 1 prints each epoch's numbers after its progress bar; 0 keeps them in ``stats`` only.

    Attributes:
        stats: a dict of lists, like ``History.history``, one entry per record:

            - ``stats["epoch"]``: epochs of training done at the record (0.0 before training; 1.5 halfway
              through the second epoch), the x axis of every plot;
            - ``stats["step"]``: optimizer steps done; ``stats["loss"]``: loss on the probe batch (nan without y);
            - ``stats["activation_mean"][layer]``, ``stats["activation_std"][layer]``: of the layer's output;
            - ``stats["dead_fraction"][layer]``: fraction of dead units, for layers ending in a ReLU;
            - ``stats["weight_norm"][param]``, ``stats["grad_norm"][param]``: ‖θ‖ and ‖dθ‖, param as in
              ``model.weight_names`` (``"dense/W"``);
            - ``stats["update_ratio"][param]``: ‖Δθ‖ / ‖θ‖ of the last step before the record (nan before the
              first step, and when training stopped in the middle of an epoch).

        Each inner dict maps a name to a list aligned with ``stats["epoch"]``, so plotting one curve is
        ``plt.plot(s["epoch"], s["grad_norm"]["dense/W"])``; see :func:`scratchnet.plotting.plot_layer_stats`.

    >>> # stats = LayerStats(x_train, y_train)
    >>> # model.fit(x_train, y_train, epochs=5, callbacks=[stats])
    >>> # stats.report()                                     # the table
    >>> # scratchnet.plotting.plot_layer_stats(stats)        # the curves

    Raises:
        ValueError: for a probe batch the model cannot take (at the start of ``fit``), or bad arguments.
    """

    def __init__(self, x, y=None, probe_size: int = 256, every_n_batches: int | None = None, verbose: int = 0):
        super().__init__()
        self.probe_size = checks.positive_int("LayerStats", "probe_size", probe_size)
        self.every_n_batches = (
            None if every_n_batches is None else checks.positive_int("LayerStats", "every_n_batches", every_n_batches)
        )
        if verbose not in (0, 1):
            raise ValueError(f"LayerStats expected verbose to be 0 or 1. Received: verbose={verbose!r}.")
        self.verbose = verbose
        if x is None:
            raise ValueError("LayerStats needs inputs for its probe batch. Received: x=None. Pass e.g. x_train.")
        # Views of the first examples: nothing is copied until fit starts.
        self._x = np.asarray(x)[: self.probe_size] if np.ndim(x) else np.asarray(x)
        self._y = None if y is None else (np.asarray(y)[: self.probe_size] if np.ndim(y) else np.asarray(y))
        self.stats: dict[str, Any] = _empty_stats()
        self._epoch = 0
        self._before: list[np.ndarray] | None = None  # the weights just before a step whose end is recorded
        self._before_step = -1
        self._unprinted: list[int] = []

    # --- hooks ------------------------------------------------------------------------------------------------
    def on_train_begin(self, logs: Logs | None = None) -> None:
        model = self.model
        if self._y is not None:
            x, self._probe_y = checks.prepare_data(model, self._x, self._y, "LayerStats")
        else:
            x, self._probe_y = checks.prepare_inputs(model, self._x, "LayerStats"), None
        self._probe_x = x.astype(model.dtype)  # a copy: the user's array is never handed to the model
        self.stats = _empty_stats()
        self._unprinted = []
        self._record(epoch=0.0)

    def on_epoch_begin(self, epoch: int, logs: Logs | None = None) -> None:
        self._epoch = epoch
        self._print_pending()  # the last epoch's numbers, now that its progress bar is finished

    def on_train_batch_begin(self, batch: int, logs: Logs | None = None) -> None:
        super().on_train_batch_begin(batch, logs)
        if self._is_recorded(batch):
            self._before = [w.copy() for w in self.model.parameter_arrays()]
            self._before_step = self.model.optimizer.iterations

    def on_train_batch_end(self, batch: int, logs: Logs | None = None) -> None:
        super().on_train_batch_end(batch, logs)
        steps = self.params.get("steps")
        if self.every_n_batches and (batch + 1) % self.every_n_batches == 0 and batch + 1 != steps:
            self._record(epoch=self._epoch + (batch + 1) / steps if steps else float(self._epoch))

    def on_epoch_end(self, epoch: int, logs: Logs | None = None) -> None:
        self._record(epoch=float(epoch + 1))
        if self.verbose:
            self._unprinted.append(len(self.stats["epoch"]) - 1)

    def on_train_end(self, logs: Logs | None = None) -> None:
        self._print_pending()
        self._before = None

    def _is_recorded(self, batch: int) -> bool:
        """Whether a record follows this step, so the weights before it are needed for the update ratio."""
        last = batch + 1 == self.params.get("steps")
        return last or bool(self.every_n_batches and (batch + 1) % self.every_n_batches == 0)

    # --- one record ---------------------------------------------------------------------------------------------
    def _record(self, epoch: float) -> None:
        model, stats = self.model, self.stats
        net = detached_copy(model)  # the probe pass changes nothing of the model
        stats["epoch"].append(epoch)
        stats["step"].append(model.optimizer.iterations if model.optimizer is not None else 0)

        # Forward, layer by layer as Sequential.forward does (nested models opened up), keeping what we need.
        h = self._probe_x
        for layer in leaf_layers(net):
            h = layer.forward(h, training=True)
            _append(stats["activation_mean"], layer.name, float(h.mean(dtype=np.float64)))
            _append(stats["activation_std"], layer.name, float(h.std(dtype=np.float64)))
            if _ends_in_relu(layer):
                # A unit is dead if it is 0 for every example: reduce over the batch axis, then count units.
                # A Conv2D's unit is a filter (the last axis), dead if 0 at every position of every example.
                dead = ~(h > 0).reshape(-1, h.shape[-1]).any(axis=0)
                _append(stats["dead_fraction"], layer.name, float(dead.mean()))

        # Backward, exactly as fit: the loss's backward (fused with the softmax if the model is), then each layer.
        if self._probe_y is not None:
            stats["loss"].append(net.loss.forward(self._probe_y, h))
            net.backward_from_loss(self._probe_y, h)
        else:
            stats["loss"].append(math.nan)

        names = model.trainable_weight_names
        before = self._before if self._before_step + 1 == _iterations(model) else None
        for i, ((layer, key), weight) in enumerate(zip(net.parameter_slots(), model.parameter_arrays(), strict=True)):
            name = names[i]
            _append(stats["weight_norm"], name, _norm(weight))
            if self._probe_y is not None:
                _append(stats["grad_norm"], name, _norm(layer.grads[key]))
            ratio = math.nan
            if before is not None:
                old = _norm(before[i])
                ratio = _norm(weight - before[i]) / old if old > 0 else math.nan
            _append(stats["update_ratio"], name, ratio)
        self._before = None

    # --- the table ----------------------------------------------------------------------------------------------
    def report(self, print_fn: Callable[[str], object] | None = print, max_columns: int = 6) -> str:
        """Print the statistics as a table: one row per layer or parameter, one column per record.

        Args:
            print_fn: called with each line, like ``model.summary(print_fn=...)``; ``None`` prints nothing and
                just returns the table.
            max_columns: records shown; with more, the first one and the latest ones (all are in ``stats``).

        Returns:
            The table as text. After printing it, the text is one that prints as nothing, so that
            ``print(stats.report())`` shows the table once (not the table and then ``None``).
        """
        lines = self._table(max_columns)
        if print_fn is None:
            return "\n".join(lines)
        for line in lines:
            print_fn(line)
        return _AlreadyPrinted("\n".join(lines))

    def __str__(self) -> str:
        return "\n".join(self._table(6))

    def _table(self, max_columns: int, columns: list[int] | None = None) -> list[str]:
        stats = self.stats
        n = len(stats["epoch"])
        if n == 0:
            return ["LayerStats: nothing recorded yet. Pass it to fit(..., callbacks=[layer_stats])."]
        names = [name for group in (*LAYER_STATISTICS, *PARAMETER_STATISTICS) for name in stats[group]]
        name_width = max([12, *(len(name) for name in names)]) + 2
        label_width = 20
        cell = 11
        if columns is None:
            # As many records as asked for and as fit in 100 columns: the first one, then the latest ones.
            fit = max(2, min(max_columns, (100 - label_width - name_width) // cell))
            columns = list(range(n)) if n <= fit else [0, *range(n - fit + 1, n)]

        def row(label: str, name: str, cells: list[str]) -> str:
            return f"{label:<{label_width}}{name:<{name_width}}" + "".join(c.rjust(cell) for c in cells)

        probe = len(self._probe_x) if hasattr(self, "_probe_x") else min(self.probe_size, len(self._x))
        lines = [
            f"LayerStats on a probe batch of {probe} examples (training mode, as fit() sees it); ratio: last step",
            row("", "", [f"epoch {_epoch_text(stats['epoch'][i])}" for i in columns]),
            row("loss", "(probe batch)", [_cell(stats["loss"][i]) for i in columns]),
        ]
        if len(columns) < n and columns[0] == 0:  # the report with some records left out (not a verbose print)
            lines[0] += f"; {n - len(columns)} more records in .stats"
        titles = {
            "activation_mean": "activation mean",
            "activation_std": "activation std",
            "dead_fraction": "dead ReLUs",
            "weight_norm": "‖θ‖",
            "grad_norm": "‖dθ‖ gradient",
            "update_ratio": "‖Δθ‖/‖θ‖ update",
        }
        for group in (*LAYER_STATISTICS, *PARAMETER_STATISTICS):
            for k, (name, values) in enumerate(stats[group].items()):
                cells = [_cell(values[i], group) for i in columns]
                lines.append(row(titles[group] if k == 0 else "", name, cells))
        lines.append(
            "dead: 0 for every probe example. ‖Δθ‖/‖θ‖: how much the last step moved θ; about 1e-3 is healthy."
        )
        return lines

    def _print_pending(self) -> None:
        if self._unprinted:
            for line in self._table(0, columns=self._unprinted):
                print(line)
            self._unprinted = []


# --------------------------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------------------------


def _empty_stats() -> dict[str, Any]:
    return {
        "epoch": [],
        "step": [],
        "loss": [],
        **{group: {} for group in (*LAYER_STATISTICS, *PARAMETER_STATISTICS)},
    }


def _append(group: dict[str, list], name: str, value: float) -> None:
    group.setdefault(name, []).append(value)


def _ends_in_relu(layer) -> bool:
    if isinstance(layer, (Dense, Conv2D)):
        return layer.activation.activation_name == "relu"
    return isinstance(layer, Activation) and layer.activation_name == "relu"


def _iterations(model) -> int:
    return model.optimizer.iterations if model.optimizer is not None else 0


def _norm(a: np.ndarray) -> float:
    return float(np.linalg.norm(a))


def _cell(value: float, group: str = "") -> str:
    if value is None or math.isnan(value):
        return "-"
    if group == "dead_fraction":
        return f"{100 * value:.1f}%"
    if group == "update_ratio":
        return f"{value:.1e}"  # to compare with the 1e-3 rule of thumb at a glance
    return "0" if value == 0 else f"{value:.3g}"


def _epoch_text(epoch: float) -> str:
    return f"{round(epoch, 2):g}"  # 0, 1, 1.5, 1.33


class _AlreadyPrinted(str):
    """The text of a table that has just been printed: it prints, and shows in a notebook, as nothing."""

    def __str__(self) -> str:
        return ""

    def __repr__(self) -> str:
        return ""

    def _ipython_display_(self) -> None:
        pass

"""Learning as it happened: the loss and metrics per epoch, and what LayerStats recorded per layer."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from scratchnet.plotting._common import _new_figure

if TYPE_CHECKING:
    from matplotlib.figure import Figure

# ----------------------------------------------------------------------------------------------------------
# Training curves
# ----------------------------------------------------------------------------------------------------------


def plot_history(history: Any, metrics: str | Sequence[str] | None = None) -> Figure:
    """Draws the training curves: one subplot per metric, training and validation values per epoch.

    ``history`` is what ``fit`` returns: ``history.history`` maps each metric name to its per-epoch values,
    and validation values carry a ``val_`` prefix. ``loss`` and ``val_loss`` share a subplot titled "loss". A
    validation curve that stays above the training loss and turns upward is the picture of over-fitting.

    Args:
        history: A dict such as ``{"loss": [...], "accuracy": [...], "val_loss": [...]}``, or any object with
            such a dict in its ``.history`` attribute (a scratchnet or Keras ``History``). Each value is a
            list of one number per epoch.
        metrics: The metric names to draw, e.g. ``["loss"]`` or ``"accuracy"`` (with or without ``val_``); all
            if None.

    Returns:
        A new matplotlib Figure with one Axes per metric, titled with its name, x axis "epoch" from 1.

    Raises:
        TypeError: If history is neither a dict nor has a dict ``.history``.
        ValueError: If history is empty, a value is not a 1-D list of numbers, or a requested metric is
            absent.

    >>> fig = plot_history({"loss": [0.9, 0.5, 0.4], "val_loss": [1.0, 0.6, 0.55]})
    >>> [ax.get_title() for ax in fig.axes]
    ['loss']
    """
    fn = "plot_history"
    logs = getattr(history, "history", history)
    if not isinstance(logs, Mapping):
        raise TypeError(
            f"{fn} expected a dict of per-epoch values, such as {{'loss': [...], 'val_loss': [...]}}, or the "
            f"History returned by fit(). Received: history of type {type(history).__name__}."
        )
    series: dict[str, np.ndarray] = {}
    for key, values in logs.items():
        v = np.asarray(values, dtype=float)
        if v.ndim != 1 or v.size == 0:
            raise ValueError(
                f"{fn} expected each history entry to be a non-empty list with one number per epoch. "
                f"Received: history[{key!r}].shape={v.shape}."
            )
        series[str(key)] = v
    available: list[str] = []
    for key in series:
        base = key.removeprefix("val_")
        if base not in available:
            available.append(base)
    if not available:
        raise ValueError(f"{fn} expected at least one metric in history. Received: history={dict(logs)!r}.")

    if metrics is None:
        wanted = available
    else:
        requested = [metrics] if isinstance(metrics, str) else list(metrics)
        wanted = [str(m).removeprefix("val_") for m in requested]
        missing = [m for m in wanted if m not in available]
        if missing or not wanted:
            raise ValueError(
                f"{fn} expected metrics among {available}. Received: metrics={requested!r}. "
                "Use the names passed to compile(metrics=...) and 'loss'."
            )
        wanted = list(dict.fromkeys(wanted))  # drop repeats, keep order

    from matplotlib.ticker import MaxNLocator

    ncols = min(len(wanted), 3)
    nrows = math.ceil(len(wanted) / ncols)
    fig = _new_figure((4.2 * ncols, 3.2 * nrows))
    axes = fig.subplots(nrows, ncols, squeeze=False).ravel()
    for ax, name in zip(axes, wanted, strict=False):
        for key, label, color in ((name, "training", "C0"), (f"val_{name}", "validation", "C1")):
            if key in series:
                v = series[key]
                epochs = np.arange(1, v.size + 1)
                ax.plot(epochs, v, marker="o", markersize=3, color=color, label=label)
        ax.set_title(name)
        ax.set_xlabel("epoch")
        ax.set_ylabel(name)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))  # epochs are whole numbers
        ax.grid(True, alpha=0.3)
        ax.legend()
    for ax in axes[len(wanted) :]:
        fig.delaxes(ax)
    return fig


# ----------------------------------------------------------------------------------------------------------
# Per-layer statistics (scratchnet.callbacks.LayerStats)
# ----------------------------------------------------------------------------------------------------------

# (key in stats, title, y label, log scale) of each panel, in the order drawn.
_LAYER_STATS_PANELS = (
    ("activation_mean", "activation mean", "mean of the layer's output", False),
    ("activation_std", "activation std", "std of the layer's output", False),
    ("dead_fraction", "dead ReLUs", "% of units 0 for every example", False),
    ("grad_norm", "gradient norm ‖dθ‖", "‖dθ‖ on the probe batch", True),
    ("update_ratio", "update ratio ‖Δθ‖/‖θ‖", "‖Δθ‖/‖θ‖ of one step", True),
)


def plot_layer_stats(stats: Any) -> Figure:
    """Draws what ``LayerStats`` recorded: one panel per statistic, one line per layer or parameter.

    The panels: the mean and standard deviation of each layer's output, the percentage of dead ReLU units (if
    the model has ReLUs), the gradient norm of each parameter (log scale), and its update-to-weight ratio
    ‖Δθ‖/‖θ‖ (log scale, with the usual healthy value 1e-3 drawn dashed). A layer whose gradient norm falls by
    orders of magnitude, or whose ratio sits far below 1e-3, is barely learning.

    Args:
        stats: A ``scratchnet.callbacks.LayerStats`` after ``fit``, or its ``.stats`` dict: ``{"epoch": [...],
            "activation_mean": {layer: [...]}, ...}``, each list one value per record.

    Returns:
        A new matplotlib Figure with one Axes per statistic present, titled as above, x axis "epoch".

    Raises:
        TypeError: If stats is neither a dict nor has a dict ``.stats``.
        ValueError: If it holds no record, or a list does not have one value per record.

    >>> s = {"epoch": [0.0, 1.0, 2.0], "activation_mean": {"dense": [0.1, 0.5, 0.6]},
    ...      "grad_norm": {"dense/W": [1.2, 0.3, 0.2]}}
    >>> [ax.get_title() for ax in plot_layer_stats(s).axes]
    ['activation mean', 'gradient norm ‖dθ‖']
    """
    fn = "plot_layer_stats"
    data = getattr(stats, "stats", stats)
    if not isinstance(data, Mapping) or "epoch" not in data:
        raise TypeError(
            f"{fn} expected the LayerStats callback passed to fit(), or its .stats dict with an 'epoch' list. "
            f"Received: stats of type {type(stats).__name__}."
        )
    epochs = np.asarray(data["epoch"], dtype=float)
    if epochs.ndim != 1 or epochs.size == 0:
        raise ValueError(
            f"{fn} expected at least one record. Received: stats['epoch']={list(data['epoch'])!r}. "
            "Pass the callback to fit(..., callbacks=[layer_stats]) first."
        )
    panels = []
    for key, title, ylabel, log in _LAYER_STATS_PANELS:
        curves = data.get(key) or {}
        series = {}
        for name, values in curves.items():
            v = np.asarray(values, dtype=float)
            if v.shape != epochs.shape:
                raise ValueError(
                    f"{fn} expected one value per record ({epochs.size}) in every list. "
                    f"Received: stats[{key!r}][{name!r}] with shape {v.shape}."
                )
            series[name] = 100 * v if key == "dead_fraction" else v
        if any(np.isfinite(v).any() for v in series.values()):
            panels.append((key, title, ylabel, log, series))
    if not panels:
        raise ValueError(f"{fn} found no statistics to draw. Received: keys {sorted(data)}.")

    ncols = min(len(panels), 3)
    nrows = math.ceil(len(panels) / ncols)
    fig = _new_figure((4.4 * ncols, 3.3 * nrows))
    axes = fig.subplots(nrows, ncols, squeeze=False).ravel()
    for ax, (key, title, ylabel, log, series) in zip(axes, panels, strict=False):
        for name, v in series.items():
            finite = np.isfinite(v)
            ax.plot(epochs[finite], v[finite], marker="o", markersize=3, label=name)
        if log and any((v[np.isfinite(v)] > 0).any() for v in series.values()):
            ax.set_yscale("log")
        if key == "update_ratio":
            ax.axhline(1e-3, color="grey", linestyle="--", linewidth=1, label="1e-3")
        ax.set_title(title)
        ax.set_xlabel("epoch")
        ax.set_ylabel(ylabel)
        ax.grid(True, alpha=0.3)
        ax.legend(fontsize=7)
    for ax in axes[len(panels) :]:
        fig.delaxes(ax)
    fig.suptitle("per-layer statistics on the probe batch (epoch 0: the initial weights)")
    return fig

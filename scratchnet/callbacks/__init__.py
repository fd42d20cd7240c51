"""Callbacks: code of yours that ``fit``, ``evaluate`` and ``predict`` run at fixed points of the training loop.

    base.py             the contract: Callback, every hook a no-op (the hooks and their order are listed there)
    callback_list.py    CallbackList: the callbacks of one fit/evaluate/predict call, driven as one
    history.py          History, which fit returns
    progress.py         the progress bar: Progbar, ProgbarLogger
    lambda_callback.py  LambdaCallback: a callback made of plain functions
    early_stopping.py   EarlyStopping, TerminateOnNaN
    files.py            ModelCheckpoint, CSVLogger
    learning_rate.py    LearningRateScheduler, ReduceLROnPlateau
    live_plot.py        LivePlot: the learning curves redrawn every epoch
    layer_stats.py      LayerStats: what each layer's activations, gradients and updates look like, per epoch

Every callback is importable from here (``sn.callbacks.EarlyStopping``, ``from scratchnet.callbacks import
Callback``). Each is loaded on first use, so the training loop, which needs only the list, the history and the
progress bar, never loads the tools (LivePlot, LayerStats) or matplotlib.
"""

from __future__ import annotations

import importlib

# Each callback, and the file of this package it lives in.
_FILES = {
    "CSVLogger": "files",
    "Callback": "base",
    "CallbackList": "callback_list",
    "EarlyStopping": "early_stopping",
    "History": "history",
    "LambdaCallback": "lambda_callback",
    "LayerStats": "layer_stats",
    "LearningRateScheduler": "learning_rate",
    "LivePlot": "live_plot",
    "ModelCheckpoint": "files",
    "Progbar": "progress",
    "ProgbarLogger": "progress",
    "ReduceLROnPlateau": "learning_rate",
    "TerminateOnNaN": "early_stopping",
}

__all__ = sorted(_FILES)


def __getattr__(name: str):
    if name in _FILES:
        return getattr(importlib.import_module(f"{__name__}.{_FILES[name]}"), name)
    raise AttributeError(
        f"module {__name__!r} has no attribute {name!r}: scratchnet's callbacks are {', '.join(__all__)}; "
        "write your own by subclassing Callback."
    )


def __dir__():
    return sorted([*__all__, *globals()])

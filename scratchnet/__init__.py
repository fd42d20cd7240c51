"""scratchnet: a neural-network library written from scratch in NumPy, for seeing backprop.

The API follows Keras, so the classic beginner exercise runs with ``scratchnet`` in place of ``tf.keras``:

>>> import scratchnet as sn
>>> model = sn.Sequential([sn.layers.Flatten(input_shape=(28, 28)),
...                        sn.layers.Dense(128, activation=sn.nn.relu),
...                        sn.layers.Dense(10, activation=sn.nn.softmax)])
>>> model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])

Submodules are imported on first use (``sn.datasets``, ``sn.plotting``, ...), so ``import scratchnet`` stays quick
and matplotlib is loaded only by code that draws.
"""

import importlib

__version__ = "0.1.0"

_SUBMODULES = {
    "blas",
    "callbacks",
    "datasets",
    "exercises",
    "explain",
    "speed",
    "gradcheck",
    "images",
    "layers",
    "live_plot",
    "losses",
    "metrics",
    "models",
    "nn",
    "optimizers",
    "plotting",
    "utils",
}

__all__ = ["Input", "Model", "Sequential", "__version__", *sorted(_SUBMODULES)]


def __getattr__(name: str):
    if name in _SUBMODULES:
        return importlib.import_module(f"{__name__}.{name}")
    if name in ("Sequential", "Model"):
        return getattr(importlib.import_module("scratchnet.models"), name)
    if name == "Input":
        return importlib.import_module("scratchnet.symbolic").Input
    raise AttributeError(f"module 'scratchnet' has no attribute {name!r}")


def __dir__():
    return sorted(__all__)

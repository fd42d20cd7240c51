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

from scratchnet.version import __version__

_SUBMODULES = {
    "backend",
    "callbacks",
    "checks",
    "datasets",
    "exercises",
    "explain",
    "fused",
    "gradcheck",
    "hints",
    "images",
    "initializers",
    "layers",
    "losses",
    "metrics",
    "models",
    "nn",
    "notebook",
    "ops",
    "optimizers",
    "plotting",
    "port",
    "regularizers",
    "schedules",
    "speed",
    "utils",
    "version",
}

# What a TensorFlow/Keras program may reach for that scratchnet does not have, with what to do instead. Used only
# to make the AttributeError say so in one line (a ported program writes ``sn.data...`` for ``tf.data...``).
_NOT_HERE = {
    "data": "tf.data is not part of scratchnet: pass NumPy arrays to fit(x, y, batch_size=32)",
    "saved_model": "save with model.save('model.npz') and load with scratchnet.models.load_model",
    "preprocessing": "scratchnet has no preprocessing layers or image/text utilities: prepare data with NumPy",
    "applications": "scratchnet has no pretrained models",
}
# TensorFlow's tensor names (tf.constant, tf.Variable, tf.GradientTape, tf.reduce_sum, tf.float32, ...) come from
# scratchnet.tape, where each differentiable op is written beside its local derivative.
_TAPE_NAMES = {
    "GradientTape",
    "Module",
    "Tensor",
    "TensorShape",
    "UnconnectedGradients",
    "Variable",
    "constant",
    "convert_to_tensor",
    "custom_gradient",
    "function",
}
_DTYPES = {"float16", "float32", "float64", "int8", "int16", "int32", "int64", "uint8", "bool"}

__all__ = ["Input", "Model", "Sequential", "__version__", *sorted(_SUBMODULES)]


def __getattr__(name: str):
    if name in _SUBMODULES:
        return importlib.import_module(f"{__name__}.{name}")
    if name in ("Sequential", "Model"):
        return getattr(importlib.import_module("scratchnet.models"), name)
    if name == "Input":
        return importlib.import_module("scratchnet.layers.input_layer").Input
    if name == "activations":  # keras.activations.softmax: the activation functions, which live in scratchnet.nn
        return importlib.import_module("scratchnet.nn")
    if name in _DTYPES:
        return importlib.import_module("numpy").dtype(name)
    tape = importlib.import_module("scratchnet.tape")
    if name in ("math", "random"):  # tf.math: the math ops (reduce_*, log1p, softplus, ...); tf.random
        value = globals()[name] = tape.ops if name == "math" else tape.random
        return value
    if name in _TAPE_NAMES or name == "newaxis" or name in tape.ops.__all__ or name in tape.array_ops.__all__:
        value = globals()[name] = getattr(tape, name)  # kept: a training loop asks for sn.GradientTape every step
        return value
    if name in _NOT_HERE:
        hint = _NOT_HERE[name]
    else:
        hint = f"scratchnet has {', '.join(__all__)}"
    raise AttributeError(f"module 'scratchnet' has no attribute {name!r}: {hint}.")


def __dir__():
    return sorted(__all__)

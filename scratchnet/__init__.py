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
    "ops",
    "optimizers",
    "plotting",
    "port",
    "utils",
    "version",
}

# What a TensorFlow/Keras program may reach for that scratchnet does not have, with what to do instead. Used only
# to make the AttributeError say so in one line (a ported program writes ``sn.data...`` for ``tf.data...``).
_NOT_HERE = {
    "data": "tf.data is not part of scratchnet: pass NumPy arrays to fit(x, y, batch_size=32)",
    "GradientTape": "scratchnet has no autograd: call model.compute_gradients(x, y), then read layer.grads",
    "function": "scratchnet runs eagerly in NumPy: drop the @tf.function decorator",
    "saved_model": "save with model.save('model.npz') and load with scratchnet.models.load_model",
    "regularizers": "weight regularizers (l1, l2) are not in scratchnet yet",
    "activations": "activation functions are in scratchnet.nn (sn.nn.relu, sn.nn.softmax, ...) with their backward",
    "preprocessing": "scratchnet has no preprocessing layers or image/text utilities: prepare data with NumPy",
    "applications": "scratchnet has no pretrained models",
}
# TensorFlow tensor functions a ported program may call (tf.ones -> sn.ones): scratchnet works on NumPy arrays.
_NUMPY_FOR = {
    "argmax": "np.argmax(x, axis=-1)",
    "cast": "x.astype('float32')",
    "constant": "np.array(...)",
    "convert_to_tensor": "np.asarray(x)",
    "linspace": "np.linspace(start, stop, num)",
    "math": "NumPy's functions (np.sqrt, np.exp, np.mean, ...)",
    "one_hot": "sn.utils.to_categorical(y, num_classes)",
    "ones": "np.ones(shape, dtype='float32')",
    "range": "np.arange(...)",
    "reduce_mean": "np.mean(x, axis=...)",
    "reduce_sum": "np.sum(x, axis=...)",
    "reshape": "np.reshape(x, shape)",
    "square": "np.square(x)",
    "stack": "np.stack(arrays, axis=...)",
    "Variable": "a NumPy array",
    "zeros": "np.zeros(shape, dtype='float32')",
}

__all__ = ["Input", "Model", "Sequential", "__version__", *sorted(_SUBMODULES)]


def __getattr__(name: str):
    if name in _SUBMODULES:
        return importlib.import_module(f"{__name__}.{name}")
    if name in ("Sequential", "Model"):
        return getattr(importlib.import_module("scratchnet.models"), name)
    if name == "Input":
        return importlib.import_module("scratchnet.symbolic").Input
    if name in _NOT_HERE:
        hint = _NOT_HERE[name]
    elif name in _NUMPY_FOR:
        hint = f"scratchnet works on NumPy arrays, not TensorFlow tensors: use {_NUMPY_FOR[name]}"
    else:
        hint = f"scratchnet has {', '.join(__all__)}"
    raise AttributeError(f"module 'scratchnet' has no attribute {name!r}: {hint}.")


def __dir__():
    return sorted(__all__)

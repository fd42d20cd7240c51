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
    "data",
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
    "preprocessing",
    "regularizers",
    "schedules",
    "speed",
    "utils",
    "version",
}

# What a TensorFlow/Keras program may reach for that scratchnet does not have, with what to do instead. Used only
# to make the AttributeError say so in one line (a ported program writes ``sn.data...`` for ``tf.data...``).
_NOT_HERE = {
    "GradientTape": "scratchnet has no autograd: call model.compute_gradients(x, y), then read layer.grads",
    "function": "scratchnet runs eagerly in NumPy: drop the @tf.function decorator",
    "saved_model": "save with model.save('model.npz') and load with scratchnet.models.load_model",
    "applications": "scratchnet has no pretrained models",
}
# TensorFlow's tensor functions that beginner programs call (tf.ones, tf.convert_to_tensor, tf.reduce_sum): here
# the NumPy function of the same meaning from scratchnet.ops, since scratchnet works on NumPy arrays. Their results
# are NumPy arrays (a ported program's .numpy() calls are dropped by scratchnet.port).
_TENSOR_FUNCTIONS = {
    "argmax": "argmax",
    "cast": "cast",
    "constant": "array",
    "convert_to_tensor": "convert_to_tensor",
    "expand_dims": "expand_dims",
    "linspace": "linspace",
    "ones": "ones",
    "reduce_max": "max",
    "reduce_mean": "mean",
    "reduce_min": "min",
    "reduce_sum": "sum",
    "reshape": "reshape",
    "square": "square",
    "zeros": "zeros",
}
# The ones that have no equivalent here, with what to use instead.
_NUMPY_FOR = {
    "math": "NumPy's functions (np.sqrt, np.exp, np.mean, ...)",
    "one_hot": "sn.utils.to_categorical(y, num_classes)",
    "range": "np.arange(...)",
    "stack": "np.stack(arrays, axis=...)",
    "Variable": "a NumPy array",
}

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
    if name == "keras":  # a program whose only change is `import scratchnet as tf` writes tf.keras.layers.Dense
        return importlib.import_module("scratchnet")
    if name == "newaxis":  # tf.newaxis, as NumPy's: x[..., sn.newaxis]
        return None
    if name == "get_logger":
        return importlib.import_module("scratchnet.utils").get_logger
    if name == "random":  # tf.random.set_seed (scratchnet.tape's sn.random, where merged, has the rest of tf.random)
        return importlib.import_module("scratchnet.utils").random_namespace
    if name in _TENSOR_FUNCTIONS:
        return getattr(importlib.import_module("scratchnet.ops"), _TENSOR_FUNCTIONS[name])
    if name in _NOT_HERE:
        hint = _NOT_HERE[name]
    elif name in _NUMPY_FOR:
        hint = f"scratchnet works on NumPy arrays, not TensorFlow tensors: use {_NUMPY_FOR[name]}"
    else:
        hint = f"scratchnet has {', '.join(__all__)}"
    raise importlib.import_module("scratchnet.utils").missing_name("scratchnet", name, hint)


def __dir__():
    return sorted(__all__)

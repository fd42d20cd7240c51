"""Tensors, Variables and the GradientTape: TensorFlow's automatic differentiation, written out to be read.

The package in the order to read it:

- :mod:`scratchnet.tape.tensor` -- ``Tensor``: an array that remembers the op that made it; the arithmetic
  operators, each forward beside its local derivative; ``record`` and ``unbroadcast``.
- :mod:`scratchnet.tape.interop` -- what lets a tensor stand in for a NumPy array (``np.exp(t)`` is recorded).
- :mod:`scratchnet.tape.variable` -- ``Variable`` (``assign``), and ``LayerVariable``: a layer's parameter array
  seen as a Variable.
- :mod:`scratchnet.tape.gradient_tape` -- ``GradientTape``: the reverse topological walk that is backprop.
- :mod:`scratchnet.tape.ops`, :mod:`scratchnet.tape.array_ops` -- the op library under TensorFlow's names.
- :mod:`scratchnet.tape.layer_call` -- a scratchnet layer (or model, or loss) used on tensors: one recorded op
  whose backward is the hand-written one.
- :mod:`scratchnet.tape.module` -- ``sn.Module`` (a container that finds its Variables) and
  ``sn.custom_gradient``.
- :mod:`scratchnet.tape.random` -- ``sn.random``.

Everything is reachable from the top level as TensorFlow has it: ``sn.GradientTape``, ``sn.Variable``,
``sn.constant``, ``sn.reduce_sum``, ``sn.math.log1p``, ``sn.nn.softmax``, ``sn.random.normal``.
"""

import importlib

# Names loaded on first use (scratchnet.nn imports scratchnet.tape.tensor, so this package must not import the
# op library, which imports scratchnet.nn, at its own import).
_WHERE = {
    "Tensor": "tensor",
    "TensorShape": "tensor",
    "TapeWarning": "tensor",
    "constant": "tensor",
    "convert_to_tensor": "tensor",
    "Variable": "variable",
    "GradientTape": "gradient_tape",
    "UnconnectedGradients": "gradient_tape",
    "Module": "module",
    "custom_gradient": "module",
}


def load_library() -> None:
    """Import the op library, so NumPy functions on tensors (np.exp(t)) find the ops they run as."""
    importlib.import_module("scratchnet.tape.ops")
    importlib.import_module("scratchnet.tape.array_ops")


def __getattr__(name: str):
    load_library()
    if name in _WHERE:
        value = globals()[name] = getattr(importlib.import_module(f"scratchnet.tape.{_WHERE[name]}"), name)
        return value
    if name in ("ops", "array_ops", "random", "tensor", "variable", "gradient_tape", "layer_call", "module"):
        return importlib.import_module(f"scratchnet.tape.{name}")
    for module in ("ops", "array_ops"):
        mod = importlib.import_module(f"scratchnet.tape.{module}")
        if name in mod.__all__:
            return getattr(mod, name)
    raise AttributeError(f"module 'scratchnet.tape' has no attribute {name!r}")


def function(func=None, **kwargs):
    """``@tf.function`` compiles a graph in TensorFlow; scratchnet always runs eagerly, so this returns ``func``."""
    if func is None:
        return lambda f: f
    return func

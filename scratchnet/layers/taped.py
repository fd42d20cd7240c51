"""Layers written Keras's way: ``build``, ``add_weight`` and ``call``, with no backward; the tape writes it.

scratchnet's own layers have their backward written out beside their forward. A layer a learner writes the way
the Keras guides do (``call(inputs)`` with tensor ops, ``self.add_weight(...)`` in ``build``) has none. It still
follows the layer contract, because the forward runs ``call`` under a :class:`GradientTape` and the backward plays
that tape back:

    forward:   with GradientTape() as tape:   y = call(x)                  every op of call recorded
    backward:  dx, dW, ... = tape.gradient(y, [x, W, ...], output_gradients=dy)

So such a layer trains through ``fit``, sits in a Sequential or a graph next to hand-written layers, and is checked
by ``gradcheck.check_layer`` like any other. A layer that defines ``forward`` and ``backward`` keeps them.

``Lambda(fn)`` (in :mod:`scratchnet.layers.core`) is the smallest such layer: ``call`` is ``fn``. A Model subclass
with ``__init__`` and ``call`` (the subclassing guide's models) is the same thing one level up: its layers are the
layers it holds as attributes.
"""

from __future__ import annotations

import copy
import inspect

import numpy as np

from scratchnet import initializers, utils
from scratchnet.tape import tensor as tape_tensor
from scratchnet.tape.gradient_tape import GradientTape
from scratchnet.tape.tensor import Tensor, record
from scratchnet.tape.variable import Variable, layer_variables

__all__ = ["add_weight", "install", "is_taped", "library_call", "parameter_slots", "sublayers"]


def is_taped(cls) -> bool:
    """Whether ``cls`` runs its ``call`` under a tape (a layer written Keras's way)."""
    return getattr(cls, "forward", None) is taped_forward


def install(cls) -> None:
    """Give a layer class that defines ``call`` (and no backward of its own) the tape's forward and backward."""
    own = {name for klass in cls.__mro__ if _is_users(klass) for name in vars(klass)}
    if "forward" in own and "backward" in own:
        return  # written out by hand: keep it
    cls.forward = taped_forward
    cls.backward = taped_backward
    cls.taped = True
    if "build" in vars(cls) and len(inspect.signature(vars(cls)["build"]).parameters) == 2:
        cls.build = _keras_build(vars(cls)["build"])  # Keras's build(self, input_shape)
    if "compute_output_shape" not in own:
        cls.compute_output_shape = _probed_output_shape
    # A layer's weights include those of the layers it holds (a model's parameter_slots finds them here).
    cls.weight_slots = parameter_slots
    cls.count_params = lambda self: sum(leaf.params[key].size for leaf, key in parameter_slots(self))
    if hasattr(cls, "choose_backward"):  # a Model subclass: its layers are found, its loss never fused
        if "build" not in own:
            cls.build = _model_build
        cls.choose_backward = _no_fused_loss


def _no_fused_loss(self) -> None:
    self.fused_loss = None  # the tape goes through the softmax and the loss as written


def _model_build(self, input_shape, rng=None, dtype=None) -> None:
    """Build a subclassed model: run ``call`` once on one zero example, so every layer it uses builds itself."""
    shape = _example_shape(input_shape)
    self.dtype = np.dtype(dtype) if dtype is not None else self.dtype
    self.input_shape = shape
    self.built = True  # (so that the probe below does not build again)
    y = taped_forward(self, np.zeros((1, *shape), dtype=self.dtype), training=False)
    self._tape_cache = None
    self.layers = sublayers(self)
    self._output_example_shape = tuple(np.shape(y)[1:])
    self.structure_version += 1
    self.choose_backward()


def _is_users(klass) -> bool:
    return not klass.__module__.startswith("scratchnet.") and klass is not object


def _keras_build(user_build):
    """Keras's ``build(input_shape)`` (batch axis included) as the contract's ``build(input_shape, rng, dtype)``."""

    def build(self, input_shape, rng=None, dtype=None):
        shape = _example_shape(input_shape)
        self.dtype = np.dtype(dtype or self.dtype or "float32")
        self._init_rng = rng if rng is not None else utils.make_rng()
        for sub in sublayers(self):  # layers made in __init__ build on first call: in this layer's dtype
            if not sub.built and sub.dtype is None:
                sub.dtype = self.dtype
        user_build(self, tape_tensor.TensorShape((None, *shape)))
        self.input_shape, self.built = shape, True
        if any(not sub.built for sub in sublayers(self)):
            # Keras builds the layers a layer holds on its first call; so does this probe, before any count_params.
            taped_forward(self, np.zeros((1, *shape), dtype=self.dtype))
            self._tape_cache = None

    build.__doc__ = user_build.__doc__
    return build


def _example_shape(input_shape) -> tuple[int, ...]:
    dims = tuple(input_shape)
    return tuple(int(d) for d in (dims[1:] if dims and dims[0] is None else dims))


def add_weight(
    layer, name=None, shape=None, initializer=None, dtype=None, trainable=True, regularizer=None, **ignored
) -> Variable:
    """Keras's ``self.add_weight(...)``: a parameter in ``layer.params``, returned as a Variable that aliases it."""
    shape = () if shape is None else tuple(int(d) for d in shape)
    dtype = np.dtype(dtype or layer.dtype or "float32")
    initializer = initializer or "glorot_uniform"
    rng = getattr(layer, "_init_rng", None) or utils.make_rng()
    if isinstance(initializer, str):
        value = initializers.get(initializer)(shape, rng, dtype)
    else:  # a function or an initializer object: initializer(shape, dtype=...)
        value = np.asarray(initializer(shape, dtype=dtype), dtype=dtype)
    if not trainable:
        return Variable(value, trainable=False, name=name)
    key = name or f"weight_{len(layer.params)}"
    if key in layer.params:
        key = f"{key}_{len(layer.params)}"
    layer.params[key] = np.asarray(value, dtype=dtype)
    layer.grads[key] = np.zeros_like(layer.params[key])
    if regularizer is not None:
        layer.__dict__.setdefault("_weight_regularizers", {})[key] = regularizer
    return next(v for v in layer_variables(layer) if v.key == key)


def sublayers(layer) -> list:
    """The layers ``layer`` holds as attributes (or in lists), in the order they were set: Keras's tracking."""
    found = []
    for name, value in vars(layer).items():
        if name in ("activation", "_output", "layers", "_tape_cache"):
            continue
        for item in value if isinstance(value, (list, tuple)) else [value]:
            if hasattr(item, "forward") and hasattr(item, "params") and item is not layer and item not in found:
                found.append(item)
    return found


def parameter_slots(layer) -> list:
    """``(leaf layer, key)`` of the layer's own weights, then those of the layers it holds."""
    slots = [(layer, key) for key in layer.params]
    held = layer.layers if isinstance(getattr(layer, "layers", None), list) else sublayers(layer)
    for sub in held:
        if hasattr(sub, "parameter_slots"):
            slots += sub.parameter_slots()
        else:
            slots += sub.weight_slots() if hasattr(sub, "weight_slots") else [(sub, k) for k in sub.params]
    return slots


def _call(layer, x, training):
    takes = inspect.signature(layer.call).parameters
    if "training" in takes or any(p.kind is p.VAR_KEYWORD for p in takes.values()):
        return layer.call(x, training=training)
    return layer.call(x)


def taped_forward(self, x, training: bool = False):
    """Run ``call`` on ``x`` as a tensor, recording every op (see the module docstring). Returns an array."""
    if not self.built:
        self.build(x.shape[1:], utils.make_rng(), x.dtype)
    xt = Tensor._wrap(x)
    with GradientTape() as tape:
        tape.watch(xt)
        y = _call(self, xt, training)
    self._tape_cache = (tape, xt, y)
    return y._value if isinstance(y, Tensor) else np.asarray(y)


def taped_backward(self, dy):
    """Play the forward's tape back from ``dy``: fills ``grads`` (own weights and held layers') and returns dx."""
    tape, xt, y = self._tape_cache
    self._tape_cache = None  # one backward per forward, as the tape allows
    slots = parameter_slots(self)
    variables = [next(v for v in layer_variables(leaf) if v.key == key) for leaf, key in slots]
    if not isinstance(y, Tensor):
        for leaf, key in slots:
            leaf.grads[key] = np.zeros_like(leaf.params[key])
        return np.zeros_like(xt._value)
    grads = tape.gradient(y, [xt, *variables], output_gradients=dy, unconnected_gradients="zero")
    for (leaf, key), g in zip(slots, grads[1:], strict=True):
        leaf.grads[key] = g._value
    return grads[0]._value


def _probed_output_shape(self, input_shape):
    """The output shape of one example, found by running ``call`` on a batch of one zero example."""
    shape = _example_shape(input_shape)
    if getattr(self, "_output_example_shape", None) is not None and shape == self.input_shape:
        return self._output_example_shape
    if not self.built:
        self.build(shape, utils.make_rng(), self.dtype or "float32")
    probe = _own_copy(self)  # its own cache: the layer's next backward still sees its own forward
    return tuple(probe.forward(np.zeros((1, *shape), dtype=self.dtype or np.float32)).shape[1:])


def library_call(layer, inputs, training=None):
    """``super().call(x)`` from a layer written Keras's way over one of scratchnet's: the library layer, one op.

    Géron's ``MCDropout(keras.layers.Dropout)`` calls ``super().call(inputs, training=True)``; the parent's
    hand-written forward and backward run as one recorded op (as any layer called on a tensor does).
    """
    cls = next(k for k in type(layer).__mro__ if "forward" in vars(k) and vars(k)["forward"] is not taped_forward)
    clone = _own_copy(layer)
    x = tape_tensor.convert_to_tensor(inputs)
    y = cls.forward(clone, x._value, training=bool(training))
    variables = layer_variables(layer)

    def backward(dy):
        dx = cls.backward(clone, dy)
        return (dx, *[clone.grads.get(v.key) for v in variables])

    return record(y, (x, *variables), backward, f"{cls.__name__} '{layer.name}'")


def _own_copy(layer):
    """A shallow copy with its own forward cache and ``grads`` (the parameters shared), and so its sub-steps.

    The same idea as :func:`scratchnet.tape.layer_call.per_call_copy`, which cannot be imported here: that module
    depends on the layers (through the fused losses), and every layer class depends on this one.
    """
    clone = copy.copy(layer)
    for name, value in vars(layer).items():
        if hasattr(value, "forward") and hasattr(value, "params") and value is not layer:
            setattr(clone, name, _own_copy(value))
    clone.grads = {}
    return clone

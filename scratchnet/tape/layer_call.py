"""A scratchnet layer or model used on tensors inside a GradientTape: one recorded op, the hand-written backward.

scratchnet's layers already know their derivative (``Dense.backward``: ``dW = x.T @ dz``, ``dx = dz @ W.T``), so
the tape does not break a layer into matmuls and adds; it records the whole layer as one op:

    forward:   y = layer.forward(x)                      on a per-call copy of the layer (see below)
    backward:  dx = copy.backward(dy)                    the layer's own backward
               dW, db = copy.grads["W"], copy.grads["b"]  handed to the layer's Variables (model.trainable_variables)

A whole model is recorded the same way, as one op whose backward is the model's backward, so
``tape.gradient(loss, model.trainable_variables)`` is exactly what ``model.compute_gradients`` computes.

**Per-call copies.** A layer's forward keeps what its backward needs (Dense keeps ``x``). A layer used twice in one
tape (a shared layer) would overwrite the first call's ``x`` before the first call's backward runs. So each call
runs on a shallow copy of the layer: the same parameter arrays, its own cache and its own ``grads``.

**The fused softmax + cross-entropy.** When the output is made by a softmax (a Dense with ``activation='softmax'``)
and a scratchnet cross-entropy is then called on it (``loss_fn(y, model(x))``), the loss op sees who made its
input (``p._fused_with``) and backprops ``dz = (p - onehot(y)) / N`` straight to *below* the activation, as
``fit`` does: the two Jacobians multiplied out on paper. A tape built only of small ops cannot see that the two
belong together; it would go through the loss's ``-1 / p`` and the softmax's Jacobian, which is slower and loses
precision where ``p`` is clipped (see :mod:`scratchnet.fused`).
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np

from scratchnet import checks, fused, speed
from scratchnet.tape import tensor as _t
from scratchnet.tape.tensor import Tensor, recording_tapes
from scratchnet.tape.variable import layer_variables

__all__ = ["call_layer", "per_call_copy"]


def per_call_copy(layer):
    """A shallow copy of ``layer`` with its own forward cache and ``grads``; parameters shared (the same arrays).

    Sub-layers (a Dense's activation step, a model's layers) are copied the same way.
    """
    clone = object.__new__(type(layer))
    state = clone.__dict__
    state.update(layer.__dict__)  # copy.copy's result, without its generic machinery (this runs every step)
    for name in _sublayer_names(layer):
        state[name] = per_call_copy(state[name])
    if isinstance(state.get("layers"), list):
        state["layers"] = [per_call_copy(sub) for sub in state["layers"]]
    clone.grads = {}
    return clone


def _sublayer_names(layer) -> tuple[str, ...]:
    """The attributes of ``layer`` that hold a layer (a Dense's ``activation``), looked up once per layer."""
    names = layer.__dict__.get("_tape_sublayers")
    if names is None or any(name not in layer.__dict__ for name in names):
        items = list(layer.__dict__.items())
        names = tuple(k for k, v in items if k != "layers" and not isinstance(v, _PLAIN) and _is_layer(v))
        layer.__dict__["_tape_sublayers"] = names
    return names


# Attribute types that are never a layer: skipped without a look (a layer has a few dozen attributes)
_PLAIN = (np.ndarray, np.dtype, str, int, float, bool, tuple, dict, type(None))


def _is_layer(value) -> bool:
    return hasattr(value, "forward") and hasattr(value, "backward") and hasattr(value, "params")


def _slots(layer) -> list:
    """(leaf layer, key) of every parameter, in Keras order."""
    if hasattr(layer, "parameter_slots"):
        return layer.parameter_slots()
    return [(layer, key) for key in layer.params]


def call_layer(layer, x: Tensor, training: bool = False) -> Tensor:
    """``layer(x)`` for a tensor ``x``: the forward now, one op on the tape (see the module docstring)."""
    xv = x._value
    if hasattr(layer, "parameter_slots"):  # a model: checks the shape, builds it, adds a missing channel axis
        xv = checks.prepare_inputs(layer, xv, "__call__")
    dtype = layer.dtype or np.dtype("float32")
    if xv.dtype != dtype:
        xv = xv.astype(dtype)
    if not layer.built:
        from scratchnet import utils

        layer.build(xv.shape[1:], utils.make_rng(), dtype)
    clone = per_call_copy(layer)
    # dx is needed only when someone can ask for it: the input is a variable, watched, or made on the tape.
    clone.needs_input_grad = any(tape.is_tracking(x) for tape in recording_tapes())
    # fit's rule for BLAS threads (speed/blas.py): a small model's matmuls run on one thread, in the tape as in fit
    work = len(xv) * max((leaf.params[key].size for leaf, key in _slots(layer)), default=0)
    with speed.blas_threads(work):
        y = clone.forward(xv, training=training)
    if isinstance(y, list):  # a model with several outputs: for looking, not differentiating
        return [Tensor._wrap(item) for item in y]
    variables = [_variable(leaf, key) for leaf, key in _slots(layer)]
    clone_slots = _slots(clone)

    def parameter_grads():
        return [leaf.grads.get(key) for leaf, key in clone_slots]

    def backward(dy):  # the layer's own backward, then its parameter gradients
        for leaf, _ in clone_slots:  # fresh arrays each time: a persistent tape may ask twice, with other dy
            leaf.grads = {}
        dx = clone.backward(dy)  # on fit's BLAS threads too: GradientTape.gradient applies _blas_work
        return (dx, *parameter_grads())

    out = _t.record(y, (x, *variables), backward, f"{type(layer).__name__} '{layer.name}'")
    if out._backward is not None:
        out._blas_work = work
        out._fused_with = lambda loss: _fused_loss(clone, loss)

        def logits_backward(dz):
            for leaf, _ in clone_slots:
                leaf.grads = {}
            return (_backward_from_logits(clone, dz), *parameter_grads())

        out._logits_backward = logits_backward
    return out


def _variable(leaf, key):
    cache = leaf.__dict__.get("_tape_variables")
    if cache is None or key not in cache:
        layer_variables(leaf)  # makes them
        cache = leaf.__dict__["_tape_variables"]
    return cache[key]


def _fused_loss(clone, loss):
    """The fused loss (fused.SoftmaxCrossentropy, ...) for ``loss`` on this call's output, or None."""
    holder = clone if getattr(clone, "layers", None) else SimpleNamespace(layers=[clone])
    return fused.choose(holder, loss)


def _backward_from_logits(clone, dz):
    """Backward from ``dz`` at the input of the output activation (the fused gradient's entry point)."""
    if hasattr(clone, "backward_from_logits"):
        return clone.backward_from_logits(dz)
    return fused.backward_below_activation(clone, dz)


_t.OPS["call_layer"] = call_layer

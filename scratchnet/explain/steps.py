"""The forward and backward pass of ``explain``, one layer at a time, each step printed with its formula.

Each printer runs the layer's own ``forward``/``backward`` (on explain's copy of the model) and prints what it
computed, in the notation of the layer's docstring. A layer whose class rewrote ``forward`` or ``backward`` is
shown as a generic layer: its docstring's Forward/Backward block, its shapes and its gradient norms.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from scratchnet import fused
from scratchnet.explain.printer import (
    _docstring_block,
    _norm,
    _num,
    _Printer,
    _shape,
    _window,
)
from scratchnet.inspection import is_model
from scratchnet.layers import Activation, Dense, Dropout, Flatten, Layer

# Each activation as the Dense docstring writes it: the forward from z, the backward giving dz from dy and y
# (written with the output y, as in scratchnet.nn), and why that backward looks the way it does.
_ACTIVATIONS = {
    "relu": ("relu(z)", "dy * (y > 0)", "passes only where the unit was on"),
    "sigmoid": ("sigmoid(z)", "dy * y * (1 - y)", "small where the sigmoid is flat (y near 0 or 1)"),
    "tanh": ("tanh(z)", "dy * (1 - y * y)", "small where the tanh is flat (y near -1 or 1)"),
    "softmax": ("softmax(z)", "y * (dy - (dy * y).sum(-1, keepdims=True))", "the softmax Jacobian, row by row"),
    "linear": ("z", "dy", "linear: nothing to undo"),
}

# Each loss as its docstring writes it: (forward, backward) on the model's output, p (probabilities) or z (logits,
# with from_logits=True); y holds the labels.


# --------------------------------------------------------------------------------------------------------------
# Forward, layer by layer
# --------------------------------------------------------------------------------------------------------------


@dataclass
class _Seen:
    """What the forward pass showed of one layer, so its backward shows the same entries (the zeros line up)."""

    window: slice | None = None


def _forward_stack(seq, x: np.ndarray, out: _Printer, trace: dict, prefix: str, depth: int) -> np.ndarray:
    """``Sequential.forward``, one layer at a time: ``for layer in layers: x = layer.forward(x, training=True)``."""
    for i, layer in enumerate(seq.layers, start=1):
        number = f"{prefix}{i}"
        out.blank()
        out.header(number, layer.name, _layer_title(layer), depth)
        seen = trace[id(layer)] = _Seen()
        kind = _kind(layer)
        if kind == "sequential":
            y = _forward_stack(layer, x, out, trace, prefix=f"{number}.", depth=depth + 1)
            out.layer_line(depth, f"{layer.name} overall", f"{_shape(x)} -> {_shape(y)}", "")
        elif kind == "dense":
            y = _forward_dense(layer, x, out, seen, depth)
        elif kind == "activation":
            y = _forward_activation(layer, x, out, seen, depth)
        elif kind == "flatten":
            y = layer.forward(x, training=True)
            out.layer_line(depth, "y = x.reshape(N, -1)", f"{_shape(x)} -> {_shape(y)}", "the same numbers, in rows")
            seen.window = _window(y)
            out.values("y", y, seen.window, depth)
        elif kind == "dropout":
            y = _forward_dropout(layer, x, out, seen, depth)
        else:
            y = _forward_generic(layer, x, out, seen, depth)
        x = y
    return x


def _forward_dense(layer: Dense, x: np.ndarray, out: _Printer, seen: _Seen, depth: int) -> np.ndarray:
    y = layer.forward(x, training=True)
    W, b = layer.params["W"], layer.params.get("b")
    # z is not kept by the layer (only y is); recomputed here the same way, only to be shown.
    z = x @ W if b is None else x @ W + b
    name = layer.activation.activation_name
    bias = f" + {_shape(b)}" if b is not None else ""
    out.layer_line(
        depth,
        "z = x @ W + b" if b is not None else "z = x @ W",
        f"{_shape(x)} @ {_shape(W)}{bias} -> {_shape(z)}",
        "the logits" if fused.output_activation(layer) == "softmax" else ("linear: y = z" if name == "linear" else ""),
    )
    forward, _, _ = _ACTIVATIONS[name]
    if name != "linear":
        out.layer_line(depth, f"y = {forward}", f"{_shape(y)}", _activation_note(name, y))
    seen.window = _window(z)
    out.values("z", z, seen.window, depth)
    if name != "linear":
        out.values("y", y, seen.window, depth)
    return y


def _forward_activation(layer: Activation, x: np.ndarray, out: _Printer, seen: _Seen, depth: int) -> np.ndarray:
    y = layer.forward(x, training=True)
    forward, _, _ = _ACTIVATIONS[layer.activation_name]
    note = _activation_note(layer.activation_name, y)
    out.layer_line(depth, f"y = {forward.replace('z', 'x')}", f"{_shape(x)} -> {_shape(y)}", note)
    seen.window = _window(x)
    out.values("x", x, seen.window, depth)
    out.values("y", y, seen.window, depth)
    return y


def _forward_dropout(layer: Dropout, x: np.ndarray, out: _Printer, seen: _Seen, depth: int) -> np.ndarray:
    y = layer.forward(x, training=True)
    if not layer.training:
        out.layer_line(depth, "y = x", _shape(y), "rate 0: nothing to drop")
        return y
    kept = int(layer.keep.sum())
    out.layer_line(depth, "keep = U(0, 1) >= rate", f"{_shape(layer.keep)} bool", f"kept {kept} of {layer.keep.size}")
    out.layer_line(depth, "y = x * keep / (1 - rate)", f"{_shape(y)}", f"rate {layer.rate:g}: survivors scaled up")
    seen.window = _window(x)
    out.values("x", x, seen.window, depth)
    out.values("y", y, seen.window, depth)
    return y


def _forward_generic(layer: Layer, x: np.ndarray, out: _Printer, seen: _Seen, depth: int) -> np.ndarray:
    y = layer.forward(x, training=True)
    for text in _docstring_block(type(layer), "Forward"):
        out.line("    " + "  " * depth + text)
    out.layer_line(depth, "y = layer.forward(x)", f"{_shape(x)} -> {_shape(y)}", "")
    for key, p in layer.params.items():
        out.layer_line(depth, f"{key}", _shape(p), f"parameter, ‖{key}‖ = {_num(_norm(p))}")
    seen.window = _window(y)
    out.values("y", y, seen.window, depth)
    return y


# --------------------------------------------------------------------------------------------------------------
# Backward, layer by layer
# --------------------------------------------------------------------------------------------------------------


def _backward_stack(seq, dy, fused: bool, out: _Printer, trace: dict, came_from: str, prefix: str, depth: int):
    """``Sequential.backward`` (or ``backward_from_logits`` when fused), one layer at a time, last to first.

    Returns ``(dx, came_from)``: the gradient for the layer below, and who computed it.
    """
    active = seq.backprop_layers()
    skipped = seq.layers[: len(seq.layers) - len(active)]
    numbers = {id(layer): f"{prefix}{i}" for i, layer in enumerate(seq.layers, start=1)}
    if not active:
        out.blank()
        out.line("    " + "  " * depth + "No layer here has parameters and nobody reads dx: there is nothing to run.")
    for position, layer in reversed(list(enumerate(active))):
        from_logits = fused and position == len(active) - 1  # the fused dz enters at the last layer only
        number = numbers[id(layer)]
        out.blank()
        out.header(number, layer.name, _layer_title(layer), depth)
        seen = trace.get(id(layer), _Seen())
        kind = _kind(layer)
        if kind == "sequential":
            dy, came_from = _backward_stack(
                layer, dy, from_logits, out, trace, came_from, prefix=f"{number}.", depth=depth + 1
            )
            continue
        if not from_logits and dy is not None:
            out.layer_line(depth, "dy", _shape(dy), f"= {came_from}, passed down")
        if kind == "dense":
            dy = _backward_dense(layer, dy, from_logits, out, seen, depth)
        elif kind == "activation":
            dy = _backward_activation(layer, dy, from_logits, out, seen, depth)
        elif kind == "flatten":
            dx = layer.backward(dy)
            out.layer_line(depth, "dx = dy.reshape(x.shape)", f"{_shape(dy)} -> {_shape(dx)}", "moved back, unchanged")
            dy = dx
        elif kind == "dropout":
            dy = _backward_dropout(layer, dy, out, seen, depth)
        else:
            dy = _backward_generic(layer, dy, from_logits, out, seen, depth)
        came_from = f"the dx of [{number}] {layer.name}"
    for layer in reversed(skipped):
        out.blank()
        out.header(numbers[id(layer)], layer.name, _layer_title(layer), depth)
        out.layer_line(depth, "no backward", "", "nothing below has parameters: nobody needs its dx (fit skips it too)")
    return dy, came_from


def _backward_dense(layer: Dense, dy: np.ndarray, from_logits: bool, out: _Printer, seen: _Seen, depth: int):
    name = layer.activation.activation_name
    _, backward, why = _ACTIVATIONS[name]
    if from_logits:
        dz = dy
        out.layer_line(depth, "dz", _shape(dz), "= the fused dz above: the output activation is already done")
    else:
        # Dense.backward is these two calls: the activation's backward, then the linear part's.
        dz = layer.activation.backward(dy)
        out.layer_line(depth, f"dz = {backward}", _shape(dz), why)
        if name != "linear":
            out.values("dy", dy, seen.window, depth)
            out.values("dz", dz, seen.window, depth)
    dx = layer.backward_linear(dz)
    x, W = layer.x, layer.params["W"]
    dW = layer.grads["W"]
    out.layer_line(
        depth, "dW = x.T @ dz", f"{_shape(x.T)} @ {_shape(dz)} -> {_shape(dW)}", norm=f"‖dW‖ = {_num(_norm(dW))}"
    )
    if "b" in layer.grads:
        db = layer.grads["b"]
        out.layer_line(depth, "db = dz.sum(axis=0)", f"{_shape(dz)} -> {_shape(db)}", norm=f"‖db‖ = {_num(_norm(db))}")
    out.once("shared", "W and b serve all N examples: their gradients sum over the batch", depth)
    if dx is None:
        out.layer_line(depth, "dx", "", "not computed: nothing below has parameters, so nobody needs ∂L/∂x")
    else:
        out.layer_line(
            depth, "dx = dz @ W.T", f"{_shape(dz)} @ {_shape(W.T)} -> {_shape(dx)}", norm=f"‖dx‖ = {_num(_norm(dx))}"
        )
    return dx


def _backward_activation(layer: Activation, dy: np.ndarray, from_logits: bool, out, seen: _Seen, depth: int):
    if from_logits:
        dx = fused.backward_below_activation(layer, dy)
        out.layer_line(depth, "dx = dz", _shape(dx), "the fused dz above: the output activation is already done")
        return dx
    dx = layer.backward(dy)
    _, backward, why = _ACTIVATIONS[layer.activation_name]
    out.layer_line(depth, f"dx = {backward.replace('dz', 'dx')}", _shape(dx), why)
    out.values("dy", dy, seen.window, depth)
    out.values("dx", dx, seen.window, depth)
    return dx


def _backward_dropout(layer: Dropout, dy: np.ndarray, out: _Printer, seen: _Seen, depth: int):
    dx = layer.backward(dy)
    if not layer.training:
        out.layer_line(depth, "dx = dy", _shape(dx), "nothing was dropped")
        return dx
    out.layer_line(depth, "dx = dy * keep / (1 - rate)", _shape(dx), "the same mask: a dropped unit gets no gradient")
    out.values("dy", dy, seen.window, depth)
    out.values("dx", dx, seen.window, depth)
    return dx


def _backward_generic(layer: Layer, dy: np.ndarray, from_logits: bool, out: _Printer, seen: _Seen, depth: int):
    if from_logits:
        dx = fused.backward_below_activation(layer, dy)
        out.layer_line(depth, "dx = layer.backward_linear(dz)", "", "")
    else:
        for text in _docstring_block(type(layer), "Backward"):
            out.line("    " + "  " * depth + text)
        dx = layer.backward(dy)
        out.layer_line(depth, "dx = layer.backward(dy)", f"{_shape(dy)} -> {_shape(dx)}", "")
    for key, g in layer.grads.items():
        out.layer_line(depth, f"d{key}", _shape(g), norm=f"‖d{key}‖ = {_num(_norm(g))}")
    if dx is None:
        out.layer_line(depth, "dx", "", "not computed: nobody below needs it")
    else:
        out.layer_line(depth, "dx", _shape(dx), norm=f"‖dx‖ = {_num(_norm(dx))}")
    return dx


# --------------------------------------------------------------------------------------------------------------
# Helpers: which kind of layer, and how to print numbers
# --------------------------------------------------------------------------------------------------------------


def _kind(layer: Layer) -> str:
    """Which formulas describe ``layer``: those of a library layer, unless its class rewrote forward or backward."""
    if is_model(layer):
        return "sequential"
    for cls, kind in (
        (Dense, "dense"),
        (Activation, "activation"),
        (Flatten, "flatten"),
        (Dropout, "dropout"),
    ):
        if isinstance(layer, cls):
            same_code = type(layer).forward is cls.forward and type(layer).backward is cls.backward
            if kind == "activation":
                same_code = same_code and layer.activation_name in _ACTIVATIONS
            return kind if same_code else "generic"
    return "generic"


def _layer_title(layer: Layer) -> str:
    kind = _kind(layer)
    if kind == "dense":
        return f"Dense({layer.units}, {layer.activation.activation_name})"
    if kind == "dropout":
        return f"Dropout({layer.rate:g})"
    if kind == "activation" and type(layer) is Activation:
        return f"Activation('{layer.activation_name}')"
    if is_model(layer):
        return f"{type(layer).__name__}, {len(layer.layers)} layers"
    return type(layer).__name__


def _activation_note(name: str, y: np.ndarray) -> str:
    if name == "relu":
        zeros = int((y == 0).sum())
        return f"{zeros} of {y.size} entries are 0 ({zeros / y.size:.0%})"
    if name == "softmax":
        return "each row sums to 1"
    return ""

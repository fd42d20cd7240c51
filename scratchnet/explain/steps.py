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
    FORMULA_WIDTH,
    SHOW,
    WIDTH,
    _docstring_block,
    _list,
    _norm,
    _num,
    _Printer,
    _shape,
    _window,
)
from scratchnet.layers import Activation, Dense, Dropout, Flatten, Layer
from scratchnet.layers.convolution import Conv2D
from scratchnet.layers.pooling import AveragePooling2D, MaxPooling2D
from scratchnet.models.inspection import is_model

# Each activation as the Dense docstring writes it: the forward from z, the backward giving dz from dy and y
# (written with the output y, as in scratchnet.nn), and why that backward looks the way it does.
_ACTIVATIONS = {
    "relu": ("relu(z)", "dy * (y > 0)", "passes only where the unit was on"),
    "sigmoid": ("sigmoid(z)", "dy * y * (1 - y)", "small where the sigmoid is flat (y near 0 or 1)"),
    "tanh": ("tanh(z)", "dy * (1 - y * y)", "small where the tanh is flat (y near -1 or 1)"),
    "softmax": ("softmax(z)", "y * (dy - (dy * y).sum(-1, keepdims=True))", "the softmax Jacobian, row by row"),
    "linear": ("z", "dy", "linear: nothing to undo"),
    "elu": ("elu(z)", "dy * where(y > 0, 1, y + 1)", "below 0 the slope is y + 1, never exactly 0"),
    "selu": ("selu(z)", "dy * where(y > 0, scale, y + scale * alpha)", "the elu's slope, scaled"),
    "leaky_relu": ("leaky_relu(z)", "dy * where(y > 0, 1, 0.2)", "a little passes where the unit is off"),
    "softplus": ("softplus(z)", "dy * (1 - exp(-y))", "sigmoid(z), written with y"),
    "softsign": ("softsign(z)", "dy * (1 - |y|) ** 2", "small where the softsign is flat"),
    "hard_sigmoid": ("hard_sigmoid(z)", "dy * (0 < y < 1) / 6", "none where it is clipped"),
    "exponential": ("exp(z)", "dy * y", "exp is its own derivative"),
    "gelu": ("z * Phi(z)", "dy * (Phi(z) + z * phi(z))", "from z, not y: gelu is not one-to-one"),
    "silu": ("z * sigmoid(z)", "dy * (s + z * s * (1 - s))", "the product rule, from z"),
    "swish": ("z * sigmoid(z)", "dy * (s + z * s * (1 - s))", "the product rule, from z"),
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
        elif kind == "conv":
            y = _forward_conv(layer, x, out, seen, depth)
        elif kind == "pool":
            y = _forward_pool(layer, x, out, seen, depth)
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
    if out.full:
        for label, array in (("x", x), ("W", W), ("b", b)):
            out.values(label, array, seen.window, depth)
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
    trainable = set(layer.trainable_keys()) if hasattr(layer, "trainable_keys") else set(layer.params)
    for key, p in layer.params.items():
        kind = "parameter" if key in trainable else "non-trainable (no gradient)"
        out.layer_line(depth, f"{key}", _shape(p), f"{kind}, ‖{key}‖ = {_num(_norm(p))}")
    seen.window = _window(y)
    out.values("y", y, seen.window, depth)
    return y


def _forward_conv(layer: Conv2D, x: np.ndarray, out: _Printer, seen: _Seen, depth: int) -> np.ndarray:
    """Conv2D as its docstring writes it: pad, cut the patches into rows (im2col), one matmul, the activation."""
    y = layer.forward(x, training=True)
    (kh, kw), c, f = layer.kernel_size, x.shape[-1], layer.filters
    cols, W, b = layer.cols, layer.params["W"], layer.params.get("b")
    n, ho, wo, _ = y.shape
    if layer.padded_shape != x.shape:
        (pt, pb), (pl, pr) = layer.pads
        pads = f"zeros: {pt} row(s) above, {pb} below, {pl} left, {pr} right"
        out.layer_line(depth, "xp = pad(x)", f"{_shape(x)} -> {layer.padded_shape}", pads)
    source = "xp" if layer.padded_shape != x.shape else "x"
    out.layer_line(
        depth,
        f"cols = im2col({source})",
        f"{_shape(cols)}",
        f"one row per output position ({n}*{ho}*{wo}): its {kh}x{kw}x{c} patch",
    )
    z = cols @ W.reshape(-1, f) + (0 if b is None else b)  # not kept by the layer; recomputed to be shown
    bias = f" + {_shape(b)}" if b is not None else ""
    out.layer_line(
        depth,
        "z = cols @ W + b" if b is not None else "z = cols @ W",
        f"{_shape(cols)} @ {_shape(W.reshape(-1, f))}{bias} -> {_shape(z)} -> {_shape(y)}",
        f"W {_shape(W)} as one ({kh * kw * c}, {f}) matrix: each column is one filter",
    )
    name = layer.activation.activation_name
    if name != "linear":
        forward, _, _ = _ACTIVATIONS[name]
        out.layer_line(depth, f"y = {forward}", _shape(y), _activation_note(name, y))
    seen.window = ho // 2  # a row through the middle of the map, where an image has ink
    _map_values(out, "z", z.reshape(y.shape), seen.window, depth)
    if name != "linear":
        _map_values(out, "y", y, seen.window, depth)
    return y


def _backward_conv(layer: Conv2D, dy: np.ndarray, from_logits: bool, out: _Printer, seen: _Seen, depth: int):
    name = layer.activation.activation_name
    if from_logits:
        dz = dy
        out.layer_line(depth, "dz", _shape(dz), "= the fused dz above: the output activation is already done")
    else:
        dz = layer.activation.backward(dy)
        _, backward, why = _ACTIVATIONS[name]
        out.layer_line(depth, f"dz = {backward}", _shape(dz), why)
        if name != "linear":
            _map_values(out, "dy", dy, seen.window, depth)
            _map_values(out, "dz", dz, seen.window, depth)
    dx = layer.backward_linear(dz)
    cols, f = layer.cols, layer.filters
    dz2, dW = (cols.shape[0], f), layer.grads["W"]
    out.layer_line(
        depth,
        "dW = cols.T @ dz",
        f"{_shape(cols.T)} @ {dz2} -> {(cols.shape[1], f)} -> {_shape(dW)}",
        norm=f"‖dW‖ = {_num(_norm(dW))}",
    )
    if "b" in layer.grads:
        db = layer.grads["b"]
        out.layer_line(
            depth, "db = dz.sum(axis=(0, 1, 2))", f"{_shape(dz)} -> {_shape(db)}", norm=f"‖db‖ = {_num(_norm(db))}"
        )
    out.once("conv_shared", "one kernel slides over every position: its gradient sums over all N*Ho*Wo of them", depth)
    if dx is None:
        out.layer_line(depth, "dx", "", "not computed: nothing below has parameters, so nobody needs ∂L/∂x")
        return None
    out.layer_line(depth, "dcols = dz @ W.T", f"{dz2} @ {(f, cols.shape[1])} -> {_shape(cols)}", "one row per patch")
    out.layer_line(depth, "dx = col2im(dcols)", f"{_shape(cols)} -> {_shape(dx)}", norm=f"‖dx‖ = {_num(_norm(dx))}")
    out.note("each pixel gets the sum over the (up to kh*kw) patches it was part of", depth)
    return dx


def _forward_pool(layer, x: np.ndarray, out: _Printer, seen: _Seen, depth: int) -> np.ndarray:
    y = layer.forward(x, training=True)
    (ph, pw) = layer.pool_size
    what = "max" if isinstance(layer, MaxPooling2D) else "mean"
    out.layer_line(depth, f"y = {what} of each {ph}x{pw} window", f"{_shape(x)} -> {_shape(y)}", "per channel")
    seen.window = y.shape[1] // 2
    _map_values(out, "x", x, seen.window * layer.strides[0], depth)
    _map_values(out, "y", y, seen.window, depth)
    return y


def _backward_pool(layer, dy: np.ndarray, out: _Printer, seen: _Seen, depth: int) -> np.ndarray:
    dx = layer.backward(dy)
    if isinstance(layer, MaxPooling2D):
        formula, note = "dx = dy at each window's max", "the other inputs get 0; a tie: the first in row-major order"
    else:
        formula, note = "dx = dy / count, all of it", "every input of a window gets an equal share"
    out.layer_line(depth, formula, f"{_shape(dy)} -> {_shape(dx)}", note)
    _map_values(out, "dy", dy, seen.window, depth)
    _map_values(out, "dx", dx, seen.window * layer.strides[0], depth)
    return dx


def _map_values(out: _Printer, name: str, a: np.ndarray, row, depth: int) -> None:
    """A few numbers of a feature map: the first example, one row, the first channel: ``y[0, 3, :6, 0]``."""
    if a is None or a.ndim != 4 or row is None:
        return
    row = min(row, a.shape[1] - 1)
    for stop in range(min(SHOW, a.shape[2]), 0, -1):  # fewer numbers if six do not fit
        more = " …" if stop < a.shape[2] else ""
        label = f"{name}[0, {row}, :{stop}, 0]"
        text = f"{' ' * (FORMULA_WIDTH + 4)}{label:<16} [{_list(a[0, row, :stop, 0], 8)}{more}]"
        if len(text) <= WIDTH:
            break
    out.line(text)


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
        elif kind == "conv":
            dy = _backward_conv(layer, dy, from_logits, out, seen, depth)
        elif kind == "pool":
            dy = _backward_pool(layer, dy, out, seen, depth)
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
    if out.full:
        if from_logits:
            out.values("dz", dz, seen.window, depth)
        out.values("dW", dW, seen.window, depth)
        out.values("db", layer.grads.get("b"), seen.window, depth)
        out.values("dx", dx, seen.window, depth)
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
        (Conv2D, "conv"),
        (MaxPooling2D, "pool"),
        (AveragePooling2D, "pool"),
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
    if kind == "conv":
        (kh, kw), (sh, sw) = layer.kernel_size, layer.strides
        return (
            f"Conv2D({layer.filters}, {kh}x{kw}, strides ({sh}, {sw}), '{layer.padding}', "
            f"{layer.activation.activation_name})"
        )
    if kind == "pool":
        (ph, pw), (sh, sw) = layer.pool_size, layer.strides
        return f"{type(layer).__name__}({ph}x{pw}, strides ({sh}, {sw}), '{layer.padding}')"
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

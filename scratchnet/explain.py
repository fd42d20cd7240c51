"""``model.explain(x, y)``: one training step on a tiny batch, printed layer by layer — the chain rule made visible.

``fit`` repeats one step thousands of times: a forward pass, the loss, a backward pass, an update. ``explain``
runs that step once, on the first two examples of ``x``, and prints what each layer computes: the formula (in the
notation of the layers' docstrings, ``z = x @ W + b``, ``dW = x.T @ dz``), the shape of every array, a few of
its numbers and the norm of every gradient. Forward top-down, then the loss, then backward bottom-up::

    model.explain(x_train[:2], y_train[:2])

The pass is the one ``fit`` makes: ``training=True`` (Dropout drops), the fused softmax + cross-entropy when the
model uses it, and no ``dx`` for layers whose ``dx`` nobody reads. It runs on a deep copy of the model, so
nothing of the model changes: not its weights, not its gradients, not its random generator (the next dropout
mask and shuffle of a training run are the ones they would have been), not its optimizer's state.

A layer of your own is shown with its shapes and gradient norms; if its class docstring has a
``Forward:`` block (as the library's layers do, see STYLE.md), that block is printed too.

>>> import numpy as np
>>> import scratchnet as sn
>>> model = sn.Sequential([sn.layers.Dense(3, activation="relu", input_shape=[4]), sn.layers.Dense(1)], seed=0)
>>> model.compile(optimizer="sgd", loss="mse")
>>> lines = []
>>> explain(model, np.ones((5, 4)), np.zeros(5), print_fn=lines.append)
>>> any(line.strip().startswith("dW = x.T @ dz") for line in lines)
True
"""

from __future__ import annotations

import copy
import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from scratchnet import losses
from scratchnet.layers import Activation, Dense, Dropout, Flatten, Layer

__all__ = ["explain"]

WIDTH = 100  # the printout fits a 100-column terminal
SHOW = 6  # entries shown of each array
FORMULA_WIDTH = 26  # width of the formula column; shapes and notes follow

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
_LOSSES = {
    (losses.SparseCategoricalCrossentropy, False): ("L = -mean_i log p[i, y_i]", "dp = -onehot(y) / (N * p)"),
    (losses.SparseCategoricalCrossentropy, True): (
        "L = -mean_i log_softmax(z)[i, y_i]",
        "dz = (softmax(z) - onehot(y)) / N",
    ),
    (losses.CategoricalCrossentropy, False): ("L = -mean_i sum_c y * log(p)", "dp = -y / (N * p)"),
    (losses.CategoricalCrossentropy, True): ("L = -mean_i sum_c y * log_softmax(z)", "dz = (softmax(z) - y) / N"),
    (losses.MeanSquaredError, False): ("L = mean((p - y) ** 2)", "dp = 2 * (p - y) / (N * D)"),
    (losses.BinaryCrossentropy, False): (
        "L = -mean(y * log(p) + (1 - y) * log(1 - p))",
        "dp = (p - y) / (p * (1 - p)) / (N * D)",
    ),
    (losses.BinaryCrossentropy, True): (
        "L = mean(max(z, 0) - z * y + log(1 + exp(-|z|)))",
        "dz = (sigmoid(z) - y) / (N * D)",
    ),
}


def explain(model, x, y=None, print_fn: Callable[[str], object] = print, examples: int = 2, full: bool = False) -> None:
    """Print one forward and backward pass of ``model`` on the first ``examples`` examples of ``x``.

    Forward, first layer to last: each layer's formula, the shapes going in and out, a few numbers. Then the
    loss, and the fused softmax + cross-entropy gradient ``dz = (p - onehot(y)) / N`` when the model uses it.
    Then backward, last layer to first: ``dz``, ``dW``, ``db``, ``dx`` with their shapes and norms. Last, the
    gradient of every parameter next to the parameter's own norm.

    It is exactly the pass ``fit`` makes (``training=True``, so Dropout drops), run on a deep copy of the model:
    the model's weights, gradients, random generator and optimizer are left as they were, so calling it in the
    middle of training changes nothing about the training. (An unbuilt model is built first, with the weights
    ``fit`` would have given it.)

    Args:
        model: a ``Sequential`` model.
        x: inputs, shape (N, *input_shape); only the first ``examples`` rows are used.
        y: their targets. Without them, or if the model is not compiled, only the forward pass is shown
            (there is no loss to differentiate).
        print_fn: called with each line, like ``summary(print_fn=...)``; e.g. ``lines.append``.
        examples: how many examples make up the batch (1 to 8; 2 keeps the printout short).
        full: print every number instead of a few: each Dense layer's x, W, b, z, y and, backward, dy, dz, dW,
            db, dx, as whole matrices, so a tiny network can be recomputed by hand (``dW = x.T @ dz``, entry by
            entry). Meant for tiny layers: a (784, 128) kernel would print 100,352 numbers.

    Raises:
        TypeError: if ``model`` is not a Sequential model.
        ValueError: for inputs or labels the model cannot take (the messages of ``fit``).
    """
    from scratchnet.models import Sequential

    if not isinstance(model, Sequential):
        raise TypeError(
            f"explain expected a scratchnet Sequential model. Received: model of type {type(model).__name__}. "
            "Wrap your layers in one: scratchnet.Sequential([...])."
        )
    if isinstance(examples, bool) or not isinstance(examples, (int, np.integer)) or not 1 <= examples <= 8:
        raise ValueError(
            f"explain expected `examples` to be an integer from 1 to 8 (a tiny batch, to keep the printout "
            f"readable). Received: examples={examples!r}."
        )

    # Only the tiny batch is checked and used, so explain(model, x_train, y_train) costs nothing extra.
    x = _first_rows(x, examples)
    why_forward_only = None
    if model.loss is None:
        why_forward_only = (
            "The model is not compiled, so there is no loss to differentiate: the backward pass needs one. "
            "Call model.compile(optimizer=..., loss=...) first."
        )
    elif y is None:
        why_forward_only = (
            "No targets y were given, so there is no loss to differentiate: the backward pass needs one. "
            "Pass them too: model.explain(x[:2], y[:2])."
        )
    if why_forward_only is None:
        x, y = model._prepare(x, _first_rows(y, examples), "explain")
    else:
        x = model._prepare_x(x, "explain")

    net = detached_copy(model)
    out = _Printer(print_fn, full=full)
    x = x.astype(net.dtype, copy=False)
    n = len(x)
    what = "one training step" if why_forward_only is None else "one forward pass"
    out.rule("═")
    out.line(f' explain: {what} of model "{model.name}" on N={n} example{"s" if n > 1 else ""}, {net.dtype}')
    out.line(" The pass fit() makes (training=True), run on a copy of the model: no weight or state changes.")
    out.line(" x: a layer's input   z: before the activation   y: its output   d<a>: ∂L/∂<a>, shaped like <a>")
    out.rule("═")

    # --- forward ----------------------------------------------------------------------------------------------
    out.section("FORWARD", "first layer to last: each layer's output y is the next layer's input x")
    out.step("x", _shape(x), "the input batch: " + _summary(x))
    trace: dict[int, _Seen] = {}
    y_pred = _forward_stack(net, x, out, trace, prefix="", depth=0)

    if why_forward_only is not None:
        out.blank()
        out.section("NO BACKWARD PASS", "")
        for piece in _wrap(why_forward_only, WIDTH - 4):
            out.line(f"    {piece}")
        out.rule("═")
        return

    # --- loss -------------------------------------------------------------------------------------------------
    loss_fn = net.loss
    loss = loss_fn.forward(y, y_pred)
    fused = net._fuses_softmax_and_loss()
    from_logits = getattr(loss_fn, "from_logits", False)
    output = "z" if from_logits else "p"
    forward_formula, backward_formula = _LOSSES.get(
        (type(loss_fn), from_logits), ("L = loss(y, p)", "dp = loss.backward(y, p)")
    )
    out.blank()
    what_output = "the model's output, logits (from_logits=True)" if from_logits else "the model's output"
    out.section("LOSS", f"{loss_fn.name}: {output} is {what_output}, y the labels")
    out.step(forward_formula, "", f"L = {loss:.4f}")
    _show_loss_numbers(out, loss_fn, y, y_pred)

    # --- backward ---------------------------------------------------------------------------------------------
    out.blank()
    out.section("BACKWARD", "last layer to first: each layer takes dy = ∂L/∂y and hands dx = ∂L/∂x down")
    if fused:
        upstream = loss_fn.backward_from_softmax(y, y_pred)
        onehot = "onehot(y)" if isinstance(loss_fn, losses.SparseCategoricalCrossentropy) else "y"
        out.line("    Softmax + cross-entropy, fused: the model ends in a softmax and the loss is cross-entropy on it,")
        out.line(f"    so the loss's {backward_formula} and the softmax's backward multiply out to")
        out.step(f"dz = (p - {onehot}) / N", _shape(upstream), "on the logits z, below the softmax")
        out.values("dz", upstream, _window(upstream))
        out.note("simpler than the chain, and exact even where p is tiny")
        out.note("the 1/N of the batch mean is here, and only here")
        out.note(f"each row sums to 0: p sums to 1, and so does {onehot}")
        came_from = "the fused dz above"  # only read if the last layer has no backward_from_logits
    else:
        upstream = loss_fn.backward(y, y_pred)
        out.step(backward_formula, _shape(upstream), f"∂L/∂{output}; the 1/N of the batch mean is in it")
        out.values(f"d{output}", upstream, _window(upstream))
        came_from = f"d{output} from the loss"
    _backward_stack(net, upstream, fused, out, trace, came_from, prefix="", depth=0)

    # --- gradients --------------------------------------------------------------------------------------------
    out.blank()
    out.section("GRADIENTS", "what the optimizer receives: one dθ per parameter θ, shaped like θ")
    slots = net._param_slots()
    if not slots:
        out.line("    The model has no parameters: there is nothing to update.")
    else:
        width = max(len("parameter"), *(len(f"{layer.name}/{key}") for layer, key in slots)) + 3
        out.line(f"    {'parameter':<{width}}{'shape':<14}{'‖θ‖':>10}{'‖dθ‖':>10}{'‖dθ‖ / ‖θ‖':>14}")
        for layer, key in slots:
            p_norm, g_norm = _norm(layer.params[key]), _norm(layer.grads[key])
            ratio = _num(g_norm / p_norm) if p_norm > 0 else "-"
            name = f"{layer.name}/{key}"
            out.line(
                f"    {name:<{width}}{_shape(layer.params[key]):<14}{_num(p_norm):>10}{_num(g_norm):>10}{ratio:>14}"
            )
    optimizer = model.optimizer
    if optimizer is not None:
        out.blank()
        out.line(
            f"    Next, {type(optimizer).__name__}(learning_rate={optimizer.learning_rate:g}) would update every θ "
            "in place, and fit() would"
        )
        out.line("    repeat all of this for the next batch. explain stops here: the model is unchanged.")
    out.rule("═")


# --------------------------------------------------------------------------------------------------------------
# The copy explain works on (LayerStats uses it too)
# --------------------------------------------------------------------------------------------------------------


def detached_copy(model):
    """A deep copy of ``model`` to run passes on, sharing no array, cache or random generator with it.

    The copy has the same weights and the same random state, so a forward pass on it with ``training=True``
    draws the dropout masks the model would draw next, but nothing happens to the model. Its optimizer is left
    out (``copy.optimizer is None``): the copy is for looking, never for training, and Adam's state is twice
    the size of the model.
    """
    memo = {} if model.optimizer is None else {id(model.optimizer): None}
    try:
        return copy.deepcopy(model, memo)
    except Exception as e:
        raise TypeError(
            f"Looking inside model '{model.name}' works on a deep copy of it, so that nothing of the model "
            f"changes, and the copy failed. Received: {type(e).__name__}: {e}. Does a layer of yours hold "
            "something that cannot be copied (an open file, a lock, a generator)? Keep only arrays and numbers "
            "on layers."
        ) from e


def leaf_layers(model) -> list[Layer]:
    """The layers of ``model`` with nested Sequential models opened up, first to last."""
    from scratchnet.models import Sequential

    leaves = []
    for layer in model.layers:
        leaves += leaf_layers(layer) if isinstance(layer, Sequential) else [layer]
    return leaves


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
        out.header(number, layer, depth)
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
        "the logits" if layer.ends_in_softmax else ("linear: y = z" if name == "linear" else ""),
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
    active = seq._backward_layers()
    skipped = seq.layers[: len(seq.layers) - len(active)]
    numbers = {id(layer): f"{prefix}{i}" for i, layer in enumerate(seq.layers, start=1)}
    if not active:
        out.blank()
        out.line("    " + "  " * depth + "No layer here has parameters and nobody reads dx: there is nothing to run.")
    for position, layer in reversed(list(enumerate(active))):
        from_logits = fused and position == len(active) - 1  # the fused dz enters at the last layer only
        number = numbers[id(layer)]
        out.blank()
        out.header(number, layer, depth)
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
        out.header(numbers[id(layer)], layer, depth)
        out.layer_line(depth, "no backward", "", "nothing below has parameters: nobody needs its dx (fit skips it too)")
    return dy, came_from


def _backward_dense(layer: Dense, dy: np.ndarray, from_logits: bool, out: _Printer, seen: _Seen, depth: int):
    name = layer.activation.activation_name
    _, backward, why = _ACTIVATIONS[name]
    if from_logits:
        dz = dy
        out.layer_line(depth, "dz", _shape(dz), "= the fused dz above: the softmax is already done")
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
        dx = layer.backward_from_logits(dy)
        out.layer_line(depth, "dx = dz", _shape(dx), "the fused dz above: the softmax is already done")
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
        dx = layer.backward_from_logits(dy)
        out.layer_line(depth, "dx = layer.backward_from_logits(dz)", "", "")
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
    from scratchnet.models import Sequential

    for cls, kind in (
        (Sequential, "sequential"),
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
    from scratchnet.models import Sequential

    kind = _kind(layer)
    if kind == "dense":
        return f"Dense({layer.units}, {layer.activation.activation_name})"
    if kind == "dropout":
        return f"Dropout({layer.rate:g})"
    if kind == "activation" and type(layer) is Activation:
        return f"Activation('{layer.activation_name}')"
    if isinstance(layer, Sequential):
        return f"Sequential, {len(layer.layers)} layers"
    return type(layer).__name__


def _activation_note(name: str, y: np.ndarray) -> str:
    if name == "relu":
        zeros = int((y == 0).sum())
        return f"{zeros} of {y.size} entries are 0 ({zeros / y.size:.0%})"
    if name == "softmax":
        return "each row sums to 1"
    return ""


def _show_loss_numbers(out: _Printer, loss_fn, y: np.ndarray, p: np.ndarray) -> None:
    """The numbers the loss is made of, for the losses where a few numbers tell the story."""
    if isinstance(loss_fn, losses.SparseCategoricalCrossentropy):
        rows = np.arange(len(p))
        if loss_fn.from_logits:
            out.note(f"y = [{_list(y, sep=', ')}]")
        else:
            picked = p[rows, y]
            out.note(f"y = [{_list(y, sep=', ')}]   p[i, y_i] = [{_list(picked, sep=', ')}]")
            out.note(f"-log p[i, y_i] = [{_list(-np.log(picked), sep=', ')}], and L is their mean")
        c = p.shape[-1]
        out.note(f"(guessing 1/{c} for every class would give L = ln {c} = {math.log(c):.4f})")
    elif y.size <= SHOW:
        out.note(f"y = [{_list(y.ravel(), sep=', ')}]   p = [{_list(p.ravel(), sep=', ')}]")


class _Printer:
    """Lines of at most WIDTH columns, sent to ``print_fn``: a formula, its shapes, a short note."""

    SHAPES_WIDTH = 44  # notes start after the shapes, in one column when they fit

    def __init__(self, print_fn, full: bool = False):
        self.print_fn = print_fn
        self.full = full  # explain(full=True): values() prints whole arrays
        self.said: set[str] = set()

    def line(self, text: str) -> None:
        self.print_fn(text.rstrip())

    def blank(self) -> None:
        self.print_fn("")

    def rule(self, char: str = "─") -> None:
        self.print_fn(char * WIDTH)

    def section(self, title: str, subtitle: str) -> None:
        head = f"{title} ─ {subtitle} " if subtitle else f"{title} "
        self.line(head + "─" * max(0, WIDTH - len(head)))

    def header(self, number: str, layer: Layer, depth: int) -> None:
        self.line(f"{'  ' * depth}[{number}] {layer.name}: {_layer_title(layer)}")

    def step(self, formula: str, shapes: str, note: str) -> None:
        self.layer_line(0, formula, shapes, note)

    def layer_line(self, depth: int, formula: str, shapes: str, note: str = "", norm: str = "") -> None:
        """The formula in its column, then the shapes, then a short note; a norm goes in a column of its own."""
        indent = "    " + "  " * depth
        width = FORMULA_WIDTH - 2 * depth
        text = f"{indent}{formula:<{width}}" + ("  " if len(formula) > width - 2 else "") + shapes
        if note:
            text = f"{text}   {note}" if shapes else text + note
        if norm:
            column = len(indent) + width + self.SHAPES_WIDTH
            text = text.ljust(column) + norm if len(text) < column - 2 else f"{text}   {norm}"
        if len(text) > WIDTH and note:  # the note goes below, wrapped
            self.line(text[: len(text) - len(note) - 3])
            self.note(note)
        else:
            self.line(text)

    def note(self, text: str, depth: int = 0) -> None:
        """A note under the shapes column, wrapped to the width."""
        for piece in [text] if len(_right(text)) <= WIDTH else _wrap(text, WIDTH - FORMULA_WIDTH - 4):
            self.line(_right(piece, depth))

    def once(self, key: str, text: str, depth: int = 0) -> None:
        """A note worth reading once, not at every layer."""
        if key not in self.said:
            self.said.add(key)
            self.note(text, depth)

    def values(self, name: str, a: np.ndarray, window: slice | None, depth: int = 0) -> None:
        """A few numbers of the first example, under the shapes: ``z[0, :6]   [ 0.412  -1.03 ... …]``."""
        if self.full:
            self.every_number(name, a, depth)
            return
        if a is None or a.ndim != 2 or window is None:
            return
        start = window.start
        for stop in range(min(window.stop, a.shape[1]), start, -1):  # fewer numbers if six do not fit
            label = f"{name}[0, {start or ''}:{stop}]" if stop - start < a.shape[1] else f"{name}[0]"
            more = " …" if stop < a.shape[1] else ""
            text = f"{' ' * (FORMULA_WIDTH + 4)}{label:<12} [{_list(a[0, start:stop], 8)}{more}]"
            if len(text) <= WIDTH:
                break
        self.line(text)

    def every_number(self, name: str, a: np.ndarray | None, depth: int = 0) -> None:
        """explain(full=True): the whole array, one row per line, 4 significant digits, for checking by hand."""
        if a is None:
            return
        a = np.atleast_2d(a) if np.ndim(a) <= 1 else a.reshape(len(a), -1)
        cells = [[f"{float(v) + 0.0:.4g}" for v in row] for row in a]  # + 0.0: no "-0"
        width = max(len(c) for row in cells for c in row)
        pad = " " * (FORMULA_WIDTH + 4)
        label = f"{name} ="
        for i, row in enumerate(cells):
            self.line(f"{pad}{label if i == 0 else '':<6}[{' '.join(c.rjust(width) for c in row)}]")


def _right(note: str, depth: int = 0) -> str:
    """A note under the shapes column, on a line of its own."""
    return " " * (FORMULA_WIDTH + 4) + note


def _first_rows(a, n: int):
    if a is None:
        return None
    a = a if isinstance(a, np.ndarray) else np.asarray(a)
    return a[:n] if a.ndim >= 1 else a


def _window(a: np.ndarray) -> slice | None:
    """Which SHOW entries of the first example to print: the first ones, or, if those are all 0 (the blank
    border of an image), the first stretch where something is not 0."""
    if a is None or a.ndim != 2:
        return None
    row = a[0]
    start = 0
    if not row[:SHOW].any() and row.any():
        start = min(int(np.flatnonzero(row)[0]), max(0, row.size - SHOW))
    return slice(start, start + SHOW)


def _summary(x: np.ndarray) -> str:
    return f"values in [{_num(float(x.min()))}, {_num(float(x.max()))}], mean {_num(float(x.mean(dtype=np.float64)))}"


def _shape(a) -> str:
    return str(tuple(np.shape(a)))


def _norm(a: np.ndarray) -> float:
    return float(np.linalg.norm(a))


def _num(v: float) -> str:
    """A number in at most 3 significant digits: 0.412, -1.03, 2.3e-05; 0 as 0."""
    if v == 0:
        return "0"
    return f"{v:.3g}"


def _list(a: np.ndarray, width: int = 0, sep: str = " ") -> str:
    floating = np.issubdtype(np.asarray(a).dtype, np.floating)
    return sep.join((_num(float(v)) if floating else str(v)).rjust(width) for v in np.ravel(a))


def _docstring_block(cls: type, title: str) -> list[str]:
    """The ``Forward:`` (or ``Backward:``) block of a class docstring, as STYLE.md asks layers to write it."""
    lines = (cls.__doc__ or "").expandtabs().splitlines()
    for i, text in enumerate(lines):
        if text.strip().startswith(f"{title}:"):
            indent = len(text) - len(text.lstrip())
            block = [text[indent:]]
            for more in lines[i + 1 :]:
                if not more.strip() or len(more) - len(more.lstrip()) <= indent:
                    break
                block.append(more[indent:])
            return [b[: WIDTH - 8].rstrip() for b in block]
    return []


def _wrap(text: str, width: int) -> list[str]:
    words, lines, current = text.split(), [], ""
    for word in words:
        if current and len(current) + 1 + len(word) > width:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}" if current else word
    return [*lines, current] if current else lines

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
``Forward:`` block (as the library's layers do, see CONTRIBUTING.md), that block is printed too.

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

import math
from collections.abc import Callable

import numpy as np

from scratchnet import checks, fused, losses
from scratchnet.explain.printer import SHOW, WIDTH, _first_rows, _list, _Printer, _shape, _summary, _window, _wrap
from scratchnet.explain.steps import _backward_stack, _forward_stack, _norm, _num, _Seen
from scratchnet.models.inspection import detached_copy, is_model, leaf_layers

__all__ = ["detached_copy", "explain", "is_model", "leaf_layers"]


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
    if not hasattr(model, "parameter_slots"):
        raise TypeError(
            f"explain expected a scratchnet Sequential model. Received: model of type {type(model).__name__}. "
            "Wrap your layers in one: scratchnet.Sequential([...])."
        )
    if isinstance(examples, bool) or not isinstance(examples, (int, np.integer)) or not 1 <= examples <= 8:
        raise ValueError(
            f"explain expected `examples` to be an integer from 1 to 8 (a tiny batch, to keep the printout "
            f"readable). Received: examples={examples!r}."
        )

    _check_same_length(x, y)
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
    # The copy first: checking the data builds an unbuilt model, and that must happen to the copy, not to yours.
    net = detached_copy(model)
    if why_forward_only is None:
        x, y = checks.prepare_data(net, x, _first_rows(y, examples), "explain")
    else:
        x = checks.prepare_inputs(net, x, "explain")
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
    is_fused = net.fused_backward is not None
    from_logits = getattr(loss_fn, "from_logits", False)
    output = "z" if from_logits else "p"
    forward_formula, backward_formula = losses.formulas(loss_fn)  # as the loss's docstring writes them
    out.blank()
    what_output = "the model's output, logits (from_logits=True)" if from_logits else "the model's output"
    out.section("LOSS", f"{loss_fn.name}: {output} is {what_output}, y the labels")
    out.step(forward_formula, "", f"L = {loss:.4f}")
    _show_loss_numbers(out, loss_fn, y, y_pred)

    # --- backward ---------------------------------------------------------------------------------------------
    out.blank()
    out.section("BACKWARD", "last layer to first: each layer takes dy = ∂L/∂y and hands dx = ∂L/∂x down")
    if is_fused and net.fused_backward is fused.sigmoid_binary_crossentropy_backward:
        upstream = net.fused_backward(y, y_pred)
        out.line("    Sigmoid + binary cross-entropy, fused: the model ends in a sigmoid and the loss is binary cross-")
        out.line(f"    entropy on it, so the loss's {backward_formula} and the sigmoid's backward multiply out to")
        out.step("dz = (p - y) / (N * D)", _shape(upstream), "on the logits z, below the sigmoid")
        out.values("dz", upstream, _window(upstream))
        out.note("exact even where the sigmoid saturates (see scratchnet/fused.py)")
        out.note("the 1/(N * D) of the mean is here, and only here")
        came_from = "the fused dz above"
    elif is_fused:
        upstream = net.fused_backward(y, y_pred)
        onehot = "onehot(y)" if isinstance(loss_fn, losses.SparseCategoricalCrossentropy) else "y"
        out.line("    Softmax + cross-entropy, fused: the model ends in a softmax and the loss is cross-entropy on it,")
        out.line(f"    so the loss's {backward_formula} and the softmax's backward multiply out to")
        out.step(f"dz = (p - {onehot}) / N", _shape(upstream), "on the logits z, below the softmax")
        out.values("dz", upstream, _window(upstream))
        out.note("simpler than the chain, and exact even where p is tiny (see scratchnet/fused.py)")
        out.note("the 1/N of the batch mean is here, and only here")
        out.note(f"each row sums to 0: p sums to 1, and so does {onehot}")
        came_from = "the fused dz above"  # only read if the last layer has no backward_from_logits
    else:
        upstream = loss_fn.backward(y, y_pred)
        out.step(backward_formula, _shape(upstream), f"∂L/∂{output}; the 1/N of the batch mean is in it")
        out.values(f"d{output}", upstream, _window(upstream))
        came_from = f"d{output} from the loss"
    _backward_stack(net, upstream, is_fused, out, trace, came_from, prefix="", depth=0)

    # --- gradients --------------------------------------------------------------------------------------------
    out.blank()
    out.section("GRADIENTS", "what the optimizer receives: one dθ per parameter θ, shaped like θ")
    slots = net.parameter_slots()
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


def _check_same_length(x, y) -> None:
    """x and y must pair up before the first rows of each are taken, or a mismatch would go unnoticed."""
    try:
        nx, ny = len(x), len(y)
    except TypeError:  # y is None, or not a sequence: prepare_data says what is wrong with it
        return
    if nx != ny:
        raise ValueError(
            f"explain expected as many targets as inputs. Received: {nx} inputs and {ny} targets. Pass matching "
            "slices, e.g. model.explain(x[:2], y[:2])."
        )

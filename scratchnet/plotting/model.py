"""A picture of a model as the chain it is: layers with their shapes, forward arrows one way, backward the other.

    sn.plotting.plot_model(model)

Left to right: the input, each layer as a box (name, what it computes, output shape, parameters), and the loss.
Above the boxes, the forward arrows carry each layer's output to the next (``y (None, 128)``); below them, the
backward arrows carry the gradients back (``dy (None, 128)``), ending in the first layer, whose ``dx`` nobody
needs. Each layer with parameters hands its gradients (``dW``, ``db``) down to the optimizer. matplotlib only: no
graphviz, as in Keras's ``plot_model``, which needs pydot and graphviz.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from scratchnet.plotting._common import _new_figure

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["plot_model"]

FORWARD_COLOR = "tab:blue"
BACKWARD_COLOR = "tab:red"


def _title(layer: Any) -> str:
    """What a layer computes, in a few characters: ``Dense(128, relu)``, ``Dropout(0.2)``, ``Flatten``."""
    activation = getattr(getattr(layer, "activation", None), "activation_name", None)
    if hasattr(layer, "units") and activation is not None:
        return f"Dense({layer.units}, {activation})"
    if hasattr(layer, "rate"):
        return f"{type(layer).__name__}({layer.rate:g})"
    if hasattr(layer, "activation_name"):
        return f"{type(layer).__name__}('{layer.activation_name}')"
    return type(layer).__name__


def _shapes(model) -> list[tuple | None]:
    """The input shape, then each layer's output shape (no batch axis); None where it cannot be known yet."""
    if hasattr(model, "connections"):  # a graph model: a chain of boxes would draw branches that are not there
        raise ValueError(
            f"plot_model draws a chain of layers, and model '{model.name}' is a graph (branches, merges or several "
            "inputs). Its summary() shows what each layer is connected to: model.summary()."
        )
    shape = getattr(model, "input_shape", None) or getattr(model.layers[0], "input_shape", None)
    shapes = [None if shape is None else tuple(shape)]
    for layer in model.layers:
        shape = None if shape is None else tuple(layer.compute_output_shape(shape))
        shapes.append(shape)
    return shapes


def _shape_text(shape) -> str:
    return "(None, ?)" if shape is None else str((None, *shape))


def plot_model(model, show_loss: bool = True) -> Figure:
    """Draw ``model`` as a chain of layers with shapes, forward and backward arrows.

    Args:
        model: a ``Sequential`` model (built, or with an ``input_shape`` on its first layer, for the shapes).
        show_loss: draw the loss at the end of the chain (when the model is compiled).

    Returns:
        The matplotlib Figure.

    Raises:
        TypeError: if ``model`` has no ``layers``.
    """

    layers = getattr(model, "layers", None)
    if not layers:
        raise TypeError(
            f"plot_model expected a Sequential model with layers. Received: {type(model).__name__} {model!r}."
        )
    shapes = _shapes(model)
    loss = getattr(model, "loss", None) if show_loss else None
    boxes = [("input", "x", _shape_text(shapes[0]), "")]
    for layer, shape in zip(layers, shapes[1:], strict=True):
        grads = ", ".join(f"d{k} {tuple(v.shape)}" for k, v in layer.params.items()) if layer.built else ""
        boxes.append((layer.name, _title(layer), _shape_text(shape), grads))
    if loss is not None:
        name = getattr(loss, "name", type(loss).__name__)
        if len(name) > 18:  # sparse_categorical_crossentropy: two lines fit the box
            cut = name.rfind("_", 0, len(name) // 2 + 6)
            name = f"{name[: cut + 1]}\n{name[cut + 1 :]}"
        boxes.append(("loss", name, "L: a number", ""))

    n = len(boxes)
    fig = _new_figure((max(6.0, 2.3 * n), 3.6))
    ax = fig.subplots()
    ax.set_xlim(-0.6, n - 0.4)
    ax.set_ylim(-1.6, 1.55)
    ax.axis("off")

    box_w, box_h = 0.78, 0.9
    for i, (name, what, shape, grads) in enumerate(boxes):
        kind = "input" if i == 0 else ("loss" if loss is not None and i == n - 1 else "layer")
        face = {"input": "#eeeeee", "loss": "#fde7d4", "layer": "#dcebf7"}[kind]
        ax.add_patch(
            _box(i - box_w / 2, -box_h / 2, box_w, box_h, face),
        )
        ax.text(i, 0.22, name, ha="center", va="center", fontsize=9, weight="bold")
        ax.text(i, 0.0, what, ha="center", va="center", fontsize=8.5 if "\n" not in what else 7.5)
        ax.text(i, -0.24, shape, ha="center", va="center", fontsize=8, color="#444444")
        if grads:
            ax.annotate("", xy=(i, -1.35), xytext=(i, -box_h / 2), arrowprops={"arrowstyle": "->", "color": "#777777"})
            ax.text(i, -1.45, f"{grads}\nto the optimizer", ha="center", va="top", fontsize=7, color="#555555")

    # Arrows between neighbours: forward above the boxes, backward below.
    for i in range(n - 1):
        out_shape = boxes[i][2]
        left, right = i + box_w / 2, i + 1 - box_w / 2
        ax.annotate("", xy=(right, 0.3), xytext=(left, 0.3), arrowprops={"arrowstyle": "->", "color": FORWARD_COLOR})
        ax.annotate("", xy=(left, -0.3), xytext=(right, -0.3), arrowprops={"arrowstyle": "->", "color": BACKWARD_COLOR})
        label = "x" if i == 0 else ("p" if loss is not None and i == n - 2 else "y")
        grad = "dx (not needed)" if i == 0 else f"d{label}"
        ax.text(i + 0.5, 0.72, f"{label}\n{out_shape}", ha="center", va="bottom", fontsize=7.5, color=FORWARD_COLOR)
        ax.text(i + 0.5, -0.72, grad, ha="center", va="top", fontsize=7.5, color=BACKWARD_COLOR)
    ax.text(-0.55, 1.5, "forward →", color=FORWARD_COLOR, fontsize=9, va="top")
    ax.text(-0.55, -0.95, "← backward", color=BACKWARD_COLOR, fontsize=9, va="top")
    ax.set_title(f'model "{getattr(model, "name", "")}": {len(layers)} layers', fontsize=10)
    return fig


def _box(x: float, y: float, w: float, h: float, face: str):
    from matplotlib.patches import FancyBboxPatch

    return FancyBboxPatch((x, y), w, h, boxstyle="round,pad=0.02", facecolor=face, edgecolor="#555555")

"""What every figure shares: matplotlib loaded lazily, the colours, and the checks of images, probabilities,
labels and class names (so each error message is written once)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import ArrayLike

from scratchnet.notebook import show_once

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

PREDICTED_COLOR = "tab:red"
TRUE_COLOR = "tab:blue"
OTHER_COLOR = "#9a9a9a"


# ----------------------------------------------------------------------------------------------------------
# matplotlib, lazily
# ----------------------------------------------------------------------------------------------------------


def _pyplot():
    """Imports pyplot on first use, so that importing scratchnet never loads matplotlib.

    New figures are created through pyplot (``plt.figure``), not as bare ``Figure`` objects: a learner who
    calls ``plot_prediction(...)`` and then ``plt.show()``, or who works in a notebook, expects to *see* the
    figure, and only pyplot-managed figures are shown by ``plt.show()`` and by notebook inline display. Beyond
    creating figures this module touches no pyplot state: it never calls ``matplotlib.use``, ``plt.show`` or
    the implicit current-axes functions, and it draws through the returned ``Axes`` objects only.

    Headless runs (CI, a server, ``make demo`` over ssh) need nothing from us: when no backend was chosen
    explicitly (no ``MPLBACKEND``, no ``matplotlib.use``, no ``backend`` in matplotlibrc), matplotlib picks
    the first usable backend and falls back to the file-only Agg backend when it cannot reach a display.
    Forcing Agg here would break the interactive backend a user did choose, so we leave the choice to
    matplotlib.
    """
    import matplotlib.pyplot as plt

    return plt


def _new_figure(figsize: tuple[float, float]) -> Figure:
    # In a notebook the figure is shown once, not a second time for the returned Figure (scratchnet/notebook.py).
    return show_once(_pyplot().figure(figsize=figsize, layout="constrained"))


def _root_figure(ax: Axes) -> Figure:
    # ax.figure is a SubFigure when the axes sits in one; .figure of a SubFigure (or of a Figure) is the root.
    return ax.figure.figure


# ----------------------------------------------------------------------------------------------------------
# Input checks shared by the plotting functions. Each takes `fn`, the public function's name, so that the
# error says who complained.
# ----------------------------------------------------------------------------------------------------------


def _image_2d(image: ArrayLike, fn: str, name: str = "image") -> np.ndarray:
    """Returns one image as (H, W); accepts (H, W), (H, W, 1), (1, H, W) and a flat square such as (784,)."""
    x = np.asarray(image)
    if not (np.issubdtype(x.dtype, np.number) or x.dtype == bool):
        raise TypeError(
            f"{fn} expected a numeric {name}. Received: {name}.dtype={x.dtype}. Pass pixel values, e.g. x_test[0]."
        )
    shape = x.shape
    # Size-1 axes carry no picture: a batch of one (1, 28, 28) or a channel axis (28, 28, 1).
    x = np.squeeze(x)
    if x.ndim == 1:
        side = math.isqrt(x.size)
        if side > 1 and side * side == x.size:
            x = x.reshape(side, side)
    if x.ndim != 2:
        raise ValueError(
            f"{fn} expected one grayscale {name} shaped (H, W), (H, W, 1), or flat (H*W,) for a square "
            f"image such as (784,) for 28×28. Received: {name}.shape={shape}. Pass a single image such as "
            "x_test[0]; to draw many, use plot_predictions_grid."
        )
    return x


def _images_3d(images: ArrayLike, fn: str) -> np.ndarray:
    """Returns a batch of images as (N, H, W); accepts (N, H, W), (N, H, W, 1) and flat squares (N, H*H)."""
    x = np.asarray(images)
    expected = (
        f"{fn} expected a batch of grayscale images shaped (N, H, W), (N, H, W, 1) or (N, H*W) with square "
        "images, such as x_test[:25]."
    )
    if x.ndim < 2 or x.shape[0] == 0:
        raise ValueError(f"{expected} Received: images.shape={x.shape}.")
    try:
        first = _image_2d(x[0], fn, name="images[0]")
    except ValueError:
        raise ValueError(f"{expected} Received: images.shape={x.shape}.") from None
    return x.reshape(x.shape[0], *first.shape)


def _check_probability_values(p: np.ndarray, fn: str) -> None:
    if not np.all(np.isfinite(p)):
        raise ValueError(
            f"{fn} expected finite probabilities. Received: probabilities containing NaN or inf. "
            "Did training diverge? Try a smaller learning rate."
        )
    if p.min() < -1e-6 or p.max() > 1.0 + 1e-6:
        raise ValueError(
            f"{fn} expected probabilities in [0, 1]. Received: probabilities with min={p.min():.3g}, "
            f"max={p.max():.3g}. These look like logits: end the model with Dense(C, activation='softmax'), "
            "or apply a softmax to the outputs first."
        )


def _probabilities_1d(probabilities: ArrayLike, fn: str) -> np.ndarray:
    """Returns the class probabilities of one example as (C,)."""
    p = np.asarray(probabilities, dtype=float)
    if p.ndim != 1 or p.size == 0:
        hint = (
            " For a batch of one from model.predict, pass probabilities[0]."
            if p.ndim == 2 and p.shape[0] == 1
            else " Pass one row of model.predict(x), such as predictions[0]."
        )
        raise ValueError(
            f"{fn} expected probabilities as a 1-D array of C class probabilities, shape (C,). "
            f"Received: probabilities.shape={p.shape}.{hint}"
        )
    _check_probability_values(p, fn)
    return p


def _probabilities_2d(probabilities: ArrayLike, fn: str) -> np.ndarray:
    """Returns the class probabilities of a batch as (N, C)."""
    p = np.asarray(probabilities, dtype=float)
    if p.ndim != 2 or p.size == 0:
        raise ValueError(
            f"{fn} expected probabilities shaped (N, C), one row of C class probabilities per image, as "
            f"returned by model.predict(x). Received: probabilities.shape={p.shape}."
        )
    _check_probability_values(p, fn)
    return p


def _integer_labels(labels: ArrayLike, fn: str, name: str) -> np.ndarray:
    """Returns labels as int64, accepting any integer dtype and floats that hold whole numbers."""
    y = np.asarray(labels)
    if y.dtype == bool:
        y = y.astype(np.int64)
    if np.issubdtype(y.dtype, np.floating) and np.all(np.isfinite(y)) and np.all(y == np.round(y)):
        y = y.astype(np.int64)
    if not np.issubdtype(y.dtype, np.integer):
        raise ValueError(
            f"{fn} expected integer class labels for {name}. Received: {name}.dtype={y.dtype}. "
            "If these are probabilities or one-hot rows, take their argmax(axis=-1) first."
        )
    return y.astype(np.int64, copy=False)


def _true_label(true_label: Any, num_classes: int | None, fn: str) -> int | None:
    """Returns the true class of one example as a Python int in [0, num_classes), or None."""
    if true_label is None:
        return None
    y = _integer_labels(true_label, fn, "true_label")
    if y.ndim != 0:
        raise ValueError(
            f"{fn} expected true_label to be one integer class index. Received: true_label.shape={y.shape}. "
            "If your labels are one-hot, pass y.argmax(); for a batch, use plot_predictions_grid."
        )
    label = int(y)
    if label < 0 or (num_classes is not None and label >= num_classes):
        bound = f"[0, {num_classes})" if num_classes is not None else "≥ 0"
        raise ValueError(
            f"{fn} expected true_label in {bound} for {num_classes} classes. Received: true_label={label}."
        )
    return label


def _class_names(class_names: Sequence[str] | None, num_classes: int, fn: str) -> list[str]:
    if class_names is None:
        return [str(i) for i in range(num_classes)]
    if isinstance(class_names, str):
        raise TypeError(
            f"{fn} expected class_names to be a list of {num_classes} strings. "
            f"Received: class_names={class_names!r} (a single string)."
        )
    names = [str(name) for name in class_names]
    if len(names) != num_classes:
        raise ValueError(
            f"{fn} expected one class name per class, {num_classes} in all. Received: len(class_names)={len(names)}."
        )
    return names


# ----------------------------------------------------------------------------------------------------------
# Drawing on a given Axes. The public functions check their inputs, then call these.
# ----------------------------------------------------------------------------------------------------------


def _prediction_text(p: np.ndarray, true_label: int | None, names: list[str]) -> tuple[str, str, str]:
    """Returns ("predicted 93%", " (true)" or "", colour): blue if right, red if wrong, black if unknown."""
    predicted = int(np.argmax(p))
    head = f"{names[predicted]} {100 * p[predicted]:.0f}%"
    if true_label is None:
        return head, "", "black"
    color = TRUE_COLOR if predicted == true_label else PREDICTED_COLOR
    return head, f" ({names[true_label]})", color


def _draw_image(ax: Axes, image: np.ndarray, label: str = "", color: str = "black", fontsize=None) -> None:
    # "binary" maps 0 to white and the maximum to black: dark strokes on paper, as the digits were written.
    ax.imshow(image, cmap="binary", interpolation="nearest")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.grid(False)
    if label:
        ax.set_xlabel(label, color=color, fontsize=fontsize)


def _draw_probabilities(ax: Axes, p: np.ndarray, true_label: int | None, names: list[str]) -> None:
    num_classes = p.size
    predicted = int(np.argmax(p))
    bars = ax.bar(np.arange(num_classes), p, color=OTHER_COLOR)
    bars[predicted].set_color(PREDICTED_COLOR)
    if true_label is not None:
        bars[true_label].set_color(TRUE_COLOR)  # after the red, so a correct prediction is blue
    ax.set_ylim(0.0, 1.0)
    ax.set_ylabel("probability")
    if num_classes <= 20:
        _class_xticks(ax, names)
    ax.spines[["top", "right"]].set_visible(False)

    from matplotlib.patches import Patch

    if true_label is None:
        handles = [Patch(color=PREDICTED_COLOR, label="predicted")]
    elif predicted == true_label:
        handles = [Patch(color=TRUE_COLOR, label="predicted = true")]
    else:
        handles = [Patch(color=PREDICTED_COLOR, label="predicted"), Patch(color=TRUE_COLOR, label="true")]
    # Above the axes, where no bar can hide it.
    ax.legend(handles=handles, loc="lower center", bbox_to_anchor=(0.5, 1.0), ncols=2, frameon=False)


def _class_xticks(ax, names) -> None:
    """Class names under the x axis, slanted when they are words rather than digits."""
    long_names = max(len(name) for name in names) > 3
    ax.set_xticks(
        np.arange(len(names)),
        names,
        rotation=45 if long_names else 0,
        ha="right" if long_names else "center",
        rotation_mode="anchor",
    )


def _check_finite_weights(w: np.ndarray, fn: str) -> None:
    if not np.all(np.isfinite(w)):
        raise ValueError(f"{fn} expected finite weights. Received: W containing NaN or inf. Did training diverge?")

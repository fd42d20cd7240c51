"""Figures for looking at a classifier: its predictions, its training curves, its mistakes and its weights.

The classic beginner exercise (MNIST or Fashion-MNIST, ``Flatten -> Dense(128, relu) -> Dense(10, softmax)``)
ends by *looking* at what the model learned. This module draws the figures of the TensorFlow "Basic
classification" tutorial and a few more:

- ``plot_image`` / ``plot_probabilities`` / ``plot_prediction``: a test image beside the bar chart of its
  class probabilities. The predicted class is red, the true class blue (so a correct prediction shows one blue
  bar), and the label under the image reads "predicted 93% (true)", blue when right and red when wrong.
- ``plot_predictions_grid``: many test images with their labels, to spot which ones the model gets wrong.
- ``plot_history``: loss and metrics per epoch, training against validation, to see under- and over-fitting.
- ``confusion_matrix`` / ``plot_confusion_matrix``: which classes are mistaken for which.
- ``plot_weights``: the first Dense layer's kernel, one 28×28 picture per unit, to see what each unit looks
  for.
- ``plot_layer_stats``: what :class:`scratchnet.callbacks.LayerStats` recorded during training, layer by
  layer: activations, dead ReLUs, gradient norms and update-to-weight ratios.

Every function returns the matplotlib ``Figure`` it drew, so it can be saved with ``fig.savefig("name.png")``.

matplotlib is imported lazily, only by this module and only when a function draws: ``import scratchnet`` and
``confusion_matrix`` (plain NumPy) do not load it.

>>> import numpy as np
>>> from scratchnet import plotting
>>> image = np.zeros((28, 28)); image[6:22, 13:15] = 1.0      # a crude "1"
>>> probabilities = np.full(10, 0.02); probabilities[1] = 0.82
>>> fig = plotting.plot_prediction(image, probabilities, true_label=1)
>>> len(fig.axes)
2
>>> plotting.confusion_matrix([0, 1, 1, 2], [0, 1, 2, 2])
array([[1, 0, 0],
       [0, 1, 1],
       [0, 0, 1]])
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import ArrayLike

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = [
    "confusion_matrix",
    "plot_confusion_matrix",
    "plot_history",
    "plot_image",
    "plot_layer_stats",
    "plot_prediction",
    "plot_predictions_grid",
    "plot_probabilities",
    "plot_weights",
]

# The tutorial's colour code: the predicted class in red, the true class in blue (drawn second, so a correct
# prediction is one blue bar), every other class grey.
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
    from scratchnet.notebook import show_once  # a notebook shows the figure once, not once more for the return

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


def _positive_int(value: Any, fn: str, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"{fn} expected {name} to be a positive integer. Received: {name}={value!r}.")
    return int(value)


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


# ----------------------------------------------------------------------------------------------------------
# One prediction
# ----------------------------------------------------------------------------------------------------------


def plot_image(
    image: ArrayLike,
    true_label: int | None = None,
    probabilities: ArrayLike | None = None,
    class_names: Sequence[str] | None = None,
    ax: Axes | None = None,
) -> Figure:
    """Draws one grayscale image, labelled with its prediction.

    With ``probabilities`` the label under the image reads "predicted 93% (true)": the most probable class,
    its probability, and in brackets the true class; it is blue when the prediction is right and red when it
    is wrong. With only ``true_label`` the label is the true class's name.

    Args:
        image: One image, (H, W), (H, W, 1), or flat (H*H,) such as (784,), which is drawn as 28×28. Dark is
            large: uint8 pixels in [0, 255] and floats in [0, 1] both work.
        true_label: The image's class index, an int in [0, C), or None.
        probabilities: The model's class probabilities for this image, (C,), e.g. ``model.predict(x)[i]``.
        class_names: C names for the class indices, e.g. ``["T-shirt/top", "Trouser", ...]``; default "0",
            "1", ...
        ax: The matplotlib Axes to draw on; a new (3, 3) inch figure if None.

    Returns:
        The matplotlib Figure that holds the drawing (``ax``'s figure when ``ax`` is given).

    Raises:
        ValueError: If the image cannot be seen as one 2-D image, the probabilities are not a 1-D array in
            [0, 1], or true_label or class_names do not fit the number of classes.

    >>> fig = plot_image(np.eye(28), true_label=3, probabilities=np.eye(10)[3])
    >>> fig.axes[0].get_xlabel()
    '3 100% (3)'
    """
    fn = "plot_image"
    img = _image_2d(image, fn)
    p = None if probabilities is None else _probabilities_1d(probabilities, fn)
    if p is not None:
        num_classes = p.size
    elif class_names is not None and not isinstance(class_names, str):
        num_classes = len(class_names)
    else:
        num_classes = None
    label = _true_label(true_label, num_classes, fn)
    if num_classes is None:
        names = [str(i) for i in range((label or 0) + 1)]
    else:
        names = _class_names(class_names, num_classes, fn)

    if ax is None:
        ax = _new_figure((3.0, 3.2)).subplots()
    if p is not None:
        head, tail, color = _prediction_text(p, label, names)
        _draw_image(ax, img, head + tail, color)
    elif label is not None:
        _draw_image(ax, img, names[label])
    else:
        _draw_image(ax, img)
    return _root_figure(ax)


def plot_probabilities(
    probabilities: ArrayLike,
    true_label: int | None = None,
    class_names: Sequence[str] | None = None,
    ax: Axes | None = None,
) -> Figure:
    """Draws the bar chart of one example's class probabilities.

    The predicted class (the tallest bar) is red, the true class blue, the others grey; when the prediction is
    right the tallest bar is blue. The y axis spans [0, 1], so confidence can be compared between charts.

    Args:
        probabilities: Class probabilities, (C,), e.g. ``model.predict(x)[i]``; softmax outputs, not logits.
        true_label: The true class index, an int in [0, C), or None.
        class_names: C names for the x axis; default "0", "1", ...
        ax: The matplotlib Axes to draw on; a new (4, 3) inch figure if None.

    Returns:
        The matplotlib Figure that holds the chart.

    Raises:
        ValueError: If probabilities is not 1-D with values in [0, 1], or true_label or class_names do not fit
            C.

    >>> fig = plot_probabilities([0.1, 0.7, 0.2], true_label=2)
    >>> [float(bar.get_height()) for bar in fig.axes[0].patches]
    [0.1, 0.7, 0.2]
    """
    fn = "plot_probabilities"
    p = _probabilities_1d(probabilities, fn)
    label = _true_label(true_label, p.size, fn)
    names = _class_names(class_names, p.size, fn)
    if ax is None:
        ax = _new_figure((4.0, 3.0)).subplots()
    _draw_probabilities(ax, p, label, names)
    return _root_figure(ax)


def plot_prediction(
    image: ArrayLike,
    probabilities: ArrayLike,
    true_label: int | None = None,
    class_names: Sequence[str] | None = None,
) -> Figure:
    """Draws one image beside the bar chart of its predicted class probabilities, as in the TF tutorial.

    Left: the image, labelled "predicted 93% (true)" in blue when right and red when wrong. Right: the C
    probabilities, predicted class red, true class blue.

    Args:
        image: One image, (H, W), (H, W, 1), or flat (H*H,) such as (784,).
        probabilities: The model's class probabilities for this image, (C,).
        true_label: The image's class index, an int in [0, C), or None.
        class_names: C names for the class indices; default "0", "1", ...

    Returns:
        A new matplotlib Figure with two Axes: ``fig.axes[0]`` the image, ``fig.axes[1]`` the bar chart.

    Raises:
        ValueError: As ``plot_image`` and ``plot_probabilities`` do.

    >>> predictions = model.predict(x_test)  # doctest: +SKIP
    >>> fig = plot_prediction(x_test[0], predictions[0], y_test[0], class_names)  # doctest: +SKIP
    >>> fig.savefig("prediction.png")  # doctest: +SKIP
    """
    fn = "plot_prediction"
    img = _image_2d(image, fn)
    p = _probabilities_1d(probabilities, fn)
    label = _true_label(true_label, p.size, fn)
    names = _class_names(class_names, p.size, fn)

    fig = _new_figure((7.0, 3.2))
    ax_image, ax_bars = fig.subplots(1, 2, width_ratios=[1.0, 1.4])
    head, tail, color = _prediction_text(p, label, names)
    _draw_image(ax_image, img, head + tail, color)
    _draw_probabilities(ax_bars, p, label, names)
    return fig


# ----------------------------------------------------------------------------------------------------------
# Many predictions
# ----------------------------------------------------------------------------------------------------------


def plot_predictions_grid(
    images: ArrayLike,
    probabilities: ArrayLike,
    true_labels: ArrayLike,
    class_names: Sequence[str] | None = None,
    rows: int = 5,
    cols: int = 5,
) -> Figure:
    """Draws a grid of images, each labelled "predicted 93% (true)": blue when right, red when wrong.

    Each cell shows the image and its coloured label only. The tutorial's variant, a small bar chart beside
    every image, halves the room for both and makes 5×5 cells unreadable; use ``plot_prediction`` to look
    closer at one.

    Args:
        images: A batch of images, (N, H, W), (N, H, W, 1) or (N, H*H) such as (N, 784).
        probabilities: Class probabilities for each image, (N, C), as returned by ``model.predict(images)``.
        true_labels: The true class of each image, ints in [0, C), (N,).
        class_names: C names for the class indices; default "0", "1", ...
        rows: Rows of the grid.
        cols: Columns of the grid. The first ``min(N, rows * cols)`` images are drawn; a grid with fewer
            images than cells shrinks to the rows it needs.

    Returns:
        A new matplotlib Figure with one Axes per drawn image, in reading order; its title counts the correct
            ones.

    Raises:
        ValueError: If the shapes do not agree (N images, N rows of probabilities, N labels), probabilities
            are not in [0, 1], a label is outside [0, C), or rows or cols is not a positive integer.

    >>> fig = plot_predictions_grid(x_test[:25], model.predict(x_test[:25]), y_test[:25])  # doctest: +SKIP
    """
    fn = "plot_predictions_grid"
    x = _images_3d(images, fn)
    p = _probabilities_2d(probabilities, fn)
    y = _integer_labels(true_labels, fn, "true_labels")
    if y.ndim != 1:
        raise ValueError(
            f"{fn} expected true_labels shaped (N,), one class index per image. "
            f"Received: true_labels.shape={y.shape}. If they are one-hot, pass true_labels.argmax(axis=1)."
        )
    if not (x.shape[0] == p.shape[0] == y.shape[0]):
        raise ValueError(
            f"{fn} expected as many probability rows and labels as images. Received: images.shape="
            f"{np.shape(images)}, probabilities.shape={p.shape}, true_labels.shape={y.shape}."
        )
    num_classes = p.shape[1]
    if y.min() < 0 or y.max() >= num_classes:
        raise ValueError(
            f"{fn} expected true_labels in [0, {num_classes}) for {num_classes} classes. "
            f"Received: true_labels with min={y.min()}, max={y.max()}."
        )
    names = _class_names(class_names, num_classes, fn)
    rows = _positive_int(rows, fn, "rows")
    cols = _positive_int(cols, fn, "cols")

    n = min(x.shape[0], rows * cols)
    cols = min(cols, n)
    rows = math.ceil(n / cols)
    fig = _new_figure((1.9 * cols, 2.1 * rows + 0.4))
    axes = np.atleast_1d(fig.subplots(rows, cols, squeeze=False).ravel())
    labels = [_prediction_text(p[i], int(y[i]), names) for i in range(n)]
    # Class names like "Ankle boot 97% (Ankle boot)" do not fit under a small image on one line; then every
    # label gets two lines, so that the rows stay aligned.
    two_lines = max(len(head + tail) for head, tail, _ in labels) > 14
    for i, ax in enumerate(axes):
        if i >= n:
            fig.delaxes(ax)
            continue
        head, tail, color = labels[i]
        text = head + "\n" + tail.strip() if two_lines else head + tail
        _draw_image(ax, x[i], text, color, fontsize=9)
    correct = int(np.sum(np.argmax(p[:n], axis=1) == y[:n]))
    fig.suptitle(f"predicted class, probability (true class): {correct} of {n} correct")
    return fig


# ----------------------------------------------------------------------------------------------------------
# Training curves
# ----------------------------------------------------------------------------------------------------------


def plot_history(history: Any, metrics: str | Sequence[str] | None = None) -> Figure:
    """Draws the training curves: one subplot per metric, training and validation values per epoch.

    ``history`` is what ``fit`` returns: ``history.history`` maps each metric name to its per-epoch values,
    and validation values carry a ``val_`` prefix. ``loss`` and ``val_loss`` share a subplot titled "loss". A
    validation curve that stays above the training loss and turns upward is the picture of over-fitting.

    Args:
        history: A dict such as ``{"loss": [...], "accuracy": [...], "val_loss": [...]}``, or any object with
            such a dict in its ``.history`` attribute (a scratchnet or Keras ``History``). Each value is a
            list of one number per epoch.
        metrics: The metric names to draw, e.g. ``["loss"]`` or ``"accuracy"`` (with or without ``val_``); all
            if None.

    Returns:
        A new matplotlib Figure with one Axes per metric, titled with its name, x axis "epoch" from 1.

    Raises:
        TypeError: If history is neither a dict nor has a dict ``.history``.
        ValueError: If history is empty, a value is not a 1-D list of numbers, or a requested metric is
            absent.

    >>> fig = plot_history({"loss": [0.9, 0.5, 0.4], "val_loss": [1.0, 0.6, 0.55]})
    >>> [ax.get_title() for ax in fig.axes]
    ['loss']
    """
    fn = "plot_history"
    logs = getattr(history, "history", history)
    if not isinstance(logs, Mapping):
        raise TypeError(
            f"{fn} expected a dict of per-epoch values, such as {{'loss': [...], 'val_loss': [...]}}, or the "
            f"History returned by fit(). Received: history of type {type(history).__name__}."
        )
    series: dict[str, np.ndarray] = {}
    for key, values in logs.items():
        v = np.asarray(values, dtype=float)
        if v.ndim != 1 or v.size == 0:
            raise ValueError(
                f"{fn} expected each history entry to be a non-empty list with one number per epoch. "
                f"Received: history[{key!r}].shape={v.shape}."
            )
        series[str(key)] = v
    available: list[str] = []
    for key in series:
        base = key.removeprefix("val_")
        if base not in available:
            available.append(base)
    if not available:
        raise ValueError(f"{fn} expected at least one metric in history. Received: history={dict(logs)!r}.")

    if metrics is None:
        wanted = available
    else:
        requested = [metrics] if isinstance(metrics, str) else list(metrics)
        wanted = [str(m).removeprefix("val_") for m in requested]
        missing = [m for m in wanted if m not in available]
        if missing or not wanted:
            raise ValueError(
                f"{fn} expected metrics among {available}. Received: metrics={requested!r}. "
                "Use the names passed to compile(metrics=...) and 'loss'."
            )
        wanted = list(dict.fromkeys(wanted))  # drop repeats, keep order

    from matplotlib.ticker import MaxNLocator

    ncols = min(len(wanted), 3)
    nrows = math.ceil(len(wanted) / ncols)
    fig = _new_figure((4.2 * ncols, 3.2 * nrows))
    axes = fig.subplots(nrows, ncols, squeeze=False).ravel()
    for ax, name in zip(axes, wanted, strict=False):
        for key, label, color in ((name, "training", "C0"), (f"val_{name}", "validation", "C1")):
            if key in series:
                v = series[key]
                epochs = np.arange(1, v.size + 1)
                ax.plot(epochs, v, marker="o", markersize=3, color=color, label=label)
        ax.set_title(name)
        ax.set_xlabel("epoch")
        ax.set_ylabel(name)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))  # epochs are whole numbers
        ax.grid(True, alpha=0.3)
        ax.legend()
    for ax in axes[len(wanted) :]:
        fig.delaxes(ax)
    return fig


# ----------------------------------------------------------------------------------------------------------
# Confusion matrix
# ----------------------------------------------------------------------------------------------------------


def _confusion_matrix(y_true: ArrayLike, y_pred: ArrayLike, num_classes: int | None, fn: str) -> np.ndarray:
    t = _integer_labels(y_true, fn, "y_true")
    p = _integer_labels(y_pred, fn, "y_pred")
    for name, y in (("y_true", t), ("y_pred", p)):
        if y.ndim != 1:
            raise ValueError(
                f"{fn} expected {name} to be a 1-D array of class indices, shape (N,). "
                f"Received: {name}.shape={y.shape}. For probabilities or one-hot rows, pass "
                f"{name}.argmax(axis=1)."
            )
    if t.shape != p.shape:
        raise ValueError(
            f"{fn} expected y_true and y_pred of the same length, one prediction per example. "
            f"Received: y_true.shape={t.shape}, y_pred.shape={p.shape}."
        )
    largest = int(max(t.max(), p.max())) if t.size else -1
    smallest = int(min(t.min(), p.min())) if t.size else 0
    if smallest < 0:
        raise ValueError(f"{fn} expected class labels ≥ 0. Received: smallest label {smallest}.")
    if num_classes is None:
        num_classes = largest + 1
    elif isinstance(num_classes, bool) or not isinstance(num_classes, (int, np.integer)) or num_classes < 0:
        raise ValueError(f"{fn} expected num_classes to be a positive integer. Received: num_classes={num_classes!r}.")
    elif largest >= num_classes:
        raise ValueError(
            f"{fn} expected labels in [0, {num_classes}) for {num_classes} classes. Received: largest label "
            f"{largest}. Pass the right num_classes (or class_names), or leave it None to use max label + 1."
        )
    c = int(num_classes)
    # Each (true, predicted) pair becomes one index into the flattened C×C matrix: row t, column p is t*C + p.
    # One bincount then counts every pair at once, with no loop over examples.
    return np.bincount(t * c + p, minlength=c * c).reshape(c, c)


def confusion_matrix(y_true: ArrayLike, y_pred: ArrayLike, num_classes: int | None = None) -> np.ndarray:
    """Counts how often each true class is predicted as each class.

    ``cm[i, j]`` is the number of examples of true class i that the model predicted as class j (rows true,
    columns predicted, as in Keras and scikit-learn). The diagonal holds the correct predictions, so
    ``cm.trace() / cm.sum()`` is the accuracy.

    Args:
        y_true: True class indices, (N,), ints in [0, C).
        y_pred: Predicted class indices, (N,), e.g. ``model.predict(x).argmax(axis=1)``.
        num_classes: C; if None, one more than the largest label seen (a class nobody predicted and no example
            has would then be missing, so pass it when you know it).

    Returns:
        The counts, int64, (C, C).

    Raises:
        ValueError: If the labels are not 1-D integer arrays of the same length, or one is outside [0, C).

    >>> confusion_matrix([0, 0, 1, 1], [0, 1, 1, 1])
    array([[1, 1],
           [0, 2]])
    """
    return _confusion_matrix(y_true, y_pred, num_classes, "confusion_matrix")


def plot_confusion_matrix(
    y_true: ArrayLike,
    y_pred: ArrayLike,
    class_names: Sequence[str] | None = None,
    normalize: bool = False,
) -> Figure:
    """Draws the confusion matrix as a heat map, each cell annotated with its count.

    Rows are true classes, columns predicted ones; off-diagonal cells are the mistakes, and a bright one names
    a pair of classes the model confuses (on Fashion-MNIST, typically shirt against T-shirt, pullover and
    coat).

    Args:
        y_true: True class indices, (N,).
        y_pred: Predicted class indices, (N,), e.g. ``model.predict(x).argmax(axis=1)``.
        class_names: C names for the axes; they also fix C. Default "0", "1", ... up to the largest label.
        normalize: If True, divide each row by its total, so a cell is the fraction of that true class
            predicted as each class and the diagonal is each class's recall.

    Returns:
        A new matplotlib Figure with one Axes: x axis "predicted", y axis "true", title with the accuracy.

    Raises:
        ValueError: As ``confusion_matrix``, or if there are no examples.

    >>> fig = plot_confusion_matrix([0, 1, 2, 2], [0, 2, 2, 2], class_names=["a", "b", "c"])
    >>> fig.axes[0].get_xlabel(), fig.axes[0].get_ylabel()
    ('predicted', 'true')
    """
    fn = "plot_confusion_matrix"
    num_classes = None
    if class_names is not None and not isinstance(class_names, str):
        num_classes = len(class_names)
    cm = _confusion_matrix(y_true, y_pred, num_classes, fn)
    total = int(cm.sum())
    if total == 0:
        raise ValueError(f"{fn} expected at least one example. Received: y_true.shape={np.shape(y_true)}.")
    c = cm.shape[0]
    names = _class_names(class_names, c, fn)
    if normalize:
        row_totals = cm.sum(axis=1, keepdims=True)
        # A class with no examples has an all-zero row; leave it zero rather than divide by zero.
        values = cm / np.maximum(row_totals, 1)
    else:
        values = cm

    side = min(max(4.0, 0.45 * c + 2.0), 14.0)
    fig = _new_figure((side + 0.4, side))
    ax = fig.subplots()
    ax.imshow(values, cmap="Blues", vmin=0.0, vmax=float(values.max()) or 1.0)
    if c <= 30:  # beyond that the numbers no longer fit in their cells
        fontsize = 9 if c <= 12 else 7
        threshold = 0.5 * float(values.max())
        for (i, j), v in np.ndenumerate(values):  # a loop over the C×C cells, not over examples
            if v == 0:
                text, color = "0", "#b0b0b0"
            else:
                text = f"{v:.2f}" if normalize else f"{int(v)}"
                color = "white" if v > threshold else "black"
            ax.text(j, i, text, ha="center", va="center", color=color, fontsize=fontsize)
    _class_xticks(ax, names)
    ax.set_yticks(np.arange(c), names)
    ax.set_xlabel("predicted")
    ax.set_ylabel("true")
    correct = int(np.trace(cm))
    title = f"confusion matrix: accuracy {correct / total:.1%} ({correct} of {total})"
    if normalize:
        title += "\nrows normalized: fraction of each true class"
    ax.set_title(title)
    ax.grid(False)
    return fig


# ----------------------------------------------------------------------------------------------------------
# Weights
# ----------------------------------------------------------------------------------------------------------


def plot_weights(
    W: ArrayLike,
    image_shape: tuple[int, int] = (28, 28),
    max_units: int = 64,
    cols: int = 8,
) -> Figure:
    """Draws each unit of the first Dense layer as a picture of the weights it gives to every pixel.

    Unit j computes ``z_j = x @ W[:, j] + b_j`` on the flattened image x, so ``W[:, j]`` reshaped to 28×28
    shows which pixels push the unit up (red) and which push it down (blue). One colour scale, symmetric
    around 0 and reaching the 99th percentile of |W|, is shared by all units, so faint pictures are units with
    small weights.

    Args:
        W: The kernel of the first Dense layer, (D, M) = (in, out), e.g. (784, 128) after ``Flatten``; in
            scratchnet, ``model.layers[1].params["W"]``.
        image_shape: (H, W) with H * W = D.
        max_units: Draw the first ``min(M, max_units)`` units.
        cols: Pictures per row.

    Returns:
        A new matplotlib Figure with one Axes per drawn unit, in order, then one for the colour bar.

    Raises:
        ValueError: If W is not 2-D, its first dimension is not H * W, it holds NaN or inf, or max_units or
            cols is not a positive integer.

    >>> fig = plot_weights(np.random.default_rng(0).normal(size=(784, 16)), max_units=16)
    >>> len(fig.axes)  # 16 units and a colour bar
    17
    """
    fn = "plot_weights"
    w = np.asarray(W, dtype=float)
    try:
        h, wd = (int(s) for s in image_shape)
    except (TypeError, ValueError):
        raise ValueError(
            f"{fn} expected image_shape to be (H, W), two positive integers. Received: image_shape={image_shape!r}."
        ) from None
    if h < 1 or wd < 1:
        raise ValueError(f"{fn} expected image_shape of positive integers. Received: image_shape={image_shape!r}.")
    d = h * wd
    if w.ndim != 2 or w.shape[0] != d:
        hint = (
            " It looks transposed: scratchnet kernels are (in, out), so pass W.T."
            if (w.ndim == 2 and w.shape[1] == d)
            else " Pass the kernel of the first Dense layer after Flatten."
        )
        raise ValueError(
            f"{fn} expected W shaped (D, M) = (in, out) with D = {h}*{wd} = {d} for image_shape=({h}, {wd}). "
            f"Received: W.shape={w.shape}.{hint}"
        )
    if not np.all(np.isfinite(w)):
        raise ValueError(f"{fn} expected finite weights. Received: W containing NaN or inf. Did training diverge?")
    max_units = _positive_int(max_units, fn, "max_units")
    cols = _positive_int(cols, fn, "cols")

    m = w.shape[1]
    n = min(m, max_units)
    cols = min(cols, n)
    rows = math.ceil(n / cols)
    # Symmetric around 0 (white: "this pixel does not matter"), up to the 99th percentile of |W| rather than its
    # maximum, so a few extreme weights do not wash every unit out; the rare stronger ones show at full colour.
    vmax = float(np.percentile(np.abs(w[:, :n]), 99)) or 1.0
    cell_width = 1.1 * min(2.0, max(0.5, wd / h))  # 1.1 inch per 28×28 picture, wider for wide images
    fig = _new_figure((cell_width * cols + 1.3, 1.1 * rows + 0.7))
    axes = fig.subplots(rows, cols, squeeze=False).ravel()
    image = None
    for j, ax in enumerate(axes):
        if j >= n:
            fig.delaxes(ax)
            continue
        image = ax.imshow(w[:, j].reshape(h, wd), cmap="RdBu_r", vmin=-vmax, vmax=vmax, interpolation="nearest")
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_title(f"unit {j}", fontsize=7, pad=2)
    fig.colorbar(image, ax=list(axes[:n]), shrink=0.8, label="weight")
    fig.suptitle(f"first-layer weights ({n} of {m} units): each column of W as a {h}×{wd} image")
    return fig


# ----------------------------------------------------------------------------------------------------------
# Per-layer statistics (scratchnet.callbacks.LayerStats)
# ----------------------------------------------------------------------------------------------------------

# (key in stats, title, y label, log scale) of each panel, in the order drawn.
_LAYER_STATS_PANELS = (
    ("activation_mean", "activation mean", "mean of the layer's output", False),
    ("activation_std", "activation std", "std of the layer's output", False),
    ("dead_fraction", "dead ReLUs", "% of units 0 for every example", False),
    ("grad_norm", "gradient norm ‖dθ‖", "‖dθ‖ on the probe batch", True),
    ("update_ratio", "update ratio ‖Δθ‖/‖θ‖", "‖Δθ‖/‖θ‖ of one step", True),
)


def plot_layer_stats(stats: Any) -> Figure:
    """Draws what ``LayerStats`` recorded: one panel per statistic, one line per layer or parameter.

    The panels: the mean and standard deviation of each layer's output, the percentage of dead ReLU units (if
    the model has ReLUs), the gradient norm of each parameter (log scale), and its update-to-weight ratio
    ‖Δθ‖/‖θ‖ (log scale, with the usual healthy value 1e-3 drawn dashed). A layer whose gradient norm falls by
    orders of magnitude, or whose ratio sits far below 1e-3, is barely learning.

    Args:
        stats: A ``scratchnet.callbacks.LayerStats`` after ``fit``, or its ``.stats`` dict: ``{"epoch": [...],
            "activation_mean": {layer: [...]}, ...}``, each list one value per record.

    Returns:
        A new matplotlib Figure with one Axes per statistic present, titled as above, x axis "epoch".

    Raises:
        TypeError: If stats is neither a dict nor has a dict ``.stats``.
        ValueError: If it holds no record, or a list does not have one value per record.

    >>> s = {"epoch": [0.0, 1.0, 2.0], "activation_mean": {"dense": [0.1, 0.5, 0.6]},
    ...      "grad_norm": {"dense/W": [1.2, 0.3, 0.2]}}
    >>> [ax.get_title() for ax in plot_layer_stats(s).axes]
    ['activation mean', 'gradient norm ‖dθ‖']
    """
    fn = "plot_layer_stats"
    data = getattr(stats, "stats", stats)
    if not isinstance(data, Mapping) or "epoch" not in data:
        raise TypeError(
            f"{fn} expected the LayerStats callback passed to fit(), or its .stats dict with an 'epoch' list. "
            f"Received: stats of type {type(stats).__name__}."
        )
    epochs = np.asarray(data["epoch"], dtype=float)
    if epochs.ndim != 1 or epochs.size == 0:
        raise ValueError(
            f"{fn} expected at least one record. Received: stats['epoch']={list(data['epoch'])!r}. "
            "Pass the callback to fit(..., callbacks=[layer_stats]) first."
        )
    panels = []
    for key, title, ylabel, log in _LAYER_STATS_PANELS:
        curves = data.get(key) or {}
        series = {}
        for name, values in curves.items():
            v = np.asarray(values, dtype=float)
            if v.shape != epochs.shape:
                raise ValueError(
                    f"{fn} expected one value per record ({epochs.size}) in every list. "
                    f"Received: stats[{key!r}][{name!r}] with shape {v.shape}."
                )
            series[name] = 100 * v if key == "dead_fraction" else v
        if any(np.isfinite(v).any() for v in series.values()):
            panels.append((key, title, ylabel, log, series))
    if not panels:
        raise ValueError(f"{fn} found no statistics to draw. Received: keys {sorted(data)}.")

    ncols = min(len(panels), 3)
    nrows = math.ceil(len(panels) / ncols)
    fig = _new_figure((4.4 * ncols, 3.3 * nrows))
    axes = fig.subplots(nrows, ncols, squeeze=False).ravel()
    for ax, (key, title, ylabel, log, series) in zip(axes, panels, strict=False):
        for name, v in series.items():
            finite = np.isfinite(v)
            ax.plot(epochs[finite], v[finite], marker="o", markersize=3, label=name)
        if log and any((v[np.isfinite(v)] > 0).any() for v in series.values()):
            ax.set_yscale("log")
        if key == "update_ratio":
            ax.axhline(1e-3, color="grey", linestyle="--", linewidth=1, label="1e-3")
        ax.set_title(title)
        ax.set_xlabel("epoch")
        ax.set_ylabel(ylabel)
        ax.grid(True, alpha=0.3)
        ax.legend(fontsize=7)
    for ax in axes[len(panels) :]:
        fig.delaxes(ax)
    fig.suptitle("per-layer statistics on the probe batch (epoch 0: the initial weights)")
    return fig


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

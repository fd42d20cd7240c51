"""A test image beside its class probabilities, and a grid of test predictions."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import ArrayLike

from scratchnet import checks
from scratchnet.plotting._common import (
    _class_names,
    _draw_image,
    _draw_probabilities,
    _image_2d,
    _images_3d,
    _integer_labels,
    _new_figure,
    _prediction_text,
    _probabilities_1d,
    _probabilities_2d,
    _root_figure,
    _true_label,
)

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

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

    Example::

        predictions = model.predict(x_test)
        fig = plot_prediction(x_test[0], predictions[0], y_test[0], class_names)
        fig.savefig("prediction.png")
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

    Example::

        fig = plot_predictions_grid(x_test[:25], model.predict(x_test[:25]), y_test[:25])
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
    rows = checks.positive_int(fn, "rows", rows)
    cols = checks.positive_int(fn, "cols", cols)

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

"""Which classes are mistaken for which: the confusion matrix, computed and drawn."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import ArrayLike

from scratchnet.plotting._common import _class_names, _class_xticks, _integer_labels, _new_figure

if TYPE_CHECKING:
    from matplotlib.figure import Figure

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

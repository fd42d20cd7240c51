"""What the first layer looks for: its kernel drawn as one image per unit."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import ArrayLike

from scratchnet import checks
from scratchnet.plotting._common import _check_finite_weights, _new_figure

if TYPE_CHECKING:
    from matplotlib.figure import Figure

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
            scratchnet, ``model.layers[1].params["W"]``. A model (or a layer) may be passed instead: its first
            layer with a 2-D kernel ``W`` is drawn.
        image_shape: (H, W) with H * W = D.
        max_units: Draw the first ``min(M, max_units)`` units.
        cols: Pictures per row.

    Returns:
        A new matplotlib Figure with one Axes per drawn unit, in order, then one for the colour bar.

    Raises:
        TypeError: If W is neither an array nor a model or layer with a kernel.
        ValueError: If a model has no built layer with a 2-D kernel, if W is not 2-D, its first dimension is not
            H * W, it holds NaN or inf, or max_units or cols is not a positive integer.

    >>> fig = plot_weights(np.random.default_rng(0).normal(size=(784, 16)), max_units=16)
    >>> len(fig.axes)  # 16 units and a colour bar
    17
    """
    fn = "plot_weights"
    w = _first_dense_kernel(W, fn) if hasattr(W, "params") or hasattr(W, "layers") else W
    try:
        w = np.asarray(w, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(
            f"{fn} expected the kernel W of the first Dense layer (an array (D, M)), or the model or layer holding "
            f"it. Received: W of type {type(W).__name__}. Pass model.layers[1].params['W'], or the model itself."
        ) from None
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
    _check_finite_weights(w, fn)
    max_units = checks.positive_int(fn, "max_units", max_units)
    cols = checks.positive_int(fn, "cols", cols)

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


def _first_dense_kernel(owner, fn: str) -> np.ndarray:
    """The kernel of the first layer with a 2-D ``W`` in a model (or of the layer itself)."""
    stack = [owner]
    while stack:
        item = stack.pop(0)
        kernel = getattr(item, "params", {}).get("W")
        if kernel is not None and np.ndim(kernel) == 2:
            return kernel
        stack[:0] = list(getattr(item, "layers", []))
    built = all(getattr(layer, "built", True) for layer in getattr(owner, "layers", [owner]))
    hint = "" if built else " The model is not built yet: fit it (or call model.build(input_shape)) first."
    raise ValueError(
        f"{fn} found no layer with a 2-D kernel W in the {type(owner).__name__} it was given.{hint} "
        "Pass the kernel itself, e.g. model.layers[1].params['W']."
    )

"""Figures for looking inside a convolutional network: its first layer's kernels and its feature maps.

The course's convolution lesson ends with a cell that runs a few test images through the network and draws,
for each convolution and pooling layer, one channel of what that layer outputs: the *feature maps*. Shoes,
shirts and bags light up different filters, and each pooling halves the picture while keeping its strongest
responses. This module draws that figure, and the kernels of the first convolution:

- ``feature_maps(model, x)``: each conv/pool layer's output for a batch, by layer name (plain NumPy);
- ``plot_feature_maps(model, images, channel=1)``: one row per image, one column per conv/pool layer, as the
  course's cell draws them;
- ``plot_kernels(W)``: each filter of a Conv2D kernel (kh, kw, C_in, F) as a little kh × kw picture.

Every function that draws returns the matplotlib ``Figure``; matplotlib is imported only when one does.

>>> import numpy as np
>>> import scratchnet as sn
>>> model = sn.Sequential([sn.layers.Conv2D(4, 3, activation="relu", input_shape=(8, 8, 1), name="conv2d"),
...                        sn.layers.MaxPooling2D(2, name="max_pooling2d")], seed=0)
>>> {name: a.shape for name, a in feature_maps(model, np.zeros((2, 8, 8, 1))).items()}
{'conv2d': (2, 6, 6, 4), 'max_pooling2d': (2, 3, 3, 4)}
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import ArrayLike

from scratchnet import checks
from scratchnet.layers.convolution import Conv2D
from scratchnet.layers.pooling import AveragePooling2D, MaxPooling2D
from scratchnet.models.inspection import leaf_layers
from scratchnet.plotting._common import _check_finite_weights, _new_figure

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["feature_maps", "plot_feature_maps", "plot_kernels"]

_MAP_LAYERS = (Conv2D, MaxPooling2D, AveragePooling2D)


def _image_layers(model) -> list:
    return [layer for layer in leaf_layers(model) if isinstance(layer, _MAP_LAYERS)]


def feature_maps(model, x: ArrayLike, layers=None) -> dict[str, np.ndarray]:
    """Each convolution's and pooling's output for the images ``x``, in inference mode.

    The Keras course builds a second model whose outputs are every layer's output; here one forward pass
    through the layers, keeping what each one returns, does the same.

    Args:
        model: a ``Sequential`` with Conv2D / pooling layers (built, or with an ``input_shape``).
        x: images (N, H, W, C) as the model takes them (e.g. ``x_test[:3]``, already / 255 and reshaped).
        layers: names of the layers to keep; by default every Conv2D, MaxPooling2D and AveragePooling2D.

    Returns:
        ``{layer name: array (N, Ho, Wo, channels)}``, in the order of the layers.

    Raises:
        ValueError: if the model has no such layers, or ``x`` does not fit the model.
    """
    fn = "feature_maps"
    x = checks.prepare_inputs(model, x, fn).astype(model.dtype, copy=False)
    keep = [layer.name for layer in _image_layers(model)] if layers is None else list(layers)
    names = [layer.name for layer in leaf_layers(model)]
    unknown = [name for name in keep if name not in names]
    if not keep or unknown:
        raise ValueError(
            f"{fn} draws the outputs of convolution and pooling layers. Received: "
            f"{'no such layer in the model' if not keep else f'layers={unknown!r}'}; the model's layers are "
            f"{names}."
        )
    maps = {}
    h = x
    for layer in leaf_layers(model):
        h = layer.forward(h, training=False)
        if layer.name in keep:
            maps[layer.name] = h
        if len(maps) == len(keep):
            break
    return maps


def plot_feature_maps(model, images: ArrayLike, channel: int = 1, layers=None, labels=None, class_names=None) -> Figure:
    """The course's visualization cell: for each image, one channel of every conv/pool layer's output.

    Row i is image i; column j is the j-th convolution or pooling layer's feature map of channel ``channel``
    (the course's ``CONVOLUTION_NUMBER``). Bright means that filter responded strongly there. Each map keeps
    its own colour scale ('inferno'), as the course draws them.

    Args:
        model: a ``Sequential`` with convolution and pooling layers.
        images: (N, H, W, C) images as the model takes them; a handful (the course draws 3).
        channel: which filter's output to draw, the same in every layer (must exist in each).
        layers: names of the layers to draw (default: every Conv2D and pooling layer, in order).
        labels: optional true class of each image, written at the start of its row.
        class_names: optional names for those labels.

    Returns:
        A new Figure with one Axes per (image, layer).

    Raises:
        ValueError: for a channel a layer does not have, or images the model cannot take.
    """
    fn = "plot_feature_maps"
    maps = feature_maps(model, images, layers)
    for name, a in maps.items():
        if isinstance(channel, bool) or not isinstance(channel, (int, np.integer)) or not 0 <= channel < a.shape[-1]:
            raise ValueError(
                f"{fn}: layer '{name}' has {a.shape[-1]} channels (0 to {a.shape[-1] - 1}). "
                f"Received: channel={channel!r}."
            )
    n = next(iter(maps.values())).shape[0]
    fig = _new_figure((2.1 * len(maps) + 0.6, 2.0 * n + 0.6))
    axes = fig.subplots(n, len(maps), squeeze=False)
    for j, (name, a) in enumerate(maps.items()):
        for i in range(n):
            ax = axes[i, j]
            ax.imshow(a[i, :, :, channel], cmap="inferno", interpolation="nearest")
            ax.set_xticks([])
            ax.set_yticks([])
            if i == 0:
                ax.set_title(f"{name}\n{a.shape[1]}×{a.shape[2]}", fontsize=8)
            if j == 0 and labels is not None:
                label = int(np.asarray(labels)[i])
                text = class_names[label] if class_names is not None else str(label)
                ax.set_ylabel(text, fontsize=8)
    fig.suptitle(f"feature maps of channel {channel}: one row per image, one column per layer")
    return fig


def plot_kernels(W: ArrayLike, max_filters: int = 64, cols: int = 8) -> Figure:
    """Each filter of a convolution kernel as a little picture: what pattern it looks for.

    Filter f computes, at every position, the sum of ``W[:, :, :, f]`` times the patch under it, so it
    responds most to patches that look like its picture: red where it wants ink, blue where it wants none.
    One colour scale, symmetric around 0 and reaching the 99th percentile of |W|, is shared by all filters.
    A kernel with several input channels is drawn channel 0 only (the first layer of a grayscale network has
    exactly one).

    Args:
        W: a Conv2D kernel (kh, kw, C_in, F), e.g. ``model.layers[0].kernel``.
        max_filters: draw the first ``min(F, max_filters)`` filters.
        cols: pictures per row.

    Returns:
        A new Figure with one Axes per filter, then one for the colour bar.

    Raises:
        ValueError: if W is not 4-D or holds NaN or inf.

    >>> fig = plot_kernels(np.random.default_rng(0).normal(size=(3, 3, 1, 8)))
    >>> len(fig.axes)  # 8 filters and a colour bar
    9
    """
    fn = "plot_kernels"
    w = np.asarray(W, dtype=float)
    if w.ndim != 4:
        raise ValueError(
            f"{fn} expected a Conv2D kernel shaped (kh, kw, C_in, F), e.g. model.layers[0].kernel. "
            f"Received: W.shape={w.shape}."
        )
    _check_finite_weights(w, fn)
    max_filters = checks.positive_int(fn, "max_filters", max_filters)
    cols = checks.positive_int(fn, "cols", cols)
    kh, kw, c, f = w.shape
    n = min(f, max_filters)
    cols = min(cols, n)
    rows = math.ceil(n / cols)
    # Up to the 99th percentile of |W|, not its maximum, so a few strong filters do not wash the others out.
    vmax = float(np.percentile(np.abs(w[:, :, 0, :n]), 99)) or 1.0
    fig = _new_figure((0.9 * cols + 1.3, 0.9 * rows + 0.7))
    axes = fig.subplots(rows, cols, squeeze=False).ravel()
    image = None
    for j, ax in enumerate(axes):
        if j >= n:
            fig.delaxes(ax)
            continue
        image = ax.imshow(w[:, :, 0, j], cmap="RdBu_r", vmin=-vmax, vmax=vmax, interpolation="nearest")
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_title(f"{j}", fontsize=7, pad=2)
    fig.colorbar(image, ax=list(axes[:n]), shrink=0.8, label="weight")
    channels = "" if c == 1 else f", input channel 0 of {c}"
    fig.suptitle(f"{n} of {f} kernels, {kh}×{kw}{channels}")
    return fig

"""The max-pooling exercises of lesson 7: forward, and backward with its tie rule, exactly as scratchnet's layer.

- ``maxpool2d_forward(x, size=2) -> y`` and ``maxpool2d_backward(x, dy, size=2) -> dx``.

Images are channels-last, ``x: (N, H, W, C)``, and the windows sit side by side (``MaxPooling2D(size)``, whose
strides default to its pool size), 'valid': a last row or column that does not fill a window is dropped. The
reference answers run scratchnet's own :class:`~scratchnet.layers.pooling.MaxPooling2D`; the independent answers are
finite differences of a max pooling written here with a reshape.

The tie rule: when several inputs of a window share the maximum, the whole gradient goes to the first of them in
row-major order (top row first, left to right), the one ``np.argmax`` returns. The cases contain ties on purpose,
so an answer that spreads ``dy`` over every tied maximum, or picks another one, is caught.
"""

from __future__ import annotations

import math

import numpy as np

from scratchnet.exercises._core import Exercise, numeric_gradient, register
from scratchnet.layers.pooling import MaxPooling2D


# --- the definition, written independently of the layer (for the finite differences) ----------------------------
def _pool_windows(x: np.ndarray, size: int) -> np.ndarray:
    """The side-by-side windows, (N, Ho, Wo, C, size*size), each flattened in row-major order; leftovers dropped."""
    n, h, w, c = x.shape
    ho, wo = h // size, w // size
    blocks = x[:, : ho * size, : wo * size].reshape(n, ho, size, wo, size, c)
    return blocks.transpose(0, 1, 3, 5, 2, 4).reshape(n, ho, wo, c, size * size)


def _from_pool_windows(dwindows: np.ndarray, x_shape: tuple[int, ...], size: int) -> np.ndarray:
    """The inverse of :func:`_pool_windows`: each window entry back onto its pixel; 0 where no window covered."""
    n, ho, wo, c, _ = dwindows.shape
    dx = np.zeros(x_shape)
    blocks = dwindows.reshape(n, ho, wo, c, size, size).transpose(0, 1, 4, 2, 5, 3)
    dx[:, : ho * size, : wo * size] = blocks.reshape(n, ho * size, wo * size, c)
    return dx


def _maxpool(x: np.ndarray, size: int) -> np.ndarray:
    return _pool_windows(x, size).max(axis=-1)


# --- the reference: scratchnet's own layer, in float64 ------------------------------------------------------------
def _pool_layer(x: np.ndarray, size: int, **options) -> MaxPooling2D:
    layer = MaxPooling2D(size, name="reference", **options)
    layer.build(x.shape[1:], np.random.default_rng(0), np.float64)
    return layer


def _pool_forward(x, size, **options):
    return _pool_layer(x, size, **options).forward(x)


def _pool_backward(x, dy, size):
    layer = _pool_layer(x, size)
    layer.forward(x)
    return layer.backward(dy.copy())


# --- the exercises ----------------------------------------------------------------------------------------------
def _pool_inputs(rng, backward: bool = False):
    """Images on a coarse grid (multiples of 0.25), so windows often tie for their maximum, as after a ReLU.

    The first window of the first image and channel is [[0, 2], [2, 0]] (padded with zeros to size × size): the
    first maximum in row-major order is (0, 1), in column-major order (1, 0), so the tie rule shows.
    """
    n, c = int(rng.integers(2, 4)), int(rng.integers(1, 4))
    size = int(rng.choice([2, 3]))
    # Sizes that leave a row or a column no window covers ('valid' drops it), and sizes that do not.
    h, w = (int(s) for s in rng.choice(np.arange(2 * size, 3 * size + 2), size=2, replace=False))
    x = 0.25 * rng.integers(0, 7, size=(n, h, w, c))
    x[0, :size, :size, 0] = 0.0
    x[0, 0, 1, 0] = x[0, 1, 0, 0] = 2.0
    inputs = {"x": x, "size": size}
    if backward:
        inputs["dy"] = rng.standard_normal((n, h // size, w // size, c))
    return inputs


# Ties have no derivative; the rule is the derivative the max has when each earlier entry of a window is a hair
# larger than the later ones. Finite differences taken there (at x minus a tiny ramp) give that rule's answer.
TIE_BREAK = 1e-4


def _tie_broken(x: np.ndarray, size: int) -> np.ndarray:
    _, h, w, _ = x.shape
    rows, cols = np.arange(h)[:, None] % size, np.arange(w)[None, :] % size
    return x - TIE_BREAK * (rows * size + cols)[None, :, :, None]


def _pool_numeric(i):
    x, dy, size = _tie_broken(i["x"], i["size"]), i["dy"], i["size"]
    return (numeric_gradient(lambda: float(np.sum(_maxpool(x, size) * dy)), x),)


def _spread(i, share) -> tuple:
    """dx when each window gives ``share(windows) * dy`` to its entries: the wrong rules, for the diagnosis."""
    windows = _pool_windows(i["x"], i["size"])
    return (_from_pool_windows(share(windows) * i["dy"][..., None], i["x"].shape, i["size"]),)


def _ties(windows):
    return windows == windows.max(axis=-1, keepdims=True)


def _first_column_major(windows):
    """One-hot of the first maximum in column-major order (down each column of the window first)."""
    size = math.isqrt(windows.shape[-1])
    by_columns = windows.reshape(*windows.shape[:-1], size, size).swapaxes(-1, -2).reshape(windows.shape)
    onehot = np.arange(size * size) == by_columns.argmax(axis=-1)[..., None]
    return onehot.reshape(*windows.shape[:-1], size, size).swapaxes(-1, -2).reshape(windows.shape)


def _covered(a: np.ndarray, size: int) -> np.ndarray:
    """The part of images (N, H, W, C) that side-by-side windows of ``size`` cover."""
    _, h, w, _ = a.shape
    return a[:, : h // size * size, : w // size * size]


def _padded_at_the_end(x: np.ndarray, size: int) -> np.ndarray:
    """``x`` with -inf rows and columns added at the end, so every partial window becomes a whole one."""
    _, h, w, _ = x.shape
    return np.pad(x, ((0, 0), (0, -h % size), (0, -w % size), (0, 0)), constant_values=-np.inf)


POOL_SIZE_RULE = (
    "MaxPooling2D(size) puts its windows side by side (strides default to the pool size), and 'valid' drops a "
    "last row or column that does not fill a window: Ho = (H - size) // size + 1 = H // size."
)

register(
    Exercise(
        name="maxpool2d_forward",
        args=("x", "size"),
        outputs=("y",),
        make_inputs=_pool_inputs,
        reference=lambda i: (_pool_forward(i["x"], i["size"]),),
        mistakes=[
            (
                "that is average pooling: max pooling keeps the largest value of each window.",
                lambda i: (_pool_windows(i["x"], i["size"]).mean(axis=-1),),
            ),
            (
                "kept the partial windows at the last rows or columns, which hang over the edge. " + POOL_SIZE_RULE,
                lambda i: (_maxpool(_padded_at_the_end(i["x"], i["size"]), i["size"]),),
            ),
            (
                "slid the window one pixel at a time: MaxPooling2D(2, 2) moves it by its own size (strides "
                "default to the pool size), so the windows do not overlap.",
                lambda i: (_pool_forward(i["x"], i["size"], strides=1),),
            ),
        ],
        hints={
            "size:y": "y is (N, Ho, Wo, C). " + POOL_SIZE_RULE,
            "raised": "If a reshape failed: when H or W is not a multiple of size, crop first, "
            "x[:, :Ho * size, :Wo * size]. " + POOL_SIZE_RULE,
        },
        description=(
            "MaxPooling2D(size)'s forward: the largest value of each size × size window, windows side by side, "
            "per image and channel; x (N, H, W, C) -> y (N, H // size, W // size, C)."
        ),
    )
)

register(
    Exercise(
        name="maxpool2d_backward",
        args=("x", "dy", "size"),
        outputs=("dx",),
        make_inputs=lambda rng: _pool_inputs(rng, backward=True),
        reference=lambda i: (_pool_backward(i["x"], i["dy"], i["size"]),),
        numeric=_pool_numeric,
        upstream="dy",
        factors=lambda i: {"size*size": i["size"] ** 2},
        mistakes=[
            (
                "gave dy to every input of its window: only the maximum affected y, so only it gets dy; moving "
                "any other input a little does not change y, so its gradient is 0.",
                lambda i: _spread(i, lambda w: np.ones_like(w)),
            ),
            (
                "that is average pooling's backward (dy / size**2 to each input): max pooling gives the whole dy "
                "to the maximum of its window.",
                lambda i: _spread(i, lambda w: np.full_like(w, 1.0 / i["size"] ** 2)),
            ),
            (
                "gave dy to every tied maximum, so a tie counts dy two or more times. The max has no derivative at "
                "a tie; scratchnet (like TensorFlow and PyTorch) gives the whole dy to the FIRST maximum in "
                "row-major order (top row first, left to right), the one np.argmax returns.",
                lambda i: _spread(i, _ties),
            ),
            (
                "split dy among the tied maxima. scratchnet (like TensorFlow and PyTorch) gives the whole dy to the "
                "FIRST maximum in row-major order (top row first, left to right), the one np.argmax returns.",
                lambda i: _spread(i, lambda w: _ties(w) / _ties(w).sum(axis=-1, keepdims=True)),
            ),
            (
                "at a tie, gave dy to the first maximum in column-major order (down the columns first): the rule is "
                "row-major, top row first, left to right: np.argmax of the window flattened as [row, column].",
                lambda i: _spread(i, _first_column_major),
            ),
            (
                "dx covers only the windows: it has x's shape (N, H, W, C), and a row or column no window covered "
                "gets 0.",
                lambda i: (_covered(_pool_backward(i["x"], i["dy"], i["size"]), i["size"]),),
            ),
        ],
        hints={
            "size:dx": "dx has x's shape (N, H, W, C): 0 wherever no window's maximum was, including a row or "
            "column no window covered.",
            "over:size*size": "Divided by size**2, as average pooling does? Max pooling hands the whole dy on.",
        },
        description=(
            "MaxPooling2D(size)'s backward: given x (N, H, W, C) and dy = ∂L/∂y (N, H // size, W // size, C), "
            "return dx. Each window's dy goes to its maximum; at a tie, to the first maximum in row-major order."
        ),
    )
)

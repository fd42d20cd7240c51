"""The exercises of lesson 7: a convolution and max pooling, forward and backward, exactly as scratchnet's layers.

- ``im2col(x, kh, kw, stride=1) -> cols``: every patch of the images as a row;
- ``conv2d_forward(x, W, b, stride=1) -> z`` and ``conv2d_backward(x, W, dz, stride=1) -> (dx, dW, db)``;
- ``maxpool2d_forward(x, size=2) -> y`` and ``maxpool2d_backward(x, dy, size=2) -> dx``.

Images are channels-last, ``x: (N, H, W, C)``, the kernel is Keras's ``W: (kh, kw, C, F)``, the padding is
'valid' (only windows that fit), and pooling windows sit side by side (``MaxPooling2D(size)``, whose strides
default to its pool size). The reference answers run scratchnet's own :class:`~scratchnet.conv.Conv2D` and
:class:`~scratchnet.pooling.MaxPooling2D`, so an exercise teaches exactly what the library does; the independent
answers are finite differences of a forward written here from the definition.

Max pooling's tie rule: when several inputs of a window share the maximum, the whole gradient goes to the first of
them in row-major order (top row first, left to right), the one ``np.argmax`` returns. The cases contain ties
on purpose, so an answer that spreads ``dy`` over every tied maximum is caught.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from scratchnet.conv import Conv2D
from scratchnet.conv import im2col as _window_view
from scratchnet.exercises._core import Exercise, numeric_gradient, register
from scratchnet.pooling import MaxPooling2D

SIZE_RULE = "Ho = (H - kh) // stride + 1 and Wo = (W - kw) // stride + 1 ('valid': only windows that fit)"

FLIP = (
    "the kernel is flipped, as in a textbook (true) convolution. Keras's Conv2D, and scratchnet's, computes a "
    "cross-correlation with no flip: z[n, i, j, f] = sum over a, b, c of x[n, i*s + a, j*s + b, c] * W[a, b, c, f] "
    "+ b[f]."
)


# --- the definitions, written independently of the layers (for the finite differences) --------------------------
def _correlate(x: np.ndarray, W: np.ndarray, b: np.ndarray, stride: int) -> np.ndarray:
    """z[n, i, j, f] = sum_{a, b, c} x[n, i*stride + a, j*stride + b, c] * W[a, b, c, f] + b[f], by einsum."""
    kh, kw = W.shape[:2]
    windows = sliding_window_view(x, (kh, kw), axis=(1, 2))[:, ::stride, ::stride]  # (N, Ho, Wo, C, kh, kw)
    return np.einsum("nijcab,abcf->nijf", windows, W) + b


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


# --- the references: scratchnet's own layers, in float64 ----------------------------------------------------------
def _conv_layer(x: np.ndarray, W: np.ndarray, b: np.ndarray | None, stride: int) -> Conv2D:
    kh, kw, _, f = W.shape
    # Named, so that grading does not use up the default names ("conv2d", "conv2d_1", ...) of the learner's layers.
    layer = Conv2D(f, (kh, kw), strides=stride, use_bias=b is not None, name="reference")
    layer.build(x.shape[1:], np.random.default_rng(0), np.float64)
    layer.params["W"][...] = W
    if b is not None:
        layer.params["b"][...] = b
    return layer


def _conv_forward(x, W, b, stride):
    return _conv_layer(x, W, b, stride).forward(x)


def _conv_backward(x, W, dz, stride):
    layer = _conv_layer(x, W, np.zeros(W.shape[-1]), stride)
    layer.forward(x)
    dx = layer.backward(dz.copy())
    return dx, layer.grads["W"].copy(), layer.grads["b"].copy()


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


OFF_BY_ONE = f"one output position too few: off by one in the output size. {SIZE_RULE}."


def _crop(a: np.ndarray, dh: int, dw: int) -> np.ndarray:
    """``a`` (N, Ho, Wo, ...) without its last ``dh`` rows and ``dw`` columns of output positions."""
    return a[:, : a.shape[1] - dh, : a.shape[2] - dw]


def _one_too_few(cropped) -> list:
    """Known mistakes: the right numbers, at one row and/or one column of output positions too few.

    ``cropped(inputs, dh, dw)`` gives the outputs so cropped.
    """
    return [(OFF_BY_ONE, lambda i, dh=dh, dw=dw: cropped(i, dh, dw)) for dh, dw in ((1, 1), (1, 0), (0, 1))]


# --- im2col ---------------------------------------------------------------------------------------------------
def _conv_sizes(rng) -> dict:
    """A small random convolution: the sizes differ from each other where they can, and the kernel fits."""
    n = int(rng.integers(2, 4))
    c = int(rng.integers(2, 4))  # C >= 2: an answer that mixes up the order of a patch's axes then shows
    f = int(rng.integers(3, 6))
    kh, kw = (int(k) for k in rng.choice([2, 3], size=2))
    h, w = (int(s) for s in rng.choice(np.arange(5, 9), size=2, replace=False))
    stride = int(rng.integers(1, 3))
    return {"n": n, "c": c, "f": f, "kh": kh, "kw": kw, "h": h, "w": w, "stride": stride}


def _positions(h: int, w: int, kh: int, kw: int, stride: int) -> tuple[int, int]:
    return (h - kh) // stride + 1, (w - kw) // stride + 1


def _im2col_inputs(rng):
    s = _conv_sizes(rng)
    return {
        "x": rng.standard_normal((s["n"], s["h"], s["w"], s["c"])),
        "kh": s["kh"],
        "kw": s["kw"],
        "stride": s["stride"],
    }


def _patches(i, stride=None) -> np.ndarray:
    """(N, Ho, Wo, kh, kw, C): the library's window view, the patch axes in W's order."""
    s = i["stride"] if stride is None else stride
    return _window_view(i["x"], (i["kh"], i["kw"]), (s, s)).transpose(0, 1, 2, 4, 5, 3)


def _rows(patches: np.ndarray) -> np.ndarray:
    return patches.reshape(-1, int(np.prod(patches.shape[3:])))


def _im2col_reference(i):
    return (_rows(_patches(i)),)


register(
    Exercise(
        name="im2col",
        args=("x", "kh", "kw", "stride"),
        outputs=("cols",),
        make_inputs=_im2col_inputs,
        reference=_im2col_reference,
        mistakes=[
            (
                "each row is in (C, kh, kw) order, the order sliding_window_view gives. Transpose the patches to "
                "(N, Ho, Wo, kh, kw, C) before the reshape, so a row lines up with W.reshape(kh*kw*C, F).",
                lambda i: (_rows(_patches(i).transpose(0, 1, 2, 5, 3, 4)),),
            ),
            (
                "each row runs down the columns of the patch first ((kw, kh, C) order): row-major, as W's axes "
                "(kh, kw, C): entry [a, b, c] of a patch is x[n, i*s + a, j*s + b, c].",
                lambda i: (_rows(_patches(i).transpose(0, 1, 2, 4, 3, 5)),),
            ),
            (
                "ignored the stride: with stride s, patch (i, j) starts at pixel (i*s, j*s).",
                lambda i: (_rows(_patches(i, stride=1)),),
            ),
            *_one_too_few(lambda i, dh, dw: (_rows(_crop(_patches(i), dh, dw)),)),
        ],
        hints={
            "shape:cols": "cols is 2-D, (N*Ho*Wo, kh*kw*C), one row per output position: .reshape(-1, kh*kw*C).",
            "size:cols": f"cols has one row per output position, N*Ho*Wo of them, with {SIZE_RULE}; and kh*kw*C "
            "columns, one per number of a patch.",
        },
        description=(
            "Every kh × kw patch of the images x (N, H, W, C), 'valid' and with the given stride, as one row of cols "
            "(N*Ho*Wo, kh*kw*C): rows in (n, i, j) order, each row in (a, b, c) order, W's order."
        ),
    )
)


# --- conv2d forward ---------------------------------------------------------------------------------------------
def _conv_inputs(rng, backward: bool = False):
    s = _conv_sizes(rng)
    inputs = {
        "x": rng.standard_normal((s["n"], s["h"], s["w"], s["c"])),
        "W": rng.standard_normal((s["kh"], s["kw"], s["c"], s["f"])),
        "b": rng.standard_normal(s["f"]),
        "stride": s["stride"],
    }
    if backward:
        ho, wo = _positions(s["h"], s["w"], s["kh"], s["kw"], s["stride"])
        inputs["dz"] = rng.standard_normal((s["n"], ho, wo, s["f"]))
        del inputs["b"]  # the backward needs no b: z's gradient does not depend on it
    return inputs


def _flipped(W: np.ndarray) -> np.ndarray:
    return W[::-1, ::-1]


def _patch_order_mixed_up(W: np.ndarray) -> np.ndarray:
    """The kernel a (C, kh, kw)-ordered patch row meets in W.reshape(kh*kw*C, F): its entries, read in that order."""
    kh, kw, c, f = W.shape
    return W.reshape(c, kh, kw, f).transpose(1, 2, 0, 3)


register(
    Exercise(
        name="conv2d_forward",
        args=("x", "W", "b", "stride"),
        outputs=("z",),
        make_inputs=_conv_inputs,
        reference=lambda i: (_conv_forward(i["x"], i["W"], i["b"], i["stride"]),),
        mistakes=[
            (FLIP, lambda i: (_conv_forward(i["x"], _flipped(i["W"]), i["b"], i["stride"]),)),
            ("forgot to add the bias b.", lambda i: (_conv_forward(i["x"], i["W"], None, i["stride"]),)),
            (
                "the patch rows are in (C, kh, kw) order but W.reshape(kh*kw*C, F) is in (kh, kw, C) order: "
                "transpose the patches to (N, Ho, Wo, kh, kw, C) before the reshape.",
                lambda i: (_correlate(i["x"], _patch_order_mixed_up(i["W"]), i["b"], i["stride"]),),
            ),
            (
                "ignored the stride: with stride s, output (i, j) is the patch starting at pixel (i*s, j*s).",
                lambda i: (_conv_forward(i["x"], i["W"], i["b"], 1),),
            ),
            *_one_too_few(lambda i, dh, dw: (_crop(_conv_forward(i["x"], i["W"], i["b"], i["stride"]), dh, dw),)),
        ],
        hints={
            "size:z": f"z is (N, Ho, Wo, F), with {SIZE_RULE}.",
            "raised": "Write the shape of every array beside the line: cols (N*Ho*Wo, kh*kw*C) @ "
            "W.reshape(kh*kw*C, F) is (N*Ho*Wo, F); then reshape to (N, Ho, Wo, F).",
        },
        description=(
            "Conv2D's forward with 'valid' padding: z[n, i, j, f] = sum over a, b, c of "
            "x[n, i*s + a, j*s + b, c] * W[a, b, c, f] + b[f], for x (N, H, W, C), W (kh, kw, C, F), b (F,); "
            f"z is (N, Ho, Wo, F) with {SIZE_RULE}. Keras's cross-correlation: no kernel flip."
        ),
    )
)


# --- conv2d backward --------------------------------------------------------------------------------------------
def _conv_numeric(i):
    x, W, dz, s = i["x"].copy(), i["W"].copy(), i["dz"], i["stride"]
    b = np.zeros(W.shape[-1])

    def loss():
        return float(np.sum(_correlate(x, W, b, s) * dz))

    return numeric_gradient(loss, x), numeric_gradient(loss, W), numeric_gradient(loss, b)


def _conv_reference(i):
    return _conv_backward(i["x"], i["W"], i["dz"], i["stride"])


def _dcols(i) -> np.ndarray:
    """dz @ W.T, as (N, Ho, Wo, kh, kw, C): the gradient of every entry of every patch."""
    W, dz = i["W"], i["dz"]
    kh, kw, c, f = W.shape
    return (dz.reshape(-1, f) @ W.reshape(-1, f).T).reshape(*dz.shape[:3], kh, kw, c)


def _dx_by_assignment(i, loop_over: str):
    """col2im written with '=' where it needs '+=': where patches overlap, the last one written wins."""
    dcols, s, dx = _dcols(i), i["stride"], np.zeros_like(i["x"])
    _, ho, wo, kh, kw, _ = dcols.shape
    if loop_over == "offsets":
        for a, b in itertools.product(range(kh), range(kw)):
            dx[:, a : a + s * ho : s, b : b + s * wo : s] = dcols[:, :, :, a, b]
    else:
        for r, q in itertools.product(range(ho), range(wo)):
            dx[:, r * s : r * s + kh, q * s : q * s + kw] = dcols[:, r, q]
    return dx, None, None


AXES = ("kh", "kw", "C", "F")


def _dw_axes_mistakes() -> list:
    """dW with its axes in any other order (e.g. (F, kh, kw, C) when one filter at a time was stacked)."""
    out = []
    for order in itertools.permutations(range(4)):
        if order != (0, 1, 2, 3):
            names = ", ".join(AXES[k] for k in order)
            message = f"its axes are in the order ({names}); W, and so dW, is (kh, kw, C, F)."
            out.append((message, lambda i, order=order: (None, _conv_reference(i)[1].transpose(order), None)))
    return out


def _conv_backward_factors(i):
    n, ho, wo, _ = i["dz"].shape
    return {"N": n, "Ho*Wo": ho * wo, "N*Ho*Wo": n * ho * wo}


def _db_summed_over(axes):
    return lambda i: (None, None, i["dz"].sum(axis=axes))


register(
    Exercise(
        name="conv2d_backward",
        args=("x", "W", "dz", "stride"),
        outputs=("dx", "dW", "db"),
        make_inputs=lambda rng: _conv_inputs(rng, backward=True),
        reference=_conv_reference,
        numeric=_conv_numeric,
        upstream="dz",
        factors=_conv_backward_factors,
        mistakes=[
            (
                FLIP + " So dx = col2im(dz @ W.T): pixel (i*s + a, j*s + b) gets dz[n, i, j, f] * W[a, b, c, f]. "
                "(Written as a 'full' correlation of dz, it is the kernel W[::-1, ::-1] that slides.)",
                lambda i: (_conv_backward(i["x"], _flipped(i["W"]), i["dz"], i["stride"])[0], None, None),
            ),
            (
                FLIP + " So dW = cols.T @ dz, reshaped to (kh, kw, C, F): dW[a, b, c, f] sums "
                "x[n, i*s + a, j*s + b, c] * dz[n, i, j, f].",
                lambda i: (None, _flipped(_conv_reference(i)[1]), None),
            ),
            (
                "transposed: dz.T @ cols is (F, kh*kw*C); dW = cols.T @ dz, then .reshape(kh, kw, C, F).",
                lambda i: (None, _conv_reference(i)[1].reshape(-1, i["W"].shape[-1]).T, None),
            ),
            (
                "dz.T @ cols reshaped to W's shape: the numbers land in the wrong places. dW = cols.T @ dz is "
                "(kh*kw*C, F), and that reshapes to (kh, kw, C, F).",
                lambda i: (None, _conv_reference(i)[1].reshape(-1, i["W"].shape[-1]).T.reshape(i["W"].shape), None),
            ),
            *_dw_axes_mistakes(),
            (
                "summed over the batch only: the bias is added at every position of every image, so its gradient "
                "sums dz over N, Ho and Wo: db = dz.sum(axis=(0, 1, 2)).",
                _db_summed_over(0),
            ),
            (
                "summed over the positions but not the batch: b is shared by every image too, so "
                "db = dz.sum(axis=(0, 1, 2)).",
                _db_summed_over((1, 2)),
            ),
            *(
                (
                    "summed over two of N, Ho and Wo only: the bias is added at every position of every image, so "
                    "db = dz.sum(axis=(0, 1, 2)).",
                    _db_summed_over(axes),
                )
                for axes in ((0, 1), (0, 2))
            ),
            (
                "patches overlap, and col2im wrote each one's gradient with '=' over the last: a pixel in several "
                "patches gets the SUM of their gradients ('+=').",
                lambda i: _dx_by_assignment(i, "offsets"),
            ),
            (
                "patches overlap, and each one's gradient was written with '=' over the last: a pixel in several "
                "patches gets the SUM of their gradients ('+=').",
                lambda i: _dx_by_assignment(i, "positions"),
            ),
        ],
        hints={
            "over:N": "Layers never divide by the batch size: the 1/N of the loss's mean is already inside dz.",
            "over:N*Ho*Wo": "Took the mean over N, Ho and Wo: a shared weight's gradient is the SUM over all its uses.",
            "over:Ho*Wo": "Took the mean over the positions: a shared weight's gradient is the SUM over all its uses.",
            "size:dx": "dx has x's shape (N, H, W, C): give each row of dz @ W.T back to the pixels its patch was cut "
            "from, adding where patches overlap (col2im); pixels no patch covered get 0.",
            "size:dW": "dW has W's shape (kh, kw, C, F).",
            "shape:dW": "reshape cols.T @ dz (kh*kw*C, F) back to W's shape (kh, kw, C, F).",
            "size:db": "db has b's shape (F,): the bias is added at every position of every image, so "
            "db = dz.sum(axis=(0, 1, 2)).",
            "shape:db": "db has b's shape (F,): dz.sum(axis=(0, 1, 2)), without keepdims=True.",
            "raised": "Write the shape of every array beside the line: dz (N, Ho, Wo, F) reshaped to (N*Ho*Wo, F); "
            "cols (N*Ho*Wo, kh*kw*C); W.reshape(kh*kw*C, F).",
        },
        description=(
            "Conv2D's backward ('valid' padding): given x (N, H, W, C), W (kh, kw, C, F) and dz = ∂L/∂z "
            "(N, Ho, Wo, F), return dx (N, H, W, C), dW (kh, kw, C, F) and db (F,)."
        ),
    )
)


# --- max pooling ------------------------------------------------------------------------------------------------
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

"""The convolution exercises of lesson 7: patches, and Conv2D's forward and backward, exactly as scratchnet's layer.

- ``im2col(x, kh, kw, stride=1) -> cols``: every patch of the images as a row;
- ``conv2d_forward(x, W, b, stride=1) -> z`` and ``conv2d_backward(x, W, dz, stride=1) -> (dx, dW, db)``.

Images are channels-last, ``x: (N, H, W, C)``, the kernel is Keras's ``W: (kh, kw, C, F)``, and the padding is
'valid' (only windows that fit). The reference answers run scratchnet's own
:class:`~scratchnet.layers.convolution.Conv2D`, so an exercise teaches exactly what the library does; the
independent answers are finite differences of a forward written here from the definition. Max pooling's
exercises are in :mod:`scratchnet.exercises.pooling`.
"""

from __future__ import annotations

import itertools

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from scratchnet.exercises._core import Exercise, numeric_gradient, register
from scratchnet.layers.convolution import Conv2D
from scratchnet.layers.convolution import im2col as _window_view

SIZE_RULE = "Ho = (H - kh) // stride + 1 and Wo = (W - kw) // stride + 1 ('valid': only windows that fit)"

FLIP = (
    "the kernel is flipped, as in a textbook (true) convolution. Keras's Conv2D, and scratchnet's, computes a "
    "cross-correlation with no flip: z[n, i, j, f] = sum over a, b, c of x[n, i*s + a, j*s + b, c] * W[a, b, c, f] "
    "+ b[f]."
)


# --- the definition, written independently of the layer (for the finite differences) ----------------------------
def _correlate(x: np.ndarray, W: np.ndarray, b: np.ndarray, stride: int) -> np.ndarray:
    """z[n, i, j, f] = sum_{a, b, c} x[n, i*stride + a, j*stride + b, c] * W[a, b, c, f] + b[f], by einsum."""
    kh, kw = W.shape[:2]
    windows = sliding_window_view(x, (kh, kw), axis=(1, 2))[:, ::stride, ::stride]  # (N, Ho, Wo, C, kh, kw)
    return np.einsum("nijcab,abcf->nijf", windows, W) + b


# --- the reference: scratchnet's own layer, in float64 ------------------------------------------------------------
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
    """A small random convolution: H and W differ (a swapped axis shows), strides 1 and 2, and the kernel fits."""
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

"""Tricks for convolutions and pooling: Conv2D's patches in a reused buffer, bias and ReLU in place, the input
gradient one kernel offset at a time, max pooling by window offsets with the ReLU's backward folded into it.
Measured on the course model, see :mod:`scratchnet.speed`.
"""

from __future__ import annotations

import weakref

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

__all__ = [
    "bias_activation_in_place",
    "cols_buffer",
    "conv_forward",
    "conv_grads_into",
    "conv_input_grad",
    "im2col_rows",
    "is_relu_output",
    "kernel_with_bias",
    "max_pool_backward",
    "max_pool_forward",
    "relu_backward_done",
]


# --------------------------------------------------------------------------------------------------------------
# 7. Conv2D's patches in a reused buffer, 8. max pooling by window offsets
# --------------------------------------------------------------------------------------------------------------


# Each Conv2D layer's patch buffer, kept here rather than on the layer (a copy of a layer makes its own).
_COLS_BUFFERS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def cols_buffer(owner) -> np.ndarray | None:
    """The patch buffer :func:`im2col_rows` keeps for ``owner``, or None."""
    return _COLS_BUFFERS.get(owner)


def kernel_with_bias(layer, arrays: dict) -> np.ndarray | None:
    """``W`` and ``b`` of ``arrays`` (``layer.params`` or ``layer.grads``) as one (kh*kw*C + 1, F) matrix, b its
    last row: a view, when b directly follows W in one flat vector (θ or dθ, trick 1). Otherwise None."""
    if not layer.use_bias:
        return None
    w, b = arrays["W"], arrays["b"]
    base = w.base
    if (
        base is None
        or b.base is not base
        or base.ndim != 1
        or not (base.flags.c_contiguous and w.flags.c_contiguous and b.flags.c_contiguous and w.flags.writeable)
        or w.ctypes.data + w.nbytes != b.ctypes.data
    ):
        return None
    start = (w.ctypes.data - base.ctypes.data) // base.itemsize
    return base[start : start + w.size + b.size].reshape(-1, b.size)


def im2col_rows(owner, xp: np.ndarray, window: tuple[int, int], strides: tuple[int, int], ones: bool = False):
    """The patch rows ``(N*Ho*Wo, kh*kw*C)`` of the readable ``im2col(...).transpose(...).reshape(...)``,
    copied into a buffer kept on ``owner`` and reused from one batch to the next; with ``ones``, followed by a
    column of ones (written once, when the buffer is made), so that ``[cols, 1] @ [W; b]`` adds the bias.

    What it buys: the readable reshape allocates a fresh patch matrix every step (8.9 MB for the course's
    second convolution at batch 32); this writes into one buffer instead. Measured: 0.165 -> 0.127 ms per call,
    since malloc mostly hands the freed matrix straight back. The buffer is as large as the largest batch seen;
    a smaller batch (the last one of an epoch) uses its first rows, so it never grows with the dataset.
    """
    sh, sw = strides
    windows = sliding_window_view(xp, window, axis=(1, 2))[:, ::sh, ::sw].transpose(0, 1, 2, 4, 5, 3)  # a view
    n, ho, wo, kh, kw, c = windows.shape
    rows, width = n * ho * wo, kh * kw * c + int(ones)
    buffer = _COLS_BUFFERS.get(owner)
    if buffer is None or buffer.dtype != xp.dtype or buffer.shape[1] != width or buffer.shape[0] < rows:
        buffer = _COLS_BUFFERS[owner] = np.empty((rows, width), dtype=xp.dtype)
        if ones:
            buffer[:, -1] = 1
    cols = buffer[:rows]
    np.copyto(cols[:, : kh * kw * c].reshape(windows.shape), windows)
    return cols


def conv_forward(layer, xp: np.ndarray) -> np.ndarray:
    """Conv2D's ``cols @ W + b`` as (N*Ho*Wo, F), with ``layer.cols`` set to the patch rows.

    When W and b lie side by side in θ (trick 1), the bias rides in the matmul: ``[cols, 1] @ [W; b]``, and in
    the backward ``[cols, 1].T @ dz`` gives dW and db in one go (:func:`conv_grads_into`). What it buys: no
    separate ``z += b`` over z and no ``dz.sum(axis=0)`` over dz (each a pass over 5.5 MB for the course's first
    convolution); the matmuls grow by one row of K (9 -> 10, 576 -> 577).
    """
    wb = kernel_with_bias(layer, layer.params)
    cols = im2col_rows(layer, xp, layer.kernel_size, layer.strides, ones=wb is not None)
    if wb is None:
        layer.cols = cols
        z = cols @ layer.params["W"].reshape(-1, layer.filters)
        if layer.use_bias:
            z += layer.params["b"]
        return z
    layer.cols = cols[:, :-1]  # what the plain backward reads
    return cols @ wb


def conv_grads_into(layer, dz2: np.ndarray) -> None:
    """Conv2D's ``dW = cols.T @ dz`` and ``db = dz.sum(axis=0)`` written into ``layer.grads`` with ``out=``.

    What it buys: the plain lines allocate a new (kh*kw*C, F) gradient and leave the model to copy it into its
    flat dθ (trick 1); here the matmul writes straight into the gradient array that already is a view of dθ.
    When the forward put a column of ones after the patches (:func:`conv_forward`) and dW, db lie side by side
    in dθ, one matmul writes both.
    """
    f = dz2.shape[1]
    grads, params = layer.grads, layer.params
    cols = layer.cols
    with_ones = cols.base is not None and cols.base is cols_buffer(layer) and cols.shape[1] + 1 == cols.base.shape[1]
    dwb = kernel_with_bias(layer, grads) if with_ones else None
    if dwb is not None:
        np.matmul(cols.base[: cols.shape[0]].T, dz2, out=dwb)
        return
    if "W" in grads and grads["W"].shape == params["W"].shape and grads["W"].flags.writeable:
        np.matmul(cols.T, dz2, out=grads["W"].reshape(-1, f))
    else:
        grads["W"] = (cols.T @ dz2).reshape(params["W"].shape)
    if layer.use_bias:
        if "b" in grads and grads["b"].shape == params["b"].shape:
            np.sum(dz2, axis=0, out=grads["b"])
        else:
            grads["b"] = dz2.sum(axis=0)


def max_pool_forward(xp: np.ndarray, pool: tuple[int, int], strides: tuple[int, int]) -> np.ndarray:
    """Max pooling as ``np.maximum`` over the ph*pw offsets of a window: the readable path's y.

    What it buys: the readable path copies every window into an (N, Ho, Wo, C, ph*pw) array and runs argmax
    along its short last axis, which NumPy does row by row; here each offset is one elementwise maximum over
    a strided view of the input, with no copy of the windows. The winners are found in the backward
    (:func:`max_pool_backward`), from ``xp`` and ``y``. Measured for the course's first pooling,
    (32, 26, 26, 64) float32: 0.2 ms instead of about 4 ms (argmax) + 2 ms (take_along_axis).
    """
    ph, pw = pool
    sh, sw = strides
    _, hp, wp, _ = xp.shape
    ho, wo = (hp - ph) // sh + 1, (wp - pw) // sw + 1
    y = xp[:, 0 : sh * ho : sh, 0 : sw * wo : sw, :].copy()
    for a in range(ph):
        for b in range(pw):
            np.maximum(y, xp[:, a : a + sh * ho : sh, b : b + sw * wo : sw, :], out=y)
    return y


def max_pool_backward(dy: np.ndarray, xp: np.ndarray, y: np.ndarray, pool, strides) -> np.ndarray:
    """The backward of :func:`max_pool_forward`, with the readable path's tie rule.

    Offsets are visited in row-major order; an input gets its window's dy if it equals the window's maximum
    and no earlier offset of that window did: the first maximum wins, as ``argmax`` picks it.

    What it buys: no one-hot (N, Ho, Wo, C, ph*pw) array and no argmax; per offset one comparison and one
    strided add. Course's first pooling: about 0.8 ms instead of 4-5 ms.

    When ``xp`` is a ReLU output made by :func:`bias_activation_in_place` (the course's Conv2D(relu) ->
    MaxPooling2D), the ReLU's backward ``dx * (xp > 0)`` is done here, on the pooled side: the one input of a
    window that gets a gradient equals the window's maximum y, so its mask is ``y > 0``, and masking dy
    (N, Ho, Wo, C) is a quarter of the work of masking dx (N, H, W, C). The result is marked so that the
    convolution's backward skips its ReLU step (:func:`relu_backward_done`).
    """
    global _last_relu_done
    relu_input = is_relu_output(xp)
    if relu_input:
        dy = dy * (y > 0)
    ph, pw = pool
    sh, sw = strides
    _, ho, wo, _ = dy.shape
    # Windows side by side (strides == pool, the usual 2x2/2) cover each input at most once: every offset's
    # gradient can be written straight into its strided view, with no zero-filled array to add into first.
    tiled = (sh, sw) == (ph, pw)
    dxp = np.empty(xp.shape, dtype=dy.dtype) if tiled else np.zeros(xp.shape, dtype=dy.dtype)
    if tiled:
        dxp[:, ph * ho :], dxp[:, :, pw * wo :] = 0, 0  # the rows and columns no window reaches
    taken = None  # windows whose maximum has been given its gradient
    won = np.empty(y.shape, dtype=bool)
    for a in range(ph):
        for b in range(pw):
            rows, cols = slice(a, a + sh * ho, sh), slice(b, b + sw * wo, sw)
            np.equal(xp[:, rows, cols, :], y, out=won)
            if taken is None:
                taken = won.copy()
            else:
                np.greater(won, taken, out=won)  # won and not yet taken (for bools, a > b is a and not b)
                taken |= won
            if tiled:
                np.multiply(dy, won, out=dxp[:, rows, cols, :])
            else:
                dxp[:, rows, cols, :] += dy * won
    if relu_input:
        _last_relu_done = (weakref.ref(dxp), weakref.ref(xp))
    return dxp


# --------------------------------------------------------------------------------------------------------------
# 10. bias and ReLU in place, 11. the input gradient one kernel offset at a time, 12. ReLU folded into max pooling
# --------------------------------------------------------------------------------------------------------------

# The ReLU outputs made in place, by id (an entry goes when its array does, so an id is never mistaken for a
# later array's), and the last max-pool gradient that already went through a ReLU's backward, with that ReLU's
# output. Weak references: nothing is kept alive; anything run in between simply fails the identity checks.
_relu_outputs: weakref.WeakValueDictionary = weakref.WeakValueDictionary()
_last_relu_done = (None, None)


def bias_activation_in_place(activation, z: np.ndarray, b: np.ndarray | None) -> np.ndarray:
    """``activation(z + b)`` with ``z`` overwritten when the activation is ReLU, the plain path's numbers.

    What it buys: the plain path makes ``z + b`` in place but ``np.maximum(z, 0)`` as a new array, one more
    (32, 26, 26, 64) float32 array (5.5 MB) written per step for the course's first convolution; here the ReLU
    overwrites ``z``. The activation keeps ``z`` as its ``y``, as its own forward would have. The output is
    remembered (weakly) so that a max pooling right after it can fold the ReLU's backward into its own
    (:func:`max_pool_backward`).
    """
    if b is not None:
        z += b
    if activation.activation_name != "relu":
        return activation.forward(z)
    np.maximum(z, 0, out=z)
    activation.y = z
    _relu_outputs[id(z)] = z
    return z


def is_relu_output(x: np.ndarray) -> bool:
    """Whether ``x`` is a ReLU output made by :func:`bias_activation_in_place` (and still alive)."""
    return _relu_outputs.get(id(x)) is x


def relu_backward_done(dy: np.ndarray, activation) -> bool:
    """Whether ``dy`` came from a max pooling that already applied ``activation``'s ReLU backward."""
    dx, y = (None if ref is None else ref() for ref in _last_relu_done)
    return dx is dy and y is not None and y is activation.y


def conv_input_grad(dz2: np.ndarray, kernel: np.ndarray, padded_shape, out_hw, strides) -> np.ndarray:
    """Conv2D's ``dxp = col2im(dz @ W.T)``, one kernel offset at a time: (N, Hp, Wp, C).

    For the offset (a, b), the patch entries ``[:, :, :, a, b, :]`` of ``dcols`` are ``dz @ W[a, b].T``: one
    (N*Ho*Wo, F) @ (F, C) matmul, added at once to the pixels that offset reads (the same strided ``+=`` as
    :func:`scratchnet.layers.convolution.col2im`). Same multiply-adds, same sums in the same order.

    What it buys: the plain path writes the whole (N*Ho*Wo, kh*kw*C) ``dcols`` (8.9 MB for the course's second
    convolution) and then reads it back with a stride of kh*kw*C; here each offset's (N*Ho*Wo, C) product (1 MB)
    is reused and still in cache when it is added. Measured alone, one BLAS thread, busy machine (best of 40):
    23 -> 14 ms for the course's second convolution.
    """
    kh, kw, c, _ = kernel.shape
    ho, wo = out_hw
    sh, sw = strides
    n = padded_shape[0]
    dxp = np.zeros(padded_shape, dtype=dz2.dtype)
    part = np.empty((dz2.shape[0], c), dtype=dz2.dtype)
    for a in range(kh):
        for b in range(kw):
            np.matmul(dz2, kernel[a, b].T, out=part)
            dxp[:, a : a + sh * ho : sh, b : b + sw * wo : sw, :] += part.reshape(n, ho, wo, c)
    return dxp

"""Performance tricks for Conv2D and MaxPooling2D, kept apart from the readable code (to be folded into
``scratchnet.speed``).

The readable path in :mod:`scratchnet.conv` and :mod:`scratchnet.pooling` is the textbook; these functions
compute exactly the same numbers (``tests/test_conv_speed.py`` checks it, bit for bit where the arithmetic is
the same) and are used while :func:`enabled` is True. Switch them off to read or step through the plain code:

    with scratchnet._conv_speed.disabled():
        model.fit(...)

What each one buys, measured on the course model (Conv2D(64, 3x3) -> MaxPool -> Conv2D(64, 3x3) -> MaxPool ->
Dense(128) -> Dense(10), Adam, batch 32, float32, one BLAS thread as fit picks) on this project's shared 2-core
AMD EPYC (other programs running: ±20 % between runs):

    ms per training step                                         readable   with the trick
    max pooling by window offsets (max_pool_forward/backward)    26-28      15-17    (most of the gain)
    im2col into a reused buffer (im2col_rows), per call           0.165      0.127 ms (second conv's patches)

The max-pooling trick is what takes an epoch from ~50 s to ~29 s (``python benchmarks/train_speed.py --model
cnn --steps 150 --data-dir ../shared/data``, with and without ``--readable``: 26.6 -> 15.2 ms/step). The
buffer is worth little time here, because glibc hands the freed patch matrix straight back; it is kept for
what the issue asks (patch buffers reused between steps, nothing allocated per batch in proportion to it) and
can be dropped if the lead prefers fewer tricks. Details in benchmarks/README.md.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

__all__ = ["disabled", "enabled", "im2col_rows", "max_pool_backward", "max_pool_forward"]

#: The switch. True: Conv2D and MaxPooling2D use the functions below; False: the readable code alone.
ENABLED = True


def enabled() -> bool:
    return ENABLED


@contextlib.contextmanager
def disabled() -> Iterator[None]:
    """Run the ``with`` block on the readable path only."""
    global ENABLED
    previous, ENABLED = ENABLED, False
    try:
        yield
    finally:
        ENABLED = previous


def im2col_rows(owner, xp: np.ndarray, window: tuple[int, int], strides: tuple[int, int]) -> np.ndarray:
    """The patch rows ``(N*Ho*Wo, kh*kw*C)`` of the readable ``im2col(...).transpose(...).reshape(...)``,
    copied into a buffer kept on ``owner`` and reused from one batch to the next.

    What it buys: the readable reshape allocates a fresh patch matrix every step (8.9 MB for the course's
    second convolution at batch 32); this writes into one buffer instead. Measured: 0.165 -> 0.127 ms per call,
    since malloc mostly hands the freed matrix straight back. The buffer is as large as the largest batch seen;
    a smaller batch (the last one of an epoch) uses its first rows, so it never grows with the dataset.
    """
    sh, sw = strides
    windows = sliding_window_view(xp, window, axis=(1, 2))[:, ::sh, ::sw].transpose(0, 1, 2, 4, 5, 3)  # a view
    n, ho, wo, kh, kw, c = windows.shape
    rows, width = n * ho * wo, kh * kw * c
    buffer = getattr(owner, "_cols_buffer", None)
    if buffer is None or buffer.dtype != xp.dtype or buffer.shape[1] != width or buffer.shape[0] < rows:
        buffer = owner._cols_buffer = np.empty((rows, width), dtype=xp.dtype)
    cols = buffer[:rows]
    np.copyto(cols.reshape(windows.shape), windows)
    return cols


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
    """
    ph, pw = pool
    sh, sw = strides
    _, ho, wo, _ = dy.shape
    dxp = np.zeros(xp.shape, dtype=dy.dtype)
    taken = np.zeros(y.shape, dtype=bool)  # windows whose maximum has been given its gradient
    for a in range(ph):
        for b in range(pw):
            rows, cols = slice(a, a + sh * ho, sh), slice(b, b + sw * wo, sw)
            won = (xp[:, rows, cols, :] == y) & ~taken
            taken |= won
            dxp[:, rows, cols, :] += dy * won
    return dxp

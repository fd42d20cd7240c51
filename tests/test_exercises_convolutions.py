"""The convolution exercises (lesson 7): right answers pass, and each classic mistake is named in the report.

The right answers here are written from the definitions, independently of scratchnet's layers: im2col by a loop
over the kernel offsets, the convolution as that matmul, col2im by ``+=``, pooling by a reshape into blocks and
``argmax`` (the first maximum in row-major order). Each wrong answer is a slip learners make, and the test asserts
the words the report uses for it.
"""

from __future__ import annotations

import numpy as np
import pytest

from scratchnet import exercises, speed


def _out(h, w, kh, kw, stride, plus_one=1):
    return (h - kh) // stride + plus_one, (w - kw) // stride + plus_one


def im2col(x, kh, kw, stride=1, plus_one=1, order="abc"):
    n, h, w, c = x.shape
    ho, wo = _out(h, w, kh, kw, stride, plus_one)
    patches = np.empty((n, ho, wo, kh, kw, c), dtype=x.dtype)
    for a in range(kh):
        for b in range(kw):
            patches[:, :, :, a, b, :] = x[:, a : a + stride * ho : stride, b : b + stride * wo : stride, :]
    if order == "cab":
        patches = patches.transpose(0, 1, 2, 5, 3, 4)
    elif order == "bac":
        patches = patches.transpose(0, 1, 2, 4, 3, 5)
    return patches.reshape(n * ho * wo, kh * kw * c)


def conv2d_forward(x, W, b, stride=1, plus_one=1, order="abc"):
    kh, kw, _, f = W.shape
    n, h, w, _ = x.shape
    ho, wo = _out(h, w, kh, kw, stride, plus_one)
    return (im2col(x, kh, kw, stride, plus_one, order) @ W.reshape(-1, f) + b).reshape(n, ho, wo, f)


def _col2im(dcols, x, stride, assign=False):
    _, ho, wo, kh, kw, _ = dcols.shape
    dx = np.zeros_like(x)
    for a in range(kh):
        for b in range(kw):
            where = (slice(None), slice(a, a + stride * ho, stride), slice(b, b + stride * wo, stride))
            if assign:
                dx[where] = dcols[:, :, :, a, b, :]
            else:
                dx[where] += dcols[:, :, :, a, b, :]
    return dx


def conv2d_backward(x, W, dz, stride=1, assign=False):
    kh, kw, c, f = W.shape
    n, ho, wo, _ = dz.shape
    dz2 = dz.reshape(-1, f)
    dW = (im2col(x, kh, kw, stride).T @ dz2).reshape(W.shape)
    dcols = (dz2 @ W.reshape(-1, f).T).reshape(n, ho, wo, kh, kw, c)
    return _col2im(dcols, x, stride, assign), dW, dz2.sum(axis=0)


def _blocks(x, size):
    """(N, Ho, Wo, C, size*size): each window in row-major order."""
    n, h, w, c = x.shape
    ho, wo = h // size, w // size
    return (
        x[:, : ho * size, : wo * size]
        .reshape(n, ho, size, wo, size, c)
        .transpose(0, 1, 3, 5, 2, 4)
        .reshape(n, ho, wo, c, size * size)
    )


def _unblocks(d, x, size):
    n, ho, wo, c, _ = d.shape
    dx = np.zeros_like(x)
    dx[:, : ho * size, : wo * size] = (
        d.reshape(n, ho, wo, c, size, size).transpose(0, 1, 4, 2, 5, 3).reshape(n, ho * size, wo * size, c)
    )
    return dx


def maxpool2d_forward(x, size=2):
    return _blocks(x, size).max(axis=-1)


def maxpool2d_backward(x, dy, size=2, rule="first"):
    windows = _blocks(x, size)
    if rule == "first":
        share = np.arange(size * size) == windows.argmax(axis=-1)[..., None]
    elif rule == "ties":
        share = windows == windows.max(axis=-1, keepdims=True)
    elif rule == "split":
        ties = windows == windows.max(axis=-1, keepdims=True)
        share = ties / ties.sum(axis=-1, keepdims=True)
    elif rule == "every":
        share = np.ones_like(windows)
    elif rule == "column-major":
        by_columns = windows.reshape(*windows.shape[:-1], size, size).swapaxes(-1, -2).reshape(windows.shape)
        first = np.arange(size * size) == by_columns.argmax(axis=-1)[..., None]
        share = first.reshape(*windows.shape[:-1], size, size).swapaxes(-1, -2).reshape(windows.shape)
    return _unblocks(share * dy[..., None], x, size)


RIGHT = {
    "im2col": im2col,
    "conv2d_forward": conv2d_forward,
    "conv2d_backward": conv2d_backward,
    "maxpool2d_forward": maxpool2d_forward,
    "maxpool2d_backward": maxpool2d_backward,
}


@pytest.mark.parametrize("name", sorted(RIGHT))
@pytest.mark.parametrize("seed", [0, 123])
def test_a_right_answer_passes(name, seed):
    report = exercises.check(name, RIGHT[name], seed=seed)
    assert report.passed, str(report)
    assert report.problems == [] and "PASSED" in str(report)
    assert not report.notes, "these answers keep float32"


@pytest.mark.parametrize("name", sorted(RIGHT))
def test_the_references_are_the_same_without_the_speed_tricks(name):
    with speed.disabled():
        assert exercises.check(name, RIGHT[name]).passed


def _conv_dW_axes(x, W, dz, stride=1):
    dx, dW, db = conv2d_backward(x, W, dz, stride)
    return dx, dW.transpose(3, 0, 1, 2), db


def _dz2(x, W, dz):
    return dz.reshape(-1, W.shape[-1])


def _patches_view_order(x, W, b, stride=1):
    """The (C, kh, kw) patches of sliding_window_view, without the transpose, times W.reshape(kh*kw*C, F)."""
    kh, kw, _, f = W.shape
    n = len(x)
    cols = np.lib.stride_tricks.sliding_window_view(x, (kh, kw), axis=(1, 2))[:, ::stride, ::stride]
    ho, wo = cols.shape[1:3]
    return (cols.reshape(n * ho * wo, -1) @ W.reshape(-1, f) + b).reshape(n, ho, wo, f)


def _maxpool_no_crop(x, size=2):
    n, h, w, c = x.shape
    return x.reshape(n, h // size, size, w // size, size, c).max(axis=(2, 4))


def _maxpool_same(x, size=2):
    n, h, w, c = x.shape
    ho, wo = -(-h // size), -(-w // size)
    padded = np.full((n, ho * size, wo * size, c), -np.inf)
    padded[:, :h, :w] = x
    return maxpool2d_forward(padded, size)


def _maxpool_stride_1(x, size=2):
    windows = np.lib.stride_tricks.sliding_window_view(x, (size, size), axis=(1, 2))
    return windows.max(axis=(-2, -1))


def _inplace_maxpool_backward(x, dy, size=2):
    dx = maxpool2d_backward(x, dy, size)
    dy[...] = 0.0  # "done with it": but dy belongs to the caller
    return dx


MISTAKES = [
    ("im2col", lambda x, kh, kw, stride=1: None, "returned None"),
    ("im2col", lambda x, kh, kw, stride=1: im2col(x, kh, kw, stride, order="cab"), "(C, kh, kw) order"),
    ("im2col", lambda x, kh, kw, stride=1: im2col(x, kh, kw, stride, order="bac"), "(kw, kh, C) order"),
    ("im2col", lambda x, kh, kw, stride=1: im2col(x, kh, kw), "ignored the stride"),
    ("im2col", lambda x, kh, kw, stride=1: im2col(x, kh, kw, stride, plus_one=0), "off by one"),
    (
        "im2col",
        lambda x, kh, kw, stride=1: im2col(x, kh, kw, stride).reshape(len(x), -1, kh * kw * x.shape[-1]),
        "The numbers are right; cols is 2-D",
    ),
    ("conv2d_forward", lambda x, W, b, stride=1: conv2d_forward(x, W[::-1, ::-1], b, stride), "kernel is flipped"),
    ("conv2d_forward", lambda x, W, b, stride=1: conv2d_forward(x, W, 0.0, stride), "forgot to add the bias"),
    ("conv2d_forward", _patches_view_order, "(C, kh, kw) order"),
    ("conv2d_forward", lambda x, W, b, stride=1: conv2d_forward(x, W, b), "ignored the stride"),
    ("conv2d_forward", lambda x, W, b, stride=1: conv2d_forward(x, W, b, stride, plus_one=0), "off by one"),
    (
        "conv2d_forward",
        lambda x, W, b, stride=1: np.zeros((*x.shape[:3], W.shape[-1])),
        "Ho = (H - kh) // stride + 1",
    ),
    ("conv2d_forward", lambda x, W, b, stride=1: x @ W + b, "raised ValueError"),
    (
        "conv2d_backward",
        lambda x, W, dz, stride=1: (
            conv2d_backward(x, W[::-1, ::-1], dz, stride)[0],
            *conv2d_backward(x, W, dz, stride)[1:],
        ),
        "dx: the kernel is flipped",
    ),
    (
        "conv2d_backward",
        lambda x, W, dz, stride=1: (lambda r: (r[0], r[1][::-1, ::-1], r[2]))(conv2d_backward(x, W, dz, stride)),
        "dW: the kernel is flipped",
    ),
    (
        "conv2d_backward",
        lambda x, W, dz, stride=1: (
            conv2d_backward(x, W, dz, stride)[0],
            _dz2(x, W, dz).T @ im2col(x, *W.shape[:2], stride),
            dz.sum(axis=(0, 1, 2)),
        ),
        "dW: transposed: dz.T @ cols",
    ),
    (
        "conv2d_backward",
        lambda x, W, dz, stride=1: (
            conv2d_backward(x, W, dz, stride)[0],
            (_dz2(x, W, dz).T @ im2col(x, *W.shape[:2], stride)).reshape(W.shape),
            dz.sum(axis=(0, 1, 2)),
        ),
        "the numbers land in the wrong places",
    ),
    ("conv2d_backward", _conv_dW_axes, "axes are in the order (F, kh, kw, C)"),
    (
        "conv2d_backward",
        lambda x, W, dz, stride=1: (*conv2d_backward(x, W, dz, stride)[:2], dz.sum(axis=0)),
        "db: summed over the batch only",
    ),
    (
        "conv2d_backward",
        lambda x, W, dz, stride=1: (*conv2d_backward(x, W, dz, stride)[:2], dz.sum(axis=(1, 2))),
        "summed over the positions but not the batch",
    ),
    (
        "conv2d_backward",
        lambda x, W, dz, stride=1: (*conv2d_backward(x, W, dz, stride)[:2], dz.sum(axis=(0, 1))),
        "db = dz.sum(axis=(0, 1, 2))",
    ),
    (
        "conv2d_backward",
        lambda x, W, dz, stride=1: (*conv2d_backward(x, W, dz, stride)[:2], dz.mean(axis=(0, 1, 2))),
        "Took the mean over N, Ho and Wo",
    ),
    (
        "conv2d_backward",
        lambda x, W, dz, stride=1: (lambda r: (r[0], r[1] / len(x), r[2]))(conv2d_backward(x, W, dz, stride)),
        "Layers never divide by the batch size",
    ),
    ("conv2d_backward", lambda x, W, dz, stride=1: conv2d_backward(x, W, dz, stride, assign=True), "'+='"),
    (
        "conv2d_backward",
        lambda x, W, dz, stride=1: conv2d_backward(x, W, np.ones_like(dz), stride),
        "forgot to multiply by `dz`",
    ),
    (
        "conv2d_backward",
        lambda x, W, dz, stride=1: tuple(-g for g in conv2d_backward(x, W, dz, stride)),
        "wrong sign",
    ),
    (
        "conv2d_backward",
        lambda x, W, dz, stride=1: (
            _dz2(x, W, dz) @ W.reshape(-1, W.shape[-1]).T,
            *conv2d_backward(x, W, dz, stride)[1:],
        ),
        "(col2im)",
    ),
    ("maxpool2d_forward", lambda x, size=2: _blocks(x, size).mean(axis=-1), "that is average pooling"),
    ("maxpool2d_forward", _maxpool_same, "kept the partial windows"),
    ("maxpool2d_forward", _maxpool_stride_1, "one pixel at a time"),
    ("maxpool2d_forward", _maxpool_no_crop, "crop first"),
    ("maxpool2d_forward", lambda x, size=2: x[:, ::size, ::size], "Ho = (H - size) // size + 1"),
    ("maxpool2d_backward", lambda x, dy, size=2: maxpool2d_backward(x, dy, size, "every"), "every input of its window"),
    (
        "maxpool2d_backward",
        lambda x, dy, size=2: maxpool2d_backward(x, dy, size, "every") / size**2,
        "average pooling's backward",
    ),
    ("maxpool2d_backward", lambda x, dy, size=2: maxpool2d_backward(x, dy, size, "ties"), "every tied maximum"),
    ("maxpool2d_backward", lambda x, dy, size=2: maxpool2d_backward(x, dy, size, "split"), "split dy among the tied"),
    (
        "maxpool2d_backward",
        lambda x, dy, size=2: maxpool2d_backward(x, dy, size, "column-major"),
        "first maximum in column-major order",
    ),
    (
        "maxpool2d_backward",
        lambda x, dy, size=2: maxpool2d_backward(x, dy, size)[:, : dy.shape[1] * size, : dy.shape[2] * size],
        "dx covers only the windows",
    ),
    (
        "maxpool2d_backward",
        lambda x, dy, size=2: maxpool2d_backward(x, np.ones_like(dy), size),
        "forgot to multiply by `dy`",
    ),
    ("maxpool2d_backward", _inplace_maxpool_backward, "changed its input `dy` in place"),
]


@pytest.mark.parametrize(("name", "fn", "named"), MISTAKES, ids=[f"{m[0]}-{m[2][:28]}" for m in MISTAKES])
def test_each_classic_mistake_is_named(name, fn, named):
    report = exercises.check(name, fn)
    assert report.status == "failed"
    assert any(named in p for p in report.problems), str(report)
    assert "NOT YET RIGHT" in str(report)


def test_the_cases_have_both_strides_and_a_tie_the_rule_decides():
    """Without stride-2 cases 'ignored the stride' would pass; without ties, any tie rule would."""
    conv = exercises.get("conv2d_backward")
    rng = np.random.default_rng(0)
    assert {conv.make_inputs(rng)["stride"] for _ in range(conv.cases)} == {1, 2}
    pool = exercises.get("maxpool2d_backward").make_inputs(np.random.default_rng(0))
    x, dy, size = pool["x"], pool["dy"], pool["size"]
    dx = exercises.get("maxpool2d_backward").reference(pool)[0]
    # The first window of image 0, channel 0, holds two maxima: (0, 1) comes first in row-major order.
    assert x[0, 0, 1, 0] == x[0, 1, 0, 0] == x[0, :size, :size, 0].max()
    assert dx[0, 0, 1, 0] == dy[0, 0, 0, 0] and dx[0, 1, 0, 0] == 0.0


def test_the_exercises_describe_their_shapes():
    assert "(N, Ho, Wo, F)" in exercises.describe("conv2d_forward")
    assert "row-major" in exercises.describe("maxpool2d_backward")
    assert exercises.describe("conv2d_backward").startswith("conv2d_backward(x, W, dz, stride) -> (dx, dW, db)")


def test_not_done_yet_says_so():
    def conv2d_backward(x, W, dz, stride=1):
        # your code here
        raise NotImplementedError

    assert exercises.check(conv2d_backward).status == "not done"

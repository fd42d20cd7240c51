"""Pooling layers (max, average, global average): no parameters, only a forward and a backward.

A pooling layer cuts the image into windows with the same :func:`scratchnet.layers.convolution.im2col` a
convolution uses, and reduces each window to one number per channel. Its backward hands each output's gradient
back to the window it came from with :func:`scratchnet.layers.convolution.col2im`:

    max:      the whole gradient goes to the one input that was the maximum (the others did not matter);
    average:  every input of the window gets an equal share, dy / (number of inputs averaged).

Images are channels-last, ``(N, H, W, C)``, as in Keras; pooling works on each channel separately.
"""

from __future__ import annotations

import numpy as np

from scratchnet import speed
from scratchnet.layers.base import Layer
from scratchnet.layers.convolution import (
    _channels_last_shape,
    _check_images,
    _data_format,
    _output_hw,
    _padding,
    _pair,
    col2im,
    im2col,
    same_padding,
)

__all__ = ["AveragePooling2D", "GlobalAveragePooling2D", "MaxPooling2D"]


class _Pooling2D(Layer):
    """What max and average pooling share: the window sizes, the strides, the padding, the output shape."""

    def __init__(self, pool_size=(2, 2), strides=None, padding: str = "valid", data_format=None, **kwargs):
        who = type(self).__name__
        self.pool_size = _pair(who, "pool_size", pool_size)
        # Keras: strides=None means windows side by side, each starting where the previous one ended.
        self.strides = self.pool_size if strides is None else _pair(who, "strides", strides)
        self.padding = _padding(who, padding)
        _data_format(who, data_format)
        super().__init__(**kwargs)

    def compute_output_shape(self, input_shape):
        who = f"{type(self).__name__} '{self.name}'"
        h, w, c = _channels_last_shape(who, input_shape)
        ho, wo = _output_hw(who, (h, w), self.pool_size, self.strides, self.padding, input_shape, "pool")
        return (ho, wo, c)

    def build(self, input_shape, rng, dtype):
        self.compute_output_shape(input_shape)  # checks the shape and that the pool fits
        super().build(input_shape, rng, dtype)

    def _pad(self, x: np.ndarray, pad_value: float) -> np.ndarray:
        """``x`` checked, and padded with ``pad_value`` for 'same': (N, Hp, Wp, C). Remembers the shapes."""
        who = f"{type(self).__name__} '{self.name}'"
        _check_images(who, x, self.input_shape[-1] if self.built else x.shape[-1])
        _, h, w, _ = x.shape
        _output_hw(who, (h, w), self.pool_size, self.strides, self.padding, x.shape[1:], "pool")
        if self.padding == "same":
            self.pads = tuple(
                same_padding(s, k, st) for s, k, st in zip((h, w), self.pool_size, self.strides, strict=True)
            )
        else:
            self.pads = ((0, 0), (0, 0))
        (pt, pb), (pl, pr) = self.pads
        xp = x
        if pt + pb + pl + pr:
            xp = np.pad(x, ((0, 0), (pt, pb), (pl, pr), (0, 0)), constant_values=pad_value)
        self.x_shape, self.padded_shape = x.shape, xp.shape
        return xp

    def _unpad(self, dxp: np.ndarray) -> np.ndarray:
        (pt, _), (pl, _) = self.pads
        _, h, w, _ = self.x_shape
        return dxp[:, pt : pt + h, pl : pl + w, :]

    def get_config(self):
        return {
            **super().get_config(),
            "pool_size": list(self.pool_size),
            "strides": list(self.strides),
            "padding": self.padding,
        }


class MaxPooling2D(_Pooling2D):
    """Max pooling: the largest value of each ``ph × pw`` window, per channel.

    Forward:   windows = patches(pad(x))                   x: (N, H, W, C)  ->  (N, Ho, Wo, C, ph*pw)
               k       = windows.argmax(-1)                (N, Ho, Wo, C)   which entry of its window won
               y       = windows.max(-1)                   (N, Ho, Wo, C)
    Backward:  dwindows = onehot(k) * dy[..., None]        (N, Ho, Wo, C, ph*pw)   only the winner gets dy
               dx       = col2im(dwindows) without padding (N, H, W, C)   overlapping windows add up

    The maximum's derivative is 1 for the input that is the maximum and 0 for the others: moving a loser a
    little does not change the output. **Ties**: when several inputs of a window share the maximum, the
    whole gradient goes to the *first* of them in row-major order (top row first, left to right), the one
    ``argmax`` returns, as TensorFlow and PyTorch do. (The max has no derivative at a tie; giving each tied
    input the full ``dy`` would count it twice, so exactly one gets it.)

    With ``padding='same'`` the padding is -inf, so it never wins: the maximum is over the real inputs.

    Args:
        pool_size: (ph, pw), or one int: ``MaxPooling2D(2, 2)`` halves height and width, as in the course.
        strides: (sh, sw), one int, or None (the default) for ``pool_size``: windows side by side.
        padding: ``'valid'`` or ``'same'``.
        **kwargs: ``name``, ``input_shape``, ``dtype``.

    >>> import numpy as np
    >>> MaxPooling2D(2, 2)(np.arange(16.0).reshape(1, 4, 4, 1))[0, :, :, 0]
    array([[ 5.,  7.],
           [13., 15.]], dtype=float32)
    """

    def forward(self, x, training=False):
        xp = self._pad(x, pad_value=-np.inf)
        if speed.enabled():  # the same y and argmax, by a loop over window offsets
            self.xp = xp
            self.y = speed.max_pool_forward(xp, self.pool_size, self.strides)
            return self.y
        windows = im2col(xp, self.pool_size, self.strides)  # (N, Ho, Wo, C, ph, pw), a view
        windows = windows.reshape(*windows.shape[:4], -1)  # one axis per window: a copy of the windows
        self.argmax = windows.argmax(axis=-1)  # first maximum in row-major order: the tie rule
        return np.take_along_axis(windows, self.argmax[..., None], axis=-1)[..., 0]

    def backward(self, dy):
        if speed.enabled():
            dxp = speed.max_pool_backward(dy, self.xp, self.y, self.pool_size, self.strides)
            return dxp if dxp.shape == self.x_shape else self._unpad(dxp)  # unpadded: the very array it marked
        ph, pw = self.pool_size
        winner = np.arange(ph * pw) == self.argmax[..., None]  # bool one-hot: keeps dy's dtype below
        dwindows = (winner * dy[..., None]).reshape(*dy.shape, ph, pw)
        # col2im wants (N, Ho, Wo, ph, pw, C); the transpose is a view.
        return self._unpad(col2im(dwindows.transpose(0, 1, 2, 4, 5, 3), self.padded_shape, self.strides))


class AveragePooling2D(_Pooling2D):
    """Average pooling: the mean of each ``ph × pw`` window, per channel.

    Forward:   windows = patches(pad(x))                   x: (N, H, W, C)  ->  (N, Ho, Wo, C, ph, pw)
               y       = windows.sum(axis=(4, 5)) / count  (N, Ho, Wo, C)   count: (Ho, Wo, 1) real inputs
    Backward:  dx      = col2im(dy / count, to every       (N, H, W, C)     each input of a window gets an
                        entry of its window) w/o padding                    equal share of its dy

    ``count`` is ``ph * pw`` everywhere with ``padding='valid'``. With ``'same'`` the padded zeros are not
    counted, as in TensorFlow: a window half off the image averages its real inputs only.
    """

    def _count(self, ho: int, wo: int, dtype) -> np.ndarray:
        """(Ho, Wo, 1): how many real (unpadded) inputs each window averages."""
        (pt, pb), (pl, pr) = self.pads
        _, h, w, _ = self.x_shape
        real = np.pad(np.ones((1, h, w, 1), dtype=dtype), ((0, 0), (pt, pb), (pl, pr), (0, 0)))
        return im2col(real, self.pool_size, self.strides).sum(axis=(4, 5))[0]

    def forward(self, x, training=False):
        windows = im2col(self._pad(x, pad_value=0.0), self.pool_size, self.strides)  # (N, Ho, Wo, C, ph, pw)
        _, ho, wo = windows.shape[:3]
        self.count = self._count(ho, wo, x.dtype)
        return windows.sum(axis=(4, 5)) / self.count

    def backward(self, dy):
        share = dy / self.count  # (N, Ho, Wo, C): what each input of a window receives from it
        ph, pw = self.pool_size
        # Every entry of a window gets the same share: a broadcast view, no (.., ph, pw, ..) array is built.
        dwindows = np.broadcast_to(share[:, :, :, None, None, :], (*share.shape[:3], ph, pw, share.shape[3]))
        return self._unpad(col2im(dwindows, self.padded_shape, self.strides))


class GlobalAveragePooling2D(Layer):
    """The mean of each channel over the whole image: (N, H, W, C) -> (N, C).

    Forward:   y  = x.mean(axis=(1, 2))                    x: (N, H, W, C)  ->  y: (N, C)
    Backward:  dx = dy[:, None, None, :] / (H * W)         (N, H, W, C)   every pixel an equal share

    Args:
        keepdims: keep the spatial axes, giving (N, 1, 1, C), as Keras's ``keepdims=True``.
    """

    def __init__(self, data_format=None, keepdims: bool = False, **kwargs):
        _data_format("GlobalAveragePooling2D", data_format)
        super().__init__(**kwargs)
        self.keepdims = bool(keepdims)

    def compute_output_shape(self, input_shape):
        _, _, c = _channels_last_shape(f"GlobalAveragePooling2D '{self.name}'", input_shape)
        return (1, 1, c) if self.keepdims else (c,)

    def build(self, input_shape, rng, dtype):
        self.compute_output_shape(input_shape)
        super().build(input_shape, rng, dtype)

    def forward(self, x, training=False):
        _check_images(f"GlobalAveragePooling2D '{self.name}'", x, self.input_shape[-1] if self.built else x.shape[-1])
        self.x_shape = x.shape
        return x.mean(axis=(1, 2), keepdims=self.keepdims)

    def backward(self, dy):
        n, h, w, c = self.x_shape
        share = dy.reshape(n, 1, 1, c) / (h * w)  # h * w is a Python int: dy's dtype is kept
        return np.broadcast_to(share, self.x_shape).copy()  # a real array: callers may write into dx

    def get_config(self):
        return {**super().get_config(), "keepdims": self.keepdims}

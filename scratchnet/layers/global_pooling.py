"""Global pooling over a whole sequence or image: one number per channel. GlobalAveragePooling1D (which honours
the padding mask of ``Embedding(mask_zero=True)``), GlobalMaxPooling1D and GlobalMaxPooling2D.
(GlobalAveragePooling2D is in :mod:`scratchnet.layers.pooling`, beside the other 2D pooling.)
"""

from __future__ import annotations

import numpy as np

from scratchnet.layers.base import Layer

__all__ = ["GlobalAveragePooling1D", "GlobalMaxPooling1D", "GlobalMaxPooling2D"]


class _GlobalPooling(Layer):
    ndim = 1  # axes pooled: 1 (time) or 2 (height, width)

    def __init__(self, data_format=None, keepdims: bool = False, **kwargs):
        if data_format not in (None, "channels_last"):
            raise ValueError(
                f"{type(self).__name__} in scratchnet is channels_last only. Received: data_format={data_format!r}."
            )
        super().__init__(**kwargs)
        self.keepdims = bool(keepdims)

    def compute_output_shape(self, input_shape):
        if len(input_shape) != self.ndim + 1:
            what = "(batch, timesteps, channels)" if self.ndim == 1 else "(batch, height, width, channels)"
            raise ValueError(
                f"{type(self).__name__} '{self.name}' expected inputs of shape {what}. "
                f"Received: input_shape={(None, *input_shape)}."
            )
        return (*([1] * self.ndim), input_shape[-1]) if self.keepdims else (input_shape[-1],)

    def build(self, input_shape, rng, dtype):
        self.compute_output_shape(tuple(input_shape))
        super().build(input_shape, rng, dtype)

    def _check(self, x):
        if x.ndim != self.ndim + 2:
            self.compute_output_shape(x.shape[1:])

    def _shape_out(self, y):
        return y.reshape(y.shape[0], *([1] * self.ndim), y.shape[-1]) if self.keepdims else y

    def get_config(self):
        return {**super().get_config(), "keepdims": self.keepdims}


class GlobalAveragePooling1D(_GlobalPooling):
    """The mean over time of each channel: ``keras.layers.GlobalAveragePooling1D`` (DLAI's text classifiers).

    Forward:   y  = (x * m).sum(axis=1) / m.sum(axis=1)     x: (N, T, C)  m: (N, T, 1), 1 where not padding
                                                            ->  y: (N, C)
    Backward:  dx = dy[:, None, :] * m / m.sum(axis=1)      (N, T, C)   each real step gets an equal share

    Without a mask, m is all ones: the plain mean over the T steps.
    """

    def forward(self, x, training=False):
        self._check(x)
        mask = self.input_mask
        if mask is None:
            self.weights_t = np.full((1, x.shape[1], 1), 1.0 / x.shape[1], dtype=x.dtype)
        else:
            m = mask[:, :, None].astype(x.dtype)
            self.weights_t = m / np.maximum(m.sum(axis=1, keepdims=True), 1)  # all padding: a row of zeros
        return self._shape_out((x * self.weights_t).sum(axis=1))

    def backward(self, dy):
        dy = dy.reshape(dy.shape[0], 1, dy.shape[-1])
        return dy * self.weights_t


class _GlobalMax(_GlobalPooling):
    """Forward:   y = x.max over the pooled axes            (N, C)
    Backward:  dx = dy at each channel's argmax, 0 elsewhere   like x: only the largest input mattered
    """

    def forward(self, x, training=False):
        self._check(x)
        n, c = x.shape[0], x.shape[-1]
        flat = x.reshape(n, -1, c)
        self.arg = flat.argmax(axis=1)  # (N, C)
        self.x_shape = x.shape
        return self._shape_out(np.take_along_axis(flat, self.arg[:, None, :], axis=1)[:, 0])

    def backward(self, dy):
        n, c = self.x_shape[0], self.x_shape[-1]
        dflat = np.zeros((n, int(np.prod(self.x_shape[1:-1])), c), dtype=dy.dtype)
        np.put_along_axis(dflat, self.arg[:, None, :], dy.reshape(n, 1, c), axis=1)
        return dflat.reshape(self.x_shape)


class GlobalMaxPooling1D(_GlobalMax):
    __doc__ = "The largest value over time of each channel: ``keras.layers.GlobalMaxPooling1D``.\n\n    " + (
        _GlobalMax.__doc__ or ""
    )
    ndim = 1


class GlobalMaxPooling2D(_GlobalMax):
    __doc__ = "The largest value over the image of each channel: ``keras.layers.GlobalMaxPooling2D``.\n\n    " + (
        _GlobalMax.__doc__ or ""
    )
    ndim = 2

"""Conv1D, MaxPooling1D, AveragePooling1D: windows sliding along the time axis of sequences (N, T, C).

The same idea as Conv2D's im2col, in one dimension: gather every window of the (padded) sequence into an array
of patches with one fancy index, ``xp[:, starts[:, None] + offsets[None, :]]``, and the convolution is one matmul.
The backward scatters each window's gradient back where it came from with ``np.add.at`` (windows overlap, so
their gradients add).

Padding: ``'valid'`` (none: the output is shorter), ``'same'`` (zeros on both sides so that T_out = ceil(T / s)),
``'causal'`` (Conv1D only: zeros on the left only, so that output t sees inputs up to t and never the future, as in
WaveNet and the time-series labs).
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from scratchnet import initializers, regularizers
from scratchnet.layers.activations import Activation
from scratchnet.layers.base import Layer

__all__ = ["AveragePooling1D", "Conv1D", "MaxPooling1D", "window_indices"]


def _int(who: str, name: str, value) -> int:
    if isinstance(value, (list, tuple)) and len(value) == 1:
        value = value[0]
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value <= 0:
        raise ValueError(f"{who} expected `{name}` to be a positive integer. Received: {name}={value!r}.")
    return int(value)


def _padding_1d(who: str, padding, allowed=("valid", "same")) -> str:
    value = padding.lower() if isinstance(padding, str) else padding
    if value not in allowed:
        raise ValueError(f"{who} expected `padding` to be one of {list(allowed)}. Received: padding={padding!r}.")
    return value


def window_indices(length: int, window: int, stride: int, dilation: int, padding: str) -> tuple[tuple, np.ndarray]:
    """``(pad_left, pad_right)`` and the index array (T_out, window) of every window into the padded sequence."""
    span = (window - 1) * dilation + 1
    if padding == "valid":
        pads = (0, 0)
    elif padding == "causal":
        pads = (span - 1, 0)
    else:  # same: T_out = ceil(T / s), the padding split as evenly as possible (the extra one on the right)
        total = max((math.ceil(length / stride) - 1) * stride + span - length, 0)
        pads = (total // 2, total - total // 2)
    out = (length + sum(pads) - span) // stride + 1
    starts = np.arange(out) * stride
    return pads, starts[:, None] + np.arange(window)[None, :] * dilation


def _check_sequences(who: str, x, channels: int) -> None:
    if x.ndim != 3 or x.shape[2] != channels:
        raise ValueError(
            f"{who} expected sequences of shape (batch, timesteps, {channels}). Received: x.shape={x.shape}. "
            "A series of single numbers needs a channel axis: x[..., None]."
        )


class Conv1D(Layer):
    """A 1D convolution over time: ``keras.layers.Conv1D``, channels last.

    Forward:   cols = xp[:, idx]                  xp: (N, Tp, C)  idx: (T_out, k)  ->  cols: (N, T_out, k, C)
               z    = cols @ W + b                W: (k, C, F) as a (k*C, F) matrix  b: (F,)  ->  z: (N, T_out, F)
               y    = activation(z)
    Backward:  dz   = activation_backward(dy, y)
               dW   = cols.T @ dz                 (k, C, F)   summed over the batch and every position
               db   = dz.sum(axis=(0, 1))         (F,)
               dcols = dz @ W.T                   (N, T_out, k, C)
               np.add.at(dxp, (:, idx), dcols)    (N, Tp, C)  overlapping windows add; then the padding is cut off

    ``idx[o, j] = o * strides + j * dilation_rate``: window o starts at o * strides and reads every
    dilation_rate-th input.

    Args:
        filters: F. kernel_size: k. strides: the step between windows. padding: 'valid', 'same' or 'causal'.
        dilation_rate: the spacing between the inputs a window reads. activation, use_bias, initializers,
        regularizers: as :class:`scratchnet.layers.Dense`.
    """

    def __init__(
        self,
        filters: int,
        kernel_size,
        strides=1,
        padding: str = "valid",
        data_format=None,
        dilation_rate=1,
        groups: int = 1,
        activation: str | Callable | None = None,
        use_bias: bool = True,
        kernel_initializer="glorot_uniform",
        bias_initializer="zeros",
        kernel_regularizer=None,
        bias_regularizer=None,
        **kwargs,
    ):
        who = "Conv1D"
        self.filters = _int(who, "filters", filters)
        self.kernel_size = _int(who, "kernel_size", kernel_size)
        self.strides = _int(who, "strides", strides)
        self.dilation_rate = _int(who, "dilation_rate", dilation_rate)
        self.padding = _padding_1d(who, padding, ("valid", "same", "causal"))
        if data_format not in (None, "channels_last") or groups != 1:
            raise ValueError(
                "Conv1D in scratchnet supports data_format='channels_last' and groups=1. "
                f"Received: data_format={data_format!r}, groups={groups!r}."
            )
        if self.strides > 1 and self.dilation_rate > 1:
            raise ValueError("Conv1D: strides > 1 together with dilation_rate > 1 is not allowed (as in Keras).")
        super().__init__(**kwargs)
        self.activation = Activation(activation, name=f"{self.name}_activation")
        self.use_bias = bool(use_bias)
        self.kernel_initializer, self.bias_initializer = kernel_initializer, bias_initializer
        self._kernel_init, self._bias_init = initializers.get(kernel_initializer), initializers.get(bias_initializer)
        self.regularizers = regularizers.kernel_and_bias(kernel_regularizer, bias_regularizer)

    def compute_output_shape(self, input_shape):
        if len(input_shape) != 2:
            raise ValueError(
                f"Conv1D '{self.name}' expected sequences of shape (batch, timesteps, channels). Received: "
                f"input_shape={(None, *input_shape)}. A series of single numbers needs a channel axis: x[..., None]."
            )
        t, _ = input_shape
        _, idx = window_indices(t, self.kernel_size, self.strides, self.dilation_rate, self.padding)
        if len(idx) <= 0:
            raise ValueError(
                f"Conv1D '{self.name}': a kernel of {self.kernel_size} (dilation {self.dilation_rate}) does not fit "
                f"in {t} steps with padding='valid'. Received: input_shape={(None, *input_shape)}."
            )
        return (len(idx), self.filters)

    def build(self, input_shape, rng, dtype):
        self.compute_output_shape(tuple(input_shape))
        super().build(input_shape, rng, dtype)
        c = self.input_shape[1]
        self.params = {"W": self._kernel_init((self.kernel_size, c, self.filters), rng, self.dtype)}
        if self.use_bias:
            self.params["b"] = self._bias_init((self.filters,), rng, self.dtype)
        self.grads = {key: np.zeros_like(p) for key, p in self.params.items()}
        self.activation.build((self.filters,), rng, dtype)

    def forward(self, x, training=False):
        self._check_built("forward")
        _check_sequences(f"Conv1D '{self.name}'", x, self.input_shape[1])
        self.pads, self.idx = window_indices(
            x.shape[1], self.kernel_size, self.strides, self.dilation_rate, self.padding
        )
        xp = np.pad(x, ((0, 0), self.pads, (0, 0))) if sum(self.pads) else x
        self.x_shape, self.padded_len = x.shape, xp.shape[1]
        self.cols = xp[:, self.idx]  # (N, T_out, k, C): every window, gathered
        n, t_out = self.cols.shape[:2]
        W = self.params["W"]
        z = self.cols.reshape(n, t_out, -1) @ W.reshape(-1, self.filters)
        if self.use_bias:
            z += self.params["b"]
        return self.activation.forward(z)

    def backward(self, dy):
        return self.backward_linear(self.activation.backward(dy))

    def backward_linear(self, dz: np.ndarray) -> np.ndarray | None:
        """Backward through the convolution alone, given ``dz`` = ∂L/∂z."""
        n, t_out, k, c = self.cols.shape
        W = self.params["W"]
        self.grads = {"W": np.tensordot(self.cols.reshape(n, t_out, k * c), dz, axes=([0, 1], [0, 1])).reshape(W.shape)}
        if self.use_bias:
            self.grads["b"] = dz.sum(axis=(0, 1))
        if not self.needs_input_grad:
            return None
        dcols = (dz @ W.reshape(-1, self.filters).T).reshape(n, t_out, k, c)
        dxp = np.zeros((n, self.padded_len, c), dtype=dz.dtype)
        np.add.at(dxp, (slice(None), self.idx), dcols)  # overlapping windows: their gradients add
        left = self.pads[0]
        return dxp[:, left : left + self.x_shape[1]]

    def get_config(self):
        return {
            **super().get_config(),
            "filters": self.filters,
            "kernel_size": self.kernel_size,
            "strides": self.strides,
            "padding": self.padding,
            "dilation_rate": self.dilation_rate,
            "activation": self.activation.activation_name,
            "use_bias": self.use_bias,
            "kernel_initializer": initializers.serialize(self.kernel_initializer),
            "bias_initializer": initializers.serialize(self.bias_initializer),
            **regularizers.config_entries(self.regularizers),
        }


class _Pooling1D(Layer):
    def __init__(self, pool_size=2, strides=None, padding: str = "valid", data_format=None, **kwargs):
        who = type(self).__name__
        self.pool_size = _int(who, "pool_size", pool_size)
        self.strides = self.pool_size if strides is None else _int(who, "strides", strides)
        self.padding = _padding_1d(who, padding)
        if data_format not in (None, "channels_last"):
            raise ValueError(f"{who} in scratchnet is channels_last only. Received: data_format={data_format!r}.")
        super().__init__(**kwargs)

    def compute_output_shape(self, input_shape):
        if len(input_shape) != 2:
            raise ValueError(
                f"{type(self).__name__} '{self.name}' expected sequences of shape (batch, timesteps, channels). "
                f"Received: input_shape={(None, *input_shape)}."
            )
        _, idx = window_indices(input_shape[0], self.pool_size, self.strides, 1, self.padding)
        if len(idx) <= 0:
            raise ValueError(
                f"{type(self).__name__} '{self.name}': a pool of {self.pool_size} does not fit in {input_shape[0]} "
                f"steps. Received: input_shape={(None, *input_shape)}."
            )
        return (len(idx), input_shape[1])

    def _windows(self, x, pad_value):
        _check_sequences(f"{type(self).__name__} '{self.name}'", x, x.shape[-1] if x.ndim == 3 else -1)
        self.pads, self.idx = window_indices(x.shape[1], self.pool_size, self.strides, 1, self.padding)
        xp = np.pad(x, ((0, 0), self.pads, (0, 0)), constant_values=pad_value) if sum(self.pads) else x
        self.x_shape, self.padded_len = x.shape, xp.shape[1]
        return xp[:, self.idx]  # (N, T_out, p, C)

    def _scatter(self, dwin):
        n, _, _, c = dwin.shape
        dxp = np.zeros((n, self.padded_len, c), dtype=dwin.dtype)
        np.add.at(dxp, (slice(None), self.idx), dwin)
        return dxp[:, self.pads[0] : self.pads[0] + self.x_shape[1]]

    def get_config(self):
        return {**super().get_config(), "pool_size": self.pool_size, "strides": self.strides, "padding": self.padding}


class MaxPooling1D(_Pooling1D):
    """The largest value of each window, per channel: ``keras.layers.MaxPooling1D``.

    Forward:   win = xp[:, idx]                  (N, T_out, p, C)   (padding 'same' pads with -inf)
               y   = win.max(axis=2)             (N, T_out, C)
    Backward:  dwin = dy at each window's argmax, 0 elsewhere;  dx = the windows scattered back (np.add.at)
    """

    def forward(self, x, training=False):
        win = self._windows(x, -np.inf)
        self.arg = win.argmax(axis=2)  # (N, T_out, C)
        self.win_shape = win.shape
        return np.take_along_axis(win, self.arg[:, :, None], axis=2)[:, :, 0]

    def backward(self, dy):
        dwin = np.zeros(self.win_shape, dtype=dy.dtype)
        np.put_along_axis(dwin, self.arg[:, :, None], dy[:, :, None], axis=2)
        return self._scatter(dwin)


class AveragePooling1D(_Pooling1D):
    """The mean of each window, per channel: ``keras.layers.AveragePooling1D``.

    Forward:   y    = win.sum(axis=2) / count     (N, T_out, C)   count: the real (unpadded) inputs of each window
    Backward:  dwin = dy / count, to every input of the window;  dx = the windows scattered back (np.add.at)
    """

    def forward(self, x, training=False):
        win = self._windows(x, 0)
        ones = np.pad(np.ones(x.shape[1], dtype=x.dtype), self.pads)
        self.count = ones[self.idx].sum(axis=1)[None, :, None]  # (1, T_out, 1): padding is not counted
        self.win_shape = win.shape
        return win.sum(axis=2) / self.count

    def backward(self, dy):
        dwin = np.broadcast_to((dy / self.count)[:, :, None, :], self.win_shape)
        return self._scatter(dwin)

"""Conv2D: a convolution as patches times a kernel, one matmul; its backward as the same matmul, transposed.

A 2-D convolution slides a small kernel over an image. At every output position (i, j) it takes the
``kh × kw × C`` patch of the input under the kernel and computes one dot product per filter. Writing every patch
as a row (``im2col``) turns the whole convolution into the matmul a Dense layer does:

    cols = patches of x, one row per output position      (N*Ho*Wo, kh*kw*C)
    z    = cols @ W.reshape(kh*kw*C, F) + b               (N*Ho*Wo, F)    then reshaped to (N, Ho, Wo, F)

so its backward is Dense's backward: ``dW = cols.T @ dz`` and ``dcols = dz @ W.T``. The one new step is giving
``dcols`` back to the pixels the patches were cut from (``col2im``): a pixel sits in up to ``kh*kw``
overlapping patches, so it receives the sum of their gradients.

Shapes are channels-last as in Keras: images ``(N, H, W, C)``, kernel ``(kh, kw, C_in, C_out)``, so weights can
be copied from a Keras model with ``set_weights``. The helpers below (sizes, padding) are shared with
:mod:`scratchnet.layers.pooling`.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from scratchnet import initializers, regularizers, speed
from scratchnet.layers.activations import Activation
from scratchnet.layers.base import Layer

__all__ = ["Conv2D", "col2im", "conv_output_size", "im2col", "same_padding"]


# --------------------------------------------------------------------------------------------------------------
# Sizes and padding, as Keras and TensorFlow compute them
# --------------------------------------------------------------------------------------------------------------


def _pair(who: str, name: str, value) -> tuple[int, int]:
    """``3`` or ``(3, 3)`` or ``[3, 3]`` -> ``(3, 3)``; positive ints only (Keras's ``standardize_tuple``)."""
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        pair = (int(value), int(value))
    else:
        try:
            pair = tuple(value)
        except TypeError:
            pair = ()
        if len(pair) != 2 or any(isinstance(v, bool) or not isinstance(v, (int, np.integer)) for v in pair):
            raise ValueError(
                f"{who}: the `{name}` argument must be an int or a tuple of 2 integers, such as 3 or (3, 3). "
                f"Received: {name}={value!r}."
            )
        pair = (int(pair[0]), int(pair[1]))
    if min(pair) <= 0:
        raise ValueError(f"{who}: the `{name}` argument must hold positive integers. Received: {name}={value!r}.")
    return pair


def _padding(who: str, value) -> str:
    """``'valid'`` or ``'same'``, in any case: Keras lower-cases the string before it checks it."""
    if not isinstance(value, str) or value.lower() not in ("valid", "same"):
        raise ValueError(
            f"{who}: the `padding` argument must be one of 'valid', 'same'. Received: padding={value!r}. "
            "'valid' uses only windows that fit inside the image (the output shrinks); 'same' pads with zeros "
            "so that, at stride 1, the output keeps the input's height and width."
        )
    return value.lower()


def _data_format(who: str, value) -> None:
    if value not in (None, "channels_last"):
        raise ValueError(
            f"{who} works on channels-last images, (N, H, W, C), as Keras does by default. "
            f"Received: data_format={value!r}. Move the channel axis last: x.transpose(0, 2, 3, 1)."
        )


def same_padding(size: int, window: int, stride: int) -> tuple[int, int]:
    """Zeros added (before, after) along one axis by ``padding='same'``, as TensorFlow computes them.

    The output has ``ceil(size / stride)`` positions; the input is padded just enough for the last window to
    fit, and when the total is odd the extra row (or column) goes at the end.

    >>> same_padding(5, 2, 1), same_padding(28, 3, 1), same_padding(6, 3, 2)
    ((0, 1), (1, 1), (0, 1))
    """
    out = -(-size // stride)
    total = max((out - 1) * stride + window - size, 0)
    return total // 2, total - total // 2


def conv_output_size(size: int, window: int, stride: int, padding: str) -> int:
    """Output positions along one axis: ``floor((size - window) / stride) + 1`` for 'valid', ``ceil(size /
    stride)`` for 'same'. Zero or less means the window does not fit."""
    if padding == "same":
        return -(-size // stride)
    return (size - window) // stride + 1


def _output_hw(who: str, hw: tuple[int, int], window, strides, padding, input_shape, what: str) -> tuple[int, int]:
    out = tuple(conv_output_size(s, k, st, padding) for s, k, st in zip(hw, window, strides, strict=True))
    if min(out) <= 0:
        raise ValueError(
            f"{who}: the {window[0]}x{window[1]} {what} does not fit in its {hw[0]}x{hw[1]} input "
            f"(input shape {(None, *input_shape)}, padding='{padding}'), so the output would be empty. Each "
            "'valid' convolution shrinks the map by kernel_size - 1 and each pooling divides it by its stride: "
            "use fewer such layers, a smaller kernel or pool, padding='same', or larger images."
        )
    return out


def _channels_last_shape(who: str, input_shape) -> tuple[int, int, int]:
    shape = tuple(input_shape)
    if len(shape) == 2:
        h, w = shape
        raise ValueError(
            f"{who} expected images of shape (batch, height, width, channels). Received: inputs of shape "
            f"{(None, h, w)}: the channel axis is missing. For grayscale images add it with "
            f"x.reshape(-1, {h}, {w}, 1), or put a Reshape(({h}, {w}, 1)) layer first "
            f"(and input_shape=({h}, {w}, 1))."
        )
    if len(shape) != 3:
        raise ValueError(
            f"{who} expected images of shape (batch, height, width, channels). "
            f"Received: inputs of shape {(None, *shape)}."
        )
    return shape


def _check_images(who: str, x: np.ndarray, channels: int) -> None:
    """Forward-time check of a batch of images: 4 axes, the channels the layer was built for."""
    if x.ndim == 4 and x.shape[-1] == channels:
        return
    if x.ndim == 3 and channels == 1:
        _channels_last_shape(who, x.shape[1:])  # raises with the reshape hint
    raise ValueError(f"{who} expected images of shape (batch, height, width, {channels}). Received: x.shape={x.shape}.")


# --------------------------------------------------------------------------------------------------------------
# im2col and col2im: the two halves of every window operation (convolution and pooling)
# --------------------------------------------------------------------------------------------------------------


def im2col(xp: np.ndarray, window: tuple[int, int], strides: tuple[int, int]) -> np.ndarray:
    """Every ``kh × kw`` window of a (padded) batch, as a view: no number is copied.

    Args:
        xp: images (N, Hp, Wp, C), already padded.
        window: (kh, kw).
        strides: (sh, sw): the step between windows.

    Returns:
        A read-only view (N, Ho, Wo, C, kh, kw): ``[n, i, j, c]`` is the window whose top-left corner is
        pixel ``(i * sh, j * sw)`` of channel c.
    """
    (sh, sw) = strides
    return sliding_window_view(xp, window, axis=(1, 2))[:, ::sh, ::sw]


def col2im(dwindows: np.ndarray, padded_shape: tuple[int, ...], strides: tuple[int, int]) -> np.ndarray:
    """The backward of :func:`im2col`: add each window's gradient back onto the pixels it was cut from.

    Args:
        dwindows: (N, Ho, Wo, kh, kw, C): ∂L/∂(each entry of each window).
        padded_shape: (N, Hp, Wp, C), the shape of the padded input.
        strides: (sh, sw).

    Returns:
        dxp, (N, Hp, Wp, C): for each pixel, the sum of the gradients of every window entry that was it.

    The loop runs over the kh*kw offsets inside a window, never over samples or positions. For one offset
    (a, b), the entries ``dwindows[:, i, j, a, b]`` belong to the pixels ``(a + i*sh, b + j*sw)``, which are
    all different, so one strided ``+=`` adds them all at once. Across offsets the same pixel comes back (the
    windows overlap), which is why the offsets take turns. (``np.add.at`` could do it in one call, but is
    several times slower.)
    """
    _, ho, wo, kh, kw, _ = dwindows.shape
    sh, sw = strides
    dxp = np.zeros(padded_shape, dtype=dwindows.dtype)
    for a in range(kh):
        for b in range(kw):
            dxp[:, a : a + sh * ho : sh, b : b + sw * wo : sw, :] += dwindows[:, :, :, a, b, :]
    return dxp


# --------------------------------------------------------------------------------------------------------------
# The layer
# --------------------------------------------------------------------------------------------------------------


class Conv2D(Layer):
    """A 2-D convolution over channels-last images, ``y = activation(conv(x, W) + b)``.

    Forward:   xp    = pad(x)                                   x: (N, H, W, C)  ->  xp: (N, Hp, Wp, C)
               cols  = patches(xp).reshape(N*Ho*Wo, kh*kw*C)    one row per output position (im2col)
               z     = cols @ W.reshape(kh*kw*C, F) + b         W: (kh, kw, C, F)  b: (F,)  ->  (N*Ho*Wo, F)
               z     = z.reshape(N, Ho, Wo, F)
               y     = activation(z)                            (N, Ho, Wo, F)
    Backward:  dz    = activation_backward(dy, y)               (N, Ho, Wo, F)  (the Activation step)
               dW    = cols.T @ dz.reshape(N*Ho*Wo, F)          (kh*kw*C, F) -> (kh, kw, C, F)  sums over the
                                                                batch and every position: W is shared by all
               db    = dz.sum(axis=(0, 1, 2))                   (F,)
               dcols = dz.reshape(N*Ho*Wo, F) @ W.T             (N*Ho*Wo, kh*kw*C)
               dxp   = col2im(dcols)                            (N, Hp, Wp, C)  overlapping patches add up
               dx    = dxp without the padding                  (N, H, W, C)

    ``Ho = (H - kh) // sh + 1`` with ``padding='valid'`` (no padding); ``Ho = ceil(H / sh)`` with ``'same'``,
    which pads with zeros as TensorFlow does (an odd total puts the extra row or column at the end). Likewise
    for the width. A Dense layer is the special case of a 1×1 kernel on a 1×1 image.

    Args:
        filters: F, the number of kernels (output channels).
        kernel_size: (kh, kw), or one int for a square kernel.
        strides: (sh, sw), or one int: the step between neighbouring windows.
        padding: ``'valid'`` (default) or ``'same'`` (any case, as Keras accepts).
        activation: ``'relu'``, ``'softmax'``, ..., or None (linear), as for :class:`scratchnet.layers.Dense`.
        use_bias: whether to add ``b``.
        kernel_initializer: initializer name for W (Keras's default, ``'glorot_uniform'``, with Keras's fans:
            fan_in = kh*kw*C, fan_out = kh*kw*F).
        bias_initializer: initializer name for b.
        data_format: only ``'channels_last'`` (or None) is supported.
        dilation_rate, groups: accepted with Keras's defaults, (1, 1) and 1, only.
        **kwargs: ``name``, ``input_shape`` (e.g. ``input_shape=(28, 28, 1)``), ``dtype``.

    >>> import numpy as np
    >>> layer = Conv2D(4, (3, 3), activation="relu")
    >>> layer(np.ones((2, 28, 28, 1))).shape
    (2, 26, 26, 4)
    """

    def __init__(
        self,
        filters: int,
        kernel_size,
        strides=(1, 1),
        padding: str = "valid",
        data_format: str | None = None,
        activation: str | Callable | None = None,
        use_bias: bool = True,
        kernel_initializer: str = "glorot_uniform",
        bias_initializer: str = "zeros",
        kernel_regularizer=None,
        bias_regularizer=None,
        dilation_rate=(1, 1),
        groups: int = 1,
        **kwargs,
    ):
        if _pair("Conv2D", "dilation_rate", dilation_rate) != (1, 1) or groups != 1:
            raise ValueError(
                "Conv2D in scratchnet supports neither dilated nor grouped convolutions yet: only "
                f"dilation_rate=(1, 1) and groups=1. Received: dilation_rate={dilation_rate!r}, groups={groups!r}."
            )
        if isinstance(filters, bool) or not isinstance(filters, (int, np.integer)) or filters <= 0:
            raise ValueError(
                "Conv2D expected `filters` to be a positive integer (the number of kernels, i.e. output "
                f"channels). Received: filters={filters!r}."
            )
        self.kernel_size = _pair("Conv2D", "kernel_size", kernel_size)
        self.strides = _pair("Conv2D", "strides", strides)
        self.padding = _padding("Conv2D", padding)
        _data_format("Conv2D", data_format)
        super().__init__(**kwargs)
        self.regularizers = regularizers.kernel_and_bias(kernel_regularizer, bias_regularizer)
        self.filters = int(filters)
        self.activation = _activation_step(activation, f"{self.name}_activation")
        self.use_bias = bool(use_bias)
        self.kernel_initializer = kernel_initializer
        self.bias_initializer = bias_initializer
        self._kernel_init = initializers.get(kernel_initializer)
        self._bias_init = initializers.get(bias_initializer)

    # --- shapes -------------------------------------------------------------------------------------------------
    def compute_output_shape(self, input_shape):
        who = f"Conv2D '{self.name}'"
        h, w, _ = _channels_last_shape(who, input_shape)
        ho, wo = _output_hw(who, (h, w), self.kernel_size, self.strides, self.padding, input_shape, "kernel")
        return (ho, wo, self.filters)

    def _pads(self, h: int, w: int) -> tuple[tuple[int, int], tuple[int, int]]:
        if self.padding == "valid":
            return (0, 0), (0, 0)
        (kh, kw), (sh, sw) = self.kernel_size, self.strides
        return same_padding(h, kh, sh), same_padding(w, kw, sw)

    def build(self, input_shape, rng, dtype):
        self.compute_output_shape(input_shape)  # checks the shape and that the kernel fits
        super().build(input_shape, rng, dtype)
        (kh, kw), c = self.kernel_size, self.input_shape[-1]
        self.params = {"W": self._kernel_init((kh, kw, c, self.filters), rng, self.dtype)}
        if self.use_bias:
            self.params["b"] = self._bias_init((self.filters,), rng, self.dtype)
        self.grads = {key: np.zeros_like(p) for key, p in self.params.items()}
        self.activation.build(self.compute_output_shape(input_shape), rng, dtype)

    @property
    def kernel(self) -> np.ndarray:
        """W, shaped (kh, kw, C_in, C_out) — Keras's name and layout."""
        return self.params["W"]

    @property
    def bias(self) -> np.ndarray | None:
        """b, shaped (C_out,)."""
        return self.params.get("b")

    # --- forward and backward -----------------------------------------------------------------------------------
    def forward(self, x, training=False):
        self._check_built("forward")
        who = f"Conv2D '{self.name}'"
        _check_images(who, x, self.input_shape[-1])
        n, h, w, _ = x.shape
        ho, wo = _output_hw(who, (h, w), self.kernel_size, self.strides, self.padding, x.shape[1:], "kernel")
        (pt, pb), (pl, pr) = self.pads = self._pads(h, w)
        xp = np.pad(x, ((0, 0), (pt, pb), (pl, pr), (0, 0))) if pt + pb + pl + pr else x
        self.x_shape, self.padded_shape = x.shape, xp.shape
        # The window view is (N, Ho, Wo, C, kh, kw); putting C last matches W's (kh, kw, C) order, and the
        # reshape copies the patches into rows (im2col): the one copy the convolution makes.
        if speed.enabled():  # the same z, patches in a reused buffer, the bias inside the matmul, ReLU in place
            z = speed.conv_forward(self, xp).reshape(n, ho, wo, self.filters)
            return speed.bias_activation_in_place(self.activation, z, None)
        patches = im2col(xp, self.kernel_size, self.strides).transpose(0, 1, 2, 4, 5, 3)
        self.cols = patches.reshape(n * ho * wo, -1)
        z = self.cols @ self.params["W"].reshape(-1, self.filters)
        if self.use_bias:
            z += self.params["b"]
        return self.activation.forward(z.reshape(n, ho, wo, self.filters))

    def backward(self, dy):
        if speed.enabled() and speed.relu_backward_done(dy, self.activation):
            return self.backward_linear(dy)  # a max pooling after the ReLU did its backward (speed.py)
        dz = self.activation.backward(dy)
        return self.backward_linear(dz)

    def backward_linear(self, dz: np.ndarray) -> np.ndarray | None:
        """Backward through the convolution alone (``z = conv(x, W) + b``), given ``dz`` = ∂L/∂z."""
        n, ho, wo, f = dz.shape
        dz2 = dz.reshape(n * ho * wo, f)
        if speed.enabled():
            speed.conv_grads_into(self, dz2)  # the same two lines, written into the model's dθ
        else:
            self.grads["W"] = (self.cols.T @ dz2).reshape(self.params["W"].shape)  # (kh, kw, C, F)
            if self.use_bias:
                self.grads["b"] = dz2.sum(axis=0)
        if not self.needs_input_grad:
            return None
        if speed.enabled():  # the same dxp, one kernel offset at a time
            dxp = speed.conv_input_grad(dz2, self.params["W"], self.padded_shape, (ho, wo), self.strides)
            return self._unpad(dxp)
        kh, kw = self.kernel_size
        dcols = dz2 @ self.params["W"].reshape(-1, f).T
        dxp = col2im(dcols.reshape(n, ho, wo, kh, kw, -1), self.padded_shape, self.strides)
        return self._unpad(dxp)

    def _unpad(self, dxp: np.ndarray) -> np.ndarray:
        """dx from the padded input's gradient: the padding's rows and columns dropped."""
        (pt, _), (pl, _) = self.pads
        _, h, w, _ = self.x_shape
        return dxp[:, pt : pt + h, pl : pl + w, :]

    def multiply_adds(self, input_shape) -> int:
        """Multiply-adds of the forward matmul for one example: Ho*Wo positions × kh*kw*C × F."""
        ho, wo, f = self.compute_output_shape(input_shape)
        return ho * wo * math.prod(self.kernel_size) * tuple(input_shape)[-1] * f

    def get_config(self):
        return {
            **super().get_config(),
            "filters": self.filters,
            "kernel_size": list(self.kernel_size),
            "strides": list(self.strides),
            "padding": self.padding,
            "activation": self.activation.activation_name,
            "use_bias": self.use_bias,
            "kernel_initializer": initializers.serialize(self.kernel_initializer),
            "bias_initializer": initializers.serialize(self.bias_initializer),
            **regularizers.config_entries(self.regularizers),
        }


def _activation_step(activation, name: str):
    """The activation as its own chain-rule step, the :class:`scratchnet.layers.activations.Activation` Dense uses."""
    return Activation(activation, name=name)

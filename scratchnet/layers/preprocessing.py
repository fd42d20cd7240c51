"""Preprocessing and augmentation layers: Rescaling, Resizing, RandomFlip, RandomRotation, RandomZoom,
RandomTranslation, RandomContrast. None has parameters.

The random ones change images only while training (``fit``); at inference (``predict``, ``evaluate``) they pass
the input through, as in Keras. They usually come first in a model, where nobody needs ∂L/∂x, so their backward is
the identity at inference and, while training, exact where it is simple (a flip flips dy back, contrast scales
it) and refused where it is not (a warp's backward would scatter dy back through the bilinear weights).
The warps themselves are :mod:`scratchnet.layers.image_warp`.
"""

from __future__ import annotations

import numbers

import numpy as np

from scratchnet.layers.base import Layer
from scratchnet.layers.image_warp import FILL_MODES, affine_matrices, resize, warp

__all__ = [
    "RandomContrast",
    "RandomFlip",
    "RandomRotation",
    "RandomTranslation",
    "RandomZoom",
    "Rescaling",
    "Resizing",
]


def _factor(who: str, name: str, value) -> tuple[float, float]:
    """Keras's factor: a number f means [-f, f], a pair (low, high) itself."""
    if isinstance(value, (tuple, list)) and len(value) == 2:
        low, high = float(value[0]), float(value[1])
    elif isinstance(value, numbers.Real) and not isinstance(value, bool):
        low, high = -abs(float(value)), abs(float(value))
    else:
        raise ValueError(f"{who} expected {name} to be a number or a (low, high) pair. Received: {name}={value!r}.")
    if low > high:
        raise ValueError(f"{who} expected {name}=(low, high) with low <= high. Received: {name}={value!r}.")
    return low, high


class Rescaling(Layer):
    """Multiply and shift every value: ``Rescaling(1/255)`` turns pixels 0-255 into 0-1 inside the model.

    Forward:   y  = x * scale + offset      (N, ...)
    Backward:  dx = dy * scale              (N, ...)
    """

    def __init__(self, scale, offset=0.0, **kwargs):
        super().__init__(**kwargs)
        self.scale, self.offset = float(scale), float(offset)

    def forward(self, x, training=False):
        return x * x.dtype.type(self.scale) + x.dtype.type(self.offset)

    def backward(self, dy):
        return dy * dy.dtype.type(self.scale)

    def get_config(self):
        return {**super().get_config(), "scale": self.scale, "offset": self.offset}


class _ImageLayer(Layer):
    """A layer of images (N, height, width, channels): checks the rank once, at build."""

    def build(self, input_shape, rng, dtype):
        if len(input_shape) != 3:
            raise ValueError(
                f"{type(self).__name__} expects images (N, height, width, channels). Received: input shape "
                f"{(None, *input_shape)}. Add the channel axis (x[..., np.newaxis]) or a Reshape layer before it."
            )
        super().build(input_shape, rng, dtype)
        self.rng = rng if getattr(self, "seed", None) is None else np.random.default_rng(self.seed)


class Resizing(_ImageLayer):
    """Resize images to (height, width), bilinearly (or ``interpolation="nearest"``), in training and inference.

    Forward:   y = resize(x)               (N, H, W, C) -> (N, height, width, C)
    Backward:  not provided (put it first in the model, where nobody needs ∂L/∂x)
    """

    def __init__(self, height, width, interpolation="bilinear", crop_to_aspect_ratio=False, **kwargs):
        super().__init__(**kwargs)
        if interpolation not in ("bilinear", "nearest"):
            raise ValueError(f"Resizing supports interpolation 'bilinear' or 'nearest'. Received: {interpolation!r}.")
        self.height, self.width, self.interpolation = int(height), int(width), interpolation

    def compute_output_shape(self, input_shape):
        return (self.height, self.width, input_shape[-1])

    def forward(self, x, training=False):
        return resize(x, self.height, self.width, self.interpolation)

    def backward(self, dy):
        raise NotImplementedError("Resizing has no backward: put it first in the model, where nobody needs ∂L/∂x.")

    def get_config(self):
        return {**super().get_config(), "height": self.height, "width": self.width, "interpolation": self.interpolation}


_FLIP_MODES = {"horizontal": (False, True), "vertical": (True, False), "horizontal_and_vertical": (True, True)}


class RandomFlip(_ImageLayer):
    """Flip each image left-right and/or up-down with probability 1/2, while training.

    Forward (training):   y = x with the chosen images flipped     (N, H, W, C)
    Backward (training):  dx = dy with the same images flipped back
    Inference:            y = x, dx = dy
    """

    def __init__(self, mode="horizontal_and_vertical", seed=None, **kwargs):
        super().__init__(**kwargs)
        if mode not in _FLIP_MODES:
            raise ValueError(f"RandomFlip expected mode to be one of {list(_FLIP_MODES)}. Received: mode={mode!r}.")
        self.mode, self.seed = mode, seed

    def _flip(self, x):
        y = x.copy()
        if self.rows is not None:
            y[self.rows] = y[self.rows, ::-1]
        if self.cols is not None:
            y[self.cols] = y[self.cols, :, ::-1]
        return y

    def forward(self, x, training=False):
        self.training = training
        if not training:
            return x
        vertical, horizontal = _FLIP_MODES[self.mode]
        self.rows = self.rng.random(len(x)) < 0.5 if vertical else None
        self.cols = self.rng.random(len(x)) < 0.5 if horizontal else None
        return self._flip(x)

    def backward(self, dy):
        return self._flip(dy) if self.training else dy  # a flip is its own inverse

    def get_config(self):
        return {**super().get_config(), "mode": self.mode, "seed": self.seed}


class _RandomWarp(_ImageLayer):
    """A random affine warp of each image while training (:func:`scratchnet.layers.image_warp.warp`)."""

    def __init__(self, fill_mode="reflect", interpolation="bilinear", seed=None, fill_value=0.0, **kwargs):
        super().__init__(**kwargs)
        if fill_mode not in FILL_MODES:
            raise ValueError(
                f"{type(self).__name__} expected fill_mode to be one of {list(FILL_MODES)}. Received: "
                f"fill_mode={fill_mode!r}."
            )
        self.fill_mode, self.interpolation, self.seed, self.fill_value = fill_mode, interpolation, seed, fill_value

    def forward(self, x, training=False):
        self.training = training
        if not training:
            return x
        n, h, w, _ = x.shape
        return warp(x, affine_matrices(h, w, **self.draw(n, h, w)), self.fill_mode, self.fill_value)

    def backward(self, dy):
        if not self.training:
            return dy
        raise NotImplementedError(
            f"{type(self).__name__} has no backward while training: put it first in the model (before any layer "
            "with weights), where nobody needs ∂L/∂x."
        )

    def get_config(self):
        config = {"fill_mode": self.fill_mode, "interpolation": self.interpolation, "seed": self.seed}
        return {**super().get_config(), **config, "fill_value": self.fill_value}


class RandomRotation(_RandomWarp):
    """Rotate each image by a random angle while training: ``factor`` is a fraction of a full turn
    (0.1: up to ±36°).

    Forward (training):  y[n] = x[n] read at R(θ_n) (row, col), θ_n ~ U(2π low, 2π high)
    Inference:           y = x
    """

    def __init__(self, factor, fill_mode="reflect", interpolation="bilinear", seed=None, fill_value=0.0, **kwargs):
        super().__init__(fill_mode, interpolation, seed, fill_value, **kwargs)
        self.factor = _factor("RandomRotation", "factor", factor)

    def draw(self, n, h, w):
        return {"theta": 2 * np.pi * self.rng.uniform(*self.factor, n)}

    def get_config(self):
        return {**super().get_config(), "factor": list(self.factor)}


class RandomZoom(_RandomWarp):
    """Zoom each image in or out at random while training: ``height_factor`` 0.2 reads a region 0.8 to 1.2 times
    the image's height (a positive value zooms out, as in Keras); ``width_factor`` None keeps the aspect ratio.
    """

    def __init__(self, height_factor, width_factor=None, fill_mode="reflect", interpolation="bilinear", seed=None,
                 fill_value=0.0, **kwargs):  # fmt: skip
        super().__init__(fill_mode, interpolation, seed, fill_value, **kwargs)
        self.height_factor = _factor("RandomZoom", "height_factor", height_factor)
        self.width_factor = None if width_factor is None else _factor("RandomZoom", "width_factor", width_factor)

    def draw(self, n, h, w):
        zx = 1 + self.rng.uniform(*self.height_factor, n)
        zy = zx if self.width_factor is None else 1 + self.rng.uniform(*self.width_factor, n)
        return {"zx": zx, "zy": zy}

    def get_config(self):
        width = None if self.width_factor is None else list(self.width_factor)
        return {**super().get_config(), "height_factor": list(self.height_factor), "width_factor": width}


class RandomTranslation(_RandomWarp):
    """Shift each image at random while training, by up to ``height_factor`` of its height and ``width_factor``
    of its width."""

    def __init__(self, height_factor, width_factor, fill_mode="reflect", interpolation="bilinear", seed=None,
                 fill_value=0.0, **kwargs):  # fmt: skip
        super().__init__(fill_mode, interpolation, seed, fill_value, **kwargs)
        self.height_factor = _factor("RandomTranslation", "height_factor", height_factor)
        self.width_factor = _factor("RandomTranslation", "width_factor", width_factor)

    def draw(self, n, h, w):
        # The content moves by +d, so each output pixel reads the input d before it.
        return {"tx": -h * self.rng.uniform(*self.height_factor, n), "ty": -w * self.rng.uniform(*self.width_factor, n)}

    def get_config(self):
        factors = {"height_factor": list(self.height_factor), "width_factor": list(self.width_factor)}
        return {**super().get_config(), **factors}


class RandomContrast(_ImageLayer):
    """Scale each image's contrast at random while training: per image and channel,
    ``y = (x - mean) * c + mean`` with ``c ~ U(1 - factor, 1 + factor)``.

    Forward (training):   y  = (x - m) c + m          m = mean of x over (H, W), per image and channel
    Backward (training):  dx = c dy + (1 - c) mean(dy) over (H, W)
    Inference:            y = x, dx = dy
    """

    def __init__(self, factor, seed=None, **kwargs):
        super().__init__(**kwargs)
        low, high = _factor("RandomContrast", "factor", factor)
        self.factor, self.seed = (1 + low, 1 + high) if isinstance(factor, numbers.Real) else (low, high), seed

    def forward(self, x, training=False):
        self.training = training
        if not training:
            return x
        self.c = self.rng.uniform(*self.factor, (len(x), 1, 1, x.shape[-1])).astype(x.dtype)
        mean = x.mean(axis=(1, 2), keepdims=True)
        return (x - mean) * self.c + mean

    def backward(self, dy):
        if not self.training:
            return dy
        return dy * self.c + (1 - self.c) * dy.mean(axis=(1, 2), keepdims=True)

    def get_config(self):
        return {**super().get_config(), "factor": list(self.factor), "seed": self.seed}

"""Weight initializers, by Keras name.

Each initializer is a function ``init(shape, rng, dtype) -> array``. The scale matters: a layer whose weights are
too large saturates or explodes, too small and the signal (and its gradient) fades as it goes through the layers.
Glorot keeps the variance of activations roughly equal from layer to layer; He does the same for ReLU, which
zeroes half of its inputs.

    glorot_uniform:  W ~ U(-limit, limit),  limit = sqrt(6 / (fan_in + fan_out))     (Keras's default for Dense)
    he_normal:       W ~ N(0, 2 / fan_in), truncated at 2 standard deviations
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

__all__ = ["get"]


def _fans(shape: tuple[int, ...]) -> tuple[int, int]:
    if len(shape) == 1:
        return shape[0], shape[0]
    # A conv kernel (kh, kw, C_in, C_out): each output sees kh*kw*C_in inputs and each input feeds kh*kw*C_out
    # outputs, as Keras counts them. For a Dense kernel (in, out) the receptive field is 1.
    receptive_field = math.prod(shape[:-2])
    return shape[-2] * receptive_field, shape[-1] * receptive_field


def _truncated_normal(shape, rng, stddev):
    # Keras's "normal" variance-scaling initializers redraw samples beyond 2 stddev; the untruncated std of
    # such a draw is 0.8796 of the requested one, which Keras corrects for.
    x = rng.standard_normal(shape)
    outside = np.abs(x) > 2
    while outside.any():
        x[outside] = rng.standard_normal(int(outside.sum()))
        outside = np.abs(x) > 2
    return x * (stddev / 0.87962566103423978)


def glorot_uniform(shape, rng, dtype):
    fan_in, fan_out = _fans(shape)
    limit = math.sqrt(6 / (fan_in + fan_out))
    return rng.uniform(-limit, limit, size=shape).astype(dtype)


def glorot_normal(shape, rng, dtype):
    fan_in, fan_out = _fans(shape)
    return _truncated_normal(shape, rng, math.sqrt(2 / (fan_in + fan_out))).astype(dtype)


def he_uniform(shape, rng, dtype):
    fan_in, _ = _fans(shape)
    limit = math.sqrt(6 / fan_in)
    return rng.uniform(-limit, limit, size=shape).astype(dtype)


def he_normal(shape, rng, dtype):
    fan_in, _ = _fans(shape)
    return _truncated_normal(shape, rng, math.sqrt(2 / fan_in)).astype(dtype)


def random_normal(shape, rng, dtype):
    return rng.normal(0.0, 0.05, size=shape).astype(dtype)


def random_uniform(shape, rng, dtype):
    return rng.uniform(-0.05, 0.05, size=shape).astype(dtype)


def zeros(shape, rng, dtype):
    return np.zeros(shape, dtype=dtype)


def ones(shape, rng, dtype):
    return np.ones(shape, dtype=dtype)


INITIALIZERS: dict[str, Callable] = {
    "glorot_uniform": glorot_uniform,
    "glorot_normal": glorot_normal,
    "he_uniform": he_uniform,
    "he_normal": he_normal,
    "random_normal": random_normal,
    "random_uniform": random_uniform,
    "zeros": zeros,
    "ones": ones,
}


def get(identifier: str) -> Callable:
    """Look an initializer up by its Keras name.

    Raises:
        ValueError: for an unknown name, listing the known ones.
    """
    if isinstance(identifier, str) and identifier in INITIALIZERS:
        return INITIALIZERS[identifier]
    raise ValueError(
        f"Unknown initializer. Expected one of {sorted(INITIALIZERS)}. Received: initializer={identifier!r}."
    )

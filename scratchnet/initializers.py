"""Weight initializers, by Keras name.

Each initializer is a function ``init(shape, rng, dtype) -> array``. The scale matters: a layer whose weights are
too large saturates or explodes, too small and the signal (and its gradient) fades as it goes through the layers.
Glorot keeps the variance of activations roughly equal from layer to layer; He does the same for ReLU, which
zeroes half of its inputs.

    glorot_uniform:  W ~ U(-limit, limit),  limit = sqrt(6 / (fan_in + fan_out))     (Keras's default for Dense)
    glorot_normal:   W ~ N(0, 2 / (fan_in + fan_out)), truncated at 2 standard deviations
    he_uniform:      W ~ U(-limit, limit),  limit = sqrt(6 / fan_in)
    he_normal:       W ~ N(0, 2 / fan_in), truncated at 2 standard deviations              (for ReLU)
    lecun_uniform:   W ~ U(-limit, limit),  limit = sqrt(3 / fan_in)
    lecun_normal:    W ~ N(0, 1 / fan_in), truncated at 2 standard deviations              (for SELU)
    orthogonal:      W = gain * Q, Q from the QR decomposition of a normal matrix          (recurrent kernels)
    random_normal, random_uniform, truncated_normal: N(0, 0.05^2), U(-0.05, 0.05), N(0, 0.05^2) truncated
    zeros, ones, constant: a fixed value

Each also exists as a Keras class that takes its arguments and a ``seed``: ``HeNormal(seed=0)``,
``RandomNormal(mean=0.0, stddev=0.05)``, ``Orthogonal(gain=1.0)``, ``Constant(value=0.0)``. A seeded initializer
draws from its own generator, so it gives the same values at every call (as Keras's); an unseeded one draws from
the model's generator.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

__all__ = [
    "Constant",
    "GlorotNormal",
    "GlorotUniform",
    "HeNormal",
    "HeUniform",
    "Initializer",
    "LecunNormal",
    "LecunUniform",
    "Ones",
    "Orthogonal",
    "RandomNormal",
    "RandomUniform",
    "TruncatedNormal",
    "Zeros",
    "get",
    "serialize",
]


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


def lecun_uniform(shape, rng, dtype):
    fan_in, _ = _fans(shape)
    limit = math.sqrt(3 / fan_in)
    return rng.uniform(-limit, limit, size=shape).astype(dtype)


def lecun_normal(shape, rng, dtype):
    fan_in, _ = _fans(shape)
    return _truncated_normal(shape, rng, math.sqrt(1 / fan_in)).astype(dtype)


def orthogonal(shape, rng, dtype, gain: float = 1.0):
    """Rows or columns orthonormal: a recurrent kernel that neither shrinks nor stretches the state at start."""
    if len(shape) < 2:
        raise ValueError(f"The orthogonal initializer needs a matrix (2 or more axes). Received: shape={shape}.")
    rows, cols = math.prod(shape[:-1]), shape[-1]
    a = rng.standard_normal((max(rows, cols), min(rows, cols)))
    q, r = np.linalg.qr(a)
    q *= np.sign(np.diag(r))  # makes the draw uniform over orthogonal matrices (QR alone is not)
    if rows < cols:
        q = q.T
    return np.ascontiguousarray((gain * q).reshape(shape), dtype=dtype)  # q.T is a view in Fortran order


def random_normal(shape, rng, dtype, mean: float = 0.0, stddev: float = 0.05):
    return rng.normal(mean, stddev, size=shape).astype(dtype)


def random_uniform(shape, rng, dtype, minval: float = -0.05, maxval: float = 0.05):
    return rng.uniform(minval, maxval, size=shape).astype(dtype)


def truncated_normal(shape, rng, dtype, mean: float = 0.0, stddev: float = 0.05):
    """N(mean, stddev^2), redrawn beyond 2 standard deviations (Keras does not rescale this one)."""
    return (mean + _truncated_normal(shape, rng, stddev * 0.87962566103423978)).astype(dtype)


def constant(shape, rng, dtype, value: float = 0.0):
    return np.full(shape, value, dtype=dtype)


def zeros(shape, rng, dtype):
    return np.zeros(shape, dtype=dtype)


def ones(shape, rng, dtype):
    return np.ones(shape, dtype=dtype)


INITIALIZERS: dict[str, Callable] = {
    "glorot_uniform": glorot_uniform,
    "glorot_normal": glorot_normal,
    "he_uniform": he_uniform,
    "he_normal": he_normal,
    "lecun_uniform": lecun_uniform,
    "lecun_normal": lecun_normal,
    "orthogonal": orthogonal,
    "random_normal": random_normal,
    "random_uniform": random_uniform,
    "truncated_normal": truncated_normal,
    "constant": constant,
    "zeros": zeros,
    "ones": ones,
}


class Initializer:
    """A Keras initializer class: the function of :data:`INITIALIZERS` called ``function``, its arguments, a seed.

    Called as ``init(shape, rng, dtype)`` like the functions (a layer cannot tell them apart), or as Keras's
    ``init(shape, dtype=...)``. With a seed, it draws from ``np.random.default_rng(seed)`` at every call.
    """

    function = ""

    def __init__(self, seed: int | None = None, **arguments):
        if seed is not None and (isinstance(seed, bool) or not isinstance(seed, (int, np.integer))):
            raise ValueError(f"{type(self).__name__} expected `seed` to be an int or None. Received: seed={seed!r}.")
        self.seed = seed
        self.arguments = arguments

    def __call__(self, shape, rng=None, dtype="float32"):
        if isinstance(rng, (str, np.dtype, type)):  # Keras's init(shape, dtype)
            rng, dtype = None, rng
        if self.seed is not None or rng is None:
            rng = np.random.default_rng(self.seed)
        return INITIALIZERS[self.function](tuple(shape), rng, dtype, **self.arguments)

    def get_config(self) -> dict:
        return {**self.arguments, "seed": self.seed}

    def __repr__(self) -> str:
        return f"{type(self).__name__}({', '.join(f'{k}={v!r}' for k, v in self.get_config().items())})"


def _initializer_class(name: str, function: str, signature: str, defaults: dict) -> type:
    def __init__(self, *args, seed=None, **kwargs):
        if len(args) > len(defaults):
            raise TypeError(f"{name}({signature}) takes {len(defaults)} positional arguments. Received: {args!r}.")
        unknown = set(kwargs) - set(defaults)
        if unknown:
            raise TypeError(f"{name}({signature}) does not take {sorted(unknown)}.")
        values = {**defaults, **dict(zip(defaults, args, strict=False)), **kwargs}
        Initializer.__init__(self, seed=seed, **{k: float(v) for k, v in values.items()})

    doc = f"Keras's ``{name}({signature})``: :func:`{function}` with these arguments."
    return type(name, (Initializer,), {"__init__": __init__, "function": function, "__doc__": doc})


GlorotUniform = _initializer_class("GlorotUniform", "glorot_uniform", "seed=None", {})
GlorotNormal = _initializer_class("GlorotNormal", "glorot_normal", "seed=None", {})
HeUniform = _initializer_class("HeUniform", "he_uniform", "seed=None", {})
HeNormal = _initializer_class("HeNormal", "he_normal", "seed=None", {})
LecunUniform = _initializer_class("LecunUniform", "lecun_uniform", "seed=None", {})
LecunNormal = _initializer_class("LecunNormal", "lecun_normal", "seed=None", {})
Orthogonal = _initializer_class("Orthogonal", "orthogonal", "gain=1.0, seed=None", {"gain": 1.0})
RandomNormal = _initializer_class(
    "RandomNormal", "random_normal", "mean=0.0, stddev=0.05, seed=None", {"mean": 0.0, "stddev": 0.05}
)
RandomUniform = _initializer_class(
    "RandomUniform", "random_uniform", "minval=-0.05, maxval=0.05, seed=None", {"minval": -0.05, "maxval": 0.05}
)
TruncatedNormal = _initializer_class(
    "TruncatedNormal", "truncated_normal", "mean=0.0, stddev=0.05, seed=None", {"mean": 0.0, "stddev": 0.05}
)
Constant = _initializer_class("Constant", "constant", "value=0.0", {"value": 0.0})
Zeros = _initializer_class("Zeros", "zeros", "", {})
Ones = _initializer_class("Ones", "ones", "", {})

CLASSES: dict[str, type[Initializer]] = {
    cls.__name__: cls
    for cls in (
        GlorotUniform, GlorotNormal, HeUniform, HeNormal, LecunUniform, LecunNormal, Orthogonal, RandomNormal,
        RandomUniform, TruncatedNormal, Constant, Zeros, Ones,
    )
}  # fmt: skip


def get(identifier) -> Callable:
    """An initializer from its Keras name (``'he_normal'``), class name, saved config, or an instance.

    Raises:
        ValueError: for an unknown name, listing the known ones.
    """
    if isinstance(identifier, Initializer):
        return identifier
    if isinstance(identifier, str) and identifier in INITIALIZERS:
        return INITIALIZERS[identifier]
    if isinstance(identifier, str) and identifier in CLASSES:
        return CLASSES[identifier]()
    if isinstance(identifier, dict) and identifier.get("class_name") in CLASSES:
        return CLASSES[identifier["class_name"]](**identifier.get("config", {}))
    if isinstance(identifier, type) and issubclass(identifier, Initializer):
        return identifier()
    raise ValueError(
        f"Unknown initializer. Expected one of {sorted(INITIALIZERS)}, or a class such as "
        f"scratchnet.initializers.HeNormal(seed=0). Received: initializer={identifier!r}."
    )


def serialize(identifier):
    """How a layer's ``get_config`` saves an initializer: its name, or ``{"class_name", "config"}`` for a class."""
    if isinstance(identifier, Initializer):
        return {"class_name": type(identifier).__name__, "config": identifier.get_config()}
    return identifier

"""``sn.random``: TensorFlow's random tensors (``tf.random.normal``, ``uniform``, ``set_seed``, ...) from one generator.

All draws come from one NumPy generator held here; ``set_seed(s)`` restarts it, and also seeds what
:func:`scratchnet.utils.set_random_seed` seeds (the models' initial weights, shuffling, dropout), as
``tf.random.set_seed`` makes a Keras program repeatable. Results are tensors, float32 by default.

>>> import scratchnet as sn
>>> sn.random.set_seed(0)
>>> a = sn.random.normal((2, 3))
>>> sn.random.set_seed(0)
>>> bool((sn.random.normal((2, 3)) == a).numpy().all())
True
"""

from __future__ import annotations

import numpy as np

from scratchnet import utils
from scratchnet.tape.tensor import Tensor, convert_to_tensor

__all__ = [
    "categorical",
    "generator",
    "normal",
    "set_seed",
    "shuffle",
    "truncated_normal",
    "uniform",
    "uniform_int",
]

_generator: np.random.Generator | None = None


def generator() -> np.random.Generator:
    """The generator every ``sn.random`` op draws from (seeded by :func:`set_seed`, else fresh)."""
    global _generator
    if _generator is None:
        _generator = utils.make_rng()
    return _generator


def set_seed(seed: int) -> None:
    """Make every later draw repeatable: ``sn.random``'s ops, and the models' weights, shuffles and dropout masks."""
    global _generator
    utils.set_random_seed(seed)
    _generator = np.random.default_rng(int(seed))


def _rng(seed) -> np.random.Generator:
    return generator() if seed is None else np.random.default_rng(int(seed))


def _shape(shape) -> tuple[int, ...]:
    if isinstance(shape, Tensor):
        shape = shape.numpy().tolist()
    return (int(shape),) if isinstance(shape, int | np.integer) else tuple(int(n) for n in shape)


def normal(shape, mean=0.0, stddev=1.0, dtype="float32", seed=None, name=None) -> Tensor:
    """Values from a normal distribution, ``mean + stddev * N(0, 1)``."""
    values = _rng(seed).normal(float(mean), float(stddev), _shape(shape))
    return Tensor._wrap(values.astype(dtype))


def truncated_normal(shape, mean=0.0, stddev=1.0, dtype="float32", seed=None, name=None) -> Tensor:
    """Normal values, redrawn until each is within two standard deviations of the mean."""
    rng, shape = _rng(seed), _shape(shape)
    z = rng.standard_normal(shape)
    while (bad := np.abs(z) > 2).any():
        z[bad] = rng.standard_normal(int(bad.sum()))
    return Tensor._wrap((float(mean) + float(stddev) * z).astype(dtype))


def uniform(shape, minval=0, maxval=None, dtype="float32", seed=None, name=None) -> Tensor:
    """Values uniform in ``[minval, maxval)`` (``maxval`` 1 for floats); integers for an integer dtype."""
    dtype = np.dtype(dtype)
    rng, shape = _rng(seed), _shape(shape)
    if dtype.kind in "iu":
        if maxval is None:
            raise ValueError("uniform(): an integer dtype needs maxval. Received: maxval=None.")
        return Tensor._wrap(rng.integers(int(minval), int(maxval), shape).astype(dtype))
    maxval = 1.0 if maxval is None else float(maxval)
    return Tensor._wrap(rng.uniform(float(minval), maxval, shape).astype(dtype))


def uniform_int(shape, minval, maxval, seed=None) -> Tensor:
    return uniform(shape, minval, maxval, dtype="int32", seed=seed)


def shuffle(value, seed=None, name=None) -> Tensor:
    """The rows (first axis) of ``value`` in a random order."""
    x = convert_to_tensor(value)
    return x[_rng(seed).permutation(len(x))]


def categorical(logits, num_samples, dtype="int64", seed=None, name=None) -> Tensor:
    """``num_samples`` class indices per row, drawn with probabilities ``softmax(logits)``: shape (N, num_samples)."""
    z = np.asarray(convert_to_tensor(logits).numpy(), dtype=np.float64)
    p = np.exp(z - z.max(axis=-1, keepdims=True))
    p /= p.sum(axis=-1, keepdims=True)
    rng = _rng(seed)
    u = rng.random((p.shape[0], int(num_samples), 1))
    return Tensor._wrap((u > np.cumsum(p, axis=-1)[:, None, :]).sum(axis=-1).astype(dtype))

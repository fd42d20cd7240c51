"""Small utilities: seeding, and the warning classes of the learner hints (:mod:`scratchnet.hints`).

``check_inputs`` and ``value_range`` live in :mod:`scratchnet.checks` with the other input checks, and are
importable from here too.
"""

from __future__ import annotations

import random

import numpy as np

from scratchnet.checks import check_inputs, value_range

__all__ = ["InputScaleWarning", "TrainingHint", "check_inputs", "make_rng", "set_random_seed", "value_range"]

_seed_sequence: np.random.SeedSequence | None = None


def set_random_seed(seed: int) -> None:
    """Make every later run repeatable: same seed, same weights, same shuffles, same dropout masks.

    Models created afterwards without a ``seed=`` draw their random generator from this seed, in creation
    order. Python's ``random`` and NumPy's global generator are seeded too, for the user's own code
    (scratchnet itself never uses the global generator).

    >>> set_random_seed(42)
    """
    global _seed_sequence
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"set_random_seed expected a non-negative integer. Received: seed={seed!r}.")
    _seed_sequence = np.random.SeedSequence(int(seed))
    random.seed(int(seed))
    np.random.seed(int(seed) % 2**32)  # noqa: NPY002 -- seeding it for user code is the point


def make_rng(seed: int | None = None) -> np.random.Generator:
    """A new random generator: from ``seed`` if given, else from :func:`set_random_seed`'s seed, else fresh."""
    if seed is not None:
        return np.random.default_rng(seed)
    if _seed_sequence is not None:
        return np.random.default_rng(_seed_sequence.spawn(1)[0])
    return np.random.default_rng()


class InputScaleWarning(UserWarning):
    """Inputs to predict/evaluate are on a clearly different scale from the ones the model was trained on."""


class TrainingHint(UserWarning):
    """Something in training looks wrong, with its likely cause (first loss far from ln C, loss turned NaN)."""

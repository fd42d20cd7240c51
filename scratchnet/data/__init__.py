"""``sn.data``: ``tf.data`` for NumPy arrays: :class:`Dataset` pipelines (``from_tensor_slices``, ``map``,
``shuffle``, ``batch``, ``window``, ...) that ``fit``, ``evaluate`` and ``predict`` accept.

>>> import scratchnet as sn
>>> ds = sn.data.Dataset.range(10).window(4, shift=1, drop_remainder=True).flat_map(lambda w: w.batch(4))
>>> next(iter(ds)).tolist()
[0, 1, 2, 3]
"""

from types import SimpleNamespace

import numpy as np

from scratchnet.data.dataset import AUTOTUNE, INFINITE, UNKNOWN, Dataset
from scratchnet.data.structure import TensorSpec

__all__ = ["AUTOTUNE", "INFINITE_CARDINALITY", "UNKNOWN_CARDINALITY", "Dataset", "TensorSpec", "experimental"]

INFINITE_CARDINALITY = INFINITE
UNKNOWN_CARDINALITY = UNKNOWN


def _cardinality(dataset: Dataset) -> np.int64:
    return dataset.cardinality()


# tf.data.experimental: where TensorFlow 2.0-2.3 programs find AUTOTUNE and cardinality.
experimental = SimpleNamespace(
    AUTOTUNE=AUTOTUNE,
    INFINITE_CARDINALITY=INFINITE,
    UNKNOWN_CARDINALITY=UNKNOWN,
    cardinality=_cardinality,
)


class Options:
    """Accepted for ``dataset.with_options(tf.data.Options())``; its settings change nothing here."""

"""The arrays scratchnet hands back where TensorFlow would hand back a tensor: NumPy arrays that also have ``.numpy()``.

TensorFlow's tutorials call ``.numpy()`` on what a model or layer returns (``model(x_train[:1]).numpy()``,
``normalizer.mean.numpy()``). Here those results are NumPy arrays already; :class:`EagerArray` is a NumPy array
whose ``.numpy()`` returns it as a plain ``np.ndarray``, so such lines run as written. Everything else about it is
NumPy's.
"""

from __future__ import annotations

import numpy as np

__all__ = ["EagerArray", "eager"]


class EagerArray(np.ndarray):
    """A NumPy array with TensorFlow's ``.numpy()``, which returns the same numbers as a plain array (a view)."""

    def numpy(self) -> np.ndarray:
        return self.view(np.ndarray)


def eager(a):
    """``a`` (an array, or a list of arrays) viewed as :class:`EagerArray`; nothing is copied."""
    if isinstance(a, list):
        return [eager(item) for item in a]
    return np.asarray(a).view(EagerArray)

"""Nested elements: the tuples, dicts and lists a dataset's element may be made of, walked leaf by leaf.

A ``tf.data`` element is a structure of tensors: ``(image, label)``, ``{"x": ..., "y": ...}``, or one array.
Here the leaves are NumPy arrays, and these helpers apply a function to every leaf while keeping the structure.
As in TensorFlow, tuples and dicts are structures and a list is one value (``[[1, 2], [3, 4]]`` is a 2×2 array).
"""

from __future__ import annotations

import numpy as np

__all__ = ["TensorSpec", "flatten", "map_structure", "spec_of"]


def map_structure(fn, *structures):
    """``fn`` applied to the leaves at the same place in each structure, in the same nesting."""
    first = structures[0]
    if type(first) is tuple and len(structures) == 1 and not any(type(p) in (tuple, dict) for p in first):
        return tuple(map(fn, first))  # the common (x, y) element, without the recursion
    if isinstance(first, dict):
        return {key: map_structure(fn, *(s[key] for s in structures)) for key in first}
    if isinstance(first, tuple):
        return tuple(map_structure(fn, *parts) for parts in zip(*structures, strict=True))
    return fn(*structures)


def flatten(structure) -> list:
    """The leaves of ``structure``, in order (dict keys in insertion order)."""
    if isinstance(structure, dict):
        return [leaf for value in structure.values() for leaf in flatten(value)]
    if isinstance(structure, tuple):
        return [leaf for part in structure for leaf in flatten(part)]
    return [structure]


class TensorSpec:
    """The shape and dtype of one leaf of a dataset's element (``None`` for a size not known in advance)."""

    def __init__(self, shape, dtype, name=None):
        self.shape = tuple(shape)
        self.dtype = np.dtype(dtype)
        self.name = name

    def __eq__(self, other):
        return isinstance(other, TensorSpec) and (self.shape, self.dtype) == (other.shape, other.dtype)

    def __hash__(self):
        return hash((self.shape, self.dtype))

    def __repr__(self):
        return f"TensorSpec(shape={self.shape}, dtype={self.dtype.name}, name={self.name!r})"


def spec_of(element, batch_axis: int | None = -1):
    """The :class:`TensorSpec` structure of ``element``; ``batch_axis`` (if not -1) is put in front of each shape
    (``None`` for batches whose size may vary)."""

    def leaf_spec(leaf):
        arr = np.asarray(leaf)
        shape = arr.shape if batch_axis == -1 else (batch_axis, *arr.shape)
        return TensorSpec(shape, arr.dtype)

    return map_structure(leaf_spec, element)

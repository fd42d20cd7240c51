"""The steps of a pipeline, each a generator over the elements of the step before it.

:class:`scratchnet.data.Dataset` holds one of these per transformation (``batch``, ``shuffle``, ``window``, ...)
and nothing else: no element is computed before it is asked for, so a pipeline over 60,000 images holds the
source arrays, one shuffle buffer of ``buffer_size`` elements and the batch being built, never a copy of the data.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator

import numpy as np

from scratchnet.data.structure import flatten, map_structure

__all__ = ["batched", "call", "shuffled", "sliced", "unbatched", "windows"]


def call(fn: Callable, element):
    """``fn`` applied to an element as ``tf.data`` does: a tuple is unpacked into arguments, anything else is one."""
    return fn(*element) if isinstance(element, tuple) else fn(element)


def as_arrays(structure):
    """Every leaf as a NumPy array (a map function may return Python numbers, lists, or array-like objects)."""
    return map_structure(lambda leaf: leaf if isinstance(leaf, np.ndarray) else np.asarray(leaf), structure)


def sliced(tensors, n: int) -> Iterator:
    """The ``n`` slices ``tensors[i]`` along the first axis of every leaf: views, never copies."""
    for i in range(n):
        yield map_structure(lambda leaf, i=i: leaf[i], tensors)


def stack(elements: list, who: str):
    """One batch from a list of elements: each leaf stacked along a new first axis."""
    try:
        return map_structure(lambda *leaves: np.stack(leaves), *elements)
    except ValueError:
        shapes = sorted({tuple(np.shape(leaf)) for e in elements for leaf in flatten(e)})
        raise ValueError(
            f"Dataset.{who}(): the elements of one batch must all have the same shape. Received: shapes {shapes}. "
            "Make them equal first (a map that crops or pads), or use padded_batch(batch_size)."
        ) from None


def pad_stack(elements: list, padding_value):
    """One batch of elements of different lengths, each leaf padded at the end to the longest one."""

    def pad(*leaves):
        arrays = [np.asarray(leaf) for leaf in leaves]
        shape = tuple(max(sizes) for sizes in zip(*(a.shape for a in arrays), strict=True))
        out = np.full((len(arrays), *shape), padding_value, dtype=arrays[0].dtype)
        for row, a in zip(out, arrays, strict=True):
            row[tuple(slice(0, s) for s in a.shape)] = a
        return out

    return map_structure(pad, *elements)


def batched(source: Iterable, size: int, drop_remainder: bool, combine) -> Iterator:
    """Consecutive groups of ``size`` elements, each combined into one batch; the last smaller one unless
    ``drop_remainder``."""
    it = iter(source)
    while True:
        group = list(itertools.islice(it, size))
        if not group or (drop_remainder and len(group) < size):
            return
        yield combine(group)


def unbatched(source: Iterable) -> Iterator:
    """The rows of each element, one by one (the inverse of ``batched``)."""
    for element in source:
        n = len(flatten(element)[0])
        yield from sliced(element, n)


def shuffled(source: Iterable, buffer_size: int, rng: np.random.Generator) -> Iterator:
    """The elements in random order, as ``tf.data`` shuffles: a buffer of ``buffer_size`` elements is filled;
    each element given out is drawn from the buffer at random, and its place taken by the next one from the source.

    So only ``buffer_size`` elements are held at a time, and the order is as random as that allows: a buffer of 1
    does not shuffle at all, a buffer as large as the dataset gives a uniform permutation.
    """
    it = iter(source)
    buffer = list(itertools.islice(it, buffer_size))
    draws = _uniform(rng)
    for element in it:
        j = int(next(draws) * len(buffer))
        yield buffer[j]
        buffer[j] = element
    while buffer:  # the source is spent: give out what remains, still at random
        j = int(next(draws) * len(buffer))
        buffer[j], buffer[-1] = buffer[-1], buffer[j]
        yield buffer.pop()


def _uniform(rng: np.random.Generator, block: int = 4096) -> Iterator[float]:
    """Uniform numbers in [0, 1), drawn a block at a time (one draw per element would cost more than the rest)."""
    while True:
        yield from rng.random(block).tolist()


def windows(source: Iterable, size: int, shift: int, stride: int, drop_remainder: bool) -> Iterator[list]:
    """Lists of ``size`` elements (every ``stride``-th), the next list starting ``shift`` elements later.

    Without ``drop_remainder`` the last windows may be shorter: they start at every ``shift`` until the data ends.
    """
    it = iter(source)
    span = (size - 1) * stride + 1  # elements one window covers
    buffer: list = []
    exhausted = False
    while True:
        if not exhausted:
            buffer.extend(itertools.islice(it, span - len(buffer)))
            exhausted = len(buffer) < span
        if not buffer or (exhausted and drop_remainder):
            return
        yield buffer[0:span:stride]
        if shift <= len(buffer):
            del buffer[:shift]
        else:  # the next window starts beyond what we hold: skip the elements in between
            skipped = shift - len(buffer)
            buffer = []
            if not exhausted and len(list(itertools.islice(it, skipped))) < skipped:
                return

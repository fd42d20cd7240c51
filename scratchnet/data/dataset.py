"""``Dataset``: ``tf.data.Dataset`` on NumPy arrays, lazy, one element at a time.

A dataset is a recipe, not data: each one holds a function that makes a fresh iterator over its elements, built
on the iterator of the dataset it came from. Iterating it (``for x, y in ds``, or ``fit(ds)``) runs the recipe;
nothing is computed or copied before. An element is a NumPy array or a tuple/dict of them, as in TensorFlow
(where they are tensors); a ``map`` function receives those arrays, so ``x / 255`` and ``tf.cast`` work on them.

>>> ds = Dataset.from_tensor_slices((np.arange(6), np.arange(6) * 10)).batch(4)
>>> [(x.tolist(), y.tolist()) for x, y in ds]
[([0, 1, 2, 3], [0, 10, 20, 30]), ([4, 5], [40, 50])]
"""

from __future__ import annotations

import functools
import itertools
import math
from collections.abc import Callable, Iterator

import numpy as np

from scratchnet import utils
from scratchnet.data import pipeline
from scratchnet.data.structure import flatten, map_structure, spec_of

__all__ = ["AUTOTUNE", "INFINITE", "UNKNOWN", "Dataset"]

AUTOTUNE = -1  # accepted wherever tf.data takes it (num_parallel_calls, prefetch): there is one thread here
INFINITE = -1  # cardinality of a dataset that repeats forever, as tf.data.INFINITE_CARDINALITY
UNKNOWN = -2  # cardinality that cannot be known without running the pipeline (filter, from_generator)


def _count(who: str, name: str, value, allow_minus_one: bool = False) -> int:
    if allow_minus_one and value is not None and not isinstance(value, bool) and value == -1:
        return -1
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 0:
        raise ValueError(
            f"Dataset.{who}() expected `{name}` to be a non-negative integer"
            f"{' (or -1 for all)' if allow_minus_one else ''}. Received: {name}={value!r}."
        )
    return int(value)


class Dataset:
    """A lazy sequence of elements; make one with :meth:`from_tensor_slices`, :meth:`range`, ... ."""

    def __init__(self, make_iterator: Callable[[], Iterator], cardinality: int, spec=None, batched_from=None):
        self._make_iterator = make_iterator
        self._cardinality = cardinality
        self._spec = spec
        self._batched_from = batched_from  # (dataset, batch size or None): for element_spec's batch axis

    # --- sources ------------------------------------------------------------------------------------------------
    @staticmethod
    def from_tensor_slices(tensors, name=None) -> Dataset:
        """One element per row: ``tensors[i]`` (in each leaf of a tuple or dict), as views of the arrays."""
        tensors = pipeline.as_arrays(tensors)
        lengths = {leaf.shape[0] if leaf.ndim else None for leaf in flatten(tensors)}
        if None in lengths or len(lengths) != 1:
            shapes = [leaf.shape for leaf in flatten(tensors)]
            raise ValueError(
                "Dataset.from_tensor_slices() slices its input along the first axis, so every array needs one, of "
                f"the same length. Received: shapes {shapes}. Pass arrays with the same number of rows (a scalar "
                "is one element: use from_tensors)."
            )
        n = lengths.pop()
        spec = map_structure(lambda leaf: spec_of(leaf[0]) if n else spec_of(leaf[:0]), tensors)
        return Dataset(lambda: pipeline.sliced(tensors, n), n, spec)

    @staticmethod
    def from_tensors(tensors, name=None) -> Dataset:
        """A dataset of one element: ``tensors`` whole."""
        tensors = pipeline.as_arrays(tensors)
        return Dataset(lambda: iter([tensors]), 1, spec_of(tensors))

    @staticmethod
    def from_generator(generator, output_types=None, output_shapes=None, args=None, output_signature=None):
        """The elements a Python generator function yields; it is called (with ``args``) at each iteration."""
        if not callable(generator):
            raise TypeError(
                "Dataset.from_generator() expected a generator function (called anew for each pass), not a "
                f"generator. Received: {type(generator).__name__}. Pass gen, not gen()."
            )
        args = tuple(args or ())
        return Dataset(lambda: (pipeline.as_arrays(e) for e in generator(*args)), UNKNOWN)

    @staticmethod
    def range(*args, dtype="int64", name=None) -> Dataset:
        """``range(stop)``, ``range(start, stop)``, ``range(start, stop, step)``: the numbers, one per element."""
        values = np.arange(*args, dtype=dtype)
        return Dataset(lambda: iter(values), len(values))

    @staticmethod
    def zip(*datasets, name=None) -> Dataset:
        """Elements side by side: ``zip((a, b))`` gives ``(a_i, b_i)``, stopping with the shortest."""
        structure = datasets[0] if len(datasets) == 1 and not isinstance(datasets[0], Dataset) else datasets
        parts = flatten(structure)
        if not all(isinstance(d, Dataset) for d in parts):
            raise TypeError(
                f"Dataset.zip() expected datasets. Received: {[type(d).__name__ for d in parts]}. Make each one a "
                "Dataset (Dataset.from_tensor_slices(array))."
            )
        known = [d._cardinality for d in parts]
        finite = [c for c in known if c >= 0]
        cardinality = min(finite) if finite else (UNKNOWN if UNKNOWN in known else INFINITE)

        def make():
            leaves = [iter(d) for d in parts]
            for values in zip(*leaves, strict=False):
                leaf = iter(values)
                yield map_structure(lambda _, leaf=leaf: next(leaf), structure)

        return Dataset(make, cardinality)

    # --- transformations ----------------------------------------------------------------------------------------
    def map(self, map_func, num_parallel_calls=None, deterministic=None, name=None) -> Dataset:
        """``map_func(element)`` for each element (a tuple element is passed as separate arguments)."""
        return Dataset(lambda: (pipeline.as_arrays(pipeline.call(map_func, e)) for e in self), self._cardinality)

    def filter(self, predicate, name=None) -> Dataset:
        """The elements for which ``predicate(element)`` is true."""
        return Dataset(lambda: (e for e in self if bool(pipeline.call(predicate, e))), self._unknown_if_finite())

    def batch(self, batch_size, drop_remainder=False, num_parallel_calls=None, deterministic=None, name=None):
        """Consecutive elements stacked into batches of ``batch_size`` (the last one smaller unless
        ``drop_remainder``)."""
        size = _count("batch", "batch_size", batch_size)
        if size == 0:
            raise ValueError("Dataset.batch() expected `batch_size` to be at least 1. Received: batch_size=0.")
        combine = functools.partial(pipeline.stack, who="batch")
        return self._batched(size, drop_remainder, combine)

    def padded_batch(self, batch_size, padded_shapes=None, padding_values=None, drop_remainder=False, name=None):
        """Batches of elements of different lengths, each padded at the end (with 0, or ``padding_values``) to the
        longest in its batch."""
        size = _count("padded_batch", "batch_size", batch_size)
        value = 0 if padding_values is None else padding_values
        return self._batched(size, drop_remainder, functools.partial(pipeline.pad_stack, padding_value=value))

    def _batched(self, size: int, drop_remainder: bool, combine) -> Dataset:
        c = self._cardinality
        cardinality = c if c < 0 else (c // size if drop_remainder else math.ceil(c / size))
        return Dataset(
            lambda: pipeline.batched(self, size, drop_remainder, combine),
            cardinality,
            batched_from=(self, size if drop_remainder else None),
        )

    def unbatch(self, name=None) -> Dataset:
        """The rows of each element as elements (the inverse of ``batch``)."""
        return Dataset(lambda: pipeline.unbatched(self), self._unknown_if_finite())

    def shuffle(self, buffer_size, seed=None, reshuffle_each_iteration=True, name=None) -> Dataset:
        """Elements in random order through a buffer of ``buffer_size`` elements (see :func:`pipeline.shuffled`).

        With ``reshuffle_each_iteration`` each pass has a new order; without, every pass repeats the first one.
        ``seed`` (or :func:`scratchnet.random.set_seed`) makes the orders repeatable.
        """
        size = _count("shuffle", "buffer_size", buffer_size)
        if size == 0:
            raise ValueError(
                "Dataset.shuffle() expected `buffer_size` to be at least 1 (a buffer as large as the dataset "
                "shuffles fully). Received: buffer_size=0."
            )
        rng = utils.make_rng(seed)
        fixed = int(rng.integers(2**63))

        def make():
            return pipeline.shuffled(self, size, rng if reshuffle_each_iteration else np.random.default_rng(fixed))

        return Dataset(make, self._cardinality, self._spec, self._batched_from)

    def window(self, size, shift=None, stride=1, drop_remainder=False, name=None) -> Dataset:
        """Windows of ``size`` consecutive elements, one every ``shift`` (default ``size``); each window is itself
        a Dataset (a structure of them for tuple elements), to be batched, usually in ``flat_map``."""
        size = _count("window", "size", size)
        shift = size if shift is None else _count("window", "shift", shift)
        stride = _count("window", "stride", stride)
        if min(size, shift, stride) == 0:
            raise ValueError(
                f"Dataset.window() expected size, shift and stride of at least 1. Received: size={size}, "
                f"shift={shift}, stride={stride}."
            )
        c = self._cardinality
        span = (size - 1) * stride + 1
        if c < 0:
            cardinality = c
        elif drop_remainder:
            cardinality = max(0, (c - span) // shift + 1) if c >= span else 0
        else:
            cardinality = math.ceil(c / shift)

        def make():
            for elements in pipeline.windows(self, size, shift, stride, drop_remainder):
                yield map_structure(lambda *leaves: Dataset._of(list(leaves)), *elements)

        return Dataset(make, cardinality)

    @staticmethod
    def _of(elements: list) -> Dataset:
        return Dataset(lambda: iter(elements), len(elements))

    def flat_map(self, map_func, name=None) -> Dataset:
        """The elements of the datasets ``map_func(element)`` returns, one dataset after another."""

        def make():
            for element in self:
                inner = pipeline.call(map_func, element)
                if not isinstance(inner, Dataset):
                    raise TypeError(
                        "Dataset.flat_map() expected its function to return a Dataset (e.g. lambda w: "
                        f"w.batch(5)). Received: {type(inner).__name__}. Use map() for functions of elements."
                    )
                yield from inner

        return Dataset(make, UNKNOWN if self._cardinality != INFINITE else INFINITE)

    def take(self, count, name=None) -> Dataset:
        """The first ``count`` elements (all of them for -1)."""
        count = _count("take", "count", count, allow_minus_one=True)
        if count == -1:
            return self
        c = self._cardinality
        return Dataset(lambda: itertools.islice(self, count), count if c in (INFINITE, UNKNOWN) else min(c, count))

    def skip(self, count, name=None) -> Dataset:
        """All but the first ``count`` elements."""
        count = _count("skip", "count", count, allow_minus_one=True)
        c = self._cardinality
        if count == -1:
            return Dataset(lambda: iter(()), 0)
        return Dataset(lambda: itertools.islice(self, count, None), c if c < 0 else max(0, c - count))

    def repeat(self, count=None, name=None) -> Dataset:
        """The elements ``count`` times over (forever for None or -1): each pass is a new iteration, so a
        ``shuffle`` before it gives each pass a new order."""
        count = None if count is None or count == -1 else _count("repeat", "count", count)

        def make():
            for _ in itertools.count() if count is None else range(count):
                yield from self

        c = self._cardinality
        if count is None:
            cardinality = 0 if c == 0 else INFINITE
        else:
            cardinality = c * count if c >= 0 else (0 if count == 0 else c)
        return Dataset(make, cardinality, self._spec, self._batched_from)

    def concatenate(self, dataset, name=None) -> Dataset:
        """This dataset's elements, then ``dataset``'s."""
        a, b = self._cardinality, dataset._cardinality
        cardinality = INFINITE if INFINITE in (a, b) else (UNKNOWN if UNKNOWN in (a, b) else a + b)
        return Dataset(lambda: itertools.chain(self, dataset), cardinality)

    def cache(self, filename="", name=None) -> Dataset:
        """The elements computed on the first complete pass, kept in memory and replayed on the next ones."""
        store: list = []
        complete = [False]

        def make():
            if complete[0]:
                yield from store
                return
            store.clear()
            for element in self:
                store.append(element)
                yield element
            complete[0] = True

        return Dataset(make, self._cardinality, self._spec, self._batched_from)

    def prefetch(self, buffer_size=None, name=None) -> Dataset:
        """The same dataset: there is no second thread to prepare batches ahead, so this changes nothing."""
        return self

    def enumerate(self, start=0, name=None) -> Dataset:
        """``(index, element)`` pairs."""
        return Dataset(lambda: ((np.int64(i), e) for i, e in enumerate(self, start)), self._cardinality)

    def apply(self, transformation_func) -> Dataset:
        """``transformation_func(self)``: a whole-pipeline step written as a function."""
        return transformation_func(self)

    def with_options(self, options, name=None) -> Dataset:
        """The same dataset (tf.data's options tune its threads, and there are none here)."""
        return self

    # --- reading it ---------------------------------------------------------------------------------------------
    def __iter__(self) -> Iterator:
        return iter(self._make_iterator())

    def as_numpy_iterator(self) -> Iterator:
        """The elements, as NumPy arrays (which they are already)."""
        return iter(self)

    def cardinality(self) -> np.int64:
        """The number of elements, or ``INFINITE`` (-1) for a repeating dataset, ``UNKNOWN`` (-2) if it cannot be
        known before running it (after ``filter``, ``flat_map``, or for ``from_generator``)."""
        return np.int64(self._cardinality)

    def __len__(self) -> int:
        if self._cardinality == INFINITE:
            raise TypeError("The dataset is infinite (it repeats forever): it has no len().")
        if self._cardinality == UNKNOWN:
            raise TypeError(
                "The dataset length is unknown (after filter, flat_map or from_generator); count it with "
                "sum(1 for _ in dataset)."
            )
        return self._cardinality

    def __bool__(self) -> bool:
        return True

    @property
    def element_spec(self):
        """The shapes and dtypes of an element (``TensorSpec``s); a batch axis of varying size is ``None``."""
        if self._spec is None:
            if self._batched_from is not None:
                parent, size = self._batched_from
                self._spec = map_structure(lambda s: type(s)((size, *s.shape), s.dtype), parent.element_spec)
            else:
                first = next(iter(self), None)
                if first is None:
                    raise ValueError("Dataset.element_spec: the dataset is empty, so its elements have no shape.")
                self._spec = spec_of(first)
        return self._spec

    def _unknown_if_finite(self) -> int:
        return self._cardinality if self._cardinality == INFINITE else UNKNOWN

    def __repr__(self) -> str:
        c = self._cardinality
        size = {INFINITE: "infinite", UNKNOWN: "unknown"}.get(c, str(c))
        return f"<Dataset cardinality={size}>"

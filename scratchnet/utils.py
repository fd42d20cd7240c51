"""Small utilities: seeding, label and array helpers (``to_categorical``, ``normalize``), Keras's ``Sequence``, and
the names ``keras.utils`` also holds that live elsewhere here (``image_dataset_from_directory``, ``get_file``,
``pad_sequences``: forwarded on first use).

``check_inputs`` and ``value_range`` live in :mod:`scratchnet.checks` with the other input checks, and are
importable from here too.
"""

from __future__ import annotations

import dis
import logging
import random
import sys

import numpy as np

from scratchnet.checks import check_inputs, value_range

__all__ = [
    "PyDataset",
    "Sequence",
    "check_inputs",
    "get_logger",
    "make_rng",
    "missing_name",
    "normalize",
    "set_random_seed",
    "to_categorical",
    "value_range",
]

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


def get_logger() -> logging.Logger:
    """``tf.get_logger()``: the ``logging.Logger`` scratchnet's messages would go to (``.setLevel('ERROR')`` works)."""
    return logging.getLogger("scratchnet")


def missing_name(module: str, name: str, hint: str) -> Exception:
    """The one-line error for a name ``module`` lacks: an ImportError under ``from module import name`` (where
    Python would replace an AttributeError's message by its generic "cannot import name"), else an AttributeError
    (so ``hasattr`` stays False). Raise it from the module's ``__getattr__``."""
    try:
        frame = sys._getframe(2)  # the statement that asked: the caller of the module's __getattr__
        from_import = dis.opname[frame.f_code.co_code[frame.f_lasti]] == "IMPORT_FROM"
    except (AttributeError, IndexError, ValueError):  # another Python implementation
        from_import = False
    if from_import:
        return ImportError(f"cannot import name {name!r} from {module!r}: {hint}.")
    return AttributeError(f"module {module!r} has no attribute {name!r}: {hint}.")


def make_rng(seed: int | None = None) -> np.random.Generator:
    """A new random generator: from ``seed`` if given, else from :func:`set_random_seed`'s seed, else fresh."""
    if seed is not None:
        return np.random.default_rng(seed)
    if _seed_sequence is not None:
        return np.random.default_rng(_seed_sequence.spawn(1)[0])
    return np.random.default_rng()


def to_categorical(x, num_classes: int | None = None) -> np.ndarray:
    """One-hot encode integer class labels: label ``k`` becomes a row with a 1 in column ``k``, as Keras does.

    Labels of shape ``(N,)`` or ``(N, 1)`` give ``(N, num_classes)``; in general the class axis is added last
    (a trailing axis of size 1 is dropped first). Use it to train with ``loss='categorical_crossentropy'``.

    >>> to_categorical([0, 2, 1], num_classes=3)
    array([[1., 0., 0.],
           [0., 0., 1.],
           [0., 1., 0.]], dtype=float32)

    Args:
        x: class labels, integers in ``[0, num_classes)`` (floats such as ``3.0`` are accepted if whole).
        num_classes: number of classes; by default ``max(x) + 1``.

    Returns:
        float32 array (Keras returns float64; float32 is what a scratchnet model computes in).

    Raises:
        ValueError: for labels that are not whole numbers, negative, or not below ``num_classes``.
    """
    labels = np.asarray(x)
    if labels.dtype == bool or not np.issubdtype(labels.dtype, np.number):
        raise ValueError(
            f"to_categorical expected integer class labels. Received: x.dtype={labels.dtype}. "
            "Turn text labels into integers first (e.g. with np.unique(x, return_inverse=True))."
        )
    if labels.size and not np.issubdtype(labels.dtype, np.integer):
        if not np.all(np.isfinite(labels)) or not np.all(labels == np.round(labels)):
            raise ValueError(
                f"to_categorical expected integer class labels. Received: values like {labels.ravel()[:3].tolist()} "
                f"(dtype {labels.dtype})."
            )
    labels = labels.astype(np.int64)
    shape = labels.shape
    if len(shape) > 1 and shape[-1] == 1:
        shape = shape[:-1]
    flat = labels.reshape(-1)
    if num_classes is None:
        num_classes = int(flat.max()) + 1 if flat.size else 0
    elif isinstance(num_classes, bool) or not isinstance(num_classes, (int, np.integer)) or num_classes <= 0:
        raise ValueError(f"to_categorical expected num_classes to be a positive integer. Received: {num_classes!r}.")
    if flat.size and (flat.min() < 0 or flat.max() >= num_classes):
        raise ValueError(
            f"to_categorical: labels must be integers in [0, {num_classes}). Received: min label {flat.min()}, "
            f"max label {flat.max()}. Is num_classes={num_classes} right?"
        )
    one_hot = np.zeros((flat.size, int(num_classes)), dtype=np.float32)
    one_hot[np.arange(flat.size), flat] = 1.0
    return one_hot.reshape(*shape, int(num_classes))


def normalize(x, axis: int | None = -1, order=2) -> np.ndarray:
    """``x`` divided by its ``order``-norm along ``axis`` (L2 by default), as ``keras.utils.normalize``.

    Rows (along ``axis``) whose norm is 0 are left as they are instead of becoming NaN. The dtype of ``x`` is kept
    for floating inputs. ``axis=None`` takes the norm over all of ``x`` (then divides along the last axis, as
    Keras does).

    >>> normalize(np.array([[3.0, 4.0], [0.0, 0.0]]))
    array([[0.6, 0.8],
           [0. , 0. ]])
    """
    x = np.asarray(x)
    if not np.issubdtype(x.dtype, np.floating):
        x = x.astype(np.float32)
    norm = np.atleast_1d(np.linalg.norm(x, order, axis))
    norm[norm == 0] = 1
    return x / np.expand_dims(norm, -1 if axis is None else axis).astype(x.dtype, copy=False)


class Sequence:
    """Keras's ``utils.Sequence`` (``PyDataset`` in Keras 3): subclass it with ``__len__`` (batches per epoch) and
    ``__getitem__(i)`` (batch i, as ``(x, y)``); ``fit`` asks for batches 0 to len-1 each epoch, then calls
    ``on_epoch_end``."""

    def __init__(self, *args, **kwargs):
        pass

    def __len__(self) -> int:
        raise NotImplementedError("A Sequence subclass defines __len__: the number of batches in an epoch.")

    def __getitem__(self, index):
        raise NotImplementedError("A Sequence subclass defines __getitem__(index): batch number `index`, as (x, y).")

    def on_epoch_end(self) -> None:
        """Called by fit after each pass (e.g. to reshuffle)."""


PyDataset = Sequence

# Keras keeps these in keras.utils; here they live with the data tools of the periphery, and are forwarded by name
# (resolved on first use, like scratchnet's submodules) so that `from keras.utils import get_file` ports as it is.
_FORWARDED = {
    "image_dataset_from_directory": "scratchnet.preprocessing.directory",
    "pad_sequences": "scratchnet.preprocessing.sequence",
    "get_file": "scratchnet.datasets.get_file",
    "load_img": "scratchnet.preprocessing.files",
    "img_to_array": "scratchnet.preprocessing.files",
    "array_to_img": "scratchnet.preprocessing.files",
    "save_img": "scratchnet.preprocessing.files",
}
_NOT_HERE = {
    "text_dataset_from_directory": "read the files with Python, then sn.data.Dataset.from_tensor_slices((texts, y))",
    "timeseries_dataset_from_array": "sn.data.Dataset.from_tensor_slices(series).window(n, shift=1) + flat_map",
    "plot_model": "model.summary(), or sn.plotting for figures",
    "model_to_dot": "model.summary()",
    "register_keras_serializable": "sn.layers.register (a decorator for your own layer classes)",
    "get_custom_objects": "sn.layers.register",
    "custom_object_scope": "load_model(path, custom_objects={...})",
}


def __getattr__(name: str):
    if name in _FORWARDED:
        import importlib

        return getattr(importlib.import_module(_FORWARDED[name]), name)
    hint = f"use {_NOT_HERE[name]}" if name in _NOT_HERE else f"it has {', '.join(sorted([*__all__, *_FORWARDED]))}"
    raise missing_name("scratchnet.utils", name, hint)

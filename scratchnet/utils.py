"""Small utilities: seeding, label and array helpers (``to_categorical``, ``normalize``), and turning what users pass
to fit/predict into arrays we can trust."""

from __future__ import annotations

import math
import random

import numpy as np

__all__ = [
    "InputScaleWarning",
    "TrainingHint",
    "check_inputs",
    "make_rng",
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


# Scanning a big float64 dataset for NaN in one go would allocate a boolean array as large as the dataset;
# scanning in blocks keeps that temporary small (about 8 MB).
_SCAN_BLOCK_ELEMENTS = 1 << 23


def check_inputs(x, who: str, name: str = "x") -> np.ndarray:
    """Turn ``x`` (array, list, nested lists) into an array of numbers, or raise a clear error.

    Checks: not None, numeric, at least one example, every value finite. Nothing is copied when ``x`` is
    already a NumPy array; 1-D inputs become a column ``(N, 1)`` as in Keras (``model.predict([10.0])``).

    Returns:
        The array, shape ``(N, ...)``, in its own dtype (the model casts each batch).
    """
    if x is None:
        raise ValueError(f"{who}() needs input data. Received: {name}=None.")
    try:
        arr = np.asarray(x)
    except ValueError as e:  # ragged nested lists
        raise ValueError(
            f"{who}(): {name} must be an array of numbers with the same shape in every example. {e}"
        ) from None
    if arr.dtype == bool or not (np.issubdtype(arr.dtype, np.number)):
        raise TypeError(
            f"{who}(): {name} must hold numbers. Received: {name}.dtype={arr.dtype}. "
            "Convert it with np.asarray(..., dtype='float32')."
        )
    if np.issubdtype(arr.dtype, np.complexfloating):
        raise TypeError(f"{who}(): {name} must hold real numbers. Received: {name}.dtype={arr.dtype}.")
    if arr.ndim == 0 or arr.shape[0] == 0 or arr.size == 0:
        raise ValueError(
            f"{who}(): {name} is empty; it needs at least one example. Received: {name}.shape={arr.shape}."
        )
    if arr.ndim == 1:
        arr = arr.reshape(-1, 1)
    if np.issubdtype(arr.dtype, np.floating):
        rows_per_block = max(1, _SCAN_BLOCK_ELEMENTS // max(1, math.prod(arr.shape[1:])))
        for start in range(0, arr.shape[0], rows_per_block):
            block = arr[start : start + rows_per_block]
            if not np.isfinite(block).all():
                bad = np.argwhere(~np.isfinite(block))[0]
                bad[0] += start
                raise ValueError(
                    f"{who}(): {name} contains NaN or infinite values, first at index {tuple(bad.tolist())}. "
                    f"Received: {name}.shape={arr.shape}. Clean the data first (e.g. np.nan_to_num, or drop "
                    "those rows)."
                )
    return arr


def value_range(x: np.ndarray) -> tuple[float, float]:
    """(min, max) of ``x``, scanned in blocks so no temporary as large as ``x`` is made."""
    rows_per_block = max(1, _SCAN_BLOCK_ELEMENTS // max(1, math.prod(x.shape[1:])))
    lo, hi = math.inf, -math.inf
    for start in range(0, x.shape[0], rows_per_block):
        block = x[start : start + rows_per_block]
        lo, hi = min(lo, float(block.min())), max(hi, float(block.max()))
    return lo, hi


class InputScaleWarning(UserWarning):
    """Inputs to predict/evaluate are on a clearly different scale from the ones the model was trained on."""


class TrainingHint(UserWarning):
    """Something in training looks wrong, with its likely cause (first loss far from ln C, loss turned NaN)."""


def input_scale_message(trained: tuple[float, float], seen: tuple[float, float]) -> str | None:
    """A warning text when ``seen`` is on a clearly different scale than ``trained``, else None.

    "Clearly" means the largest magnitude differs by more than 10x: the classic case is a model trained on
    images / 255 (in [0, 1]) and then given raw pixels (in [0, 255]).
    """
    trained_scale = max(abs(trained[0]), abs(trained[1]))
    seen_scale = max(abs(seen[0]), abs(seen[1]))
    if trained_scale == 0 or seen_scale == 0 or 0.1 <= seen_scale / trained_scale <= 10:
        return None
    message = (
        f"The model was trained on inputs in [{trained[0]:.3g}, {trained[1]:.3g}]; these are in "
        f"[{seen[0]:.3g}, {seen[1]:.3g}], so its predictions will be meaningless."
    )
    if trained_scale <= 1.5 and seen_scale > 50:
        message += " Did you forget to divide by 255 (x / 255.0), as for the training images?"
    elif seen_scale <= 1.5 and trained_scale > 50:
        message += " The training inputs were not divided by 255 but these are: scale them the same way."
    else:
        message += " Scale them the same way as the training inputs."
    return message

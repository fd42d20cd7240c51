"""Input checks: what users pass to fit/evaluate/predict, turned into arrays we can trust, or a clear error.

Every check of user data lives here, so that each error message is written once: who complained, what was
expected, ``Received: name=value`` with shapes, and how to fix it. The training loop (``training.py``) and the
tools that look inside a model (``explain``, ``LayerStats``, ``gradcheck``) call :func:`prepare_inputs` and
:func:`prepare_data`; nothing here trains or changes a model, except building it on first sight of data.
"""

from __future__ import annotations

import math

import numpy as np

__all__ = ["check_inputs", "positive_int", "prepare_data", "prepare_inputs", "sample_weights", "value_range"]

# Scanning a big float64 dataset for NaN in one go would allocate a boolean array as large as the dataset;
# scanning in blocks keeps that temporary small (about 8 MB).
_SCAN_BLOCK_ELEMENTS = 1 << 23


def positive_int(who: str, name: str, value, allow_zero: bool = False) -> int:
    """``value`` as an int, or a ValueError saying ``who`` expected a positive (or non-negative) integer.

    NumPy integers are accepted (``np.int64(3)``, as from ``np.arange``); bools and floats are not.
    """
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < (0 if allow_zero else 1):
        raise ValueError(
            f"{who} expected `{name}` to be a {'non-negative' if allow_zero else 'positive'} integer. "
            f"Received: {name}={value!r}."
        )
    return int(value)


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


def _graph_data(model, data) -> bool:
    """Whether a graph model (scratchnet.models.graph) checks this data itself: several inputs or outputs, or a
    list or dict by input name."""
    several = getattr(model, "several_io", None)
    return several is not None and (several or isinstance(data, dict) or _list_of_arrays(data))


def _list_of_arrays(data) -> bool:
    return isinstance(data, (list, tuple)) and len(data) == 1 and isinstance(data[0], np.ndarray)


def prepare_inputs(model, x, who: str) -> np.ndarray:
    """Check ``x`` for ``model`` (building the model from it on first use); returns it as an array.

    Raises:
        ValueError: for an empty model, or inputs of the wrong shape (with the reshape that fixes it).
    """
    if _graph_data(model, x):  # a graph model with several inputs or outputs: lists (or dicts) of arrays
        return model.prepare_inputs(x, who)
    arr = check_inputs(x, who)
    raw_shape = tuple(x.shape) if isinstance(x, np.ndarray) else arr.shape  # before a 1-D input became a column
    x = arr
    if not model.built:
        # (a subclassed model, or a layer written Keras's way, finds its layers as it builds)
        if not getattr(model, "layers", None) and not getattr(model, "taped", False):
            raise ValueError(f"{who}(): the model has no layers yet. Add some with model.add(layer).")
        model.build(x.shape[1:])
    expected = tuple(model.input_shape)
    if (*x.shape[1:], 1) == expected:
        # Keras adds the trailing axis of size 1 that the data lacks (images (N, 28, 28) for a model built for
        # (28, 28, 1)), as a view: the course's convolution lab relies on it. A model built from the data instead
        # lets its Conv2D say that images need a channel axis.
        x = x[..., None]
    if x.shape[1:] != expected:
        if raw_shape == expected and expected != (1,):
            raise ValueError(
                f"{who}(): model '{model.name}' takes a batch of examples, shape {(None, *expected)}, and this is "
                f"one example without the batch axis. Received: x.shape={raw_shape}. Make it a batch of one: "
                "x_test[:1] instead of x_test[0], or np.expand_dims(x, 0)."
            )
        hint = ""
        if math.prod(x.shape[1:]) == math.prod(expected):
            hint = f" Reshape it with x.reshape(-1, {', '.join(map(str, expected))})."
        raise ValueError(
            f"{who}(): model '{model.name}' expects inputs of shape {(None, *expected)}. "
            f"Received: x.shape={x.shape}.{hint}"
        )
    return x


def prepare_data(model, x, y, who: str) -> tuple[np.ndarray, np.ndarray]:
    """Check ``x`` and the targets ``y`` for a compiled ``model``; the labels are validated by its loss.

    The labels are checked once here, against the output shape; each batch then skips the checks.

    Raises:
        RuntimeError: if the model is not compiled.
        ValueError: for missing, mismatched or non-finite targets, or labels the loss cannot take.
    """
    if _graph_data(model, x) or _graph_data(model, y):  # a graph model's lists (or dicts) of arrays
        return model.prepare_data(x, y, who)
    if model.loss is None:  # (the copies explain works on have a loss and no optimizer)
        raise RuntimeError(
            f"You must call compile(optimizer=..., loss=...) before {who}(). For example: "
            "model.compile(optimizer='adam', loss='sparse_categorical_crossentropy', metrics=['accuracy'])."
        )
    x = prepare_inputs(model, x, who)
    if y is None:
        raise ValueError(f"{who}() needs targets. Received: y=None.")
    try:
        y = np.asarray(y)
    except ValueError as e:  # ragged nested lists
        raise ValueError(f"{who}(): y must hold the same number of values for every example. {e}") from None
    if y.dtype == bool:  # True/False labels, as Keras accepts them for binary cross-entropy
        y = y.astype(np.uint8)
    if y.ndim == 0 or len(y) != len(x):
        raise ValueError(
            f"{who}(): x and y must hold the same number of examples. Received: x.shape={x.shape}, y.shape={y.shape}."
        )
    if not np.issubdtype(y.dtype, np.number) or (np.issubdtype(y.dtype, np.floating) and not np.isfinite(y).all()):
        raise ValueError(
            f"{who}(): y must hold finite numbers. Received: y.dtype={y.dtype}"
            f"{' with NaN or inf' if np.issubdtype(y.dtype, np.floating) else ''}."
        )
    try:
        y = model.loss.validate(y, (len(x), *model.output_shape[1:]))
    except ValueError as e:
        if who.startswith("fit(validation_data)"):  # say which labels: the training ones passed the same check
            raise ValueError(f"{who}: the validation labels do not fit the model. {e}") from None
        raise
    if y.dtype.kind == "f" and y.dtype != model.dtype:
        y = y.astype(model.dtype)
    return x, y


def sample_weights(model, y: np.ndarray, sample_weight, class_weight, who: str = "fit()") -> np.ndarray | None:
    """The per-example weights of ``fit(sample_weight=..., class_weight=...)`` in the model's dtype, or None.

    ``class_weight`` gives each example the weight of its class (the argmax of a one-hot label), as Keras does;
    with both, the weights multiply.
    """
    if sample_weight is None and class_weight is None:
        return None
    weights = np.ones(len(y), dtype=model.dtype)
    if sample_weight is not None:
        w = np.asarray(sample_weight)
        if w.ndim == 2 and w.shape[1] == 1:
            w = w[:, 0]
        if w.shape != (len(y),) or not np.issubdtype(w.dtype, np.number) or not np.isfinite(w).all() or (w < 0).any():
            raise ValueError(
                f"{who} expected sample_weight to hold one finite, non-negative weight per example, shape "
                f"({len(y)},). Received: sample_weight.shape={w.shape}, dtype={w.dtype}."
            )
        weights *= w.astype(model.dtype)
    if class_weight is not None:
        if not isinstance(class_weight, dict) or not all(
            isinstance(k, (int, np.integer)) and not isinstance(k, bool) for k in class_weight
        ):
            raise ValueError(
                "fit() expected class_weight to be a dict from class index to weight, e.g. {0: 1.0, 1: 3.0}. "
                f"Received: class_weight={class_weight!r}."
            )
        labels = y.argmax(axis=-1) if y.ndim == 2 and y.shape[1] > 1 else y.reshape(len(y), -1)[:, 0]
        if not np.issubdtype(labels.dtype, np.integer) and not np.all(labels == np.round(labels)):
            raise ValueError(
                "fit(): class_weight needs class labels (integers, or one-hot rows). Received: labels like "
                f"{labels[:3].tolist()}. Use sample_weight for continuous targets."
            )
        _check_class_weight(model, class_weight)
        table = np.ones(int(max(labels.max(), max(class_weight))) + 1, dtype=model.dtype)
        for k, v in class_weight.items():
            table[int(k)] = float(v)
        weights *= table[labels.astype(np.int64)]
    return weights


def _check_class_weight(model, class_weight: dict) -> None:
    """Each weight a finite number >= 0, each class one the model can output (a NaN weight would be a NaN loss)."""
    for k, v in class_weight.items():
        ok = isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool)
        if not ok or not np.isfinite(v) or v < 0:
            raise ValueError(
                f"fit() expected class_weight to map each class to a finite weight >= 0, e.g. {{0: 1.0, 1: 3.0}}. "
                f"Received: class_weight[{k!r}]={v!r}."
            )
    try:
        shape = model.output_shape
    except (AttributeError, ValueError):  # not built: nothing to compare with
        shape = None
    classes = shape[-1] if isinstance(shape, tuple) and shape and isinstance(shape[-1], int) else None
    if classes and classes > 1:
        outside = sorted(int(k) for k in class_weight if not 0 <= k < classes)
        if outside:
            raise ValueError(
                f"fit(): class_weight names class {outside[0]}, but the model has {classes} outputs (classes 0 to "
                f"{classes - 1}). Received: class_weight={class_weight!r}."
            )

"""``keras.preprocessing.sequence.pad_sequences``: lists of different lengths as one rectangular array.

>>> pad_sequences([[1, 2, 3], [4, 5]], maxlen=2)
array([[2, 3],
       [4, 5]], dtype=int32)
>>> pad_sequences([[1, 2, 3], [4]], padding="post")
array([[1, 2, 3],
       [4, 0, 0]], dtype=int32)
"""

from __future__ import annotations

import numpy as np

__all__ = ["pad_sequences"]


def pad_sequences(sequences, maxlen=None, dtype="int32", padding="pre", truncating="pre", value=0.0) -> np.ndarray:
    """Sequences (a list of lists) as an array (N, maxlen), as Keras pads them.

    Longer sequences lose their first values (``truncating="pre"``, the default) or their last ones (``"post"``);
    shorter ones get ``value`` in front (``padding="pre"``, the default) or behind (``"post"``). ``maxlen`` defaults
    to the longest sequence. Elements may themselves be arrays of one shape (then the result has it as a last axis).
    """
    if not hasattr(sequences, "__len__"):
        raise ValueError(f"pad_sequences expected a list of sequences. Received: {type(sequences).__name__}.")
    for name, side in (("padding", padding), ("truncating", truncating)):
        if side not in ("pre", "post"):
            raise ValueError(f"pad_sequences expected {name} to be 'pre' or 'post'. Received: {name}={side!r}.")
    lengths = []
    sample_shape: tuple = ()
    for i, s in enumerate(sequences):
        if not hasattr(s, "__len__"):
            raise ValueError(
                f"pad_sequences expected every sequence to be a list or array. Received: sequences[{i}] of type "
                f"{type(s).__name__} ({s!r}). Pass a list of lists: [[1, 2], [3]]."
            )
        lengths.append(len(s))
        if len(s) and not sample_shape:
            sample_shape = np.asarray(s).shape[1:]
    if maxlen is None:
        maxlen = max(lengths, default=0)
    elif isinstance(maxlen, bool) or not isinstance(maxlen, (int, np.integer)) or maxlen < 0:
        raise ValueError(f"pad_sequences expected maxlen to be a non-negative integer. Received: maxlen={maxlen!r}.")
    is_text = np.issubdtype(np.dtype(dtype), np.str_) or np.dtype(dtype) == object
    if isinstance(value, str) and not is_text:
        raise ValueError(
            f"pad_sequences: dtype={dtype!r} cannot hold value={value!r}. Pass dtype=object (or a str dtype) to pad "
            "with a string."
        )
    out = np.full((len(lengths), maxlen, *sample_shape), value, dtype=dtype)
    for i, s in enumerate(sequences):
        if not len(s) or maxlen == 0:
            continue
        kept = np.asarray(s[-maxlen:] if truncating == "pre" else s[:maxlen], dtype=dtype)
        if kept.shape[1:] != sample_shape:
            raise ValueError(
                f"pad_sequences: sequences[{i}] has elements of shape {kept.shape[1:]}, the others {sample_shape}."
            )
        if padding == "post":
            out[i, : len(kept)] = kept
        else:
            out[i, maxlen - len(kept) :] = kept
    return out

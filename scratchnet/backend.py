"""The few ``keras.backend`` functions learners' programs call: ``clear_session``, ``floatx``, ``epsilon``,
``get_value``, ``set_value``, ``image_data_format``.

scratchnet has one backend, NumPy, and almost no global state: the only thing ``clear_session`` has to reset is the
counter behind automatic layer names, so that after it the next Dense is called ``"dense"`` again, as in Keras
(Géron's notebooks call it and then look a layer up with ``model.get_layer("dense")``).
"""

from __future__ import annotations

import numpy as np

from scratchnet.layers import base as _layer
from scratchnet.losses import EPSILON

__all__ = [
    "clear_session",
    "epsilon",
    "floatx",
    "get_value",
    "image_data_format",
    "set_image_data_format",
    "set_value",
]


def clear_session(free_memory: bool = True) -> None:
    """Restart automatic layer names from the beginning (``dense``, ``dense_1``, ...), as Keras does.

    Models and layers made before keep their names. ``free_memory`` is accepted for Keras's signature; there is
    nothing else to free.
    """
    _layer._name_counters.clear()


def floatx() -> str:
    """The default float type of scratchnet models: ``'float32'``."""
    return "float32"


def epsilon() -> float:
    """The fuzz factor losses clip probabilities with (1e-7, as Keras)."""
    return EPSILON


def get_value(x):
    """The value of ``x`` as NumPy (a Python float for a scalar such as ``optimizer.learning_rate``)."""
    value = np.asarray(x)
    return value.item() if value.ndim == 0 else value


def image_data_format() -> str:
    """``'channels_last'``: images are (N, height, width, channels), the only layout scratchnet uses."""
    return "channels_last"


def set_image_data_format(data_format: str) -> None:
    """Accepts ``'channels_last'`` (the only layout here); anything else is refused with the reason."""
    if data_format != "channels_last":
        raise ValueError(
            "scratchnet keeps images as (N, height, width, channels): only 'channels_last' is supported. Received: "
            f"data_format={data_format!r}. Move the channel axis last with np.moveaxis(x, 1, -1)."
        )


def set_value(x, value) -> None:
    """Write ``value`` into the array ``x`` in place (a layer's weight, a running statistic)."""
    if not isinstance(x, np.ndarray):
        raise TypeError(
            f"backend.set_value() writes into a NumPy array in place. Received: {type(x).__name__} ({x!r}). For the "
            "learning rate, assign it: model.optimizer.learning_rate = 0.001."
        )
    x[...] = np.asarray(value, dtype=x.dtype)

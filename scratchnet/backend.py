"""The few ``keras.backend`` functions learners' programs call: ``clear_session``, ``floatx``, ``epsilon``,
``get_value``.

scratchnet has one backend, NumPy, and almost no global state: the only thing ``clear_session`` has to reset is the
counter behind automatic layer names, so that after it the next Dense is called ``"dense"`` again, as in Keras
(Géron's notebooks call it and then look a layer up with ``model.get_layer("dense")``).
"""

from __future__ import annotations

import numpy as np

from scratchnet.layers import base as _layer
from scratchnet.losses import EPSILON

__all__ = ["clear_session", "epsilon", "floatx", "get_value"]


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

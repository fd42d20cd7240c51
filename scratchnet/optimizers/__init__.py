"""Optimizers: turn gradients into parameter updates, in place: SGD (with momentum), Adam, RMSprop, Adagrad, Adamax,
Nadam, AdamW, with Keras 3's updates and defaults.

An optimizer sees the model's parameters as a list of arrays ``params`` and their gradients ``grads`` (same
shapes, same order). Its state (momentum, Adam's moments) is kept in lists aligned with ``params``, as in tinygrad.
Subclasses write only :meth:`Optimizer.update_step`; the base class counts steps and builds the state.

    base.py      the contract: Optimizer (steps, state, clipping, apply_gradients for Variables)
    sgd.py       SGD, with momentum and Nesterov momentum
    adam.py      Adam, Adamax, Nadam, AdamW
    adaptive.py  RMSprop, Adagrad

Updates happen *in place* (``p -= ...``), so the arrays the layers hold stay the arrays being trained. With the
speed tricks on (:mod:`scratchnet.speed`) the list holds a single entry, the model's flat vector θ of all
parameters, and Adam's update runs in place without temporaries; the arithmetic is the one written here.
"""

from __future__ import annotations

from scratchnet import schedules
from scratchnet.optimizers.adam import Adam, Adamax, AdamW, Nadam
from scratchnet.optimizers.adaptive import Adagrad, RMSprop
from scratchnet.optimizers.base import Optimizer
from scratchnet.optimizers.sgd import SGD

__all__ = ["SGD", "Adagrad", "Adam", "AdamW", "Adamax", "Nadam", "Optimizer", "RMSprop", "get", "schedules"]


OPTIMIZERS: dict[str, type[Optimizer]] = {
    "sgd": SGD,
    "adam": Adam,
    "rmsprop": RMSprop,
    "adagrad": Adagrad,
    "adamax": Adamax,
    "nadam": Nadam,
    "adamw": AdamW,
}


def get(identifier: str | Optimizer) -> Optimizer:
    """Resolve an optimizer given as a name (``'adam'``, ``'sgd'``, ``'rmsprop'``, any case) or an instance.

    Raises:
        ValueError: for an unknown name, listing the known ones.
        TypeError: for anything else.
    """
    if isinstance(identifier, Optimizer):
        return identifier
    if isinstance(identifier, type) and issubclass(identifier, Optimizer):
        return identifier()
    if isinstance(identifier, str):
        if identifier.lower() in OPTIMIZERS:
            return OPTIMIZERS[identifier.lower()]()
        raise ValueError(
            f"Unknown optimizer. Expected one of {sorted(OPTIMIZERS)}. Received: optimizer={identifier!r}."
        )
    raise TypeError(
        f"optimizer must be a name such as 'adam' or a scratchnet.optimizers.Optimizer. "
        f"Received: optimizer={identifier!r}."
    )


def __getattr__(name: str):
    # Adagrad, Nadam, AdamW, schedules, ...: one line saying what there is, instead of a bare "no attribute".
    raise AttributeError(
        f"module 'scratchnet.optimizers' has no attribute {name!r}: scratchnet's optimizers are "
        f"{', '.join(cls.__name__ for cls in OPTIMIZERS.values())}; learning-rate schedules are in "
        "scratchnet.optimizers.schedules (or use scratchnet.callbacks.LearningRateScheduler, ReduceLROnPlateau)."
    )

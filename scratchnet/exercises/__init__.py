"""Exercises graded by the gradient checker: write the function, then ``check`` it.

>>> import numpy as np
>>> from scratchnet import exercises
>>> def relu_backward(dy, y):
...     return dy * (y > 0)
>>> exercises.check("relu_backward", relu_backward).passed
True
>>> def relu_backward(dy, y):
...     return (y > 0) * 1.0
>>> print(exercises.check("relu_backward", relu_backward).problems[0])
dx: forgot to multiply by `dy` (the gradient from above): the chain rule multiplies it in.

A function passes when, on several random cases in float64, its output agrees with the reference answer *and*,
for every gradient, with centred finite differences of the forward. When it does not, the report names the
mistake: None returned, a wrong shape (expected vs got), a transpose, a constant factor such as the batch size N,
the wrong sign, a forgotten ``dy``, an input changed in place, and each exercise's own known slips. With float32
inputs, an answer that comes back float64 gets a note.

``exercises.names()`` lists the exercises; ``exercises.describe(name)`` says what one asks;
``exercises.check_layer(MyLayer)`` grades a whole layer (alone, inside a model, and training).
An answer that calls scratchnet's own implementation is refused: the exercise is to write it.
To add an exercise, build an :class:`Exercise` and :func:`register` it (see ``basics.py``, ``optimizers.py``,
``convolutions.py``, ``pooling.py``, ``tape.py``, ``normalization.py``, ``recurrent.py``).
"""

from __future__ import annotations

from collections.abc import Callable

from scratchnet.exercises import basics as _basics  # noqa: F401  (importing registers the exercises)
from scratchnet.exercises import convolutions as _convolutions  # noqa: F401
from scratchnet.exercises import normalization as _normalization  # noqa: F401
from scratchnet.exercises import optimizers as _optimizers  # noqa: F401
from scratchnet.exercises import pooling as _pooling  # noqa: F401
from scratchnet.exercises import recurrent as _recurrent  # noqa: F401
from scratchnet.exercises import tape as _tape  # noqa: F401
from scratchnet.exercises._core import EXERCISES, Exercise, Report, get, register
from scratchnet.exercises._core import check as _check
from scratchnet.exercises.layers import check_layer as _check_layer
from scratchnet.exercises.record import record as _record

__all__ = ["EXERCISES", "Exercise", "Report", "check", "check_layer", "describe", "names", "register"]


def check(name: str | Callable, fn: Callable | None = None, *, seed: int = 0, timeout: float | None = 10.0) -> Report:
    """Grade a student's function for the exercise ``name``.

    Args:
        name: the exercise, e.g. ``"dense_backward"``; or the function itself, when it has the exercise's name.
        fn: the student's function, called with the exercise's arguments in order.
        seed: seed of the random cases.
        timeout: seconds one call of ``fn`` may take before the report says it did not return (an infinite
            loop); None for no limit. Applies in the main thread on Linux and macOS (a notebook's kernel).

    Returns:
        A :class:`Report`: ``report.passed``, ``report.problems`` (one sentence per mistake found), and a readable
        verdict when printed (or shown as the last line of a notebook cell).
    """
    if fn is None and callable(name):
        name, fn = name.__name__, name
    report = _check(get(name), fn, seed=seed, timeout=timeout)
    _record(name, report)
    return report


def check_layer(layer, input_shape: tuple[int, ...] = (6,), *, train_steps: int = 60, seed: int = 0) -> Report:
    """Grade a learner's layer: the contract, its gradients alone and inside a model, float32, and training.

    See :func:`scratchnet.exercises.layers.check_layer` for the steps. The lab's grader counts the layer as the
    exercise ``layer:<ClassName>`` (``layer:LeakyReLU`` in lesson 4).
    """
    report = _check_layer(layer, input_shape, train_steps=train_steps, seed=seed)
    kind = layer if isinstance(layer, type) else type(layer)
    _record(f"layer:{getattr(kind, '__name__', '?')}", report)
    return report


def names() -> list[str]:
    """The names of every registered exercise."""
    return sorted(EXERCISES)


def describe(name: str) -> str:
    """What the exercise asks: its signature and one paragraph."""
    exercise = get(name)
    return f"{exercise.signature}\n{exercise.description}"

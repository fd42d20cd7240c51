"""The one switch of :mod:`scratchnet.speed`: every trick asks :func:`enabled` before it runs.

The switch is a context variable, not a module global: ``with speed.disabled():`` turns the tricks off for the code
inside the block only (and only in that thread or task), and puts back what was there before, however the block
ends.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterator

__all__ = ["disabled", "enabled"]

_ENABLED: contextvars.ContextVar[bool] = contextvars.ContextVar("scratchnet_speed_enabled", default=True)


def enabled() -> bool:
    """Whether the speed tricks are on (they are, unless inside ``with speed.disabled():``)."""
    return _ENABLED.get()


@contextlib.contextmanager
def disabled() -> Iterator[None]:
    """Run the ``with`` block on the plain textbook path: no trick of :mod:`scratchnet.speed` is used inside it.

    >>> import scratchnet as sn
    >>> with sn.speed.disabled():
    ...     sn.speed.enabled()
    False
    >>> sn.speed.enabled()
    True
    """
    token = _ENABLED.set(False)
    try:
        yield
    finally:
        _ENABLED.reset(token)

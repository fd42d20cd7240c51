"""Is it the learner's own work? Watch which of scratchnet's functions an answer calls while it is graded.

An exercise asks for code written with NumPy; an answer that hands the work to scratchnet (``lambda z:
sn.nn.softmax(z)``, ``sn.optimizers.Adam().update_step(...)``, the exercise's own reference) would agree with the
reference by construction. While the answer runs, a profile hook (``sys.setprofile``: it sees every Python call,
however the function was reached, through an alias, a lambda or ``getattr``) notes the first function of the
scratchnet package that starts. Renaming or moving scratchnet's modules changes nothing: a function is
scratchnet's when its code comes from a file inside the installed package's folder.
"""

from __future__ import annotations

import inspect
import os
import sys
import threading
from collections.abc import Iterable
from types import CodeType

# Helpers an answer may use: they are not the implementation of any exercise (to_categorical, normalize, ...).
ALLOWED_MODULES = ("scratchnet.utils",)


# The package's folder: code whose file lies in it is scratchnet's (code typed in a notebook or a doctest is not,
# even when its globals name a scratchnet module).
_PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep


def _is_library(code: CodeType, module: str) -> bool:
    # A generator's frame may be resumed or closed by the garbage collector while the learner's code runs (a
    # pipeline left over from earlier code): that is not the learner calling it, and no exercise is a generator.
    if code.co_flags & (inspect.CO_GENERATOR | inspect.CO_ASYNC_GENERATOR | inspect.CO_COROUTINE):
        return False
    return code.co_filename.startswith(_PACKAGE_DIR) and not module.startswith(ALLOWED_MODULES)


class LibraryCalls:
    """A context manager that records the first call into scratchnet made while it is active.

    Args:
        allowed: code objects that may run (a learner's layer may call the ``Layer`` base class's methods).

    Attributes:
        first: ``"scratchnet.nn.softmax"`` for the first library function that ran, else None.
    """

    def __init__(self, allowed: Iterable[CodeType] = ()):
        self.allowed = set(allowed) | {LibraryCalls.__exit__.__code__}
        self.first: str | None = None
        self._previous = None

    def __enter__(self) -> LibraryCalls:
        self._previous = sys.getprofile()
        self._previous_threads = threading.getprofile()
        sys.setprofile(self._hook)
        threading.setprofile(self._hook)  # threads the answer starts are watched too
        return self

    def __exit__(self, *exc) -> None:
        if sys.getprofile() != self._hook and self.first is None:
            self.first = "sys.setprofile (the answer switched off the check's watch)"
        sys.setprofile(self._previous)
        threading.setprofile(self._previous_threads)

    def _hook(self, frame, event, arg):
        if event == "call" and self.first is None and frame.f_code not in self.allowed:
            module = frame.f_globals.get("__name__") or ""
            code = frame.f_code
            if _is_library(code, module):
                self.first = f"{module}.{getattr(code, 'co_qualname', code.co_name)}"
        if self._previous is not None:
            self._previous(frame, event, arg)

    def message(self) -> str | None:
        """The refusal, naming the function, or None when no library code ran."""
        if self.first is None:
            return None
        return (
            f"calls scratchnet's own `{self.first}`: the exercise is to write it yourself with NumPy, so the check "
            "cannot count it (scratchnet's answer agrees with the reference by construction)."
        )

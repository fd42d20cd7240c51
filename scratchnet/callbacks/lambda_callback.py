"""LambdaCallback: a callback made of plain functions."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

from scratchnet.callbacks.base import Callback, Logs

__all__ = ["LambdaCallback"]


class LambdaCallback(Callback):
    """A callback made of plain functions, for one-off needs.

    Each function takes the arguments of the hook it replaces: ``on_epoch_begin(epoch, logs)``,
    ``on_epoch_end(epoch, logs)``, ``on_batch_begin(batch, logs)``, ``on_batch_end(batch, logs)``,
    ``on_train_begin(logs)``, ``on_train_end(logs)``. The batch ones run at every training step.

    >>> print_loss = LambdaCallback(on_epoch_end=lambda epoch, logs: print(epoch, logs["loss"]))

    Raises:
        TypeError: If one of the arguments is neither a function nor ``None``, or cannot take the arguments of
            its hook (checked here, not after the first epoch).
    """

    def __init__(
        self,
        on_epoch_begin: Callable[[int, Logs], Any] | None = None,
        on_epoch_end: Callable[[int, Logs], Any] | None = None,
        on_batch_begin: Callable[[int, Logs], Any] | None = None,
        on_batch_end: Callable[[int, Logs], Any] | None = None,
        on_train_begin: Callable[[Logs], Any] | None = None,
        on_train_end: Callable[[Logs], Any] | None = None,
        **other_hooks: Callable[..., Any],
    ) -> None:
        super().__init__()
        known = [n for n in dir(Callback) if n.startswith("on_")]
        for name in other_hooks:
            if name not in known:
                raise TypeError(
                    f"LambdaCallback got {name}=..., which is not a hook. Received: {name}. The hooks are: "
                    f"{', '.join(known)}."
                )
        hooks = {
            "on_epoch_begin": on_epoch_begin,
            "on_epoch_end": on_epoch_end,
            "on_batch_begin": on_batch_begin,
            "on_batch_end": on_batch_end,
            "on_train_begin": on_train_begin,
            "on_train_end": on_train_end,
            **other_hooks,  # the other hooks, as Keras's **kwargs: on_test_begin=..., on_predict_batch_end=...
        }
        for name, function in hooks.items():
            if function is None:
                continue
            if not callable(function):
                raise TypeError(
                    f"LambdaCallback expected {name} to be a function. Received: {name}={function!r}. "
                    f"Pass a function, e.g. {name}=lambda *args: print(args)."
                )
            _check_arity(name, function)
            # An instance attribute hides the method of the same name: the no-op hook becomes this function.
            setattr(self, name, function)


def _check_arity(name: str, function: Callable) -> None:
    """Refuse a function that cannot be called with its hook's arguments: ``(logs)`` or ``(epoch/batch, logs)``."""
    per_step = "epoch" in name or "batch" in name  # on_epoch_end(epoch, logs); on_train_begin(logs)
    wanted = ("epoch" if "epoch" in name else "batch", "logs") if per_step else ("logs",)
    try:
        signature = inspect.signature(function)
    except (TypeError, ValueError):  # a builtin without a signature: it will tell for itself
        return
    try:
        signature.bind(*range(len(wanted)))
    except TypeError:
        shown = f"lambda {', '.join(wanted)}: ..."
        raise TypeError(
            f"LambdaCallback: {name} is called with {len(wanted)} argument{'s' if len(wanted) > 1 else ''} "
            f"({', '.join(wanted)}), but the function given takes {_describe(signature)}. "
            f"Received: {name}={getattr(function, '__name__', function)}{signature}. Write it as {name}={shown}."
        ) from None


def _describe(signature: inspect.Signature) -> str:
    positional = [p for p in signature.parameters.values() if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    required = [p for p in positional if p.default is p.empty]
    if len(required) == len(positional):
        return f"{len(required)}"
    return f"{len(required)} to {len(positional)}"

"""The Keras progress bar: one line per epoch that shows how far training got and how it is going.

The output matches Keras 2 (``tf.keras.utils.Progbar``) character for character, so course notebooks and
screenshots read the same::

    Epoch 1/5
      32/1875 [..............................] - ETA: 10s - loss: 2.1000 - accuracy: 0.2500     (while running)
    1875/1875 [==============================] - 2s 1ms/step - loss: 0.4980 - accuracy: 0.8251   (at the end)

``verbose=2`` prints only the end-of-epoch summary, ``1875/1875 - 2s - loss: 0.4980 - 2s/epoch - 1ms/step``,
and ``verbose=0`` prints nothing.

In a Jupyter notebook the bar is an updating display (``IPython.display.display(..., display_id=True)``), not
``\\r`` frames: the saved notebook then holds one line per epoch, the final one, where ``\\r`` frames would show
as dozens of lines on GitHub and in nbconvert's HTML.

Redrawing a line in place needs a terminal (or a notebook) that understands ``\\r``. Anywhere else (a pipe, a CI
log, pytest's capture) the in-progress frames would pile up as garbage, so there the bar prints only its final
line. Redraws are also throttled to one every ``interval`` seconds: a 1875-step epoch then costs a few dozen
writes, not 1875.

>>> import io
>>> out = io.StringIO()
>>> bar = Progbar(3, file=out)
>>> for step in range(1, 4):
...     bar.update(step, {"loss": 1.0 / step})
>>> out.getvalue().startswith("3/3 [==============================] - 0s")
True
"""

from __future__ import annotations

import math
import numbers
import sys
import time
from collections.abc import Mapping
from typing import TextIO

import numpy as np

from scratchnet.callbacks.base import Callback, Logs
from scratchnet.notebook import in_jupyter

__all__ = ["Progbar", "ProgbarLogger"]

# The clock every timing in this module reads; a test may replace it with a fake one.
_clock = time.monotonic


class Progbar:
    """A Keras 2 style progress bar.

    The caller says how far it got with ``update(current, logs)``; the bar decides whether to draw. ``logs`` holds
    values that are already averaged (the model keeps running means itself), shown in insertion order.

    Args:
        target: Total number of steps, or ``None`` if unknown (then the count shows as ``32/Unknown``).
        width: Width of the bar in characters, between the brackets.
        verbose: 0 silent, 1 a live bar, 2 one summary line at the end.
        unit_name: The unit in the time per step, e.g. ``"step"`` gives ``1ms/step``.
        file: Stream to write to. ``None`` means ``sys.stdout``, looked up at every write (so pytest's ``capsys``
            and ``contextlib.redirect_stdout`` work).
        interval: Minimum number of seconds between two redraws of a live bar. The final line is always drawn.

    Raises:
        ValueError: If ``verbose`` is not 0, 1 or 2, or ``target`` or ``interval`` is negative.
    """

    def __init__(
        self,
        target: int | None,
        width: int = 30,
        verbose: int = 1,
        unit_name: str = "step",
        file: TextIO | None = None,
        interval: float = 0.05,
    ) -> None:
        if verbose not in (0, 1, 2):
            raise ValueError(
                f"Progbar expected verbose to be 0 (silent), 1 (live bar) or 2 (one line per epoch). "
                f"Received: verbose={verbose!r}."
            )
        if target is not None and target < 0:
            raise ValueError(
                f"Progbar expected a target of at least 0 steps, or None if unknown. Received: target={target!r}."
            )
        if interval < 0:
            raise ValueError(f"Progbar expected interval >= 0 seconds. Received: interval={interval!r}.")
        self.target = target
        self.width = width
        self.verbose = verbose
        self.unit_name = unit_name
        self.file = file
        self.interval = interval
        self._start = _clock()
        self._last_draw = -math.inf  # so the first update always draws
        self._prev_width = 0  # length of the previous live frame, to blank out what a shorter one leaves behind
        self._handle = None  # in Jupyter: the display handle this bar updates in place

    def update(self, current: int, logs: Mapping[str, object] | None = None, finalize: bool | None = None) -> None:
        """Reports progress, and draws when it is time to.

        Args:
            current: Number of steps done so far (1 after the first step).
            logs: Already-averaged values to show, e.g. ``{"loss": 0.52, "accuracy": 0.81}``.
            finalize: Whether this is the last update: draw the final line and end it with a newline. Defaults
                to ``current >= target`` (never, when the target is unknown).
        """
        if self.verbose == 0:
            return
        if finalize is None:
            finalize = self.target is not None and current >= self.target
        now = _clock()
        if not finalize:
            # Only a live bar draws before the end, and at most once per interval.
            if self.verbose != 1 or now - self._last_draw < self.interval or not self._is_live():
                return
        if finalize and self.target is None:
            self.target = current  # the end tells us how many steps there were
        self._last_draw = now
        logs = logs or {}
        if self.verbose == 1:
            self._draw_live(current, logs, finalize, now)
        else:
            self._draw_summary(current, logs, now)

    def _draw_live(self, current: int, logs: Mapping[str, object], finalize: bool, now: float) -> None:
        """verbose=1: ``  32/1875 [=>....] - ETA: 10s - loss: ...``, then the final ``- 2s 1ms/step`` line."""
        elapsed = now - self._start
        if finalize or self.target is None:
            timing = f"{elapsed:.0f}s {_format_time(_per_step(elapsed, current), self.unit_name)}"
        else:
            eta = _per_step(elapsed, current) * (self.target - current)
            timing = f"ETA: {_format_eta(eta)}"
        line = f"{self._count(current)}{self._bar(current)} - {timing}{_format_logs(logs)}"

        if self.file is None and in_jupyter():
            # One output per bar, redrawn in place: the saved notebook keeps only its last frame.
            if self._handle is None:
                self._handle = _display_handle(_Line(line))
            else:
                self._handle.update(_Line(line))
            return
        if self._is_live():
            # Go back to the start of the line; pad with spaces if this frame is shorter than the last one.
            text = "\r" + line + " " * max(self._prev_width - len(line), 0)
            self._prev_width = len(line)
        else:
            text = line  # only the final line reaches here: no frames to overwrite
        self._write(text + ("\n" if finalize else ""))

    def _draw_summary(self, current: int, logs: Mapping[str, object], now: float) -> None:
        """verbose=2: ``1875/1875 - 2s - loss: 0.4980 - 2s/epoch - 1ms/step``."""
        elapsed = now - self._start
        self._write(
            f"{self._count(current)} - {elapsed:.0f}s{_format_logs(logs)}"
            f" - {_format_time(elapsed, 'epoch')} - {_format_time(_per_step(elapsed, current), self.unit_name)}\n"
        )

    def _count(self, current: int) -> str:
        """``  32/1875``: the count right-aligned to the width of the target, as Keras does."""
        if self.target is None:
            return f"{current:7d}/Unknown"
        return f"{current:{len(str(self.target))}d}/{self.target}"

    def _bar(self, current: int) -> str:
        """`` [=========>....................]``: ``width`` characters between the brackets, ``>`` at the tip."""
        if self.target is None:
            return ""  # no bar without a target: Keras shows just "     32/Unknown"
        fraction = min(current / self.target, 1.0) if self.target else 1.0
        done = int(self.width * fraction)
        if done == 0:
            return " [" + "." * self.width + "]"
        tip = ">" if current < self.target else "="
        return " [" + "=" * (done - 1) + tip + "." * (self.width - done) + "]"

    def _is_live(self) -> bool:
        """Whether the stream can redraw a line in place: a terminal, or a Jupyter notebook's stdout."""
        file = self._file()
        isatty = getattr(file, "isatty", None)
        if isatty is not None and isatty():
            return True
        # Notebooks render "\r" but their stdout is no terminal. Asking whether a kernel runs this code (not
        # whether ipykernel was imported, which a test that starts a kernel also does) tells a notebook apart.
        return file in (sys.stdout, sys.stderr) and in_jupyter()

    def _file(self) -> TextIO:
        return self.file if self.file is not None else sys.stdout

    def _write(self, text: str) -> None:
        file = self._file()
        file.write(text)
        flush = getattr(file, "flush", None)
        if flush is not None:
            flush()  # a line without "\n" may otherwise sit in the buffer


class _Line:
    """A line of text that Jupyter shows as it is (a plain ``str`` would be shown with its quotes)."""

    def __init__(self, text: str) -> None:
        self.text = text

    def __repr__(self) -> str:
        return self.text


def _display_handle(obj):
    """IPython's ``display(obj, display_id=True)``: a handle whose ``update(obj)`` redraws the same output."""
    from IPython.display import display  # only ever called inside a Jupyter kernel, where IPython is loaded

    return display(obj, display_id=True)


def _per_step(elapsed: float, current: int) -> float:
    return elapsed / current if current > 0 else 0.0


def _format_time(seconds: float, unit_name: str) -> str:
    """Keras's time per unit: ``2s/step`` from 1 s up, ``12ms/step`` from 1 ms, below that ``512us/step``.

    The unit is chosen after rounding, so 0.9999 ms shows as ``1ms``, not as Keras's ``1000us``.
    """
    if seconds == 0 or round(seconds * 1e3) >= 1000:
        return f"{seconds:.0f}s/{unit_name}"
    if round(seconds * 1e6) >= 1000:
        return f"{seconds * 1e3:.0f}ms/{unit_name}"
    return f"{seconds * 1e6:.0f}us/{unit_name}"


def _format_eta(seconds: float) -> str:
    """Keras's ETA: ``45s``, ``2:05`` (min:s) past a minute, ``1:02:05`` past an hour. Seconds are truncated."""
    seconds = int(seconds)
    if seconds > 3600:
        return f"{seconds // 3600}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"
    if seconds > 60:
        return f"{seconds // 60}:{seconds % 60:02d}"
    return f"{seconds}s"


def _format_logs(logs: Mapping[str, object]) -> str:
    """`` - loss: 0.4980 - accuracy: 0.8251`` in insertion order."""
    return "".join(f" - {name}: {_format_value(value)}" for name, value in logs.items())


def _format_value(value: object) -> str:
    """Keras's ``%.4f``, switching to ``%.4e`` for tiny values so that 2e-05 does not print as 0.0000."""
    if isinstance(value, np.ndarray) and value.ndim == 0:
        value = value.item()
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        value = float(value)
        return f"{value:.4f}" if abs(value) > 1e-3 else f"{value:.4e}"
    return str(value)


class ProgbarLogger(Callback):
    """Prints the progress bar of ``fit`` (one per epoch, headed ``Epoch 3/5``), ``evaluate`` and ``predict``.

    Reads ``verbose``, ``epochs`` and ``steps`` from ``params``. As in Keras 2, the ``Epoch i/n`` header is
    printed only when there is more than one epoch; the final line of each epoch is drawn at ``on_epoch_end``,
    so it shows the epoch's logs, validation metrics included; and an ``evaluate`` run inside ``fit`` (between
    ``on_train_begin`` and ``on_train_end``) stays silent, since its results appear on the epoch's line.

    Args:
        file: Stream to print to; ``None`` means ``sys.stdout`` at the time of printing.
    """

    def __init__(self, file: TextIO | None = None) -> None:
        super().__init__()
        self.file = file
        self.progbar: Progbar | None = None
        self.seen = 0  # steps done in the current epoch / evaluate / predict
        self._in_fit = False

    @property
    def verbose(self) -> int:
        verbose = self.params.get("verbose", 1)
        return 1 if verbose == "auto" else verbose

    def _start(self) -> None:
        self.seen = 0
        self.progbar = Progbar(self.params.get("steps"), verbose=self.verbose, file=self.file)

    def _update(self, batch: int, logs: Logs | None) -> None:
        if self.progbar is None:
            self._start()
        self.seen = batch + 1
        self.progbar.update(self.seen, logs, finalize=False)

    def _finalize(self, logs: Logs | None) -> None:
        if self.progbar is None:
            return
        # Normally seen == steps. If training stopped mid-epoch, the final line says so: "12/1875 [>....]".
        self.progbar.update(self.seen, logs, finalize=True)
        self.progbar = None

    def on_train_begin(self, logs: Logs | None = None) -> None:
        self._in_fit = True

    def on_train_end(self, logs: Logs | None = None) -> None:
        self._in_fit = False

    def on_epoch_begin(self, epoch: int, logs: Logs | None = None) -> None:
        epochs = self.params.get("epochs", 1)
        if self.verbose and epochs > 1:
            print(f"Epoch {epoch + 1}/{epochs}", file=self.file, flush=True)  # file=None: sys.stdout
        self._start()

    def on_train_batch_end(self, batch: int, logs: Logs | None = None) -> None:
        self._update(batch, logs)

    def on_epoch_end(self, epoch: int, logs: Logs | None = None) -> None:
        self._finalize(logs)

    def on_test_begin(self, logs: Logs | None = None) -> None:
        if not self._in_fit:
            self._start()

    def on_test_batch_end(self, batch: int, logs: Logs | None = None) -> None:
        if not self._in_fit:
            self._update(batch, logs)

    def on_test_end(self, logs: Logs | None = None) -> None:
        if not self._in_fit:
            self._finalize(logs)

    def on_predict_begin(self, logs: Logs | None = None) -> None:
        self._start()

    def on_predict_batch_end(self, batch: int, logs: Logs | None = None) -> None:
        self._update(batch, None)  # predictions are no metrics: show the bar alone

    def on_predict_end(self, logs: Logs | None = None) -> None:
        self._finalize(None)

"""How ``explain`` lays out its printout: one line per formula, its shapes, a note; numbers and shapes as text."""

from __future__ import annotations

import numpy as np

WIDTH = 100  # the printout fits a 100-column terminal
SHOW = 6  # entries shown of each array
FORMULA_WIDTH = 26  # width of the formula column; shapes and notes follow


class _Printer:
    """Lines of at most WIDTH columns, sent to ``print_fn``: a formula, its shapes, a short note."""

    SHAPES_WIDTH = 44  # notes start after the shapes, in one column when they fit

    def __init__(self, print_fn, full: bool = False):
        self.print_fn = print_fn
        self.full = full  # explain(full=True): values() prints whole arrays
        self.said: set[str] = set()

    def line(self, text: str) -> None:
        self.print_fn(text.rstrip())

    def blank(self) -> None:
        self.print_fn("")

    def rule(self, char: str = "─") -> None:
        self.print_fn(char * WIDTH)

    def section(self, title: str, subtitle: str) -> None:
        head = f"{title} ─ {subtitle} " if subtitle else f"{title} "
        self.line(head + "─" * max(0, WIDTH - len(head)))

    def header(self, number: str, name: str, title: str, depth: int) -> None:
        self.line(f"{'  ' * depth}[{number}] {name}: {title}")

    def step(self, formula: str, shapes: str, note: str) -> None:
        self.layer_line(0, formula, shapes, note)

    def layer_line(self, depth: int, formula: str, shapes: str, note: str = "", norm: str = "") -> None:
        """The formula in its column, then the shapes, then a short note; a norm goes in a column of its own."""
        indent = "    " + "  " * depth
        width = FORMULA_WIDTH - 2 * depth
        text = f"{indent}{formula:<{width}}" + ("  " if len(formula) > width - 2 else "") + shapes
        if note:
            text = f"{text}   {note}" if shapes else text + note
        if norm:
            column = len(indent) + width + self.SHAPES_WIDTH
            text = text.ljust(column) + norm if len(text) < column - 2 else f"{text}   {norm}"
        if len(text) > WIDTH and note:  # the note goes below, wrapped
            self.line(text[: len(text) - len(note) - 3])
            self.note(note)
        else:
            self.line(text)

    def note(self, text: str, depth: int = 0) -> None:
        """A note under the shapes column, wrapped to the width."""
        for piece in [text] if len(_right(text)) <= WIDTH else _wrap(text, WIDTH - FORMULA_WIDTH - 4):
            self.line(_right(piece, depth))

    def once(self, key: str, text: str, depth: int = 0) -> None:
        """A note worth reading once, not at every layer."""
        if key not in self.said:
            self.said.add(key)
            self.note(text, depth)

    def values(self, name: str, a: np.ndarray, window: slice | None, depth: int = 0) -> None:
        """A few numbers of the first example, under the shapes: ``z[0, :6]   [ 0.412  -1.03 ... …]``."""
        if self.full:
            self.every_number(name, a, depth)
            return
        if a is None or a.ndim != 2 or window is None:
            return
        start = window.start
        for stop in range(min(window.stop, a.shape[1]), start, -1):  # fewer numbers if six do not fit
            label = f"{name}[0, {start or ''}:{stop}]" if stop - start < a.shape[1] else f"{name}[0]"
            more = " …" if stop < a.shape[1] else ""
            text = f"{' ' * (FORMULA_WIDTH + 4)}{label:<12} [{_list(a[0, start:stop], 8)}{more}]"
            if len(text) <= WIDTH:
                break
        self.line(text)

    def every_number(self, name: str, a: np.ndarray | None, depth: int = 0) -> None:
        """explain(full=True): the whole array, one row per line, 4 significant digits, for checking by hand."""
        if a is None:
            return
        a = np.atleast_2d(a) if np.ndim(a) <= 1 else a.reshape(len(a), -1)
        cells = [[f"{float(v) + 0.0:.4g}" for v in row] for row in a]  # + 0.0: no "-0"
        width = max(len(c) for row in cells for c in row)
        pad = " " * (FORMULA_WIDTH + 4)
        label = f"{name} ="
        for i, row in enumerate(cells):
            self.line(f"{pad}{label if i == 0 else '':<6}[{' '.join(c.rjust(width) for c in row)}]")


def _right(note: str, depth: int = 0) -> str:
    """A note under the shapes column, on a line of its own."""
    return " " * (FORMULA_WIDTH + 4) + note


def _first_rows(a, n: int):
    if a is None:
        return None
    a = a if isinstance(a, np.ndarray) else np.asarray(a)
    return a[:n] if a.ndim >= 1 else a


def _window(a: np.ndarray) -> slice | None:
    """Which SHOW entries of the first example to print: the first ones, or, if those are all 0 (the blank
    border of an image), the first stretch where something is not 0."""
    if a is None or a.ndim != 2:
        return None
    row = a[0]
    start = 0
    if not row[:SHOW].any() and row.any():
        start = min(int(np.flatnonzero(row)[0]), max(0, row.size - SHOW))
    return slice(start, start + SHOW)


def _summary(x: np.ndarray) -> str:
    return f"values in [{_num(float(x.min()))}, {_num(float(x.max()))}], mean {_num(float(x.mean(dtype=np.float64)))}"


def _shape(a) -> str:
    return str(tuple(np.shape(a)))


def _norm(a: np.ndarray) -> float:
    return float(np.linalg.norm(a))


def _num(v: float) -> str:
    """A number in at most 3 significant digits: 0.412, -1.03, 2.3e-05; 0 as 0."""
    if v == 0:
        return "0"
    return f"{v:.3g}"


def _list(a: np.ndarray, width: int = 0, sep: str = " ") -> str:
    floating = np.issubdtype(np.asarray(a).dtype, np.floating)
    return sep.join((_num(float(v)) if floating else str(v)).rjust(width) for v in np.ravel(a))


def _docstring_block(cls: type, title: str) -> list[str]:
    """The ``Forward:`` (or ``Backward:``) block of a class docstring, as CONTRIBUTING.md asks layers to write it."""
    lines = (cls.__doc__ or "").expandtabs().splitlines()
    for i, text in enumerate(lines):
        if text.strip().startswith(f"{title}:"):
            indent = len(text) - len(text.lstrip())
            block = [text[indent:]]
            for more in lines[i + 1 :]:
                if not more.strip() or len(more) - len(more.lstrip()) <= indent:
                    break
                block.append(more[indent:])
            return [b[: WIDTH - 8].rstrip() for b in block]
    return []


def _wrap(text: str, width: int) -> list[str]:
    words, lines, current = text.split(), [], ""
    for word in words:
        if current and len(current) + 1 + len(word) > width:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}" if current else word
    return [*lines, current] if current else lines

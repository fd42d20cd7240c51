"""Translate a TensorFlow/Keras program to scratchnet: ``python -m scratchnet.port program.py``.

The translation is a fixed list of textual substitutions, applied in this order to every line (code, comments and
strings alike: the rules are anchored on the module names, so prose mentioning ``tf.keras`` is rewritten too)::

    assert tf.__version__ >= "2.0"   ->  # scratchnet.port: ... (a TensorFlow version check, kept as a comment)
    import tensorflow as tf          ->  import scratchnet as sn
    import tensorflow.keras as k     ->  import scratchnet as k
    from tensorflow import keras     ->  import scratchnet as keras
    import keras as k                ->  import scratchnet as k
    import keras                     ->  import scratchnet as keras
    from keras.x import y            ->  from scratchnet.x import y    (also from tensorflow.keras.x import y, and
                                         from keras import layers -> from scratchnet import layers)
    tf.random.set_seed(              ->  sn.utils.set_random_seed(
    tf.keras.                        ->  sn.                           (tf.keras.layers.Dense -> sn.layers.Dense)
    tf.keras                         ->  sn                            (keras = tf.keras -> keras = sn)
    tf.<name>                        ->  sn.<name>                     (tf.nn.relu, tf.version.VERSION, ...)
    x.numpy()                        ->  x                             (a tensor works as an array already)

The ``tf.<name>`` rule is general: every other ``tf.<name>`` becomes ``sn.<name>`` (``tf.optimizers.Adam()`` is
``sn.optimizers.Adam()``). A name scratchnet does not have (``sn.applications``, ``sn.image``) then fails
with one line saying what scratchnet offers instead, rather than a ``NameError`` about ``tf``. Other imports
(``tensorflow_datasets``, ``numpy``, ``matplotlib``) are left alone.

A file that starts with a UTF-8 byte-order mark is read as any other (the mark is dropped).

The tool also teaches: it prints a note (to stderr, never changing the program) for the classic slips of the
beginner's exercise, each with its fix:

- ``model.predict(x_test)`` when the program divided ``x_train`` by 255 but not ``x_test`` (at run time,
  ``predict`` warns too: :class:`scratchnet.hints.InputScaleWarning`);
- ``np.argmax(predictions)`` without ``axis``: the index into all N×C numbers, not one class per example;
- ``plt.hist(predictions[0])``: a histogram of ten probabilities says nothing; ``plt.bar`` shows them.

Usage::

    python -m scratchnet.port program.py              # print the translation
    python -m scratchnet.port program.py -o out.py    # write it
    python -m scratchnet.port program.py --in-place   # overwrite program.py
    python -m scratchnet.port notebook.ipynb -o out.ipynb   # a notebook: each code cell is translated

>>> print(port_source("import tensorflow as tf\\nmodel = tf.keras.Sequential()"))
import scratchnet as sn
model = sn.Sequential()
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

__all__ = ["RULES", "main", "port_notebook", "port_notes", "port_source"]

# `tf` as a whole name: not `xtf.`, not `obj.tf.` (someone's attribute), not `tf_utils.`.
_TF = r"(?<![\w.])tf"
_KERAS_MODULE = r"(?:tensorflow\.keras|tensorflow\.python\.keras|keras)"

# (pattern, replacement, what it does): applied in this order, each line by line (re.MULTILINE).
RULES: list[tuple[str, str, str]] = [
    (
        r"^([ \t]*)(assert\b[^\n]*\b(?:tf|tensorflow|keras)\.__version__[^\n]*)$",
        r"\1# scratchnet.port: a TensorFlow version check, commented out (scratchnet has its own version): \2",
        "assert tf.__version__",
    ),
    (r"^(\s*)import\s+tensorflow\s+as\s+tf\b", r"\1import scratchnet as sn", "import tensorflow as tf"),
    (r"^(\s*)import\s+tensorflow\.keras\s+as\s+(\w+)", r"\1import scratchnet as \2", "import tensorflow.keras as k"),
    (
        r"^(\s*)from\s+tensorflow\s+import\s+keras\b(?!\s*\.)",
        r"\1import scratchnet as keras",
        "from tensorflow import keras",
    ),
    (r"^(\s*)import\s+keras\s+as\s+(\w+)", r"\1import scratchnet as \2", "import keras as k"),
    (r"^(\s*)import\s+keras\s*$", r"\1import scratchnet as keras", "import keras"),
    (rf"^(\s*)from\s+{_KERAS_MODULE}((?:\.\w+)*)\s+import\b", r"\1from scratchnet\2 import", "from keras.x import y"),
    (rf"{_TF}\.random\.set_seed\(", "sn.utils.set_random_seed(", "tf.random.set_seed"),
    (rf"{_TF}\.keras\.", "sn.", "tf.keras."),
    (rf"{_TF}\.keras\b", "sn", "tf.keras"),
    (rf"{_TF}\.", "sn.", "tf.<name>"),
    (r"\.numpy\(\)", "", "x.numpy()"),
]

_COMPILED = [(re.compile(pattern, re.MULTILINE), replacement) for pattern, replacement, _ in RULES]


def port_source(source: str) -> str:
    """The program ``source`` with every rule of :data:`RULES` applied, in order."""
    source = source.removeprefix("\ufeff")
    for pattern, replacement in _COMPILED:
        source = pattern.sub(replacement, source)
    return source


_SCALED = re.compile(r"\b(\w+)(?:\.astype\([^)]*\))?\s*/=?\s*255(?:\.0*)?\b")
_PREDICTIONS = re.compile(r"^\s*(\w+)\s*=\s*[\w.]*\.predict\(", re.MULTILINE)
_PREDICT_ON = re.compile(r"\.predict\(\s*(\w+)")
_ARGMAX_NO_AXIS = re.compile(r"np\.argmax\(\s*(\w+)\s*\)")
_HIST_OF_ROW = re.compile(r"plt\.hist\(\s*(\w+)\s*\[")


def port_notes(source: str) -> list[str]:
    """``line N: ...`` notes for the beginner's classic slips in ``source`` (see the module's docstring)."""
    scaled = set(_SCALED.findall(source))
    predictions = set(_PREDICTIONS.findall(source))
    notes = []
    for number, line in enumerate(source.removeprefix("\ufeff").splitlines(), start=1):
        if line.lstrip().startswith("#"):
            continue
        for name in _PREDICT_ON.findall(line):
            if scaled and name not in scaled and not name.startswith(("np", "tf")):
                notes.append(
                    f"line {number}: predict({name}) after training on inputs divided by 255 "
                    f"({', '.join(sorted(scaled))}), but {name} is not: the model would see pixels 0-255. Scale "
                    f"it the same way first: {name} = {name} / 255.0"
                )
        for name in _ARGMAX_NO_AXIS.findall(line):
            if name in predictions:
                notes.append(
                    f"line {number}: np.argmax({name}) has no axis, so it is the position of the largest of all "
                    f"N x C numbers, not a class. Use np.argmax({name}, axis=1) for every example's class, or "
                    f"np.argmax({name}[0]) for the first."
                )
        for name in _HIST_OF_ROW.findall(line):
            if name in predictions:
                notes.append(
                    f"line {number}: plt.hist of one row of {name} draws how many of its C probabilities fall in "
                    f"each bin, not the probability of each class. Use plt.bar(range(len({name}[0])), {name}[0])."
                )
    return notes


def port_notebook(notebook: dict) -> dict:
    """A copy of a Jupyter notebook (parsed JSON) whose code cells are translated; other cells are kept."""
    out = json.loads(json.dumps(notebook))
    for cell in out.get("cells", []):
        if cell.get("cell_type") != "code":
            continue
        source = cell.get("source", "")
        text = "".join(source) if isinstance(source, list) else source
        ported = port_source(text)
        cell["source"] = ported.splitlines(keepends=True) if isinstance(source, list) else ported
    return out


def _port_file(path: Path) -> str:
    if path.is_dir():
        raise SystemExit(f"scratchnet.port: {path} is a folder; give one .py program or .ipynb notebook.")
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SystemExit(f"scratchnet.port: no such file. Received: {path}") from None
    except OSError as e:
        raise SystemExit(f"scratchnet.port: cannot read {path}: {e.strerror or e}.") from None
    except UnicodeDecodeError:
        raise SystemExit(
            f"scratchnet.port: {path} is not a UTF-8 text file (a Python program or a notebook)."
        ) from None
    if path.suffix == ".ipynb":
        try:
            notebook = json.loads(text)
        except json.JSONDecodeError as e:
            raise SystemExit(f"scratchnet.port: {path} is not a valid notebook (JSON error: {e}).") from None
        problem = _notebook_problem(notebook)
        if problem:
            raise SystemExit(f"scratchnet.port: {path} is not a Jupyter notebook: {problem}.")
        return json.dumps(port_notebook(notebook), indent=1, ensure_ascii=False) + "\n"
    return port_source(text)


def _source_text(path: Path) -> str:
    """The program's code (a notebook's code cells, one after another) for :func:`port_notes`."""
    text = path.read_text(encoding="utf-8")
    if path.suffix != ".ipynb":
        return text
    cells = [c for c in json.loads(text).get("cells", []) if c.get("cell_type") == "code"]
    return "\n".join("".join(c["source"]) if isinstance(c["source"], list) else c["source"] for c in cells)


def _notebook_problem(notebook) -> str:
    """Why parsed JSON is not a notebook ``port_notebook`` can translate, or "" if it is one."""
    if not isinstance(notebook, dict):
        return f"it holds a JSON {type(notebook).__name__}, and a notebook is a JSON object with a 'cells' list"
    cells = notebook.get("cells", [])
    if not isinstance(cells, list):
        return f"its 'cells' is a {type(cells).__name__}, not a list"
    for i, cell in enumerate(cells):
        if not isinstance(cell, dict):
            return f"cell {i} is a {type(cell).__name__}, not an object"
        source = cell.get("source", "")
        if not (isinstance(source, str) or (isinstance(source, list) and all(isinstance(x, str) for x in source))):
            return f"the source of cell {i} is a {type(source).__name__}, not text or a list of lines"
    return ""


def _write(target: Path, text: str) -> None:
    if target.is_dir():
        raise SystemExit(
            f"scratchnet.port: cannot write to {target}: it is a folder; give a file name, e.g. -o out.py."
        )
    try:
        target.write_text(text, encoding="utf-8")
    except OSError as e:
        raise SystemExit(
            f"scratchnet.port: cannot write to {target}: {e.strerror or e}. Check that its folder "
            f"{target.parent} exists and can be written."
        ) from None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m scratchnet.port",
        description="Translate a TensorFlow/Keras program (or notebook) to scratchnet by textual substitution.",
    )
    parser.add_argument("program", type=Path, help="a .py file or a .ipynb notebook")
    where = parser.add_mutually_exclusive_group()
    where.add_argument("-o", "--output", type=Path, help="write the translation here instead of printing it")
    where.add_argument("--in-place", action="store_true", help="overwrite the program with its translation")
    args = parser.parse_args(argv)
    ported = _port_file(args.program)
    for note in port_notes(_source_text(args.program)):
        print(f"note: {args.program}: {note}", file=sys.stderr)
    target = args.program if args.in_place else args.output
    if target is None:
        sys.stdout.write(ported)
    else:
        _write(target, ported)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

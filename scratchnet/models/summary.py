"""``model.summary()``: the Keras table of layers, output shapes and parameter counts.

>>> import scratchnet as sn
>>> model = sn.Sequential(
...     [sn.layers.Flatten(input_shape=(28, 28), name="flatten"), sn.layers.Dense(10, name="dense")], name="tiny"
... )
>>> model.summary()  # doctest: +NORMALIZE_WHITESPACE
Model: "tiny"
_________________________________________________________________
 Layer (type)                Output Shape              Param #
=================================================================
 flatten (Flatten)           (None, 784)               0
<BLANKLINE>
 dense (Dense)               (None, 10)                7850
<BLANKLINE>
=================================================================
Total params: 7,850 (30.66 KB)
Trainable params: 7,850 (30.66 KB)
Non-trainable params: 0 (0.00 Byte)
_________________________________________________________________
"""

from __future__ import annotations

from collections.abc import Callable

__all__ = ["format_bytes", "summary"]

WIDTH = 65


def summary(model, print_fn: Callable[[str], object] = print) -> None:
    """Print a Keras-style table: each layer's name and type, output shape and parameter count.

    Raises:
        ValueError: if the model is not built yet (its shapes are not known).
    """
    if not model.built:
        raise ValueError(
            "This model has not yet been built. Build it by calling it on data (fit, predict, model(x)) "
            "or give the first layer an input_shape, e.g. Flatten(input_shape=(28, 28))."
        )

    # A graph model (several inputs, merges, shared layers) adds Keras's "Connected to" column: what each layer
    # was called on, as layer_name[call][0].
    connections = getattr(model, "connections", None)
    width = WIDTH + (33 if connections else 0)

    def row(name, shape, params, connected=""):
        line = f" {name}".ljust(29)[:29] + str(shape).ljust(26)[:26] + str(params).ljust(10)
        return line + (f" {connected}" if connections else "")

    header = row("Layer (type)", "Output Shape", "Param #", "Connected to")
    lines = [f'Model: "{model.name}"', "_" * width, header, "=" * width]
    for layer, shape in model.layer_output_shapes():
        links = connections(layer) if connections else [""]
        lines.append(
            row(f"{layer.name} ({type(layer).__name__})", (None, *shape), layer.count_params(), (links or [""])[0])
        )
        lines += [row("", "", "", link) for link in links[1:]]
        lines.append(" " * width)
    total, trainable = model.count_params(), model.count_trainable_params()
    itemsize = model.dtype.itemsize
    lines += [
        "=" * width,
        f"Total params: {total:,} ({format_bytes(total * itemsize)})",
        f"Trainable params: {trainable:,} ({format_bytes(trainable * itemsize)})",
        f"Non-trainable params: {total - trainable:,} ({format_bytes((total - trainable) * itemsize)})",
        "_" * width,
    ]
    for line in lines:
        print_fn(line)


def format_bytes(n: float) -> str:
    """Bytes as Keras prints them: ``"30.66 KB"``."""
    if n < 1024:
        return f"{n:.2f} Byte"
    for unit in ("KB", "MB", "GB"):
        n /= 1024
        if n < 1024:
            return f"{n:.2f} {unit}"
    return f"{n:.2f} TB"

"""What ``Model(inputs, outputs)`` builds when the layers form a chain: a Sequential over them.

Calling a layer on a placeholder (``sn.Input``) computes nothing: it returns a new placeholder that remembers which
layer made it from which input. ``Model(inputs, outputs)`` then walks back from the outputs to the input and
finds the layers in order (:func:`trace_chain`). What learners build with the functional API is usually a chain
(each layer used once, one input), and a chain is exactly a :class:`Sequential`, which trains through the same
loop and the same fused gradient. A model may also ask for several outputs along that chain
(``outputs=[layer.output for layer in model.layers]``, the feature-map pictures): ``predict`` then returns a list
of arrays, one per output. Anything else (fan-out, merge layers, several inputs, a shared layer) is a graph:
:class:`scratchnet.models.graph.Graph`, which :meth:`Functional.pick` chooses.
"""

from __future__ import annotations

import numpy as np

from scratchnet import layers
from scratchnet.layers.base import Layer
from scratchnet.layers.input_layer import Input, SymbolicTensor
from scratchnet.models import saving
from scratchnet.models.graph import Graph
from scratchnet.models.model import Model
from scratchnet.models.sequential import Sequential

__all__ = ["Functional", "trace_chain"]


class Functional(Sequential):
    """What ``Model(inputs=..., outputs=...)`` makes: the chain of layers between them, as a Sequential.

    With one output it is a Sequential over those layers, and trains through the same loop and the same fused
    gradient. With several outputs along the chain (``outputs=[layer.output for layer in model.layers]``) it
    returns a list of arrays, one per output, from ``predict`` and ``model(x)``: for looking, not training.
    See :mod:`scratchnet.layers.input_layer`.
    """

    def __init__(self, inputs=None, outputs=None, name: str | None = None, **kwargs):
        start, chain, positions = trace_chain(inputs, outputs)
        super().__init__(name=name or "functional", **kwargs)
        self.input_spec = start.example_shape
        # As in Keras, a functional model's layers start with its InputLayer (it passes the batch on unchanged).
        self.layers.append(start.layer)
        self.output_positions = None if positions is None else [i + 1 for i in positions]
        for layer in chain:
            self.add(layer, rebuild=False)
        self._changed()

    @staticmethod
    def pick(inputs=None, outputs=None, *args, **kwargs) -> type:
        """The class ``Model(inputs, outputs)`` makes: :class:`Functional` for a chain, else :class:`Graph`."""
        return Functional if is_chain(inputs, outputs) else Graph

    def forward(self, x: np.ndarray, training: bool = False):
        if self.output_positions is None:
            return super().forward(x, training=training)
        seen = []
        for layer in self.layers[: max(self.output_positions) + 1]:
            x = layer.forward(x, training=training)
            seen.append(x)
        return [seen[i] for i in self.output_positions]

    def output_example_shapes(self) -> list[tuple[int, ...]]:
        shapes = [shape for _, shape in self.layer_output_shapes()]
        return [shapes[i] for i in self.output_positions] if self.output_positions else [shapes[-1]]

    def compile(self, *args, **kwargs) -> None:
        if self.output_positions is not None:
            raise ValueError(
                f"Model '{self.name}' has {len(self.output_positions)} outputs: it can predict (one array per "
                "output) but not be trained, as scratchnet trains models with one output and one loss. Train the "
                "model the layers came from, then look at it through this one."
            )
        super().compile(*args, **kwargs)

    @classmethod
    def from_config(cls, config: dict, custom_objects: dict | None = None) -> Sequential:
        """The same chain, rebuilt as a functional model: its InputLayer first, so layer indices do not shift."""
        specs = config["layers"]
        if not specs or specs[0].get("class_name") != "InputLayer":  # written before the InputLayer was saved
            config = {k: v for k, v in config.items() if k != "output_positions"}
            return Sequential.from_config(config, custom_objects)
        first = specs[0].get("config", {})
        start = Input(shape=tuple(first["shape"]), name=first.get("name"))
        tensors = [start]
        for spec in specs[1:]:
            tensors.append(saving.layer_from_json(spec, custom_objects)(tensors[-1]))
        positions = config.get("output_positions")
        outputs = tensors[-1] if not positions else [tensors[i] for i in positions]
        return cls(
            start,
            outputs,
            name=config.get("name"),
            seed=config.get("seed"),
            dtype=config.get("dtype", "float32"),
        )


Model.functional_class = Functional
layers.register(Sequential)
layers.register(Functional)
layers.register(Graph)


def is_chain(inputs, outputs) -> bool:
    """Whether ``outputs`` lie on one line of layers from one input, each layer used once (a Sequential)."""
    if isinstance(inputs, dict) or isinstance(outputs, dict):
        return False
    inputs = list(inputs) if isinstance(inputs, (list, tuple)) else [inputs]
    outputs = list(outputs) if isinstance(outputs, (list, tuple)) else [outputs]
    if not all(isinstance(t, SymbolicTensor) for t in [*inputs, *outputs]):
        return True  # not a graph at all: trace_chain says what is wrong
    if len(inputs) != 1:
        return False
    paths = []
    for t in outputs:
        path = []
        while t is not None and t is not inputs[0]:
            if len(t.parents) != 1:
                return False  # a merge layer, or another Input
            path.append(t)
            t = t.parent
        paths.append(path[::-1])
    chain = max(paths, key=len)
    used = [t.layer for t in chain]
    return all(path == chain[: len(path)] for path in paths) and len({id(u) for u in used}) == len(used)


def trace_chain(inputs, outputs) -> tuple[SymbolicTensor, list[Layer], list[int] | None]:
    """The chain of layers from ``inputs`` to ``outputs``: ``(the input, layers, output positions)``.

    Output positions are the indices in ``layers`` whose outputs the model returns (None: just the last one).

    Raises:
        ValueError: if the inputs and outputs are not placeholders, or do not lie on one chain.
    """
    inputs = inputs if isinstance(inputs, (list, tuple)) else [inputs]
    many = isinstance(outputs, (list, tuple))
    outputs = list(outputs) if many else [outputs]
    for what, tensors in (("inputs", inputs), ("outputs", outputs)):
        for t in tensors:
            if not isinstance(t, SymbolicTensor):
                raise TypeError(
                    f"Model expected {what} made by sn.Input(...) and layers called on it. Received: an object of "
                    f"type {type(t).__name__}. Write inputs = sn.Input(shape=...), x = sn.layers.Dense(...)(inputs)."
                )
    if len(inputs) != 1:
        raise ValueError(
            f"Model supports one input. Received: {len(inputs)} inputs. Models with several inputs need a graph "
            "that merges them, which scratchnet does not build."
        )
    (start,) = inputs
    # The longest output's path back to the input is the chain; every other output must lie on it.
    paths = []
    for t in outputs:
        path, node = [], t
        while node is not None and node is not start:
            path.append(node)
            node = node.parent
        if node is None:
            raise ValueError(
                f"Model: the output {t!r} was not computed from the given input. Pass the Input the layers were "
                "called on."
            )
        paths.append(path[::-1])
    chain = max(paths, key=len)
    for path in paths:
        if path != chain[: len(path)]:
            raise ValueError(
                "Model: these outputs branch off different paths from the input. scratchnet builds chains of "
                "layers (each output on one line from the input), not graphs that branch and merge."
            )
    layers = [t.layer for t in chain]
    positions = [len(path) - 1 for path in paths]
    if positions == [len(layers) - 1]:  # outputs=out or outputs=[out]: one output, a model that can train
        positions = None
    return start, layers, positions

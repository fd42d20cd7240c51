"""A functional model that is not a chain: a graph of layer calls, run forward in order and backward in reverse.

``Model(inputs, outputs)`` builds one when the layers do more than follow each other: a tensor used twice
(fan-out), a merge layer (``Add``, ``Concatenate``), several inputs or outputs, or one layer called on two inputs
(a shared layer). Each call of a layer is a *node*: the layer, the tensors it was called on, the tensor it made.

    forward:   for node in the nodes, inputs first:             value[node] = layer.forward(value[parents])
    backward:  for node in the nodes, outputs first:            dparents    = layer.backward(grad[node])
               where a tensor feeds several nodes, its gradient is the SUM of what each of them sends back

The sum is the chain rule for a tensor used twice: if ``y = f(x) + g(x)``, then ``dx = f'(x) dy + g'(x) dy``.

**Shared layers.** A layer's forward keeps what its backward needs (Dense keeps ``x``). A layer called twice in one
pass would overwrite the first call's ``x`` before the first call's backward runs. So a shared layer runs each call
on its own shallow copy (the same parameter arrays, its own cache and ``grads``), and after the backward its
gradient is the sum of its calls' gradients: the weights were used twice, so both uses move the loss.

**The fused gradient.** When an output ends in softmax and its loss is cross-entropy, the backward starts below
the softmax with ``dz = (p - y) / N``, as in a Sequential model (see :mod:`scratchnet.fused`).

Several inputs and outputs (data as lists or dicts, a loss per output, ``loss_weights``, per-output metrics) are
in :mod:`scratchnet.models.multi_io`.
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np

from scratchnet import fused
from scratchnet.layers.base import Layer
from scratchnet.layers.input_layer import InputLayer, SymbolicTensor
from scratchnet.models import multi_io, saving
from scratchnet.models.model import Model
from scratchnet.tape.layer_call import per_call_copy

__all__ = ["Graph", "graph_nodes"]


def graph_nodes(inputs: list[SymbolicTensor], outputs: list[SymbolicTensor]) -> list[SymbolicTensor]:
    """Every tensor between ``inputs`` and ``outputs`` made by a layer, each after all the tensors it needs.

    A depth-first walk back from the outputs, listing a tensor once its parents are listed (topological order).

    Raises:
        ValueError: if an output depends on an ``Input`` that is not among ``inputs``.
    """
    order, seen = [], set()
    input_ids = {id(t) for t in inputs}

    def visit(t: SymbolicTensor) -> None:
        if id(t) in seen or id(t) in input_ids:
            return
        if not t.parents:
            raise ValueError(
                f"Model: an output depends on the input '{t.layer.name}', shape {t.shape}, which is not among the "
                "model's inputs. Pass every Input the outputs were computed from: Model(inputs=[a, b], ...)."
            )
        seen.add(id(t))
        for parent in t.parents:
            visit(parent)
        order.append(t)

    for t in outputs:
        visit(t)
    return order


class Graph(Model):
    """A model over any graph of layer calls (see the module docstring); ``Model(inputs, outputs)`` makes it.

    Args:
        inputs: one ``sn.Input(...)`` or a list (or dict) of them.
        outputs: one tensor made by layers called on the inputs, or a list (or dict) of them.
        name, seed, dtype: as for :class:`Model`.
    """

    def __init__(self, inputs=None, outputs=None, name: str | None = None, seed=None, dtype="float32", **kwargs):
        super().__init__(name=name or kwargs.pop("name", None) or "functional", seed=seed, dtype=dtype)
        self.input_names_given = isinstance(inputs, dict)
        self.output_names_given = list(outputs) if isinstance(outputs, dict) else None
        # A list of one input or one output is that input or output (as tf.keras: predict returns one array).
        self.inputs = list(inputs.values()) if isinstance(inputs, dict) else _as_list(inputs)
        self.outputs = list(outputs.values()) if isinstance(outputs, dict) else _as_list(outputs)
        self.many_inputs = len(self.inputs) > 1
        self.many_outputs = len(self.outputs) > 1
        for what, tensors in (("inputs", self.inputs), ("outputs", self.outputs)):
            for t in tensors:
                if not isinstance(t, SymbolicTensor):
                    raise TypeError(
                        f"Model expected {what} made by sn.Input(...) and layers called on it. Received: an object "
                        f"of type {type(t).__name__}."
                    )
        self.nodes = graph_nodes(self.inputs, self.outputs)
        # As in Keras: the InputLayers first, then every layer once, in the order the graph first uses it.
        self.layers = [t.layer for t in self.inputs]
        for node in self.nodes:
            if node.layer not in self.layers:
                self.layers.append(node.layer)
        # Per node: the position of its layer in self.layers (a copy of this model, as the tape makes, runs its own
        # copies of the layers), and whether that layer is called more than once (each call then on its own copy).
        self.node_layer = [next(i for i, la in enumerate(self.layers) if la is node.layer) for node in self.nodes]
        self.shared_call = [self.node_layer.count(i) > 1 for i in self.node_layer]
        self.output_positions = list(range(len(self.outputs))) if self.many_outputs else None
        self.needs_input_grad = False
        self.build()

    # --- names, shapes, building --------------------------------------------------------------------------------
    @property
    def input_names(self) -> list[str]:
        return [t.layer.name for t in self.inputs]

    @property
    def output_names(self) -> list[str]:
        """Each output's name, as Keras logs its loss and metrics: the name of the layer that made it."""
        return self.output_names_given or [t.layer.name for t in self.outputs]

    @property
    def several_io(self) -> bool:
        """Whether data comes as lists (several inputs or outputs): then :mod:`multi_io` checks it."""
        return self.many_inputs or self.many_outputs

    def build(self, input_shape=None, rng=None, dtype=None) -> None:
        """Build every layer for the shape its call receives (known from the placeholders)."""
        rng = self.rng if rng is None else rng
        self.dtype = np.dtype(dtype) if dtype is not None else self.dtype
        for node in self.nodes:
            layer = node.layer
            shapes = [p.example_shape for p in node.parents]
            shape = shapes if getattr(layer, "takes_list", False) else shapes[0]
            if not layer.built:
                layer.build(shape, rng, self.dtype)
        shapes = [t.example_shape for t in self.inputs]
        self.input_shape = shapes if self.many_inputs else shapes[0]
        self.built = True
        self.structure_version += 1
        for layer in self.layers:
            # A layer whose calls all read model inputs need not compute dx (nobody reads ∂L/∂pixels).
            reads_inputs_only = all(all(p in self.inputs for p in node.parents) for node in self.calls(layer))
            layer.needs_input_grad = self.needs_input_grad or not reads_inputs_only
        self.choose_backward()

    def compute_output_shape(self, input_shape):
        shapes = self.output_example_shapes()
        return shapes if self.many_outputs else shapes[0]

    def output_example_shapes(self) -> list[tuple[int, ...]]:
        return [t.example_shape for t in self.outputs]

    @property
    def output_shape(self):
        shapes = [(None, *s) for s in self.output_example_shapes()]
        return shapes if self.many_outputs else shapes[0]

    def layer_output_shapes(self) -> list[tuple[Layer, tuple[int, ...]]]:
        """``(layer, output shape)`` for each layer (its first call), the rows of ``summary()``."""
        rows = [(t.layer, t.example_shape) for t in self.inputs]
        for layer in self.layers[len(self.inputs) :]:
            rows.append((layer, self.calls(layer)[0].example_shape))
        return rows

    def connections(self, layer: Layer) -> list[str]:
        """What ``layer`` was called on, as summary()'s "Connected to" column shows it: ``['dense[0][0]']``."""
        return [f"{p.layer.name}[{self._call_index(p)}][0]" for node in self.calls(layer) for p in node.parents]

    def calls(self, layer: Layer) -> list[SymbolicTensor]:
        """The nodes where ``layer`` is called, in order (one, or several for a shared layer)."""
        return [n for n in self.nodes if n.layer is layer]

    def _call_index(self, tensor: SymbolicTensor) -> int:
        calls = self.calls(tensor.layer)
        return next((i for i, n in enumerate(calls) if n is tensor), 0)

    def choose_backward(self) -> None:
        """Decide, for each output, whether its backward starts with the fused gradient (softmax + cross-entropy)."""
        losses = multi_io.losses_per_output(self)
        read_later = {id(p) for node in self.nodes for p in node.parents}
        # Fused only where the output is nothing but the loss's input: another node reading it would need the
        # gradient above the activation too.
        self.fused_losses = [
            None
            if loss is None or id(t) in read_later or t.layer in self.layers[: len(self.inputs)]
            else fused.choose(SimpleNamespace(layers=[t.layer]), loss)
            for t, loss in zip(self.outputs, losses, strict=True)
        ]
        self.fused_loss = self.fused_losses[0] if not self.several_io else None

    # --- forward and backward -----------------------------------------------------------------------------------
    def forward(self, x, training: bool = False):
        """Every node's forward, inputs first. ``x``: an array, or one array per input (a list)."""
        xs = list(x) if self.many_inputs else [x]
        value = {id(t): v for t, v in zip(self.inputs, xs, strict=True)}
        self.runs = {}  # node -> the object that ran it: the layer, or a per-call copy of a shared layer
        for node, index, shared in zip(self.nodes, self.node_layer, self.shared_call, strict=True):
            layer = self.layers[index]
            run = per_call_copy(layer) if shared else layer
            args = [value[id(p)] for p in node.parents]
            value[id(node)] = run.forward(args if getattr(layer, "takes_list", False) else args[0], training=training)
            self.runs[id(node)] = run
        outs = [value[id(t)] for t in self.outputs]
        return outs if self.many_outputs else outs[0]

    def backward(self, dy):
        """Backward from ∂L/∂(each output): ``dy`` an array, or one per output (None for an output without loss)."""
        return self.backprop(list(dy) if self.many_outputs else [dy], [False] * len(self.outputs))

    def backward_from_logits(self, dz):
        """Backward from ``dz`` at the input of the output's softmax (the fused gradient)."""
        return self.backprop(list(dz) if self.many_outputs else [dz], [True] * len(self.outputs))

    def backprop(self, dys: list, below_activation: list[bool]):
        """The graph's backward: nodes in reverse order, gradients summed where a tensor fans out.

        Args:
            dys: ∂L/∂(output k) for each output (None: no loss on it); with ``below_activation[k]``, ∂L/∂z at the
                input of that output's activation instead (the fused gradient).

        Returns:
            ∂L/∂(each input) where computed (None otherwise): an array, or a list for several inputs.
        """
        grad: dict[int, np.ndarray] = {}
        start: dict[int, np.ndarray] = {}  # outputs whose gradient enters below their activation

        def receive(t, g):
            if g is not None:
                grad[id(t)] = g if id(t) not in grad else grad[id(t)] + g  # fan-out: gradients add up

        for t, dy, below in zip(self.outputs, dys, below_activation, strict=True):
            if dy is not None and below:
                start[id(t)] = dy
            else:
                receive(t, dy)
        for node in reversed(self.nodes):
            run = self.runs[id(node)]
            if id(node) in start:
                dx = fused.backward_below_activation(run, start.pop(id(node)))
            elif id(node) in grad:
                dx = run.backward(grad.pop(id(node)))
            else:
                continue  # no loss depends on this node
            for parent, g in zip(node.parents, dx if getattr(node.layer, "takes_list", False) else [dx], strict=True):
                receive(parent, g)
        self._sum_shared_gradients()
        dxs = [grad.get(id(t)) for t in self.inputs]
        return dxs if self.many_inputs else dxs[0]

    def _sum_shared_gradients(self) -> None:
        """A shared layer's gradient is the sum of its calls' gradients (its weights were used by each)."""
        for i, layer in enumerate(self.layers):
            runs = [self.runs[id(n)] for n, j in zip(self.nodes, self.node_layer, strict=True) if j == i]
            if len(runs) < 2 or not layer.params:
                continue
            for key in layer.params:
                parts = [run.grads[key] for run in runs if key in run.grads]
                layer.grads[key] = sum(parts[1:], parts[0]) if parts else np.zeros_like(layer.params[key])

    def backprop_layers(self) -> list[Layer]:
        return self.layers

    # --- training with several outputs --------------------------------------------------------------------------
    def compile(self, optimizer="rmsprop", loss=None, metrics=None, loss_weights=None, **kwargs) -> None:
        """As :meth:`Trainer.compile`; with several outputs ``loss``, ``metrics`` and ``loss_weights`` may be lists
        or dicts by output name (see :mod:`scratchnet.models.multi_io`)."""
        if not self.several_io and not isinstance(loss, (list, dict)) and loss_weights is None:
            super().compile(optimizer, loss, metrics, **kwargs)
            return
        multi_io.compile_graph(self, optimizer, loss, metrics, loss_weights, **kwargs)
        self.choose_backward()

    def train_step(self, x, y, sample_weight=None):
        if not self.several_io:
            return super().train_step(x, y, sample_weight)
        return multi_io.train_step(self, x, y, sample_weight)

    def compute_gradients(self, x, y) -> float:
        if not self.several_io:
            return super().compute_gradients(x, y)
        x, y = self.prepare_data(x, y, "compute_gradients")
        loss, _ = multi_io.loss_and_backward(self, x.astype(self.dtype, copy=False), y)
        return loss + self.add_regularization()

    def _metric_values(self, y, y_pred) -> list[float]:
        if not self.several_io:
            return super()._metric_values(y, y_pred)
        return multi_io.metric_values(self, y, y_pred)

    def prepare_inputs(self, x, who: str):
        return multi_io.prepare_inputs(self, x, who)

    def prepare_data(self, x, y, who: str):
        return multi_io.prepare_data(self, x, y, who)

    # --- config -------------------------------------------------------------------------------------------------
    def get_config(self) -> dict:
        """The layers and, as Keras writes them, each call's ``inbound_nodes``: ``[[name, call, 0], ...]``."""
        calls = []
        for layer in self.layers:
            spec = saving.layer_to_json(layer)
            spec["inbound_nodes"] = [
                [[p.layer.name, self._call_index(p), 0] for p in node.parents] for node in self.calls(layer)
            ]
            calls.append(spec)
        return {
            "name": self.name,
            "seed": self.seed,
            "dtype": self.dtype.name,
            "layers": calls,
            "input_layers": [[t.layer.name, 0, 0] for t in self.inputs],
            "output_layers": [[t.layer.name, self._call_index(t), 0] for t in self.outputs],
            "many_inputs": self.many_inputs,
            "many_outputs": self.many_outputs,
        }

    @classmethod
    def from_config(cls, config: dict, custom_objects: dict | None = None) -> Graph:
        """Rebuild the graph by calling each layer again on the tensors its ``inbound_nodes`` name."""
        from scratchnet.layers.input_layer import symbolic_call

        made: dict[tuple[str, int], SymbolicTensor] = {}
        pending = []
        for spec in config["layers"]:
            layer = saving.layer_from_json({k: v for k, v in spec.items() if k != "inbound_nodes"}, custom_objects)
            if isinstance(layer, InputLayer):
                made[(layer.name, 0)] = SymbolicTensor(layer.input_shape, layer, None)
            else:
                pending += [(layer, i, node) for i, node in enumerate(spec["inbound_nodes"])]
        while pending:  # call each layer once the tensors it reads exist (the saved order is topological already)
            waiting = []
            for layer, i, node in pending:
                keys = [(name, index) for name, index, _ in node]
                if all(k in made for k in keys):
                    args = [made[k] for k in keys]
                    made[(layer.name, i)] = (
                        symbolic_call(layer, args) if getattr(layer, "takes_list", False) else layer(args[0])
                    )
                else:
                    waiting.append((layer, i, node))
            if len(waiting) == len(pending):
                raise ValueError("load_model(): the saved graph names a layer input that no layer makes.")
            pending = waiting
        inputs = [made[(name, index)] for name, index, _ in config["input_layers"]]
        outputs = [made[(name, index)] for name, index, _ in config["output_layers"]]
        return cls(
            inputs if config.get("many_inputs") else inputs[0],
            outputs if config.get("many_outputs") else outputs[0],
            name=config.get("name"),
            seed=config.get("seed"),
            dtype=config.get("dtype", "float32"),
        )


def _as_list(tensors) -> list:
    return list(tensors) if isinstance(tensors, (list, tuple)) else [tensors]

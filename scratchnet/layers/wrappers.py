"""Wrappers: layers built around another layer. Bidirectional (a recurrent layer read both ways) and
TimeDistributed (a layer applied to every time step).

A wrapper owns its inner layers' weights: its ``params`` holds them under prefixed keys (``forward_kernel``, ...)
in Keras's order, and before each forward it hands those very arrays to the inner layers (the optimizer, or the
flat θ of :mod:`scratchnet.speed`, may have replaced them); after each backward it collects their gradients.
"""

from __future__ import annotations

import numpy as np

from scratchnet.layers.base import Layer

__all__ = ["Bidirectional", "TimeDistributed"]

_MERGE_MODES = ("concat", "sum", "mul", "ave")


def _to_json(layer: Layer) -> dict:
    """An inner layer as a model's config writes its layers (``scratchnet.models.saving.layer_to_json``)."""
    return {"class_name": type(layer).__name__, "config": layer.get_config()}


def _from_json(spec: dict) -> Layer:
    # Found among Layer's subclasses by name: importing the registry (scratchnet.layers) from here would be a cycle.
    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    for cls in subclasses(Layer):
        if cls.__name__ == spec["class_name"]:
            return cls.from_config(spec["config"])
    raise ValueError(f"Unknown layer class inside a wrapper. Received: {spec['class_name']!r}.")


class _Wrapper(Layer):
    """Keeps ``params`` and ``grads`` of the inner layers ``self.inner`` ({prefix: layer}) under prefixed keys."""

    def _collect_params(self) -> None:
        self.params, self.grads, self.regularizers = {}, {}, {}
        for prefix, layer in self.inner.items():
            for key, p in layer.params.items():
                self.params[f"{prefix}{key}"] = p
                if key in layer.grads:
                    self.grads[f"{prefix}{key}"] = layer.grads[key]
                if key in getattr(layer, "regularizers", {}):
                    self.regularizers[f"{prefix}{key}"] = layer.regularizers[key]
            self.non_trainable |= {f"{prefix}{key}" for key in layer.non_trainable}

    def _lend_params(self) -> None:
        for prefix, layer in self.inner.items():
            for key in layer.params:
                layer.params[key] = self.params[f"{prefix}{key}"]
            layer.input_mask = self.input_mask

    def _collect_grads(self) -> None:
        self.grads = {f"{prefix}{k}": g for prefix, layer in self.inner.items() for k, g in layer.grads.items()}


class Bidirectional(_Wrapper):
    """A recurrent layer run forwards and a copy of it run backwards, outputs merged: ``keras.layers.Bidirectional``.

    Forward:   y_f = forward_layer(x)                    (N, [T,] H)
               y_b = backward_layer(x)                   (N, [T,] H)   reads x from the end (go_backwards)
               y_b = y_b[:, ::-1]                        with return_sequences: back in the order of x
               y   = concat([y_f, y_b], -1)              (N, [T,] 2H)   or y_f + y_b, y_f * y_b, (y_f + y_b) / 2
    Backward:  dy_f, dy_b = the split of dy (concat), dy and dy (sum), dy * y_b and dy * y_f (mul), dy / 2 (ave)
               dx  = forward_layer.backward(dy_f) + backward_layer.backward(dy_b)   x feeds both: the gradients add

    Weights, in Keras's order: the forward layer's, then the backward layer's.

    Args:
        layer: a SimpleRNN, LSTM or GRU (not built).
        merge_mode: 'concat' (Keras's default), 'sum', 'mul' or 'ave'.
        backward_layer: optionally, the layer to run backwards (by default a copy of ``layer``).
    """

    def __init__(self, layer: Layer, merge_mode: str | None = "concat", backward_layer: Layer | None = None, **kwargs):
        if not hasattr(layer, "go_backwards"):
            raise ValueError(
                f"Bidirectional expected a recurrent layer (SimpleRNN, LSTM, GRU). Received: {type(layer).__name__}."
            )
        if merge_mode not in _MERGE_MODES:
            raise ValueError(
                f"Bidirectional expected merge_mode in {list(_MERGE_MODES)}. Received: merge_mode={merge_mode!r}"
                f"{' (two outputs, which scratchnet models cannot route yet)' if merge_mode is None else ''}."
            )
        super().__init__(**kwargs)
        self.merge_mode = merge_mode
        self.forward_layer = layer
        if backward_layer is None:
            config = {**layer.get_config(), "go_backwards": not layer.go_backwards, "name": f"backward_{layer.name}"}
            config.pop("input_shape", None)
            backward_layer = type(layer).from_config(config)
        self.backward_layer = backward_layer
        self.inner = {"forward_": self.forward_layer, "backward_": self.backward_layer}
        self.return_sequences = layer.return_sequences

    def build(self, input_shape, rng, dtype):
        super().build(input_shape, rng, dtype)
        for layer in self.inner.values():
            layer.build(self.input_shape, rng, dtype)
        self._collect_params()

    def compute_output_shape(self, input_shape):
        shape = self.forward_layer.compute_output_shape(input_shape)
        return (*shape[:-1], 2 * shape[-1]) if self.merge_mode == "concat" else shape

    def compute_mask(self, mask):
        return mask if self.return_sequences else None

    def forward(self, x, training=False):
        self._check_built("forward")
        self._lend_params()
        self.y_f = self.forward_layer.forward(x, training=training)
        y_b = self.backward_layer.forward(x, training=training)
        self.y_b = y_b[:, ::-1] if self.return_sequences else y_b
        if self.merge_mode == "concat":
            return np.concatenate([self.y_f, self.y_b], axis=-1)
        if self.merge_mode == "sum":
            return self.y_f + self.y_b
        if self.merge_mode == "mul":
            return self.y_f * self.y_b
        return (self.y_f + self.y_b) / 2

    def backward(self, dy):
        if self.merge_mode == "concat":
            h = self.y_f.shape[-1]
            dy_f, dy_b = dy[..., :h], dy[..., h:]
        elif self.merge_mode == "sum":
            dy_f, dy_b = dy, dy
        elif self.merge_mode == "mul":
            dy_f, dy_b = dy * self.y_b, dy * self.y_f
        else:
            dy_f = dy_b = dy / 2
        if self.return_sequences:
            dy_b = dy_b[:, ::-1]
        dx = self.forward_layer.backward(dy_f) + self.backward_layer.backward(dy_b)
        self._collect_grads()
        return dx

    def get_config(self):
        return {
            **super().get_config(),
            "layer": _to_json(self.forward_layer),
            "backward_layer": _to_json(self.backward_layer),
            "merge_mode": self.merge_mode,
        }

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        config["layer"] = _from_json(config["layer"])
        config["backward_layer"] = _from_json(config["backward_layer"])
        return cls(**config)


class TimeDistributed(_Wrapper):
    """Apply the same layer to every time step: ``keras.layers.TimeDistributed``.

    Forward:   y  = layer(x.reshape(N * T, ...)).reshape(N, T, ...)     the steps become extra examples
    Backward:  dx = layer.backward(dy.reshape(N * T, ...)).reshape(x.shape)
               the inner layer's gradients sum over the N * T rows, so over the steps too: one layer, shared

    Args:
        layer: the layer to apply (not built), e.g. ``Dense(1)``.
    """

    def __init__(self, layer: Layer, **kwargs):
        if not isinstance(layer, Layer):
            raise TypeError(f"TimeDistributed expected a layer. Received: {layer!r}.")
        super().__init__(**kwargs)
        self.layer = layer
        self.inner = {"": layer}

    def build(self, input_shape, rng, dtype):
        input_shape = tuple(input_shape)
        if len(input_shape) < 2:
            raise ValueError(
                f"TimeDistributed '{self.name}' expected inputs of shape (batch, timesteps, ...). "
                f"Received: input_shape={(None, *input_shape)}."
            )
        super().build(input_shape, rng, dtype)
        self.layer.build(input_shape[1:], rng, dtype)
        self._collect_params()

    def compute_output_shape(self, input_shape):
        return (input_shape[0], *self.layer.compute_output_shape(tuple(input_shape[1:])))

    def forward(self, x, training=False):
        self._check_built("forward")
        self._lend_params()
        n, t = x.shape[:2]
        y = self.layer.forward(x.reshape(n * t, *x.shape[2:]), training=training)
        self.x_shape = x.shape
        return y.reshape(n, t, *y.shape[1:])

    def backward(self, dy):
        n, t = dy.shape[:2]
        self.layer.needs_input_grad = self.needs_input_grad
        dx = self.layer.backward(dy.reshape(n * t, *dy.shape[2:]))
        self._collect_grads()
        return None if dx is None else dx.reshape(self.x_shape)

    def get_config(self):
        return {**super().get_config(), "layer": _to_json(self.layer)}

    @classmethod
    def from_config(cls, config):
        return cls(**{**config, "layer": _from_json(config["layer"])})

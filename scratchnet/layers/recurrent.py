"""Recurrent layers: SimpleRNN, LSTM and GRU, with backprop through time written out as a loop over the steps.

A recurrent layer applies the same cell at every time step of a sequence x: (N, T, D), carrying a state h: (N, H)
from one step to the next. Forward is a loop over t = 0 .. T-1; backward is the same loop run backwards, and it
carries two things down the time axis:

    dh_prev = (what step t sends back to h_{t-1})  +  (what the output at t-1 receives from above)

Forgetting the carry (using only the gradient from above at each step) is the classic bug of backprop through
time; so is forgetting that the weights are shared by every step, whose gradient is the *sum* over the steps.

Each layer's cell is a pair of methods side by side, ``_step`` (one step forward, keeping a cache) and
``_step_backward`` (its backward). The input's share of every gate does not depend on the state, so it is
computed for all steps at once (``x @ W``, one matmul) before the loop, and its gradient after it: only the
state's share, ``h @ U``, has to wait for the previous step. The loop is over time, never over examples.

Shared by all three (Keras's arguments): ``return_sequences`` (every step's h, (N, T, H), or only the last,
(N, H)), ``go_backwards`` (read the sequence from its end; the outputs come in that order too), ``dropout`` (one
mask on the inputs, the same at every step) and ``recurrent_dropout`` (one mask on the state fed to ``h @ U``),
and a mask from ``Embedding(mask_zero=True)``: at a masked step the state is carried over unchanged.
"""

from __future__ import annotations

import numbers

import numpy as np

from scratchnet import initializers, nn, regularizers
from scratchnet.layers.base import Layer

__all__ = ["GRU", "LSTM", "SimpleRNN"]


def _activation(who: str, name) -> tuple[str, object, object]:
    name, fn, backward = nn.get_activation(name)
    if name in nn.FROM_INPUT or name == "softmax":
        raise ValueError(
            f"{who} takes an elementwise activation whose backward is written with its output, such as 'tanh', "
            f"'sigmoid', 'relu'. Received: activation={name!r}."
        )
    return name, fn, backward


def _rate(who: str, name: str, value) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not 0 <= value < 1:
        raise ValueError(f"{who} expected `{name}` to be a float in [0, 1). Received: {name}={value!r}.")
    return float(value)


# The constructor argument that sets each weight's penalty (Keras's names).
_REGULARIZER_ARGS = {
    "kernel": "kernel_regularizer",
    "recurrent_kernel": "recurrent_regularizer",
    "bias": "bias_regularizer",
}


class _Recurrent(Layer):
    """The loop over time, forward and backward, that every recurrent layer shares; a subclass writes its cell.

    A subclass sets ``gates`` (how many blocks of H columns its kernels have: 1, 4 or 3) and ``n_states``, and
    implements ``_step(xw_t, states, h_mat) -> (states, cache)`` and
    ``_step_backward(dstates, cache) -> (dxw_t, dh_mat, dstates_prev)``, where ``xw_t = x_t @ W + b`` is the
    input's share of the gates and ``h_mat`` the previous state as it enters ``h @ U`` (after recurrent dropout).
    """

    gates = 1
    n_states = 1

    def __init__(
        self,
        units: int,
        activation="tanh",
        use_bias: bool = True,
        kernel_initializer="glorot_uniform",
        recurrent_initializer="orthogonal",
        bias_initializer="zeros",
        kernel_regularizer=None,
        recurrent_regularizer=None,
        bias_regularizer=None,
        dropout: float = 0.0,
        recurrent_dropout: float = 0.0,
        return_sequences: bool = False,
        return_state: bool = False,
        go_backwards: bool = False,
        stateful: bool = False,
        unroll: bool = False,
        seed: int | None = None,
        **kwargs,
    ):
        who = type(self).__name__
        if isinstance(units, bool) or not isinstance(units, (int, np.integer)) or units <= 0:
            raise ValueError(f"{who} expected `units` to be a positive integer (H). Received: units={units!r}.")
        if return_state:
            raise ValueError(
                f"{who}: return_state=True returns several arrays (the output and the final states), which "
                "scratchnet's models cannot route yet. Use return_sequences=True and take the last step, or "
                "return_state=False."
            )
        if stateful:
            raise ValueError(f"{who}: stateful=True (state kept between batches) is not supported in scratchnet.")
        super().__init__(**kwargs)
        self.units = int(units)
        self.activation_name, self._act, self._act_backward = _activation(who, activation)
        self.use_bias = bool(use_bias)
        self.kernel_initializer, self.recurrent_initializer = kernel_initializer, recurrent_initializer
        self.bias_initializer = bias_initializer
        self._inits = [initializers.get(i) for i in (kernel_initializer, recurrent_initializer, bias_initializer)]
        found = {
            "kernel": regularizers.get(kernel_regularizer),
            "recurrent_kernel": regularizers.get(recurrent_regularizer),
            "bias": regularizers.get(bias_regularizer),
        }
        self.regularizers = {key: reg for key, reg in found.items() if reg is not None}
        self.dropout = _rate(who, "dropout", dropout)
        self.recurrent_dropout = _rate(who, "recurrent_dropout", recurrent_dropout)
        self.return_sequences, self.return_state = bool(return_sequences), False
        self.go_backwards, self.unroll, self.seed = bool(go_backwards), bool(unroll), seed

    # --- weights -------------------------------------------------------------------------------------------
    def _bias(self, rng) -> np.ndarray:
        return self._inits[2]((self.gates * self.units,), rng, self.dtype)

    def build(self, input_shape, rng, dtype):
        input_shape = tuple(input_shape)
        if len(input_shape) != 2:
            raise ValueError(
                f"{type(self).__name__} '{self.name}' expected sequences of shape (batch, timesteps, features). "
                f"Received: input_shape={(None, *input_shape)}. For a plain series of numbers add a features axis "
                "(x[..., None], or Reshape((T, 1))); for word indices put an Embedding first."
            )
        super().build(input_shape, rng, dtype)
        d, g = input_shape[1], self.gates * self.units
        self.params = {
            "kernel": self._inits[0]((d, g), rng, self.dtype),
            "recurrent_kernel": self._inits[1]((self.units, g), rng, self.dtype),
        }
        if self.use_bias:
            self.params["bias"] = self._bias(rng)
        self.grads = {key: np.zeros_like(p) for key, p in self.params.items()}
        self.rng = rng if self.seed is None else np.random.default_rng(self.seed)

    def compute_output_shape(self, input_shape):
        t = input_shape[0]
        return (t, self.units) if self.return_sequences else (self.units,)

    def _input_bias(self):
        return self.params["bias"] if self.use_bias else 0

    def compute_mask(self, mask):
        return mask if self.return_sequences else None  # a sequence out keeps its padding; a last state has none

    # --- the loop over time, forward -----------------------------------------------------------------------
    def forward(self, x, training=False):
        self._check_built("forward")
        if x.ndim != 3 or x.shape[2] != self.input_shape[1]:
            raise ValueError(
                f"{type(self).__name__} '{self.name}' expected inputs of shape (batch, timesteps, "
                f"{self.input_shape[1]}). Received: x.shape={x.shape}."
            )
        n, t_steps, _ = x.shape
        mask = getattr(self, "input_mask", None)
        if self.go_backwards:
            x = x[:, ::-1]
            mask = None if mask is None else mask[:, ::-1]
        self.mask = mask
        # Dropout masks, drawn once per batch and used at every step (Keras's "variational" dropout).
        self.keep_x = self._dropout_mask((n, 1, x.shape[2]), self.dropout, training, x.dtype)
        self.keep_h = self._dropout_mask((n, self.units), self.recurrent_dropout, training, x.dtype)
        self.x = x if self.keep_x is None else x * self.keep_x
        W, b = self.params["kernel"], self._input_bias()
        xw = self.x @ W + b  # (N, T, G): the input's share of every gate, for all steps in one matmul

        states = tuple(np.zeros((n, self.units), dtype=x.dtype) for _ in range(self.n_states))
        self.caches, outputs = [], np.empty((n, t_steps, self.units), dtype=x.dtype)
        for t in range(t_steps):
            h_mat = states[0] if self.keep_h is None else states[0] * self.keep_h
            new_states, cache = self._step(xw[:, t], states, h_mat)
            if mask is not None:  # a masked step carries the state over unchanged
                m = mask[:, t, None]
                new_states = tuple(np.where(m, new, old) for new, old in zip(new_states, states, strict=True))
            states = new_states
            self.caches.append(cache)
            outputs[:, t] = states[0]
        return outputs if self.return_sequences else states[0]

    def _dropout_mask(self, shape, rate, training, dtype):
        if not training or rate == 0:
            return None
        return (self.rng.random(shape, dtype=dtype) >= rate) * (1.0 / (1.0 - rate))

    # --- the same loop, backwards: backprop through time -----------------------------------------------------
    def backward(self, dy):
        n, t_steps, _ = self.x.shape
        if self.return_sequences:
            dout = dy
        else:  # only the last step's h was used: every other step gets its gradient through the carry alone
            dout = np.zeros((n, t_steps, self.units), dtype=dy.dtype)
            dout[:, -1] = dy
        U = self.params["recurrent_kernel"]
        dxw = np.empty((n, t_steps, U.shape[1]), dtype=dy.dtype)
        dU, dz_rec_sum = np.zeros_like(U), np.zeros(U.shape[1], dtype=dy.dtype)
        dstates = tuple(np.zeros((n, self.units), dtype=dy.dtype) for _ in range(self.n_states))  # the carry
        for t in reversed(range(t_steps)):
            dh = dstates[0] + dout[:, t]  # the carry from step t+1, plus the gradient from above at step t
            dstates = (dh, *dstates[1:])
            m = None if self.mask is None else self.mask[:, t, None]
            step_in = dstates if m is None else tuple(d * m for d in dstates)
            dxw[:, t], dz_rec, dprev = self._step_backward(step_in, self.caches[t])
            h_mat = self.caches[t]["h_mat"]
            dU += h_mat.T @ dz_rec  # U is shared by every step: its gradient sums over time
            dz_rec_sum += dz_rec.sum(axis=0)  # (GRU's second bias enters with h @ U)
            dh_mat = dz_rec @ U.T
            if self.keep_h is not None:
                dh_mat = dh_mat * self.keep_h
            dprev = (dprev[0] + dh_mat, *dprev[1:])
            if m is not None:  # a masked step passed its state through: so does its gradient
                dprev = tuple(dp + d * ~m for dp, d in zip(dprev, dstates, strict=True))
            dstates = dprev
        # The input's share, for all steps at once, as in the forward: W and b are shared by every step too.
        self.grads = {"kernel": np.tensordot(self.x, dxw, axes=([0, 1], [0, 1])), "recurrent_kernel": dU}
        if self.use_bias:
            self._bias_grad(dxw, dz_rec_sum)
        dx = dxw @ self.params["kernel"].T
        if self.keep_x is not None:
            dx = dx * self.keep_x
        return dx[:, ::-1] if self.go_backwards else dx

    def _bias_grad(self, dxw, dz_rec_sum) -> None:
        self.grads["bias"] = dxw.sum(axis=(0, 1))

    def get_config(self):
        return {
            **super().get_config(),
            "units": self.units,
            "activation": self.activation_name,
            "use_bias": self.use_bias,
            "kernel_initializer": initializers.serialize(self.kernel_initializer),
            "recurrent_initializer": initializers.serialize(self.recurrent_initializer),
            "bias_initializer": initializers.serialize(self.bias_initializer),
            "dropout": self.dropout,
            "recurrent_dropout": self.recurrent_dropout,
            "return_sequences": self.return_sequences,
            "go_backwards": self.go_backwards,
            "seed": self.seed,
            **{_REGULARIZER_ARGS[key]: regularizers.to_config(reg) for key, reg in self.regularizers.items()},
        }


class SimpleRNN(_Recurrent):
    """A fully connected recurrent layer, ``h_t = tanh(x_t @ W + h_{t-1} @ U + b)``: ``keras.layers.SimpleRNN``.

    At each step t = 0 .. T-1 forward, then t = T-1 down to 0 backward, with dh = dh_from_above_t + dh_carry:

    Forward:            z_t = x_t @ W + h_{t-1} @ U + b         x_t: (N, D)  W: (D, H)  U: (H, H)  b: (H,)
                        h_t = tanh(z_t)                          (N, H)   the output at t, and the state carried on
    Backward:           dz_t    = dh * (1 - h_t ** 2)            (N, H)   tanh' from its output h_t, not from z_t
                        dW     += x_t.T @ dz_t                   (D, H)   summed over the steps: W is shared by all
                        dU     += h_{t-1}.T @ dz_t               (H, H)
                        db     += dz_t.sum(axis=0)               (H,)
                        dx_t    = dz_t @ W.T                     (N, D)
                        dh_carry = dz_t @ U.T                    (N, H)   what step t sends back to step t-1

    Weights, in Keras's order: ``[kernel (D, H), recurrent_kernel (H, H), bias (H,)]``.

    Args:
        units: H, the size of the state.
        activation: the cell's activation (Keras's ``'tanh'``).
        return_sequences, go_backwards, dropout, recurrent_dropout: see :mod:`scratchnet.layers.recurrent`.
        kernel_initializer, recurrent_initializer, bias_initializer: Keras's ``'glorot_uniform'``,
            ``'orthogonal'``, ``'zeros'``.
    """

    def _step(self, xw_t, states, h_mat):
        h = self._act(xw_t + h_mat @ self.params["recurrent_kernel"])
        return (h,), {"h": h, "h_mat": h_mat}

    def _step_backward(self, dstates, cache):
        (dh,) = dstates
        dz = self._act_backward(dh, cache["h"])
        return dz, dz, (np.zeros_like(dh),)  # dxw_t, the gradient of h @ U, and nothing else to carry


class LSTM(_Recurrent):
    """Long short-term memory: a cell state c that gates decide to keep, write and show: ``keras.layers.LSTM``.

    At step t, the gate blocks in Keras's order i, f, c, o (columns [0:H], [H:2H], [2H:3H], [3H:4H]); backward,
    dh = from above + carried, and dc = carried from step t+1:

    Forward:   z   = x_t @ W + h_{t-1} @ U + b          W: (D, 4H)  U: (H, 4H)  b: (4H,)  ->  z: (N, 4H)
               i   = sigmoid(z_i)   f = sigmoid(z_f)   g = tanh(z_c)   o = sigmoid(z_o)      each (N, H)
               c_t = f * c_{t-1} + i * g                (N, H)   keep some of the old memory, write some new
               h_t = o * tanh(c_t)                      (N, H)   show some of it
    Backward:  dc   = dc + dh * o * (1 - tanh(c_t) ** 2)
               do   = dh * tanh(c_t)      di = dc * g      dg = dc * i      df = dc * c_{t-1}
               dz   = [di * i (1 - i), df * f (1 - f), dg * (1 - g ** 2), do * o (1 - o)]      (N, 4H)
               dW  += x_t.T @ dz     dU += h_{t-1}.T @ dz     db += dz.sum(axis=0)        summed over time
               dx_t = dz @ W.T       dh_carry = dz @ U.T      dc_carry = dc * f

    The cell state's gradient flows back through ``dc * f`` alone, multiplied by the forget gate and no weight
    matrix: that is why an LSTM remembers longer than a SimpleRNN.

    Weights, in Keras's order: ``[kernel (D, 4H), recurrent_kernel (H, 4H), bias (4H,)]``.

    Args:
        units: H.
        activation: for g and tanh(c) (Keras's ``'tanh'``); recurrent_activation: for i, f, o (``'sigmoid'``).
        unit_forget_bias: start the forget gate's bias at 1 (Keras's default True), so the cell keeps its memory
            at first.
        return_sequences, go_backwards, dropout, recurrent_dropout, initializers: as :class:`SimpleRNN`.
    """

    gates = 4
    n_states = 2

    def __init__(self, units: int, activation="tanh", recurrent_activation="sigmoid", unit_forget_bias=True, **kw):
        super().__init__(units, activation=activation, **kw)
        self.recurrent_activation, self._ract, self._ract_backward = _activation("LSTM", recurrent_activation)
        self.unit_forget_bias = bool(unit_forget_bias)

    def _bias(self, rng):
        b = super()._bias(rng)
        if self.unit_forget_bias:
            b[self.units : 2 * self.units] = 1
        return b

    def _step(self, xw_t, states, h_mat):
        _, c_prev = states  # h_{t-1} enters through h_mat (after recurrent dropout)
        H = self.units
        z = xw_t + h_mat @ self.params["recurrent_kernel"]
        i, f, o = self._ract(z[:, :H]), self._ract(z[:, H : 2 * H]), self._ract(z[:, 3 * H :])
        g = self._act(z[:, 2 * H : 3 * H])
        c = f * c_prev + i * g
        tc = self._act(c)
        h = o * tc
        return (h, c), {"i": i, "f": f, "g": g, "o": o, "c_prev": c_prev, "tc": tc, "h_mat": h_mat}

    def _step_backward(self, dstates, cache):
        dh, dc = dstates
        i, f, g, o, tc = cache["i"], cache["f"], cache["g"], cache["o"], cache["tc"]
        dc = dc + self._act_backward(dh * o, tc)
        do, di, dg, df = dh * tc, dc * g, dc * i, dc * cache["c_prev"]
        dz = np.concatenate(
            [
                self._ract_backward(di, i),
                self._ract_backward(df, f),
                self._act_backward(dg, g),
                self._ract_backward(do, o),
            ],
            axis=1,
        )
        return dz, dz, (np.zeros_like(dh), dc * f)

    def get_config(self):
        return {
            **super().get_config(),
            "recurrent_activation": self.recurrent_activation,
            "unit_forget_bias": self.unit_forget_bias,
        }


class GRU(_Recurrent):
    """Gated recurrent unit, Keras 3's default form (``reset_after=True``): ``keras.layers.GRU``.

    At step t, gate blocks in Keras's order z, r, h; two biases, one for the input and one for the state; backward,
    dh = from above + carried:

    Forward:   xz  = x_t @ W + b[0]              hz = h_{t-1} @ U + b[1]       W: (D, 3H)  U: (H, 3H)  b: (2, 3H)
               z   = sigmoid(xz_z + hz_z)        r = sigmoid(xz_r + hz_r)      update and reset gates, (N, H)
               hh  = tanh(xz_h + r * hz_h)       (N, H)   the candidate: the reset gate scales the state's share
               h_t = z * h_{t-1} + (1 - z) * hh  (N, H)   z keeps the old state, 1 - z takes the candidate
    Backward:  dhh = dh * (1 - z)     da_h = dhh * (1 - hh ** 2)      dr = da_h * hz_h
               da_z = dh * (h_{t-1} - hh) * z (1 - z)                  da_r = dr * r (1 - r)
               dxz = [da_z, da_r, da_h]          dhz = [da_z, da_r, da_h * r]          (N, 3H) each
               dW += x_t.T @ dxz    dU += h_{t-1}.T @ dhz    db[0] += dxz.sum(0)    db[1] += dhz.sum(0)
               dx_t = dxz @ W.T     dh_carry = dhz @ U.T + dh * z

    Weights, in Keras's order: ``[kernel (D, 3H), recurrent_kernel (H, 3H), bias (2, 3H)]``.

    Args:
        units: H.
        activation: for the candidate (``'tanh'``); recurrent_activation: for z and r (``'sigmoid'``).
        reset_after: only True (Keras 3's default, and cuDNN's form) is implemented.
        return_sequences, go_backwards, dropout, recurrent_dropout, initializers: as :class:`SimpleRNN`.
    """

    gates = 3

    def __init__(self, units: int, activation="tanh", recurrent_activation="sigmoid", reset_after=True, **kw):
        if not reset_after:
            raise ValueError(
                "GRU: only reset_after=True (Keras 3's default: the reset gate multiplies h @ U, bias (2, 3H)) is "
                "implemented in scratchnet. Received: reset_after=False."
            )
        super().__init__(units, activation=activation, **kw)
        self.recurrent_activation, self._ract, self._ract_backward = _activation("GRU", recurrent_activation)
        self.reset_after = True

    def _bias(self, rng):
        return self._inits[2]((2, 3 * self.units), rng, self.dtype)

    def _input_bias(self):
        return self.params["bias"][0] if self.use_bias else 0

    def _step(self, xw_t, states, h_mat):
        (h_prev,) = states
        H = self.units
        hz = h_mat @ self.params["recurrent_kernel"]
        if self.use_bias:
            hz = hz + self.params["bias"][1]
        z = self._ract(xw_t[:, :H] + hz[:, :H])
        r = self._ract(xw_t[:, H : 2 * H] + hz[:, H : 2 * H])
        hh = self._act(xw_t[:, 2 * H :] + r * hz[:, 2 * H :])
        h = z * h_prev + (1 - z) * hh
        return (h,), {"z": z, "r": r, "hh": hh, "hz_h": hz[:, 2 * H :], "h_prev": h_prev, "h_mat": h_mat}

    def _step_backward(self, dstates, cache):
        (dh,) = dstates
        z, r, hh = cache["z"], cache["r"], cache["hh"]
        da_h = self._act_backward(dh * (1 - z), hh)
        da_z = self._ract_backward(dh * (cache["h_prev"] - hh), z)
        da_r = self._ract_backward(da_h * cache["hz_h"], r)
        dxz = np.concatenate([da_z, da_r, da_h], axis=1)
        dhz = np.concatenate([da_z, da_r, da_h * r], axis=1)
        return dxz, dhz, (dh * z,)

    def _bias_grad(self, dxw, dz_rec_sum) -> None:
        # b[0] enters with the input's share (summed after the loop), b[1] with the state's (summed in it).
        self.grads["bias"] = np.stack([dxw.sum(axis=(0, 1)), dz_rec_sum])

    def get_config(self):
        return {**super().get_config(), "recurrent_activation": self.recurrent_activation, "reset_after": True}

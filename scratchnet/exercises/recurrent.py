"""The backprop-through-time exercises of lesson 9: a SimpleRNN step forward and backward, the whole loop over
time backward, and an LSTM step forward (Keras's gate order).

- ``rnn_step_forward(x, h_prev, Wx, Wh, b) -> h``:  h = tanh(x @ Wx + h_prev @ Wh + b)
- ``rnn_step_backward(dh, x, h_prev, Wx, Wh, h) -> (dx, dh_prev, dWx, dWh, db)``
- ``rnn_backward(dh_all, x, h0, Wx, Wh, b) -> (dx, dh0, dWx, dWh, db)``: dh_all (N, T, H) is the gradient from
  above at every step (as after ``SimpleRNN(return_sequences=True)``)
- ``lstm_step_forward(x, h_prev, c_prev, W, U, b) -> (h, c)``: gates in Keras's order i, f, c, o

The references run scratchnet's own :class:`~scratchnet.layers.recurrent.SimpleRNN` and
:class:`~scratchnet.layers.recurrent.LSTM` in float64 (an initial state h0 is fed as an extra first step, see
``_rnn_reference``); the independent answers are finite differences of the forward written here. The classic
slips are named: tanh's derivative taken of the wrong value, the missing carry of dh to the previous step, and
the shared weights' gradients not summed over time.
"""

from __future__ import annotations

import numpy as np

from scratchnet.exercises._core import Exercise, numeric_gradient, register
from scratchnet.layers.recurrent import LSTM, SimpleRNN


def _sizes(rng, count) -> list[int]:
    return [int(s) for s in rng.choice(np.arange(2, 8), size=count, replace=False)]


def _step(x, h_prev, Wx, Wh, b):
    return np.tanh(x @ Wx + h_prev @ Wh + b)


def _run(x, h0, Wx, Wh, b):
    """The forward over time, from its definition: every step's h, (N, T, H)."""
    h, hs = h0, []
    for t in range(x.shape[1]):
        h = _step(x[:, t], h, Wx, Wh, b)
        hs.append(h)
    return np.stack(hs, axis=1)


def _simple_rnn(Wx, Wh, b) -> SimpleRNN:
    layer = SimpleRNN(Wh.shape[0], return_sequences=True, name="reference")
    layer.build((1, Wx.shape[0]), np.random.default_rng(0), np.float64)
    layer.params = {"kernel": Wx.copy(), "recurrent_kernel": Wh.copy(), "bias": b.copy()}
    return layer


# --- one step forward -----------------------------------------------------------------------------------------
def _step_inputs(rng):
    n, d, h = _sizes(rng, 3)
    return {
        "x": rng.normal(size=(n, d)),
        "h_prev": np.tanh(rng.normal(size=(n, h))),
        "Wx": rng.normal(size=(d, h)) / np.sqrt(d),
        "Wh": rng.normal(size=(h, h)) / np.sqrt(h),
        "b": rng.normal(size=h) * 0.5,
    }


def _step_reference(i):
    layer = _simple_rnn(i["Wx"], i["Wh"], i["b"])
    # SimpleRNN starts from h = 0; one step from h_prev is the step whose input share already holds h_prev @ Wh.
    xw = i["x"] @ i["Wx"] + i["b"]
    (h,), _ = layer._step(xw, (i["h_prev"],), i["h_prev"])
    return h


register(
    Exercise(
        name="rnn_step_forward",
        args=("x", "h_prev", "Wx", "Wh", "b"),
        outputs=("h",),
        make_inputs=_step_inputs,
        reference=lambda i: (_step_reference(i),),
        mistakes=[
            ("forgot to add the bias b.", lambda i: (np.tanh(i["x"] @ i["Wx"] + i["h_prev"] @ i["Wh"]),)),
            (
                "forgot the previous state: h_prev @ Wh is what makes the layer recurrent.",
                lambda i: (np.tanh(i["x"] @ i["Wx"] + i["b"]),),
            ),
            (
                "used the sigmoid: SimpleRNN's activation is tanh, whose outputs are centred on 0.",
                lambda i: (1 / (1 + np.exp(-(i["x"] @ i["Wx"] + i["h_prev"] @ i["Wh"] + i["b"]))),),
            ),
        ],
        hints={"raised": "x is (N, D), Wx (D, H), h_prev (N, H), Wh (H, H), b (H,): h is (N, H)."},
        description="One SimpleRNN step: h = tanh(x @ Wx + h_prev @ Wh + b), x (N, D), h_prev (N, H) -> h (N, H).",
    )
)


# --- one step backward ----------------------------------------------------------------------------------------
def _step_backward_inputs(rng):
    i = _step_inputs(rng)
    i["h"] = _step(i["x"], i["h_prev"], i["Wx"], i["Wh"], i["b"])
    i["dh"] = rng.standard_normal(i["h"].shape)
    return i


def _step_grads(i, dz):
    return dz @ i["Wx"].T, dz @ i["Wh"].T, i["x"].T @ dz, i["h_prev"].T @ dz, dz.sum(axis=0)


def _step_backward_numeric(i):
    x, h_prev, Wx, Wh, b, dh = (i[k].copy() for k in ("x", "h_prev", "Wx", "Wh", "b", "dh"))

    def loss():
        return float(np.sum(_step(x, h_prev, Wx, Wh, b) * dh))

    return tuple(numeric_gradient(loss, a) for a in (x, h_prev, Wx, Wh, b))


TANH_RULE = "tanh's derivative at z is 1 - tanh(z)**2, and tanh(z) is the step's output h: dz = dh * (1 - h**2)."

register(
    Exercise(
        name="rnn_step_backward",
        args=("dh", "x", "h_prev", "Wx", "Wh", "h"),
        outputs=("dx", "dh_prev", "dWx", "dWh", "db"),
        make_inputs=_step_backward_inputs,
        reference=lambda i: _step_grads(i, i["dh"] * (1 - i["h"] ** 2)),
        numeric=_step_backward_numeric,
        upstream="dh",
        mistakes=[
            (
                "took tanh's derivative of the wrong value: 1 - tanh(h)**2 applies tanh twice. " + TANH_RULE,
                lambda i: _step_grads(i, i["dh"] * (1 - np.tanh(i["h"]) ** 2)),
            ),
            (
                "took tanh's derivative at h_prev, the previous step's output: " + TANH_RULE,
                lambda i: _step_grads(i, i["dh"] * (1 - i["h_prev"] ** 2)),
            ),
            (
                "skipped tanh's derivative: dz = dh * (1 - h**2) comes before the matmuls.",
                lambda i: _step_grads(i, i["dh"]),
            ),
        ],
        description=(
            "The backward of h = tanh(x @ Wx + h_prev @ Wh + b): given dh = dL/dh and the step's values, return "
            "dx, dh_prev, dWx, dWh, db."
        ),
    )
)


# --- the loop over time, backward ---------------------------------------------------------------------------
def _rnn_inputs(rng):
    n, d, h = _sizes(rng, 3)
    t = int(rng.integers(3, 6))
    return {
        "dh_all": rng.standard_normal((n, t, h)),
        "x": rng.normal(size=(n, t, d)),
        "h0": np.tanh(rng.normal(size=(n, h))),
        "Wx": rng.normal(size=(d, h)) / np.sqrt(d),
        "Wh": rng.normal(size=(h, h)) / np.sqrt(h),
        "b": rng.normal(size=h) * 0.5,
    }


def _rnn_reference(i):
    """scratchnet's SimpleRNN, with h0 fed as an extra first step: an input that makes tanh(...) equal h0.

    A SimpleRNN starts from h = 0. Prepending a step whose input share is arctanh(h0) (through an identity block
    of an extended kernel) makes its state h0 after that step; the gradient reaching that step's input is then
    dh0 * (1 - h0**2), which is divided back out.
    """
    x, h0, Wx, Wh, b = i["x"], i["h0"], i["Wx"], i["Wh"], i["b"]
    n, t, d = x.shape
    h = Wh.shape[0]
    # Extended inputs: [x_t, e_t] where e is arctanh(h0) - b at step 0 only, and the kernel [[Wx], [I]].
    ext = np.zeros((n, t + 1, d + h))
    ext[:, 1:, :d] = x
    ext[:, 0, d:] = np.arctanh(h0) - b
    layer = _simple_rnn(np.vstack([Wx, np.eye(h)]), Wh, b)
    layer.forward(ext)
    dout = np.concatenate([np.zeros((n, 1, h)), i["dh_all"]], axis=1)
    dext = layer.backward(dout)
    dz0 = dext[:, 0, d:]  # dz at the extra step (the identity block passes it through) = dh0 * (1 - h0**2)
    dh0 = dz0 / (1 - h0**2)
    g = layer.grads  # the extra step added dz0 to db (and nothing to dWx or dWh): take it out
    dWx = g["kernel"][:d]
    dWh = g["recurrent_kernel"]  # step 0 saw h = 0: it added nothing to dWh
    db = g["bias"] - dz0.sum(axis=0)
    return dext[:, 1:, :d], dh0, dWx, dWh, db


def _rnn_numeric(i):
    x, h0, Wx, Wh, b, dh_all = (i[k].copy() for k in ("x", "h0", "Wx", "Wh", "b", "dh_all"))

    def loss():
        return float(np.sum(_run(x, h0, Wx, Wh, b) * dh_all))

    return tuple(numeric_gradient(loss, a) for a in (x, h0, Wx, Wh, b))


def _rnn_backward(i, carry=True, accumulate=True, upstream_each_step=True):
    """Backprop through time written out, with switches for the classic slips."""
    x, h0, Wx, Wh, b, dh_all = (i[k] for k in ("x", "h0", "Wx", "Wh", "b", "dh_all"))
    hs = _run(x, h0, Wx, Wh, b)
    t_steps = x.shape[1]
    dx = np.zeros_like(x)
    dWx, dWh, db = np.zeros_like(Wx), np.zeros_like(Wh), np.zeros_like(b)
    dh_next = np.zeros_like(h0)
    for t in reversed(range(t_steps)):
        from_above = dh_all[:, t] if (upstream_each_step or t == t_steps - 1) else 0.0
        dh = from_above + (dh_next if carry else 0.0)
        h_prev = hs[:, t - 1] if t > 0 else h0
        dz = dh * (1 - hs[:, t] ** 2)
        dx[:, t] = dz @ Wx.T
        if accumulate:
            dWx, dWh, db = dWx + x[:, t].T @ dz, dWh + h_prev.T @ dz, db + dz.sum(axis=0)
        else:
            dWx, dWh, db = x[:, t].T @ dz, h_prev.T @ dz, dz.sum(axis=0)
        dh_next = dz @ Wh.T
    return dx, dh_next, dWx, dWh, db


register(
    Exercise(
        name="rnn_backward",
        args=("dh_all", "x", "h0", "Wx", "Wh", "b"),
        outputs=("dx", "dh0", "dWx", "dWh", "db"),
        make_inputs=_rnn_inputs,
        reference=_rnn_reference,
        numeric=_rnn_numeric,
        upstream="dh_all",
        mistakes=[
            (
                "dropped the carry: each step's h also feeds the next step, so the gradient at step t is "
                "dh_all[:, t] + dh_next, where dh_next = dz_{t+1} @ Wh.T came back from step t+1.",
                lambda i: _rnn_backward(i, carry=False),
            ),
            (
                "did not sum the weights' gradients over time: Wx, Wh and b are shared by every step, so "
                "dWx += x_t.T @ dz_t (and likewise dWh, db) at each step, not =.",
                lambda i: _rnn_backward(i, accumulate=False),
            ),
            (
                "used the gradient from above at the last step only: every step's output is used (dh_all is "
                "(N, T, H)), so add dh_all[:, t] at each step.",
                lambda i: _rnn_backward(i, upstream_each_step=False),
            ),
        ],
        description=(
            "Backprop through time for a SimpleRNN run from h0 over x (N, T, D), every step's h used: given "
            "dh_all (N, T, H), return dx (N, T, D), dh0 (N, H), dWx, dWh, db. Loop over t from T-1 down to 0."
        ),
    )
)


# --- an LSTM step forward -------------------------------------------------------------------------------------
def _lstm_inputs(rng):
    n, d, h = _sizes(rng, 3)
    return {
        "x": rng.normal(size=(n, d)),
        "h_prev": np.tanh(rng.normal(size=(n, h))),
        "c_prev": rng.normal(size=(n, h)),
        "W": rng.normal(size=(d, 4 * h)) / np.sqrt(d),
        "U": rng.normal(size=(h, 4 * h)) / np.sqrt(h),
        "b": rng.normal(size=4 * h) * 0.5,
    }


def _lstm_reference(i):
    layer = LSTM(i["U"].shape[0], name="reference")
    layer.build((1, i["W"].shape[0]), np.random.default_rng(0), np.float64)
    layer.params = {"kernel": i["W"], "recurrent_kernel": i["U"], "bias": i["b"]}
    (h, c), _ = layer._step(i["x"] @ i["W"] + i["b"], (i["h_prev"], i["c_prev"]), i["h_prev"])
    return h, c


def _sig(z):
    return 1 / (1 + np.exp(-z))


def _lstm_order(i, order="ifco", tanh_c=True):
    z = i["x"] @ i["W"] + i["h_prev"] @ i["U"] + i["b"]
    blocks = dict(zip(order, np.split(z, 4, axis=1), strict=True))
    gi, gf, g, go = _sig(blocks["i"]), _sig(blocks["f"]), np.tanh(blocks["c"]), _sig(blocks["o"])
    c = gf * i["c_prev"] + gi * g
    return go * (np.tanh(c) if tanh_c else c), c


register(
    Exercise(
        name="lstm_step_forward",
        args=("x", "h_prev", "c_prev", "W", "U", "b"),
        outputs=("h", "c"),
        make_inputs=_lstm_inputs,
        reference=_lstm_reference,
        mistakes=[
            (
                "took the gates in the order i, f, o, g (CS231n's): Keras's kernel columns are i, f, c (the "
                "candidate g), o, each H wide.",
                lambda i: _lstm_order(i, order="ifoc"),
            ),
            ("forgot the tanh in h = o * tanh(c).", lambda i: _lstm_order(i, tanh_c=False)),
        ],
        description=(
            "One LSTM step, Keras's gate order: z = x @ W + h_prev @ U + b split into i, f, c, o (each (N, H)); "
            "i, f, o = sigmoid, g = tanh; c = f * c_prev + i * g; h = o * tanh(c). Return (h, c)."
        ),
    )
)

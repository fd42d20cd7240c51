"""The exercises of lesson 10, "Build the tape yourself": local derivatives, then the backward pass of a tape.

A tape needs, for each op, its *local* derivative: given ``dz`` (∂L/∂z, shaped like the op's output), the gradient
of each input. Those are the first exercises (``mul_backward``, ``matmul_backward``, ``add_backward`` with a
broadcast bias, ``sum_backward``, ``exp_backward``, ``log_backward``); the reference answers are the ones
:mod:`scratchnet.tape` uses. The last one, ``backward_pass``, plays a whole recorded tape back: reverse order,
accumulating where a value is used twice.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from scratchnet.exercises._core import Exercise, numeric_gradient, register


def _sizes(rng, count: int) -> list[int]:
    return [int(s) for s in rng.choice(np.arange(3, 10), size=count, replace=False)]


def _fd(forward, inputs: dict, names: tuple[str, ...], dz: np.ndarray) -> tuple:
    """Finite differences of L = sum(forward(**inputs) * dz) with respect to each of ``names``."""
    values = {k: v.copy() for k, v in inputs.items() if not k.startswith("_") and k != "dz"}
    return tuple(numeric_gradient(lambda: float(np.sum(forward(**values) * dz)), values[n]) for n in names)


# --- z = x * y --------------------------------------------------------------------------------------------------


def _mul_inputs(rng):
    n, d = _sizes(rng, 2)
    return {"dz": rng.standard_normal((n, d)), "x": rng.standard_normal((n, d)), "y": rng.standard_normal((n, d))}


register(
    Exercise(
        name="mul_backward",
        args=("dz", "x", "y"),
        outputs=("dx", "dy"),
        make_inputs=_mul_inputs,
        reference=lambda i: (i["dz"] * i["y"], i["dz"] * i["x"]),
        numeric=lambda i: _fd(lambda x, y: x * y, i, ("x", "y"), i["dz"]),
        upstream="dz",
        mistakes=[
            (
                "swapped the two: z = x * y changes with x at the rate y (and with y at the rate x), so "
                "dx = dz * y and dy = dz * x.",
                lambda i: (i["dz"] * i["x"], i["dz"] * i["y"]),
            )
        ],
        description="z = x * y elementwise, x, y, dz: (N, D). Return (dx, dy).",
    )
)

# --- z = x @ W --------------------------------------------------------------------------------------------------


def _matmul_inputs(rng):
    n, d, m = _sizes(rng, 3)
    return {"dz": rng.standard_normal((n, m)), "x": rng.standard_normal((n, d)), "W": rng.standard_normal((d, m))}


register(
    Exercise(
        name="matmul_backward",
        args=("dz", "x", "W"),
        outputs=("dx", "dW"),
        make_inputs=_matmul_inputs,
        reference=lambda i: (i["dz"] @ i["W"].T, i["x"].T @ i["dz"]),
        numeric=lambda i: _fd(lambda x, W: x @ W, i, ("x", "W"), i["dz"]),
        upstream="dz",
        hints={
            "transposed:dW": "dW has W's shape (D, M): x.T @ dz is (D, N) @ (N, M).",
            "transposed:dx": "dx has x's shape (N, D): dz @ W.T is (N, M) @ (M, D).",
            "raised": "Write each shape beside the line: the inner sizes of a matrix product must meet.",
        },
        description="z = x @ W, x: (N, D), W: (D, M), dz: (N, M). Return (dx, dW), shaped like x and W.",
    )
)

# --- z = x + b, b broadcast over the rows -----------------------------------------------------------------------


def _add_inputs(rng):
    n, m = _sizes(rng, 2)
    return {"dz": rng.standard_normal((n, m)), "x": rng.standard_normal((n, m)), "b": rng.standard_normal(m)}


register(
    Exercise(
        name="add_backward",
        args=("dz", "x", "b"),
        outputs=("dx", "db"),
        make_inputs=_add_inputs,
        reference=lambda i: (i["dz"], i["dz"].sum(axis=0)),
        numeric=lambda i: _fd(lambda x, b: x + b, i, ("x", "b"), i["dz"]),
        upstream="dz",
        factors=lambda i: {"N": i["dz"].shape[0]},
        hints={
            "over:N": "b was added to every one of the N rows, so each row's gradient counts in full: the sum of "
            "the rows, dz.sum(axis=0), not their mean.",
        },
        description="z = x + b with x, dz: (N, M) and b: (M,) broadcast over the rows. Return (dx, db).",
    )
)

# --- z = x.sum(axis=1) --------------------------------------------------------------------------------------------


def _sum_inputs(rng):
    n, d = _sizes(rng, 2)
    return {"dz": rng.standard_normal(n), "x": rng.standard_normal((n, d))}


register(
    Exercise(
        name="sum_backward",
        args=("dz", "x"),
        outputs=("dx",),
        make_inputs=_sum_inputs,
        reference=lambda i: (np.broadcast_to(i["dz"][:, None], i["x"].shape),),
        numeric=lambda i: _fd(lambda x: x.sum(axis=1), i, ("x",), i["dz"]),
        upstream="dz",
        hints={
            "size:dx": "dx has x's shape (N, D): each x[i, j] entered z[i] once, with weight 1, so "
            "dx[i, j] = dz[i]. dz[:, None] * np.ones_like(x) builds it.",
            "raised": "dz has shape (N,), one number per row: make it a column, dz[:, None], so that it broadcasts "
            "along each row of x.",
        },
        description="z = x.sum(axis=1), x: (N, D), dz: (N,). Return dx, shaped like x.",
    )
)

# --- z = exp(x), from the output; z = log(x) ----------------------------------------------------------------------


def _exp_inputs(rng):
    n, d = _sizes(rng, 2)
    x = rng.standard_normal((n, d))
    return {"dz": rng.standard_normal((n, d)), "z": np.exp(x), "_x": x}


register(
    Exercise(
        name="exp_backward",
        args=("dz", "z"),
        outputs=("dx",),
        make_inputs=_exp_inputs,
        reference=lambda i: (i["dz"] * i["z"],),
        numeric=lambda i: _fd(lambda x: np.exp(x), {"x": i["_x"]}, ("x",), i["dz"]),
        upstream="dz",
        mistakes=[
            (
                "took exp of the output again: the derivative of exp(x) is exp(x), which is z itself, so dx = dz * z.",
                lambda i: (i["dz"] * np.exp(i["z"]),),
            ),
            ("used log(z), which is x: the derivative of exp is exp, dx = dz * z.", lambda i: (i["dz"] * i["_x"],)),
        ],
        description="z = exp(x), elementwise; you get the OUTPUT z (what the tape keeps). Return dx.",
    )
)


def _log_inputs(rng):
    n, d = _sizes(rng, 2)
    return {"dz": rng.standard_normal((n, d)), "x": rng.uniform(0.5, 3.0, (n, d))}


register(
    Exercise(
        name="log_backward",
        args=("dz", "x"),
        outputs=("dx",),
        make_inputs=_log_inputs,
        reference=lambda i: (i["dz"] / i["x"],),
        numeric=lambda i: _fd(lambda x: np.log(x), i, ("x",), i["dz"]),
        upstream="dz",
        mistakes=[
            ("multiplied by x: the derivative of log(x) is 1 / x, so dx = dz / x.", lambda i: (i["dz"] * i["x"],)),
            ("multiplied by log(x): the derivative of log(x) is 1 / x.", lambda i: (i["dz"] * np.log(i["x"]),)),
            ("divided by x squared: d log(x)/dx = 1 / x, once.", lambda i: (i["dz"] / i["x"] ** 2,)),
        ],
        description="z = log(x), elementwise, x > 0. Return dx.",
    )
)

# --- the backward pass of a whole tape ------------------------------------------------------------------------------


@dataclass
class Entry:
    """One line of a tape: ``values[out] = op(values[ins[0]], ...)``, and its local derivative.

    ``backward(dout)`` returns one gradient per input, in the order of ``ins``.
    """

    out: int
    op: str
    ins: tuple[int, ...]
    backward: object

    def __repr__(self) -> str:
        return f"v{self.out} = {self.op}({', '.join(f'v{i}' for i in self.ins)})"


_OPS = {
    "add": (lambda a, b: a + b, lambda a, b: lambda d: (d, d)),
    "mul": (lambda a, b: a * b, lambda a, b: lambda d: (d * b, d * a)),
    "sub": (lambda a, b: a - b, lambda a, b: lambda d: (d, -d)),
    "tanh": (np.tanh, lambda a: lambda d: (d * (1 - np.tanh(a) ** 2),)),
    "exp": (np.exp, lambda a: lambda d: (d * np.exp(a),)),
}


def _evaluate(spec, leaves, override=None):
    values = list(leaves)
    for _, op, ins in spec:
        values.append(_OPS[op][0](*(values[i] for i in ins)))
        if override and len(values) - 1 in override:
            values[-1] = override[len(values) - 1]
    return values


def _tape_inputs(rng):
    """Three leaves, then 5 to 7 ops on earlier values, each value used at least once; the last one is the loss."""
    leaves = [float(v) for v in rng.uniform(-1, 1, 3)]
    spec = []
    n = 3 + int(rng.integers(5, 8))
    for out in range(3, n):
        op = str(rng.choice(["add", "mul", "sub", "tanh", "exp", "mul"]))
        arity = 1 if op in ("tanh", "exp") else 2
        # use the newest value, so the graph is one connected chain with branches (and some values used twice)
        ins = (out - 1, int(rng.integers(0, out))) if arity == 2 else (out - 1,)
        spec.append((out, op, ins))
    values = _evaluate(spec, leaves)
    entries = [
        Entry(out, op, ins, _OPS[op][1](*(values[i] for i in ins)))
        for out, op, ins in spec  # the tape, in the order the ops ran
    ]
    return {"entries": entries, "n_values": len(values), "_spec": spec, "_leaves": leaves}


def _reverse_pass(entries, n_values, reverse=True, accumulate=True):
    grads = np.zeros(n_values)
    grads[n_values - 1] = 1.0
    for entry in reversed(entries) if reverse else entries:
        for i, g in zip(entry.ins, entry.backward(grads[entry.out]), strict=True):
            grads[i] = grads[i] + g if accumulate else g
    return grads


def _tape_numeric(i):
    spec, leaves, n = i["_spec"], i["_leaves"], i["n_values"]
    values = _evaluate(spec, leaves)
    out = np.zeros(n)
    for k in range(n):

        def loss(v, k=k):
            if k < 3:
                changed = list(leaves)
                changed[k] = v
                return _evaluate(spec, changed)[-1]
            return _evaluate(spec, leaves, {k: v})[-1]

        out[k] = (loss(values[k] + 1e-6) - loss(values[k] - 1e-6)) / 2e-6
    return (out,)


register(
    Exercise(
        name="backward_pass",
        args=("entries", "n_values"),
        outputs=("grads",),
        make_inputs=_tape_inputs,
        reference=lambda i: (_reverse_pass(i["entries"], i["n_values"]),),
        numeric=_tape_numeric,
        mistakes=[
            (
                "went through the tape in the order the ops ran: the gradient of an op's output is complete only "
                "after every op that USED it has handed its share down, so walk the entries in reverse.",
                lambda i: (_reverse_pass(i["entries"], i["n_values"], reverse=False),),
            ),
            (
                "overwrote a gradient instead of adding to it: a value used by two ops gets a share from each, "
                "grads[i] += g (the multivariable chain rule sums over every path).",
                lambda i: (_reverse_pass(i["entries"], i["n_values"], accumulate=False),),
            ),
            (
                "returned all zeros: start with grads[loss] = 1 (dL/dL), the loss being the last value.",
                lambda i: (np.zeros(i["n_values"]),),
            ),
        ],
        cases=4,
        description="entries: the tape, in the order the ops ran (each has out, ins and backward(dout) -> one "
        "gradient per input); the loss is value n_values - 1. Return grads (n_values,): dL/dv for every value.",
    )
)

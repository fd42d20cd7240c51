"""The exercises of lessons 1 to 4: reading predictions, activations, Dense, softmax and its losses, dropout.

Each one is an :class:`~scratchnet.exercises._core.Exercise`: random float64 inputs (shapes drawn so that N, D and
M differ, and inputs kept away from kinks), the reference answer taken from scratchnet itself, an independent
finite-difference answer for every gradient, and the mistakes learners make, with what to say about them.
"""

from __future__ import annotations

import numpy as np

from scratchnet import nn
from scratchnet.exercises._core import Exercise, numeric_gradient, register

BROADCAST_HINT = (
    "If NumPy could not broadcast two shapes, a sum probably lost its axis: keepdims=True keeps it. If a matrix "
    "product failed, write the shape of every array beside the line and make the inner sizes meet."
)


def _sizes(rng, count: int) -> list[int]:
    """``count`` different sizes in [3, 9]: N, D, M never coincide, so a transpose or a wrong axis shows."""
    return [int(s) for s in rng.choice(np.arange(3, 10), size=count, replace=False)]


def _away_from_zero(rng, shape, margin: float = 0.1) -> np.ndarray:
    """Normal numbers with |x| >= margin: ReLU's kink at 0 would spoil the finite differences."""
    x = rng.standard_normal(shape)
    return np.where(x >= 0, x + margin, x - margin)


def _fd_of_sum(forward, x: np.ndarray, dy: np.ndarray) -> np.ndarray:
    """Finite differences of L = sum(forward(x) * dy) with respect to x: the dx a backward must return."""
    x = x.copy()
    return numeric_gradient(lambda: float(np.sum(forward(x) * dy)), x)


def _onehot(y: np.ndarray, classes: int) -> np.ndarray:
    out = np.zeros((len(y), classes))
    out[np.arange(len(y)), y] = 1.0
    return out


# --- lesson 1: reading predictions ------------------------------------------------------------------------------
def _probabilities(rng):
    n, c = _sizes(rng, 2)
    return {"probabilities": nn.softmax(3 * rng.standard_normal((n, c)))}


register(
    Exercise(
        name="predicted_classes",
        args=("probabilities",),
        outputs=("labels",),
        make_inputs=_probabilities,
        reference=lambda i: (np.argmax(i["probabilities"], axis=1),),
        mistakes=[
            (
                "took the argmax down each column (axis=0), over the examples: each ROW is one example, so "
                "np.argmax(probabilities, axis=1).",
                lambda i: (np.argmax(i["probabilities"], axis=0),),
            ),
            (
                "returned the highest probability itself; the class is its position: np.argmax, not np.max.",
                lambda i: (np.max(i["probabilities"], axis=1),),
            ),
        ],
        hints={
            "scalar": "np.argmax without an axis flattens the (N, C) array and returns ONE index into all N*C "
            "numbers; np.argmax(probabilities, axis=1) gives one class per row.",
        },
        description="The predicted class of each example: probabilities (N, C) from model.predict -> labels (N,).",
    )
)


# --- activations ------------------------------------------------------------------------------------------------
def _activation_inputs(forward, scale: float = 1.0):
    def make(rng):
        n, c = _sizes(rng, 2)
        x = _away_from_zero(rng, (n, c)) * scale
        return {"dy": rng.standard_normal((n, c)), "y": forward(x), "_x": x}

    return make


register(
    Exercise(
        name="relu_backward",
        args=("dy", "y"),
        outputs=("dx",),
        make_inputs=_activation_inputs(nn.relu),
        reference=lambda i: (i["dy"] * (i["y"] > 0),),
        numeric=lambda i: (_fd_of_sum(nn.relu, i["_x"], i["dy"]),),
        upstream="dy",
        mistakes=[
            (
                "used (y >= 0): y is exactly 0 wherever the unit was off, so that lets every gradient through; "
                "the gradient stops where y == 0: dy * (y > 0).",
                lambda i: (i["dy"] * (i["y"] >= 0),),
            ),
            (
                "the mask is the wrong way round: the gradient flows where the unit was ON (y > 0) and stops where "
                "it was off: dy * (y > 0).",
                lambda i: (i["dy"] * (i["y"] <= 0),),
            ),
            (
                "multiplied by y: ReLU's slope is 1 where the unit is on and 0 where it is off, a mask, not y: "
                "dy * (y > 0).",
                lambda i: (i["dy"] * i["y"],),
            ),
            (
                "applied ReLU to dy: whether the gradient passes depends on the unit (y > 0), not on the sign of "
                "dy: dy * (y > 0).",
                lambda i: (np.maximum(i["dy"], 0),),
            ),
        ],
        description="y = max(x, 0). Given dy = ∂L/∂y and the output y, return dx = ∂L/∂x, same shape.",
    )
)

register(
    Exercise(
        name="sigmoid_backward",
        args=("dy", "y"),
        outputs=("dx",),
        make_inputs=_activation_inputs(nn.sigmoid, scale=2.0),
        reference=lambda i: (i["dy"] * i["y"] * (1 - i["y"]),),
        numeric=lambda i: (_fd_of_sum(nn.sigmoid, i["_x"], i["dy"]),),
        upstream="dy",
        mistakes=[
            (
                "applied the sigmoid again: y already is sigmoid(x), so dx = dy * y * (1 - y).",
                lambda i: (i["dy"] * nn.sigmoid(i["y"]) * (1 - nn.sigmoid(i["y"])),),
            ),
            (
                "that is tanh's derivative (1 - y * y); sigmoid's is y * (1 - y).",
                lambda i: (i["dy"] * (1 - i["y"] ** 2),),
            ),
            ("forgot the factor (1 - y): sigmoid's slope is y * (1 - y).", lambda i: (i["dy"] * i["y"],)),
            ("forgot the factor y: sigmoid's slope is y * (1 - y).", lambda i: (i["dy"] * (1 - i["y"]),)),
        ],
        factors=lambda i: {"N": len(i["y"])},
        hints={
            "sign": "sigmoid grows everywhere, so dx has dy's sign: y * (1 - y), not y * (y - 1).",
            "over:N": "An activation's backward never divides by the batch size: the 1/N is already in dy.",
        },
        description="y = 1 / (1 + exp(-x)). Given dy and the output y, return dx.",
    )
)


# --- Dense ----------------------------------------------------------------------------------------------------------
def _dense_inputs(rng):
    n, d, m = _sizes(rng, 3)
    return {
        "x": rng.standard_normal((n, d)),
        "W": rng.standard_normal((d, m)),
        "b": rng.standard_normal(m),
        "dz": rng.standard_normal((n, m)),
    }


register(
    Exercise(
        name="dense_forward",
        args=("x", "W", "b"),
        outputs=("z",),
        make_inputs=_dense_inputs,
        reference=lambda i: (i["x"] @ i["W"] + i["b"],),
        mistakes=[
            ("forgot to add the bias b.", lambda i: (i["x"] @ i["W"],)),
            ("subtracted the bias: z = x @ W + b.", lambda i: (i["x"] @ i["W"] - i["b"],)),
            (
                "added b.sum(), one number, to every entry: b has one entry per unit, added to its column; "
                "broadcasting does it: x @ W + b.",
                lambda i: (i["x"] @ i["W"] + i["b"].sum(),),
            ),
        ],
        hints={"raised": "x is (N, D) and W is (D, M): z = x @ W + b is (N, M)."},
        description="z = x @ W + b for a batch x of shape (N, D), W (D, M), b (M,).",
    )
)


def _dense_numeric(i):
    x, w, dz = i["x"].copy(), i["W"].copy(), i["dz"]
    b = np.zeros(w.shape[1])

    def loss():
        return float(np.sum((x @ w + b) * dz))

    return numeric_gradient(loss, x), numeric_gradient(loss, w), numeric_gradient(loss, b)


register(
    Exercise(
        name="dense_backward",
        args=("x", "W", "dz"),
        outputs=("dx", "dW", "db"),
        make_inputs=_dense_inputs,
        reference=lambda i: (i["dz"] @ i["W"].T, i["x"].T @ i["dz"], i["dz"].sum(axis=0)),
        numeric=_dense_numeric,
        upstream="dz",
        factors=lambda i: {"N": len(i["x"])},
        hints={
            "over:N": "Layers never divide by the batch size: the 1/N of the mean is already inside dz "
            "(the loss's backward put it there).",
            "transposed:dW": "dW has W's shape (D, M): dW = x.T @ dz.",
            "transposed:dx": "dx has x's shape (N, D): dx = dz @ W.T.",
            "shape:db": "db has b's shape (M,): dz.sum(axis=0), without keepdims=True.",
            "raised": BROADCAST_HINT,
        },
        description="Backward of z = x @ W + b: given dz = ∂L/∂z (N, M), return dx (N, D), dW (D, M), db (M,).",
    )
)


# --- softmax, cross-entropy, MSE --------------------------------------------------------------------------------
NAIVE_SOFTMAX = (
    "exp(z) overflowed: the first row has logits near 1000 and exp(1000) is inf, so that row is inf / inf = NaN: "
    "subtract each row's max first: softmax(z) = softmax(z - max(z)) because the factor cancels."
)
GLOBAL_MAX_SOFTMAX = (
    "subtracted the max of the whole batch, z.max(), not each row's: the rows far below the first one (near "
    "1000) then underflow, exp(-1000) = 0 on the whole row, and 0 / 0 = NaN. Subtract "
    "z.max(axis=-1, keepdims=True)."
)


def _naive_softmax(z):
    e = np.exp(z)
    return e / e.sum(axis=-1, keepdims=True)


def _whole_sum_softmax(z):
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum()


def _half_shifted_softmax(z):
    return np.exp(z - z.max(axis=-1, keepdims=True)) / np.exp(z).sum(axis=-1, keepdims=True)


def _global_max_softmax(z):
    e = np.exp(z - z.max())
    return e / e.sum(axis=-1, keepdims=True)


def _logits(rng):
    n, c = _sizes(rng, 2)
    z = rng.standard_normal((n, c)) * 2
    z[0] += 1000.0  # a row whose exp overflows unless the row max is subtracted first
    return {"z": z}


register(
    Exercise(
        name="softmax",
        args=("z",),
        outputs=("p",),
        make_inputs=_logits,
        reference=lambda i: (nn.softmax(i["z"]),),
        mistakes=[
            (
                "normalized over axis 0 (the batch): each ROW is one example and must sum to 1, so sum over "
                "axis=-1 with keepdims=True.",
                lambda i: (nn.softmax(i["z"], axis=0),),
            ),
            (NAIVE_SOFTMAX, lambda i: (_naive_softmax(i["z"]),)),
            (
                "divided by the sum of the whole array: each ROW must sum to 1, so sum over axis=-1 with "
                "keepdims=True.",
                lambda i: (_whole_sum_softmax(i["z"]),),
            ),
            (
                "subtracted the row max in the numerator only: the same shift must go into the sum below, "
                "e = np.exp(z - z.max(axis=-1, keepdims=True)); e / e.sum(axis=-1, keepdims=True).",
                lambda i: (_half_shifted_softmax(i["z"]),),
            ),
            (GLOBAL_MAX_SOFTMAX, lambda i: (_global_max_softmax(i["z"]),)),
        ],
        factors=lambda i: {"N": len(i["z"])},
        hints={
            "over:N": "Each row should sum to 1; yours sum to 1/N: divided by the sum of the whole array? Sum over "
            "axis=-1 with keepdims=True.",
            "nan": "NaN or inf where a row should sum to 1: exp overflowed (inf / inf) or underflowed to 0 on a "
            "whole row (0 / 0). Subtract each row's own max: z - z.max(axis=-1, keepdims=True).",
            "raised": BROADCAST_HINT,
        },
        description="p = exp(z) / sum(exp(z)) along each row of z (N, C), computed without overflow.",
    )
)


def _softmax_inputs(rng):
    n, c = _sizes(rng, 2)
    x = rng.standard_normal((n, c))
    return {"dy": rng.standard_normal((n, c)), "p": nn.softmax(x), "_x": x}


register(
    Exercise(
        name="softmax_backward",
        args=("dy", "p"),
        outputs=("dz",),
        make_inputs=_softmax_inputs,
        reference=lambda i: (nn.softmax_backward(i["dy"], i["p"]),),
        numeric=lambda i: (_fd_of_sum(nn.softmax, i["_x"], i["dy"]),),
        upstream="dy",
        mistakes=[
            (
                "kept only the diagonal of the Jacobian (dy * p * (1 - p)). Every output of softmax depends on "
                "every input: dz = p * (dy - (dy * p).sum(axis=-1, keepdims=True)).",
                lambda i: (i["dy"] * i["p"] * (1 - i["p"]),),
            ),
            (
                "summed dy * p over the whole batch: the sum belongs to each row, (dy * p).sum(axis=-1, "
                "keepdims=True).",
                lambda i: (i["p"] * (i["dy"] - (i["dy"] * i["p"]).sum()),),
            ),
            (
                "forgot `dy` and kept only the diagonal: p * (1 - p) is the slope of one probability against its "
                "own logit. The chain rule multiplies the upstream dy in, and every output depends on every "
                "input: dz = p * (dy - (dy * p).sum(axis=-1, keepdims=True)).",
                lambda i: (i["p"] * (1 - i["p"]),),
            ),
            (
                "the sum inside is of dy * p, not of p (p sums to 1 on every row, so that is p * (dy - 1)): "
                "dz = p * (dy - (dy * p).sum(axis=-1, keepdims=True)).",
                lambda i: (i["p"] * (i["dy"] - 1.0),),
            ),
            (
                "summed dy * p down the columns (axis 0, over the batch): the sum belongs to each row, "
                "(dy * p).sum(axis=-1, keepdims=True).",
                lambda i: (i["p"] * (i["dy"] - (i["dy"] * i["p"]).sum(axis=0, keepdims=True)),),
            ),
            (
                "forgot `dy` in the first term: dz = p * (dy - (dy * p).sum(axis=-1, keepdims=True)), with dy "
                "where you wrote 1.",
                lambda i: (i["p"] * (1.0 - (i["dy"] * i["p"]).sum(axis=-1, keepdims=True)),),
            ),
        ],
        factors=lambda i: {"N": len(i["p"])},
        hints={
            "raised": BROADCAST_HINT,
            "over:N": "softmax's backward has no 1/N: the mean over the batch belongs to the loss, whose backward "
            "already put it into dy. Divide nowhere here.",
            "times:N": "softmax's backward has no factor N: dz = p * (dy - (dy * p).sum(axis=-1, keepdims=True)).",
        },
        description="Backward of p = softmax(z) along rows: given dy = ∂L/∂p and p, return dz (N, C).",
    )
)


def _ce_inputs(rng):
    n, c = _sizes(rng, 2)
    z = rng.standard_normal((n, c)) * 2
    z[0] += 1000.0  # large logits: a softmax that does not subtract the row max overflows here
    return {"z": z, "y": rng.integers(0, c, size=n)}


def _ce_numeric(i):
    # The gradient does not change when a row is shifted: differentiate the shifted logits, whose finite
    # differences are not spoiled by rounding 1000 + h.
    z, y = i["z"] - i["z"].max(axis=1, keepdims=True), i["y"]

    def loss():
        return float(-np.mean(np.log(nn.softmax(z)[np.arange(len(y)), y])))

    return (numeric_gradient(loss, z),)


def _ce_every_row(i):
    p = nn.softmax(i["z"])
    if len(set(i["y"].tolist())) == p.shape[1]:
        return (None,)  # y holds every class: then this slip is p - 1, which the next mistake names
    p[:, i["y"]] -= 1  # the slip itself, with NumPy's meaning of it (a repeated label is subtracted once)
    return (p / len(i["y"]),)


register(
    Exercise(
        name="softmax_crossentropy_backward",
        args=("z", "y"),
        outputs=("dz",),
        make_inputs=_ce_inputs,
        reference=lambda i: ((nn.softmax(i["z"]) - _onehot(i["y"], i["z"].shape[1])) / len(i["y"]),),
        numeric=_ce_numeric,
        factors=lambda i: {"N": len(i["y"]), "C": i["z"].shape[1]},
        mistakes=[
            (
                "used the logits z where the probabilities belong: dz = (softmax(z) - onehot(y)) / N.",
                lambda i: ((i["z"] - _onehot(i["y"], i["z"].shape[1])) / len(i["y"]),),
            ),
            (
                "returned dL/dp, the loss's gradient with respect to the probabilities, -onehot(y) / (N p). The "
                "exercise asks for dL/dz: through the softmax it becomes (p - onehot(y)) / N.",
                lambda i: (-_onehot(i["y"], i["z"].shape[1]) / (len(i["y"]) * nn.softmax(i["z"])),),
            ),
            (
                "p[:, y] -= 1 subtracts 1 in the columns y[0], y[1], ... of EVERY row. Take one entry per row, "
                "the label's: p[np.arange(N), y] -= 1.",
                _ce_every_row,
            ),
            (
                "subtracted 1 from every entry (p - 1, or p[:, y] -= 1 when y holds every class): only the label's "
                "entry of each row gets the -1, p[np.arange(N), y] -= 1.",
                lambda i: ((nn.softmax(i["z"]) - 1.0) / len(i["y"]),),
            ),
            (
                "your softmax " + NAIVE_SOFTMAX[0].lower() + NAIVE_SOFTMAX[1:],
                lambda i: ((_naive_softmax(i["z"]) - _onehot(i["y"], i["z"].shape[1])) / len(i["y"]),),
            ),
            (
                "your softmax " + GLOBAL_MAX_SOFTMAX,
                lambda i: ((_global_max_softmax(i["z"]) - _onehot(i["y"], i["z"].shape[1])) / len(i["y"]),),
            ),
        ],
        hints={
            "nan": "NaN or inf: the softmax inside overflowed or underflowed (the first row has logits near 1000). "
            "Subtract each row's own max before exp, as in the softmax exercise.",
            "over:N": "Divided by the batch size twice? The loss is the mean over N examples: one 1/N.",
            "times:N": "Forgot to divide by the batch size N: the loss is the mean over the batch.",
            "over:C": "Divided by N * C, every entry: the mean runs over the N examples only (each example's loss "
            "is already one number).",
            "sign": "dz = (p - onehot(y)) / N: the probabilities minus the one-hot labels.",
            "raised": "y holds integer labels (N,), not one-hot rows: build onehot(y) with "
            "onehot[np.arange(N), y] = 1, or subtract 1 from p[np.arange(N), y].",
        },
        description="Mean cross-entropy of softmax(z) (N, C) against integer labels y (N,); return dz = ∂L/∂z.",
    )
)


def _mse_inputs(rng):
    n, d = _sizes(rng, 2)
    return {"y_true": rng.standard_normal((n, d)), "y_pred": rng.standard_normal((n, d))}


def _mse_numeric(i):
    y, p = i["y_true"], i["y_pred"].copy()
    return (numeric_gradient(lambda: float(np.mean((p - y) ** 2)), p),)


register(
    Exercise(
        name="mse_backward",
        args=("y_true", "y_pred"),
        outputs=("dy_pred",),
        make_inputs=_mse_inputs,
        reference=lambda i: (2.0 * (i["y_pred"] - i["y_true"]) / i["y_pred"].size,),
        numeric=_mse_numeric,
        factors=lambda i: {
            "N": i["y_pred"].shape[0],
            "D": i["y_pred"].shape[1],
            "N*D": i["y_pred"].size,
            "N*D/2": i["y_pred"].size / 2,
        },
        mistakes=[
            (
                "returned the squared errors (y_pred - y_true)**2 / (N*D), the loss's terms: the gradient is "
                "their derivative, 2 * (y_pred - y_true) / (N*D).",
                lambda i: ((i["y_pred"] - i["y_true"]) ** 2 / i["y_pred"].size,),
            ),
        ],
        hints={
            "over:2": "The derivative of (p - y)**2 is 2 * (p - y): the 2 is missing.",
            "times:D": "Divided by N only: the mean runs over all N*D entries (as Keras's MSE does).",
            "times:N": "Divided by D only: the mean runs over all N*D entries.",
            "times:N*D": "Forgot to divide by the number of entries N*D: the loss is a mean.",
            "times:N*D/2": "Forgot both the 2 of the square's derivative and the 1/(N*D) of the mean.",
            "sign": "The loss grows when y_pred moves away from y_true: 2 * (y_pred - y_true) / (N*D).",
        },
        description="L = mean((y_pred - y_true)**2) over every entry of (N, D); return ∂L/∂y_pred.",
    )
)


# --- dropout ----------------------------------------------------------------------------------------------------
def _dropout_inputs(rng):
    n, d = _sizes(rng, 2)
    rate = float(rng.uniform(0.2, 0.6))
    mask = rng.random((n, d)) >= rate
    mask[0, 0], mask[0, 1] = True, False  # both kinds, whatever the draw
    return {"dy": rng.standard_normal((n, d)), "mask": mask, "rate": rate, "_x": rng.standard_normal((n, d))}


register(
    Exercise(
        name="dropout_backward",
        args=("dy", "mask", "rate"),
        outputs=("dx",),
        make_inputs=_dropout_inputs,
        reference=lambda i: (i["dy"] * i["mask"] / (1.0 - i["rate"]),),
        numeric=lambda i: (_fd_of_sum(lambda x: x * i["mask"] / (1.0 - i["rate"]), i["_x"], i["dy"]),),
        upstream="dy",
        factors=lambda i: {"1 - rate": 1.0 - i["rate"], "(1 - rate)**2": (1.0 - i["rate"]) ** 2},
        mistakes=[
            (
                "divided by rate: forward scaled the kept units by 1 / (1 - rate).",
                lambda i: (i["dy"] * i["mask"] / i["rate"],),
            ),
            ("forgot the mask: a dropped unit passes no gradient back.", lambda i: (i["dy"] / (1.0 - i["rate"]),)),
            (
                "let the gradient through the DROPPED units: mask is True where a unit was kept, so dy * mask "
                "(not ~mask).",
                lambda i: (i["dy"] * ~i["mask"] / (1.0 - i["rate"]),),
            ),
        ],
        hints={
            "times:1 - rate": "Forgot the scale: forward multiplied the kept units by 1 / (1 - rate), "
            "so backward does too.",
            "over:1 - rate": "Divided by (1 - rate) twice?",
            "times:(1 - rate)**2": "Multiplied by (1 - rate): forward divided the kept units by it, so backward "
            "divides too: dy * mask / (1 - rate).",
        },
        description="Inverted dropout y = x * mask / (1 - rate) (mask: bool, True = kept); return dx from dy.",
    )
)

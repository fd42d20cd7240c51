"""The batch-normalization exercises of lesson 8: the training forward and the one-line backward.

- ``batchnorm_forward(x, gamma, beta, eps) -> y``: x (N, D), the batch's own mean and (biased) variance.
- ``batchnorm_backward(dy, x, gamma, eps) -> (dx, dgamma, dbeta)``.

The references run scratchnet's own :class:`~scratchnet.layers.batch_normalization.BatchNormalization` in float64
(training mode); the independent answers are finite differences of the forward written here. The classic slips
are named: the unbiased variance (N - 1), the wrong axis (per example instead of per feature), epsilon outside
the square root, and in the backward the forgotten mean term, the mean and variance treated as constants.
"""

from __future__ import annotations

import numpy as np

from scratchnet.exercises._core import Exercise, numeric_gradient, register
from scratchnet.layers.batch_normalization import BatchNormalization


def _sizes(rng) -> tuple[int, int]:
    n, d = (int(s) for s in rng.choice(np.arange(4, 10), size=2, replace=False))
    return n, d


def _bn(x, gamma, beta, eps, axis=0, ddof=0, eps_inside=True):
    """The forward written from its definition (for the finite differences and the wrong answers)."""
    mu = x.mean(axis=axis, keepdims=True)
    var = x.var(axis=axis, ddof=ddof, keepdims=True)
    std = np.sqrt(var + eps) if eps_inside else np.sqrt(var) + eps
    return gamma * (x - mu) / std + beta


def _layer(i) -> BatchNormalization:
    layer = BatchNormalization(epsilon=i["eps"], name="reference")
    layer.build(i["x"].shape[1:], np.random.default_rng(0), np.float64)
    layer.params["gamma"][...] = i["gamma"]
    layer.params["beta"][...] = i.get("beta", np.zeros_like(i["gamma"]))
    return layer


def _forward_inputs(rng):
    n, d = _sizes(rng)
    return {
        "x": rng.normal(size=(n, d)) * rng.uniform(0.5, 3, d) + rng.uniform(-2, 2, d),
        "gamma": rng.uniform(0.5, 2.0, d),
        "beta": rng.normal(size=d),
        "eps": 1e-3,
    }


register(
    Exercise(
        name="batchnorm_forward",
        args=("x", "gamma", "beta", "eps"),
        outputs=("y",),
        make_inputs=_forward_inputs,
        reference=lambda i: (_layer(i).forward(i["x"], training=True),),
        mistakes=[
            (
                "used the unbiased variance (divided by N - 1, np.var(ddof=1)): batch normalization divides by N, "
                "the variance of the batch itself (Keras and the paper do).",
                lambda i: (_bn(i["x"], i["gamma"], i["beta"], i["eps"], ddof=1),),
            ),
            (
                "normalized each example over its features (axis=1): that is layer normalization. Batch "
                "normalization normalizes each feature over the batch: mean and variance along axis=0, shape (D,).",
                lambda i: (_bn(i["x"], i["gamma"], i["beta"], i["eps"], axis=1),),
            ),
            (
                "added epsilon outside the square root: it goes with the variance, sqrt(var + eps).",
                lambda i: (_bn(i["x"], i["gamma"], i["beta"], i["eps"], eps_inside=False),),
            ),
            (
                "forgot epsilon: sqrt(var + eps), so a feature that is constant in the batch does not divide by 0.",
                lambda i: (_bn(i["x"], i["gamma"], i["beta"], 0.0),),
            ),
        ],
        hints={"raised": "x is (N, D); mu and var are (D,): x.mean(axis=0), x.var(axis=0)."},
        description=(
            "BatchNormalization's training forward on x (N, D): mu = x.mean(0), var = x.var(0) (biased), "
            "xhat = (x - mu) / sqrt(var + eps), y = gamma * xhat + beta."
        ),
    )
)


def _backward_inputs(rng):
    i = _forward_inputs(rng)
    del i["beta"]
    i["dy"] = rng.standard_normal(i["x"].shape)
    return i


def _reference_backward(i):
    layer = _layer(i)
    layer.forward(i["x"], training=True)
    dx = layer.backward(i["dy"].copy())
    return dx, layer.grads["gamma"], layer.grads["beta"]


def _numeric_backward(i):
    x, gamma, beta, dy = i["x"].copy(), i["gamma"].copy(), np.zeros_like(i["gamma"]), i["dy"]

    def loss():
        return float(np.sum(_bn(x, gamma, beta, i["eps"]) * dy))

    return numeric_gradient(loss, x), numeric_gradient(loss, gamma), numeric_gradient(loss, beta)


def _parts(i):
    x, eps = i["x"], i["eps"]
    inv_std = 1.0 / np.sqrt(x.var(axis=0) + eps)
    xhat = (x - x.mean(axis=0)) * inv_std
    dxhat = i["dy"] * i["gamma"]
    return xhat, dxhat, inv_std


def _with_dx(i, dx):
    xhat, _, _ = _parts(i)
    return dx, (i["dy"] * xhat).sum(axis=0), i["dy"].sum(axis=0)


def _no_mean_term(i):
    xhat, dxhat, inv_std = _parts(i)
    return _with_dx(i, inv_std * (dxhat - xhat * (dxhat * xhat).mean(axis=0)))


def _no_variance_term(i):
    _, dxhat, inv_std = _parts(i)
    return _with_dx(i, inv_std * (dxhat - dxhat.mean(axis=0)))


def _constant_statistics(i):
    _, dxhat, inv_std = _parts(i)
    return _with_dx(i, dxhat * inv_std)


def _unbiased_backward(i):
    """The right one-line formula, with inv_std and xhat computed from the unbiased variance (N - 1)."""
    x, n = i["x"], len(i["x"])
    inv_std = 1.0 / np.sqrt(x.var(axis=0, ddof=1) + i["eps"])
    xhat = (x - x.mean(axis=0)) * inv_std
    dxhat = i["dy"] * i["gamma"]
    dx = inv_std / n * (n * dxhat - dxhat.sum(0) - xhat * (dxhat * xhat).sum(0))
    return dx, (i["dy"] * xhat).sum(axis=0), i["dy"].sum(axis=0)


def _per_example_sums(i):
    dx, _, _ = _reference_backward(i)
    xhat, _, _ = _parts(i)
    return dx, (i["dy"] * xhat).sum(axis=1), i["dy"].sum(axis=1)


register(
    Exercise(
        name="batchnorm_backward",
        args=("dy", "x", "gamma", "eps"),
        outputs=("dx", "dgamma", "dbeta"),
        make_inputs=_backward_inputs,
        reference=_reference_backward,
        numeric=_numeric_backward,
        upstream="dy",
        factors=lambda i: {"N": len(i["x"])},
        mistakes=[
            (
                "dx forgot the mean term, -mean(dxhat): mu depends on every x, so moving one x moves the mean "
                "and with it every xhat of its feature. dx = inv_std * (dxhat - dxhat.mean(0) - xhat * "
                "(dxhat * xhat).mean(0)).",
                _no_mean_term,
            ),
            (
                "dx forgot the variance term, -xhat * mean(dxhat * xhat): var depends on every x too.",
                _no_variance_term,
            ),
            (
                "treated the mean and variance as constants (dx = dy * gamma / std): in training they are "
                "computed from this very batch, so dx has two more terms (through mu and through var).",
                _constant_statistics,
            ),
            (
                "used the unbiased variance (N - 1) somewhere: the forward divides by N, so the backward does too.",
                _unbiased_backward,
            ),
            (
                "summed dgamma and dbeta over the features (axis=1): gamma and beta are shared by the batch, so "
                "their gradients sum over the examples, axis=0, shape (D,).",
                _per_example_sums,
            ),
        ],
        hints={
            "over:N": "Divided by N once too often? The one-line form has inv_std / N in front of N * dxhat - ...",
            "times:N": "Forgot the 1 / N? mean(...) is sum(...) / N.",
        },
        description=(
            "BatchNormalization's training backward on x (N, D): given dy, x, gamma and eps, return dx, dgamma, "
            "dbeta. Through the graph x -> mu -> var -> xhat -> y, or the one-line form "
            "dx = inv_std / N * (N * dxhat - dxhat.sum(0) - xhat * (dxhat * xhat).sum(0)), dxhat = dy * gamma."
        ),
    )
)

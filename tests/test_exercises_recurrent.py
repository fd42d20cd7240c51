"""The exercises of lessons 8 and 9 (batch normalization, backprop through time): right answers pass, and each
classic mistake is named in the report.

The right answers here are written from the definitions, independently of scratchnet's layers: batch
normalization through its computation graph (CS231n's staged backward), the RNN step and its loop over time with
the carry, the LSTM step in Keras's gate order. Each wrong answer is a slip learners make.
"""

from __future__ import annotations

import numpy as np
import pytest

from scratchnet import exercises


def batchnorm_forward(x, gamma, beta, eps):
    mu = x.mean(axis=0)
    var = ((x - mu) ** 2).mean(axis=0)
    return gamma * (x - mu) / np.sqrt(var + eps) + beta


def batchnorm_backward(dy, x, gamma, eps):
    """Through the graph, stage by stage (mu, xmu, var, std, inv, xhat), as CS231n's batchnorm_backward."""
    n = x.shape[0]
    mu = x.mean(axis=0)
    xmu = x - mu
    var = (xmu**2).mean(axis=0)
    std = np.sqrt(var + eps)
    inv = 1 / std
    xhat = xmu * inv
    dgamma, dbeta = (dy * xhat).sum(axis=0), dy.sum(axis=0)
    dxhat = dy * gamma
    dinv = (dxhat * xmu).sum(axis=0)
    dxmu = dxhat * inv
    dstd = -dinv / std**2
    dvar = dstd / (2 * std)
    dxmu += 2 * xmu * dvar / n
    dmu = -dxmu.sum(axis=0)
    return dxmu + dmu / n, dgamma, dbeta


def rnn_step_forward(x, h_prev, Wx, Wh, b):
    return np.tanh(x @ Wx + h_prev @ Wh + b)


def rnn_step_backward(dh, x, h_prev, Wx, Wh, h):
    dz = dh * (1 - h**2)
    return dz @ Wx.T, dz @ Wh.T, x.T @ dz, h_prev.T @ dz, dz.sum(axis=0)


def rnn_backward(dh_all, x, h0, Wx, Wh, b, carry=True, accumulate=True):
    t_steps = x.shape[1]
    hs, h = [], h0
    for t in range(t_steps):
        h = rnn_step_forward(x[:, t], h, Wx, Wh, b)
        hs.append(h)
    dx = np.zeros_like(x)
    dWx, dWh, db = np.zeros_like(Wx), np.zeros_like(Wh), np.zeros_like(b)
    dnext = np.zeros_like(h0)
    for t in reversed(range(t_steps)):
        prev = hs[t - 1] if t else h0
        dxt, dprev, dWxt, dWht, dbt = rnn_step_backward(dh_all[:, t] + (dnext if carry else 0), x[:, t], prev, Wx,
                                                         Wh, hs[t])  # fmt: skip
        dx[:, t] = dxt
        if accumulate:
            dWx, dWh, db = dWx + dWxt, dWh + dWht, db + dbt
        else:
            dWx, dWh, db = dWxt, dWht, dbt
        dnext = dprev
    return dx, dnext, dWx, dWh, db


def _sig(z):
    return 1 / (1 + np.exp(-z))


def lstm_step_forward(x, h_prev, c_prev, W, U, b, order="ifco"):
    z = x @ W + h_prev @ U + b
    g = dict(zip(order, np.split(z, 4, axis=1), strict=True))
    c = _sig(g["f"]) * c_prev + _sig(g["i"]) * np.tanh(g["c"])
    return _sig(g["o"]) * np.tanh(c), c


RIGHT = {
    "batchnorm_forward": batchnorm_forward,
    "batchnorm_backward": batchnorm_backward,
    "rnn_step_forward": rnn_step_forward,
    "rnn_step_backward": rnn_step_backward,
    "rnn_backward": rnn_backward,
    "lstm_step_forward": lstm_step_forward,
}


@pytest.mark.parametrize("name", sorted(RIGHT))
@pytest.mark.parametrize("seed", [0, 7])
def test_a_right_answer_passes(name, seed):
    report = exercises.check(name, RIGHT[name], seed=seed)
    assert report.passed, str(report)


def test_the_one_line_batchnorm_backward_passes_too():
    def one_line(dy, x, gamma, eps):
        n = len(x)
        inv = 1 / np.sqrt(x.var(axis=0) + eps)
        xhat = (x - x.mean(axis=0)) * inv
        dxhat = dy * gamma
        dx = inv / n * (n * dxhat - dxhat.sum(0) - xhat * (dxhat * xhat).sum(0))
        return dx, (dy * xhat).sum(0), dy.sum(0)

    assert exercises.check("batchnorm_backward", one_line).passed


def _no_mean_term(dy, x, gamma, eps):
    dx, dgamma, dbeta = batchnorm_backward(dy, x, gamma, eps)
    inv = 1 / np.sqrt(x.var(axis=0) + eps)
    return dx + (dy * gamma).mean(axis=0) * inv, dgamma, dbeta


def _constant_stats(dy, x, gamma, eps):
    _, dgamma, dbeta = batchnorm_backward(dy, x, gamma, eps)
    return dy * gamma / np.sqrt(x.var(axis=0) + eps), dgamma, dbeta


MISTAKES = [
    ("batchnorm_forward", lambda x, g, b, eps: g * (x - x.mean(0)) / np.sqrt(x.var(0, ddof=1) + eps) + b, "N - 1"),
    (
        "batchnorm_forward",
        lambda x, g, b, eps: g * (x - x.mean(1, keepdims=True)) / np.sqrt(x.var(1, keepdims=True) + eps) + b,
        "layer normalization",
    ),
    ("batchnorm_forward", lambda x, g, b, eps: g * (x - x.mean(0)) / (x.std(0) + eps) + b, "outside the square"),
    ("batchnorm_backward", _no_mean_term, "forgot the mean term"),
    ("batchnorm_backward", _constant_stats, "as constants"),
    ("rnn_step_forward", lambda x, h, Wx, Wh, b: np.tanh(x @ Wx + b), "forgot the previous state"),
    (
        "rnn_step_backward",
        lambda dh, x, hp, Wx, Wh, h: rnn_step_backward(dh, x, hp, Wx, Wh, np.tanh(h)),
        "derivative of the wrong value",
    ),
    ("rnn_step_backward", lambda dh, x, hp, Wx, Wh, h: rnn_step_backward(dh, x, hp, Wx, Wh, hp), "at h_prev"),
    ("rnn_backward", lambda *a: rnn_backward(*a, carry=False), "dropped the carry"),
    ("rnn_backward", lambda *a: rnn_backward(*a, accumulate=False), "not sum the weights' gradients over time"),
    ("lstm_step_forward", lambda *a: lstm_step_forward(*a, order="ifoc"), "i, f, o, g"),
]


@pytest.mark.parametrize(("name", "wrong", "words"), MISTAKES)
def test_each_classic_mistake_is_named(name, wrong, words):
    report = exercises.check(name, wrong)
    assert not report.passed
    assert any(words in problem for problem in report.problems), str(report)

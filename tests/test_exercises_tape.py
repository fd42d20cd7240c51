"""The tape exercises (lesson 10): right answers pass, and each classic mistake is named in the report.

The right answers are written from the definitions, independently of scratchnet.tape; each wrong one is a slip
learners make, and the test asserts the words the report uses for it.
"""

from __future__ import annotations

import numpy as np
import pytest

from scratchnet import exercises


def backward_pass(entries, n_values):
    grads = [0.0] * n_values
    grads[-1] = 1.0
    for entry in entries[::-1]:
        for i, g in zip(entry.ins, entry.backward(grads[entry.out]), strict=True):
            grads[i] += g
    return np.array(grads)


RIGHT = {
    "mul_backward": lambda dz, x, y: (dz * y, dz * x),
    "matmul_backward": lambda dz, x, W: (dz @ W.T, x.T @ dz),
    "add_backward": lambda dz, x, b: (dz, dz.sum(axis=0)),
    "sum_backward": lambda dz, x: dz[:, None] * np.ones_like(x),
    "exp_backward": lambda dz, z: dz * z,
    "log_backward": lambda dz, x: dz / x,
    "backward_pass": backward_pass,
}


def forward_order(entries, n_values):
    grads = np.zeros(n_values)
    grads[-1] = 1.0
    for entry in entries:
        for i, g in zip(entry.ins, entry.backward(grads[entry.out]), strict=True):
            grads[i] += g
    return grads


def overwrite(entries, n_values):
    grads = np.zeros(n_values)
    grads[-1] = 1.0
    for entry in reversed(entries):
        for i, g in zip(entry.ins, entry.backward(grads[entry.out]), strict=True):
            grads[i] = g
    return grads


MISTAKES = [
    ("mul_backward", lambda dz, x, y: (dz * x, dz * y), "returned dy in the place of dx"),
    ("mul_backward", lambda dz, x, y: (y, x), "forgot to multiply by `dz`"),
    ("matmul_backward", lambda dz, x, W: (dz @ W.T, dz.T @ x), "dW: transposed"),
    ("matmul_backward", lambda dz, x, W: (W @ dz, x.T @ dz), "raised ValueError"),
    ("add_backward", lambda dz, x, b: (dz, dz.mean(axis=0)), "not their mean"),
    ("add_backward", lambda dz, x, b: (dz, dz), "returned dx in the place of db"),
    ("sum_backward", lambda dz, x: dz * np.ones_like(x), "make it a column, dz[:, None]"),
    ("sum_backward", lambda dz, x: np.ones_like(x), "forgot to multiply by `dz`"),
    ("exp_backward", lambda dz, z: dz * np.exp(z), "took exp of the output again"),
    ("log_backward", lambda dz, x: dz * x, "multiplied by x"),
    ("log_backward", lambda dz, x: dz / x**2, "divided by x squared"),
    ("backward_pass", forward_order, "walk the entries in reverse"),
    ("backward_pass", overwrite, "overwrote a gradient instead of adding to it"),
    ("backward_pass", lambda entries, n: np.zeros(n), "start with grads[loss] = 1"),
]


@pytest.mark.parametrize("name", sorted(RIGHT))
def test_a_right_answer_passes(name):
    report = exercises.check(name, RIGHT[name])
    assert report.passed, str(report)
    assert exercises.check(name, RIGHT[name], seed=7).passed


@pytest.mark.parametrize(("name", "fn", "named"), MISTAKES, ids=[f"{m[0]}-{m[2][:24]}" for m in MISTAKES])
def test_each_mistake_is_named(name, fn, named):
    report = exercises.check(name, fn)
    assert not report.passed
    assert named in " ".join(report.problems), str(report)


def test_the_tape_shows_itself_readably():
    inputs = exercises.get("backward_pass").make_inputs(np.random.default_rng(0))
    text = repr(inputs["entries"])
    assert text.startswith("[v3 = ") and "(v2" in text

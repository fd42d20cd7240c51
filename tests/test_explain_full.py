"""explain(full=True): every number of a tiny network, enough to redo each step by hand."""

from __future__ import annotations

import copy

import numpy as np

import scratchnet as sn


def _model():
    model = sn.Sequential(
        [sn.layers.Dense(3, activation="relu", input_shape=[4]), sn.layers.Dense(2, activation="softmax")], seed=0
    )
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    return model


X = np.array([[1.0, 2.0, 0.5, -1.0], [0.5, -1.0, 2.0, 1.0]])
Y = np.array([0, 1])


def _numbers(a) -> list[str]:
    return [f"{float(v) + 0.0:.4g}" for v in np.ravel(a)]


def _matrix_after(lines: list[str], label: str, start: int) -> tuple[list[str], int]:
    """The numbers of the matrix printed as '<label> = [...]' at or after line `start`, and the next line."""
    i = next(k for k in range(start, len(lines)) if lines[k].strip().startswith(f"{label} =") and "[" in lines[k])
    rows = [lines[i].split("[", 1)[1]]
    i += 1
    while i < len(lines) and lines[i].strip().startswith("[") and "=" not in lines[i]:
        rows.append(lines[i].split("[", 1)[1])
        i += 1
    return [v for row in rows for v in row.rstrip("]").split()], i


def test_full_mode_prints_every_weight_and_every_gradient():
    model = _model()
    lines: list[str] = []
    model.explain(X, Y, print_fn=lines.append, full=True)

    reference = copy.deepcopy(model)
    reference.compute_gradients(X.astype(np.float32), Y)
    first, second = reference.layers
    at = 0
    for layer in (first, second):  # forward: each layer's W and b in full
        w, at = _matrix_after(lines, "W", at)
        b, at = _matrix_after(lines, "b", at)
        assert w == _numbers(layer.params["W"]) and b == _numbers(layer.params["b"])
    for layer in (second, first):  # backward, last layer first: dW and db in full
        dw, at = _matrix_after(lines, "dW", at)
        db, at = _matrix_after(lines, "db", at)
        assert dw == _numbers(layer.grads["W"]) and db == _numbers(layer.grads["b"])


def test_full_mode_numbers_recompute_dW_by_hand():
    lines: list[str] = []
    model = _model()
    model.explain(X, Y, print_fn=lines.append, full=True)
    backward = next(i for i, line in enumerate(lines) if line.startswith("BACKWARD"))
    layer_1 = next(i for i in range(backward, len(lines)) if lines[i].startswith("[1]"))
    dz, _ = _matrix_after(lines, "dz", layer_1)
    dw, _ = _matrix_after(lines, "dW", layer_1)
    dz = np.array(dz, dtype=float).reshape(2, 3)
    by_hand = X.T @ dz  # x is the printed input batch
    np.testing.assert_allclose(np.array(dw, dtype=float).reshape(4, 3), by_hand, rtol=2e-3, atol=1e-6)


def test_the_default_mode_stays_short():
    short: list[str] = []
    full: list[str] = []
    _model().explain(X, Y, print_fn=short.append)
    _model().explain(X, Y, print_fn=full.append, full=True)
    assert not any(line.strip().startswith("W =") for line in short)
    assert len(full) > len(short)

"""Tests for scratchnet.explain: model.explain(x, y) prints one training step layer by layer.

Checked: every layer appears with the right shapes (the MNIST model's shape strings, exactly), the fused
softmax + cross-entropy line, forward-only output without y or without compile, a learner's own layer, nested
models and Dropout; the gradient norms printed are those of compute_gradients; and explain changes nothing:
weights, gradients, random state, optimizer, and the training run that follows it.
"""

import copy

import numpy as np
import pytest

import scratchnet as sn
from scratchnet import losses
from scratchnet.explain import WIDTH, explain
from scratchnet.layers import Dense, Dropout, Flatten, Layer, ReLU, Sigmoid, Softmax, Tanh


def mnist_model(seed=0, compile=True):
    model = sn.Sequential(
        [Flatten(input_shape=(28, 28)), Dense(128, activation="relu"), Dense(10, activation="softmax")],
        seed=seed,
    )
    if compile:
        model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def images(n=8, seed=0):
    rng = np.random.default_rng(seed)
    x = np.zeros((n, 28, 28), dtype=np.float32)
    x[:, 6:22, 8:20] = rng.random((n, 16, 12), dtype=np.float32)  # a blank border, as in MNIST
    return x, rng.integers(0, 10, size=n)


def run(model, x, y=None, **kwargs):
    lines = []
    explain(model, x, y, print_fn=lines.append, **kwargs)
    return lines


def stripped(lines):
    return [" ".join(line.split()) for line in lines]


def has_line(lines, *pieces):
    """Whether one line holds all the pieces, in order (whitespace-insensitive)."""
    for line in stripped(lines):
        position = 0
        for piece in pieces:
            position = line.find(piece, position)
            if position < 0:
                break
            position += len(piece)
        else:
            return True
    return False


def section(lines, title):
    start = next(i for i, line in enumerate(lines) if line.startswith(title))
    end = next((i for i in range(start + 1, len(lines)) if lines[i][:1].isupper() and "─" in lines[i]), len(lines))
    return lines[start:end]


class Scale(Layer):
    """A learner's layer: multiplies each feature by its own learned factor.

    Forward:   y  = x * s               x: (N, D)  s: (D,)  ->  y: (N, D)
    Backward:  dx = dy * s              (N, D)
               ds = (dy * x).sum(axis=0)   (D,)
    """

    def build(self, input_shape, rng, dtype):
        super().build(input_shape, rng, dtype)
        self.params = {"s": np.full(input_shape, 2.0, dtype=dtype)}
        self.grads = {"s": np.zeros(input_shape, dtype=dtype)}

    def forward(self, x, training=False):
        self.x = x
        return x * self.params["s"]

    def backward(self, dy):
        self.grads["s"][...] = (dy * self.x).sum(axis=0)
        return dy * self.params["s"]


class Square(Layer):
    """No docstring blocks, no parameters: the generic fallback shows shapes and norms only."""

    def forward(self, x, training=False):
        self.x = x
        return x * x

    def backward(self, dy):
        return 2 * self.x * dy


# --- the MNIST model ------------------------------------------------------------------------------------------


def test_mnist_model_every_layer_with_its_shapes():
    model = mnist_model()
    x, y = images()
    lines = run(model, x, y)
    forward, backward = section(lines, "FORWARD"), section(lines, "BACKWARD")

    assert has_line(forward, "x", "(2, 28, 28)", "the input batch")
    assert has_line(forward, f"[1] {model.layers[0].name}: Flatten")
    assert has_line(forward, "y = x.reshape(N, -1)", "(2, 28, 28) -> (2, 784)")
    assert has_line(forward, f"[2] {model.layers[1].name}: Dense(128, relu)")
    assert has_line(forward, "z = x @ W + b", "(2, 784) @ (784, 128) + (128,) -> (2, 128)")
    assert has_line(forward, "y = relu(z)", "(2, 128)")
    assert has_line(forward, f"[3] {model.layers[2].name}: Dense(10, softmax)")
    assert has_line(forward, "z = x @ W + b", "(2, 128) @ (128, 10) + (10,) -> (2, 10)", "the logits")
    assert has_line(forward, "y = softmax(z)", "(2, 10)", "each row sums to 1")

    # Backward, last layer first: the output layer's dx feeds the hidden layer; the first Dense needs no dx.
    order = [line for line in backward if line.startswith("[")]
    assert [line.split("]")[0] for line in order] == ["[3", "[2", "[1"]
    assert has_line(backward, "dW = x.T @ dz", "(128, 2) @ (2, 10) -> (128, 10)", "‖dW‖ =")
    assert has_line(backward, "db = dz.sum(axis=0)", "(2, 10) -> (10,)", "‖db‖ =")
    assert has_line(backward, "dx = dz @ W.T", "(2, 10) @ (10, 128) -> (2, 128)", "‖dx‖ =")
    assert has_line(backward, "dy", "(2, 128)", f"= the dx of [3] {model.layers[2].name}")
    assert has_line(backward, "dz = dy * (y > 0)", "(2, 128)")
    assert has_line(backward, "dW = x.T @ dz", "(784, 2) @ (2, 128) -> (784, 128)")
    assert has_line(backward, "db = dz.sum(axis=0)", "(2, 128) -> (128,)")
    assert has_line(backward, "dx", "not computed")
    assert has_line(backward, "no backward", "fit skips it too")

    gradients = section(lines, "GRADIENTS")
    for name, shape in zip(model.weight_names, ["(784, 128)", "(128,)", "(128, 10)", "(10,)"], strict=True):
        assert has_line(gradients, name, shape)


def test_batch_size_follows_examples():
    x, y = images()
    lines = run(mnist_model(), x, y, examples=4)
    assert has_line(lines, "on N=4 examples")
    assert has_line(lines, "(4, 28, 28) -> (4, 784)")
    assert has_line(lines, "(784, 4) @ (4, 128) -> (784, 128)")


def test_shows_real_numbers_and_relu_zeros_line_up():
    model = mnist_model()
    x, y = images()
    lines = run(model, x, y)
    # The forward shows y = relu(z) entry by entry, and dz in the backward is 0 exactly where y was.
    z_line = next(line for line in lines if line.strip().startswith("z[0, :6]"))
    y_line = next(line for line in lines if line.strip().startswith("y[0, :6]"))
    z_values = [float(v) for v in z_line.split("[")[2].rstrip(" …]").split()]
    y_values = [float(v) for v in y_line.split("[")[2].rstrip(" …]").split()]
    assert y_values == [v if v > 0 else 0.0 for v in z_values]
    dz_line = [line for line in section(lines, "BACKWARD") if line.strip().startswith("dz[0, :6]")][-1]
    dz_values = [float(v) for v in dz_line.split("[")[2].rstrip(" …]").split()]
    assert [v == 0 for v in dz_values] == [v == 0 for v in y_values]
    # The flattened image's first six pixels are its blank border; the window skips to where the digit is.
    flat = next(line for line in lines if line.strip().startswith("y[0, ") and ":6]" not in line)
    assert "y[0, 176:" in flat  # row 6, column 8: the first non-zero pixel of images()


def test_loss_section_and_fused_gradient():
    model = mnist_model()
    x, y = images()
    lines = run(model, x, y)
    loss = model.loss(y[:2], model.predict(x[:2]))
    assert has_line(lines, losses.formulas(model.loss)[0], f"L = {loss:.4f}")  # the docstring's formula
    assert has_line(lines, "Softmax + cross-entropy, fused")
    assert has_line(lines, "dz = (p - onehot(y)) / N", "(2, 10)", "below the softmax")
    assert has_line(lines, f"y = [{y[0]}, {y[1]}]")


def test_not_fused_without_softmax_and_cross_entropy():
    model = sn.Sequential([Dense(4, activation="relu", input_shape=[3]), Dense(3)], seed=0)
    model.compile(optimizer="sgd", loss=sn.losses.SparseCategoricalCrossentropy(from_logits=True))
    x = np.random.default_rng(0).normal(size=(4, 3))
    lines = run(model, x, [0, 1, 2, 0])
    assert not has_line(lines, "fused")
    assert has_line(lines, "dz = (softmax(z) - onehot(y)) / N", "(2, 3)")
    assert has_line(lines, "dz = dy", "linear: nothing to undo")

    mse = sn.Sequential([Dense(4, activation="tanh", input_shape=[3]), Dense(1)], seed=0)
    mse.compile(optimizer="sgd", loss="mse")
    lines = run(mse, x, np.zeros(4))
    assert has_line(lines, "L = mean((p - y) ** 2)")
    assert has_line(lines, "dp = 2 * (p - y) / (N * D)", "(2, 1)")
    assert has_line(lines, "dz = dy * (1 - y * y)", "(2, 4)")


def test_gradient_norms_are_those_of_compute_gradients():
    model = mnist_model()
    x, y = images()
    lines = run(model, x, y)
    twin = copy.deepcopy(model)
    twin.compute_gradients(x[:2], y[:2])
    gradients = section(lines, "GRADIENTS")
    for name, layer in zip(("dense", "dense_1"), twin.layers[1:], strict=True):
        for key in ("W", "b"):
            norm = np.linalg.norm(layer.grads[key])
            assert has_line(gradients, f"{layer.name}/{key}", f"{norm:.3g}"), (name, key, norm)
    for layer in twin.layers[1:]:
        assert has_line(lines, "dW = x.T @ dz", f"‖dW‖ = {np.linalg.norm(layer.grads['W']):.3g}")


def test_every_line_fits_the_terminal():
    x, y = images()
    for lines in (run(mnist_model(), x, y), run(mnist_model(), x), run(mnist_model(), x, y, examples=8)):
        assert max(len(line) for line in lines) <= WIDTH


# --- explain changes nothing ----------------------------------------------------------------------------------


def test_explain_changes_nothing_and_training_after_it_is_the_same():
    def dropout_model():
        model = sn.Sequential(
            [
                Flatten(input_shape=(28, 28)),
                Dense(32, activation="relu"),
                Dropout(0.5),
                Dense(10, activation="softmax"),
            ],
            seed=3,
        )
        model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
        return model

    x, y = images(64)
    model, twin = dropout_model(), dropout_model()
    model.fit(x, y, epochs=1, batch_size=16, verbose=0)
    twin.fit(x, y, epochs=1, batch_size=16, verbose=0)

    weights = model.get_weights()
    grads = [layer.grads[key].copy() for layer, key in model.parameter_slots()]
    rng_state = copy.deepcopy(model.rng.bit_generator.state)
    optimizer_state = (model.optimizer.iterations, [m.copy() for m in model.optimizer.m])

    run(model, x, y)

    for before, after in zip(weights, model.get_weights(), strict=True):
        np.testing.assert_array_equal(before, after)
    for before, (layer, key) in zip(grads, model.parameter_slots(), strict=True):
        np.testing.assert_array_equal(before, layer.grads[key])
    assert model.rng.bit_generator.state == rng_state
    assert model.optimizer.iterations == optimizer_state[0]
    np.testing.assert_array_equal(model.optimizer.m[0], optimizer_state[1][0])

    # The next epoch (same shuffle, same dropout masks) gives bit-identical weights to the twin's.
    model.fit(x, y, epochs=1, batch_size=16, verbose=0)
    twin.fit(x, y, epochs=1, batch_size=16, verbose=0)
    for a, b in zip(model.get_weights(), twin.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)


def test_unbuilt_model_stays_unbuilt_and_gets_the_weights_fit_would_give_it():
    def model():
        m = sn.Sequential([Flatten(), Dense(16, activation="relu"), Dense(10, activation="softmax")], seed=5)
        m.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
        return m

    x, y = images(16)
    explained, plain = model(), model()
    run(explained, x, y)
    assert not explained.built  # explain built its copy, not the model (issue 9, trap 5)
    explained.fit(x, y, epochs=1, verbose=0)
    plain.fit(x, y, epochs=1, verbose=0)
    for a, b in zip(explained.get_weights(), plain.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)


# --- forward only ---------------------------------------------------------------------------------------------


def test_forward_only_without_y():
    x, _ = images()
    lines = run(mnist_model(), x)
    assert has_line(lines, "one forward pass")
    assert has_line(lines, "(2, 128) @ (128, 10) + (10,) -> (2, 10)")
    assert not any(line.startswith(("LOSS", "BACKWARD", "GRADIENTS")) for line in lines)
    assert has_line(lines, "No targets y were given")


def test_forward_only_when_not_compiled():
    x, y = images()
    lines = run(mnist_model(compile=False), x, y)
    assert has_line(lines, "(2, 784) @ (784, 128) + (128,) -> (2, 128)")
    assert not any(line.startswith("BACKWARD") for line in lines)
    assert has_line(lines, "not compiled")
    assert has_line(lines, "model.compile(optimizer=..., loss=...)")


# --- other layers ---------------------------------------------------------------------------------------------


def test_custom_layers_use_the_generic_fallback():
    model = sn.Sequential([Dense(5, input_shape=[3]), Scale(), Square(), Dense(2, activation="softmax")], seed=0)
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    x = np.random.default_rng(1).normal(size=(6, 3))
    lines = run(model, x, [0, 1, 0, 1, 0, 1])
    scale, square = model.layers[1], model.layers[2]

    assert has_line(lines, f"[2] {scale.name}: Scale")
    assert has_line(lines, "Forward: y = x * s")  # its docstring block, as written
    assert has_line(lines, "ds = (dy * x).sum(axis=0)")
    assert has_line(lines, "y = layer.forward(x)", "(2, 5) -> (2, 5)")
    assert has_line(lines, "s", "(5,)", "parameter, ‖s‖ =")
    assert has_line(lines, "dx = layer.backward(dy)", "(2, 5) -> (2, 5)")

    twin = copy.deepcopy(model)
    twin.compute_gradients(x[:2], [0, 1])
    assert has_line(lines, "ds", "(5,)", f"‖ds‖ = {np.linalg.norm(twin.layers[1].grads['s']):.3g}")
    assert has_line(lines, f"[3] {square.name}: Square")
    assert has_line(section(lines, "BACKWARD"), "dx", "(2, 5)", "‖dx‖ =")


def test_nested_model_dropout_and_activation_layers():
    inner = sn.Sequential([Dense(8, activation="sigmoid"), Tanh(), Dense(3), Softmax()], name="head")
    model = sn.Sequential([Dense(16, input_shape=[5]), ReLU(), Dropout(0.25), inner], seed=1)
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    x = np.random.default_rng(0).normal(size=(10, 5))
    lines = run(model, x, np.arange(10) % 3)

    assert has_line(lines, "[4] head: Sequential, 4 layers")
    for number in ("4.1", "4.2", "4.3", "4.4"):
        assert sum(line.strip().startswith(f"[{number}]") for line in lines) == 2  # once forward, once backward
    assert has_line(lines, "y = relu(x)", "(2, 16) -> (2, 16)")
    assert has_line(lines, "keep = U(0, 1) >= rate", "(2, 16) bool")
    assert has_line(lines, "dx = dy * keep / (1 - rate)", "(2, 16)")
    assert has_line(lines, "y = tanh(x)", "(2, 8) -> (2, 8)")
    assert has_line(lines, "y = softmax(x)", "(2, 3) -> (2, 3)")
    assert has_line(lines, "dx = dz", "(2, 3)", "activation is already done")  # the fused path enters the nested model
    assert has_line(lines, "Softmax + cross-entropy, fused")
    assert has_line(lines, "head overall", "(2, 16) -> (2, 3)")


def test_sequential_explain_delegates():
    x, y = images()
    model, lines = mnist_model(), []
    model.explain(x, y, print_fn=lines.append)
    assert lines == run(model, x, y)


def test_errors_say_what_was_expected():
    x, y = images()
    with pytest.raises(TypeError, match=r"explain expected a scratchnet Sequential model\. Received: .*Dense"):
        explain(Dense(3), x, y)
    with pytest.raises(ValueError, match=r"integer from 1 to 8.*Received: examples=0"):
        explain(mnist_model(), x, y, examples=0)
    with pytest.raises(ValueError, match=r"labels must be integers in \[0, 10\)"):
        explain(mnist_model(), x[:2], np.array([12, 3]), print_fn=lambda line: None)


def test_sigmoid_layer_with_binary_crossentropy():
    model = sn.Sequential([Dense(1, input_shape=[3]), Sigmoid()], seed=0)
    model.compile(optimizer="sgd", loss="binary_crossentropy")
    lines = run(model, np.random.default_rng(2).normal(size=(4, 3)), [0, 1, 1, 0])
    assert has_line(lines, "y = sigmoid(x)", "(2, 1) -> (2, 1)")
    assert has_line(lines, "L = -mean(y * log(p) + (1 - y) * log(1 - p))")
    # Sigmoid + binary cross-entropy is fused, like softmax + cross-entropy (scratchnet/fused.py).
    assert has_line(lines, "dz = (p - y) / (N * D)", "(2, 1)")
    assert has_line(lines, "dx", "not computed")


def test_explain_on_an_unbuilt_model_leaves_it_unbuilt():
    # Issue 9, trap 5: the README says explain works on a copy; checking the data used to build the user's model.
    model = sn.Sequential([sn.layers.Flatten(), Dense(4, activation="relu"), Dense(3, activation="softmax")], seed=1)
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    x = np.random.default_rng(0).random((2, 5, 5))
    lines = []
    model.explain(x, np.array([0, 2]), print_fn=lines.append)
    assert any("dW = x.T @ dz" in line for line in lines)
    assert not model.built and model.layers[1].params == {}

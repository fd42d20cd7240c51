"""scratchnet's layers, models and losses on the tape: one op each, whose backward is the hand-written one.

``tape.gradient(loss, model.trainable_variables)`` must equal ``model.compute_gradients`` (the path ``fit`` uses)
for every layer type, and both must equal finite differences; a custom training loop must train as ``fit`` does.
"""

from __future__ import annotations

import numpy as np
import pytest
from _helpers import blobs

import scratchnet as sn
from scratchnet import layers, speed


def _models():
    """name -> (make model (float64), input shape, loss name, labels kind)."""
    return {
        "dense relu + softmax": (
            lambda: [layers.Dense(5, activation="relu"), layers.Dense(3, activation="softmax")],
            (4,),
            "sparse_categorical_crossentropy",
        ),
        "dense tanh + sigmoid": (
            lambda: [layers.Dense(5, activation="tanh"), layers.Dense(2, activation="sigmoid")],
            (4,),
            "binary_crossentropy",
        ),
        "dense sigmoid + linear": (
            lambda: [layers.Dense(5, activation="sigmoid"), layers.Dense(2)],
            (4,),
            "mse",
        ),
        "dense softmax, one-hot": (
            lambda: [layers.Dense(3, activation="softmax")],
            (4,),
            "categorical_crossentropy",
        ),
        "activation layers": (
            lambda: [layers.Dense(5), layers.ReLU(), layers.Dense(3), layers.Softmax()],
            (4,),
            "sparse_categorical_crossentropy",
        ),
        "conv, pooling, flatten": (
            lambda: [
                layers.Conv2D(2, 3, activation="relu", padding="same"),
                layers.MaxPooling2D(2),
                layers.Conv2D(2, 2, activation="tanh"),
                layers.AveragePooling2D(1),
                layers.Flatten(),
                layers.Dense(3, activation="softmax"),
            ],
            (6, 6, 1),
            "sparse_categorical_crossentropy",
        ),
        "global average pooling": (
            lambda: [layers.Conv2D(3, 3), layers.GlobalAveragePooling2D(), layers.Dense(2)],
            (5, 5, 2),
            "mae",
        ),
        "dropout with a seed": (
            lambda: [layers.Dense(6, activation="relu"), layers.Dropout(0.5, seed=1), layers.Dense(3, "softmax")],
            (4,),
            "sparse_categorical_crossentropy",
        ),
        "normalization": (
            lambda: [layers.Normalization(), layers.Dense(2, activation="sigmoid")],
            (4,),
            "binary_crossentropy",
        ),
    }


def _data(input_shape, loss, n=6, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, *input_shape))
    if loss == "sparse_categorical_crossentropy":
        y = rng.integers(0, 3, n)
    elif loss == "categorical_crossentropy":
        y = np.eye(3)[rng.integers(0, 3, n)]
    elif loss == "binary_crossentropy":
        y = (rng.random((n, 2)) > 0.5).astype(np.float64)
    else:
        y = rng.standard_normal((n, 2))
    return x, y


def _build(name, seed=0):
    make, input_shape, loss = _models()[name]
    stack = make()
    model = sn.Sequential([layers.Input(shape=input_shape), *stack], seed=seed, dtype="float64")
    model.compile(optimizer="sgd", loss=loss)
    x, y = _data(input_shape, loss)
    for layer in model.layers:
        if isinstance(layer, layers.Normalization):
            layer.adapt(x)
    return model, x, y


def _tape_gradients(model, x, y):
    loss_fn = sn.losses.get(model.loss if isinstance(model.loss, str) else type(model.loss)())
    with sn.GradientTape() as tape:
        loss = loss_fn(y, model(x, training=True))
    return float(loss), [g.numpy() for g in tape.gradient(loss, model.trainable_variables)]


@pytest.mark.parametrize("name", sorted(_models()))
def test_tape_gradients_equal_compute_gradients_for_every_layer_type(name):
    model, x, y = _build(name)
    twin, _, _ = _build(name)  # same seed: same weights, same dropout masks
    loss, grads = _tape_gradients(model, x, y)
    expected_loss = twin.compute_gradients(x, y)
    assert loss == pytest.approx(expected_loss, rel=1e-12)
    for got, want in zip(grads, twin.gradients, strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("name", ["dense relu + softmax", "dense tanh + sigmoid", "conv, pooling, flatten"])
def test_tape_gradients_equal_finite_differences(name):
    model, x, y = _build(name)
    loss_fn = type(model.loss)()
    _, grads = _tape_gradients(model, x, y)
    for v, g in zip(model.trainable_variables, grads, strict=True):
        array = v.numpy()
        for index in list(np.ndindex(array.shape))[:6]:
            old = v.numpy()[index]
            values = []
            for step in (1e-6, -1e-6):
                bumped = v.numpy()
                bumped[index] = old + step
                v.assign(bumped)
                values.append(loss_fn(y, model.predict(x, verbose=0)))
            restore = v.numpy()
            restore[index] = old
            v.assign(restore)
            assert g[index] == pytest.approx((values[0] - values[1]) / 2e-6, rel=1e-5, abs=1e-8)


def test_the_loss_op_uses_the_fused_gradient_after_a_softmax_and_not_after_a_custom_layer():
    model, x, y = _build("dense relu + softmax")
    with sn.GradientTape() as tape:
        loss = sn.losses.SparseCategoricalCrossentropy()(y, model(x))
    assert loss._op == "fused"
    tape.gradient(loss, model.trainable_variables)
    with sn.GradientTape() as tape:
        p = model(x) * 1.0  # an op in between: the loss no longer sees who made its input
        loss = sn.losses.SparseCategoricalCrossentropy()(y, p)
    assert loss._op == "sparse_categorical_crossentropy"


def test_fused_gradient_equals_the_chained_gradient_and_finite_differences():
    model, x, y = _build("dense relu + softmax")
    fused = _tape_gradients(model, x, y)[1]
    with sn.GradientTape() as tape:
        loss = sn.losses.SparseCategoricalCrossentropy()(y, model(x) * 1.0)
    chained = [g.numpy() for g in tape.gradient(loss, model.trainable_variables)]
    for a, b in zip(fused, chained, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-8, atol=1e-12)


@pytest.mark.parametrize(
    "make_loss",
    [
        lambda y, p: sn.losses.SparseCategoricalCrossentropy()(y, p),
        lambda y, p: sn.reduce_mean(sn.losses.sparse_categorical_crossentropy(y, p)),
        lambda y, p: sn.losses.SparseCategoricalCrossentropy(from_logits=True)(y, sn.math.log(p)),
        lambda y, p: sn.reduce_mean(sn.nn.sparse_softmax_cross_entropy_with_logits(y, sn.math.log(p))),
        lambda y, p: sn.losses.CategoricalCrossentropy()(sn.one_hot(y, 3), p),
        lambda y, p: sn.reduce_mean(sn.losses.categorical_crossentropy(sn.one_hot(y, 3), p)),
        lambda y, p: -sn.reduce_mean(sn.math.log(sn.reduce_sum(p * sn.one_hot(y, 3, dtype="float64"), axis=1))),
    ],
)
def test_every_way_to_write_the_cross_entropy_gives_the_same_gradient(make_loss):
    model, x, y = _build("dense relu + softmax")
    twin, _, _ = _build("dense relu + softmax")
    twin.compute_gradients(x, y)
    with sn.GradientTape() as tape:
        loss = make_loss(y, model(x))
    for got, want in zip(tape.gradient(loss, model.trainable_variables), twin.gradients, strict=True):
        np.testing.assert_allclose(got.numpy(), want, rtol=1e-7, atol=1e-10)


def test_mse_and_bce_loss_functions_per_example_on_the_tape():
    model, x, y = _build("dense tanh + sigmoid")
    twin, _, _ = _build("dense tanh + sigmoid")
    twin.compute_gradients(x, y)
    with sn.GradientTape() as tape:
        per_example = sn.losses.binary_crossentropy(y, model(x))
        loss = sn.reduce_mean(per_example)
    assert per_example.shape == (6,)
    for got, want in zip(tape.gradient(loss, model.trainable_variables), twin.gradients, strict=True):
        np.testing.assert_allclose(got.numpy(), want, rtol=1e-7, atol=1e-10)
    model, x, y = _build("dense sigmoid + linear")
    twin, _, _ = _build("dense sigmoid + linear")
    twin.compute_gradients(x, y)
    with sn.GradientTape() as tape:
        loss = sn.reduce_mean(sn.losses.mean_squared_error(y, model(x)))
    for got, want in zip(tape.gradient(loss, model.trainable_variables), twin.gradients, strict=True):
        np.testing.assert_allclose(got.numpy(), want, rtol=1e-7, atol=1e-10)


def test_a_layer_called_twice_keeps_both_forward_caches_and_adds_its_gradients():
    dense = layers.Dense(3, dtype="float64")
    a = sn.constant(np.random.default_rng(0).standard_normal((4, 2)))
    b = sn.constant(np.random.default_rng(1).standard_normal((4, 2)))
    dense(a)  # build
    with sn.GradientTape() as tape:
        loss = sn.reduce_sum(dense(a) * 2.0) + sn.reduce_sum(dense(b))
    dW, db = tape.gradient(loss, dense.trainable_variables)
    column = 2 * a.numpy().sum(0) + b.numpy().sum(0)  # dW = 2 a.T @ ones + b.T @ ones: each column the same
    np.testing.assert_allclose(dW.numpy(), np.repeat(column[:, None], 3, axis=1))
    np.testing.assert_allclose(db.numpy(), np.full(3, 2 * 4 + 4.0))


def test_an_input_gradient_through_a_layer():
    dense = layers.Dense(2, activation="tanh", dtype="float64")
    x = sn.Variable(np.random.default_rng(0).standard_normal((3, 4)))
    with sn.GradientTape() as tape:
        y = sn.reduce_sum(dense(x))
    dx = tape.gradient(y, x).numpy()
    z = x.numpy() @ dense.kernel + dense.bias
    np.testing.assert_allclose(dx, (1 - np.tanh(z) ** 2) @ dense.kernel.T)


def test_trainable_variables_alias_the_parameters_even_after_fit_made_them_one_flat_vector():
    x, y = blobs(n=64, d=8, c=4)
    model = sn.Sequential([layers.Dense(8, activation="relu", input_shape=(8,)), layers.Dense(4, "softmax")], seed=0)
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    variables = model.trainable_variables
    assert [v.path for v in variables][1].endswith("/bias") and variables[0].name == "kernel"
    assert model.trainable_weights == variables and model.weights == variables and model.non_trainable_variables == []
    assert all(isinstance(v, sn.Variable) for v in variables)
    model.fit(x, y, epochs=1, verbose=0)
    assert speed.is_flat(model)
    assert variables == model.trainable_variables  # the same objects
    for v, w in zip(variables, model.parameter_arrays(), strict=True):
        assert np.shares_memory(np.asarray(v), w)
    before = model.get_weights()
    optimizer = sn.optimizers.SGD(learning_rate=0.1)
    with sn.GradientTape() as tape:
        loss = sn.losses.SparseCategoricalCrossentropy()(y, model(x))
    grads = tape.gradient(loss, model.parameter_arrays())  # the arrays work as sources too
    optimizer.apply_gradients(zip(grads, model.trainable_variables, strict=True))
    for b, a, g in zip(before, model.get_weights(), grads, strict=True):
        np.testing.assert_allclose(a, b - 0.1 * g.numpy(), rtol=1e-5, atol=1e-7)


def _batches(x, y, size):
    for i in range(0, len(x), size):
        yield x[i : i + size], y[i : i + size]


def test_a_custom_training_loop_trains_the_exercise_mlp_exactly_as_fit():
    x, y = blobs(n=640, d=784, c=10, seed=0, spread=2.0)
    x = x.reshape(-1, 28, 28)

    def mlp():
        model = sn.Sequential(
            [
                layers.Flatten(input_shape=(28, 28)),
                layers.Dense(128, activation="relu"),
                layers.Dense(10, activation="softmax"),
            ],
            seed=1,
        )
        model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
        return model

    by_fit = mlp()
    by_fit.fit(x, y, epochs=2, batch_size=32, shuffle=False, verbose=0)
    by_tape = mlp()
    optimizer = sn.optimizers.Adam()
    loss_fn = sn.losses.SparseCategoricalCrossentropy()
    for _ in range(2):
        for xb, yb in _batches(x, y, 32):
            with sn.GradientTape() as tape:
                loss = loss_fn(yb, by_tape(xb, training=True))
            grads = tape.gradient(loss, by_tape.trainable_variables)
            optimizer.apply_gradients(zip(grads, by_tape.trainable_variables, strict=True))
    for a, b in zip(by_tape.get_weights(), by_fit.get_weights(), strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-3, atol=1e-5)
    acc_fit = by_fit.evaluate(x, y, verbose=0)[1]
    acc_tape = by_tape.evaluate(x, y, verbose=0)[1]
    assert acc_tape > 0.9 and abs(acc_tape - acc_fit) < 0.01


def test_a_persistent_tape_asked_twice_through_a_conv_layer_keeps_the_first_answer():
    model, x, _ = _build("conv, pooling, flatten")
    with sn.GradientTape(persistent=True) as tape:
        p = model(x)
        first = sn.reduce_sum(p * p)
        second = sn.reduce_sum(p)
    a = [g.numpy().copy() for g in tape.gradient(first, model.trainable_variables)]
    kept = tape.gradient(first, model.trainable_variables)
    tape.gradient(second, model.trainable_variables)  # the same layer op, another dy
    for before, after in zip(a, kept, strict=True):
        np.testing.assert_array_equal(before, after.numpy())


def test_sample_weights_in_a_loss_call_weigh_each_example_and_its_gradient():
    model, x, y = _build("dense relu + softmax")
    weights = np.array([1.0, 0.0, 2.0, 0.5, 1.0, 3.0])
    loss_fn = sn.losses.SparseCategoricalCrossentropy()
    with sn.GradientTape() as tape:
        weighted = loss_fn(y, model(x), sample_weight=weights)
        by_hand = sn.reduce_mean(sn.losses.sparse_categorical_crossentropy(y, model(x) * 1.0) * weights)
        difference = weighted - by_hand
    assert float(weighted) == pytest.approx(float(by_hand), rel=1e-12)
    assert float(weighted) == pytest.approx(loss_fn(y, model.predict(x, verbose=0), sample_weight=weights))
    for g in tape.gradient(difference, model.trainable_variables):  # fused and weighted == chained by hand
        np.testing.assert_allclose(g.numpy(), 0.0, atol=1e-12)

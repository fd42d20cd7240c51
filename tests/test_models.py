"""Models (scratchnet/models/): gradients through the path fit uses, dtype through a step, building, weights,
seeds and nesting."""

import math

import numpy as np
import pytest
from _helpers import blobs, classifier, mnist_model, raised

import scratchnet as sn
from scratchnet import gradcheck, layers, losses, nn, optimizers, utils


def _small(n=6, d=5, c=3, seed=0):
    rng = np.random.default_rng(seed)
    return rng.standard_normal((n, d)), rng.integers(0, c, n)


def _dense_relu_softmax():
    return sn.Sequential(
        [layers.Dense(7, activation="relu", input_shape=(5,)), layers.Dense(3, activation="softmax")],
        dtype="float64",
        seed=1,
    )


def _models_to_check():
    x, y = _small()
    onehot = np.eye(3)[y]
    rng = np.random.default_rng(5)

    fused = _dense_relu_softmax()
    fused.compile("sgd", "sparse_categorical_crossentropy")

    categorical = _dense_relu_softmax()
    categorical.compile("sgd", "categorical_crossentropy")

    logits = sn.Sequential(
        [layers.Dense(7, activation="tanh", input_shape=(5,)), layers.Dense(3)], dtype="float64", seed=2
    )
    logits.compile("sgd", losses.SparseCategoricalCrossentropy(from_logits=True))

    regression = sn.Sequential(
        [layers.Dense(6, activation="tanh", input_shape=(5,)), layers.Dense(2)], dtype="float64", seed=3
    )
    regression.compile("sgd", "mse")

    binary = sn.Sequential(
        [layers.Dense(6, activation="relu", input_shape=(5,)), layers.Dense(1, activation="sigmoid")],
        dtype="float64",
        seed=4,
    )
    binary.compile("sgd", "binary_crossentropy")

    softmax_layer = sn.Sequential(
        [layers.Dense(7, activation="sigmoid", input_shape=(5,)), layers.Dense(3), layers.Softmax()],
        dtype="float64",
        seed=6,
    )
    softmax_layer.compile("sgd", "sparse_categorical_crossentropy")

    inner = sn.Sequential(
        [layers.Dense(7, activation="relu", input_shape=(5,)), layers.Dense(3)], dtype="float64", seed=7
    )
    nested = sn.Sequential([inner, layers.Softmax()], dtype="float64", seed=8)
    nested.compile("sgd", "sparse_categorical_crossentropy")

    middle = sn.Sequential([layers.Dense(4, activation="tanh"), layers.Dense(6, activation="relu")], seed=10)
    nested_middle = sn.Sequential(
        [layers.Dense(6, activation="sigmoid", input_shape=(5,)), middle, layers.Dense(3, activation="softmax")],
        dtype="float64",
        seed=11,
    )
    nested_middle.compile("sgd", "sparse_categorical_crossentropy")

    dropout = sn.Sequential(
        [
            layers.Flatten(input_shape=(5,)),
            layers.Dense(8, activation="tanh"),
            layers.Dropout(0.5),
            layers.Dense(3, activation="softmax"),
        ],
        dtype="float64",
        seed=9,
    )
    dropout.compile("adam", "sparse_categorical_crossentropy")

    return {
        "dense-relu-dense-softmax, sparse CE (fused)": (fused, x, y),
        "categorical CE (fused)": (categorical, x, onehot),
        "categorical CE, multi-hot labels (fused)": (categorical, x, np.maximum(onehot, rng.integers(0, 2, (6, 3)))),
        "logits, from_logits=True": (logits, x, y),
        "mse regression": (regression, x, rng.standard_normal((6, 2))),
        "bce with sigmoid": (binary, x, rng.integers(0, 2, 6)),
        "ends in a Softmax layer": (softmax_layer, x, y),
        "nested Sequential([inner, Softmax()])": (nested, x, y),
        "a Sequential in the middle (gradients flow through it)": (nested_middle, x, y),
        "dropout (fixed mask)": (dropout, x, y),
    }


@pytest.mark.parametrize("case", list(_models_to_check()))
def test_check_model_passes_on_small_float64_models(case):
    model, x, y = _models_to_check()[case]
    weights_before = model.get_weights()
    report = gradcheck.check_model(model, x, y, max_checks=None)
    assert report.passed, str(report)
    assert [c.name for c in report.checks] == model.weight_names  # every parameter array was checked
    assert all(c.checked == math.prod(c.shape) for c in report.checks)
    for before, after in zip(weights_before, model.get_weights(), strict=True):
        np.testing.assert_array_equal(before, after)  # the check works on a clone


def test_fused_cases_say_they_were_checked_through_the_fused_gradient():
    models = _models_to_check()
    for case in ("dense-relu-dense-softmax, sparse CE (fused)", "categorical CE (fused)", "ends in a Softmax layer"):
        model, x, y = models[case]
        assert any("fused" in note for note in gradcheck.check_model(model, x, y).notes), case
    model, x, y = models["mse regression"]
    assert not gradcheck.check_model(model, x, y).notes


def test_compute_gradients_equals_the_closed_form_of_softmax_regression():
    # One Dense softmax layer with sparse CE: dW = x.T (p - onehot) / N, db = mean(p - onehot), written out here.
    x, y = _small(n=8)
    model = sn.Sequential([layers.Dense(3, activation="softmax", input_shape=(5,))], dtype="float64", seed=0)
    model.compile("sgd", "sparse_categorical_crossentropy")
    W, b = model.get_weights()
    loss = model.compute_gradients(x, y)

    p = nn.softmax(x @ W + b)
    delta = (p - np.eye(3)[y]) / len(x)
    dense = model.layers[0]
    np.testing.assert_allclose(dense.grads["W"], x.T @ delta, rtol=1e-12)
    np.testing.assert_allclose(dense.grads["b"], delta.sum(axis=0), rtol=1e-12)
    assert loss == pytest.approx(-np.mean(np.log(p[np.arange(8), y])), rel=1e-12)


def test_fit_uses_the_fused_gradient_where_the_chained_one_would_be_clipped():
    # Weights so large that p[true class] ~ e^-60, far below the clip at 1e-7: the chained gradient through the
    # clipped loss is then wrong, the fused one is still exactly (p - onehot) / N.
    x = np.array([[1.0, 0.0], [0.0, 1.0]])
    y = np.array([1, 0])
    model = sn.Sequential([layers.Dense(2, activation="softmax", input_shape=(2,))], dtype="float64")
    model.compile("sgd", "sparse_categorical_crossentropy")
    model.set_weights([np.array([[30.0, -30.0], [-30.0, 30.0]]), np.zeros(2)])
    model.compute_gradients(x, y)

    p = nn.softmax(x @ model.layers[0].kernel)
    expected = x.T @ (p - np.eye(2)[y]) / 2
    np.testing.assert_allclose(model.layers[0].grads["W"], expected, rtol=1e-12)


def test_compute_gradients_fused_equals_chained_in_the_normal_range():
    x, y = _small()
    model = _dense_relu_softmax()
    model.compile("sgd", "sparse_categorical_crossentropy")
    model.compute_gradients(x, y)
    fused = [layer.grads[k].copy() for layer in model.layers for k in layer.grads]

    p = model.forward(x, training=True)
    model.backward(model.loss.backward(y, p))  # the chained path: the loss's own backward, then softmax's
    chained = [layer.grads[k] for layer in model.layers for k in layer.grads]
    for f, c in zip(fused, chained, strict=True):
        np.testing.assert_allclose(f, c, rtol=1e-9, atol=1e-14)


def test_compute_gradients_fills_grads_and_changes_no_weight():
    x, y = blobs(32)
    model = classifier()
    model.compile("adam", "sparse_categorical_crossentropy")
    before = model.get_weights()
    loss = model.compute_gradients(x, y)
    assert isinstance(loss, float)
    assert loss == pytest.approx(model.test_on_batch(x, y), rel=1e-6)
    for layer in model.layers:
        for key in layer.params:
            assert np.any(layer.grads[key] != 0), f"{layer.name}/{key} got no gradient"
    for b, a in zip(before, model.get_weights(), strict=True):
        np.testing.assert_array_equal(b, a)
    assert model.optimizer.iterations == 0


@pytest.mark.parametrize("loss", ["sparse_categorical_crossentropy", "mse"])
def test_a_model_without_parameters_runs_fit_and_stays_put(loss):
    # Flatten + Softmax alone: the fused path has no layer below the softmax to hand dz to. fit must still run
    # (nothing to learn), as the unfused path does.
    x, y = blobs(20, d=4, c=4)
    model = sn.Sequential([layers.Flatten(input_shape=(4,)), layers.Softmax()])
    model.compile("sgd", loss)
    targets = y if loss != "mse" else np.eye(4)[y]
    history = model.fit(x, targets, epochs=2, verbose=0)
    assert model.count_params() == 0
    assert history.history["loss"][0] == pytest.approx(history.history["loss"][1], rel=1e-6)


def _arrays_of(model):
    params = [layer.params[k] for layer in model.layers for k in layer.params]
    grads = [layer.grads[k] for layer in model.layers for k in layer.grads]
    state = [
        a
        for value in vars(model.optimizer).values()
        if isinstance(value, list)
        for a in value
        if isinstance(a, np.ndarray)
    ]
    return params, grads, state


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("optimizer", ["sgd", "adam", "rmsprop", "nesterov"])
def test_parameters_gradients_and_optimizer_state_keep_the_model_dtype(dtype, optimizer):
    x, y = blobs(64)
    model = sn.Sequential(
        [
            layers.Dense(16, activation="relu", input_shape=(8,)),
            layers.Dropout(0.2),
            layers.Dense(4, activation="softmax"),
        ],
        seed=0,
        dtype=dtype,
    )
    opt = optimizers.SGD(0.1, momentum=0.9, nesterov=True) if optimizer == "nesterov" else optimizer
    model.compile(opt, "sparse_categorical_crossentropy", metrics=["accuracy"])
    # float64 inputs (as from x / 255.0) must not leak into a float32 model.
    model.fit(x.astype(np.float64), y, epochs=1, batch_size=16, verbose=0)
    params, grads, state = _arrays_of(model)
    assert params and grads
    assert all(a.dtype == dtype for a in params + grads + state)
    assert optimizer == "sgd" or state
    assert model.predict(x).dtype == dtype
    assert all(w.dtype == dtype for w in model.get_weights())


def test_input_shape_builds_at_once_otherwise_the_first_data_builds():
    eager = mnist_model(input_shape=(28, 28))
    assert eager.built and [w.shape for w in eager.get_weights()] == [(784, 128), (128,), (128, 10), (10,)]

    lazy = mnist_model()
    assert not lazy.built
    with pytest.raises(ValueError, match="not yet been built"):
        lazy.summary()
    lazy.predict(np.zeros((2, 28, 28)))
    assert lazy.built and lazy.input_shape == (28, 28) and lazy.count_params() == 101770


def test_add_builds_like_the_constructor():
    model = sn.Sequential(seed=0)
    model.add(layers.Flatten(input_shape=(2, 3)))
    model.add(layers.Dense(4))
    assert model.built and model.output_shape == (None, 4)
    assert model.predict(np.ones((5, 2, 3))).shape == (5, 4)


def test_get_weights_and_set_weights_use_keras_order():
    model = classifier(d=3, c=2, hidden=4)
    shapes = [w.shape for w in model.get_weights()]
    assert shapes == [(3, 4), (4,), (4, 2), (2,)]
    first, second = model.layers[0].name, model.layers[1].name
    assert model.weight_names == [f"{first}/W", f"{first}/b", f"{second}/W", f"{second}/b"]
    rng = np.random.default_rng(0)
    new = [rng.standard_normal(s) for s in shapes]
    arrays = model.parameter_arrays()
    model.set_weights(new)
    assert all(a is b for a, b in zip(arrays, model.parameter_arrays(), strict=True))  # written in place
    assert model.layers[0].kernel is arrays[0] and model.layers[1].bias is arrays[3]
    for w, n in zip(model.get_weights(), new, strict=True):
        np.testing.assert_allclose(w, n.astype(np.float32))
    copies = model.get_weights()
    copies[0][...] = 0  # get_weights returns copies
    assert np.any(model.layers[0].kernel != 0)


def _seeded_run(seed):
    x, y = blobs(64)
    model = sn.Sequential(
        [
            layers.Dense(16, activation="relu", input_shape=(8,)),
            layers.Dropout(0.3),
            layers.Dense(4, activation="softmax"),
        ],
        seed=seed,
    )
    model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
    history = model.fit(x, y, epochs=3, batch_size=16, validation_split=0.25, verbose=0)
    return model.get_weights(), history.history


def test_same_seed_same_run_and_different_seed_different_run():
    w1, h1 = _seeded_run(42)
    w2, h2 = _seeded_run(42)
    w3, h3 = _seeded_run(43)
    for a, b in zip(w1, w2, strict=True):
        np.testing.assert_array_equal(a, b)
    assert h1 == h2
    assert not np.array_equal(w1[0], w3[0])
    assert h1 != h3


@pytest.fixture
def restore_global_seed(monkeypatch):
    monkeypatch.setattr(utils, "_seed_sequence", None)  # put back after the test, whatever it sets
    state = np.random.get_state()  # noqa: NPY002 -- set_random_seed seeds the global generator too
    yield
    np.random.set_state(state)  # noqa: NPY002


def test_set_random_seed_makes_unseeded_models_repeat(restore_global_seed):
    utils.set_random_seed(7)
    first, second = classifier(seed=None), classifier(seed=None)
    utils.set_random_seed(7)
    first_again, second_again = classifier(seed=None), classifier(seed=None)
    for a, b in zip(first.get_weights(), first_again.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)
    for a, b in zip(second.get_weights(), second_again.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)
    assert not np.array_equal(first.get_weights()[0], second.get_weights()[0])  # each model its own stream


def test_training_never_touches_numpy_global_random_state():
    state = np.random.get_state()  # noqa: NPY002 -- the global generator is what this test watches
    x, y = blobs(32)
    model = sn.Sequential([layers.Dense(8, activation="relu"), layers.Dropout(0.5), layers.Dense(4, "softmax")])
    model.compile("adam", "sparse_categorical_crossentropy")
    model.fit(x, y, epochs=2, verbose=0)
    after = np.random.get_state()  # noqa: NPY002
    assert state[0] == after[0] and np.array_equal(state[1], after[1]) and state[2:] == after[2:]


def test_a_model_inside_another_shares_its_weights():
    # The TensorFlow classification tutorial: train on logits, then wrap the model with a Softmax to predict.
    x, y = blobs(64)
    model = sn.Sequential([layers.Dense(16, activation="relu", input_shape=(8,)), layers.Dense(4)], seed=0)
    model.compile("adam", losses.SparseCategoricalCrossentropy(from_logits=True), metrics=["accuracy"])
    model.fit(x, y, epochs=2, verbose=0)
    probability_model = sn.Sequential([model, layers.Softmax()])
    p = probability_model.predict(x)
    np.testing.assert_allclose(p, nn.softmax(model.predict(x).astype(np.float64)), rtol=1e-5, atol=1e-7)
    assert probability_model.count_params() == model.count_params()

    # Training the inner model afterwards changes what the outer one predicts, and the reverse.
    model.fit(x, y, epochs=1, verbose=0)
    np.testing.assert_allclose(probability_model.predict(x), nn.softmax(model.predict(x)), rtol=1e-5, atol=1e-7)
    probability_model.compile("adam", "sparse_categorical_crossentropy")
    before = model.get_weights()
    probability_model.fit(x, y, epochs=1, verbose=0)
    assert not np.array_equal(before[0], model.get_weights()[0])
    np.testing.assert_allclose(probability_model.predict(x), nn.softmax(model.predict(x)), rtol=1e-5, atol=1e-7)


def test_adding_a_layer_class_instead_of_an_instance():
    message = raised(TypeError, sn.Sequential().add, layers.Flatten)
    assert (
        "Sequential.add expected a layer instance. Received: the class Flatten. Did you mean Flatten(...)?" in message
    )


def test_weights_of_an_unbuilt_model():
    message = raised(ValueError, mnist_model().save_weights, "never-written.npz")
    assert "is not built yet, so save_weights() has no weights to work on" in message
    assert "give the first layer an input_shape" in message


def test_a_single_layer_instead_of_a_list_is_named():
    message = raised(TypeError, sn.Sequential, layers.Dense(10))
    assert message == (
        "Sequential expected a list of layers. Received: a single Dense layer. "
        "Put it in a list: Sequential([Dense(...)])."
    )


def test_pop_removes_the_last_layer_and_rebuilds():
    model = mnist_model(input_shape=(28, 28))
    last = model.pop()
    assert last.units == 10 and len(model.layers) == 2
    assert model.output_shape == (None, 128)
    model.add(layers.Dense(3, activation="softmax"))
    assert model.output_shape == (None, 3) and model.count_params() == 784 * 128 + 128 + 128 * 3 + 3
    empty = sn.Sequential()
    assert "has no layers to remove" in raised(TypeError, empty.pop)


def test_get_layer_by_name_or_index_and_weights_as_in_keras():
    model = mnist_model(input_shape=(28, 28))
    hidden = model.layers[1]
    assert model.get_layer(hidden.name) is hidden and model.get_layer(index=-1) is model.layers[2]
    assert "No such layer: nope. Existing layers are:" in raised(ValueError, model.get_layer, "nope")
    assert "Received: index=3" in raised(ValueError, model.get_layer, index=3)
    assert [w.shape for w in model.weights] == [(784, 128), (128,), (128, 10), (10,)]
    assert hidden.weights[0] is hidden.kernel
    assert layers.Dense(3).weights == []

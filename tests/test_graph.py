"""Functional graphs beyond chains: merge layers, fan-out, shared layers, several inputs and outputs.

Every gradient is checked against centred differences in float64: the merge layers alone (with a random upstream
gradient), and whole graph models through the path ``fit`` uses (``gradcheck.check_model``).
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import scratchnet as sn
from scratchnet import gradcheck
from scratchnet.layers import merge
from scratchnet.models.graph import Graph

L = sn.layers


def _merge_gradients_match(layer, xs, seed=0):
    """dx_k from the layer's backward equals centred differences of sum(forward(xs) * dy), for every input k."""
    rng = np.random.default_rng(seed)
    xs = [np.array(x, dtype=np.float64) for x in xs]
    layer.build([x.shape[1:] for x in xs], rng, np.float64)
    before = [x.copy() for x in xs]
    y = layer.forward(xs)
    dy = rng.standard_normal(y.shape)
    dxs = layer.backward(dy)
    assert len(dxs) == len(xs)
    for x, x0 in zip(xs, before, strict=True):
        np.testing.assert_array_equal(x, x0)  # forward and backward leave the inputs alone
    for k, x in enumerate(xs):
        numeric = gradcheck.numeric_gradient(lambda: float(np.sum(layer.forward(xs) * dy)), x)
        assert dxs[k].shape == x.shape
        err = np.linalg.norm(dxs[k] - numeric) / (np.linalg.norm(dxs[k]) + np.linalg.norm(numeric) + 1e-300)
        assert err < 1e-7, (type(layer).__name__, k, err)


def _spread(rng, shape, k):
    """k arrays whose entries differ from each other by at least 0.1 (max/min stay away from their kinks)."""
    base = rng.permutation(np.arange(k * int(np.prod(shape)))).reshape(k, *shape) * 0.1
    return [base[i] + rng.uniform(-0.01, 0.01, size=shape) for i in range(k)]


shapes = st.tuples(st.integers(1, 4), st.integers(1, 5))


@settings(max_examples=10, deadline=None)
@given(shape=shapes, k=st.integers(2, 4), seed=st.integers(0, 1000))
@pytest.mark.parametrize("cls", [merge.Add, merge.Multiply, merge.Average, merge.Maximum, merge.Minimum])
def test_elementwise_merge_gradients(cls, shape, k, seed):
    rng = np.random.default_rng(seed)
    _merge_gradients_match(cls(), _spread(rng, shape, k), seed)


@settings(max_examples=10, deadline=None)
@given(shape=shapes, seed=st.integers(0, 1000))
def test_subtract_gradients(shape, seed):
    rng = np.random.default_rng(seed)
    _merge_gradients_match(merge.Subtract(), [rng.normal(size=shape), rng.normal(size=shape)], seed)


@settings(max_examples=10, deadline=None)
@given(n=st.integers(1, 4), widths=st.lists(st.integers(1, 4), min_size=2, max_size=4), seed=st.integers(0, 99))
def test_concatenate_gradients(n, widths, seed):
    rng = np.random.default_rng(seed)
    xs = [rng.normal(size=(n, 3, w)) for w in widths]
    _merge_gradients_match(merge.Concatenate(), xs, seed)
    _merge_gradients_match(merge.Concatenate(axis=2), xs, seed)
    _merge_gradients_match(merge.Concatenate(axis=1), [rng.normal(size=(n, w, 2)) for w in widths], seed)


@pytest.mark.parametrize("normalize", [False, True])
@pytest.mark.parametrize(
    ("shape_a", "shape_b", "axes", "out"),
    [
        ((4, 5), (4, 5), 1, (4, 1)),
        ((4, 3, 5), (4, 2, 5), (2, 2), (4, 3, 2)),
        ((4, 5, 3), (4, 5, 2), (1, 1), (4, 3, 2)),
        ((4, 3, 5), (4, 5, 2), (2, 1), (4, 3, 2)),
        ((4, 3, 5), (4, 5), (2, 1), (4, 3)),
    ],
)
def test_dot_gradients(shape_a, shape_b, axes, out, normalize):
    rng = np.random.default_rng(1)
    layer = merge.Dot(axes=axes, normalize=normalize)
    xs = [rng.normal(size=shape_a), rng.normal(size=shape_b)]
    assert layer(xs).shape == out
    _merge_gradients_match(merge.Dot(axes=axes, normalize=normalize), xs)


def test_merge_values_and_function_forms():
    a, b = np.array([[1.0, -2.0, 3.0]]), np.array([[0.5, 4.0, -1.0]])
    np.testing.assert_allclose(merge.add([a, b]), a + b)
    np.testing.assert_allclose(merge.subtract([a, b]), a - b)
    np.testing.assert_allclose(merge.multiply([a, b]), a * b)
    np.testing.assert_allclose(merge.average([a, b]), (a + b) / 2)
    np.testing.assert_allclose(merge.maximum([a, b]), np.maximum(a, b))
    np.testing.assert_allclose(merge.minimum([a, b]), np.minimum(a, b))
    np.testing.assert_allclose(merge.concatenate([a, b]), np.concatenate([a, b], axis=1))
    np.testing.assert_allclose(merge.dot([a, b], axes=1), (a * b).sum(axis=1, keepdims=True))
    cos = (a * b).sum() / np.linalg.norm(a) / np.linalg.norm(b)
    np.testing.assert_allclose(merge.dot([a, b], axes=1, normalize=True), [[cos]], rtol=1e-6)
    assert sn.layers.concatenate is merge.concatenate and sn.layers.Add is merge.Add


def test_merge_errors_are_clear():
    with pytest.raises(ValueError, match=r"Add 'a' expected inputs of one shape.*\(None, 3\), \(None, 4\)"):
        merge.Add(name="a")([sn.Input(shape=(3,)), sn.Input(shape=(4,))])
    with pytest.raises(TypeError, match="expected a list of inputs"):
        merge.Add()(sn.Input(shape=(3,)))
    with pytest.raises(ValueError, match=r"expected 2 inputs\. Received: 3"):
        merge.Subtract()([sn.Input(shape=(3,))] * 3)
    with pytest.raises(ValueError, match="match except along axis -1"):
        merge.Concatenate()([sn.Input(shape=(2, 3)), sn.Input(shape=(4, 3))])
    with pytest.raises(ValueError, match="nonzero int"):
        merge.Concatenate(axis=0)


# --- graph models --------------------------------------------------------------------------------------------------
def _residual_model(seed=0):
    """Fan-out and Add: x -> Dense -> (Dense, identity) -> Add -> softmax."""
    inputs = sn.Input(shape=(6,))
    h = L.Dense(5, activation="tanh")(inputs)
    branch = L.Dense(5, activation="tanh")(h)
    s = L.Add()([h, branch])  # h is used twice: its gradient is the sum of both uses
    outputs = L.Dense(3, activation="softmax")(s)
    return sn.Model(inputs, outputs, seed=seed)


def test_fan_out_graph_gradients_match_finite_differences():
    model = _residual_model()
    assert isinstance(model, Graph)
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    assert model.fused_loss is not None  # the graph's softmax output fuses with its cross-entropy
    rng = np.random.default_rng(0)
    report = gradcheck.check_model(model, rng.normal(size=(7, 6)), rng.integers(0, 3, 7), max_checks=None)
    assert report.passed, str(report)


def test_shared_layer_gradients_match_finite_differences_and_add_up():
    a, b = sn.Input(shape=(4,), name="left"), sn.Input(shape=(4,), name="right")
    shared = L.Dense(3, activation="tanh", name="shared")
    merged = L.Concatenate()([shared(a), shared(b)])
    out = L.Dense(1, name="out")(merged)
    model = sn.Model([a, b], out, seed=1)
    model.compile(optimizer="sgd", loss="mse")
    assert [layer.name for layer in model.layers].count("shared") == 1
    assert len(model.trainable_weights) == 4  # the shared kernel and bias once
    rng = np.random.default_rng(2)
    x = [rng.normal(size=(5, 4)), rng.normal(size=(5, 4))]
    y = rng.normal(size=(5, 1))
    report = gradcheck.check_model(model, x, y, max_checks=None)
    assert report.passed, str(report)

    # The same computation with two separate layers holding the same weights: the shared layer's gradient is the
    # sum of theirs, and each call's backward used its own input (a cache overwritten by the second call would not).
    a2, b2 = sn.Input(shape=(4,)), sn.Input(shape=(4,))
    first, second = L.Dense(3, activation="tanh"), L.Dense(3, activation="tanh")
    out2 = L.Dense(1)(L.Concatenate()([first(a2), second(b2)]))
    twin = sn.Model([a2, b2], out2)
    twin.set_weights([*shared.get_weights(), *shared.get_weights(), *model.get_layer("out").get_weights()])
    twin.compile(optimizer="sgd", loss="mse")
    model.compute_gradients(x, y)
    twin.compute_gradients(x, y)
    np.testing.assert_allclose(shared.grads["W"], first.grads["W"] + second.grads["W"], rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(shared.grads["b"], first.grads["b"] + second.grads["b"], rtol=1e-5, atol=1e-7)
    assert not np.allclose(first.grads["W"], second.grads["W"])  # the two calls really differ


def _two_in_two_out(seed=0):
    wide = sn.Input(shape=(3,), name="wide")
    deep = sn.Input(shape=(4,), name="deep")
    h = L.Dense(6, activation="relu")(deep)
    h = L.Dense(6, activation="tanh")(h)
    concat = L.concatenate([wide, h], name="concat")
    main = L.Dense(3, activation="softmax", name="main")(concat)
    aux = L.Dense(1, name="aux")(h)
    return sn.Model(inputs=[wide, deep], outputs=[main, aux], seed=seed)


def test_two_inputs_two_outputs_with_loss_weights_gradients():
    model = _two_in_two_out()
    model.compile(
        optimizer="sgd",
        loss=["sparse_categorical_crossentropy", "mse"],
        loss_weights=[0.9, 0.1],
        metrics={"main": ["accuracy"]},
    )
    rng = np.random.default_rng(3)
    x = [rng.normal(size=(8, 3)), rng.normal(size=(8, 4)) + 0.3]
    y = [rng.integers(0, 3, 8), rng.normal(size=(8, 1))]
    report = gradcheck.check_model(model, x, y, max_checks=None)
    assert report.passed, str(report)
    # dict data by input and output name, as Keras takes it
    loss_list = model.evaluate(x, y, verbose=0, return_dict=True)
    loss_dict = model.evaluate({"wide": x[0], "deep": x[1]}, {"main": y[0], "aux": y[1]}, verbose=0, return_dict=True)
    assert loss_list == loss_dict
    assert set(loss_list) == {"loss", "main_loss", "aux_loss", "main_accuracy"}
    assert loss_list["loss"] == pytest.approx(0.9 * loss_list["main_loss"] + 0.1 * loss_list["aux_loss"], rel=1e-5)


def test_two_outputs_train_and_predict_lists():
    model = _two_in_two_out(seed=4)
    model.compile(
        optimizer=sn.optimizers.Adam(0.02),
        loss={"main": "sparse_categorical_crossentropy", "aux": "mse"},
        metrics=["accuracy"],
    )
    rng = np.random.default_rng(4)
    x = [rng.normal(size=(200, 3)), rng.normal(size=(200, 4))]
    labels = (x[0][:, 0] > 0).astype(int) + (x[1][:, 1] > 0)
    y = [labels, x[1][:, :1] * 2.0]
    history = model.fit(x, y, epochs=25, batch_size=32, verbose=0, validation_split=0.2)
    logs = history.history
    assert {"main_accuracy", "aux_accuracy", "val_main_loss"} <= set(logs)
    assert logs["loss"][-1] < 0.3 * logs["loss"][0]
    assert logs["main_accuracy"][-1] > 0.85
    main, aux = model.predict(x)
    assert main.shape == (200, 3) and aux.shape == (200, 1) and main.dtype == np.float32


def test_graph_fit_matches_equivalent_sequential_on_a_chain_with_fan_out_of_one():
    """Add of a tensor with itself is 2x: the graph's backward must add both uses (else the gradient halves)."""
    inputs = sn.Input(shape=(2,))
    h = L.Dense(1, name="d")(inputs)
    out = L.Add()([h, h])
    model = sn.Model(inputs, out)
    model.compile(optimizer="sgd", loss="mse")
    x = np.array([[1.0, 2.0], [0.5, -1.0]])
    y = np.zeros((2, 1))
    model.compute_gradients(x, y)
    W, b = model.get_layer("d").params["W"], model.get_layer("d").params["b"]
    pred = 2 * (x @ W + b)
    dW_expected = x.T @ (2 * (pred - y) / 2 * 2)
    np.testing.assert_allclose(model.get_layer("d").grads["W"], dW_expected, rtol=1e-5)


def test_graph_save_load_round_trip(tmp_path):
    model = _two_in_two_out(seed=5)
    model.compile(optimizer="adam", loss=["sparse_categorical_crossentropy", "mse"], loss_weights=[1.0, 0.5])
    rng = np.random.default_rng(5)
    x = [rng.normal(size=(16, 3)), rng.normal(size=(16, 4))]
    model.fit(x, [rng.integers(0, 3, 16), rng.normal(size=(16, 1))], epochs=2, verbose=0)
    config = model.get_config()
    main_spec = next(spec for spec in config["layers"] if spec["config"]["name"] == "main")
    assert main_spec["inbound_nodes"] == [[["concat", 0, 0]]]
    path = tmp_path / "graph.npz"
    model.save(path)
    loaded = sn.models.load_model(path)
    assert isinstance(loaded, Graph)
    for a, b in zip(model.predict(x), loaded.predict(x), strict=True):
        np.testing.assert_array_equal(a, b)


def test_shared_layer_graph_save_load(tmp_path):
    a, b = sn.Input(shape=(4,)), sn.Input(shape=(4,))
    shared = L.Dense(3)
    out = L.Subtract()([shared(a), shared(b)])
    model = sn.Model([a, b], out, seed=0)
    path = tmp_path / "shared.npz"
    model.save(path)
    loaded = sn.models.load_model(path)
    x = [np.ones((2, 4)), np.zeros((2, 4))]
    np.testing.assert_allclose(loaded.predict(x), model.predict(x))
    assert len(loaded.trainable_weights) == 2


def test_summary_has_connected_to_column():
    lines = []
    _two_in_two_out().summary(print_fn=lines.append)
    text = "\n".join(lines)
    assert "Connected to" in text
    assert "wide[0][0]" in text and "deep[0][0]" in text


def test_custom_model_subclass_with_inputs_and_outputs():
    class CustomModel(sn.Model):
        pass

    inputs = sn.Input(shape=(3,))
    model = CustomModel(inputs, L.Dense(1)(inputs))
    assert isinstance(model, CustomModel)
    model.compile(optimizer="sgd", loss="mse")
    model.fit(np.ones((4, 3)), np.ones((4, 1)), verbose=0)
    a, b = sn.Input(shape=(3,)), sn.Input(shape=(3,))
    graph = CustomModel([a, b], L.Add()([a, b]))
    assert isinstance(graph, CustomModel) and isinstance(graph, Graph)


def test_graph_errors_are_clear():
    model = _two_in_two_out()
    model.compile(optimizer="sgd", loss=["sparse_categorical_crossentropy", "mse"])
    with pytest.raises(ValueError, match=r"has 2 inputs \(\['wide', 'deep'\]\).*Received: one ndarray"):
        model.predict(np.ones((2, 3)))
    with pytest.raises(ValueError, match=r"input 'deep' of model .* expects shape \(None, 4\)"):
        model.predict([np.ones((2, 3)), np.ones((2, 5))])
    with pytest.raises(ValueError, match="needs one entry per output"):
        model.compile(optimizer="sgd", loss=["mse"])
    with pytest.raises(ValueError, match="names outputs the model does not have"):
        model.compile(optimizer="sgd", loss={"nope": "mse"})
    with pytest.raises(ValueError, match="not among the model's inputs"):
        other = sn.Input(shape=(2,))
        sn.Model(sn.Input(shape=(2,)), L.Add()([other, sn.Input(shape=(2,))]))


def test_plot_model_says_it_draws_chains():
    pytest.importorskip("matplotlib")
    from scratchnet.plotting.model import plot_model

    with pytest.raises(ValueError, match=r"draws a chain of layers.*model.summary\(\)"):
        plot_model(_two_in_two_out())

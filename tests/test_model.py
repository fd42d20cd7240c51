"""Sequential end to end: gradients through the path fit uses, dtype through a step, compile/fit/evaluate/predict,
summary, nesting, callbacks, seeds, and the hints for learners."""

import math
import re
import warnings

import numpy as np
import pytest

import scratchnet as sn
from scratchnet import callbacks, gradcheck, layers, losses, nn, optimizers, utils


def blobs(n=256, d=8, c=4, seed=0, spread=1.0):
    """A classification problem: c Gaussian clusters in d dimensions. Returns float32 x (n, d), int labels (n,)."""
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((c, d))
    y = rng.integers(0, c, n)
    return (centres[y] + spread * rng.standard_normal((n, d))).astype(np.float32), y


def classifier(d=8, c=4, hidden=16, seed=0, dtype="float32", **kwargs):
    return sn.Sequential(
        [layers.Dense(hidden, activation="relu", input_shape=(d,)), layers.Dense(c, activation="softmax")],
        seed=seed,
        dtype=dtype,
        **kwargs,
    )


# --- gradients of whole models, through compute_gradients (the path fit uses) ---------------------------------------
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


# --- dtype through a training step ---------------------------------------------------------------------------------
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


# --- fit: inputs, validation, History ----------------------------------------------------------------------------
def _trained_weights(x, y, **fit_kwargs):
    # The same seed: the same initial weights and shuffles for every input format.
    model = sn.Sequential(
        [layers.Flatten(), layers.Dense(8, activation="relu"), layers.Dense(3, activation="softmax")], seed=0
    )
    model.compile("adam", "sparse_categorical_crossentropy")
    history = model.fit(x, y, epochs=2, batch_size=8, verbose=0, **fit_kwargs)
    return model.get_weights(), history.history


@pytest.mark.filterwarnings("ignore::scratchnet.utils.TrainingHint")  # raw uint8 pixels: the hint is right
def test_fit_takes_uint8_float64_and_lists_as_the_same_data():
    rng = np.random.default_rng(0)
    pixels = rng.integers(0, 256, (40, 3, 4), dtype=np.uint8)
    labels = rng.integers(0, 3, 40)
    scaled = pixels / 255.0  # float64, as in the course

    reference_u8, history_u8 = _trained_weights(pixels.astype(np.float32), labels)
    got_u8, got_history_u8 = _trained_weights(pixels, labels)
    reference_64, _ = _trained_weights(scaled.astype(np.float32), labels)
    got_64, _ = _trained_weights(scaled, labels)
    got_list, _ = _trained_weights(scaled.tolist(), labels.tolist())

    # Each batch is cast to float32 as it is used, which is exactly casting the whole set first.
    for ref, got in zip(reference_u8, got_u8, strict=True):
        np.testing.assert_array_equal(ref, got)
    assert got_history_u8 == history_u8
    for ref, a, b in zip(reference_64, got_64, got_list, strict=True):
        np.testing.assert_array_equal(ref, a)
        np.testing.assert_array_equal(ref, b)


def test_validation_split_holds_out_the_last_samples():
    x, y = blobs(50, seed=3)
    split = 40  # Keras: int(50 * (1 - 0.2))
    model = classifier(seed=11)
    model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
    history = model.fit(x, y, epochs=3, batch_size=8, validation_split=0.2, verbose=0).history

    # Trained on exactly the first 40: the same run on x[:40] alone gives the same weights and training curve.
    alone = classifier(seed=11)
    alone.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
    alone_history = alone.fit(x[:split], y[:split], epochs=3, batch_size=8, verbose=0).history
    for a, b in zip(model.get_weights(), alone.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)
    assert history["loss"] == alone_history["loss"]

    # Validated on exactly the last 10.
    val_loss, val_acc = model.evaluate(x[split:], y[split:], verbose=0)
    assert history["val_loss"][-1] == pytest.approx(val_loss, rel=1e-6)
    assert history["val_accuracy"][-1] == pytest.approx(val_acc)


def test_history_keys_lengths_and_consistency():
    x, y = blobs(64)
    model = classifier()
    model.compile("sgd", "sparse_categorical_crossentropy", metrics=["accuracy"])
    # One batch per epoch, no shuffling, validated on the training set itself: then the validation loss after
    # epoch e is the loss of the weights that epoch e + 1 starts from.
    history = model.fit(x, y, epochs=4, batch_size=64, validation_data=(x, y), shuffle=False, verbose=0)
    h = history.history
    assert set(h) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    assert all(len(v) == 4 for v in h.values())
    assert all(type(v) is float for values in h.values() for v in values)
    assert history.epoch == [0, 1, 2, 3]
    assert model.history is history
    np.testing.assert_allclose(h["val_loss"][:-1], h["loss"][1:], rtol=1e-6)
    np.testing.assert_allclose(h["val_accuracy"][:-1], h["accuracy"][1:])


def test_metrics_are_logged_under_the_name_given():
    x, y = blobs(40)
    model = classifier()
    model.compile("adam", "sparse_categorical_crossentropy", metrics=["acc"])
    h = model.fit(x, y, epochs=2, validation_split=0.25, verbose=0).history
    assert set(h) == {"loss", "acc", "val_loss", "val_acc"}
    assert model.evaluate(x, y, verbose=0, return_dict=True).keys() == {"loss", "acc"}


def test_history_loss_is_the_mean_over_all_examples_of_the_epoch():
    # Batch size 32 over 40 examples: batches of 32 and 8. The epoch's number must weight them by size.
    x, y = blobs(40)
    model = classifier()
    model.compile(optimizers.SGD(1e-12), "sparse_categorical_crossentropy")  # too small a step to change the loss
    per_batch = []
    cb = callbacks.LambdaCallback(on_batch_end=lambda batch, logs: per_batch.append(dict(logs)))
    h = model.fit(x, y, epochs=1, shuffle=False, callbacks=[cb], verbose=0).history
    whole = model.evaluate(x, y, verbose=0)
    assert h["loss"][0] == pytest.approx(whole, rel=1e-5)
    assert len(per_batch) == 2


# --- accuracy by shapes, evaluate, predict --------------------------------------------------------------------------
def test_accuracy_is_sparse_for_integer_labels():
    x, y = blobs(100)
    model = classifier(seed=2)
    model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
    _, acc = model.evaluate(x, y, verbose=0)
    assert acc == pytest.approx(np.mean(model.predict(x).argmax(axis=1) == y))
    assert 0 < acc < 1  # not a degenerate case where any formula would agree


def test_accuracy_is_categorical_for_one_hot_labels():
    x, y = blobs(100)
    model = classifier(seed=2)
    model.compile("adam", "categorical_crossentropy", metrics=["accuracy"])
    onehot = np.eye(4)[y]
    _, acc = model.evaluate(x, onehot, verbose=0)
    assert acc == pytest.approx(np.mean(model.predict(x).argmax(axis=1) == y))
    assert 0 < acc < 1


def test_accuracy_is_binary_for_one_output():
    rng = np.random.default_rng(0)
    x, y = rng.standard_normal((100, 3)).astype(np.float32), rng.integers(0, 2, 100)
    model = sn.Sequential([layers.Dense(1, activation="sigmoid", input_shape=(3,))], seed=3)
    model.compile("adam", "binary_crossentropy", metrics=["accuracy"])
    _, acc = model.evaluate(x, y, verbose=0)
    p = model.predict(x)[:, 0]
    assert acc == pytest.approx(np.mean((p > 0.5) == y))
    assert acc != pytest.approx(np.mean(y == 0))  # what argmax over one column would give


def test_evaluate_returns_a_float_without_metrics_and_a_list_with_them():
    x, y = blobs(50)
    plain = classifier()
    plain.compile("adam", "sparse_categorical_crossentropy")
    value = plain.evaluate(x, y, verbose=0)
    assert type(value) is float
    assert value == pytest.approx(losses.SparseCategoricalCrossentropy()(y, plain.predict(x)), rel=1e-6)

    with_acc = classifier()
    with_acc.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
    result = with_acc.evaluate(x, y, verbose=0)
    assert isinstance(result, list) and len(result) == 2
    assert all(type(v) is float for v in result)


def test_evaluate_does_not_depend_on_the_batch_size():
    x, y = blobs(50)
    model = classifier()
    model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
    small = model.evaluate(x, y, batch_size=7, verbose=0)
    whole = model.evaluate(x, y, batch_size=50, verbose=0)
    np.testing.assert_allclose(small, whole, rtol=1e-6)


def test_predict_shape_dtype_probabilities_and_formula():
    x, _ = blobs(70)
    model = classifier()
    p = model.predict(x)
    assert p.shape == (70, 4) and p.dtype == np.float32
    np.testing.assert_allclose(p.sum(axis=1), 1, rtol=1e-6)
    W1, b1, W2, b2 = (w.astype(np.float64) for w in model.get_weights())
    expected = nn.softmax(np.maximum(x @ W1 + b1, 0) @ W2 + b2)
    np.testing.assert_allclose(p, expected, rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(model.predict(x, batch_size=9), p, rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(model(x), p, rtol=1e-6, atol=1e-7)


def test_train_on_batch_steps_once_and_test_on_batch_changes_nothing():
    x, y = blobs(32)
    model = classifier()
    model.compile(optimizers.SGD(0.1), "sparse_categorical_crossentropy", metrics=["accuracy"])
    before_weights = model.get_weights()
    before = model.test_on_batch(x, y)
    for b, a in zip(before_weights, model.get_weights(), strict=True):
        np.testing.assert_array_equal(b, a)

    result = model.train_on_batch(x, y)
    assert result[0] == pytest.approx(before[0], rel=1e-6)  # the loss before the step, as Keras reports it
    assert model.optimizer.iterations == 1
    after = model.test_on_batch(x, y)
    assert after[0] < before[0]
    # The step was plain SGD: W <- W - 0.1 * dW, with dW from compute_gradients on the old weights.
    check = classifier()
    check.compile("sgd", "sparse_categorical_crossentropy")
    check.set_weights(before_weights)
    check.compute_gradients(x, y)
    grads = [layer.grads[key] for layer in check.layers for key in layer.grads]  # Keras order, as get_weights
    expected = [w - 0.1 * g for w, g in zip(before_weights, grads, strict=True)]
    for e, a in zip(expected, model.get_weights(), strict=True):
        np.testing.assert_allclose(a, e, rtol=1e-5, atol=1e-7)


# --- building, summary, weights ---------------------------------------------------------------------------------------
def mnist_model(seed=None, **kwargs):
    return sn.Sequential(
        [layers.Flatten(**kwargs), layers.Dense(128, activation=nn.relu), layers.Dense(10, activation=nn.softmax)],
        seed=seed,
    )


def test_summary_prints_the_keras_2_table(capsys):
    model = mnist_model(input_shape=(28, 28))
    model.summary()
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == f'Model: "{model.name}"'
    header = lines.index(next(line for line in lines if "Layer (type)" in line))
    assert "Output Shape" in lines[header] and "Param #" in lines[header]
    assert set(lines[header - 1]) == {"_"} and set(lines[header + 1]) == {"="}
    rows = [line.split() for line in lines if "(None," in line]
    assert [(r[1], " ".join(r[2:-1]), r[-1]) for r in rows] == [
        ("(Flatten)", "(None, 784)", "0"),
        ("(Dense)", "(None, 128)", "100480"),
        ("(Dense)", "(None, 10)", "1290"),
    ]
    text = "\n".join(lines)
    total = re.search(r"^Total params: ([\d,]+)", text, re.M).group(1)
    trainable = re.search(r"^Trainable params: ([\d,]+)", text, re.M).group(1)
    assert total.replace(",", "") == trainable.replace(",", "") == "101770"
    assert re.search(r"^Non-trainable params: 0\b", text, re.M)
    assert model.count_params() == 101770


def test_summary_goes_to_print_fn():
    captured = []
    mnist_model(input_shape=(28, 28)).summary(print_fn=captured.append)
    assert any("101" in line and "Total params" in line for line in captured)


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
    assert model.built and model.output_shape == (4,)
    assert model.predict(np.ones((5, 2, 3))).shape == (5, 4)


def test_get_weights_and_set_weights_use_keras_order():
    model = classifier(d=3, c=2, hidden=4)
    shapes = [w.shape for w in model.get_weights()]
    assert shapes == [(3, 4), (4,), (4, 2), (2,)]
    first, second = model.layers[0].name, model.layers[1].name
    assert model.weight_names == [f"{first}/W", f"{first}/b", f"{second}/W", f"{second}/b"]
    rng = np.random.default_rng(0)
    new = [rng.standard_normal(s) for s in shapes]
    arrays = model.trainable_weights
    model.set_weights(new)
    assert all(a is b for a, b in zip(arrays, model.trainable_weights, strict=True))  # written in place
    assert model.layers[0].kernel is arrays[0] and model.layers[1].bias is arrays[3]
    for w, n in zip(model.get_weights(), new, strict=True):
        np.testing.assert_allclose(w, n.astype(np.float32))
    copies = model.get_weights()
    copies[0][...] = 0  # get_weights returns copies
    assert np.any(model.layers[0].kernel != 0)


# --- the course programs --------------------------------------------------------------------------------------------
def test_the_first_course_model_learns_y_equals_2x_minus_1(capsys):
    model = sn.Sequential([layers.Dense(units=1, input_shape=[1])])
    model.compile(optimizer="sgd", loss="mean_squared_error")
    xs = np.array([-1.0, 0.0, 1.0, 2.0, 3.0, 4.0], dtype=float)
    ys = np.array([-3.0, -1.0, 1.0, 3.0, 5.0, 7.0], dtype=float)
    model.fit(xs, ys, epochs=500)
    prediction = model.predict([10.0])
    assert prediction.shape == (1, 1)
    assert prediction[0, 0] == pytest.approx(19, abs=0.1)  # Keras gives about 18.98
    assert "Epoch 500/500" in capsys.readouterr().out


def test_the_course_callback_stops_at_60_percent_verbatim(capsys):
    class myCallback(sn.callbacks.Callback):  # the course's code, as written
        def on_epoch_end(self, epoch, logs={}):  # noqa: B006
            if logs.get("accuracy") > 0.6:
                print("\nReached 60% accuracy so cancelling training!")
                self.model.stop_training = True

    x, y = blobs(512)
    model = classifier()
    model.compile(optimizer=optimizers.SGD(0.01), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    history = model.fit(x, y, epochs=30, callbacks=[myCallback()], verbose=0)
    acc = history.history["accuracy"]
    assert len(acc) < 30
    assert acc[-1] > 0.6 and all(a <= 0.6 for a in acc[:-1])  # stopped after the first epoch above 60%
    assert len(acc) > 1, "make the problem harder: the test should see epochs below 60%"
    assert capsys.readouterr().out.count("Reached 60% accuracy so cancelling training!") == 1


# --- callbacks with a real model -----------------------------------------------------------------------------------
def test_early_stopping_restores_the_best_weights():
    # y = 2x - 1 on x symmetric about 0, starting at w = 2, b = 0: only b moves, b_t + 1 = (1 - 2 lr)^t, all by
    # hand. The validation targets are 2x - 0.5, so val_loss = (b + 0.5)^2 falls, bottoms out, then rises.
    x = np.array([-2.0, -1.0, 0.0, 1.0, 2.0])
    lr = 0.05
    model = sn.Sequential([layers.Dense(1, input_shape=[1])], dtype="float64")
    model.compile(optimizers.SGD(lr), "mse")
    model.set_weights([np.array([[2.0]]), np.array([0.0])])
    seen = []
    record = callbacks.LambdaCallback(on_epoch_end=lambda epoch, logs: seen.append(model.get_weights()))
    stop = callbacks.EarlyStopping(monitor="val_loss", patience=2, restore_best_weights=True)
    history = model.fit(
        x, 2 * x - 1, batch_size=5, epochs=50, validation_data=(x, 2 * x - 0.5), callbacks=[record, stop], verbose=0
    )

    b = [(1 - 2 * lr) ** t - 1 for t in range(1, 51)]  # b after each epoch
    best = int(np.argmin([(bt + 0.5) ** 2 for bt in b]))
    assert len(history.history["loss"]) == best + 1 + 2  # patience 2 after the best epoch
    assert stop.best_epoch == best
    np.testing.assert_allclose(history.history["val_loss"], [(bt + 0.5) ** 2 for bt in b[: best + 3]], rtol=1e-9)
    final = model.get_weights()
    np.testing.assert_array_equal(final[1], seen[best][1])
    np.testing.assert_allclose(final[1], [b[best]], rtol=1e-12)
    assert not np.array_equal(final[1], seen[-1][1])


def test_terminate_on_nan_stops_a_diverging_run(capsys):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((64, 4)).astype(np.float32)
    y = x @ rng.standard_normal((4, 1))
    model = sn.Sequential([layers.Dense(8, input_shape=(4,)), layers.Dense(1)], seed=0)
    model.compile(optimizers.SGD(1e6), "mse")  # an absurd learning rate
    steps = []
    count = callbacks.LambdaCallback(on_batch_end=lambda batch, logs: steps.append(logs["loss"]))
    with np.errstate(all="ignore"), pytest.warns(utils.TrainingHint, match="learning rate"):
        history = model.fit(x, y, batch_size=4, epochs=5, callbacks=[count, callbacks.TerminateOnNaN()], verbose=0)
    assert not math.isfinite(steps[-1])
    assert all(math.isfinite(s) for s in steps[:-1])  # it stopped at the first bad batch
    assert len(steps) < 16  # long before the end of the first epoch
    assert len(history.history["loss"]) == 1
    assert "Invalid loss, terminating training" in capsys.readouterr().out


def test_callbacks_see_the_model_and_every_hook():
    x, y = blobs(40)
    model = classifier()
    model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
    events = []

    class Recorder(callbacks.Callback):
        def on_train_begin(self, logs=None):
            events.append(("train_begin", self.model is model))

        def on_epoch_begin(self, epoch, logs=None):
            events.append(("epoch_begin", epoch))

        def on_batch_end(self, batch, logs=None):
            events.append(("batch_end", batch, sorted(logs)))

        def on_epoch_end(self, epoch, logs=None):
            events.append(("epoch_end", epoch, sorted(logs)))

        def on_train_end(self, logs=None):
            events.append(("train_end",))

    model.fit(x, y, epochs=2, batch_size=16, validation_split=0.2, callbacks=[Recorder()], verbose=0)
    epoch_keys = ["accuracy", "loss", "val_accuracy", "val_loss"]
    one_epoch = [("batch_end", i, ["accuracy", "loss"]) for i in range(2)]  # 32 training examples
    assert events == [
        ("train_begin", True),
        ("epoch_begin", 0),
        *one_epoch,
        ("epoch_end", 0, epoch_keys),
        ("epoch_begin", 1),
        *one_epoch,
        ("epoch_end", 1, epoch_keys),
        ("train_end",),
    ]


# --- seeds -----------------------------------------------------------------------------------------------------------
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


# --- nesting ---------------------------------------------------------------------------------------------------------
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


def test_nested_model_summary_shows_the_inner_model_as_one_row(capsys):
    inner = sn.Sequential([layers.Dense(3, input_shape=(2,))], name="inner_model")
    outer = sn.Sequential([inner, layers.Softmax()])
    outer.summary()
    out = capsys.readouterr().out
    assert re.search(r"inner_model \(Sequential\)\s+\(None, 3\)\s+9\b", out)


# --- hints for learners ----------------------------------------------------------------------------------------------
def _trained_on_unit_interval():
    rng = np.random.default_rng(0)
    pixels = rng.integers(0, 256, (64, 4, 4), dtype=np.uint8)
    labels = rng.integers(0, 3, 64)
    model = sn.Sequential([layers.Flatten(), layers.Dense(8, activation="relu"), layers.Dense(3, "softmax")], seed=0)
    model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(pixels / 255.0, labels, epochs=1, verbose=0)
    return model, pixels, labels


def test_input_scale_warning_for_pixels_not_divided_by_255():
    model, pixels, labels = _trained_on_unit_interval()
    with pytest.warns(utils.InputScaleWarning, match=r"divide by 255"):
        model.predict(pixels)
    model, pixels, labels = _trained_on_unit_interval()
    with pytest.warns(utils.InputScaleWarning, match=r"divide by 255"):
        model.evaluate(pixels, labels, verbose=0)


def test_no_input_scale_warning_for_inputs_scaled_like_training():
    model, pixels, labels = _trained_on_unit_interval()
    with warnings.catch_warnings():
        warnings.simplefilter("error", utils.InputScaleWarning)
        model.predict(pixels / 255.0)
        model.evaluate(pixels / 255.0, labels, verbose=0)


def test_first_batch_loss_hint_for_unnormalized_inputs():
    rng = np.random.default_rng(0)
    pixels = rng.integers(0, 256, (64, 28, 28), dtype=np.uint8)
    labels = rng.integers(0, 10, 64)

    raw = mnist_model(seed=0)
    raw.compile("adam", "sparse_categorical_crossentropy")
    with pytest.warns(utils.TrainingHint, match=r"ln\(10\)") as record:
        raw.fit(pixels, labels, epochs=1, verbose=0)
    assert "divide images by 255" in str(record[0].message)

    scaled = mnist_model(seed=0)
    scaled.compile("adam", "sparse_categorical_crossentropy")
    with warnings.catch_warnings():
        warnings.simplefilter("error", utils.TrainingHint)
        scaled.fit(pixels / 255.0, labels, epochs=1, verbose=0)


def test_from_logits_after_a_softmax_warns_at_compile():
    model = classifier()
    with pytest.warns(UserWarning, match="from_logits=True") as record:
        model.compile("adam", losses.SparseCategoricalCrossentropy(from_logits=True))
    assert "Softmax" in str(record[0].message)

    logits_model = sn.Sequential([layers.Dense(4, input_shape=(8,))])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        logits_model.compile("adam", losses.SparseCategoricalCrossentropy(from_logits=True))

"""What Keras programs reach for by name: utils.to_categorical / normalize, metrics by every Keras name and as
objects or functions, losses as per-example functions, the custom-loss error, the version, and one-line errors
for what scratchnet does not have. Expected values are computed independently in the tests (or are the numbers
of Keras's own documentation)."""

from __future__ import annotations

import importlib.metadata
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import scratchnet as sn
from scratchnet import losses, metrics, utils


def _regression(seed=0, n=40):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 3)).astype(np.float32)
    y = (x @ np.array([1.0, -2.0, 0.5]) + 0.3).astype(np.float32)
    model = sn.Sequential([sn.layers.Dense(1, input_shape=(3,))], seed=seed)
    return model, x, y


def _classifier(seed=0, n=40, c=4):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 5)).astype(np.float32)
    y = rng.integers(0, c, n)
    model = sn.Sequential([sn.layers.Dense(c, activation="softmax", input_shape=(5,))], seed=seed)
    return model, x, y


# --- utils ------------------------------------------------------------------------------------------------------------
def test_to_categorical_keras_doc_example_and_dtype():
    out = utils.to_categorical([0, 1, 2, 3], num_classes=4)
    np.testing.assert_array_equal(out, np.eye(4))
    assert out.dtype == np.float32


def test_to_categorical_infers_classes_drops_a_trailing_one_and_accepts_whole_floats():
    out = utils.to_categorical(np.array([[2], [0]]))
    assert out.shape == (2, 3)
    np.testing.assert_array_equal(out.argmax(axis=1), [2, 0])
    np.testing.assert_array_equal(utils.to_categorical(np.array([1.0, 0.0]), 2), [[0, 1], [1, 0]])


@pytest.mark.parametrize(
    ("labels", "num_classes", "match"),
    [([0, 3], 3, r"in \[0, 3\)"), ([-1, 0], 2, "min label -1"), ([0.5, 1.0], None, "integer class labels")],
)
def test_to_categorical_bad_labels_are_clear_errors(labels, num_classes, match):
    with pytest.raises(ValueError, match=match):
        utils.to_categorical(labels, num_classes)


@settings(max_examples=20, deadline=None)
@given(n=st.integers(1, 6), d=st.integers(1, 5), seed=st.integers(0, 2**32 - 1))
def test_normalize_gives_unit_rows_and_leaves_zero_rows(n, d, seed):
    x = np.random.default_rng(seed).normal(size=(n, d)).astype(np.float32)
    x[0] = 0.0
    out = utils.normalize(x)
    assert out.dtype == np.float32
    np.testing.assert_array_equal(out[0], 0.0)
    norms = np.sqrt((out[1:].astype(np.float64) ** 2).sum(axis=1))
    np.testing.assert_allclose(norms, 1.0, rtol=1e-5)


def test_normalize_along_axis_0_with_l1():
    x = np.array([[1.0, -2.0], [3.0, 2.0]])
    np.testing.assert_allclose(utils.normalize(x, axis=0, order=1), x / np.array([4.0, 4.0]))


# --- version ---------------------------------------------------------------------------------------------------------
def test_version_is_the_package_version_in_both_places():
    # The distribution is called scratchnet-keras on PyPI (pyproject.toml); the import name is scratchnet.
    assert sn.__version__ == sn.version.VERSION == importlib.metadata.version("scratchnet-keras")


# --- metrics by name, object and function -----------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["mae", "MAE", "mean_absolute_error", "MeanAbsoluteError"])
def test_mae_by_every_keras_name_is_logged_as_written(name):
    model, x, y = _regression()
    model.compile(optimizer="sgd", loss="mse", metrics=[name])
    logs = model.evaluate(x, y, verbose=0, return_dict=True)
    assert list(logs) == ["loss", name]
    expected = np.abs(model.predict(x)[:, 0] - y).mean()
    np.testing.assert_allclose(logs[name], expected, rtol=1e-5)


@pytest.mark.parametrize(
    ("metric", "logged", "reference"),
    [
        ("mse", "mse", lambda p, y: ((p - y) ** 2).mean()),
        ("mean_squared_error", "mean_squared_error", lambda p, y: ((p - y) ** 2).mean()),
        (metrics.MeanSquaredError(), "mean_squared_error", lambda p, y: ((p - y) ** 2).mean()),
        ("mape", "mape", lambda p, y: 100 * (np.abs(y - p) / np.abs(y)).mean()),
        ("RootMeanSquaredError", "RootMeanSquaredError", lambda p, y: math.sqrt(((p - y) ** 2).mean())),
    ],
)
def test_regression_metrics(metric, logged, reference):
    model, x, y = _regression()
    model.compile(optimizer="sgd", loss="mse", metrics=[metric])
    # One batch: the epoch's number is exactly the batch's for every metric, RMSE included.
    logs = model.evaluate(x, y, batch_size=len(x), verbose=0, return_dict=True)
    assert list(logs) == ["loss", logged]
    np.testing.assert_allclose(logs[logged], reference(model.predict(x)[:, 0].astype(np.float64), y), rtol=1e-5)


@pytest.mark.parametrize(
    ("metric", "logged"),
    [
        (metrics.SparseCategoricalAccuracy(), "sparse_categorical_accuracy"),
        (metrics.SparseCategoricalAccuracy, "sparse_categorical_accuracy"),
        ("sparse_categorical_accuracy", "sparse_categorical_accuracy"),
        (metrics.sparse_categorical_accuracy, "sparse_categorical_accuracy"),
        ("Accuracy", "Accuracy"),
        (metrics.SparseCategoricalAccuracy(name="acc_named"), "acc_named"),
    ],
)
def test_accuracy_as_object_class_name_and_function(metric, logged):
    model, x, y = _classifier()
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=[metric])
    logs = model.evaluate(x, y, verbose=0, return_dict=True)
    assert list(logs) == ["loss", logged]
    np.testing.assert_allclose(logs[logged], (model.predict(x).argmax(axis=1) == y).mean())


def test_categorical_accuracy_object_with_one_hot_labels():
    model, x, y = _classifier()
    model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=[metrics.CategoricalAccuracy()])
    logs = model.evaluate(x, utils.to_categorical(y, 4), verbose=0, return_dict=True)
    np.testing.assert_allclose(logs["categorical_accuracy"], (model.predict(x).argmax(axis=1) == y).mean())


def test_top_k_against_a_sort_based_reference():
    rng = np.random.default_rng(3)
    p = rng.random((50, 7))
    y = rng.integers(0, 7, 50)
    top3 = np.argsort(-p, axis=1)[:, :3]
    expected = np.mean([y[i] in top3[i] for i in range(50)])
    assert metrics.sparse_top_k_categorical_accuracy(y, p, k=3) == pytest.approx(expected)
    m = metrics.TopKCategoricalAccuracy(k=3, name="top_3_accuracy")
    m.update_state(utils.to_categorical(y, 7), p)
    assert m.result() == pytest.approx(expected) and m.name == "top_3_accuracy"


def test_metric_objects_accumulate_exactly_over_batches():
    rng = np.random.default_rng(4)
    y, p = rng.normal(size=(30, 2)), rng.normal(size=(30, 2))
    rmse = metrics.RootMeanSquaredError()
    for rows in (slice(0, 7), slice(7, 30)):
        rmse.update_state(y[rows], p[rows])
    assert rmse.result() == pytest.approx(math.sqrt(((y - p) ** 2).mean()))
    rmse.reset_state()
    assert rmse.result() == 0.0


def test_custom_metric_function_of_numpy_arrays_per_example_or_scalar():
    def max_abs_error(y_true, y_pred):  # one number per example, as Keras metric functions return
        return np.abs(y_true - y_pred).max(axis=-1)

    model, x, y = _regression()
    model.compile(optimizer="sgd", loss="mse", metrics=[max_abs_error, lambda yt, yp: 7])
    logs = model.evaluate(x, y, verbose=0, return_dict=True)
    assert list(logs) == ["loss", "max_abs_error", "<lambda>"]
    np.testing.assert_allclose(logs["max_abs_error"], np.abs(model.predict(x)[:, 0] - y).mean(), rtol=1e-5)
    assert logs["<lambda>"] == 7


def test_custom_metric_returning_no_number_is_a_clear_error():
    model, x, y = _regression()
    model.compile(optimizer="sgd", loss="mse", metrics=[lambda yt, yp: "good"])
    with pytest.raises(TypeError, match="Metric '<lambda>' must return a number"):
        model.evaluate(x, y, verbose=0)


def test_unknown_metric_still_lists_the_known_names():
    with pytest.raises(ValueError, match=r"^Unknown metric\. Expected one of .*'mae'.*Received: metric='precision'\.$"):
        metrics.check_names(["precision"])


def test_metric_names_survive_save_and_load(tmp_path):
    model, x, y = _regression()
    model.compile(optimizer="sgd", loss="mse", metrics=["mae"])
    model.save(tmp_path / "m.npz")
    loaded = sn.models.load_model(tmp_path / "m.npz")
    assert loaded.evaluate(x, y, verbose=0, return_dict=True) == pytest.approx(
        model.evaluate(x, y, verbose=0, return_dict=True)
    )


# --- losses as functions, and the custom-loss error -------------------------------------------------------------------
def test_sparse_categorical_crossentropy_function_keras_doc_example():
    out = losses.sparse_categorical_crossentropy([1, 2], [[0.05, 0.95, 0], [0.1, 0.8, 0.1]])
    np.testing.assert_allclose(out, [0.0513, 2.3026], atol=1e-4)


LOSS_FUNCTIONS = [
    (losses.sparse_categorical_crossentropy, losses.SparseCategoricalCrossentropy, "sparse"),
    (losses.categorical_crossentropy, losses.CategoricalCrossentropy, "onehot"),
    (losses.binary_crossentropy, losses.BinaryCrossentropy, "binary"),
    (losses.mean_squared_error, losses.MeanSquaredError, "real"),
    (losses.mae, losses.MeanAbsoluteError, "real"),
]


@pytest.mark.parametrize(
    ("function", "cls", "kind", "from_logits"),
    [(*case, fl) for case in LOSS_FUNCTIONS for fl in (False, True) if not (fl and case[2] == "real")],
)
def test_loss_functions_are_per_example_and_average_to_the_class(function, cls, kind, from_logits):
    rng = np.random.default_rng(5)
    z = rng.normal(size=(6, 4))
    p = z if from_logits else (sn.nn.sigmoid(z) if kind == "binary" else sn.nn.softmax(z))
    y = {
        "sparse": rng.integers(0, 4, 6),
        "onehot": utils.to_categorical(rng.integers(0, 4, 6), 4),
        "binary": rng.integers(0, 2, (6, 4)),
        "real": rng.normal(size=(6, 4)),
    }[kind]
    kwargs = {"from_logits": True} if from_logits else {}
    per_example = function(y, p, **kwargs)
    assert per_example.shape == (6,)
    loss = cls(**kwargs)
    np.testing.assert_allclose(per_example.mean(), loss(y, p), rtol=1e-6)


def test_compile_with_a_keras_loss_function_trains_as_its_class():
    a, x, y = _classifier()
    b, _, _ = _classifier()
    a.compile(optimizer="sgd", loss=sn.losses.sparse_categorical_crossentropy)
    b.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    ha = a.fit(x, y, epochs=2, shuffle=False, verbose=0).history["loss"]
    hb = b.fit(x, y, epochs=2, shuffle=False, verbose=0).history["loss"]
    assert isinstance(a.loss, losses.SparseCategoricalCrossentropy)
    np.testing.assert_allclose(ha, hb)


def test_a_custom_loss_function_trains_through_the_tape():
    # Issue 16: a loss function of your own is differentiated by the tape (np.mean on tensors is recorded too).
    def custom_mean_squared_error(y_true, y_pred):
        return np.mean((y_true - y_pred) ** 2)

    loss = losses.get(custom_mean_squared_error)
    rng = np.random.default_rng(0)
    y, p = rng.normal(size=(4, 2)), rng.normal(size=(4, 2))
    np.testing.assert_allclose(loss.backward(y, p), losses.MeanSquaredError().backward(y, p), rtol=1e-6)
    model, x, y = _regression()
    model.compile(optimizer=sn.optimizers.SGD(0.1), loss=custom_mean_squared_error)
    h = model.fit(x, y.reshape(-1, 1), epochs=30, verbose=0).history["loss"]
    assert h[-1] < 0.01 * h[0]


def test_a_keras_style_loss_subclass_with_call_is_differentiated_by_the_tape():
    class CustomMSE(losses.Loss):
        def __init__(self, regularization_factor=0.1, name="custom_mse"):
            super().__init__(name=name)
            self.regularization_factor = regularization_factor

        def call(self, y_true, y_pred):
            return sn.reduce_mean(sn.square(y_true - y_pred), axis=-1)

    loss = losses.get(CustomMSE())
    y, p = np.ones((3, 2)), np.arange(6.0).reshape(3, 2)
    np.testing.assert_allclose(loss.backward(y, p), 2 * (p - y) / p.size)
    assert loss.name == "custom_mse"


def test_a_loss_that_loses_the_tape_says_so():
    def detached(y_true, y_pred):
        return np.asarray(y_pred).sum() * 0 + float(np.mean(np.asarray(y_true)))

    with pytest.raises(ValueError, match="does not depend on y_pred as the tape saw it"):
        losses.get(detached).backward(np.ones((2, 1)), np.ones((2, 1)))


def test_a_loss_written_with_forward_and_backward_trains():
    class MyMSE(losses.Loss):
        def forward(self, y_true, y_pred):
            return float(((y_pred - y_true) ** 2).mean())

        def backward(self, y_true, y_pred):
            return 2 * (y_pred - y_true) / y_pred.size

    model, x, y = _regression()
    model.compile(optimizer=sn.optimizers.SGD(0.1), loss=MyMSE())
    h = model.fit(x, y.reshape(-1, 1), epochs=30, verbose=0).history["loss"]
    assert h[-1] < 0.01 * h[0]


@settings(max_examples=20, deadline=None)
@given(n=st.integers(1, 5), d=st.integers(1, 4), seed=st.integers(0, 2**32 - 1))
def test_mean_absolute_error_backward_matches_finite_differences(n, d, seed, numeric_gradient, relative_error):
    rng = np.random.default_rng(seed)
    y_true = rng.normal(size=(n, d))
    # Keep every |p - y| >= 0.1: |u| has a kink at 0, where finite differences measure nothing useful.
    y_pred = y_true + rng.choice([-1.0, 1.0], (n, d)) * rng.uniform(0.1, 1.0, (n, d))
    loss = losses.MeanAbsoluteError()
    numeric = numeric_gradient(lambda p: loss.forward(y_true, p), y_pred.copy())
    assert relative_error(loss.backward(y_true, y_pred), numeric) < 1e-6


def test_mean_absolute_error_keeps_float32_and_is_registered():
    y = np.ones((3, 2), np.float32)
    assert losses.MeanAbsoluteError().backward(y, y * 2).dtype == np.float32
    assert isinstance(losses.get("mae"), losses.MeanAbsoluteError)
    assert isinstance(losses.get("mean_absolute_error"), losses.MeanAbsoluteError)


# --- one clear line for what scratchnet does not have -----------------------------------------------------------------
@pytest.mark.parametrize(
    ("module", "name", "says"),
    [
        (sn, "applications", "no pretrained models"),
        (sn, "TextVectorization", "scratchnet has Input, Model, Sequential"),
        (sn.layers, "MultiHeadAttention", "Dense, Dot, Dropout"),
        (sn.optimizers, "Ftrl", "SGD, Adam, RMSprop, Adagrad"),
        (sn.metrics, "AUC", "RootMeanSquaredError"),
        (sn.callbacks, "TensorBoard", "ModelCheckpoint"),
    ],
)
def test_missing_names_fail_with_one_line_naming_what_there_is(module, name, says):
    with pytest.raises(AttributeError) as info:
        getattr(module, name)
    message = str(info.value)
    assert name in message and says in message and "\n" not in message
    assert not hasattr(module, name)


# --- a metric written the Keras 3 way: add_weight, update_state with keras.ops, result, reset_state ------------------
class _SumOfSquaredErrorsPerExample(metrics.Metric):
    def __init__(self, name="sse_per_example", **kwargs):
        super().__init__(name=name, **kwargs)
        self.sse = self.add_weight(name="sse", initializer="zeros")
        self.count = self.add_weight(name="count", initializer="zeros")

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_true = sn.ops.one_hot(y_true, num_classes=sn.ops.shape(y_pred)[1])
        self.sse.assign_add(sn.ops.sum(sn.ops.square(y_true - y_pred)))
        self.count.assign_add(sn.ops.shape(y_pred)[0])

    def result(self):
        return self.sse / self.count

    def reset_state(self):
        self.sse.assign(0.0)
        self.count.assign(0.0)


def test_keras_style_metric_subclass_with_add_weight_and_ops():
    model, x, y = _classifier()
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=[_SumOfSquaredErrorsPerExample()])
    logs = model.evaluate(x, y, batch_size=len(x), verbose=0, return_dict=True)
    p = model.predict(x).astype(np.float64)
    expected = ((np.eye(4)[y] - p) ** 2).sum() / len(x)
    np.testing.assert_allclose(logs["sse_per_example"], expected, rtol=1e-5)


def test_metric_state_variables_update_in_place():
    m = _SumOfSquaredErrorsPerExample()
    state = m.sse
    m.update_state(np.array([0, 1]), np.array([[1.0, 0.0], [1.0, 0.0]]))
    assert m.sse is state and float(m.sse) == 2.0 and m.result() == 1.0
    m.reset_state()
    assert float(m.sse) == 0.0 and isinstance(m.sse.numpy(), np.ndarray)


def test_ops_are_numpy_and_missing_ops_say_so():
    np.testing.assert_array_equal(sn.ops.one_hot(np.array([1, 0]), num_classes=2), [[0, 1], [1, 0]])
    assert sn.ops.shape(np.zeros((3, 2))) == (3, 2)
    assert sn.ops.cast(np.array([1.7]), "int32").dtype == np.int32
    with pytest.raises(AttributeError, match="use the NumPy function"):
        sn.ops.segment_sum  # noqa: B018


# --- keras.backend ------------------------------------------------------------------------------------------------
def test_clear_session_restarts_automatic_layer_names():
    sn.layers.Dense(2)
    sn.backend.clear_session()
    first, second = sn.layers.Dense(2), sn.layers.Dense(2)
    assert (first.name, second.name) == ("dense", "dense_1")


def test_backend_values():
    assert sn.backend.floatx() == "float32" and sn.backend.epsilon() == 1e-7
    assert sn.backend.get_value(sn.optimizers.Adam(0.01).learning_rate) == 0.01


def test_a_layer_written_the_keras_way_with_call_runs_its_call():
    class MCDropout(sn.layers.Dropout):
        def call(self, inputs, training=None):
            return super().call(inputs, training=True)

    out = np.asarray(MCDropout(0.5)(np.ones((4, 50))))
    assert set(np.unique(out)) == {0.0, 2.0}  # dropping at inference too: Monte Carlo dropout


def test_from_import_of_a_missing_layer_keeps_the_one_line_message():
    with pytest.raises(ImportError) as info:
        from scratchnet.layers import MultiHeadAttention  # noqa: F401
    message = str(info.value)
    assert message.startswith("cannot import name 'MultiHeadAttention' from 'scratchnet.layers': scratchnet's layers")
    assert "BatchNormalization" in message and "\n" not in message
    with pytest.raises(ImportError, match="scratchnet's layers are"):
        from scratchnet.layers import Dense, StringLookup  # noqa: F401
    assert not hasattr(sn.layers, "MultiHeadAttention")
    assert getattr(sn.layers, "MultiHeadAttention", None) is None

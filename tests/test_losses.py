"""Losses: gradients by finite differences (both from_logits modes), fused == chained, ln C at uniform logits,
and the values the Keras documentation gives for its own examples."""

import math
from pathlib import Path

import numpy as np
import pytest
from _helpers import mnist_model, raised
from hypothesis import given, settings
from hypothesis import strategies as st

from scratchnet import fused, losses, nn

seeds = st.integers(0, 2**32 - 1)
batch = st.integers(1, 5)
classes = st.integers(2, 6)


def _labels(kind: str, rng, n: int, c: int):
    """(y_true, predictions) for a loss of the given kind: predictions are probabilities, well inside (0, 1)."""
    z = rng.standard_normal((n, c))
    if kind == "sparse":
        return rng.integers(0, c, n), nn.softmax(z)
    if kind == "categorical":
        return rng.dirichlet(np.ones(c), n), nn.softmax(z)  # soft labels whose rows sum to 1
    if kind == "binary":
        return rng.random((n, c)), rng.uniform(0.05, 0.95, (n, c))
    return rng.standard_normal((n, c)), z  # mse


CASES = {
    "sparse": lambda fl: losses.SparseCategoricalCrossentropy(from_logits=fl),
    "categorical": lambda fl: losses.CategoricalCrossentropy(from_logits=fl),
    "binary": lambda fl: losses.BinaryCrossentropy(from_logits=fl),
    "mse": lambda fl: losses.MeanSquaredError(),
}


# Every loss in every mode (MeanSquaredError has no from_logits).
MODES = [(kind, fl) for kind in sorted(CASES) for fl in (False, True) if not (kind == "mse" and fl)]


@pytest.mark.parametrize(("kind", "from_logits"), MODES)
@settings(max_examples=15, deadline=None)
@given(n=batch, c=classes, seed=seeds)
def test_backward_matches_finite_differences(kind, from_logits, n, c, seed, numeric_gradient, relative_error):
    rng = np.random.default_rng(seed)
    loss = CASES[kind](from_logits)
    y_true, y_pred = _labels(kind, rng, n, c)
    if from_logits:
        # Logits of moderate size: with large ones the softmax saturates, the gradient shrinks towards the
        # rounding error of the difference quotient (~1e-9 here), and the check would measure rounding.
        y_pred = rng.standard_normal((n, c))
    y_true = loss.validate(y_true, y_pred.shape)

    analytic = loss.backward(y_true, y_pred)
    numeric = numeric_gradient(lambda p: loss.forward(y_true, p), y_pred.copy())

    assert analytic.shape == y_pred.shape
    assert relative_error(analytic, numeric) < 1e-6  # a wrong gradient is off by 1e-3 or more


@settings(max_examples=15, deadline=None)
@given(n=batch, c=classes, seed=seeds)
def test_categorical_from_logits_gradient_holds_for_labels_not_summing_to_one(n, c, seed, numeric_gradient):
    # The documented from_logits gradient is (softmax(z) * sum_c y - y) / N, right for any labels.
    rng = np.random.default_rng(seed)
    loss = losses.CategoricalCrossentropy(from_logits=True)
    y_true, z = rng.random((n, c)), rng.standard_normal((n, c))
    numeric = numeric_gradient(lambda z_: loss.forward(y_true, z_), z.copy())
    np.testing.assert_allclose(loss.backward(y_true, z), numeric, rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("kind", ["sparse", "categorical"])
@pytest.mark.parametrize("from_logits", [False, True])
@settings(max_examples=10, deadline=None)
@given(n=batch, c=st.integers(2, 20), level=st.floats(-50, 50), seed=seeds)
def test_loss_at_uniform_predictions_is_ln_c(kind, from_logits, n, c, level, seed):
    rng = np.random.default_rng(seed)
    y_true = rng.integers(0, c, n) if kind == "sparse" else np.eye(c)[rng.integers(0, c, n)]
    y_pred = np.full((n, c), level) if from_logits else np.full((n, c), 1 / c)
    assert CASES[kind](from_logits)(y_true, y_pred) == pytest.approx(math.log(c), rel=1e-12)


@pytest.mark.parametrize("kind", ["sparse", "categorical"])
@settings(max_examples=15, deadline=None)
@given(n=batch, c=classes, seed=seeds)
def test_from_logits_equals_probabilities_of_softmax(kind, n, c, seed):
    rng = np.random.default_rng(seed)
    y_true, _ = _labels(kind, rng, n, c)
    z = 2 * rng.standard_normal((n, c))
    on_logits, on_probs = CASES[kind](True), CASES[kind](False)
    assert on_logits(y_true, z) == pytest.approx(on_probs(y_true, nn.softmax(z)), rel=1e-10)
    y_checked = on_logits.validate(y_true, z.shape)
    np.testing.assert_allclose(
        on_logits.backward(y_checked, z), fused.softmax_crossentropy_backward(y_checked, nn.softmax(z)), rtol=1e-10
    )


@settings(max_examples=15, deadline=None)
@given(n=batch, d=st.integers(1, 4), seed=seeds)
def test_binary_from_logits_equals_probabilities_of_sigmoid(n, d, seed):
    rng = np.random.default_rng(seed)
    y, z = rng.integers(0, 2, (n, d)).astype(float), 3 * rng.standard_normal((n, d))
    on_logits, on_probs = losses.BinaryCrossentropy(from_logits=True), losses.BinaryCrossentropy()
    assert on_logits(y, z) == pytest.approx(on_probs(y, nn.sigmoid(z)), rel=1e-9)
    # Chain rule through the sigmoid: dz = dp * p * (1 - p).
    p = nn.sigmoid(z)
    np.testing.assert_allclose(on_logits.backward(y, z), on_probs.backward(y, p) * p * (1 - p), rtol=1e-9)


# --- the numbers the Keras documentation shows for its examples -----------------------------------------------------
def test_sparse_categorical_crossentropy_keras_doc_example():
    # keras.losses.SparseCategoricalCrossentropy docs: 1.177. By hand: -(ln 0.95 + ln 0.1) / 2.
    y_true, y_pred = [1, 2], [[0.05, 0.95, 0], [0.1, 0.8, 0.1]]
    value = losses.SparseCategoricalCrossentropy()(y_true, y_pred)
    assert value == pytest.approx(-(math.log(0.95) + math.log(0.1)) / 2, rel=1e-6)
    assert round(value, 3) == 1.177


def test_categorical_crossentropy_keras_doc_example():
    y_true, y_pred = [[0, 1, 0], [0, 0, 1]], [[0.05, 0.95, 0], [0.1, 0.8, 0.1]]
    assert round(losses.CategoricalCrossentropy()(y_true, y_pred), 3) == 1.177


def test_binary_crossentropy_keras_doc_examples():
    # By hand: -(ln 0.4 + ln 0.4 + ln 0.6 + ln 0.4) / 4 = 0.815.
    value = losses.BinaryCrossentropy()([[0, 1], [0, 0]], [[0.6, 0.4], [0.4, 0.6]])
    assert value == pytest.approx(-(3 * math.log(0.4) + math.log(0.6)) / 4, rel=1e-6)
    assert round(value, 3) == 0.815
    # From logits: 0.865 in the Keras docs.
    logits_value = losses.BinaryCrossentropy(from_logits=True)([0, 1, 0, 0], [[-18.6], [0.51], [2.94], [-12.8]])
    assert round(logits_value, 3) == 0.865


def test_mean_squared_error_keras_doc_example():
    assert losses.MeanSquaredError()([[0.0, 1.0], [0.0, 0.0]], [[1.0, 1.0], [1.0, 0.0]]) == pytest.approx(0.5)


def test_probabilities_are_clipped_like_keras():
    # A zero probability for the true class costs -ln(1e-7) (Keras clips at epsilon = 1e-7), not inf.
    value = losses.SparseCategoricalCrossentropy()([0], [[0.0, 1.0]])
    assert value == pytest.approx(-math.log(1e-7), rel=1e-6)
    grad = losses.SparseCategoricalCrossentropy().backward(np.array([0]), np.array([[0.0, 1.0]]))
    assert np.isfinite(grad).all()


# --- properties -------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("kind", sorted(CASES))
def test_gradient_holds_the_batch_mean(kind):
    # Doubling the batch (every example twice) keeps the loss and halves each example's gradient.
    rng = np.random.default_rng(0)
    loss = CASES[kind](False)
    y_true, y_pred = _labels(kind, rng, 3, 4)
    y_true = loss.validate(y_true, y_pred.shape)
    y2, p2 = np.concatenate([y_true, y_true]), np.concatenate([y_pred, y_pred])
    assert loss.forward(y2, p2) == pytest.approx(loss.forward(y_true, y_pred), rel=1e-12)
    np.testing.assert_allclose(loss.backward(y2, p2)[:3], loss.backward(y_true, y_pred) / 2, rtol=1e-12)


@pytest.mark.parametrize(("kind", "from_logits"), MODES)
def test_loss_is_a_python_float_and_gradients_keep_float32(kind, from_logits):
    rng = np.random.default_rng(0)
    loss = CASES[kind](from_logits)
    y_true, y_pred = _labels(kind, rng, 4, 3)
    y_pred = y_pred.astype(np.float32)
    if np.issubdtype(np.asarray(y_true).dtype, np.floating):
        y_true = y_true.astype(np.float32)
    value = loss(y_true, y_pred)
    assert type(value) is float
    y_checked = loss.validate(y_true, y_pred.shape)
    assert loss.backward(y_checked, y_pred).dtype == np.float32
    if kind in ("sparse", "categorical"):
        assert fused.softmax_crossentropy_backward(y_checked, y_pred).dtype == np.float32


@pytest.mark.parametrize(("kind", "from_logits"), MODES)
def test_backward_does_not_mutate_its_inputs(kind, from_logits):
    rng = np.random.default_rng(0)
    loss = CASES[kind](from_logits)
    y_true, y_pred = _labels(kind, rng, 4, 3)
    y_true = loss.validate(y_true, y_pred.shape)
    before = (y_true.copy(), y_pred.copy())
    loss.backward(y_true, y_pred)
    if kind in ("sparse", "categorical"):
        fused.softmax_crossentropy_backward(y_true, y_pred)
    np.testing.assert_array_equal(y_true, before[0])
    np.testing.assert_array_equal(y_pred, before[1])


def test_sparse_labels_may_be_a_column_or_integral_floats():
    loss = losses.SparseCategoricalCrossentropy()
    p = nn.softmax(np.random.default_rng(0).standard_normal((3, 4)))
    expected = loss([0, 3, 1], p)
    assert loss(np.array([[0], [3], [1]]), p) == expected
    assert loss(np.array([0.0, 3.0, 1.0]), p) == expected


def test_mse_accepts_targets_of_shape_n_for_one_output():
    # The course's first model: ys of shape (N,), Dense(1) predictions (N, 1).
    loss = losses.MeanSquaredError()
    assert loss([1.0, 2.0], [[1.5], [2.0]]) == pytest.approx(0.125)


@pytest.mark.parametrize(
    ("name", "cls"),
    [
        ("sparse_categorical_crossentropy", losses.SparseCategoricalCrossentropy),
        ("categorical_crossentropy", losses.CategoricalCrossentropy),
        ("mean_squared_error", losses.MeanSquaredError),
        ("mse", losses.MeanSquaredError),
        ("binary_crossentropy", losses.BinaryCrossentropy),
    ],
)
def test_losses_by_keras_name(name, cls):
    loss = losses.get(name)
    assert type(loss) is cls
    if hasattr(loss, "from_logits"):
        assert loss.from_logits is False
    instance = cls()
    assert losses.get(instance) is instance


def test_loss_called_directly_with_mismatched_batches():
    message = raised(ValueError, losses.MeanSquaredError(), np.zeros(3), np.zeros((4, 1)))
    assert message.startswith("MeanSquaredError: y_true and y_pred must hold the same number of examples.")
    assert "Received: y_true.shape=(3,), y_pred.shape=(4, 1)." in message


def test_unknown_loss():
    message = raised(ValueError, mnist_model().compile, optimizer="adam", loss="crossentropy")
    assert message.startswith("Unknown loss. Expected one of ")
    for name in ("binary_crossentropy", "categorical_crossentropy", "mean_squared_error", "mse"):
        assert repr(name) in message
    assert "'sparse_categorical_crossentropy'" in message
    assert message.endswith("Received: loss='crossentropy'.")


def test_a_custom_loss_without_forward_or_backward_says_what_to_implement():
    class MyLoss(losses.Loss):
        pass

    with pytest.raises(NotImplementedError, match=r"MyLoss must implement forward\(self, y_true, y_pred\)"):
        MyLoss()(np.zeros(3), np.zeros(3))
    with pytest.raises(NotImplementedError, match=r"MyLoss must implement backward\(self, y_true, y_pred\).*1/N"):
        MyLoss().backward(np.zeros(3), np.zeros(3))


# --- one source for each formula: the docstring, which explain and the guide show -------------------------------
FORMULA_LOSSES = [
    losses.SparseCategoricalCrossentropy(),
    losses.SparseCategoricalCrossentropy(from_logits=True),
    losses.CategoricalCrossentropy(),
    losses.CategoricalCrossentropy(from_logits=True),
    losses.MeanSquaredError(),
    losses.MeanAbsoluteError(),
    losses.BinaryCrossentropy(),
    losses.BinaryCrossentropy(from_logits=True),
]


def _evaluate_backward(formula: str, y, y_pred) -> np.ndarray:
    """The docstring's backward formula, computed with NumPy (its names read as the docstrings define them)."""
    name, _, expression = formula.partition(" = ")
    n, d = y_pred.shape[0], y_pred.size // y_pred.shape[0]
    clipped = name == "dp" and "sum_c p" in expression  # the cross-entropies clip p to [1e-7, ...] first
    p = np.clip(y_pred, 1e-7, None) if clipped else y_pred
    onehot = lambda labels: np.eye(y_pred.shape[1])[labels]  # noqa: E731
    expression = expression.replace("sum_c p", "p.sum(-1, keepdims=True)").replace(
        "sum_c y", "y.sum(-1, keepdims=True)"
    )
    scope = {"p": p, "z": y_pred, "y": y, "N": n, "D": d, "onehot": onehot, "np": np}
    scope.update(softmax=nn.softmax, sigmoid=nn.sigmoid, sign=np.sign)
    return eval(expression, scope)  # the formulas are our own docstrings


@pytest.mark.parametrize("loss", FORMULA_LOSSES, ids=repr)
def test_each_docstring_backward_is_the_backward_that_runs(loss):
    rng = np.random.default_rng(3)
    if isinstance(loss, (losses.MeanSquaredError, losses.MeanAbsoluteError)):
        y_pred, y = rng.normal(size=(5, 3)), rng.normal(size=(5, 3))
    elif isinstance(loss, losses.BinaryCrossentropy):
        z = rng.normal(size=(5, 3))
        y_pred, y = (z if loss.from_logits else nn.sigmoid(z)), (rng.random((5, 3)) > 0.5).astype(float)
    else:
        z = rng.normal(size=(5, 4))
        y_pred = z if loss.from_logits else nn.softmax(z) * rng.uniform(0.5, 2, size=(5, 1))  # rows not summing to 1
        labels = rng.integers(0, 4, 5)
        y = labels if isinstance(loss, losses.SparseCategoricalCrossentropy) else np.eye(4)[labels]
    _, backward = losses.formulas(loss)
    y_checked = loss.validate(y, y_pred.shape)
    np.testing.assert_allclose(
        _evaluate_backward(backward, y_checked, y_pred), loss.backward(y_checked, y_pred), rtol=1e-9
    )


def test_explain_and_the_guide_show_the_docstring_formulas():
    guide = (Path(__file__).resolve().parent.parent / "docs" / "backprop.md").read_text(encoding="utf-8")
    missing = [f for loss in FORMULA_LOSSES for f in losses.formulas(loss) if f"`{f}`" not in guide]
    assert not missing, f"docs/backprop.md's table of losses is out of date; it lacks: {missing}"


@pytest.mark.parametrize(
    "cls", [losses.SparseCategoricalCrossentropy, losses.CategoricalCrossentropy, losses.BinaryCrossentropy]
)
def test_the_cross_entropies_take_keras_name_and_reduction(cls):
    loss = cls(from_logits=True, name="my_ce", reduction="sum_over_batch_size")
    assert loss.name == "my_ce" and loss.from_logits
    with pytest.raises(ValueError, match="reduction='sum_over_batch_size'"):
        cls(reduction="sum")
    with pytest.raises(ValueError, match="no label smoothing"):
        cls(label_smoothing=0.1)
    with pytest.raises(TypeError, match="does not take bogus"):
        cls(bogus=1)

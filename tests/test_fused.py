"""The fused gradients (scratchnet/fused.py): softmax + cross-entropy and sigmoid + binary cross-entropy equal
the chained backward and finite differences, stay exact where the chained form is clipped, and are chosen only
for scratchnet's own output layers (a learner's overridden backward always runs)."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import scratchnet as sn
from scratchnet import fused, gradcheck, losses, nn
from scratchnet.layers import Dense

seeds = st.integers(0, 2**32 - 1)
batch = st.integers(1, 5)
classes = st.integers(2, 6)


@pytest.mark.parametrize("kind", ["sparse", "categorical"])
@settings(max_examples=20, deadline=None)
@given(n=batch, c=classes, seed=seeds)
def test_softmax_crossentropy_equals_chained_and_finite_differences(kind, n, c, seed, numeric_gradient):
    rng = np.random.default_rng(seed)
    if kind == "sparse":
        loss, y_true = losses.SparseCategoricalCrossentropy(), rng.integers(0, c, n)
    else:
        loss, y_true = losses.CategoricalCrossentropy(), np.eye(c)[rng.integers(0, c, n)]
    z = 2 * rng.standard_normal((n, c))  # moderate logits: a saturated softmax would measure rounding
    p = nn.softmax(z)
    y_true = loss.validate(y_true, p.shape)

    dz = fused.softmax_crossentropy_backward(y_true, p)
    chained = nn.softmax_backward(loss.backward(y_true, p), p)
    numeric = numeric_gradient(lambda z_: loss.forward(y_true, nn.softmax(z_)), z.copy())

    np.testing.assert_allclose(dz, chained, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(dz, numeric, rtol=1e-6, atol=1e-9)
    onehot = np.eye(c)[y_true] if kind == "sparse" else y_true
    np.testing.assert_allclose(dz, (p - onehot) / n, rtol=1e-12, atol=1e-15)  # the closed form, written out


@settings(max_examples=15, deadline=None)
@given(n=batch, c=classes, seed=seeds)
def test_categorical_fused_gradient_is_right_for_labels_not_summing_to_one(n, c, seed, numeric_gradient):
    # Multi-hot or unnormalized soft labels: the loss accepts them, so the fused gradient must follow that loss.
    rng = np.random.default_rng(seed)
    loss = losses.CategoricalCrossentropy()
    y_true, z = 2 * rng.random((n, c)), rng.standard_normal((n, c))
    p = nn.softmax(z)
    dz = fused.softmax_crossentropy_backward(y_true, p)
    numeric = numeric_gradient(lambda z_: loss.forward(y_true, nn.softmax(z_)), z.copy())
    np.testing.assert_allclose(dz, nn.softmax_backward(loss.backward(y_true, p), p), rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(dz, numeric, rtol=1e-6, atol=1e-9)


def test_softmax_fused_gradient_stays_exact_where_the_chained_one_is_clipped():
    # p[true] = e^-40 is far below the clip at 1e-7: the chained form divides by the clipped p and loses it,
    # the fused one never divides.
    z = np.array([[40.0, 0.0, 0.0]])
    y = np.array([1])
    p = nn.softmax(z)
    dz = fused.softmax_crossentropy_backward(y, p)
    np.testing.assert_allclose(dz, p - np.eye(3)[y], rtol=1e-12)
    assert abs(dz[0, 1] - (-1.0)) < 1e-12


@settings(max_examples=20, deadline=None)
@given(n=batch, d=st.integers(1, 4), seed=seeds)
def test_sigmoid_binary_crossentropy_equals_chained_and_finite_differences(n, d, seed, numeric_gradient):
    rng = np.random.default_rng(seed)
    loss = losses.BinaryCrossentropy()
    y_true = (rng.random((n, d)) > 0.5).astype(np.float64)
    z = rng.uniform(-3, 3, (n, d))  # away from saturation, where the clip of the chained form never bites
    p = nn.sigmoid(z)

    dz = fused.sigmoid_binary_crossentropy_backward(y_true, p)
    chained = nn.sigmoid_backward(loss.backward(y_true, p), p)
    numeric = numeric_gradient(lambda z_: loss.forward(y_true, nn.sigmoid(z_)), z.copy())

    np.testing.assert_allclose(dz, chained, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(dz, numeric, rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(dz, (p - y_true) / (n * d), rtol=1e-12)


def test_a_confidently_wrong_sigmoid_still_gets_its_full_gradient():
    # z = -20 says "0" with p = 2e-9, the label is 1. The chained form divides by the clipped p (1e-7) and then
    # multiplies by the true p(1 - p) ≈ 2e-9: about -0.02 of the true -1. The fused form is exact.
    y, z = np.array([[1.0]]), np.array([[-20.0]])
    p = nn.sigmoid(z)
    chained = nn.sigmoid_backward(losses.BinaryCrossentropy().backward(y, p), p)
    dz = fused.sigmoid_binary_crossentropy_backward(y, p)
    assert dz[0, 0] == pytest.approx(-1.0, abs=1e-8)
    assert abs(chained[0, 0]) < 0.05


def test_fit_trains_a_sigmoid_model_through_the_fused_gradient():
    # The measurement: a confidently wrong sigmoid output. With the chain, dW was 0.37 where the logits
    # form gives 10.37; through the model, compute_gradients must now give the logits form.
    model = sn.Sequential(
        [Dense(1, activation="sigmoid", input_shape=[1], kernel_initializer="zeros")], dtype="float64"
    )
    model.set_weights([np.array([[-20.0]]), np.array([0.0])])
    model.compile(optimizer="sgd", loss="binary_crossentropy")
    assert model.fused_backward is fused.sigmoid_binary_crossentropy_backward
    x = np.array([[1.0]])
    model.compute_gradients(x, np.array([1.0]))
    assert model.layers[0].grads["W"][0, 0] == pytest.approx(nn.sigmoid(np.array(-20.0)) - 1.0, rel=1e-9)


def test_fused_is_chosen_only_where_it_is_exact():
    def model(last, loss):
        m = sn.Sequential([Dense(4, input_shape=[3]), last])
        m.compile(optimizer="sgd", loss=loss)
        return m.fused_backward

    assert (
        model(Dense(3, activation="softmax"), "sparse_categorical_crossentropy") is fused.softmax_crossentropy_backward
    )
    assert model(sn.layers.Softmax(), "categorical_crossentropy") is fused.softmax_crossentropy_backward
    assert model(Dense(1, activation="sigmoid"), "binary_crossentropy") is fused.sigmoid_binary_crossentropy_backward
    assert model(Dense(3), losses.SparseCategoricalCrossentropy(from_logits=True)) is None
    assert model(Dense(3, activation="relu"), "mse") is None
    with pytest.warns(sn.hints.TrainingHint):
        assert model(Dense(3, activation="sigmoid"), "sparse_categorical_crossentropy") is None


class ZeroGradDense(Dense):
    """A learner's Dense whose backward is wrong: it zeroes every gradient (the issue's trap 2)."""

    calls = 0

    def backward(self, dy):
        ZeroGradDense.calls += 1
        dx = super().backward(dy)
        for g in self.grads.values():
            g[...] = 0
        return dx


def test_an_overridden_backward_on_the_softmax_layer_is_called_and_checked():
    model = sn.Sequential([Dense(5, activation="relu", input_shape=[4]), ZeroGradDense(3, activation="softmax")])
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    assert model.fused_backward is None  # the learner's backward runs: it is what they want checked
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(6, 4)), rng.integers(0, 3, 6)
    ZeroGradDense.calls = 0
    report = gradcheck.check_model(model, x, y)
    assert ZeroGradDense.calls > 0
    assert not report.passed
    assert "WRONG" in str(report)


def test_pop_and_add_decide_the_fused_gradient_again():
    model = sn.Sequential([Dense(4, input_shape=[3]), Dense(3, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    assert model.fused_backward is not None
    model.pop()
    assert model.fused_backward is None
    model.add(sn.layers.Softmax())
    assert model.fused_backward is fused.softmax_crossentropy_backward

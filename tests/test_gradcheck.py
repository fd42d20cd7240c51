"""The gradient checker itself: it must fail on wrong backwards (and say where), pass on right ones, use a random
upstream gradient, and leave what it checks untouched."""

import numpy as np
import pytest

import scratchnet as sn
from scratchnet import gradcheck, layers, losses, nn
from scratchnet.layers import Layer


class Scale(Layer):
    """y = x * a + c, elementwise per feature: a learner's own layer, following the layer contract."""

    def __init__(self, wrong: str | None = None, **kwargs):
        super().__init__(**kwargs)
        self.wrong = wrong

    def build(self, input_shape, rng, dtype):
        super().build(input_shape, rng, dtype)
        (d,) = input_shape
        self.params = {"a": rng.uniform(0.5, 1.5, d).astype(dtype), "c": rng.standard_normal(d).astype(dtype)}
        self.grads = {key: np.zeros_like(p) for key, p in self.params.items()}

    def forward(self, x, training=False):
        self.x = x
        return x * self.params["a"] + self.params["c"]

    def backward(self, dy):
        da = (dy * self.x).sum(axis=0)
        if self.wrong == "a":
            da = 0.5 * da  # a bug: a factor lost
        self.grads["a"][...] = da
        self.grads["c"][...] = dy.sum(axis=0)
        dx = dy * self.params["a"]
        return dx + 1.0 if self.wrong == "x" else dx


class ZeroGradSoftmax(layers.Softmax):
    """A softmax whose backward returns 0: right only when the upstream gradient is the same in every column."""

    def backward(self, dy):
        return np.zeros_like(dy)


def test_check_layer_passes_a_correct_hand_written_layer():
    x = np.random.default_rng(0).standard_normal((4, 3))
    report = gradcheck.check_layer(Scale(), x)
    assert report.passed, str(report)
    assert [c.name for c in report.checks] == ["x", "a", "c"]
    assert report.max_rel_error < 1e-8


@pytest.mark.parametrize("wrong", ["a", "x"])
def test_check_layer_fails_a_wrong_gradient_and_names_it(wrong):
    x = np.random.default_rng(0).standard_normal((4, 3))
    report = gradcheck.check_layer(Scale(wrong=wrong, name="my_scale"), x)
    assert not report.passed
    assert report.worst.name == wrong
    assert {c.name for c in report.checks if c.rel_error > report.tolerance} == {wrong}
    text = str(report)
    assert "my_scale" in text
    assert f"FAILED: {wrong}'s gradient disagrees with the numerical one" in text
    assert any(line.split()[0] == wrong and line.endswith("WRONG") for line in text.splitlines())
    assert f"Worst: {wrong}[" in text
    w = report.worst
    assert len(w.worst_index) == len(w.shape) and all(0 <= i < s for i, s in zip(w.worst_index, w.shape, strict=True))
    assert w.analytic != pytest.approx(w.numeric)


def test_check_layer_uses_a_random_upstream_gradient():
    # With dy all ones, softmax's true dx is 0, so a backward returning zeros would pass. It must not.
    x = np.random.default_rng(0).standard_normal((4, 5))
    report = gradcheck.check_layer(ZeroGradSoftmax(), x)
    assert not report.passed
    assert gradcheck.check_layer(layers.Softmax(), x).passed


def test_check_layer_catches_the_diagonal_only_softmax_gradient():
    class DiagonalSoftmax(layers.Softmax):
        def backward(self, dy):
            return dy * self.y * (1 - self.y)  # the classic bug: only dy_i/dx_i

    x = np.random.default_rng(1).standard_normal((3, 4))
    assert not gradcheck.check_layer(DiagonalSoftmax(), x).passed


def test_check_layer_leaves_the_layer_alone():
    layer = layers.Dense(3, activation="tanh")
    layer.build((4,), np.random.default_rng(0), "float32")
    weights = layer.get_weights()
    x = np.random.default_rng(1).standard_normal((5, 4))
    x_before = x.copy()
    report = gradcheck.check_layer(layer, x)
    assert report.passed, str(report)
    assert layer.kernel.dtype == np.float32 and layer.bias.dtype == np.float32
    for before, after in zip(weights, layer.get_weights(), strict=True):
        np.testing.assert_array_equal(before, after)
    np.testing.assert_array_equal(x, x_before)


def test_check_layer_builds_an_unbuilt_layer_in_float64():
    layer = layers.Dense(2)
    report = gradcheck.check_layer(layer, np.random.default_rng(0).standard_normal((3, 4)))
    assert report.passed and not layer.built  # the copy was built, not the learner's layer


def test_max_checks_limits_the_entries_checked():
    layer = layers.Dense(10)
    report = gradcheck.check_layer(layer, np.random.default_rng(0).standard_normal((6, 12)), max_checks=7)
    assert [c.checked for c in report.checks] == [7, 7, 7]
    assert report.passed


# --- losses ---------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("loss", "through_softmax"),
    [
        (losses.SparseCategoricalCrossentropy(), False),
        (losses.SparseCategoricalCrossentropy(), True),
        (losses.SparseCategoricalCrossentropy(from_logits=True), False),
        (losses.CategoricalCrossentropy(), True),
    ],
)
def test_check_loss_passes_correct_losses(loss, through_softmax):
    rng = np.random.default_rng(0)
    z = rng.standard_normal((5, 4))
    y = rng.integers(0, 4, 5)
    if isinstance(loss, losses.CategoricalCrossentropy):
        y = np.eye(4)[y]
    y_pred = z if (through_softmax or loss.from_logits) else nn.softmax(z)
    report = gradcheck.check_loss(loss, y, y_pred, through_softmax=through_softmax)
    assert report.passed, str(report)
    assert report.checks[0].name == ("z" if through_softmax else "y_pred")


def test_check_loss_fails_a_loss_without_the_batch_mean():
    class SumSquaredError(losses.MeanSquaredError):
        def backward(self, y_true, y_pred):
            return 2 * (y_pred - y_true)  # forgot the 1 / (N * D)

    rng = np.random.default_rng(0)
    report = gradcheck.check_loss(SumSquaredError(), rng.standard_normal((4, 2)), rng.standard_normal((4, 2)))
    assert not report.passed
    assert "FAILED: y_pred's gradient" in str(report)


# --- whole models ---------------------------------------------------------------------------------------------------
def _model_with(middle, dtype="float64"):
    model = sn.Sequential(
        [layers.Dense(4, activation="tanh", input_shape=(3,)), middle, layers.Dense(3, activation="softmax")],
        dtype=dtype,
        seed=0,
    )
    model.compile("adam", "sparse_categorical_crossentropy")
    return model


def _batch():
    rng = np.random.default_rng(0)
    return rng.standard_normal((5, 3)), rng.integers(0, 3, 5)


def test_check_model_passes_with_a_correct_hand_written_layer_inside():
    x, y = _batch()
    report = gradcheck.check_model(_model_with(Scale(name="good_scale")), x, y, max_checks=None)
    assert report.passed, str(report)
    assert "good_scale/a" in [c.name for c in report.checks]


def test_check_model_fails_a_broken_layer_and_names_it():
    x, y = _batch()
    model = _model_with(Scale(wrong="a", name="broken_scale"))
    report = gradcheck.check_model(model, x, y, max_checks=None)
    assert not report.passed
    assert report.worst.name == "broken_scale/a"
    failing = [c.name for c in report.checks if c.rel_error > report.tolerance]
    assert failing == ["broken_scale/a"]  # the layers around it are fine
    assert "FAILED: broken_scale/a's gradient disagrees" in str(report)


def test_check_model_on_a_float32_model_checks_a_float64_clone():
    x, y = _batch()
    model = _model_with(layers.ReLU(), dtype="float32")
    before = model.get_weights()
    report = gradcheck.check_model(model, x, y)
    assert report.passed, str(report)  # float32 rounding would make it fail: the check ran in float64
    assert model.dtype == np.float32 and all(w.dtype == np.float32 for w in model.get_weights())
    for b, a in zip(before, model.get_weights(), strict=True):
        np.testing.assert_array_equal(b, a)


def test_check_model_respects_max_checks():
    x, y = _batch()
    report = gradcheck.check_model(_model_with(layers.ReLU()), x, y, max_checks=5)
    assert [c.checked for c in report.checks] == [5, 4, 5, 3]  # W1 (3, 4), b1 (4,), W2 (4, 3), b2 (3,)


def test_check_model_needs_a_loss():
    model = sn.Sequential([layers.Dense(2, input_shape=(3,))])
    with pytest.raises(RuntimeError, match="compile the model with a loss first"):
        gradcheck.check_model(model, np.ones((2, 3)), np.ones((2, 2)))


# --- gradients that cannot be compared: named in the report, never a crash or a pass -------------------------------
class NoneBackward(layers.Dense):
    """Fills grads but forgets `return dx`."""

    def backward(self, dy):
        super().backward(dy)


class RowBias(layers.Dense):
    """db kept as a (1, M) row: the right numbers in the wrong shape."""

    def backward(self, dy):
        dx = super().backward(dy)
        self.grads["b"] = dy.sum(axis=0, keepdims=True)
        return dx


class ForgetsBias(layers.Dense):
    def backward(self, dy):
        dx = super().backward(dy)
        del self.grads["b"]
        return dx


def test_check_layer_reports_a_backward_that_returns_none():
    report = gradcheck.check_layer(NoneBackward(3), np.random.default_rng(0).standard_normal((4, 5)))
    assert not report.passed
    assert report.worst.name == "x" and report.worst.problem.startswith("backward returned None")
    assert "FAILED: backward returned None; it must return dx" in str(report)
    assert {c.name for c in report.checks if c.rel_error <= report.tolerance} == {"W", "b"}  # the rest still checked


def test_check_layer_fails_a_bias_gradient_of_shape_1_m():
    report = gradcheck.check_layer(RowBias(3), np.random.default_rng(0).standard_normal((4, 5)))
    assert not report.passed
    assert report.worst.name == "b"
    assert "grads['b'] has shape (1, 3), params['b'] has (3,)" in str(report)


def test_check_layer_reports_a_missing_gradient_and_a_dx_of_the_wrong_shape():
    report = gradcheck.check_layer(ForgetsBias(3), np.random.default_rng(0).standard_normal((4, 5)))
    assert not report.passed and "backward did not fill grads['b']" in str(report)

    class FlatDx(layers.Dense):
        def backward(self, dy):
            return super().backward(dy).reshape(-1)

    report = gradcheck.check_layer(FlatDx(3), np.random.default_rng(0).standard_normal((4, 5)))
    assert "backward returned dx of shape (20,), x has (4, 5)" in str(report)


# --- what an all-ones upstream gradient hides (the claim in the module docs and docs/backprop.md) -------------------
def _rel_error_with_upstream(layer, x, dy_kind):
    """The worst relative error of a layer's gradients for L = sum(forward(x) * dy), written out independently."""
    layer.build(x.shape[1:], np.random.default_rng(0), np.float64)
    layer.needs_input_grad = True
    y = layer.forward(x)
    dy = np.ones_like(y) if dy_kind == "ones" else np.random.default_rng(1).standard_normal(y.shape)
    layer.forward(x)
    analytic = [layer.backward(dy), *(layer.grads[k] for k in layer.params)]
    worst = 0.0
    for array, grad in zip([x, *layer.params.values()], analytic, strict=True):
        numeric = np.zeros(array.size)
        for i in range(array.size):
            old = array.flat[i]
            array.flat[i] = old + 1e-6
            plus = np.sum(layer.forward(x) * dy)
            array.flat[i] = old - 1e-6
            minus = np.sum(layer.forward(x) * dy)
            array.flat[i] = old
            numeric[i] = (plus - minus) / 2e-6
        diff = np.linalg.norm(np.ravel(grad) - numeric)
        worst = max(worst, diff / (np.linalg.norm(grad) + np.linalg.norm(numeric)))
    return worst


class IgnoresDy(layers.Dense):
    def backward(self, dy):
        return super().backward(np.ones_like(dy))  # forgets to multiply by dy


class TransposeForgotten(layers.Dense):
    def backward(self, dy):
        super().backward(dy)
        return dy @ self.params["W"]  # dy @ W, not dy @ W.T: shapes fit when W is square


class DiagonalOnlySoftmax(layers.Softmax):
    def backward(self, dy):
        return dy * self.y * (1 - self.y)


@pytest.mark.parametrize(
    ("make", "passes_with_ones", "correct"),
    [
        (lambda: IgnoresDy(5), True, False),  # the bug all-ones dy really hides
        (lambda: TransposeForgotten(5), False, False),
        (lambda: DiagonalOnlySoftmax(), False, False),
        (lambda: layers.Softmax(), False, True),  # a *correct* softmax: its true dx is 0 with ones, compared on noise
    ],
    ids=["ignores dy", "transpose forgotten", "diagonal-only softmax", "correct softmax"],
)
def test_what_an_all_ones_upstream_gradient_hides(make, passes_with_ones, correct):
    x = np.random.default_rng(1).normal(size=(4, 5))
    with_ones = _rel_error_with_upstream(make(), x, "ones")
    assert (with_ones <= gradcheck.DEFAULT_TOLERANCE) == passes_with_ones, with_ones
    # check_layer's random dy decides every one of them correctly.
    assert gradcheck.check_layer(make(), x).passed == correct


def test_the_thresholds_are_stated_once_and_the_guide_quotes_them():
    from pathlib import Path

    def written(x):  # 1e-06 as the docs write it: 1e-6
        return f"{x:g}".replace("e-0", "e-")

    guide = (Path(__file__).parent.parent / "docs" / "backprop.md").read_text()
    assert f"at most `{written(gradcheck.DEFAULT_TOLERANCE)}`, the default `tolerance`" in guide
    assert f"around `{written(gradcheck.TYPICAL_CORRECT)}`" in guide
    assert "| 1e-3 and above | a bug |" not in guide  # the old table with its own numbers
    assert f"DEFAULT_TOLERANCE = {written(gradcheck.DEFAULT_TOLERANCE)}" in gradcheck.__doc__
    report = gradcheck.check_layer(layers.Dense(2), np.ones((2, 3)))
    assert f"at most {gradcheck.DEFAULT_TOLERANCE:g}" in str(report)

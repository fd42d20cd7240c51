"""gradcheck tells a kink or a tie from a wrong backward, and refuses inputs it cannot check in one clear line."""

import numpy as np
import pytest

from scratchnet import gradcheck, layers


class Square(layers.Layer):
    """y = x**2, with a backward that is right or wrong."""

    def __init__(self, wrong=False, forget_return=False):
        super().__init__()
        self.wrong, self.forget_return = wrong, forget_return

    def build(self, shape, rng=None, dtype=np.float32):
        self.built = True

    def forward(self, x, training=False):
        self.x = x
        y = x**2
        if not self.forget_return:
            return y

    def backward(self, dy):
        return dy * (self.x if self.wrong else 2 * self.x)


def test_correct_relu_at_zero_passes_with_a_note():
    report = gradcheck.check_layer(layers.ReLU(), np.array([[0.0, 1.0, -1.0, 0.0]]))
    assert report.passed
    assert "kink" in " ".join(report.notes)


def test_correct_maxpool_on_ties_passes_with_a_note():
    report = gradcheck.check_layer(layers.MaxPooling2D(2), np.ones((1, 4, 4, 1)))
    assert report.passed
    assert "not a wrong gradient" in " ".join(report.notes)


def test_wrong_backward_still_fails_after_the_shift():
    # the wrong backward at a kink-free point fails plainly; at a kink it is shifted and still fails
    assert not gradcheck.check_layer(Square(wrong=True), np.array([[1.0, 2.0]])).passed

    class WrongRelu(layers.ReLU):
        def backward(self, dy):
            return 2 * super().backward(dy)

    report = gradcheck.check_layer(WrongRelu(), np.array([[0.0, 1.0, -1.0]]))
    assert not report.passed
    report = gradcheck.check_layer(WrongRelu(), np.zeros((1, 3)))  # every entry at the kink: shifted, then fails
    assert not report.passed
    assert "still fails" in " ".join(report.notes)


def test_a_kink_that_cannot_be_shifted_is_named_in_the_verdict():
    check = gradcheck.ParamCheck("x", (1, 1), 0.5, 1, (0, 0), 1.0, 0.5, at_kink=True)
    text = str(gradcheck.GradcheckReport("t", [check], 1e-6, 1e-6))
    assert "not a wrong gradient" in text and "Look at the backward" not in text


@pytest.mark.parametrize("bad, word", [(np.nan, "NaN"), (np.inf, "inf")])
def test_non_finite_inputs_are_named(bad, word):
    with pytest.raises(ValueError, match=word):
        gradcheck.check_layer(layers.Dense(3), np.array([[bad, 1.0]]))


def test_forward_returning_none():
    with pytest.raises(TypeError, match=r"returned None.*return"):
        gradcheck.check_layer(Square(forget_return=True), np.array([[1.0, 2.0]]))


@pytest.mark.parametrize("eps", [0, -1e-6, 10.0, float("nan"), "1e-6"])
def test_bad_eps(eps):
    with pytest.raises(ValueError, match="eps"):
        gradcheck.check_layer(layers.Dense(3), np.ones((2, 4)), eps=eps)


def test_not_a_layer_and_empty_input():
    with pytest.raises(TypeError, match="expected a layer"):
        gradcheck.check_layer("dense", np.ones((2, 4)))
    with pytest.raises(ValueError, match="non-empty"):
        gradcheck.check_layer(layers.Dense(3), np.zeros((0, 4)))

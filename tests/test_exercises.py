"""scratchnet.exercises: right answers pass, and each classic mistake is named in the report.

The right answers here are written independently of scratchnet (textbook formulas); each wrong one is a mistake
learners make, and the test asserts the sentence the report gives for it.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from test_exercises_convolutions import RIGHT as CONVOLUTIONS_RIGHT
from test_exercises_recurrent import RIGHT as RECURRENT_RIGHT
from test_exercises_tape import RIGHT as TAPE_RIGHT

import scratchnet as sn
from scratchnet import exercises
from scratchnet.layers import Layer


def _softmax(z):
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def _ce(z, y):
    p = _softmax(z)
    p[np.arange(len(y)), y] -= 1
    return p / len(y)


def _adam(param, grad, m, v, t, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, t_shift=0):
    m = beta_1 * m + (1 - beta_1) * grad
    v = beta_2 * v + (1 - beta_2) * grad * grad
    t = t + t_shift
    lr_t = learning_rate * math.sqrt(1 - beta_2**t) / (1 - beta_1**t)
    return param - lr_t * m / (np.sqrt(v) + epsilon), m, v


def _sgd(param, grad, velocity, learning_rate, momentum):
    velocity = momentum * velocity - learning_rate * grad
    return param + velocity, velocity


RIGHT = {
    "predicted_classes": lambda probabilities: np.argmax(probabilities, axis=1),
    "relu_backward": lambda dy, y: dy * (y > 0),
    "sigmoid_backward": lambda dy, y: dy * y * (1 - y),
    "dense_forward": lambda x, W, b: x @ W + b,
    "dense_backward": lambda x, W, dz: (dz @ W.T, x.T @ dz, dz.sum(axis=0)),
    "softmax": _softmax,
    "softmax_backward": lambda dy, p: p * (dy - (dy * p).sum(axis=-1, keepdims=True)),
    "softmax_crossentropy_backward": _ce,
    "mse_backward": lambda y_true, y_pred: 2 * (y_pred - y_true) / y_pred.size,
    "dropout_backward": lambda dy, mask, rate: dy * mask / (1 - rate),
    "sgd_momentum_step": _sgd,
    "adam_step": _adam,
}


def test_every_registered_exercise_has_a_right_answer_here():
    assert set(RIGHT) <= set(exercises.names())
    # The convolution exercises have theirs in test_exercises_convolutions.py, the tape's in test_exercises_tape.py,
    # lessons 8 and 9's in test_exercises_recurrent.py.
    assert set(exercises.names()) == set(RIGHT) | set(CONVOLUTIONS_RIGHT) | set(TAPE_RIGHT) | set(RECURRENT_RIGHT), (
        "a new exercise needs a right answer (and its mistakes) in this file"
    )


@pytest.mark.parametrize("name", sorted(RIGHT))
def test_a_right_answer_passes(name):
    report = exercises.check(name, RIGHT[name])
    assert report.passed, str(report)
    assert report.problems == []
    assert "PASSED" in str(report)


@pytest.mark.parametrize("name", sorted(RIGHT))
def test_a_right_answer_passes_on_other_random_cases(name):
    assert exercises.check(name, RIGHT[name], seed=123).passed


def _inplace_relu_backward(dy, y):
    dy[y <= 0] = 0
    return dy


def _adam_numpy_scalar(param, grad, m, v, t, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    m = beta_1 * m + (1 - beta_1) * grad
    v = beta_2 * v + (1 - beta_2) * grad * grad
    lr_t = learning_rate * np.sqrt(1 - beta_2**t) / (1 - beta_1**t)  # np.float64: promotes float32
    return param - lr_t * m / (np.sqrt(v) + epsilon), m, v


def _naive_softmax(z):
    return np.exp(z) / np.exp(z).sum(axis=-1, keepdims=True)


def _global_max_softmax(z):
    e = np.exp(z - z.max())
    return e / e.sum(axis=-1, keepdims=True)


def _softmax_over_the_whole_array(z):
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum()


def _ce_with(softmax, z, y):
    with np.errstate(all="ignore"):
        p = softmax(z)
    p[np.arange(len(y)), y] -= 1
    return p / len(y)


def _ce_columns_of_every_row(z, y):
    p = _softmax(z)
    p[:, y] -= 1
    return p / len(y)


def _adam_corrected(param, grad, m, v, t, learning_rate, beta_1, beta_2, epsilon, correct="mv", inside=False):
    """Adam in the paper's form, with the bias correction of m and/or v, epsilon after or inside the root."""
    m = beta_1 * m + (1 - beta_1) * grad
    v = beta_2 * v + (1 - beta_2) * grad * grad
    m_hat = m / (1 - beta_1**t) if "m" in correct else m
    v_hat = v / (1 - beta_2**t) if "v" in correct else v
    root = np.sqrt(v_hat + epsilon) if inside else np.sqrt(v_hat) + epsilon
    return param - learning_rate * m_hat / root, m, v


def _adam_with(param, grad, m, v, t, learning_rate, beta_1, beta_2, epsilon, root=True, swap=False, old=False):
    new_m = beta_1 * m + (1 - beta_1) * grad
    new_v = beta_2 * v + (1 - beta_2) * grad * grad
    b1, b2 = (beta_2, beta_1) if swap else (beta_1, beta_2)
    lr_t = learning_rate * math.sqrt(1 - b2**t) / (1 - b1**t)
    step_m, step_v = (m, v) if old else (new_m, new_v)
    denominator = np.sqrt(step_v) + epsilon if root else step_v + epsilon
    return param - lr_t * step_m / denominator, new_m, new_v


def _adam_epsilon_inside(param, grad, m, v, t, learning_rate, beta_1, beta_2, epsilon):
    m = beta_1 * m + (1 - beta_1) * grad
    v = beta_2 * v + (1 - beta_2) * grad * grad
    lr_t = learning_rate * math.sqrt(1 - beta_2**t) / (1 - beta_1**t)
    return param - lr_t * m / np.sqrt(v + epsilon), m, v


def _not_done(*args):
    # your code here
    raise NotImplementedError


MISTAKES = [
    ("predicted_classes", np.argmax, "returns ONE index into all N*C numbers"),
    ("predicted_classes", lambda p: np.argmax(p, axis=0), "took the argmax down each column"),
    ("predicted_classes", lambda p: np.max(p, axis=1), "np.argmax, not np.max"),
    ("relu_backward", lambda dy, y: None, "returned None"),
    ("relu_backward", lambda dy, y: (y > 0) * 1.0, "forgot to multiply by `dy`"),
    ("relu_backward", lambda dy, y: dy * (y >= 0), "used (y >= 0)"),
    ("relu_backward", _inplace_relu_backward, "changed its input `dy` in place"),
    ("relu_backward", lambda dy, y: -dy * (y > 0), "wrong sign"),
    ("relu_backward", lambda dy, y: (dy * (y > 0)).T, "transposed"),
    ("sigmoid_backward", lambda dy, y: dy * (1 - y * y), "tanh's derivative"),
    ("sigmoid_backward", lambda dy, y: dy * y * (y - 1), "wrong sign"),
    ("sigmoid_backward", lambda dy, y: y * (1 - y), "forgot to multiply by `dy`"),
    ("dense_forward", lambda x, W, b: x @ W, "forgot to add the bias"),
    ("dense_forward", lambda x, W, b: W @ x + b, "raised ValueError"),
    ("dense_backward", lambda x, W, dz: (dz @ W.T, dz.T @ x, dz.sum(axis=0)), "dW: transposed"),
    ("dense_backward", lambda x, W, dz: (dz @ W.T, x.T @ dz, dz.mean(axis=0)), "db: off by a factor"),
    ("dense_backward", lambda x, W, dz: (dz @ W.T, x.T @ dz / len(x), dz.sum(axis=0)), "1/N"),
    (
        "dense_backward",
        lambda x, W, dz: (dz @ W.T, x.T @ dz, dz.sum(axis=0, keepdims=True)),
        "expected (7,), got (1, 7)",
    ),
    ("dense_backward", lambda x, W, dz: (dz @ W.T, x.T @ dz, dz), "forget .sum(axis=0)"),
    ("dense_backward", lambda x, W, dz: (x.T @ dz, dz @ W.T, dz.sum(axis=0)), "returned dW in the place of dx"),
    ("dense_backward", lambda x, W, dz: (dz @ W.T, x.T @ dz), "expected 3: (dx, dW, db)"),
    ("dense_backward", lambda x, W, dz: None, "returned None"),
    ("softmax", lambda z: np.exp(z) / np.exp(z).sum(axis=-1, keepdims=True), "subtract each row's max"),
    ("softmax", lambda z: _softmax(z.T).T, "normalized over axis 0"),
    (
        "softmax",
        lambda z: np.exp(z - z.max(-1, keepdims=True)) / np.exp(z - z.max(-1, keepdims=True)).sum(-1),
        "keepdims",
    ),
    ("softmax_backward", lambda dy, p: dy * p * (1 - p), "only the diagonal of the Jacobian"),
    ("softmax_backward", lambda dy, p: p * (dy - (dy * p).sum()), "over the whole batch"),
    ("softmax_backward", lambda dy, p: p * (1 - (1 * p).sum(axis=-1, keepdims=True)), "forgot to multiply by `dy`"),
    ("softmax_crossentropy_backward", lambda z, y: _ce(z, y) / len(y), "Divided by the batch size twice?"),
    ("softmax_crossentropy_backward", lambda z, y: _ce(z, y) * len(y), "Forgot to divide by the batch size"),
    ("softmax_crossentropy_backward", lambda z, y: -_ce(z, y), "wrong sign"),
    ("softmax_crossentropy_backward", lambda z, y: _ce(z, y) - (_softmax(z) - z) / len(y), "used the logits z"),
    ("mse_backward", lambda y_true, y_pred: (y_pred - y_true) / y_pred.size, "the 2 is missing"),
    ("mse_backward", lambda y_true, y_pred: 2 * (y_pred - y_true) / len(y_pred), "Divided by N only"),
    ("mse_backward", lambda y_true, y_pred: 2 * (y_pred - y_true), "Forgot to divide by the number of entries"),
    ("mse_backward", lambda y_true, y_pred: 2 * (y_true - y_pred) / y_pred.size, "wrong sign"),
    ("dropout_backward", lambda dy, mask, rate: dy * mask, "(1 - rate). Forgot the scale"),
    ("dropout_backward", lambda dy, mask, rate: dy * mask / rate, "divided by rate"),
    ("dropout_backward", lambda dy, mask, rate: dy * mask / (1 - rate) ** 2, "Divided by (1 - rate) twice?"),
    ("dropout_backward", lambda dy, mask, rate: dy / (1 - rate), "forgot the mask"),
    ("dropout_backward", lambda dy, mask, rate: mask / (1 - rate), "forgot to multiply by `dy`"),
    ("sgd_momentum_step", lambda p, g, v, lr, mu: (p - lr * (mu * v + g), mu * v + g), "other momentum convention"),
    ("sgd_momentum_step", lambda p, g, v, lr, mu: (p + v, mu * v - lr * g), "with the old velocity"),
    ("sgd_momentum_step", lambda p, g, v, lr, mu: (p + mu * v + lr * g, mu * v + lr * g), "goes uphill"),
    ("adam_step", lambda *a: (a[0] - a[5] * _adam(*a)[1] / (np.sqrt(_adam(*a)[2]) + a[8]), *_adam(*a)[1:]), "no bias"),
    ("adam_step", lambda *a: _adam(*a, t_shift=1), "used t + 1"),
    ("adam_step", lambda *a: _adam(*a)[:2], "expected 3: (param, m, v)"),
    # The holes issue 21 found (passed, or answered only "wrong values" / "times a constant"), each named now.
    ("softmax", _global_max_softmax, "the max of the whole batch, z.max(), not each row's"),
    ("softmax_backward", lambda dy, p: p * (1 - p), "forgot `dy` and kept only the diagonal"),
    ("softmax_backward", lambda dy, p: p * (dy - p.sum(axis=-1, keepdims=True)), "the sum inside is of dy * p"),
    ("softmax_backward", lambda dy, p: p * (1 - (dy * p).sum(axis=-1, keepdims=True)), "forgot `dy` in the first"),
    (
        "softmax_backward",
        lambda dy, p: p * (dy - (dy * p).sum(axis=-1, keepdims=True)) / len(p),
        "softmax's backward has no 1/N",
    ),
    ("softmax_crossentropy_backward", lambda z, y: _ce_with(_naive_softmax, z, y), "your softmax exp(z) overflowed"),
    (
        "softmax_crossentropy_backward",
        lambda z, y: _ce_with(_global_max_softmax, z, y),
        "your softmax subtracted the max of the whole batch",
    ),
    ("softmax_crossentropy_backward", _ce_columns_of_every_row, "p[:, y] -= 1"),
    ("adam_step", lambda *a: _adam_corrected(*a, correct="m"), "bias-corrected m only"),
    ("adam_step", lambda *a: _adam_corrected(*a, correct="v"), "bias-corrected v only"),
    ("adam_step", _adam_epsilon_inside, "epsilon went inside the square root: sqrt(v + epsilon)"),
    ("adam_step", lambda *a: _adam_corrected(*a, inside=True), "sqrt(v_hat + epsilon), in the paper's form"),
    # More slips, each named rather than answered with "wrong values".
    ("relu_backward", lambda dy, y: dy * (y <= 0), "the mask is the wrong way round"),
    ("relu_backward", lambda dy, y: dy * (y < 0), "all zeros"),
    ("relu_backward", lambda dy, y: dy * y, "multiplied by y"),
    ("relu_backward", lambda dy, y: np.maximum(dy, 0), "applied ReLU to dy"),
    ("sigmoid_backward", lambda dy, y: dy * y, "forgot the factor (1 - y)"),
    ("sigmoid_backward", lambda dy, y: dy * (1 - y), "forgot the factor y"),
    ("sigmoid_backward", lambda dy, y: dy * y * (1 - y) / len(y), "never divides by the batch size"),
    ("dense_forward", lambda x, W, b: x @ W - b, "subtracted the bias"),
    ("dense_forward", lambda x, W, b: x @ W + b.sum(), "added b.sum(), one number"),
    ("softmax", _softmax_over_the_whole_array, "divided by the sum of the whole array"),
    ("softmax", lambda z: _softmax(z) / len(z), "yours sum to 1/N"),
    (
        "softmax",
        lambda z: np.exp(z - z.max(axis=-1, keepdims=True)) / np.exp(z).sum(axis=-1, keepdims=True),
        "subtracted the row max in the numerator only",
    ),
    ("softmax_backward", lambda dy, p: p * (dy - (dy * p).sum(axis=0, keepdims=True)), "down the columns (axis 0"),
    ("softmax_crossentropy_backward", lambda z, y: -np.eye(z.shape[1])[y] / (len(y) * _softmax(z)), "returned dL/dp"),
    ("softmax_crossentropy_backward", lambda z, y: (_softmax(z) - 1) / len(y), "subtracted 1 from every entry"),
    ("softmax_crossentropy_backward", lambda z, y: -_ce(z, y) * len(y), "the wrong sign, and off by a factor"),
    ("softmax_crossentropy_backward", lambda z, y: _ce(z, y) / z.shape[1], "Divided by N * C, every entry"),
    ("mse_backward", lambda y_true, y_pred: y_pred - y_true, "Forgot both the 2"),
    ("mse_backward", lambda y_true, y_pred: (y_pred - y_true) ** 2 / y_pred.size, "returned the squared errors"),
    ("dropout_backward", lambda dy, mask, rate: dy * ~mask / (1 - rate), "through the DROPPED units"),
    ("dropout_backward", lambda dy, mask, rate: dy * mask * (1 - rate), "Multiplied by (1 - rate)"),
    ("sgd_momentum_step", lambda p, g, v, lr, mu: (p - lr * g, mu * v - lr * g), "that is plain SGD"),
    ("adam_step", lambda *a: _adam_with(*a, root=False), "divided by v, not by its square root"),
    ("adam_step", lambda *a: _adam_with(*a, swap=True), "swapped beta_1 and beta_2"),
    ("adam_step", lambda *a: _adam_with(*a, old=True), "stepped with the old m and v"),
]


@pytest.mark.parametrize(("name", "fn", "named"), MISTAKES, ids=[f"{m[0]}-{m[2][:24]}" for m in MISTAKES])
def test_each_classic_mistake_is_named(name, fn, named):
    report = exercises.check(name, fn)
    assert not report.passed
    assert report.status == "failed"
    assert any(named in p for p in report.problems), str(report)
    assert "NOT YET RIGHT" in str(report)


def test_adam_in_the_papers_epsilon_form_is_named():
    def paper(param, grad, m, v, t, learning_rate, beta_1, beta_2, epsilon):
        m = beta_1 * m + (1 - beta_1) * grad
        v = beta_2 * v + (1 - beta_2) * grad * grad
        m_hat, v_hat = m / (1 - beta_1**t), v / (1 - beta_2**t)
        return param - learning_rate * m_hat / (np.sqrt(v_hat) + epsilon), m, v

    report = exercises.check("adam_step", paper)
    assert any("paper's Algorithm 1" in p for p in report.problems), str(report)


def _scratchnets_own(name):
    """An answer that hands the work to the exercise's own reference (scratchnet's code)."""
    exercise = exercises.EXERCISES[name]

    def answer(*args):
        out = exercise.reference(dict(zip(exercise.args, args, strict=True)))
        return out[0] if len(exercise.outputs) == 1 else out

    return answer


@pytest.mark.parametrize("name", sorted(RIGHT) + sorted(CONVOLUTIONS_RIGHT))
def test_an_answer_that_calls_scratchnets_own_reference_is_refused(name):
    report = exercises.check(name, _scratchnets_own(name))
    assert report.status == "failed"
    assert any("calls scratchnet's own" in p for p in report.problems), str(report)


def _adam_by_scratchnet(param, grad, m, v, t, learning_rate, beta_1, beta_2, epsilon):
    opt = sn.optimizers.Adam(learning_rate=learning_rate, beta_1=beta_1, beta_2=beta_2, epsilon=epsilon)
    param = param.copy()
    opt.build([param])
    opt.m[0][...], opt.v[0][...], opt.iterations = m, v, t
    opt.update_step(0, param, grad)
    return param, opt.m[0], opt.v[0]


@pytest.mark.parametrize(
    ("name", "fn", "named"),
    [
        ("softmax", lambda z: sn.nn.softmax(z), "scratchnet.nn.softmax"),
        ("softmax", lambda z: sn.layers.Softmax()(z), "calls scratchnet's own"),
        ("softmax_backward", sn.nn.softmax_backward, "scratchnet.nn.softmax_backward"),
        ("relu_backward", lambda dy, y: vars(sn.nn)["relu" + "_backward"](dy, y), "scratchnet.nn.relu_backward"),
        ("adam_step", _adam_by_scratchnet, "scratchnet.optimizers"),
    ],
)
def test_scratchnets_own_implementation_is_refused_however_it_is_reached(name, fn, named):
    report = exercises.check(name, fn)
    assert not report.passed
    assert any("calls scratchnet's own" in p and named in p for p in report.problems), str(report)


def _softmax_unwatched(z):
    import sys

    sys.setprofile(None)
    return sn.nn.softmax(z)


def _softmax_in_a_thread(z):
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(sn.nn.softmax, z).result()


@pytest.mark.parametrize("fn", [_softmax_unwatched, _softmax_in_a_thread])
def test_scratchnet_called_behind_the_checks_back_is_refused_too(fn):
    report = exercises.check("softmax", fn)
    assert not report.passed
    assert any("calls scratchnet's own" in p for p in report.problems), str(report)


def test_an_answer_may_use_scratchnets_small_helpers():
    def ce(z, y):
        e = np.exp(z - z.max(axis=-1, keepdims=True))
        return (e / e.sum(axis=-1, keepdims=True) - sn.utils.to_categorical(y, z.shape[1])) / len(y)

    assert exercises.check("softmax_crossentropy_backward", ce).passed


def _adam_in_place(param, grad, m, v, t, learning_rate, beta_1, beta_2, epsilon):
    m *= beta_1
    m += (1 - beta_1) * grad
    v *= beta_2
    v += (1 - beta_2) * grad * grad
    param -= learning_rate * math.sqrt(1 - beta_2**t) / (1 - beta_1**t) * m / (np.sqrt(v) + epsilon)
    return param, m, v


def test_an_in_place_update_passes_with_a_note_saying_what_it_means_for_the_caller():
    report = exercises.check("adam_step", _adam_in_place)
    assert report.passed, str(report)
    assert any("changed `param` in place" in n and "param.copy()" in n for n in report.notes), str(report)
    assert not any("in place" in n for n in exercises.check("adam_step", _adam).notes)


def test_the_fused_exercise_has_large_logits():
    exercise = exercises.EXERCISES["softmax_crossentropy_backward"]
    z = exercise.make_inputs(np.random.default_rng(0))["z"]
    assert np.abs(z).max() > 500


def test_not_done_yet_says_so_and_does_not_pass():
    report = exercises.check("relu_backward", _not_done)
    assert report.status == "not done"
    assert not report.passed
    assert str(report).startswith("relu_backward(dy, y) -> dx: not done yet")


def test_a_float64_leak_is_noted_without_failing():
    report = exercises.check("adam_step", _adam_numpy_scalar)
    assert report.passed, str(report)
    assert any("came back as float64" in note for note in report.notes)
    assert not exercises.check("adam_step", _adam).notes


def test_the_function_can_be_passed_alone_when_it_has_the_exercises_name():
    def relu_backward(dy, y):
        return dy * (y > 0)

    assert exercises.check(relu_backward).passed


def test_an_unknown_exercise_lists_the_known_ones():
    with pytest.raises(ValueError, match=r"Expected one of .*relu_backward"):
        exercises.check("relu_backwards", RIGHT["relu_backward"])


def test_report_prints_plainly_in_ipython():
    report = exercises.check("relu_backward", RIGHT["relu_backward"])
    printed = []

    class Printer:
        def text(self, s):
            printed.append(s)

    report._repr_pretty_(Printer(), cycle=False)
    assert printed == [str(report)]
    assert repr(report) == str(report)


def test_registering_a_new_exercise_makes_it_checkable():
    ex = exercises.Exercise(
        name="tanh_backward_demo",
        args=("dy", "y"),
        outputs=("dx",),
        make_inputs=lambda rng: {"dy": rng.standard_normal((3, 4)), "y": np.tanh(rng.standard_normal((3, 4)))},
        reference=lambda i: (i["dy"] * (1 - i["y"] ** 2),),
        upstream="dy",
    )
    exercises.register(ex)
    try:
        assert exercises.check("tanh_backward_demo", lambda dy, y: dy * (1 - y * y)).passed
        assert (
            "forgot to multiply by `dy`" in exercises.check("tanh_backward_demo", lambda dy, y: 1 - y * y).problems[0]
        )
        assert exercises.describe("tanh_backward_demo").startswith("tanh_backward_demo(dy, y) -> dx")
    finally:
        del exercises.EXERCISES["tanh_backward_demo"]


# --- a student's layer -------------------------------------------------------------------------------------------
class Scale(Layer):
    """y = x * a, one learned scale per feature."""

    def build(self, input_shape, rng, dtype):
        super().build(input_shape, rng, dtype)
        self.params["a"] = np.ones(input_shape, dtype=dtype)
        self.grads["a"] = np.zeros(input_shape, dtype=dtype)

    def forward(self, x, training=False):
        self.x = x
        return x * self.params["a"]

    def backward(self, dy):
        self.grads["a"][...] = (dy * self.x).sum(axis=0)
        return dy * self.params["a"]


class ScaleMeanGrad(Scale):
    def backward(self, dy):
        self.grads["a"][...] = (dy * self.x).mean(axis=0)  # divides by N: wrong in a layer
        return dy * self.params["a"]


class ScaleNoDx(Scale):
    def backward(self, dy):
        self.grads["a"][...] = (dy * self.x).sum(axis=0)


class ScaleInPlace(Scale):
    def backward(self, dy):
        self.grads["a"][...] = (dy * self.x).sum(axis=0)
        dy *= self.params["a"]
        return dy


class ScaleTodo(Scale):
    def backward(self, dy):
        raise NotImplementedError


class Blocker(Layer):
    """Right gradients (all zero), but nothing gets through it, so a model cannot learn."""

    def forward(self, x, training=False):
        return x * 0.0

    def backward(self, dy):
        return dy * 0.0


def test_a_right_layer_passes_alone_inside_a_model_and_trains():
    report = exercises.check_layer(Scale)
    assert report.passed, str(report)
    text = str(report)
    assert "Gradient check of Scale" in text and "Gradient check of model" in text and "trains: loss" in text


@pytest.mark.parametrize(
    ("layer", "named"),
    [
        (ScaleMeanGrad, "disagree with finite differences"),
        (ScaleNoDx, "backward must return dx"),
        (ScaleInPlace, "changed `dy` in place"),
    ],
)
def test_a_wrong_layer_is_named(layer, named):
    report = exercises.check_layer(layer)
    assert not report.passed
    assert any(named in p for p in report.problems), str(report)


class LeakyReLU(Layer):
    """Lesson 4's layer, its forward as the lesson gives it."""

    def __init__(self, alpha=0.1, **kwargs):
        super().__init__(**kwargs)
        self.alpha = alpha

    def forward(self, x, training=False):
        self.x = x
        return np.where(x > 0, x, self.alpha * x)

    def backward(self, dy):
        return np.where(self.x > 0, dy, self.alpha * dy)


class LeakyNoDy(LeakyReLU):
    def backward(self, dy):
        return np.where(self.x > 0, 1.0, self.alpha).astype(dy.dtype)


class LeakyNoAlpha(LeakyReLU):
    def backward(self, dy):
        return dy * (self.x > 0)


class LeakyDyEverywhere(LeakyReLU):
    def backward(self, dy):
        return dy.copy()


class LeakyAlphaWithoutDy(LeakyReLU):
    def backward(self, dy):
        return np.where(self.x > 0, dy, self.alpha).astype(dy.dtype)


class LeakyFloat64(LeakyReLU):
    def backward(self, dy):
        return dy * np.where(self.x > 0, 1.0, self.alpha)  # Python floats: a float64 array


class LeakyByScratchnet(LeakyReLU):
    def backward(self, dy):
        return np.where(self.x > 0, sn.nn.relu_backward(dy, self.x), self.alpha * dy)


def test_the_lessons_leaky_relu_passes():
    assert exercises.check_layer(LeakyReLU).passed, str(exercises.check_layer(LeakyReLU))


@pytest.mark.parametrize(
    ("layer", "named"),
    [
        (LeakyNoDy, "forgot to multiply by `dy`"),
        (LeakyNoAlpha, "wrong where x < 0: it passes no gradient there, but forward's slope there is 0.1"),
        (LeakyDyEverywhere, "it passes dy unchanged there, but forward's slope there is 0.1"),
        (LeakyAlphaWithoutDy, "it returns 0.1 there whatever dy is. Multiply by dy"),
        (LeakyFloat64, "backward's dx came back as float64"),
        (LeakyByScratchnet, "calls scratchnet's own `scratchnet.nn.relu_backward`"),
    ],
)
def test_a_wrong_leaky_relu_is_named(layer, named):
    report = exercises.check_layer(layer)
    assert report.status == "failed"
    assert any(named in p for p in report.problems), str(report)


def test_a_layer_not_written_yet_is_not_done():
    assert exercises.check_layer(ScaleTodo).status == "not done"


def test_a_layer_that_does_not_learn_fails_the_training_step():
    report = exercises.check_layer(Blocker)
    assert not report.passed
    assert any("does not learn" in p for p in report.problems), str(report)


def test_check_layer_takes_an_instance_and_leaves_it_alone():
    layer = Scale()
    assert exercises.check_layer(layer).passed
    assert not layer.built

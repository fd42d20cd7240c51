"""Weight regularizers (scratchnet/regularizers.py): the penalty and its gradient, in the loss fit reports and in
the gradients fit uses, checked against finite differences through the whole model; saved with the model."""

import numpy as np
import pytest
from _helpers import blobs, raised

import scratchnet as sn
from scratchnet import gradcheck, regularizers
from scratchnet.layers import Conv2D, Dense, Flatten


def test_penalty_and_gradient_of_l1_l2_as_keras_defines_them():
    w = np.array([[1.0, -2.0], [0.0, 3.0]])
    reg = regularizers.l1_l2(l1=0.1, l2=0.01)
    assert reg(w) == pytest.approx(0.1 * 6 + 0.01 * 14)
    np.testing.assert_allclose(reg.gradient(w), 0.1 * np.sign(w) + 0.02 * w)
    assert regularizers.l2(0.001)(w) == pytest.approx(0.014)  # no factor 1/2, as Keras
    assert regularizers.get("l2").l2 == 0.01 and regularizers.get(None) is None
    assert "Unknown regularizer" in raised(ValueError, regularizers.get, "l3")
    assert "l2 to be a number >= 0" in raised(ValueError, regularizers.L2, -1)


def regularized_model():
    model = sn.Sequential(
        [
            Dense(6, activation="tanh", input_shape=(8,), kernel_regularizer=regularizers.l2(0.05)),
            Dense(4, activation="softmax", kernel_regularizer=regularizers.l1(0.01), bias_regularizer="l2"),
        ],
        seed=0,
        dtype="float64",
    )
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    return model


def test_the_model_gradient_includes_the_penalty_and_matches_finite_differences():
    x, y = blobs(12)
    model = regularized_model()
    report = gradcheck.check_model(model, x.astype(np.float64), y, max_checks=None)
    assert report.passed, report
    plain = sn.Sequential([Dense(6, activation="tanh", input_shape=(8,)), Dense(4, activation="softmax")], seed=0)
    plain.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    plain.set_weights(model.get_weights())
    loss = model.compute_gradients(x, y)
    assert loss == pytest.approx(plain.compute_gradients(x, y) + model.regularization_loss(), rel=1e-6)


def test_fit_and_evaluate_report_the_loss_with_the_penalty_as_keras_does():
    x, y = blobs(32)
    model = regularized_model()
    penalty = model.regularization_loss()
    assert penalty > 0
    value = model.evaluate(x, y, verbose=0)
    unpenalized = model.loss(y, model.predict(x))
    assert value == pytest.approx(unpenalized + penalty, rel=1e-6)


def test_regularizers_are_saved_with_the_model_and_conv_takes_them_too(tmp_path):
    model = regularized_model()
    model.save(tmp_path / "m.npz")
    loaded = sn.models.load_model(tmp_path / "m.npz")
    assert loaded.layers[0].regularizers["W"].l2 == 0.05 and loaded.layers[1].regularizers["b"].l2 == 0.01
    conv = Conv2D(2, 3, kernel_regularizer="l2", input_shape=(5, 5, 1))
    assert set(conv.regularizers) == {"W"}
    sn.Sequential([conv, Flatten(), Dense(2)]).compile(optimizer="sgd", loss="mse")

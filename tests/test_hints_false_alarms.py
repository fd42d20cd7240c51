"""Each learner hint fires on its trap and stays silent on healthy training (a hint that cries wolf is ignored).

The corpus and the examples are checked for hints too (tests/test_corpus.py, tests/test_examples.py); these are
the healthy runs that used to raise false alarms, and the traps each hint must still catch.
"""

import warnings

import numpy as np
import pytest

import scratchnet as sn
from scratchnet import hints
from scratchnet import layers as L

rng = np.random.default_rng(0)
X = rng.random((1024, 32)).astype("float32")
Y = (X @ rng.normal(size=(32, 10))).argmax(1)
IMAGES = rng.random((256, 10, 10, 1)).astype("float32")
LABELS = (IMAGES[:, :5].mean(axis=(1, 2, 3)) > IMAGES[:, 5:].mean(axis=(1, 2, 3))).astype(int)


def dense(regularizer=None, dropout=0.0):
    return sn.Sequential(
        [
            L.Input((32,)),
            L.Dense(64, activation="relu", kernel_regularizer=regularizer),
            L.Dropout(dropout),
            L.Dense(10, activation="softmax", kernel_regularizer=regularizer),
        ],
        seed=0,
    )


def cnn():
    return sn.Sequential(
        [
            L.Input((10, 10, 1)),
            L.Conv2D(8, 3, activation="relu"),
            L.MaxPooling2D(2),
            L.Flatten(),
            L.Dense(32, activation="relu"),
            L.Dense(2, activation="softmax"),
        ],
        seed=0,
    )


def hints_of(run):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        run()
    return [str(w.message) for w in caught if issubclass(w.category, (hints.TrainingHint, hints.InputScaleWarning))]


def fit(model, optimizer, x=X, y=Y, refits=1, **kw):
    model.compile(optimizer, "sparse_categorical_crossentropy", metrics=["accuracy"])
    for _ in range(refits):
        model.fit(x, y, verbose=0, **kw)
    return model


HEALTHY = {
    "adam": lambda: fit(dense(), "adam", epochs=3),
    "sgd_batch_size_1_tiny": lambda: fit(dense(), "sgd", x=X[:64], y=Y[:64], batch_size=1, epochs=4),
    "sgd_batch_size_1": lambda: fit(dense(), "sgd", x=X[:256], y=Y[:256], batch_size=1, epochs=2),
    "l2_penalty": lambda: fit(dense(sn.regularizers.l2(0.01)), "adam", epochs=2),
    "strong_l2_penalty": lambda: fit(dense(sn.regularizers.l2(0.1)), "sgd", epochs=2),
    "dropout_rmsprop": lambda: fit(dense(dropout=0.5), "rmsprop", epochs=2),
    "fit_once_per_epoch": lambda: fit(dense(), "adam", refits=5, batch_size=64),
    "cnn_fit_once_per_epoch": lambda: fit(cnn(), "adam", x=IMAGES, y=LABELS, refits=4, batch_size=32),
    "large_but_sane_sgd": lambda: fit(dense(), sn.optimizers.SGD(1.0), epochs=2),
}


@pytest.mark.parametrize("name", sorted(HEALTHY))
def test_no_hint_on_healthy_training(name):
    assert hints_of(HEALTHY[name]) == []


def test_learning_rate_far_too_high():
    found = hints_of(lambda: fit(dense(), sn.optimizers.SGD(30.0)))
    assert any("The loss rose during the first epoch" in h and "learning rate too high" in h for h in found), found


def test_first_batch_of_unscaled_inputs_even_with_a_penalty():
    found = hints_of(lambda: fit(dense(sn.regularizers.l2(0.01)), "adam", x=X * 255))
    assert any("did you divide images by 255" in h for h in found), found


def test_penalty_alone_is_not_taken_for_unscaled_inputs():
    # An L2 penalty of 0.5 on 64x32 + 64x10 weights makes the first loss several times ln 10: not a scale problem.
    assert hints_of(lambda: fit(dense(sn.regularizers.l2(0.5)), "adam")) == []


def test_nan_loss():
    x = X.copy()
    x[3] = 1e30
    found = hints_of(lambda: fit(dense(), "sgd", x=x))
    assert any("The loss became nan" in h or "The loss became inf" in h for h in found), found


def test_predict_on_another_scale():
    model = fit(dense(), "adam")
    assert any("x / 255.0" in h for h in hints_of(lambda: model.predict(X * 255, verbose=0)))

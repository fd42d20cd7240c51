"""Learner hints (scratchnet/hints.py): the input-scale warning, the first-batch loss, from_logits after a
softmax, and the forgotten softmax."""

import warnings

import numpy as np
import pytest
from _helpers import blobs, classifier, mnist_model, raised

import scratchnet as sn
from scratchnet import hints, layers, losses


def _trained_on_unit_interval():
    rng = np.random.default_rng(0)
    pixels = rng.integers(0, 256, (64, 4, 4), dtype=np.uint8)
    labels = rng.integers(0, 3, 64)
    model = sn.Sequential([layers.Flatten(), layers.Dense(8, activation="relu"), layers.Dense(3, "softmax")], seed=0)
    model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(pixels / 255.0, labels, epochs=1, verbose=0)
    return model, pixels, labels


def test_input_scale_warning_says_what_goes_wrong_without_overstating_it():
    # Raw pixels given to a model trained on [0, 1] often keep most predicted classes (evaluate still scores
    # 0.81-0.84 on Fashion-MNIST); what breaks is the probabilities and the loss. The message says so.
    message = hints.input_scale_message((0.0, 1.0), (0.0, 255.0))
    assert "meaningless" not in message
    assert "may still be mostly right" in message and "probabilities will be overconfident" in message
    assert message.endswith("Did you forget to divide by 255 (x / 255.0), as for the training images?")


def test_input_scale_warning_for_pixels_not_divided_by_255():
    model, pixels, labels = _trained_on_unit_interval()
    with pytest.warns(hints.InputScaleWarning, match=r"divide by 255"):
        model.predict(pixels)
    model, pixels, labels = _trained_on_unit_interval()
    with pytest.warns(hints.InputScaleWarning, match=r"divide by 255"):
        model.evaluate(pixels, labels, verbose=0)


def test_no_input_scale_warning_for_inputs_scaled_like_training():
    model, pixels, labels = _trained_on_unit_interval()
    with warnings.catch_warnings():
        warnings.simplefilter("error", hints.InputScaleWarning)
        model.predict(pixels / 255.0)
        model.evaluate(pixels / 255.0, labels, verbose=0)


def test_first_batch_loss_hint_for_unnormalized_inputs():
    rng = np.random.default_rng(0)
    pixels = rng.integers(0, 256, (64, 28, 28), dtype=np.uint8)
    labels = rng.integers(0, 10, 64)

    raw = mnist_model(seed=0)
    raw.compile("adam", "sparse_categorical_crossentropy")
    with pytest.warns(hints.TrainingHint, match=r"ln\(10\)") as record:
        raw.fit(pixels, labels, epochs=1, verbose=0)
    assert "divide images by 255" in str(record[0].message)

    scaled = mnist_model(seed=0)
    scaled.compile("adam", "sparse_categorical_crossentropy")
    with warnings.catch_warnings():
        warnings.simplefilter("error", hints.TrainingHint)
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


# --- the forgotten softmax (issue 9, trap 1) ----------------------------------------------------------------------
def _linear_output_run(loss, last_activation=None, epochs=8):
    x, y = blobs(512, d=8, c=4, seed=3)
    model = sn.Sequential(
        [layers.Dense(16, activation="relu", input_shape=(8,)), layers.Dense(4, activation=last_activation)], seed=0
    )
    with pytest.warns(hints.TrainingHint) as caught:
        model.compile(optimizer="adam", loss=loss, metrics=["accuracy"])
    history = model.fit(x, y, epochs=epochs, batch_size=32, verbose=0)
    return model, history, [str(w.message) for w in caught], x, y


@pytest.mark.parametrize("last_activation", [None, "relu", "sigmoid"])
def test_a_classifier_without_softmax_is_told_at_compile_with_both_fixes(last_activation):
    _, _, messages, _, _ = _linear_output_run("sparse_categorical_crossentropy", last_activation, epochs=1)
    (message,) = [m for m in messages if "expects probabilities" in m]
    assert message.startswith("SparseCategoricalCrossentropy expects probabilities")
    assert "activation='softmax'" in message
    assert "SparseCategoricalCrossentropy(from_logits=True)" in message


def test_the_forgotten_softmax_cannot_drive_the_loss_below_the_true_crossentropy():
    # Before: the loss took -log(clip(p)) of unbounded outputs and trained to 0.0 at chance accuracy. Now the
    # outputs are made a distribution first, so the reported loss is a real cross-entropy: it can only get small
    # by putting probability on the right class, and it is never below the cross-entropy of those probabilities.
    model, history, _, x, y = _linear_output_run("sparse_categorical_crossentropy")
    final_loss = history.history["loss"][-1]
    out = model.predict(x)
    q = np.clip(out, 1e-7, None)
    q /= q.sum(axis=1, keepdims=True)
    true_ce = float(-np.log(q[np.arange(len(y)), y]).mean())
    assert final_loss > 0.05  # before: 0.0, "won" by making every output large
    assert model.evaluate(x, y, verbose=0)[0] == pytest.approx(true_ce, rel=1e-4)
    assert history.history["loss"][-1] < history.history["loss"][0]  # and training follows that honest loss


def test_categorical_crossentropy_without_softmax_warns_too():
    model = sn.Sequential([layers.Dense(4, input_shape=(8,))])
    with pytest.warns(hints.TrainingHint, match="CategoricalCrossentropy expects probabilities"):
        model.compile(optimizer="adam", loss="categorical_crossentropy")


def test_binary_crossentropy_without_sigmoid_warns_and_refuses_values_outside_0_1():
    model = sn.Sequential([layers.Dense(1, input_shape=(3,))], seed=0)
    with pytest.warns(hints.TrainingHint, match="activation='sigmoid'"):
        model.compile(optimizer="adam", loss="binary_crossentropy")
    x = np.random.default_rng(0).normal(size=(32, 3)) * 10
    message = raised(ValueError, model.fit, x, (x[:, 0] > 0).astype(float), verbose=0)
    assert message.startswith("BinaryCrossentropy expected probabilities in [0, 1] (a sigmoid output).")
    assert "from_logits=True" in message


def test_no_warning_for_the_right_pairs():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for last, loss in (
            (layers.Dense(3, activation="softmax"), "sparse_categorical_crossentropy"),
            (layers.Dense(3), losses.SparseCategoricalCrossentropy(from_logits=True)),
            (layers.Dense(1, activation="sigmoid"), "binary_crossentropy"),
            (layers.Dense(1), "mse"),
        ):
            sn.Sequential([layers.Dense(4, input_shape=(2,)), last]).compile(optimizer="sgd", loss=loss)


def test_a_loss_that_rises_over_the_first_epoch_names_the_learning_rate():
    x, y = blobs(256)
    model = classifier()
    model.compile(optimizer=sn.optimizers.SGD(learning_rate=10.0), loss="sparse_categorical_crossentropy")
    with pytest.warns(hints.TrainingHint, match=r"learning rate too high for this model \(the optimizer.s is 10"):
        model.fit(x, y, epochs=1, batch_size=16, verbose=0)
    calm = classifier()
    calm.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        calm.fit(x, y, epochs=2, verbose=0)

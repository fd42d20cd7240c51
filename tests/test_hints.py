"""Learner hints (scratchnet/hints.py): the input-scale warning, the first-batch loss, from_logits after a
softmax, and the forgotten softmax."""

import warnings

import numpy as np
import pytest
from _helpers import classifier, mnist_model

import scratchnet as sn
from scratchnet import layers, losses, utils


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

"""Training smoke test on real data: the course's Fashion-MNIST program, on 6,000 training and 1,000 test images.

Needs ``SCRATCHNET_TEST_DATA`` (see conftest.py); skipped, with the reason, without it.
"""

import math

import numpy as np
import pytest

import scratchnet as sn


def test_the_exercise_program_learns_fashion_mnist(real_data, capsys):
    x_train, y_train, x_test, y_test = real_data.x_train, real_data.y_train, real_data.x_test, real_data.y_test

    # The exercise program of issue 2, as written (only the data loading differs, and 2 epochs instead of 5).
    training_images = x_train / 255.0
    test_images = x_test / 255.0
    model = sn.models.Sequential(
        [
            sn.layers.Flatten(),
            sn.layers.Dense(128, activation=sn.nn.relu),
            sn.layers.Dense(10, activation=sn.nn.softmax),
        ],
        seed=0,
    )
    model.compile(optimizer=sn.optimizers.Adam(), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    history = model.fit(training_images, y_train, epochs=2)
    predictions = model.predict(test_images)
    print(np.argmax(predictions[0]))
    test_loss, test_acc = model.evaluate(test_images, y_test)

    losses, accuracies = history.history["loss"], history.history["accuracy"]
    assert len(losses) == 2
    assert losses[0] < math.log(10)  # the first epoch already beats guessing (ln 10 = 2.30)
    assert losses[1] < losses[0]
    assert accuracies[1] > accuracies[0] > 0.5
    assert predictions.shape == (1000, 10) and predictions.dtype == np.float32
    np.testing.assert_allclose(predictions.sum(axis=1), 1, rtol=1e-5)
    assert test_acc > 0.7  # chance is 0.1; 2 epochs on a tenth of the data give about 0.8
    assert test_acc == pytest.approx(np.mean(predictions.argmax(axis=1) == y_test))
    assert test_loss < 1.0

    out = capsys.readouterr().out
    assert "Epoch 1/2" in out and "Epoch 2/2" in out
    assert "188/188" in out  # ceil(6000 / 32) steps per epoch

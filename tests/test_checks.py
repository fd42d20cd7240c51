"""Input checks (scratchnet/checks.py): bad data gets a clear error naming who complained, what was expected,
``Received:`` with the shapes, and the fix."""

import numpy as np
import pytest
from _helpers import compiled, images, mnist_model, raised

import scratchnet as sn
from scratchnet import layers


@pytest.mark.parametrize("method", ["fit", "evaluate", "train_on_batch", "test_on_batch", "compute_gradients"])
def test_training_before_compile(method):
    x, y = images()
    message = raised(RuntimeError, getattr(mnist_model(), method), x, y)
    assert f"You must call compile(optimizer=..., loss=...) before {method}()." in message
    assert "model.compile(optimizer='adam', loss='sparse_categorical_crossentropy'" in message  # the fix


def test_dense_5_output_with_labels_up_to_9():
    x, y = images(20)
    y[3] = 9
    model = compiled(sn.Sequential([layers.Flatten(), layers.Dense(5, activation="softmax")]))
    message = raised(ValueError, model.fit, x, y, verbose=0)
    assert message.startswith("SparseCategoricalCrossentropy: labels must be integers in [0, 5)")
    assert "for an output of 5 units" in message
    assert "Received: min label 0, max label 9." in message
    assert "Does the last Dense layer have 10 units or more?" in message


def test_negative_labels():
    x, y = images(20)
    y[0] = -1
    message = raised(ValueError, compiled(mnist_model()).fit, x, y, verbose=0)
    assert "labels must be integers in [0, 10)" in message and "Received: min label -1" in message


def test_one_hot_labels_given_to_the_sparse_loss():
    x, y = images(20)
    message = raised(ValueError, compiled(mnist_model()).fit, x, np.eye(10)[y], verbose=0)
    assert message.startswith("SparseCategoricalCrossentropy expected integer labels of shape (batch,)")
    assert "these look one-hot" in message
    assert "Received: y_true.shape=(20, 10)." in message
    assert "Use loss='categorical_crossentropy' for one-hot labels" in message
    assert "np.argmax(y, axis=1)" in message


def test_integer_labels_given_to_the_categorical_loss():
    x, y = images(20)
    model = compiled(mnist_model(), loss="categorical_crossentropy")
    message = raised(ValueError, model.fit, x, y, verbose=0)
    assert message.startswith("CategoricalCrossentropy expected one-hot labels with the shape of the predictions.")
    assert "Received: y_true.shape=(20,), y_pred.shape=(20, 10)." in message
    assert "use loss='sparse_categorical_crossentropy', or one-hot encode them" in message


def test_fractional_labels_given_to_the_sparse_loss():
    x, _ = images(4)
    message = raised(ValueError, compiled(mnist_model()).fit, x, np.array([0.5, 1, 2, 3]), verbose=0)
    assert "SparseCategoricalCrossentropy: labels must be integers (class indices)." in message
    assert "Received: y_true.dtype=float64 with values like [0.5, 1.0, 2.0]." in message


def test_missing_flatten_when_the_model_builds_on_data():
    x, y = images()
    model = compiled(sn.Sequential([layers.Dense(128, activation="relu"), layers.Dense(10, activation="softmax")]))
    # Dense works on the last axis, as Keras's: the model builds, and the loss sees (N, 28, 10) predictions.
    message = raised(ValueError, model.fit, x, y, verbose=0)
    assert message.startswith("SparseCategoricalCrossentropy expected predictions of shape (batch, num_classes).")
    assert "Received: y_pred.shape=(8, 28, 10)." in message
    assert "did you forget a Flatten() layer before the first Dense" in message


def test_missing_flatten_in_a_model_built_for_vectors():
    x, y = images()
    model = compiled(sn.Sequential([layers.Dense(10, activation="softmax", input_shape=(784,))]))
    message = raised(ValueError, model.fit, x, y, verbose=0)
    assert f"fit(): model '{model.name}' expects inputs of shape (None, 784)." in message
    assert "Received: x.shape=(8, 28, 28)." in message
    assert "Reshape it with x.reshape(-1, 784)." in message


def test_inputs_with_the_wrong_number_of_features():
    model = sn.Sequential([layers.Dense(2, input_shape=(4,))])
    message = raised(ValueError, model.predict, np.ones((3, 5)))
    assert f"predict(): model '{model.name}' expects inputs of shape (None, 4). Received: x.shape=(3, 5)." in message


def test_x_and_y_of_different_lengths():
    x, y = images(8)
    message = raised(ValueError, compiled(mnist_model()).fit, x, y[:6], verbose=0)
    assert message == (
        "fit(): x and y must hold the same number of examples. Received: x.shape=(8, 28, 28), y.shape=(6,)."
    )


def test_missing_targets():
    x, _ = images()
    assert "fit() needs targets. Received: y=None." in raised(ValueError, compiled(mnist_model()).fit, x, None)


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_nan_or_inf_in_inputs(bad):
    x, y = images(8)
    x[5, 3, 2] = bad
    message = raised(ValueError, compiled(mnist_model()).fit, x, y, verbose=0)
    assert message.startswith("fit(): x contains NaN or infinite values, first at index (5, 3, 2).")
    assert "Received: x.shape=(8, 28, 28)." in message
    assert "Clean the data first" in message


def test_nan_in_inputs_to_predict():
    x, _ = images(4)
    x[1, 0, 0] = np.nan
    message = raised(ValueError, mnist_model(input_shape=(28, 28)).predict, x)
    assert "predict(): x contains NaN or infinite values, first at index (1, 0, 0)." in message


def test_nan_in_targets():
    x = np.ones((3, 1))
    model = sn.Sequential([layers.Dense(1, input_shape=[1])])
    model.compile("sgd", "mse")
    message = raised(ValueError, model.fit, x, [1.0, np.nan, 2.0], verbose=0)
    assert "fit(): y must hold finite numbers. Received: y.dtype=float64 with NaN or inf." in message


@pytest.mark.parametrize("method", ["fit", "evaluate"])
def test_empty_input(method):
    model = compiled(mnist_model())
    message = raised(ValueError, getattr(model, method), np.zeros((0, 28, 28)), np.zeros(0, dtype=int))
    assert f"{method}(): x is empty; it needs at least one example. Received: x.shape=(0, 28, 28)." in message


def test_empty_list_to_predict():
    message = raised(ValueError, mnist_model(input_shape=(28, 28)).predict, [])
    assert "predict(): x is empty" in message and "Received: x.shape=(0,)." in message


def test_inputs_that_are_not_numbers():
    message = raised(TypeError, mnist_model(input_shape=(28, 28)).predict, np.array([["a"] * 28] * 28)[None])
    assert "predict(): x must hold numbers. Received: x.dtype=<U1." in message
    assert "np.asarray(..., dtype='float32')" in message


# --- one example without the batch axis, and data checked before training starts --------------------------------
def test_predict_on_one_image_says_how_to_make_a_batch_of_one():
    model = mnist_model(input_shape=(28, 28))
    x, _ = images(3)
    message = raised(ValueError, model.predict, x[0])
    assert "one example without the batch axis. Received: x.shape=(28, 28)." in message
    assert "x_test[:1]" in message and "np.expand_dims(x, 0)" in message
    assert model.predict(x[:1]).shape == (1, 10)


def test_bad_validation_data_is_found_before_the_first_epoch():
    x, y = images(64)
    model = compiled(mnist_model())
    seen = []
    spy = sn.callbacks.LambdaCallback(on_epoch_begin=lambda epoch, logs: seen.append(epoch))
    message = raised(ValueError, model.fit, x, y, validation_data=(x[:8], y[:5]), callbacks=[spy], verbose=0)
    assert message.startswith("fit(validation_data)(): x and y must hold the same number of examples.")
    assert seen == []  # no epoch was trained first


def test_validation_data_with_sample_weights_is_named():
    x, y = images(16)
    model = compiled(mnist_model())
    message = raised(ValueError, model.fit, x, y, validation_data=(x, y, np.ones(16)), verbose=0)
    assert "validation_data=(x_val, y_val, sample_weight) is not supported" in message
    history = model.fit(x, y, validation_data=(x, y, None), verbose=0)  # a None weight is no weight
    assert "val_loss" in history.history


def test_numpy_scalars_are_accepted_where_python_numbers_are():
    x, y = images(40)
    model = compiled(mnist_model())
    history = model.fit(x, y, batch_size=np.int64(8), epochs=np.int64(1), validation_split=np.float32(0.2), verbose=0)
    assert len(history.history["val_loss"]) == 1


def test_a_missing_trailing_axis_of_size_one_is_added_as_keras_does():
    model = sn.Sequential([sn.Input(shape=(28, 28, 1)), layers.Flatten(), layers.Dense(10, activation="softmax")])
    x, _ = images(4)
    assert model.predict(x).shape == (4, 10)  # (4, 28, 28) taken as (4, 28, 28, 1)
    conv = sn.Sequential([layers.Conv2D(2, 3, input_shape=(28, 28, 1)), layers.Flatten(), layers.Dense(3)])
    assert conv.predict(x).shape == (4, 3)
    lazy = sn.Sequential([layers.Conv2D(2, 3), layers.Flatten(), layers.Dense(3)])  # built from the data
    assert "reshape(-1, 28, 28, 1)" in raised(ValueError, lazy.predict, x)


def test_bad_validation_labels_are_named_as_validation_labels():
    x, y = images(16)
    model = compiled(mnist_model())
    message = raised(ValueError, model.fit, x, y, validation_data=(x[:4], np.array([0, 1, 12, 3])), verbose=0)
    assert message.startswith("fit(validation_data): the validation labels do not fit the model.")
    assert "labels must be integers in [0, 10)" in message


def test_ragged_labels_are_a_clear_error():
    x, _ = images(2)
    message = raised(ValueError, compiled(mnist_model()).fit, x, [[1], [2, 3]], verbose=0)
    assert message.startswith("fit(): y must hold the same number of values for every example.")


def test_ragged_inputs_are_a_clear_error():
    message = raised(ValueError, mnist_model(input_shape=(28, 28)).predict, [[1, 2], [3]])
    assert message.startswith("predict(): x must be an array of numbers with the same shape in every example.")

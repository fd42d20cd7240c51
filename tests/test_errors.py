"""Bad input gets a clear error: the type, who complained, what was expected, ``Received:`` with the values or
shapes, and the likely fix. One test per case of issue 2's "Bad input" list (and a few neighbours)."""

import numpy as np
import pytest

import scratchnet as sn
from scratchnet import layers, losses, optimizers


def mnist_model(**flatten_kwargs):
    return sn.Sequential(
        [
            layers.Flatten(**flatten_kwargs),
            layers.Dense(128, activation="relu"),
            layers.Dense(10, activation="softmax"),
        ],
        seed=0,
    )


def compiled(model, loss="sparse_categorical_crossentropy", metrics=None):
    model.compile(optimizer="adam", loss=loss, metrics=metrics)
    return model


def images(n=8, seed=0):
    rng = np.random.default_rng(seed)
    return rng.random((n, 28, 28)), rng.integers(0, 10, n)


def raised(exc_type, fn, *args, **kwargs) -> str:
    with pytest.raises(exc_type) as info:
        fn(*args, **kwargs)
    return str(info.value)


# --- fit before compile ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize("method", ["fit", "evaluate", "train_on_batch", "test_on_batch", "compute_gradients"])
def test_training_before_compile(method):
    x, y = images()
    message = raised(RuntimeError, getattr(mnist_model(), method), x, y)
    assert f"You must call compile(optimizer=..., loss=...) before {method}()." in message
    assert "model.compile(optimizer='adam', loss='sparse_categorical_crossentropy'" in message  # the fix


# --- labels that do not fit the output -------------------------------------------------------------------------------
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


def test_loss_called_directly_with_mismatched_batches():
    message = raised(ValueError, losses.MeanSquaredError(), np.zeros(3), np.zeros((4, 1)))
    assert message.startswith("MeanSquaredError: y_true and y_pred must hold the same number of examples.")
    assert "Received: y_true.shape=(3,), y_pred.shape=(4, 1)." in message


# --- a missing Flatten -----------------------------------------------------------------------------------------------
def test_missing_flatten_when_the_model_builds_on_data():
    x, y = images()
    model = compiled(sn.Sequential([layers.Dense(128, activation="relu"), layers.Dense(10, activation="softmax")]))
    message = raised(ValueError, model.fit, x, y, verbose=0)
    assert message.startswith("Dense expected inputs of shape (batch, features).")
    assert "Received: input_shape=(None, 28, 28)." in message
    assert f"Did you forget a Flatten() layer before '{model.layers[0].name}'?" in message


def test_missing_flatten_in_a_model_built_for_vectors():
    x, y = images()
    model = compiled(sn.Sequential([layers.Dense(10, activation="softmax", input_shape=(784,))]))
    message = raised(ValueError, model.fit, x, y, verbose=0)
    assert f"fit(): model '{model.name}' expects inputs of shape (None, 784)." in message
    assert "Received: x.shape=(8, 28, 28)." in message
    assert "Reshape it with x.reshape(-1, 784)." in message


def test_missing_flatten_on_a_dense_layer_called_directly():
    layer = layers.Dense(3)
    layer(np.ones((2, 784)))
    message = raised(ValueError, layer, np.ones((2, 28, 28)))
    assert f"Dense '{layer.name}' expected inputs of shape (batch, 784)." in message
    assert "Received: x.shape=(2, 28, 28)." in message
    assert "Did you forget a Flatten() layer?" in message


def test_inputs_with_the_wrong_number_of_features():
    model = sn.Sequential([layers.Dense(2, input_shape=(4,))])
    message = raised(ValueError, model.predict, np.ones((3, 5)))
    assert f"predict(): model '{model.name}' expects inputs of shape (None, 4). Received: x.shape=(3, 5)." in message


# --- x and y disagree -------------------------------------------------------------------------------------------------
def test_x_and_y_of_different_lengths():
    x, y = images(8)
    message = raised(ValueError, compiled(mnist_model()).fit, x, y[:6], verbose=0)
    assert message == (
        "fit(): x and y must hold the same number of examples. Received: x.shape=(8, 28, 28), y.shape=(6,)."
    )


def test_missing_targets():
    x, _ = images()
    assert "fit() needs targets. Received: y=None." in raised(ValueError, compiled(mnist_model()).fit, x, None)


# --- NaN, inf, empty --------------------------------------------------------------------------------------------------
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


# --- wrong units / rate / learning_rate -------------------------------------------------------------------------------
@pytest.mark.parametrize("units", [0, -3, 2.5, "10", True, None])
def test_wrong_units(units):
    message = raised(ValueError, layers.Dense, units)
    assert message == (
        f"Dense expected `units` to be a positive integer (the number of outputs). Received: units={units!r}."
    )


@pytest.mark.parametrize("rate", [1.0, 1.5, -0.1, "0.5", None])
def test_wrong_dropout_rate(rate):
    message = raised(ValueError, layers.Dropout, rate)
    assert message.startswith("Dropout expected `rate` to be a float in [0, 1)")
    assert f"Received: rate={rate!r}." in message


@pytest.mark.parametrize("cls", [optimizers.SGD, optimizers.Adam, optimizers.RMSprop])
@pytest.mark.parametrize("lr", [0, -0.01, float("nan"), float("inf"), "0.01"])
def test_wrong_learning_rate(cls, lr):
    message = raised(ValueError, cls, learning_rate=lr)
    assert message.startswith(f"{cls.__name__} expected `learning_rate` to be a number in (0.0, inf).")
    assert f"Received: learning_rate={lr!r}." in message


@pytest.mark.parametrize(("arg", "value"), [("batch_size", 0), ("batch_size", 2.0), ("epochs", -1)])
def test_wrong_fit_arguments(arg, value):
    x, y = images()
    message = raised(ValueError, compiled(mnist_model()).fit, x, y, verbose=0, **{arg: value})
    assert f"fit() expected `{arg}` to be a" in message and f"Received: {arg}={value!r}." in message


@pytest.mark.parametrize("split", [1.0, -0.2, 1.5])
def test_wrong_validation_split(split):
    x, y = images()
    message = raised(ValueError, compiled(mnist_model()).fit, x, y, validation_split=split, verbose=0)
    assert "fit() expected validation_split to be a fraction in (0, 1)." in message
    assert f"Received: validation_split={split!r}." in message


def test_validation_split_leaving_nothing_to_train_on():
    x, y = images(1)
    message = raised(ValueError, compiled(mnist_model()).fit, x, y, validation_split=0.5, verbose=0)
    assert "fit(): validation_split=0.5 of 1 examples leaves 0 for training and 1 for validation" in message
    assert "both need at least one." in message


# --- unknown names list the known ones --------------------------------------------------------------------------------
def test_unknown_optimizer():
    message = raised(ValueError, mnist_model().compile, optimizer="ftrl", loss="mse")
    assert message == (
        "Unknown optimizer. Expected one of ['adagrad', 'adam', 'adamax', 'adamw', 'nadam', 'rmsprop', 'sgd']. "
        "Received: optimizer='ftrl'."
    )


def test_unknown_loss():
    message = raised(ValueError, mnist_model().compile, optimizer="adam", loss="crossentropy")
    assert message.startswith("Unknown loss. Expected one of ")
    for name in ("binary_crossentropy", "categorical_crossentropy", "mean_squared_error", "mse"):
        assert repr(name) in message
    assert "'sparse_categorical_crossentropy'" in message
    assert message.endswith("Received: loss='crossentropy'.")


def test_unknown_activation():
    message = raised(ValueError, layers.Dense, 3, activation="gelu")
    assert message == (
        "Unknown activation. Expected one of ['linear', 'relu', 'sigmoid', 'softmax', 'tanh']. "
        "Received: activation='gelu'."
    )


def test_activation_without_a_backward():
    message = raised(ValueError, layers.Dense, 3, activation=np.tanh)
    assert "An activation must come with its backward" in message
    assert "Received: activation=<ufunc 'tanh'>." in message
    assert "write a Layer with forward and backward" in message


def test_unknown_metric():
    message = raised(ValueError, mnist_model().compile, optimizer="adam", loss="mse", metrics=["precision"])
    assert message.startswith("Unknown metric. Expected one of ")
    for name in ("accuracy", "acc", "sparse_categorical_accuracy", "categorical_accuracy", "binary_accuracy"):
        assert repr(name) in message
    assert message.endswith("Received: metric='precision'.")


def test_unknown_initializer():
    message = raised(ValueError, layers.Dense, 3, kernel_initializer="lecun")
    assert message.startswith("Unknown initializer. Expected one of ")
    assert "'glorot_uniform'" in message and message.endswith("Received: initializer='lecun'.")


def test_optimizer_and_loss_of_the_wrong_type():
    message = raised(TypeError, mnist_model().compile, optimizer=0.01, loss="mse")
    assert "optimizer must be a name such as 'adam'" in message and "Received: optimizer=0.01." in message
    message = raised(TypeError, mnist_model().compile, optimizer="adam", loss=len)
    assert "loss must be a name such as 'sparse_categorical_crossentropy'" in message


def test_adding_a_layer_class_instead_of_an_instance():
    message = raised(TypeError, sn.Sequential().add, layers.Flatten)
    assert (
        "Sequential.add expected a layer instance. Received: the class Flatten. Did you mean Flatten(...)?" in message
    )


# --- weights of another shape -----------------------------------------------------------------------------------------
def test_loading_weights_into_a_model_of_another_shape(tmp_path):
    path = tmp_path / "weights.npz"
    mnist_model(input_shape=(28, 28)).save_weights(path)
    other = sn.Sequential([layers.Flatten(input_shape=(28, 28)), layers.Dense(64, activation="relu"), layers.Dense(10)])
    message = raised(ValueError, other.load_weights, path)
    assert f"Model '{other.name}': weight '{other.layers[1].name}/W' has shape (784, 64)." in message
    assert "Received: shape (784, 128)." in message
    assert "Were these weights saved from a model with other layer sizes?" in message


def test_loading_weights_into_a_model_with_other_layers(tmp_path):
    path = tmp_path / "weights.npz"
    mnist_model(input_shape=(28, 28)).save_weights(path)
    other = sn.Sequential([layers.Flatten(input_shape=(28, 28)), layers.Dense(10)])
    message = raised(ValueError, other.load_weights, path)
    assert f"Model '{other.name}' has 2 weight arrays" in message
    assert "Received: 4 arrays. Were they saved from a model with other layers?" in message


def test_set_weights_on_a_layer_with_wrong_shapes():
    layer = layers.Dense(3)
    layer(np.ones((1, 2)))
    message = raised(ValueError, layer.set_weights, [np.zeros((3, 3)), np.zeros(3)])
    assert f"Layer '{layer.name}': weight 'W' has shape (2, 3). Received: shape (3, 3)." in message


def test_weights_of_an_unbuilt_model():
    message = raised(ValueError, mnist_model().save_weights, "never-written.npz")
    assert "is not built yet, so save_weights() has no weights to work on" in message
    assert "give the first layer an input_shape" in message


def test_load_model_on_a_weights_only_file(tmp_path):
    path = tmp_path / "weights.npz"
    mnist_model(input_shape=(28, 28)).save_weights(path)
    message = raised(ValueError, sn.models.load_model, path)
    assert "holds weights only (no model_config)" in message and "model.load_weights(path)" in message

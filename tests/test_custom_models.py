"""Layers, models, steps, losses and metrics written Keras's way, differentiated by the tape, trained by fit.

Each gradient is checked against centred differences in float64 (``gradcheck``), and each trained model is
compared with the Sequential model it is equivalent to.
"""

from __future__ import annotations

import numpy as np
import pytest

import scratchnet as sn
from scratchnet import gradcheck

L = sn.layers


class Linear(sn.layers.Layer):
    """The subclassing guide's first layer: build / add_weight / call, no backward."""

    def __init__(self, units=32, **kwargs):
        super().__init__(**kwargs)
        self.units = units

    def build(self, input_shape):
        self.w = self.add_weight(shape=(input_shape[-1], self.units), initializer="random_normal", trainable=True)
        self.b = self.add_weight(shape=(self.units,), initializer="zeros", trainable=True)

    def call(self, inputs):
        return sn.matmul(inputs, self.w) + self.b


class ResidualBlock(sn.layers.Layer):
    """A layer holding a layer: the held Dense's weights are the block's too."""

    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.dense = L.Dense(units, activation="tanh")
        self.scale = None

    def build(self, input_shape):
        self.scale = self.add_weight(name="scale", shape=(input_shape[-1],), initializer="ones")

    def call(self, inputs):
        return inputs + self.scale * self.dense(inputs)


def _blobs(n=300, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 6)).astype("float32")
    y = (x[:, 0] + x[:, 1] > 0).astype(int) + (x[:, 2] > 0)
    return x, y


def test_a_call_layer_has_the_tapes_gradients_equal_to_finite_differences():
    x = np.random.default_rng(0).normal(size=(5, 3))
    assert gradcheck.check_layer(Linear(4), x).passed
    block = ResidualBlock(3)
    report = gradcheck.check_layer(block, x)
    assert report.passed, str(report)
    # (the held Dense's W and b are checked with the whole model, below)


def test_a_call_layer_matches_the_dense_it_rewrites():
    x = np.random.default_rng(1).normal(size=(4, 3))
    lin, dense = Linear(2, dtype="float64"), L.Dense(2, dtype="float64")
    lin(x), dense(x)
    lin.set_weights(dense.get_weights())
    np.testing.assert_allclose(np.asarray(lin(x)), dense(x), rtol=1e-6)
    dy = np.random.default_rng(2).normal(size=(4, 2))
    lin.forward(x), dense.forward(x)
    np.testing.assert_allclose(lin.backward(dy), dense.backward(dy), rtol=1e-5)
    np.testing.assert_allclose(lin.grads["weight_0"], dense.grads["W"], rtol=1e-5)


def test_a_model_with_call_layers_trains_by_fit_and_checks():
    x, y = _blobs()
    model = sn.Sequential(
        [Linear(16, input_shape=(6,)), L.Activation("relu"), ResidualBlock(16), L.Dense(3, activation="softmax")],
        seed=0,
    )
    model.compile(optimizer=sn.optimizers.Adam(0.01), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    assert model.count_params() == 6 * 16 + 16 + 16 + 16 * 16 + 16 + 16 * 3 + 3
    history = model.fit(x, y, epochs=15, verbose=0)
    assert history.history["accuracy"][-1] > 0.9
    report = gradcheck.check_model(model, x[:6], y[:6], max_checks=None)
    assert report.passed, str(report)


class Subclassed(sn.Model):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.hidden = L.Dense(16, activation="relu")
        self.out = L.Dense(3, activation="softmax")

    def call(self, inputs):
        return self.out(self.hidden(inputs))


def test_a_subclassed_model_trains_like_the_equivalent_sequential():
    x, y = _blobs()
    sub = Subclassed(seed=0)
    seq = sn.Sequential([L.Dense(16, activation="relu", input_shape=(6,)), L.Dense(3, activation="softmax")], seed=0)
    sub.build((6,))
    assert [layer.name for layer in sub.layers] == [sub.hidden.name, sub.out.name]
    sub.set_weights(seq.get_weights())  # the same start, so the same run
    for model in (sub, seq):
        model.compile(optimizer=sn.optimizers.Adam(0.01), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    h_sub = sub.fit(x, y, epochs=8, verbose=0, shuffle=False).history
    h_seq = seq.fit(x, y, epochs=8, verbose=0, shuffle=False).history
    np.testing.assert_allclose(h_sub["loss"], h_seq["loss"], rtol=1e-3)
    assert h_sub["accuracy"][-1] == pytest.approx(h_seq["accuracy"][-1], abs=0.01) and h_sub["accuracy"][-1] > 0.85
    np.testing.assert_allclose(sub.predict(x[:5]), seq.predict(x[:5]), rtol=1e-3, atol=1e-5)
    report = gradcheck.check_model(sub, x[:6], y[:6], max_checks=None)
    assert report.passed, str(report)


class Keras3Step(sn.Model):
    """keras.io's "Customizing fit()" (Keras 3): compute_loss, self.metrics, the tape, apply_gradients."""

    def train_step(self, data):
        x, y = data
        with sn.GradientTape() as tape:
            y_pred = self(x, training=True)
            loss = self.compute_loss(y=y, y_pred=y_pred)
        gradients = tape.gradient(loss, self.trainable_variables)
        self.optimizer.apply_gradients(zip(gradients, self.trainable_variables, strict=True))
        for metric in self.metrics:
            if metric.name == "loss":
                metric.update_state(loss)
            else:
                metric.update_state(y, y_pred)
        return {m.name: m.result() for m in self.metrics}


def test_a_train_step_override_trains_like_fit():
    x, y = _blobs()

    def graph():
        inputs = sn.Input(shape=(6,))
        return inputs, L.Dense(3, activation="softmax")(L.Dense(16, activation="relu")(inputs))

    custom = Keras3Step(*graph(), seed=0)
    plain = sn.Model(*graph())
    start = custom.get_weights()
    custom.compile(optimizer=sn.optimizers.Adam(0.01), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    history = custom.fit(x, y, epochs=8, batch_size=30, verbose=0, shuffle=False).history
    assert set(history) == {"loss", "accuracy"}
    assert history["accuracy"][-1] > 0.85
    # The same 8 epochs through scratchnet's own step, from the same weights: the same losses (batches of one
    # size, as the loss tracker is a mean over batches and fit's a mean over examples).
    plain.set_weights(start)
    plain.compile(optimizer=sn.optimizers.Adam(0.01), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    reference = plain.fit(x, y, epochs=8, batch_size=30, verbose=0, shuffle=False).history
    np.testing.assert_allclose(history["loss"], reference["loss"], rtol=1e-3)


def test_keras2_compiled_loss_compiled_metrics_and_test_step():
    class CustomModel(sn.Model):
        def train_step(self, data):
            x, y = data
            with sn.GradientTape() as tape:
                y_pred = self(x, training=True)
                loss = self.compiled_loss(y, y_pred, regularization_losses=self.losses)
            grads = tape.gradient(loss, self.trainable_variables)
            self.optimizer.apply_gradients(zip(grads, self.trainable_variables, strict=True))
            self.compiled_metrics.update_state(y, y_pred)
            return {m.name: m.result() for m in self.metrics}

        def test_step(self, data):
            x, y = data
            y_pred = self(x, training=False)
            self.compiled_loss(y, y_pred)
            self.compiled_metrics.update_state(y, y_pred)
            return {m.name: m.result() for m in self.metrics}

    rng = np.random.default_rng(0)
    x = rng.random((256, 8))
    y = x @ rng.normal(size=(8, 1))
    inputs = sn.Input(shape=(8,))
    model = CustomModel(inputs, L.Dense(1)(inputs), seed=0)
    model.compile(optimizer=sn.optimizers.Adam(0.05), loss="mse", metrics=["mae"])
    history = model.fit(x, y, epochs=20, verbose=0, validation_split=0.25).history
    assert set(history) == {"loss", "mae", "val_loss", "val_mae"}
    assert history["loss"][-1] < 0.1 * history["loss"][0]
    results = model.evaluate(x, y, verbose=0, return_dict=True)
    assert set(results) == {"loss", "mae"}
    assert results["loss"] == pytest.approx(float(np.mean((model.predict(x) - y) ** 2)), rel=1e-4)


def test_metric_objects():
    mean = sn.metrics.Mean(name="loss")
    mean.update_state(2.0)
    mean.update_state([4.0, 6.0], sample_weight=[1.0, 0.0])
    assert mean.result() == pytest.approx(3.0) and mean.name == "loss"
    mean.reset_state()
    assert mean.result() == 0.0
    total = sn.metrics.Sum()
    total.update_state([1.0, 2.0])
    total.update_state(3.0)
    assert total.result() == 6.0
    acc = sn.metrics.Accuracy()
    acc.update_state([1, 2, 3], [1, 2, 0])
    assert acc.result() == pytest.approx(2 / 3)
    sca = sn.metrics.SparseCategoricalAccuracy()
    sca.update_state([0, 1], [[0.9, 0.1], [0.8, 0.2]])
    assert sca.result() == 0.5
    sca.reset_states()
    assert sca.result() == 0.0


def huber_fn(y_true, y_pred):
    error = y_true - y_pred
    is_small = sn.abs(error) < 1
    return sn.where(is_small, sn.square(error) / 2, sn.abs(error) - 0.5)


def test_a_custom_loss_function_trains_checks_and_loads_with_custom_objects(tmp_path):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(200, 3))
    y = x @ np.array([[1.0], [2.0], [-1.0]]) + 0.5
    model = sn.Sequential([L.Dense(8, activation="tanh", input_shape=(3,)), L.Dense(1)], seed=0)
    model.compile(optimizer=sn.optimizers.Adam(0.02), loss=huber_fn, metrics=["mae"])
    history = model.fit(x, y, epochs=20, verbose=0).history
    assert history["loss"][-1] < 0.2 * history["loss"][0]
    report = gradcheck.check_model(model, x[:6], y[:6] * 3, max_checks=None)  # * 3: both sides of Huber's kink
    assert report.passed, str(report)
    model.save(tmp_path / "huber.npz")
    with pytest.raises(ValueError, match=r"custom_objects=\{'huber_fn': huber_fn\}"):
        sn.models.load_model(tmp_path / "huber.npz")
    loaded = sn.models.load_model(tmp_path / "huber.npz", custom_objects={"huber_fn": huber_fn})
    assert loaded.loss.fn is huber_fn
    assert loaded.evaluate(x, y, verbose=0)[0] == pytest.approx(model.evaluate(x, y, verbose=0)[0], rel=1e-5)


def test_lambda_layer_and_mc_dropout():
    x = np.random.default_rng(0).normal(size=(5, 4))
    assert gradcheck.check_layer(L.Lambda(lambda t: sn.exp(t) * t), x).passed

    class MCDropout(L.Dropout):
        def call(self, inputs, training=False):
            return super().call(inputs, training=True)

    model = sn.Sequential([L.Dense(8, input_shape=(4,)), MCDropout(0.5), L.Dense(1)], seed=0)
    first, second = model.predict(x), model.predict(x)
    assert not np.allclose(first, second)  # dropout stays on at inference: every prediction is a new sample
    model.compile(optimizer="sgd", loss="mse")
    model.fit(x, np.ones((5, 1)), verbose=0)


def test_a_call_layer_shared_in_a_graph_checks():
    class Scale(L.Layer):
        def build(self, input_shape):
            self.s = self.add_weight(name="s", shape=(input_shape[-1],), initializer="ones")

        def call(self, x):
            return x * self.s + sn.square(x)

    a, b = sn.Input(shape=(4,)), sn.Input(shape=(4,))
    scale = Scale()
    h = L.Add()([scale(a), L.Dense(4)(b)])
    out = L.Dense(3, activation="softmax")(L.Concatenate()([h, scale(b)]))  # scale is called twice
    model = sn.Model([a, b], out)
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    rng = np.random.default_rng(0)
    x = [rng.normal(size=(5, 4)), rng.normal(size=(5, 4))]
    report = gradcheck.check_model(model, x, rng.integers(0, 3, 5), max_checks=None)
    assert report.passed, str(report)

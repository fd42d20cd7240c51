"""The speed switch (scratchnet/speed.py): the plain textbook path and the fast path train to the same weights,
and switching the tricks off really takes every one of them out of the step."""

import numpy as np
import pytest

import scratchnet as sn
from scratchnet import speed
from scratchnet.layers import Dense, Dropout, Flatten


def seeded_model(optimizer):
    model = sn.Sequential(
        [
            Flatten(input_shape=(6, 6)),
            Dense(16, activation="relu"),
            Dropout(0.3),
            Dense(12, activation="tanh"),
            Dense(5, activation="softmax"),
        ],
        seed=7,
        dtype="float64",
    )
    model.compile(optimizer=optimizer, loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


OPTIMIZERS = {
    "adam": lambda: sn.optimizers.Adam(learning_rate=0.01),
    "sgd_momentum": lambda: sn.optimizers.SGD(learning_rate=0.05, momentum=0.9),
    "sgd_nesterov": lambda: sn.optimizers.SGD(learning_rate=0.05, momentum=0.9, nesterov=True),
    "rmsprop": lambda: sn.optimizers.RMSprop(learning_rate=0.01),
}


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_the_plain_and_the_fast_path_train_to_the_same_weights(name):
    rng = np.random.default_rng(0)
    x, y = rng.random((400, 6, 6)), rng.integers(0, 5, 400)  # 400 / 8 = 50 steps

    fast = seeded_model(OPTIMIZERS[name]())
    fast_history = fast.fit(x, y, batch_size=8, epochs=1, verbose=0)
    with speed.disabled():
        plain = seeded_model(OPTIMIZERS[name]())
        plain_history = plain.fit(x, y, batch_size=8, epochs=1, verbose=0)

    assert fast.optimizer.iterations == plain.optimizer.iterations == 50
    for w_fast, w_plain in zip(fast.get_weights(), plain.get_weights(), strict=True):
        np.testing.assert_allclose(w_fast, w_plain, rtol=1e-10, atol=1e-13)
    assert fast_history.history["loss"] == pytest.approx(plain_history.history["loss"], rel=1e-10)
    # ...and training moved the weights: agreeing on untrained weights would prove nothing.
    assert not np.allclose(fast.get_weights()[0], seeded_model(OPTIMIZERS[name]()).get_weights()[0])


def test_disabled_runs_the_textbook_path():
    rng = np.random.default_rng(1)
    x, y = rng.random((64, 6, 6)), rng.integers(0, 5, 64)
    model = seeded_model("adam")
    model.fit(x, y, epochs=1, verbose=0)
    assert speed.is_flat(model)  # fast path: one flat θ
    with speed.disabled():
        assert not speed.enabled()
        model.fit(x, y, epochs=1, verbose=0)
        # Every layer has its own parameter arrays again, and the optimizer updates them one by one.
        assert not speed.is_flat(model)
        theta_free = [p.base is None for p in model.parameter_arrays()]
        assert all(theta_free)
        assert len(model.optimizer.m) == len(model.trainable_weights)
        assert speed.mean(np.array([1.0, 2.0])) == 1.5
    assert speed.enabled()
    model.fit(x, y, epochs=1, verbose=0)
    ([theta], _) = speed.flat_parameters(model)
    assert all(np.shares_memory(p, theta) for p in model.parameter_arrays())


def test_disabled_restores_the_switch_after_an_error():
    with pytest.raises(RuntimeError), speed.disabled():
        raise RuntimeError("boom")
    assert speed.enabled()


def test_blas_threads_are_left_alone_when_disabled(monkeypatch):
    calls = []
    monkeypatch.setattr(
        sn.speed.blas, "threads_for", lambda n: calls.append(n) or __import__("contextlib").nullcontext()
    )
    with speed.blas_threads(100):
        pass
    with speed.disabled(), speed.blas_threads(100):
        pass
    assert calls == [100]


def test_a_gradient_assigned_as_a_new_array_reaches_the_optimizer():
    # A hand-written layer may set self.grads["W"] = ... instead of writing into the array it had: the fast
    # path must still update with that gradient.
    class Rebinding(Dense):
        def backward_linear(self, dz):
            self.grads["W"] = self.x.T @ dz
            self.grads["b"] = dz.sum(axis=0)
            return dz @ self.params["W"].T

    def train():
        model = sn.Sequential([Rebinding(3, input_shape=[4]), Dense(2)], seed=0, dtype="float64")
        model.compile(optimizer="sgd", loss="mse")
        rng = np.random.default_rng(0)
        model.fit(rng.random((16, 4)), rng.random((16, 2)), batch_size=4, verbose=0)
        return model.get_weights()

    fast = train()
    with speed.disabled():
        plain = train()
    for a, b in zip(fast, plain, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-12)

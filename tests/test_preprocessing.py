"""Normalization (scratchnet/preprocessing.py): adapt measures mean and variance, the forward standardizes, the
backward is the gradient of that fixed map, and TensorFlow's regression tutorial's uses work."""

import numpy as np
import pytest

import scratchnet as sn
from scratchnet import gradcheck
from scratchnet.layers import Dense, Normalization


def test_adapt_then_standardize_per_feature():
    rng = np.random.default_rng(0)
    data = rng.normal(loc=[1.0, -5.0, 100.0], scale=[0.5, 2.0, 30.0], size=(500, 3))
    norm = Normalization(axis=-1)
    norm.adapt(data)
    np.testing.assert_allclose(norm.mean.numpy(), data.mean(axis=0), rtol=1e-12)
    out = norm(data.astype(np.float32))
    np.testing.assert_allclose(out.mean(axis=0), 0, atol=1e-4)
    np.testing.assert_allclose(out.std(axis=0), 1, rtol=1e-4)


def test_axis_none_is_one_mean_for_everything_as_for_a_single_feature():
    norm = Normalization(input_shape=[1], axis=None)
    norm.adapt(np.array([1.0, 2.0, 3.0, 4.0]))
    assert norm.mean.size == 1 and float(norm.mean.ravel()[0]) == pytest.approx(2.5)
    model = sn.Sequential([norm, Dense(1)])
    model.compile(optimizer=sn.optimizers.Adam(learning_rate=0.1), loss="mse")
    model.fit(np.array([1.0, 2.0, 3.0, 4.0]), np.array([2.0, 4.0, 6.0, 8.0]), epochs=2, verbose=0)


def test_backward_is_the_gradient_of_the_fixed_map():
    rng = np.random.default_rng(1)
    norm = Normalization()
    norm.adapt(rng.normal(size=(50, 4)) * 3 + 1)
    norm.build((4,), rng, "float64")
    report = gradcheck.check_layer(norm, rng.normal(size=(5, 4)))
    assert report.passed, report


def test_a_constant_feature_is_not_divided_by_zero_and_saving_keeps_the_statistics(tmp_path):
    data = np.array([[1.0, 7.0], [3.0, 7.0]])
    model = sn.Sequential([Normalization(input_shape=(2,)), Dense(1)])
    model.layers[0].adapt(data)
    assert np.isfinite(model.predict(data)).all()
    model.compile(optimizer="adam", loss="mse")
    model.save(tmp_path / "m.npz")
    loaded = sn.models.load_model(tmp_path / "m.npz")
    np.testing.assert_allclose(loaded.predict(data), model.predict(data), rtol=1e-6)


def test_forgetting_adapt_says_what_to_do():
    model = sn.Sequential([Normalization(input_shape=(2,)), Dense(1)])
    with pytest.raises(RuntimeError, match=r"Call normalizer.adapt\(train_features\)"):
        model.predict(np.ones((2, 2)))

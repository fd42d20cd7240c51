"""Normalization (keras.layers.Normalization): adapt measures mean and variance; forward standardizes; backward
scales by 1/std (checked by finite differences in float64); it trains, saves and loads inside a model."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import scratchnet as sn
from scratchnet import gradcheck
from scratchnet.layers import Normalization


def _data(seed=0, n=50, d=3):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n, d)) * rng.uniform(0.5, 30, d) + rng.uniform(-100, 100, d)


def test_adapt_then_forward_gives_zero_mean_unit_variance_per_feature():
    x = _data()
    norm = Normalization()
    norm.adapt(x)
    np.testing.assert_allclose(norm.mean, x.mean(axis=0))
    np.testing.assert_allclose(norm.variance, x.var(axis=0))
    y = norm(x).astype(np.float64)
    np.testing.assert_allclose(y.mean(axis=0), 0, atol=1e-5)
    np.testing.assert_allclose(y.std(axis=0), 1, rtol=1e-5)
    assert norm(x).dtype == np.float32


def test_axis_none_uses_one_mean_for_everything():
    x = _data(d=1)[:, 0]  # a column of values, as the regression tutorial's horsepower
    norm = Normalization(input_shape=[1], axis=None)
    norm.adapt(x)
    assert np.shape(norm.mean) == ()
    np.testing.assert_allclose(norm(x.reshape(-1, 1))[:, 0], (x - x.mean()) / x.std(), atol=1e-5)


def test_before_adapt_it_is_the_identity_and_a_constant_feature_gives_no_nan():
    x = _data()
    np.testing.assert_allclose(Normalization()(x), x.astype(np.float32))
    x[:, 1] = 7.0
    norm = Normalization()
    norm.adapt(x)
    assert np.isfinite(norm(x)).all() and np.all(norm(x)[:, 1] == 0)


@settings(max_examples=15, deadline=None)
@given(n=st.integers(2, 5), d=st.integers(1, 4), seed=st.integers(0, 2**32 - 1))
def test_backward_matches_finite_differences(n, d, seed):
    x = _data(seed, n=n, d=d)
    norm = Normalization()
    norm.adapt(_data(seed + 1, d=d))
    report = gradcheck.check_layer(norm, x)
    assert report.passed, report


def test_adapt_after_the_model_is_built_and_training_uses_it(tmp_path):
    x = _data(n=200)
    y = (x - x.mean(0)) / x.std(0) @ np.array([1.0, -2.0, 0.5])
    norm = Normalization(input_shape=x.shape[1:])
    model = sn.Sequential([norm, sn.layers.Dense(1)], seed=0)
    model.compile(optimizer=sn.optimizers.Adam(0.05), loss="mse")
    norm.adapt(x)  # after the model was built, as Géron's notebook does
    history = model.fit(x, y, epochs=40, verbose=0)
    assert history.history["loss"][-1] < 0.01
    model.save(tmp_path / "m.npz")
    loaded = sn.models.load_model(tmp_path / "m.npz")
    np.testing.assert_allclose(loaded.predict(x), model.predict(x), rtol=1e-6)
    assert model.count_params() == 3 + 1  # mean and variance are not parameters


def test_adapt_with_the_wrong_number_of_features_is_a_clear_error():
    norm = Normalization(input_shape=(3,))
    sn.Sequential([norm])
    with pytest.raises(ValueError, match=r"built for 3 features\. Received: data with 2 features"):
        norm.adapt(_data(d=2))
    with pytest.raises(ValueError, match="both `mean` and `variance`"):
        Normalization(mean=[0.0])


def test_given_mean_and_variance():
    norm = Normalization(mean=[1.0, 2.0], variance=[4.0, 16.0])
    np.testing.assert_allclose(norm(np.array([[3.0, 6.0]])), [[1.0, 1.0]])

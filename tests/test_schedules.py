"""Learning-rate schedules: their values, and an optimizer given one uses schedule(k) for its k-th update (k from 0,
as Keras counts), reports it as learning_rate, refuses to have it overwritten, and saves and loads it."""

from __future__ import annotations

import numpy as np
import pytest

import scratchnet as sn
from scratchnet import optimizers, schedules


def test_schedules_are_reachable_as_in_keras():
    assert sn.optimizers.schedules.ExponentialDecay is schedules.ExponentialDecay


@pytest.mark.parametrize("staircase", [False, True])
def test_exponential_and_inverse_time_decay_values(staircase):
    steps = np.array([0, 1, 50, 99, 100, 250])
    p = np.floor(steps / 100) if staircase else steps / 100
    exp = schedules.ExponentialDecay(0.1, decay_steps=100, decay_rate=0.96, staircase=staircase)
    inv = schedules.InverseTimeDecay(0.1, decay_steps=100, decay_rate=0.5, staircase=staircase)
    np.testing.assert_allclose([exp(int(s)) for s in steps], 0.1 * 0.96**p)
    np.testing.assert_allclose([inv(int(s)) for s in steps], 0.1 / (1 + 0.5 * p))


def test_piecewise_constant_decay_boundaries_are_inclusive_as_in_keras():
    schedule = schedules.PiecewiseConstantDecay([10, 20], [1.0, 0.5, 0.1])
    assert [schedule(s) for s in (0, 10, 11, 20, 21, 1000)] == [1.0, 1.0, 0.5, 0.5, 0.1, 0.1]
    with pytest.raises(ValueError, match="one more value than boundaries"):
        schedules.PiecewiseConstantDecay([10], [1.0])


def test_sgd_update_k_uses_schedule_of_k():
    schedule = schedules.ExponentialDecay(0.1, decay_steps=1, decay_rate=0.5)
    opt = optimizers.SGD(learning_rate=schedule)
    p, g = np.zeros(2), np.array([1.0, -2.0])
    assert opt.learning_rate == 0.1  # the rate of the next update, update 0
    for k in range(4):
        before = p.copy()
        opt.apply([p], [g])
        np.testing.assert_allclose(before - p, 0.1 * 0.5**k * g)
    assert opt.learning_rate == pytest.approx(0.1 * 0.5**4)


def test_a_scheduled_learning_rate_cannot_be_set():
    opt = optimizers.Adam(learning_rate=schedules.InverseTimeDecay(0.01, 10, 1.0))
    with pytest.raises(TypeError, match="not settable"):
        opt.learning_rate = 0.5


def test_a_model_with_a_scheduled_optimizer_saves_and_loads(tmp_path):
    model = sn.Sequential([sn.layers.Dense(2, input_shape=(3,))], seed=0)
    schedule = schedules.ExponentialDecay(0.1, decay_steps=100000, decay_rate=0.96, staircase=True)
    model.compile(optimizer=sn.optimizers.RMSprop(learning_rate=schedule), loss="mse")
    model.save(tmp_path / "m.npz")
    loaded = sn.models.load_model(tmp_path / "m.npz")
    assert isinstance(loaded.optimizer._schedule, schedules.ExponentialDecay)
    assert loaded.optimizer.get_config() == model.optimizer.get_config()


def test_numpy_scalars_are_accepted_as_a_learning_rate():
    opt = optimizers.SGD()
    opt.learning_rate = np.float32(0.25)
    assert opt.learning_rate == 0.25 and type(opt.learning_rate) is float

"""Adagrad, Adamax, Nadam and AdamW: each against an independent float64 reference of Keras 3's update
(keras/src/optimizers/<name>.py) over many steps, plus the properties every optimizer keeps."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scratchnet import optimizers

shapes = st.sampled_from([(3,), (2, 3), (4, 1)])
seeds = st.integers(0, 2**32 - 1)
MAKERS = {
    "adagrad": optimizers.Adagrad,
    "adamax": optimizers.Adamax,
    "nadam": optimizers.Nadam,
    "adamw": optimizers.AdamW,
}


def _gradients(rng, shape, steps):
    return [rng.normal(size=shape) * rng.uniform(0.1, 3.0) for _ in range(steps)]


def _run(opt, p, grads):
    for g in grads:
        opt.apply([p], [g])
    return p


# --- references, written from the papers' recurrences in the form Keras uses ------------------------------------------
def _adagrad_reference(p, grads, lr, a0, eps):
    a = np.full_like(p, a0)
    for g in grads:
        a = a + g**2
        p = p - lr * g / np.sqrt(a + eps)
    return p


def _adamax_reference(p, grads, lr, b1, b2, eps):
    m, u = np.zeros_like(p), np.zeros_like(p)
    for t, g in enumerate(grads, start=1):
        m = b1 * m + (1 - b1) * g
        u = np.maximum(b2 * u, np.abs(g))
        p = p - (lr / (1 - b1**t)) * m / (u + eps)
    return p


def _nadam_reference(p, grads, lr, b1, b2, eps):
    m, v, prod = np.zeros_like(p), np.zeros_like(p), 1.0
    for t, g in enumerate(grads, start=1):
        mu = [b1 * (1 - 0.5 * 0.96 ** (t + k)) for k in (0, 1)]
        prod_t, prod_t1 = prod * mu[0], prod * mu[0] * mu[1]
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g**2
        m_hat = mu[1] * m / (1 - prod_t1) + (1 - mu[0]) * g / (1 - prod_t)
        p = p - lr * m_hat / (np.sqrt(v / (1 - b2**t)) + eps)
        prod = prod_t
    return p


def _adamw_reference(p, grads, lr, wd, b1, b2, eps):
    m, v = np.zeros_like(p), np.zeros_like(p)
    for t, g in enumerate(grads, start=1):
        p = p - lr * wd * p  # decoupled decay first; the gradient was taken at the old p
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g**2
        # Keras's Adam: the bias corrections folded into the step size, epsilon outside the square root.
        p = p - lr * math.sqrt(1 - b2**t) / (1 - b1**t) * m / (np.sqrt(v) + eps)
    return p


@settings(max_examples=20, deadline=None)
@given(shape=shapes, seed=seeds, lr=st.floats(1e-3, 0.5), a0=st.sampled_from([0.0, 0.1, 1.0]))
def test_adagrad_matches_the_reference_over_many_steps(shape, seed, lr, a0):
    rng = np.random.default_rng(seed)
    p0, grads = rng.normal(size=shape), _gradients(rng, shape, 25)
    ours = _run(optimizers.Adagrad(lr, initial_accumulator_value=a0), p0.copy(), grads)
    np.testing.assert_allclose(ours, _adagrad_reference(p0, grads, lr, a0, 1e-7), rtol=1e-10, atol=1e-12)


@settings(max_examples=20, deadline=None)
@given(shape=shapes, seed=seeds, b1=st.floats(0.0, 0.95), b2=st.floats(0.5, 0.999))
def test_adamax_matches_the_reference_over_many_steps(shape, seed, b1, b2):
    rng = np.random.default_rng(seed)
    p0, grads = rng.normal(size=shape), _gradients(rng, shape, 25)
    ours = _run(optimizers.Adamax(0.01, beta_1=b1, beta_2=b2), p0.copy(), grads)
    np.testing.assert_allclose(ours, _adamax_reference(p0, grads, 0.01, b1, b2, 1e-7), rtol=1e-10, atol=1e-12)


@settings(max_examples=20, deadline=None)
@given(shape=shapes, seed=seeds, b1=st.floats(0.5, 0.95), b2=st.floats(0.9, 0.999))
def test_nadam_matches_the_reference_over_many_steps(shape, seed, b1, b2):
    rng = np.random.default_rng(seed)
    p0, grads = rng.normal(size=shape), _gradients(rng, shape, 25)
    ours = _run(optimizers.Nadam(0.01, beta_1=b1, beta_2=b2), p0.copy(), grads)
    np.testing.assert_allclose(ours, _nadam_reference(p0, grads, 0.01, b1, b2, 1e-7), rtol=1e-10, atol=1e-12)


@settings(max_examples=20, deadline=None)
@given(shape=shapes, seed=seeds, wd=st.floats(0.0, 0.5))
def test_adamw_matches_the_reference_over_many_steps(shape, seed, wd):
    rng = np.random.default_rng(seed)
    p0, grads = rng.normal(size=shape), _gradients(rng, shape, 25)
    ours = _run(optimizers.AdamW(0.01, weight_decay=wd), p0.copy(), grads)
    np.testing.assert_allclose(ours, _adamw_reference(p0, grads, 0.01, wd, 0.9, 0.999, 1e-7), rtol=1e-10, atol=1e-12)


def test_adamw_without_decay_is_adam():
    rng = np.random.default_rng(1)
    p0, grads = rng.normal(size=(3, 2)), _gradients(rng, (3, 2), 10)
    np.testing.assert_array_equal(
        _run(optimizers.AdamW(0.01, weight_decay=0.0), p0.copy(), grads), _run(optimizers.Adam(0.01), p0.copy(), grads)
    )


def test_adagrad_first_step_from_a_zero_accumulator_is_lr_against_the_gradient_sign():
    g = np.array([0.5, -2.0, 3.0])
    p = _run(optimizers.Adagrad(0.1, initial_accumulator_value=0.0, epsilon=0.0), np.zeros(3), [g])
    np.testing.assert_allclose(p, -0.1 * np.sign(g))


@pytest.mark.parametrize("name", sorted(MAKERS))
def test_every_new_optimizer_minimises_a_quadratic(name):
    target = np.array([1.0, -2.0, 0.5])
    p = np.zeros(3)
    opt = MAKERS[name](learning_rate=0.1)
    for _ in range(500):
        opt.apply([p], [2 * (p - target)])
    np.testing.assert_allclose(p, target, atol=0.05)


@pytest.mark.parametrize("name", sorted(MAKERS))
def test_float32_stays_float32_in_place_with_state_per_array(name):
    rng = np.random.default_rng(2)
    a, b = rng.normal(size=(3, 4)).astype(np.float32), rng.normal(size=4).astype(np.float32)
    ga, gb = rng.normal(size=(3, 4)).astype(np.float32), rng.normal(size=4).astype(np.float32)
    together = [a.copy(), b.copy()]
    ids = [id(x) for x in together]
    opt = MAKERS[name]()
    for _ in range(5):
        opt.apply(together, [ga, gb])
    assert [id(x) for x in together] == ids and all(x.dtype == np.float32 for x in together)
    assert all(s.dtype == np.float32 for s in opt.state_arrays())
    alone_a, alone_b = a.copy(), b.copy()
    _run(MAKERS[name](), alone_a, [ga] * 5)
    _run(MAKERS[name](), alone_b, [gb] * 5)
    np.testing.assert_allclose(together[0], alone_a, rtol=1e-6)
    np.testing.assert_allclose(together[1], alone_b, rtol=1e-6)


def test_keras_defaults_and_names():
    assert optimizers.Adagrad().get_config() == {
        "learning_rate": 0.001,
        "initial_accumulator_value": 0.1,
        "epsilon": 1e-7,
    }
    assert optimizers.AdamW().weight_decay == 0.004
    for name, cls in MAKERS.items():
        assert isinstance(optimizers.get(name.upper()), cls)
        assert cls(**cls().get_config()).get_config() == cls().get_config()  # get_config rebuilds it (load_model)


@pytest.mark.parametrize(
    ("make", "name"),
    [
        (lambda: optimizers.Adagrad(initial_accumulator_value=-1.0), "initial_accumulator_value"),
        (lambda: optimizers.Adamax(beta_1=1.0), "beta_1"),
        (lambda: optimizers.Nadam(beta_2=-0.1), "beta_2"),
        (lambda: optimizers.AdamW(weight_decay=-0.1), "weight_decay"),
    ],
)
def test_bad_hyper_parameters_are_value_errors(make, name):
    with pytest.raises(ValueError, match=f"expected `{name}`"):
        make()

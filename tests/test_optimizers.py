"""Optimizers: one step checked against its defining property, several steps against an independent reference
written here (Adam as the paper's Algorithm 1, Nesterov in Sutskever's look-ahead form), dtype and in-place rules."""

import math

import numpy as np
import pytest
from _helpers import mnist_model, raised
from hypothesis import given, settings
from hypothesis import strategies as st

from scratchnet import optimizers

shapes = st.tuples(st.integers(1, 4), st.integers(1, 5))
seeds = st.integers(0, 2**32 - 1)


def _gradient_away_from_zero(rng, shape, low=0.01):
    g = rng.uniform(low, 3, size=shape)
    return g * rng.choice([-1.0, 1.0], size=shape)


# --- one step ---------------------------------------------------------------------------------------------------------
@settings(max_examples=20, deadline=None)
@given(shape=shapes, seed=seeds, lr=st.floats(1e-4, 1.0))
def test_sgd_step_is_minus_lr_times_gradient(shape, seed, lr):
    rng = np.random.default_rng(seed)
    p, g = rng.standard_normal(shape), rng.standard_normal(shape)
    p0 = p.copy()
    optimizers.SGD(learning_rate=lr).apply([p], [g])
    np.testing.assert_allclose(p, p0 - lr * g, rtol=1e-15, atol=1e-15)


@pytest.mark.parametrize("nesterov", [False, True])
def test_momentum_builds_up_over_two_equal_steps(nesterov):
    # With the same gradient twice, starting from v = 0:
    #   momentum: steps -lr g, then -lr g (1 + mu)
    #   nesterov: steps -lr g (1 + mu), then -lr g (1 + mu + mu^2)
    lr, mu = 0.1, 0.9
    g = np.array([1.0, -2.0, 0.5])
    p = np.zeros(3)
    opt = optimizers.SGD(learning_rate=lr, momentum=mu, nesterov=nesterov)
    opt.apply([p], [g])
    first = p.copy()
    opt.apply([p], [g])
    second = p - first
    if nesterov:
        np.testing.assert_allclose(first, -lr * g * (1 + mu), rtol=1e-14)
        np.testing.assert_allclose(second, -lr * g * (1 + mu + mu**2), rtol=1e-14)
    else:
        np.testing.assert_allclose(first, -lr * g, rtol=1e-14)
        np.testing.assert_allclose(second, -lr * g * (1 + mu), rtol=1e-14)


@settings(max_examples=20, deadline=None)
@given(shape=shapes, seed=seeds, lr=st.floats(1e-4, 0.1), scale=st.floats(1.0, 1e4))
def test_adam_first_step_moves_each_parameter_by_lr_against_the_gradient_sign(shape, seed, lr, scale):
    # m_hat = g and v_hat = g^2 after one step, so the step is lr * g / |g| whatever the gradient's size
    # (as long as |g| is far above epsilon: here |g| >= 0.1, so epsilon changes the step by less than 1e-4).
    rng = np.random.default_rng(seed)
    p, g = rng.standard_normal(shape), scale * _gradient_away_from_zero(rng, shape, low=0.1)
    p0 = p.copy()
    optimizers.Adam(learning_rate=lr).apply([p], [g])
    np.testing.assert_allclose(p - p0, -lr * np.sign(g), rtol=1e-4)


@settings(max_examples=20, deadline=None)
@given(shape=shapes, seed=seeds, rho=st.floats(0.0, 0.99), scale=st.floats(10.0, 1e4))
def test_rmsprop_first_step_is_lr_over_sqrt_one_minus_rho_against_the_gradient_sign(shape, seed, rho, scale):
    # v = (1 - rho) g^2 after one step, so the step is lr * g / sqrt((1 - rho) g^2) = lr sign(g) / sqrt(1 - rho)
    # (|g| >= 1 here, so the epsilon inside the root changes it by less than 1e-4).
    rng = np.random.default_rng(seed)
    p, g = rng.standard_normal(shape), scale * _gradient_away_from_zero(rng, shape, low=0.1)
    p0 = p.copy()
    lr = 0.01
    optimizers.RMSprop(learning_rate=lr, rho=rho).apply([p], [g])
    np.testing.assert_allclose(p - p0, -lr * np.sign(g) / math.sqrt(1 - rho), rtol=1e-4)


# --- several steps, against references written here -------------------------------------------------------------
class Quadratic:
    """f(p) = 0.5 * sum(a * (p - c)^2) with a > 0: its gradient a * (p - c) depends on where the optimizer is."""

    def __init__(self, rng, shape):
        self.a = rng.uniform(0.5, 2.0, shape)
        self.c = rng.standard_normal(shape)

    def grad(self, p):
        return self.a * (p - self.c)


def adam_algorithm_1(p, grads, lr, beta_1, beta_2, eps, steps):
    """Adam exactly as Algorithm 1 of Kingma & Ba (2015), with m_hat and v_hat; returns every iterate."""
    m, v, out = np.zeros_like(p), np.zeros_like(p), []
    for t in range(1, steps + 1):
        g = grads(p)
        m = beta_1 * m + (1 - beta_1) * g
        v = beta_2 * v + (1 - beta_2) * g**2
        m_hat = m / (1 - beta_1**t)
        v_hat = v / (1 - beta_2**t)
        p = p - lr * m_hat / (np.sqrt(v_hat) + eps(t))
        out.append(p)
    return out


def run(optimizer, p, grads, steps):
    """Run ``optimizer`` on p in place for ``steps`` steps, the gradient taken at the current p; every iterate."""
    out = []
    for _ in range(steps):
        optimizer.apply([p], [grads(p)])
        out.append(p.copy())
    return out


@settings(max_examples=10, deadline=None)
@given(shape=shapes, seed=seeds, beta_1=st.floats(0.5, 0.95), beta_2=st.floats(0.9, 0.9999))
def test_adam_matches_algorithm_1_over_many_steps(shape, seed, beta_1, beta_2):
    rng = np.random.default_rng(seed)
    f, p0 = Quadratic(rng, shape), rng.standard_normal(shape)
    lr, epsilon, steps = 0.05, 1e-3, 30  # a large epsilon, so the mapping between the two forms matters

    ours = run(optimizers.Adam(lr, beta_1, beta_2, epsilon), p0.copy(), f.grad, steps)
    # scratchnet (like Keras) takes the paper's "epsilon hat" (the form just before its section 2.1); in
    # Algorithm 1's terms that is eps = epsilon / sqrt(1 - beta_2^t):
    #   lr * m_hat / (sqrt(v_hat) + eps) = lr_t * m / (sqrt(v) + eps * sqrt(1 - beta_2^t)).
    paper = adam_algorithm_1(p0.copy(), f.grad, lr, beta_1, beta_2, lambda t: epsilon / math.sqrt(1 - beta_2**t), steps)
    np.testing.assert_allclose(np.array(ours), np.array(paper), rtol=1e-10, atol=1e-12)


def test_adam_with_tiny_epsilon_matches_algorithm_1_with_tiny_epsilon():
    rng = np.random.default_rng(0)
    f, p0 = Quadratic(rng, (3, 4)), rng.standard_normal((3, 4))
    ours = run(optimizers.Adam(0.01, epsilon=1e-12), p0.copy(), f.grad, 50)
    paper = adam_algorithm_1(p0.copy(), f.grad, 0.01, 0.9, 0.999, lambda t: 1e-12, 50)
    np.testing.assert_allclose(np.array(ours), np.array(paper), rtol=1e-9, atol=1e-12)


@settings(max_examples=10, deadline=None)
@given(shape=shapes, seed=seeds, mu=st.floats(0.0, 0.95))
def test_sgd_momentum_matches_the_classical_momentum_recurrence(shape, seed, mu):
    rng = np.random.default_rng(seed)
    f, p0, lr = Quadratic(rng, shape), rng.standard_normal(shape), 0.05
    ours = run(optimizers.SGD(lr, momentum=mu), p0.copy(), f.grad, 25)
    # Polyak's heavy ball, written as a difference equation: p_{t+1} = p_t - lr g(p_t) + mu (p_t - p_{t-1}).
    expected, previous, p = [], p0.copy(), p0.copy()
    for _ in range(25):
        p, previous = p - lr * f.grad(p) + mu * (p - previous), p
        expected.append(p)
    np.testing.assert_allclose(np.array(ours), np.array(expected), rtol=1e-10, atol=1e-12)


@settings(max_examples=10, deadline=None)
@given(shape=shapes, seed=seeds, mu=st.floats(0.1, 0.95))
def test_sgd_nesterov_matches_sutskevers_look_ahead_form(shape, seed, mu):
    # Sutskever et al. (2013): v <- mu v - lr g(theta + mu v);  theta <- theta + v.
    # Keras (and scratchnet) keep the look-ahead point phi = theta + mu v as the parameter, so we compare phi.
    rng = np.random.default_rng(seed)
    f, p0, lr = Quadratic(rng, shape), rng.standard_normal(shape), 0.05
    ours = run(optimizers.SGD(lr, momentum=mu, nesterov=True), p0.copy(), f.grad, 25)
    theta, v, expected = p0.copy(), np.zeros(shape), []
    for _ in range(25):
        v = mu * v - lr * f.grad(theta + mu * v)
        theta = theta + v
        expected.append(theta + mu * v)
    np.testing.assert_allclose(np.array(ours), np.array(expected), rtol=1e-10, atol=1e-12)


@settings(max_examples=10, deadline=None)
@given(shape=shapes, seed=seeds, rho=st.floats(0.5, 0.99))
def test_rmsprop_matches_hintons_recurrence(shape, seed, rho):
    rng = np.random.default_rng(seed)
    f, p0, lr, eps = Quadratic(rng, shape), rng.standard_normal(shape), 0.01, 1e-3
    ours = run(optimizers.RMSprop(lr, rho=rho, epsilon=eps), p0.copy(), f.grad, 25)
    # Lecture 6e, with epsilon inside the root as Keras puts it: v = rho v + (1 - rho) g^2; p -= lr g / sqrt(v + eps).
    p, ms, expected = p0.copy(), np.zeros(shape), []
    for _ in range(25):
        g = f.grad(p)
        ms = rho * ms + (1 - rho) * g * g
        p = p - lr * g / np.sqrt(ms + eps)
        expected.append(p)
    np.testing.assert_allclose(np.array(ours), np.array(expected), rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize(
    "make",
    [
        lambda: optimizers.SGD(0.1),
        lambda: optimizers.SGD(0.1, momentum=0.9),
        lambda: optimizers.SGD(0.1, momentum=0.9, nesterov=True),
        lambda: optimizers.Adam(0.1),
        lambda: optimizers.RMSprop(0.05),
    ],
    ids=["sgd", "momentum", "nesterov", "adam", "rmsprop"],
)
def test_every_optimizer_minimises_a_quadratic(make):
    rng = np.random.default_rng(0)
    f, p = Quadratic(rng, (5,)), rng.standard_normal(5)
    start = np.abs(p - f.c).max()
    run(make(), p, f.grad, 300)
    assert np.abs(p - f.c).max() < 0.05 * start


# --- state, dtype, in place ----------------------------------------------------------------------------------------
OPTIMIZERS = {
    "sgd": lambda: optimizers.SGD(0.1),
    "momentum": lambda: optimizers.SGD(0.1, momentum=0.9),
    "nesterov": lambda: optimizers.SGD(0.1, momentum=0.9, nesterov=True),
    "adam": lambda: optimizers.Adam(0.01),
    "rmsprop": lambda: optimizers.RMSprop(0.01),
}


def state_arrays(optimizer):
    """Every array of optimizer state (lists aligned with the parameters)."""
    return [
        a for value in vars(optimizer).values() if isinstance(value, list) for a in value if isinstance(a, np.ndarray)
    ]


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_float32_parameters_and_state_stay_float32(name):
    rng = np.random.default_rng(0)
    params = [rng.standard_normal((3, 4)).astype(np.float32), rng.standard_normal(4).astype(np.float32)]
    opt = OPTIMIZERS[name]()
    for _ in range(3):
        grads = [rng.standard_normal(p.shape).astype(np.float32) for p in params]
        opt.apply(params, grads)
    assert all(p.dtype == np.float32 for p in params)
    assert all(s.dtype == np.float32 for s in state_arrays(opt))
    if name != "sgd":
        assert state_arrays(opt), "this optimizer keeps state; the test should see it"


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_updates_are_in_place(name):
    # The parameters are views into one flat vector, as in a Sequential: the update must land in that vector.
    rng = np.random.default_rng(0)
    theta = rng.standard_normal(16)
    params = [theta[:12].reshape(3, 4), theta[12:]]
    ids = [id(p) for p in params]
    before = theta.copy()
    OPTIMIZERS[name]().apply(params, [np.ones((3, 4)), np.ones(4)])
    assert [id(p) for p in params] == ids
    assert np.all(theta < before)  # every entry moved against its gradient of +1


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_each_parameter_array_has_its_own_state(name):
    # Two arrays trained together move exactly as each trained alone.
    rng = np.random.default_rng(0)
    fa, fb = Quadratic(rng, (3,)), Quadratic(rng, (2, 2))
    a0, b0 = rng.standard_normal(3), rng.standard_normal((2, 2))
    a, b = a0.copy(), b0.copy()
    together = OPTIMIZERS[name]()
    for _ in range(10):
        together.apply([a, b], [fa.grad(a), fb.grad(b)])
    alone_a, alone_b = a0.copy(), b0.copy()
    run(OPTIMIZERS[name](), alone_a, fa.grad, 10)
    run(OPTIMIZERS[name](), alone_b, fb.grad, 10)
    np.testing.assert_allclose(a, alone_a, rtol=1e-14)
    np.testing.assert_allclose(b, alone_b, rtol=1e-14)


def test_iterations_count_the_updates():
    opt = optimizers.Adam()
    p = np.zeros(2)
    for _ in range(3):
        opt.apply([p], [np.ones(2)])
    assert opt.iterations == 3


def test_keras_defaults():
    assert optimizers.SGD().get_config() == {"learning_rate": 0.01, "momentum": 0.0, "nesterov": False}
    assert optimizers.Adam().get_config() == {
        "learning_rate": 0.001,
        "beta_1": 0.9,
        "beta_2": 0.999,
        "epsilon": 1e-7,
    }
    assert optimizers.RMSprop().get_config() == {"learning_rate": 0.001, "rho": 0.9, "epsilon": 1e-7}


@pytest.mark.parametrize(
    ("name", "cls"), [("sgd", optimizers.SGD), ("Adam", optimizers.Adam), ("RMSprop", optimizers.RMSprop)]
)
def test_optimizers_by_name_any_case(name, cls):
    assert type(optimizers.get(name)) is cls
    instance = cls()
    assert optimizers.get(instance) is instance


@pytest.mark.parametrize(
    ("make", "who", "name", "value"),
    [
        (lambda: optimizers.SGD(momentum=1.0), "SGD", "momentum", "1.0"),
        (lambda: optimizers.SGD(momentum=-0.5), "SGD", "momentum", "-0.5"),
        (lambda: optimizers.Adam(beta_1=1.0), "Adam", "beta_1", "1.0"),
        (lambda: optimizers.Adam(beta_2=1.5), "Adam", "beta_2", "1.5"),
        (lambda: optimizers.Adam(epsilon=-1e-7), "Adam", "epsilon", "-1e-07"),
        (lambda: optimizers.RMSprop(rho=-0.1), "RMSprop", "rho", "-0.1"),
        (lambda: optimizers.RMSprop(epsilon=float("nan")), "RMSprop", "epsilon", "nan"),
        (lambda: optimizers.Adam(beta_1="0.9"), "Adam", "beta_1", "'0.9'"),
    ],
)
def test_bad_hyper_parameters_raise_value_error(make, who, name, value):
    with pytest.raises(ValueError) as info:
        make()
    message = str(info.value)
    assert message.startswith(f"{who} expected `{name}`")
    assert f"Received: {name}={value}." in message


@pytest.mark.parametrize("cls", [optimizers.SGD, optimizers.Adam, optimizers.RMSprop])
@pytest.mark.parametrize("lr", [0, -0.01, float("nan"), float("inf"), "0.01"])
def test_wrong_learning_rate(cls, lr):
    message = raised(ValueError, cls, learning_rate=lr)
    assert message.startswith(f"{cls.__name__} expected `learning_rate` to be a number in (0.0, inf).")
    assert f"Received: learning_rate={lr!r}." in message


def test_unknown_optimizer():
    message = raised(ValueError, mnist_model().compile, optimizer="ftrl", loss="mse")
    assert message == (
        "Unknown optimizer. Expected one of ['adagrad', 'adam', 'adamax', 'adamw', 'nadam', 'rmsprop', 'sgd']. "
        "Received: optimizer='ftrl'."
    )


@pytest.mark.parametrize(
    ("make", "name"),
    [
        (lambda: optimizers.SGD(np.float32(0.01), momentum=np.float32(0.9)), "momentum"),
        (lambda: optimizers.Adam(np.float32(0.01), beta_1=np.float32(0.9), epsilon=np.float32(1e-7)), "beta_1"),
        (lambda: optimizers.RMSprop(np.int64(1), rho=np.float32(0.9)), "rho"),
    ],
    ids=["SGD", "Adam", "RMSprop"],
)
def test_numpy_scalar_hyperparameters_are_accepted_as_python_floats(make, name):
    optimizer = make()
    assert type(optimizer.learning_rate) is float and type(getattr(optimizer, name)) is float
    param, grad = np.ones(3, dtype=np.float32), np.full(3, 0.5, dtype=np.float32)
    optimizer.apply([param], [grad])
    assert param.dtype == np.float32 and np.all(param < 1)  # no float64 leak, and it stepped


@pytest.mark.parametrize("value", ["0.01", True, np.bool_(True), float("nan"), np.float32("inf"), -np.float32(1)])
def test_hyperparameters_that_are_not_finite_positive_numbers_are_refused(value):
    with pytest.raises(ValueError, match="expected `learning_rate` to be a number"):
        optimizers.Adam(learning_rate=value)

"""Guards for the speed and memory tricks, checked without a clock (timings are too noisy for CI).

What makes training fast and lean (see benchmarks/train_speed.py for the numbers) is structural, so it can be
tested structurally:

- float32 stays float32: no parameter, gradient, cached activation or optimizer state is ever promoted to float64
  (float64 matmuls are about twice as slow, and a promotion in one place spreads to everything downstream);
- all parameters live in one flat vector θ and all gradients in one dθ, so the optimizer sees a single array and
  Adam is a handful of whole-model vector operations;
- ``fit`` never copies the dataset: each shuffled batch is gathered and cast to float32 as it is used.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tracemalloc
from pathlib import Path

import numpy as np
import pytest

import scratchnet as sn

MB = 2**20


def exercise_model(optimizer="adam", dtype="float32"):
    model = sn.Sequential(
        [
            sn.layers.Flatten(input_shape=(28, 28)),
            sn.layers.Dense(128, activation="relu"),
            sn.layers.Dense(10, activation="softmax"),
        ],
        seed=0,
        dtype=dtype,
    )
    model.compile(optimizer=optimizer, loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def float_arrays(obj, seen=None):
    """Every floating-point array reachable from ``obj``'s attributes (lists, tuples and dicts followed)."""
    seen = set() if seen is None else seen
    found = []

    def visit(name, value):
        if id(value) in seen:
            return
        seen.add(id(value))
        if isinstance(value, np.ndarray):
            if value.dtype.kind == "f":
                found.append((name, value))
        elif isinstance(value, dict):
            for key, item in value.items():
                visit(f"{name}[{key!r}]", item)
        elif isinstance(value, (list, tuple)):
            for i, item in enumerate(value):
                visit(f"{name}[{i}]", item)
        elif isinstance(value, sn.layers.Layer):
            for key, item in vars(value).items():
                visit(f"{name}.{key}", item)

    for key, value in vars(obj).items():
        visit(key, value)
    return found


@pytest.mark.parametrize(
    "optimizer",
    [
        "adam",
        "sgd",
        "rmsprop",
        sn.optimizers.SGD(momentum=0.9, nesterov=True),
    ],
    ids=["adam", "sgd", "rmsprop", "sgd-nesterov"],
)
def test_training_keeps_every_array_float32(optimizer):
    # float64 inputs, as learners pass them (x / 255.0); the model must cast each batch, never promote itself.
    rng = np.random.default_rng(0)
    x, y = rng.random((256, 28, 28)), rng.integers(0, 10, 256)
    model = exercise_model(optimizer)
    model.fit(x, y, batch_size=32, epochs=2, verbose=0)

    arrays = float_arrays(model)
    assert any(name.endswith(".x") for name, _ in arrays)  # cached activations are among those checked
    promoted = [f"{name}: {a.dtype}" for name, a in arrays if a.dtype != np.float32]
    assert promoted == []
    state = float_arrays(model.optimizer)
    assert state or optimizer == "sgd"  # plain SGD has no state
    assert [f"{name}: {a.dtype}" for name, a in state if a.dtype != np.float32] == []
    assert model.predict(x[:5], verbose=0).dtype == np.float32
    loss, acc = model.evaluate(x, y, verbose=0)
    assert isinstance(loss, float) and isinstance(acc, float)


def test_the_course_cnn_keeps_every_array_float32_on_the_fast_path():
    # Conv2D(relu) -> MaxPool twice, as the course has it (smaller images, to be quick): every speed trick for
    # convolutions runs (patch buffer, in-place bias + ReLU, dx by offsets, the ReLU folded into the pooling).
    L = sn.layers
    model = sn.Sequential(
        [
            L.Conv2D(8, 3, activation="relu", input_shape=(14, 14, 1)),
            L.MaxPooling2D(2, 2),
            L.Conv2D(8, 3, activation="relu"),
            L.MaxPooling2D(2, 2),
            L.Flatten(),
            L.Dense(16, activation="relu"),
            L.Dense(10, activation="softmax"),
        ],
        seed=0,
    )
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    rng = np.random.default_rng(3)
    x, y = rng.random((64, 14, 14, 1)), rng.integers(0, 10, 64)  # float64 images, as x / 255.0 gives
    gradients, conv2 = [], model.layers[2]
    backward = conv2.backward

    def spy(dy):  # the gradients the second convolution receives and hands down
        dx = backward(dy)
        gradients.extend([dy, dx])
        return dx

    conv2.backward = spy
    model.fit(x, y, batch_size=32, epochs=1, verbose=0)
    del conv2.backward
    assert gradients and all(g.dtype == np.float32 for g in gradients)  # ∂L/∂ between the layers too
    promoted = [f"{name}: {a.dtype}" for name, a in float_arrays(model) + float_arrays(model.optimizer)]
    assert [p for p in promoted if not p.endswith("float32")] == []
    assert sn.speed.convolution.cols_buffer(conv2).dtype == np.float32
    assert model.predict(x[:3], verbose=0).dtype == np.float32


def test_one_training_step_keeps_float32_after_train_on_batch():
    rng = np.random.default_rng(1)
    model = exercise_model()
    model.train_on_batch(rng.random((32, 28, 28)), rng.integers(0, 10, 32))
    assert [name for name, a in float_arrays(model) + float_arrays(model.optimizer) if a.dtype != np.float32] == []


def test_parameters_and_gradients_are_views_of_one_flat_vector_each():
    rng = np.random.default_rng(2)
    x, y = rng.random((96, 28, 28)), rng.integers(0, 10, 96)
    model = exercise_model()
    model.fit(x, y, epochs=1, verbose=0)
    ([theta], [dtheta]) = sn.speed.flat_parameters(model)
    model.fit(x, y, epochs=1, verbose=0)

    # The same two vectors after more training: the optimizer updates them in place, nothing is re-packed.
    ([theta_after], [dtheta_after]) = sn.speed.flat_parameters(model)
    assert theta_after is theta and dtheta_after is dtheta
    assert theta.size == model.count_params() == 101770
    for layer in model.layers:
        for key in layer.params:
            assert np.shares_memory(layer.params[key], theta), f"{layer.name}.params[{key!r}]"
            assert np.shares_memory(layer.grads[key], dtheta), f"{layer.name}.grads[{key!r}]"
    # ...so the optimizer holds one array per kind of state, not one per weight matrix.
    opt = model.optimizer
    assert len(opt.m) == len(opt.v) == 1 and opt.m[0].shape == theta.shape


@pytest.mark.slow
def test_fit_on_float64_images_makes_no_copy_of_the_dataset():
    # float64 images, the course's x / 255.0: 12,000 of them are 75 MB. A float32 copy would be half of that, a
    # shuffled copy all of it. Each step needs only its batch (32 images); the largest temporary fit may make
    # is the NaN scan's block (8 MB of booleans), so a third of the input size is a generous bound that any
    # copy of the dataset breaks. (benchmarks/train_speed.py measures the full 60,000-image case.)
    rng = np.random.default_rng(3)
    x, y = rng.random((12000, 28, 28)), rng.integers(0, 10, 12000)
    model = exercise_model()
    model.fit(x[:64], y[:64], verbose=0)  # build the model and optimizer outside the measurement

    tracemalloc.start()
    try:
        model.fit(x, y, batch_size=32, epochs=1, verbose=0, validation_split=0.1)
        fit_peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.reset_peak()
        predictions = model.predict(x, verbose=0)
        predict_peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()

    assert fit_peak < x.nbytes / 3, f"fit held {fit_peak / MB:.1f} MB at once on {x.nbytes / MB:.0f} MB of inputs"
    # predict keeps its output (12,000 × 10 float32); the batches come and go, and the NaN scan's block again.
    assert predict_peak < predictions.nbytes + x.nbytes / 3, f"predict held {predict_peak / MB:.1f} MB at once"


@pytest.mark.parametrize(
    "optimizer", ["adam", "rmsprop", sn.optimizers.SGD(momentum=0.9)], ids=["adam", "rmsprop", "sgd"]
)
def test_optimizer_state_does_not_linger_in_the_denormal_range(optimizer):
    # One gradient, then zeros (a border pixel's weight): the state decays by a constant factor each step into
    # float32's denormal range (below 1.2e-38), where arithmetic is slow and 0.9 * 1.4e-45 rounds back to
    # 1.4e-45, so without the periodic flush it would stay there for ever.
    opt = sn.optimizers.get(optimizer)
    p = np.zeros(3, dtype=np.float32)
    opt.apply([p], [np.array([1e-3, -1e-3, 0.0], dtype=np.float32)])
    zero = np.zeros(3, dtype=np.float32)
    for _ in range(4095):
        opt.apply([p], [zero])
    assert opt.iterations % sn.speed.FLUSH_DENORMALS_EVERY == 0
    tiny = np.finfo(np.float32).tiny
    for state in opt.state_arrays():
        assert state.dtype == np.float32
        assert np.all((state == 0) | (np.abs(state) >= tiny)), state


# --- BLAS threads ------------------------------------------------------------------------------------------------
def threads_seen_by_fit(batch_size=32):
    """The BLAS thread count during fit (read from a callback), and after it."""
    seen = []
    callback = sn.callbacks.LambdaCallback(
        on_epoch_end=lambda epoch, logs: seen.append(sn.speed.blas.get_num_threads())
    )
    rng = np.random.default_rng(4)
    model = exercise_model()
    model.fit(rng.random((64, 28, 28)), rng.integers(0, 10, 64), batch_size=batch_size, verbose=0, callbacks=[callback])
    return seen[0], sn.speed.blas.get_num_threads()


@pytest.fixture
def openblas(monkeypatch):
    """NumPy's OpenBLAS set to 2 threads with no thread variable in the environment; restored afterwards."""
    for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        monkeypatch.delenv(name, raising=False)
    functions = sn.speed.blas._openblas()
    if functions is None:
        pytest.skip("NumPy does not use an OpenBLAS whose threads scratchnet can set")
    set_threads, get_threads = functions
    before = get_threads()
    set_threads(2)
    monkeypatch.setattr(sn.speed.blas, "idle_cores", lambda: 2)  # an idle 2-core machine, whatever the load is
    yield
    set_threads(before)


def test_small_matmuls_train_on_one_blas_thread_and_the_setting_comes_back(openblas):
    assert threads_seen_by_fit() == (1, 2)


def test_big_batches_keep_every_blas_thread(openblas):
    assert threads_seen_by_fit(batch_size=2048) == (2, 2)  # 2048 × 100,480 multiply-adds is not small


def test_big_batches_get_one_thread_when_the_other_core_is_busy(openblas, monkeypatch):
    monkeypatch.setattr(sn.speed.blas, "idle_cores", lambda: 1)
    assert threads_seen_by_fit(batch_size=2048) == (1, 2)


def test_idle_cores_reads_the_load_average(monkeypatch):
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1}, raising=False)
    # The load counts this process as well: about 1 while it trains alone, about 2 with one other busy program.
    for load, idle in ((0.2, 2), (1.4, 2), (2.1, 1), (9.5, 1)):
        monkeypatch.setattr(os, "getloadavg", lambda load=load: (load, load, load))
        assert sn.speed.blas.idle_cores() == idle


def test_blas_threads_are_left_alone_when_the_user_chose_them(openblas, monkeypatch):
    monkeypatch.setenv("OPENBLAS_NUM_THREADS", "2")
    assert threads_seen_by_fit() == (2, 2)


def test_blas_thread_limit_is_switched_off_with_the_other_tricks(openblas):
    with sn.speed.disabled():
        assert threads_seen_by_fit() == (2, 2)


@pytest.mark.slow
def test_the_benchmark_script_runs_and_reports_every_field(tmp_path):
    """benchmarks/train_speed.py end to end on a little random data: it runs, and its JSON line has the numbers."""
    script = Path(__file__).resolve().parent.parent / "benchmarks" / "train_speed.py"
    out = tmp_path / "bench.json"
    args = ["--random", "--samples", "2000", "--epochs", "1", "--plain-epochs", "1", "--no-memory", "--json", str(out)]
    subprocess.run([sys.executable, str(script), *args], check=True, capture_output=True, timeout=300)
    result = json.loads(out.read_text().splitlines()[-1])
    assert result["samples"] == 2000 and result["batch_size"] == 32 and result["model_dtype"] == "float32"
    assert result["s_per_epoch"] > 0 and result["matmul_peak_gflop_per_s"] > 0
    assert result["plain_s_per_epoch"] > 0  # the same epochs with scratchnet.speed.disabled()
    # the useful work per epoch is arithmetic, not a measurement: 2000 samples of the 784-128-10 model
    per_sample = 2 * (784 * 128 + 128 * 10) + 2 * (784 * 128 + 128 * 10) + 2 * 128 * 10
    assert result["gflop_per_epoch"] == pytest.approx(2000 * per_sample / 1e9, rel=1e-3)
    assert 0 < result["fraction_of_peak"] < 1
    assert result["predict_samples"] == 10000


def test_the_thread_rule_counts_the_work_that_runs_convolutions_included():
    dense = sn.Sequential([sn.layers.Flatten(input_shape=(28, 28)), sn.layers.Dense(128), sn.layers.Dense(10)])
    assert dense.multiply_adds_per_batch(32) == 32 * 784 * 128
    cnn = sn.Sequential(
        [
            sn.layers.Conv2D(64, 3, activation="relu", input_shape=(28, 28, 1)),
            sn.layers.MaxPooling2D(2),
            sn.layers.Conv2D(64, 3, activation="relu"),
            sn.layers.MaxPooling2D(2),
            sn.layers.Flatten(),
            sn.layers.Dense(128),
            sn.layers.Dense(10),
        ]
    )
    # The second convolution: 11 × 11 positions × (3 × 3 × 64) × 64 filters, per image (batch × parameters said 6.6 M)
    assert cnn.multiply_adds_per_batch(32) == 32 * 11 * 11 * 3 * 3 * 64 * 64
    assert cnn.multiply_adds_per_batch(32) > sn.speed.blas.SMALL_MATMUL  # so the CNN's batches get every thread

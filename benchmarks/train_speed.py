"""How fast scratchnet trains the exercise model, how close that is to the machine's limit, and what memory it takes.

The exercise model is the classic first network: Flatten(28×28) -> Dense(128, relu) -> Dense(10, softmax), Adam,
sparse categorical cross-entropy, batch size 32, 60,000 Fashion-MNIST images per epoch. One run prints a table and
one JSON line with:

    s/epoch             median over the timed epochs (each epoch timed by a callback, so fit's one-off input
                        checks are reported apart, as "fit setup")
    samples/s           training examples per second
    GFLOP/s             *useful* matmul work per second: forward x @ W, backward x.T @ dz and dz @ W.T (none
                        for the first layer: nobody needs ∂L/∂pixels); 24.5 GFLOP per epoch for this model
    % of peak           that rate over this machine's float32 matmul peak, measured in the same run with a large
                        a @ b (so a busy or throttled machine lowers both numbers alike)
    predict             seconds for model.predict on 10,000 images, and images per second
    fit memory          peak resident memory fit adds on top of 60,000 × 784 float64 inputs (x / 255.0, as the
                        course does), measured in a fresh process (Linux: VmHWM reset through
                        /proc/self/clear_refs), and the peak of NumPy's own allocations seen by tracemalloc
    accuracy            on the 10,000 test images after the timed epochs (real data only)

``--sweep`` shows how the cost grows with batch size (32…1024), hidden width (128…1024) and sample count, and
draws it (matplotlib, imported only then).

BLAS threads: NumPy's matmul runs on OpenBLAS (or MKL), which splits even small matmuls over every core by
default. ``--threads N`` re-runs this script with ``OPENBLAS_NUM_THREADS=N`` (and the MKL / OpenMP equivalents)
set, the only way to choose that before NumPy loads; without it the BLAS default is used and reported.

Usage::

    python benchmarks/train_speed.py                                   # real data if found, else random
    python benchmarks/train_speed.py --data-dir ../shared/data      # Fashion-MNIST from this folder
    python benchmarks/train_speed.py --random --epochs 3               # random data of the same shape
    python benchmarks/train_speed.py --threads 1                       # one BLAS thread
    python benchmarks/train_speed.py --sweep --plot out/sweep.png      # cost against batch, width, samples
    make bench ARGS="--data-dir ../shared/data"

Only NumPy (and matplotlib for ``--sweep``) is used: no other framework is imported anywhere.
"""

from __future__ import annotations

import argparse
import ctypes
import gc
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

# NumPy is imported in main(), after --threads has had its chance to set the BLAS thread count.
np = None

IMAGE_SHAPE = (28, 28)
NUM_CLASSES = 10
THREAD_VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")
# Where to look when --data-dir is not given: $SCRATCHNET_DATA_DIR, then ../shared/data beside the checkout (as
# `make test` and CI do); failing both, the benchmark runs on random data and says so.
DEFAULT_DATA_DIRS = (Path(__file__).resolve().parent.parent.parent / "shared" / "data",)


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Training speed and memory of Flatten -> Dense(128, relu) -> Dense(10, softmax) with Adam.",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    parser.add_argument("--data-dir", help="folder holding the Fashion-MNIST .gz files (or their fashion-mnist/)")
    parser.add_argument("--random", action="store_true", help="random data of Fashion-MNIST's shape")
    parser.add_argument("--epochs", type=int, default=5, help="timed epochs (the median is reported)")
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--hidden", type=int, default=128, help="units of the hidden Dense layer")
    parser.add_argument("--samples", type=int, default=60000, help="training examples per epoch")
    parser.add_argument("--dtype", default="float32", choices=["float32", "float64"], help="the model's dtype")
    parser.add_argument("--threads", type=int, help="BLAS threads (re-runs this script with the variables set)")
    parser.add_argument("--no-memory", action="store_true", help="skip the memory measurement (a subprocess)")
    parser.add_argument(
        "--plain-epochs",
        type=int,
        default=3,
        help="epochs timed again with every speed trick off (scratchnet.speed.disabled()); 0 skips it",
    )
    parser.add_argument("--sweep", action="store_true", help="cost against batch size, hidden width and samples")
    parser.add_argument("--sweep-epochs", type=int, default=3, help="timed epochs per sweep point")
    parser.add_argument(
        "--sweep-axes", default="batch_size,hidden,samples", help="which of batch_size,hidden,samples to sweep"
    )
    parser.add_argument("--plot", default="benchmarks/results/train_speed_sweep.png", help="where --sweep draws")
    parser.add_argument("--json", help="also append the JSON line(s) to this file")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--model", default="dense", choices=["dense", "cnn"], help="cnn: the course's convolution model (cnn_speed.py)"
    )
    parser.add_argument("--steps", type=int, default=200, help="--model cnn: training steps timed per run")
    parser.add_argument("--repeats", type=int, default=3, help="--model cnn: timed runs (the median is reported)")
    parser.add_argument("--readable", action="store_true", help="--model cnn: with every trick of scratchnet.speed off")
    parser.add_argument("--memory-child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--peak-child", action="store_true", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


# --- threads ---------------------------------------------------------------------------------------------------------
def rerun_with_threads(threads: int) -> None:
    """Re-execute this script with the BLAS thread variables set, unless they already are."""
    wanted = str(threads)
    if all(os.environ.get(name) == wanted for name in THREAD_VARIABLES):
        return
    env = {**os.environ, **dict.fromkeys(THREAD_VARIABLES, wanted)}
    os.execve(sys.executable, [sys.executable, *sys.argv], env)


def blas_threads_label() -> str:
    """What the environment asks of BLAS: a thread count, or nothing (then scratchnet.speed decides in fit)."""
    value = os.environ.get("OPENBLAS_NUM_THREADS") or os.environ.get("OMP_NUM_THREADS")
    return f"{value} (set in the environment)" if value else f"not set ({os.cpu_count()} cores)"


# --- data -------------------------------------------------------------------------------------------------------------
def find_data_root(data_dir: str | None) -> Path | None:
    """The root whose ``fashion-mnist/`` holds the four verified files (the layout scratchnet.datasets uses)."""
    from scratchnet.datasets import fashion_mnist

    candidates = [data_dir] if data_dir else [os.environ.get("SCRATCHNET_DATA_DIR"), *DEFAULT_DATA_DIRS]
    for base in filter(None, candidates):
        if fashion_mnist.available_locally(base):
            return Path(base)
    if data_dir:
        raise SystemExit(f"No verified Fashion-MNIST files in {Path(data_dir) / 'fashion-mnist'}.")
    return None


def random_data(n_train: int, n_test: int, seed: int):
    """Random float64 images in [0, 1) and random labels, generated in blocks so no float64 temporary doubles them."""
    rng = np.random.default_rng(seed)

    def images(n):
        x = np.empty((n, *IMAGE_SHAPE))
        for start in range(0, n, 4096):
            x[start : start + 4096] = rng.random((min(4096, n - start), *IMAGE_SHAPE))
        return x

    return (images(n_train), rng.integers(0, NUM_CLASSES, n_train)), (
        images(n_test),
        rng.integers(0, NUM_CLASSES, n_test),
    )


def get_data(args):
    """Training and test arrays as the course makes them: float64 images / 255.0, integer labels."""
    root = None if args.random else find_data_root(args.data_dir)
    if root is None:
        if not args.random:
            print("No Fashion-MNIST files found (give --data-dir): timing on random data of the same shape.")
        (x, y), (xt, yt) = random_data(args.samples, 10000, args.seed)
        return "random", x, y, xt, yt
    from scratchnet.datasets import fashion_mnist

    (x, y), (xt, yt) = fashion_mnist.load_data(data_dir=root, download=False, verbose=0)
    x = x[: args.samples] / 255.0  # float64, exactly what learners pass to fit
    return f"fashion-mnist ({root / 'fashion-mnist'})", x, y[: args.samples], xt / 255.0, yt


# --- the model and its arithmetic -------------------------------------------------------------------------------------
def exercise_model(hidden: int, dtype: str, seed: int):
    import scratchnet as sn

    model = sn.Sequential(
        [
            sn.layers.Flatten(input_shape=IMAGE_SHAPE),
            sn.layers.Dense(hidden, activation="relu"),
            sn.layers.Dense(NUM_CLASSES, activation="softmax"),
        ],
        seed=seed,
        dtype=dtype,
    )
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def useful_flop_per_sample(hidden: int) -> int:
    """Multiply-adds ×2 of the matmuls one training example needs, for 784 -> hidden -> 10.

    forward  x @ W            2·in·out per Dense
    backward x.T @ dz (dW)    2·in·out per Dense
             dz @ W.T (dx)    2·in·out per Dense except the first (nobody needs ∂L/∂pixels)
    """
    dense = [(IMAGE_SHAPE[0] * IMAGE_SHAPE[1], hidden), (hidden, NUM_CLASSES)]
    forward = sum(2 * i * o for i, o in dense)
    backward = forward + sum(2 * i * o for i, o in dense[1:])
    return forward + backward


def matmul_peak_gflops(n: int = 2048, repeats: int = 7) -> float:
    """The float32 matmul rate of this process right now: the median of several large ``a @ b`` (GFLOP/s)."""
    rng = np.random.default_rng(0)
    a = rng.random((n, n), dtype=np.float32)
    b = rng.random((n, n), dtype=np.float32)
    out = np.empty((n, n), dtype=np.float32)
    np.matmul(a, b, out=out)  # warm-up: threads started, pages touched
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        np.matmul(a, b, out=out)
        times.append(time.perf_counter() - start)
    return 2 * n**3 / statistics.median(times) / 1e9


def machine_peak_gflops() -> float:
    """This machine's float32 matmul peak: BLAS on every core, whatever ``--threads`` chose for training.

    Measured in this process when no thread limit is set, else in a child process without the limit.
    """
    if not any(os.environ.get(name) for name in THREAD_VARIABLES):
        return matmul_peak_gflops()
    env = {k: v for k, v in os.environ.items() if k not in THREAD_VARIABLES}
    done = subprocess.run([sys.executable, __file__, "--peak-child"], env=env, capture_output=True, text=True)
    return float(done.stdout.strip().splitlines()[-1])


# --- measurements -----------------------------------------------------------------------------------------------------
def epoch_timer():
    """A callback that records the wall time of every epoch (so fit's one-off input checks are left out)."""
    import scratchnet as sn

    class EpochTimer(sn.callbacks.Callback):
        def __init__(self):
            super().__init__()
            self.times: list[float] = []
            self.blas_threads = None  # how many threads BLAS had while fit ran (None: cannot be asked)

        def on_epoch_begin(self, epoch, logs=None):
            self.blas_threads = sn.speed.blas.get_num_threads()
            self._start = time.perf_counter()

        def on_epoch_end(self, epoch, logs=None):
            self.times.append(time.perf_counter() - self._start)

    return EpochTimer()


def time_training(x, y, batch_size: int, hidden: int, dtype: str, epochs: int, seed: int):
    """Train a fresh model for ``epochs`` epochs; returns (model, epoch timer, fit's total seconds)."""
    model = exercise_model(hidden, dtype, seed)
    warm = min(len(x), 50 * batch_size)
    model.fit(x[:warm], y[:warm], batch_size=batch_size, epochs=1, verbose=0)  # BLAS threads up, code paths hot
    model = exercise_model(hidden, dtype, seed)  # the timed model starts fresh, as a learner's would
    timer = epoch_timer()
    start = time.perf_counter()
    model.fit(x, y, batch_size=batch_size, epochs=epochs, verbose=0, callbacks=[timer])
    return model, timer, time.perf_counter() - start


def time_predict(model, x, repeats: int = 5) -> float:
    model.predict(x[:1000], verbose=0)
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        model.predict(x, verbose=0)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def measure_memory(args) -> dict:
    """Run the memory measurement in a fresh process, so nothing this process allocated earlier counts."""
    cmd = [sys.executable, __file__, "--memory-child", "--samples", str(args.samples), "--seed", str(args.seed)]
    cmd += ["--batch-size", str(args.batch_size), "--hidden", str(args.hidden), "--dtype", args.dtype]
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        return {"error": done.stderr.strip().splitlines()[-1] if done.stderr.strip() else "failed"}
    return json.loads(done.stdout.strip().splitlines()[-1])


def _status_kb(field: str) -> int | None:
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def memory_child(args) -> None:
    """The child of measure_memory: one epoch of fit on float64 inputs, its peak RSS and tracemalloc peak."""
    import resource
    import tracemalloc

    # Random float64 inputs of the requested shape: only their size matters here.
    (x, y), _ = random_data(args.samples, 1, args.seed)
    model = exercise_model(args.hidden, args.dtype, args.seed)
    model.fit(x[:256], y[:256], batch_size=args.batch_size, epochs=1, verbose=0)  # code loaded, BLAS started
    inputs_mb = (x.nbytes + y.nbytes) / 2**20

    # Peak RSS during fit, above the RSS just before it. Linux lets a process reset its own high-water mark
    # (VmHWM) by writing 5 to /proc/self/clear_refs; elsewhere ru_maxrss (peak since start) is the fallback.
    # Freed heap memory is first handed back to the system, so that fit cannot hide its needs in it.
    gc.collect()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass
    method = "VmHWM after /proc/self/clear_refs"
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        before = _status_kb("VmRSS")
        model.fit(x, y, batch_size=args.batch_size, epochs=1, verbose=0)
        peak = _status_kb("VmHWM")
        rss_mb = (peak - before) / 1024
    except OSError:
        method = "ru_maxrss"
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        model.fit(x, y, batch_size=args.batch_size, epochs=1, verbose=0)
        rss_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024

    # NumPy reports its allocations to tracemalloc: the largest amount fit held at once, inputs excluded.
    tracemalloc.start()
    model.fit(x, y, batch_size=args.batch_size, epochs=1, verbose=0)
    traced_mb = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    print(json.dumps({"inputs_mb": inputs_mb, "fit_rss_mb": rss_mb, "rss_method": method, "fit_traced_mb": traced_mb}))


# --- one run ----------------------------------------------------------------------------------------------------------
def run_once(args, data) -> dict:
    label, x, y, x_test, y_test = data
    import scratchnet as sn

    peak = machine_peak_gflops()
    model, timer, fit_total = time_training(x, y, args.batch_size, args.hidden, args.dtype, args.epochs, args.seed)
    times = timer.times
    if timer.blas_threads == 1 and sn.speed.blas.get_num_threads() != 1:
        with sn.speed.blas.threads_for(0):  # "a tiny matmul": one thread, as fit had
            peak_here = matmul_peak_gflops()
    else:
        peak_here = matmul_peak_gflops()
    s_per_epoch = statistics.median(times)
    plain_s_per_epoch = None
    if args.plain_epochs > 0:
        # The same model on the plain textbook path: what the tricks of scratchnet/speed.py buy together.
        with sn.speed.disabled():
            _, plain_timer, _ = time_training(
                x, y, args.batch_size, args.hidden, args.dtype, args.plain_epochs, args.seed
            )
        plain_s_per_epoch = statistics.median(plain_timer.times)
    gflop = useful_flop_per_sample(args.hidden) * len(x) / 1e9
    predict_s = time_predict(model, x_test[:10000])
    accuracy = None
    if not label.startswith("random"):
        accuracy = float(np.mean(model.predict(x_test, verbose=0).argmax(axis=1) == y_test))
    peak_after = machine_peak_gflops()  # again: if the machine got busier meanwhile, it shows here
    result = {
        "benchmark": "train_speed",
        "data": label,
        "samples": len(x),
        "input_dtype": str(x.dtype),
        "model_dtype": args.dtype,
        "batch_size": args.batch_size,
        "hidden": args.hidden,
        "epochs": args.epochs,
        "epoch_s": [round(t, 4) for t in times],
        "s_per_epoch": round(s_per_epoch, 4),
        "fit_setup_s": round(fit_total - sum(times), 4),
        "plain_s_per_epoch": None if plain_s_per_epoch is None else round(plain_s_per_epoch, 4),
        "samples_per_s": round(len(x) / s_per_epoch),
        "gflop_per_epoch": round(gflop, 3),
        "gflop_per_s": round(gflop / s_per_epoch, 2),
        "matmul_peak_gflop_per_s": round(peak, 1),
        "matmul_peak_after_gflop_per_s": round(peak_after, 1),
        "matmul_peak_these_threads_gflop_per_s": round(peak_here, 1),
        "fraction_of_peak": round(gflop / s_per_epoch / peak, 4),
        "predict_samples": min(10000, len(x_test)),
        "predict_s": round(predict_s, 4),
        "predict_samples_per_s": round(min(10000, len(x_test)) / predict_s),
        "test_accuracy": None if accuracy is None else round(accuracy, 4),
        "blas_threads_in_fit": timer.blas_threads,
        "blas_threads_environment": blas_threads_label(),
        "numpy": np.__version__,
        "python": platform.python_version(),
        "cpu": _cpu_name(),
        "cores": os.cpu_count(),
    }
    if not args.no_memory:
        result["memory"] = measure_memory(args)
    return result


def _cpu_name() -> str:
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def print_table(r: dict) -> None:
    rows = [
        ("data", f"{r['data']}, {r['samples']:,} × 784 {r['input_dtype']}, model {r['model_dtype']}"),
        ("model", f"784 -> {r['hidden']} relu -> 10 softmax, Adam, batch {r['batch_size']}"),
        ("BLAS threads", f"{r['blas_threads_in_fit']} during fit; environment: {r['blas_threads_environment']}"),
        ("epochs (s)", ", ".join(f"{t:.3f}" for t in r["epoch_s"]) + f"   (+ fit setup {r['fit_setup_s']:.3f} s)"),
        ("s/epoch (median)", f"{r['s_per_epoch']:.3f}"),
        *(
            [
                (
                    "s/epoch, tricks off",
                    f"{r['plain_s_per_epoch']:.3f}   (scratchnet.speed.disabled(): the tricks buy "
                    f"{r['plain_s_per_epoch'] / r['s_per_epoch']:.2f}x)",
                )
            ]
            if r.get("plain_s_per_epoch")
            else []
        ),
        ("samples/s", f"{r['samples_per_s']:,}"),
        ("useful GFLOP/s", f"{r['gflop_per_s']:.1f}   ({r['gflop_per_epoch']:.2f} GFLOP per epoch)"),
        (
            "matmul peak",
            f"{r['matmul_peak_gflop_per_s']:.1f} GFLOP/s float32 on all cores (before), "
            f"{r['matmul_peak_after_gflop_per_s']:.1f} (after); {r['matmul_peak_these_threads_gflop_per_s']:.1f} "
            f"on the {r['blas_threads_in_fit']} thread(s) fit used",
        ),
        (
            "% of peak",
            f"{100 * r['fraction_of_peak']:.1f} % of all cores' peak; "
            f"{100 * r['gflop_per_s'] / r['matmul_peak_these_threads_gflop_per_s']:.1f} % of the peak on fit's threads",
        ),
        ("predict", f"{r['predict_s'] * 1000:.1f} ms for {r['predict_samples']:,}  ({r['predict_samples_per_s']:,}/s)"),
    ]
    if r["test_accuracy"] is not None:
        rows.append((f"test accuracy after {r['epochs']} epochs", f"{r['test_accuracy']:.4f}"))
    mem = r.get("memory")
    if mem and "error" not in mem:
        rows.append(
            (
                "fit memory",
                f"+{mem['fit_rss_mb']:.1f} MB peak RSS ({mem['rss_method']}), +{mem['fit_traced_mb']:.1f} MB "
                f"tracemalloc peak, above {mem['inputs_mb']:.0f} MB of float64 inputs",
            )
        )
    elif mem:
        rows.append(("fit memory", f"not measured: {mem['error']}"))
    width = max(len(k) for k, _ in rows)
    for key, value in rows:
        print(f"  {key.ljust(width)}  {value}")


# --- sweep ------------------------------------------------------------------------------------------------------------
def sweep(args, data) -> list[dict]:
    """s/epoch and % of peak against batch size, hidden width and number of samples, one change at a time."""
    _, x, y, _, _ = data
    peak = machine_peak_gflops()
    axes = {
        "batch_size": [32, 64, 128, 256, 512, 1024],
        "hidden": [128, 256, 512, 1024],
        "samples": [s for s in (7500, 15000, 30000, 60000) if s <= len(x)],
    }
    axes = {name: axes[name] for name in args.sweep_axes.split(",")}
    base = {"batch_size": args.batch_size, "hidden": args.hidden, "samples": len(x)}
    points = []
    print(
        f"\nsweep (BLAS threads {blas_threads_label()}; machine matmul peak {peak:.1f} GFLOP/s; "
        f"{args.sweep_epochs} timed epochs per point, median)"
    )
    print(
        f"  {'vary':<11}{'batch':>6}{'hidden':>7}{'samples':>8}{'threads':>8}{'s/epoch':>9}{'µs/step':>9}{'GFLOP/s':>9}"
        f"{'% peak':>8}"
    )
    for axis, values in axes.items():
        for value in values:
            cfg = {**base, axis: value}
            n = cfg["samples"]
            _, timer, _ = time_training(
                x[:n], y[:n], cfg["batch_size"], cfg["hidden"], args.dtype, args.sweep_epochs, args.seed
            )
            s = statistics.median(timer.times)
            gflops = useful_flop_per_sample(cfg["hidden"]) * n / s / 1e9
            steps = -(-n // cfg["batch_size"])
            point = {"vary": axis, **cfg, "s_per_epoch": round(s, 4), "gflop_per_s": round(gflops, 2)}
            point["blas_threads_in_fit"] = timer.blas_threads
            point["fraction_of_peak"] = round(gflops / peak, 4)
            point["us_per_step"] = round(s / steps * 1e6, 1)
            points.append(point)
            print(
                f"  {axis:<11}{cfg['batch_size']:>6}{cfg['hidden']:>7}{n:>8}{timer.blas_threads!s:>8}{s:>9.3f}"
                f"{point['us_per_step']:>9.0f}"
                f"{gflops:>9.1f}{100 * gflops / peak:>7.1f}%"
            )
    return points


def plot_sweep(points: list[dict], path: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    labels = {"batch_size": "batch size", "hidden": "hidden units", "samples": "training samples"}
    titles = {
        "batch_size": "batch size (hidden 128, 60k samples)",
        "hidden": "hidden width (batch 32)",
        "samples": "samples per epoch (batch 32, hidden 128)",
    }
    swept = [axis for axis in labels if any(p["vary"] == axis for p in points)]
    fig, axes = plt.subplots(1, len(swept), figsize=(5 * len(swept), 4.2), squeeze=False)
    for ax, axis in zip(axes[0], swept, strict=True):
        label = labels[axis]
        ax.set_title(titles[axis])
        pts = [p for p in points if p["vary"] == axis]
        xs = [p[axis] for p in pts]
        ax.plot(xs, [p["s_per_epoch"] for p in pts], "o-", color="tab:blue")
        ax.set_xlabel(label)
        ax.set_ylabel("seconds per epoch", color="tab:blue")
        if axis != "samples":
            ax.set_xscale("log", base=2)
        ax.set_xticks(xs, [str(v) for v in xs])
        twin = ax.twinx()
        twin.plot(xs, [100 * p["fraction_of_peak"] for p in pts], "s--", color="tab:red")
        twin.set_ylabel("% of float32 matmul peak", color="tab:red")
        twin.set_ylim(bottom=0)
        ax.set_ylim(bottom=0)
        ax.grid(alpha=0.3)
    fig.suptitle("scratchnet training cost: 784 -> hidden relu -> 10 softmax, Adam, float32")
    fig.tight_layout()
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    print(f"plot written to {path}")


# --- main -------------------------------------------------------------------------------------------------------------
def main(argv=None) -> None:
    global np
    args = parse_args(argv)
    if args.threads is not None:
        rerun_with_threads(args.threads)
    import numpy

    np = numpy
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from a checkout without installing
    if args.model == "cnn":  # the convolution model has its own script, beside this one
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        import cnn_speed

        cnn_speed.main(args)
        return
    if args.memory_child:
        memory_child(args)
        return
    if args.peak_child:
        print(matmul_peak_gflops())
        return
    data = get_data(args)
    if args.sweep:
        points = sweep(args, data)
        plot_sweep(points, args.plot)
        lines = [json.dumps({"benchmark": "train_speed_sweep", **p}) for p in points]
    else:
        result = run_once(args, data)
        print_table(result)
        lines = [json.dumps(result)]
    for line in lines:
        print(line)
    if args.json:
        with open(args.json, "a") as f:
            f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()

"""How fast scratchnet trains the course's convolution model: ``python benchmarks/train_speed.py --model cnn``.

The model of the course's "Improving Computer Vision Accuracy using Convolutions" lesson:
Conv2D(64, 3x3, relu) -> MaxPooling2D(2, 2) -> Conv2D(64, 3x3, relu) -> MaxPooling2D(2, 2) -> Flatten ->
Dense(128, relu) -> Dense(10, softmax), Adam, batch 32, 60,000 Fashion-MNIST-shaped images (28, 28, 1).

A full epoch takes tens of seconds, so the timing runs ``--steps`` training steps (200 by default) after a warm-up
and extrapolates to an epoch of 60,000 images. It prints:

    s/epoch              steps timed × (60,000 / batch size) steps per epoch; the median of --repeats runs
    useful GFLOP/s       the matmul work of a step (forward, dW and dx of every Conv2D and Dense, no dx for the
                         first layer) per second of the *whole* step, pooling, activations and Adam included
    conv matmuls         the three matmuls of the second convolution alone (cols @ W, cols.T @ dz, dz @ W.T) at
                         their training shapes, timed on their own: GFLOP/s and % of the matmul peak
    % of peak            over this machine's float32 matmul peak (a 2048² a @ b), measured in the same run, on all
                         cores and on one
    memory               peak RSS that training adds above the float64 inputs, in a fresh process
    sweep                s/epoch and useful GFLOP/s for batch sizes 32 ... 256 (--sweep)

Only NumPy is used.
"""

from __future__ import annotations

import gc
import json
import math
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

EPOCH_SAMPLES = 60000
IMAGE_SHAPE = (28, 28, 1)


def course_model(batch_size: int, seed: int = 0, dtype: str = "float32"):
    import scratchnet as sn

    L = sn.layers
    model = sn.Sequential(
        [
            L.Conv2D(64, (3, 3), activation="relu", input_shape=IMAGE_SHAPE),
            L.MaxPooling2D(2, 2),
            L.Conv2D(64, (3, 3), activation="relu"),
            L.MaxPooling2D(2, 2),
            L.Flatten(),
            L.Dense(128, activation="relu"),
            L.Dense(10, activation="softmax"),
        ],
        seed=seed,
        dtype=dtype,
    )
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def useful_flop_per_sample(model) -> int:
    """2 × multiply-adds of the matmuls one training example needs: forward, dW, and dx except the first layer."""
    import scratchnet as sn

    flop, shape, first = 0, model.input_shape, True
    for layer in model.layers:
        if isinstance(layer, sn.layers.Conv2D):
            (kh, kw), c = layer.kernel_size, shape[-1]
            ho, wo, f = layer.compute_output_shape(shape)
            one = 2 * ho * wo * kh * kw * c * f
        elif isinstance(layer, sn.layers.Dense):
            one = 2 * shape[-1] * layer.units
        else:
            one = 0
        if one:
            flop += one * (2 if first else 3)
            first = False
        shape = layer.compute_output_shape(shape)
    return flop


def matmul_peak_gflops(n: int = 2048, repeats: int = 5) -> float:
    rng = np.random.default_rng(0)
    a, b = rng.random((n, n), dtype=np.float32), rng.random((n, n), dtype=np.float32)
    out = np.empty((n, n), dtype=np.float32)
    np.matmul(a, b, out=out)
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        np.matmul(a, b, out=out)
        times.append(time.perf_counter() - start)
    return 2 * n**3 / statistics.median(times) / 1e9


def conv_matmul_gflops(batch_size: int, repeats: int = 10) -> float:
    """The second convolution's three matmuls at their training shapes: (N*11*11, 576) × (576, 64)."""
    rng = np.random.default_rng(0)
    rows = batch_size * 11 * 11
    cols = rng.random((rows, 576), dtype=np.float32)
    w = rng.random((576, 64), dtype=np.float32)
    dz = rng.random((rows, 64), dtype=np.float32)
    dw = np.empty((576, 64), dtype=np.float32)

    def three():
        cols @ w
        np.matmul(cols.T, dz, out=dw)
        dz @ w.T

    three()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        three()
        times.append(time.perf_counter() - start)
    return 3 * 2 * rows * 576 * 64 / statistics.median(times) / 1e9


def data(args):
    """Training images (N, 28, 28, 1) float64 in [0, 1] as the course makes them, and labels."""
    n = args.steps * args.batch_size + 50 * args.batch_size
    if getattr(args, "sweep", False):  # the largest batch of the sweep needs its warm-up and its steps too
        n = max(n, (50 + max(10, args.steps * 32 // 256)) * 256)
    root = args.data_dir or os.environ.get("SCRATCHNET_DATA_DIR")
    if root and not args.random:
        from scratchnet.datasets import fashion_mnist

        if fashion_mnist.available_locally(root):
            (x, y), _ = fashion_mnist.load_data(data_dir=root, download=False, verbose=0)
            reps = math.ceil(n / len(x))
            x, y = np.concatenate([x] * reps)[:n], np.concatenate([y] * reps)[:n]
            return "fashion-mnist", (x / 255.0).reshape(-1, *IMAGE_SHAPE), y
    rng = np.random.default_rng(args.seed)
    return "random", rng.random((n, *IMAGE_SHAPE)), rng.integers(0, 10, n)


def time_steps(x, y, batch_size: int, steps: int, seed: int) -> tuple[float, int | None]:
    """Seconds per training step over ``steps`` steps of fit (after a 50-step warm-up), and fit's BLAS threads."""
    import scratchnet as sn

    model = course_model(batch_size, seed)
    warm = 50 * batch_size
    model.fit(x[:warm], y[:warm], batch_size=batch_size, epochs=1, verbose=0)

    class Threads(sn.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            self.threads = sn.speed.blas.get_num_threads()

    probe = Threads()
    part = x[warm : warm + steps * batch_size], y[warm : warm + steps * batch_size]
    start = time.perf_counter()
    model.fit(*part, batch_size=batch_size, epochs=1, verbose=0, callbacks=[probe])
    return (time.perf_counter() - start) / steps, getattr(probe, "threads", None)


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
    """In a fresh process: peak RSS of training above the RSS just before it (inputs already in memory)."""
    import scratchnet as sn

    if args.readable:
        sn.speed.disabled().__enter__()  # for the rest of this process: the plain path
    _, x, y = data(args)
    model = course_model(args.batch_size, args.seed)
    model.fit(x[: 10 * args.batch_size], y[: 10 * args.batch_size], batch_size=args.batch_size, verbose=0)
    gc.collect()
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
    except OSError:
        print(json.dumps({"error": "no /proc/self/clear_refs"}))
        return
    before = _status_kb("VmRSS")
    model.fit(x, y, batch_size=args.batch_size, epochs=1, verbose=0)
    peak = _status_kb("VmHWM")
    # The largest amount of NumPy memory fit held at once (patch matrices, feature maps, gradients, Adam).
    import tracemalloc

    tracemalloc.start()
    model.fit(x, y, batch_size=args.batch_size, epochs=1, verbose=0)
    traced = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    print(
        json.dumps(
            {
                "inputs_mb": round(x.nbytes / 2**20, 1),
                "fit_rss_mb": round((peak - before) / 1024, 1),
                "fit_traced_mb": round(traced, 1),
            }
        )
    )


def measure_memory(args) -> dict:
    cmd = [sys.executable, __file__, "--memory-child", "--steps", str(args.steps), "--batch-size", str(args.batch_size)]
    cmd += (
        ["--seed", str(args.seed)] + (["--random"] if args.random else []) + (["--readable"] if args.readable else [])
    )
    if args.data_dir:
        cmd += ["--data-dir", str(args.data_dir)]
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        return {"error": (done.stderr.strip().splitlines() or ["failed"])[-1]}
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(args) -> None:
    import scratchnet as sn

    if args.readable:  # the plain path alone: what the tricks of scratchnet.speed buy
        sn.speed.disabled().__enter__()  # for the rest of this process
    label, x, y = data(args)
    flop = useful_flop_per_sample(course_model(args.batch_size, args.seed))
    peak_all = matmul_peak_gflops()
    with sn.speed.blas.threads_for(0):  # one thread, as fit picks for this model today
        peak_one = matmul_peak_gflops()
    runs = [time_steps(x, y, args.batch_size, args.steps, args.seed) for _ in range(args.repeats)]
    step_s = statistics.median(s for s, _ in runs)
    threads = runs[0][1]
    with sn.speed.blas.threads_for(0 if threads == 1 else 2**62):
        conv_rate = conv_matmul_gflops(args.batch_size)
    peak_fit = peak_one if threads == 1 else peak_all
    steps_per_epoch = math.ceil(EPOCH_SAMPLES / args.batch_size)
    gflops = flop * args.batch_size / step_s / 1e9
    result = {
        "benchmark": "train_speed_cnn",
        "data": label,
        "batch_size": args.batch_size,
        "steps_timed": args.steps,
        "repeats": args.repeats,
        "ms_per_step": round(step_s * 1e3, 2),
        "s_per_epoch": round(step_s * steps_per_epoch, 2),
        "gflop_per_sample": round(flop / 1e9, 5),
        "useful_gflop_per_s": round(gflops, 1),
        "matmul_peak_all_cores": round(peak_all, 1),
        "matmul_peak_one_core": round(peak_one, 1),
        "blas_threads_in_fit": threads,
        "fraction_of_fit_threads_peak": round(gflops / peak_fit, 3),
        "conv_matmul_gflop_per_s": round(conv_rate, 1),
        "conv_matmul_fraction_of_peak": round(conv_rate / peak_fit, 3),
        "fast_paths": sn.speed.enabled(),
        "load_average": os.getloadavg()[0] if hasattr(os, "getloadavg") else None,
    }
    if not args.no_memory:
        result["memory"] = measure_memory(args)
    rows = [
        ("model", "Conv2D(64,3x3) > MaxPool 2 > Conv2D(64,3x3) > MaxPool 2 > Dense(128) > Dense(10), Adam"),
        ("data", f"{label}, batch {args.batch_size}, {args.steps} steps timed × {args.repeats} runs (median)"),
        ("ms/step", f"{result['ms_per_step']:.2f}"),
        ("s/epoch (60,000)", f"{result['s_per_epoch']:.1f}   extrapolated from the timed steps"),
        ("useful GFLOP/s", f"{gflops:.1f}   ({flop / 1e6:.2f} MFLOP per example)"),
        ("matmul peak", f"{peak_all:.1f} GFLOP/s all cores, {peak_one:.1f} one core; fit used {threads} thread(s)"),
        ("% of peak (step)", f"{100 * gflops / peak_fit:.1f} % of the peak of fit's thread(s)"),
        ("conv matmuls", f"{conv_rate:.1f} GFLOP/s = {100 * conv_rate / peak_fit:.1f} % of that peak"),
    ]
    mem = result.get("memory")
    if mem:
        text = mem.get("error") or (
            f"+{mem['fit_rss_mb']} MB peak RSS, {mem['fit_traced_mb']} MB tracemalloc peak, "
            f"above {mem['inputs_mb']} MB of float64 inputs"
        )
        rows.append(("fit memory", text))
    width = max(len(k) for k, _ in rows)
    for key, value in rows:
        print(f"  {key.ljust(width)}  {value}")
    print(json.dumps(result))
    if args.sweep:
        print(f"\n  {'batch':>6}{'ms/step':>9}{'s/epoch':>9}{'GFLOP/s':>9}{'threads':>8}")
        for batch in (32, 64, 128, 256):
            steps = max(10, args.steps * 32 // batch)
            s, t = time_steps(x, y, batch, steps, args.seed)
            g = flop * batch / s / 1e9
            print(f"  {batch:>6}{s * 1e3:>9.1f}{s * math.ceil(EPOCH_SAMPLES / batch):>9.1f}{g:>9.1f}{t!s:>8}")
            point = {"benchmark": "train_speed_cnn_sweep", "batch_size": batch, "ms_per_step": round(s * 1e3, 2)}
            print(json.dumps({**point, "s_per_epoch": round(s * math.ceil(EPOCH_SAMPLES / batch), 2)}))


def parse_args(argv=None):
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir")
    parser.add_argument("--random", action="store_true")
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--steps", type=int, default=200)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--sweep", action="store_true")
    parser.add_argument("--readable", action="store_true")
    parser.add_argument("--no-memory", action="store_true")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--memory-child", action="store_true")
    return parser.parse_args(argv)


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    arguments = parse_args()
    if arguments.memory_child:
        memory_child(arguments)
    else:
        main(arguments)

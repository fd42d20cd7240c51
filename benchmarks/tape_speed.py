"""A GradientTape training loop against fit, on the exercise model, and what one recorded op costs.

The exercise model (Flatten(28×28) -> Dense(128, relu) -> Dense(10, softmax), Adam, batch 32) trained two ways on
the same data, from the same initial weights:

    fit        model.fit(x, y, batch_size=32): the hand-written, fused and flat-θ path
    tape       for xb, yb in batches:
                   with sn.GradientTape() as tape:
                       loss = loss_fn(yb, model(xb, training=True))
                   grads = tape.gradient(loss, model.trainable_variables)
                   optimizer.apply_gradients(zip(grads, model.trainable_variables))

The model call and the loss are one recorded op each (the layers' own backward, the fused softmax + cross-entropy),
so the loop does the same arithmetic as fit; what it adds is the recording, a per-call copy of the layers, and
Adam over four arrays instead of one flat θ. The target (issue 16) is a tape epoch within 1.5× of fit's.

The overhead per op is measured on small tensors (a (4,) Variable), where the NumPy work is negligible: a
``multiply`` recorded on a tape, the same multiply on tensors outside a tape, and NumPy's own ``a * b``.

Usage::

    python benchmarks/tape_speed.py --data-dir ../shared/data     # Fashion-MNIST's 60,000 training images
    python benchmarks/tape_speed.py --random                       # random data of the same shape
    python benchmarks/tape_speed.py --random --samples 12000       # a shorter run

Only NumPy is used: no other framework is imported anywhere.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from pathlib import Path

import numpy as np

import scratchnet as sn
from scratchnet import layers


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", help="folder holding fashion-mnist/ (the layout scratchnet.datasets uses)")
    parser.add_argument("--random", action="store_true", help="random data of Fashion-MNIST's shape")
    parser.add_argument("--samples", type=int, default=60000, help="training images per epoch")
    parser.add_argument("--epochs", type=int, default=2, help="epochs timed for each way (median reported)")
    parser.add_argument("--seed", type=int, default=0)
    return parser.parse_args(argv)


def get_data(args):
    if not args.random and args.data_dir:
        from scratchnet.datasets import fashion_mnist

        (x, y), _ = fashion_mnist.load_data(data_dir=Path(args.data_dir), download=False, verbose=0)
        return (x[: args.samples] / 255.0).astype(np.float32), y[: args.samples], "Fashion-MNIST"
    rng = np.random.default_rng(args.seed)
    x = rng.random((args.samples, 28, 28), dtype=np.float32)
    return x, rng.integers(0, 10, args.samples), "random"


def exercise_model(seed: int):
    model = sn.Sequential(
        [layers.Flatten(input_shape=(28, 28)), layers.Dense(128, activation="relu"), layers.Dense(10, "softmax")],
        seed=seed,
    )
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def time_fit(x, y, args) -> list[float]:
    model = exercise_model(args.seed)
    times = []
    for _ in range(args.epochs):
        start = time.perf_counter()
        model.fit(x, y, batch_size=32, epochs=1, verbose=0)
        times.append(time.perf_counter() - start)
    return times


def time_tape(x, y, args) -> list[float]:
    model = exercise_model(args.seed)
    optimizer = sn.optimizers.Adam()
    loss_fn = sn.losses.SparseCategoricalCrossentropy()
    rng = np.random.default_rng(args.seed)
    times = []
    for _ in range(args.epochs):
        start = time.perf_counter()
        order = rng.permutation(len(x))  # shuffled each epoch, as fit does
        for i in range(0, len(x), 32):
            idx = order[i : i + 32]
            xb, yb = x[idx], y[idx]
            with sn.GradientTape() as tape:
                loss = loss_fn(yb, model(xb, training=True))
            grads = tape.gradient(loss, model.trainable_variables)
            optimizer.apply_gradients(zip(grads, model.trainable_variables, strict=True))
        times.append(time.perf_counter() - start)
    return times


def per_op_microseconds(repeats: int = 20000) -> dict:
    w = sn.Variable(np.ones(4, dtype=np.float32))
    c = sn.constant(np.ones(4, dtype=np.float32))  # times 1: 20,000 products stay finite
    a, b = np.ones(4, dtype=np.float32), np.full(4, 2.0, dtype=np.float32)

    def timed(fn) -> float:
        start = time.perf_counter()
        fn()
        return (time.perf_counter() - start) / repeats * 1e6

    def numpy_only():
        for _ in range(repeats):
            a * b

    def tensors_no_tape():
        for _ in range(repeats):
            w * c

    def tensors_on_tape():
        with sn.GradientTape():
            for _ in range(repeats):
                w * c

    def backward_per_op():
        with sn.GradientTape() as tape:
            y = w
            for _ in range(repeats):
                y = y * c
        start = time.perf_counter()
        tape.gradient(y, w)
        return time.perf_counter() - start

    out = {
        "numpy a*b": timed(numpy_only),
        "tensor * (no tape)": timed(tensors_no_tape),
        "tensor * (recorded)": timed(tensors_on_tape),
    }
    out["backward, per recorded op"] = backward_per_op() / repeats * 1e6
    return out


def main(argv=None) -> None:
    args = parse_args(argv)
    x, y, source = get_data(args)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    fit_times = time_fit(x, y, args)
    tape_times = time_tape(x, y, args)
    fit_s, tape_s = statistics.median(fit_times), statistics.median(tape_times)
    ops = per_op_microseconds()
    result = {
        "data": source,
        "samples": len(x),
        "fit_s_per_epoch": round(fit_s, 3),
        "tape_s_per_epoch": round(tape_s, 3),
        "tape_over_fit": round(tape_s / fit_s, 2),
        "op_microseconds": {k: round(v, 2) for k, v in ops.items()},
        "load_average_at_start": round(load, 2),
        "load_average_at_end": round(os.getloadavg()[0], 2) if hasattr(os, "getloadavg") else None,
    }
    print(f"data: {source}, {len(x)} images per epoch, batch 32, {args.epochs} epochs each")
    print(f"fit          {fit_s:7.2f} s/epoch   (epochs: {', '.join(f'{t:.2f}' for t in fit_times)})")
    print(f"GradientTape {tape_s:7.2f} s/epoch   (epochs: {', '.join(f'{t:.2f}' for t in tape_times)})")
    print(f"tape / fit   {tape_s / fit_s:7.2f}x        (target: 1.5x or less)")
    for name, us in ops.items():
        print(f"  {name:28s} {us:7.2f} µs")
    print(f"load average: {result['load_average_at_start']} at start, {result['load_average_at_end']} at end")
    print(json.dumps(result))


if __name__ == "__main__":
    main()

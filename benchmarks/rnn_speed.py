"""How fast scratchnet trains the recurrent models of the TensorFlow course, and where the time goes.

Two models, as the labs build them (batch size 32, Adam):

    text        Embedding(10000, 16) -> Bidirectional(LSTM(32)) -> Dense(1, sigmoid), sequences of 120 word
                indices (DeepLearning.AI C3W3, IMDB / sarcasm), binary cross-entropy
    series      SimpleRNN(40, return_sequences=True) -> SimpleRNN(40) -> Dense(1), and the same with LSTM(32),
                windows of 20 steps of a synthetic series (C4W3), mean squared error

For each: seconds per epoch (the median of the timed epochs, on ``--samples`` examples, and that figure scaled to
the lab's data size: 25,000 reviews, 3,000 windows), and the share of the time spent in the loop over time: the
cells' steps (``_step`` and ``_step_backward`` of :mod:`scratchnet.layers.recurrent`, timed by wrapping them
here) and the whole recurrent layers' forward and backward. Random inputs of the right shapes: the speed of a
step does not depend on the values.

Usage::

    python benchmarks/rnn_speed.py                     # both models, 2 timed epochs each
    python benchmarks/rnn_speed.py --samples 1024 --epochs 3 --json

Run it on an idle machine (the load average is printed with the results). Only NumPy is used.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
import warnings
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import scratchnet as sn
from scratchnet.layers import recurrent

LAB_SIZES = {"text": 25_000, "series SimpleRNN": 3_000, "series LSTM": 3_000}


class Timers:
    """Accumulated seconds inside the wrapped methods of the recurrent layers."""

    def __init__(self):
        self.seconds = {"steps": 0.0, "layers": 0.0}
        self._depth = 0

    def wrap(self, cls, name, bucket):
        original = getattr(cls, name)
        timers = self

        def timed(self, *args, **kwargs):
            if bucket == "layers":
                timers._depth += 1
            start = time.perf_counter()
            try:
                return original(self, *args, **kwargs)
            finally:
                if bucket == "steps" or timers._depth == 1:  # Bidirectional calls two layers: count each once
                    timers.seconds[bucket] += time.perf_counter() - start
                if bucket == "layers":
                    timers._depth -= 1

        setattr(cls, name, timed)

    def reset(self):
        self.seconds = dict.fromkeys(self.seconds, 0.0)


def install_timers() -> Timers:
    timers = Timers()
    for cls in (recurrent.SimpleRNN, recurrent.LSTM, recurrent.GRU):
        timers.wrap(cls, "_step", "steps")
        timers.wrap(cls, "_step_backward", "steps")
    timers.wrap(recurrent._Recurrent, "forward", "layers")
    timers.wrap(recurrent._Recurrent, "backward", "layers")
    return timers


def text_model():
    model = sn.Sequential(
        [
            sn.layers.Embedding(10000, 16),
            sn.layers.Bidirectional(sn.layers.LSTM(32)),
            sn.layers.Dense(1, activation="sigmoid"),
        ],
        seed=0,
    )
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    return model


def series_model(cell):
    units = 40 if cell is sn.layers.SimpleRNN else 32
    model = sn.Sequential(
        [cell(units, return_sequences=True, input_shape=(20, 1)), cell(units), sn.layers.Dense(1)], seed=0
    )
    model.compile(optimizer="adam", loss="mse")
    return model


def data(kind: str, n: int, rng):
    if kind == "text":
        return rng.integers(1, 10000, size=(n, 120)), rng.integers(0, 2, size=n)
    return rng.normal(size=(n, 20, 1)).astype("float32"), rng.normal(size=(n, 1)).astype("float32")


def measure(name, model, x, y, epochs, timers):
    times = []

    class EpochTimer(sn.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            timers.reset()
            self.start = time.perf_counter()

        def on_epoch_end(self, epoch, logs=None):
            times.append((time.perf_counter() - self.start, dict(timers.seconds)))

    model.fit(x[:64], y[:64], epochs=1, batch_size=32, verbose=0)  # warm-up: first-call costs
    model.fit(x, y, epochs=epochs, batch_size=32, verbose=0, callbacks=[EpochTimer()])
    seconds = statistics.median(t for t, _ in times)
    last = times[-1]
    return {
        "model": name,
        "samples": len(x),
        "s_per_epoch": round(seconds, 3),
        "s_per_lab_epoch": round(seconds * LAB_SIZES[name] / len(x), 1),
        "lab_samples": LAB_SIZES[name],
        "share_in_cell_steps": round(last[1]["steps"] / last[0], 3),
        "share_in_recurrent_layers": round(last[1]["layers"] / last[0], 3),
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--samples", type=int, default=2048, help="examples per timed epoch (default 2048)")
    parser.add_argument("--epochs", type=int, default=2, help="timed epochs per model (default 2)")
    parser.add_argument("--json", action="store_true", help="print one JSON line per model")
    args = parser.parse_args(argv)

    rng = np.random.default_rng(0)
    timers = install_timers()
    warnings.simplefilter("ignore", sn.hints.TrainingHint)  # random labels: the hints would be right, and noise
    load = os.getloadavg() if hasattr(os, "getloadavg") else (float("nan"),) * 3
    print(f"{platform.machine()}, {os.cpu_count()} cores, NumPy {np.__version__}, load average {load[0]:.2f}")
    rows = []
    for name, make, kind in (
        ("text", text_model, "text"),
        ("series SimpleRNN", lambda: series_model(sn.layers.SimpleRNN), "series"),
        ("series LSTM", lambda: series_model(sn.layers.LSTM), "series"),
    ):
        x, y = data(kind, args.samples, rng)
        rows.append(measure(name, make(), x, y, args.epochs, timers))
    print(f"{'model':18s}{'s/epoch':>10s}{'(samples)':>10s}{'s/lab epoch':>13s}{'in steps':>10s}{'in RNN':>9s}")
    for r in rows:
        print(
            f"{r['model']:18s}{r['s_per_epoch']:>10.2f}{r['samples']:>10d}{r['s_per_lab_epoch']:>13.1f}"
            f"{r['share_in_cell_steps']:>10.0%}{r['share_in_recurrent_layers']:>9.0%}"
        )
        if args.json:
            print(json.dumps({**r, "load": load[0]}))
    print(f"load average after: {os.getloadavg()[0]:.2f}" if hasattr(os, "getloadavg") else "")
    return 0


if __name__ == "__main__":
    sys.exit(main())

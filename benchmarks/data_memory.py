"""How much memory a ``sn.data`` pipeline over Fashion-MNIST's 60,000 training images holds beyond the arrays.

The claim (scratchnet/data/pipeline.py): a pipeline holds the source arrays, one shuffle buffer of
``buffer_size`` elements and the batch being built, never a copy of the data. This measures it, two ways:

- the peak of NumPy's and Python's allocations while one epoch runs through the pipeline (tracemalloc: exact,
  counts every array the pipeline makes), against the budget of one buffer of element *views* plus one batch;
- the process's peak resident memory (ru_maxrss) before and after a whole ``fit`` epoch on the pipeline.

    python benchmarks/data_memory.py --data-dir ../shared/data     # a folder holding fashion-mnist/*.gz
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time
import tracemalloc

import scratchnet as sn
from scratchnet.datasets import fashion_mnist


def peak_rss_mb() -> float:
    """The process's peak resident memory since the last :func:`reset_peak` (Linux's VmHWM), else since it began."""
    try:
        with open("/proc/self/status") as f:
            return next(int(line.split()[1]) for line in f if line.startswith("VmHWM")) / 1024
    except (OSError, StopIteration):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


def rss_mb() -> float:
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith("VmRSS")) / 1024


def reset_peak() -> None:
    """Start the peak over from the current size (Linux: writing 5 to clear_refs), so the loading's temporaries
    (the decompressed files) do not hide what the pipeline adds."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
    except OSError:
        pass


def pipeline(x, y, buffer_size: int, batch_size: int):
    ds = sn.data.Dataset.from_tensor_slices((x, y)).shuffle(buffer_size, seed=0)
    return ds.map(lambda image, label: (sn.cast(image, "float32") / 255.0, label)).batch(batch_size).prefetch(1)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data-dir", default=os.environ.get("SCRATCHNET_DATA_DIR"))
    parser.add_argument("--buffer-size", type=int, default=10_000)
    parser.add_argument("--batch-size", type=int, default=32)
    args = parser.parse_args(argv)
    (x, y), _ = fashion_mnist.load_data(data_dir=args.data_dir, download=False, verbose=0)
    source_mb = (x.nbytes + y.nbytes) / 2**20
    print(f"source arrays: x {x.shape} {x.dtype} + y {y.shape}: {source_mb:.1f} MB")

    # 1. One pass through the pipeline, every allocation counted.
    ds = pipeline(x, y, args.buffer_size, args.batch_size)
    tracemalloc.start()
    start = time.perf_counter()
    batches = sum(1 for _ in ds)
    seconds = time.perf_counter() - start
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    view_bytes = sys.getsizeof(x[0]) + sys.getsizeof(y[0]) + 2 * 8 + 56  # two views, a tuple, its list slot
    batch_bytes = args.batch_size * (28 * 28 * 4 + 8)
    budget = args.buffer_size * view_bytes + 3 * batch_bytes  # the float batch, its uint8 source, its division
    print(
        f"one epoch, {batches} batches in {seconds:.2f} s: peak allocations {peak / 2**20:.2f} MB; budget of one "
        f"buffer of {args.buffer_size} element views ({args.buffer_size * view_bytes / 2**20:.2f} MB) and one batch "
        f"({batch_bytes / 2**20:.2f} MB): {budget / 2**20:.2f} MB; a copy of the data as float32 would be "
        f"{x.size * 4 / 2**20:.0f} MB"
    )

    # 2. A whole fit epoch on it, the process's peak resident memory.
    model = sn.Sequential(
        [
            sn.layers.Flatten(input_shape=(28, 28)),
            sn.layers.Dense(128, activation="relu"),
            sn.layers.Dense(10, activation="softmax"),
        ]
    )
    model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
    model.build((28, 28))
    rss_loaded = rss_mb()
    reset_peak()
    start = time.perf_counter()
    history = model.fit(ds, epochs=1, verbose=0)
    print(
        f"fit, 1 epoch on the pipeline in {time.perf_counter() - start:.1f} s (accuracy "
        f"{history.history['accuracy'][0]:.3f}): resident {rss_loaded:.1f} MB before (arrays, model, NumPy), peak "
        f"{peak_rss_mb():.1f} MB during: {peak_rss_mb() - rss_loaded:+.1f} MB for the pipeline, the batches, the "
        "gradients and Adam's moments"
    )


if __name__ == "__main__":
    main()

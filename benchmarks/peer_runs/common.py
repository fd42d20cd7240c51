"""What the three framework runs of ``benchmarks/peers.py`` share: the models' settings, the data, the clocks.

Each run imports this module from its own venv (scratchnet's, Keras's or PyTorch's), so it needs NumPy only. The
data are read here, the same way for all three, and each run reports a checksum of what it trained on: the driver
refuses to compare runs whose data differ.
"""

from __future__ import annotations

import argparse
import ctypes
import gzip
import json
import os
import platform
import sys
import time
import zlib
from pathlib import Path

import numpy as np
from specs import ADAM, MODELS, RMSPROP, SEQ_LEN, TEXT_TEST, VOCAB  # noqa: F401 (used by the runs)

_FASHION_FILES = {
    "x_train": "train-images-idx3-ubyte",
    "y_train": "train-labels-idx1-ubyte",
    "x_test": "t10k-images-idx3-ubyte",
    "y_test": "t10k-labels-idx1-ubyte",
}


def parse_args(framework: str) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=f"One {framework} run of benchmarks/peers.py (started by it).")
    p.add_argument("--model", required=True, choices=sorted(MODELS))
    p.add_argument("--data-dir", required=True, help="folder holding fashion-mnist/ (or the four IDX files)")
    p.add_argument("--epochs", type=int, default=3)
    p.add_argument("--n-train", type=int, default=None, help="fewer training examples (a quick check)")
    p.add_argument("--out", required=True, help="JSON file to write the result to")
    return p.parse_args()


# ------------------------------------------------------------------------------------------------------ the data


def read_idx_gz(path: Path) -> np.ndarray:
    """An IDX file (gzip-compressed or raw) as a uint8 array: magic 0 0 8 ndim, big-endian uint32 dims, bytes."""
    raw = path.read_bytes()
    if raw[:2] == b"\x1f\x8b":
        raw = gzip.decompress(raw)
    if raw[:3] != b"\x00\x00\x08":
        raise ValueError(f"peers: {path} is not an IDX file of unsigned bytes (header {raw[:4]!r}).")
    ndim = raw[3]
    dims = [int.from_bytes(raw[4 + 4 * i : 8 + 4 * i], "big") for i in range(ndim)]
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def _find_fashion(data_dir: str, name: str) -> Path:
    root = Path(data_dir).expanduser()
    for folder in (root / "fashion-mnist", root / "fashion_mnist", root):
        for candidate in (folder / (name + ".gz"), folder / name):
            if candidate.is_file():
                return candidate
    raise SystemExit(
        f"peers: no {name}(.gz) in {root}/fashion-mnist, {root}/fashion_mnist or {root}. "
        "Pass --data-dir pointing at the folder that holds fashion-mnist/."
    )


def fashion(data_dir: str, n_train: int):
    """Fashion-MNIST as float32 in [0, 1] (N, 28, 28) and int64 labels: the first n_train training images."""
    arrays = {key: read_idx_gz(_find_fashion(data_dir, name)) for key, name in _FASHION_FILES.items()}
    # One division straight into float32: the float64 x / 255.0 of the course would be converted by every
    # framework anyway, and would double the arrays that the memory column subtracts.
    x_train = np.divide(arrays["x_train"][:n_train], np.float32(255), dtype=np.float32)
    x_test = np.divide(arrays["x_test"], np.float32(255), dtype=np.float32)
    y_train = arrays["y_train"][:n_train].astype(np.int64)
    y_test = arrays["y_test"].astype(np.int64)
    return x_train, y_train, x_test, y_test


def text(n_train: int):
    """Synthetic token sequences, the same on every machine and framework (seeded NumPy generator).

    Tokens 3..22 speak for class 0, 23..42 for class 1, the rest (43..VOCAB-1) are noise. Each sequence of SEQ_LEN
    noise tokens gets 7 signal tokens at random places, each from a drawn class with probability 0.75 and from the
    other one otherwise; the label is the class of the majority of its 7 signal tokens. Learnable exactly, but only
    by reading the whole sequence.
    """
    rng = np.random.default_rng(20)
    n, k = n_train + TEXT_TEST, 7
    drawn = rng.integers(0, 2, size=n)
    x = rng.integers(43, VOCAB, size=(n, SEQ_LEN))
    side = np.where(rng.random((n, k)) < 0.75, drawn[:, None], 1 - drawn[:, None])
    words = 3 + 20 * side + rng.integers(0, 20, size=(n, k))
    positions = np.argsort(rng.random((n, SEQ_LEN)), axis=1)[:, :k]
    np.put_along_axis(x, positions, words, axis=1)
    y = (side.sum(axis=1) > k // 2).astype(np.int64)
    x = x.astype(np.int32)
    return x[:n_train], y[:n_train], x[n_train:], y[n_train:]


def load(model: str, data_dir: str, n_train: int | None):
    spec = MODELS[model]
    n = n_train or spec["n_train"]
    return fashion(data_dir, n) if spec["data"] == "fashion" else text(n)


def checksum(*arrays: np.ndarray) -> str:
    crc = 0
    for a in arrays:
        crc = zlib.crc32(np.ascontiguousarray(a).view(np.uint8).reshape(-1).data, crc)
    return f"{crc:08x}"


# ---------------------------------------------------------------------------------------------- memory, clocks


def _status_kb(field: str) -> int | None:
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def rss_mb() -> float | None:
    kb = _status_kb("VmRSS")
    return None if kb is None else kb / 1024


def peak_mb() -> float | None:
    kb = _status_kb("VmHWM")
    return None if kb is None else kb / 1024


def reset_peak() -> bool:
    """Return freed heap to the system and restart the peak-RSS counter (Linux: 5 > /proc/self/clear_refs)."""
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except OSError:
        pass
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


def loadavg() -> str:
    try:
        with open("/proc/loadavg") as f:
            return " ".join(f.read().split()[:3])
    except OSError:
        return "?"


def blas_libraries() -> list[dict]:
    """What threadpoolctl sees loaded in this process: library, version, threads, kernel (architecture)."""
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return [{"note": "threadpoolctl not installed"}]
    keep = ("internal_api", "version", "num_threads", "architecture", "threading_layer", "filepath")
    out = []
    for lib in threadpool_info():
        row = {k: lib.get(k) for k in keep if lib.get(k) is not None}
        row["filepath"] = os.path.basename(row.get("filepath", ""))
        out.append(row)
    return out


class Result:
    """The JSON a run writes: what it trained, how fast, how well, in how much memory, with what."""

    def __init__(self, framework: str, args: argparse.Namespace) -> None:
        self.args = args
        self.data = {
            "framework": framework,
            "model": args.model,
            "epochs_requested": args.epochs,
            "python": platform.python_version(),
            "load_start": loadavg(),
            "environment": {
                k: os.environ[k]
                for k in (
                    "OPENBLAS_CORETYPE",
                    "OPENBLAS_L2_SIZE",
                    "OPENBLAS_NUM_THREADS",
                    "OMP_NUM_THREADS",
                    "MKL_NUM_THREADS",
                    "TF_ENABLE_ONEDNN_OPTS",
                )
                if k in os.environ
            },
            "cpu_count": os.cpu_count(),
        }
        self._rss_before_fit = None
        self._peak_before_fit = None

    def data_loaded(self, x_train, y_train, x_test, y_test) -> None:
        arrays = (x_train, y_train, x_test, y_test)
        self.data["n_train"] = len(x_train)
        self.data["n_test"] = len(x_test)
        self.data["arrays_mb"] = sum(a.nbytes for a in arrays) / 2**20
        self.data["train_arrays_mb"] = (x_train.nbytes + y_train.nbytes) / 2**20
        self.data["checksum"] = checksum(*arrays)

    def before_fit(self) -> None:
        """Call right before training: the process peak so far, then a fresh peak counter for the training."""
        self._peak_before_fit = peak_mb()
        self.data["peak_reset"] = reset_peak()
        self._rss_before_fit = rss_mb()
        self.data["rss_before_fit_mb"] = self._rss_before_fit

    def after_fit(self, epoch_times: list[float]) -> None:
        peak = peak_mb()
        self.data["epoch_times"] = epoch_times
        self.data["best_epoch_s"] = min(epoch_times)
        if peak is not None and self._rss_before_fit is not None:
            self.data["fit_peak_mb"] = peak
            self.data["fit_added_mb"] = peak - self._rss_before_fit if self.data["peak_reset"] else None
            self.data["process_peak_mb"] = max(peak, self._peak_before_fit or 0)

    def finish(self, test_accuracy: float, **extra) -> None:
        self.data["test_accuracy"] = float(test_accuracy)
        self.data["load_end"] = loadavg()
        self.data.update(extra)
        self.data.setdefault("blas", blas_libraries())
        Path(self.args.out).write_text(json.dumps(self.data, indent=1))

    def skip(self, reason: str) -> None:
        self.data["skipped"] = reason
        Path(self.args.out).write_text(json.dumps(self.data, indent=1))
        print(f"skipped: {reason}", file=sys.stderr)


def batches(n: int, batch: int, rng: np.random.Generator):
    """A fresh shuffle each epoch, then consecutive slices of it (the last batch may be smaller)."""
    order = rng.permutation(n)
    for start in range(0, n, batch):
        yield order[start : start + batch]


class Clock:
    """Wall time of each epoch: start() at the beginning, stop() at the end."""

    def __init__(self) -> None:
        self.times: list[float] = []
        self._t0 = 0.0

    def start(self) -> None:
        self._t0 = time.perf_counter()

    def stop(self) -> None:
        self.times.append(time.perf_counter() - self._t0)

"""BLAS threads: the small matmuls of a training step run on one thread, and no matmul on more threads than there
are idle cores.

NumPy hands every matmul to a BLAS library (OpenBLAS, in the pip wheels), which by default splits each one across
all cores. That pays for big matmuls, but a training step of a small model is a string of small ones, e.g.
(32, 784) @ (784, 128): the threads have to meet three times a step, and whenever another program keeps one core
busy, every matmul waits for the thread that cannot run. Measured with ``benchmarks/train_speed.py --threads N``
on a 2-core machine (784 -> 128 relu -> 10 softmax, Adam, seconds per epoch of 60,000 images):

                                   batch 32              batch 256
                                1 thread  2 threads   1 thread  2 threads
    machine otherwise idle        0.75    0.73-1.44     0.37      0.27
    one other busy program        0.75    1.9-2.4       0.39      0.96-1.10

At batch 32 a second thread gains a few percent at best, and on a machine doing anything else it costs 2-3x.
So while ``fit``, ``evaluate`` and ``predict`` run, scratchnet asks OpenBLAS for one thread when the largest matmul
of a batch is small, and puts the previous setting back when they return. "Small" is below :data:`SMALL_MATMUL`
multiply-adds, batch size × the largest layer's multiply-adds per example (``Model.multiply_adds_per_batch``;
Dense: in × out, Conv2D: Ho·Wo × kh·kw·C × F): 32 × 100,480 = 3.2 million for the exercise model, 32 × 2.36
million = 75 million for the course CNN's second convolution. Bigger batches keep every thread, as they gain more
when the machine is idle — but only as many as there are idle cores (:func:`idle_cores`, from the 1-minute load
average): on a machine shared with busy programs a second thread is a loss for every model. Measured on the
shared 2-core machine while about 8 other programs kept its load average at 8-10 (ms per training step, best of
4 runs, processes one after the other; "+ busy loop" adds ``python -c 'while 1: pass'``):

                                           1 thread   2 threads   + busy loop: 1 thread   2 threads
    exercise MLP (784-128-10, batch 32)     0.9-2.6    31-38                   2.1          63
    DLwP MLP (784-512-10, batch 128)        6.6-19     24-142                  24          143
    course CNN (two Conv2D 64, batch 32)     48-122    314                     140          971

On an idle 2-core machine the CNN gains from the second thread (the issue's figures: 10.0 s an epoch of 12,000
images on one thread, 7.0 s on two); with the other core taken, two threads cost 2.6-7x.

It leaves the threads alone when:

- you chose them yourself: ``OPENBLAS_NUM_THREADS``, ``OMP_NUM_THREADS`` or ``MKL_NUM_THREADS`` is set;
- the speed tricks are switched off (``with scratchnet.speed.disabled():``), this one with the rest;
- NumPy uses another BLAS (MKL, Apple's Accelerate), whose threads are left as they are.
"""

from __future__ import annotations

import contextlib
import ctypes
import glob
import os
import sys
from collections.abc import Iterator

import numpy as np

from scratchnet.speed.switch import enabled

__all__ = ["SMALL_MATMUL", "blas_threads", "get_num_threads", "idle_cores", "threads_for"]

#: Multiply-adds per batch below which one thread is used (16.8 million): for the exercise model, batch 128
#: (12.9 million) is below, batch 256 (25.7 million) above.
SMALL_MATMUL = 2**24

_THREAD_VARIABLES = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")
_UNSET = object()
_openblas_functions = _UNSET


def _loaded_openblas_paths() -> list[str]:
    """Files of the OpenBLAS NumPy has loaded: the copy bundled in its wheel, else one the process mapped."""
    numpy_dir = os.path.dirname(np.__file__)
    paths = sorted(glob.glob(os.path.join(numpy_dir, os.pardir, "numpy.libs", "*openblas*")))
    paths += sorted(glob.glob(os.path.join(numpy_dir, ".dylibs", "*openblas*")))
    if not paths and sys.platform.startswith("linux"):
        try:
            with open("/proc/self/maps") as maps:
                paths = sorted({line.split()[-1] for line in maps if "openblas" in line.rsplit("/", 1)[-1]})
        except OSError:
            pass
    return paths


def _openblas():
    """``(set_num_threads, get_num_threads)`` of NumPy's OpenBLAS, or None (looked up once)."""
    global _openblas_functions
    if _openblas_functions is _UNSET:
        _openblas_functions = None
        for path in _loaded_openblas_paths():
            try:
                lib = ctypes.CDLL(path)  # already loaded by NumPy: this only finds it, it loads nothing new
            except OSError:
                continue
            # The names differ between builds: NumPy's wheels prefix "scipy_" and add "64_" for 64-bit ints.
            for prefix in ("scipy_openblas", "openblas"):
                for suffix in ("64_", ""):
                    setter = getattr(lib, f"{prefix}_set_num_threads{suffix}", None)
                    getter = getattr(lib, f"{prefix}_get_num_threads{suffix}", None)
                    if setter is not None and getter is not None:
                        setter.argtypes, setter.restype, getter.restype = [ctypes.c_int], None, ctypes.c_int
                        _openblas_functions = (setter, getter)
                        return _openblas_functions
    return _openblas_functions


def get_num_threads() -> int | None:
    """How many threads NumPy's OpenBLAS uses now, or None when it cannot be asked."""
    functions = _openblas()
    return None if functions is None else functions[1]()


def idle_cores() -> int:
    """Cores no other program is using, as the 1-minute load average tells: at least 1.

    The load average counts this process too: a training loop that has been running keeps it near 1 by itself
    (measured: 1.4-1.6 during benchmarks/peers.py on an otherwise idle 2-core machine, which read as "one core
    busy" and halved the threads of every big model). So one runnable process, this one, is taken off before the
    rest counts as other programs' work. Where the load average cannot be read (Windows), every core the process
    may run on counts as idle.
    """
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:
        cores = os.cpu_count() or 1
    try:
        load = os.getloadavg()[0]
    except (AttributeError, OSError):
        return cores
    others = max(0.0, load - 1.0)  # this process itself is one of the runnable ones
    return max(1, min(cores, round(cores - others)))


@contextlib.contextmanager
def threads_for(multiply_adds: int) -> Iterator[None]:
    """Run the ``with`` block on one BLAS thread when its matmuls are small, and on no more threads than there
    are idle cores otherwise (see the module's docstring).

    Args:
        multiply_adds: the multiply-adds of the largest matmul the block repeats, e.g. batch size × in × out.
    """
    functions = None
    if not any(os.environ.get(name) for name in _THREAD_VARIABLES):
        functions = _openblas()
    if functions is None:
        yield
        return
    set_threads, get_threads = functions
    previous = get_threads()
    wanted = 1 if multiply_adds < SMALL_MATMUL else min(previous, idle_cores())
    if wanted >= previous:
        yield
        return
    set_threads(wanted)
    try:
        yield
    finally:
        set_threads(previous)


def blas_threads(multiply_adds: int):
    """A context in which the small matmuls of ``fit``/``evaluate``/``predict`` run on one BLAS thread.

    What it buys: with another program keeping one of the two cores busy, 2.6 -> 0.84 s an epoch (two threads
    make every small matmul wait for the thread that cannot run); on an idle machine, within a few percent of
    two threads. On a loaded machine the course CNN: 971 -> 140 ms a step. The rule and its opt-outs are in
    this module's docstring.

    Args:
        multiply_adds: multiply-adds of the largest matmul of one batch.
    """
    if not enabled():
        return contextlib.nullcontext()
    return threads_for(multiply_adds)

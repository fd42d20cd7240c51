"""The speed tricks, all in one room, behind one switch.

``layers.py``, ``optimizers.py``, ``losses.py`` and ``metrics.py`` are written the way a textbook writes them:
each layer keeps its parameters in its own arrays, a backward computes ``dW = x.T @ dz`` as a new array, Adam is
the paper's three lines. Where a faster form of the *same* arithmetic exists, the plain code asks this module
(``if speed.enabled(): ...``) and the faster form lives here, with what it buys. Every number quoted below was
measured with ``benchmarks/train_speed.py`` on this project's 2-core machine (the exercise model: 784 -> 128 relu
-> 10 softmax, Adam, batch 32, Fashion-MNIST); ``benchmarks/README.md`` keeps the ledger.

    scratchnet.speed.enabled()            # True unless switched off
    with scratchnet.speed.disabled():     # the plain textbook path, every trick off
        model.fit(x, y)

Both paths compute the same numbers (the tests train the same seeded model both ways and compare the weights to
1e-10); they differ only in how many arrays are allocated, copied and touched per step. The tricks:

1. :class:`FlatParameters` — all parameters in one vector θ, all gradients in one vector dθ.
2. :func:`dense_backward_into` — Dense's gradients written into dθ with ``out=``, no new arrays.
3. :func:`adam_update` — Adam in place with one reused scratch vector.
4. :func:`flush_denormals` — optimizer state stuck among denormal numbers is set to 0.
5. :func:`blas_threads` — small matmuls on one BLAS thread.
6. :func:`mean` — a batch mean as ``sum / N`` instead of ``ndarray.mean()``.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import numpy as np

from scratchnet import blas

__all__ = [
    "FLUSH_DENORMALS_EVERY",
    "FlatParameters",
    "adam_update",
    "blas_threads",
    "dense_backward_into",
    "disabled",
    "enabled",
    "flat_parameters",
    "flush_denormals",
    "mean",
    "separate_parameters",
]

_enabled = True


def enabled() -> bool:
    """Whether the speed tricks are on (they are, unless inside ``with speed.disabled():``)."""
    return _enabled


@contextlib.contextmanager
def disabled() -> Iterator[None]:
    """Run the ``with`` block on the plain textbook path: no trick of this module is used inside it.

    >>> import scratchnet as sn
    >>> with sn.speed.disabled():
    ...     sn.speed.enabled()
    False
    >>> sn.speed.enabled()
    True
    """
    global _enabled
    previous, _enabled = _enabled, False
    try:
        yield
    finally:
        _enabled = previous


# --------------------------------------------------------------------------------------------------------------
# 1. One flat vector θ for all parameters, one dθ for all gradients
# --------------------------------------------------------------------------------------------------------------


class FlatParameters:
    """Every parameter of a model moved into one flat vector θ, every gradient into one vector dθ.

    Each layer's ``params[key]`` and ``grads[key]`` become views into θ and dθ, so the layers read and write
    exactly as before, while the optimizer sees a single array: Adam is a dozen whole-model vector operations a
    step instead of a dozen per array (4 arrays for the exercise model; each NumPy call costs 1-4 µs at batch 32,
    so per-array updates would add ~100 µs to a ~400 µs step).

    Args:
        slots: ``(layer, key)`` of every parameter, in Keras order (``model.parameter_slots()``).
        dtype: the model's dtype.
    """

    def __init__(self, slots: list, dtype):
        self.slots = list(slots)
        self.dtype = np.dtype(dtype)
        total = sum(layer.params[key].size for layer, key in self.slots)
        self.theta = np.empty(total, dtype=self.dtype)
        self.dtheta = np.zeros(total, dtype=self.dtype)
        self.views = []
        offset = 0
        for layer, key in self.slots:
            value = layer.params[key]
            p = self.theta[offset : offset + value.size].reshape(value.shape)
            g = self.dtheta[offset : offset + value.size].reshape(value.shape)
            p[...] = value
            grad = layer.grads.get(key)
            g[...] = 0 if grad is None else grad  # a repack between backward and the update keeps the gradients
            layer.params[key], layer.grads[key] = p, g
            self.views.append((p, g))
            offset += value.size

    def fits(self, slots: list, dtype) -> bool:
        """Whether θ still holds exactly these parameters (no layer added, rebuilt, or moved to another model)."""
        return (
            np.dtype(dtype) == self.dtype
            and len(slots) == len(self.slots)
            and all(
                layer is own and key == own_key and layer.params[key] is p
                for (layer, key), (own, own_key), (p, _) in zip(slots, self.slots, self.views, strict=True)
            )
        )

    def sync_gradients(self) -> None:
        """Copy back a gradient that a layer assigned as a new array (a hand-written layer may) instead of
        writing it into its view of dθ."""
        for (layer, key), (_, g) in zip(self.slots, self.views, strict=True):
            if layer.grads[key] is not g:
                g[...] = layer.grads[key]
                layer.grads[key] = g


def flat_parameters(model) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """``([θ], [dθ])`` for ``model``'s optimizer, packing (or repacking) the model's parameters when needed."""
    slots = model.parameter_slots()
    flat = model.__dict__.get("_flat")
    if flat is None or not flat.fits(slots, model.dtype):
        flat = model._flat = FlatParameters(slots, model.dtype)
    else:
        flat.sync_gradients()
    return [flat.theta], [flat.dtheta]


def separate_parameters(model) -> None:
    """Undo :class:`FlatParameters`: give every layer its own parameter and gradient arrays again."""
    if model.__dict__.pop("_flat", None) is None:
        return
    for layer, key in model.parameter_slots():
        layer.params[key] = layer.params[key].copy()
        layer.grads[key] = layer.grads[key].copy()


# --------------------------------------------------------------------------------------------------------------
# 2. Dense's backward writing into dθ
# --------------------------------------------------------------------------------------------------------------


def dense_backward_into(layer, dz: np.ndarray) -> np.ndarray | None:
    """``Dense.backward_linear`` with ``out=``: the same three lines, the results written into ``layer.grads``.

    ``dW = x.T @ dz`` as written allocates a new (D, M) array and leaves the model to copy it into dθ; with
    ``out=`` the matmul writes straight into the gradient array that already is a view of dθ (for the exercise
    model's first layer that is 100,352 floats not allocated and not copied, every step).
    """
    grads = layer.grads
    if grads["W"].shape == layer.params["W"].shape and grads["W"].flags.writeable:
        np.matmul(layer.x.T, dz, out=grads["W"])
    else:
        grads["W"] = layer.x.T @ dz
    if layer.use_bias:
        if grads["b"].shape == layer.params["b"].shape:
            np.sum(dz, axis=0, out=grads["b"])
        else:
            grads["b"] = dz.sum(axis=0)
    if not layer.needs_input_grad:
        return None
    return dz @ layer.params["W"].T


# --------------------------------------------------------------------------------------------------------------
# 3. Adam in place
# --------------------------------------------------------------------------------------------------------------

# One scratch vector per (shape, dtype), reused by every update: updates run one at a time.
_scratch: dict[tuple, np.ndarray] = {}


def adam_update(param, grad, m, v, lr_t: float, beta_1: float, beta_2: float, epsilon: float) -> None:
    """Adam's update of one array, in place, allocating nothing: the same arithmetic as ``Adam.update_step``.

    The textbook lines allocate a temporary for every operator (``beta_1 * m``, ``(1 - beta_1) * g``, their sum,
    ``g * g``, ...): about ten (101,770,)-float arrays a step for the exercise model. Here m and v are updated in
    place and every intermediate goes through one scratch vector, 12 whole-vector passes in all.
    """
    key = (param.shape, param.dtype)
    tmp = _scratch.get(key)
    if tmp is None:
        tmp = _scratch[key] = np.empty_like(param)
    # m = beta_1 * m + (1 - beta_1) * g       as  m += (1 - beta_1) * (g - m)
    np.subtract(grad, m, out=tmp)
    tmp *= 1 - beta_1
    m += tmp
    # v = beta_2 * v + (1 - beta_2) * g * g   as  v += (1 - beta_2) * (g * g - v)
    np.multiply(grad, grad, out=tmp)
    tmp -= v
    tmp *= 1 - beta_2
    v += tmp
    # p = p - lr_t * m / (sqrt(v) + epsilon)
    np.sqrt(v, out=tmp)
    tmp += epsilon
    np.divide(m, tmp, out=tmp)
    tmp *= lr_t
    param -= tmp


# --------------------------------------------------------------------------------------------------------------
# 4. Denormal optimizer state flushed to 0
# --------------------------------------------------------------------------------------------------------------

#: Every this many updates, optimizer state that has decayed into the denormal range is set to 0.
FLUSH_DENORMALS_EVERY = 64


def flush_denormals(optimizer) -> None:
    """Every :data:`FLUSH_DENORMALS_EVERY` steps, set state values below the dtype's smallest normal number to 0.

    What it buys: 423 -> 410 µs a step on real Fashion-MNIST (-3 %). State that decays every step but is rarely
    refreshed sinks into the *denormal* range and stays there: the border pixels of MNIST-like images are almost
    always 0, so the gradients of their weights are too, and Adam's ``m = beta_1 * m`` shrinks those moments by
    10 % a step until they reach the smallest float32 denormal, 1.4e-45, where they stick (0.9 * 1.4e-45 rounds
    back to 1.4e-45). Arithmetic on denormals is many times slower on common CPUs: after one epoch about 7 % of
    the first moments are denormal and Adam's update takes about 12 % longer. In exact arithmetic those values
    would be 0 by now, and their effect on a parameter is below 1e-38, so flushing changes nothing but the time.
    (TensorFlow's CPU kernels flush denormals to zero for the same reason.)
    """
    if optimizer.iterations % FLUSH_DENORMALS_EVERY:
        return
    for state in optimizer.state_arrays():
        state[np.abs(state) < np.finfo(state.dtype).tiny] = 0


# --------------------------------------------------------------------------------------------------------------
# 5. Small matmuls on one BLAS thread
# --------------------------------------------------------------------------------------------------------------


def blas_threads(multiply_adds: int):
    """A context in which the small matmuls of ``fit``/``evaluate``/``predict`` run on one BLAS thread.

    What it buys: with another program keeping one of the two cores busy, 2.6 -> 0.84 s an epoch (two threads
    make every small matmul wait for the thread that cannot run); on an idle machine, within a few percent of
    two threads. The rule and its opt-outs are in :mod:`scratchnet.blas`.

    Args:
        multiply_adds: multiply-adds of the largest matmul of one batch.
    """
    if not _enabled:
        return contextlib.nullcontext()
    return blas.threads_for(multiply_adds)


# --------------------------------------------------------------------------------------------------------------
# 6. Batch means as sum / N
# --------------------------------------------------------------------------------------------------------------


def mean(a: np.ndarray) -> float:
    """The mean of ``a`` as a Python float: ``float(a.sum()) / a.size`` when on, ``float(a.mean())`` when off.

    What it buys: 424 -> 408 µs a step (-4 %). ``ndarray.mean()`` is a Python-level wrapper around the sum that
    costs ~4 µs a call, and ``fit`` takes the loss and each metric's mean on every step. Same number either way
    (to rounding).
    """
    if _enabled:
        return float(a.sum()) / max(a.size, 1)
    return float(a.mean()) if a.size else 0.0

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
7. :func:`im2col_rows` — Conv2D's patch matrix copied into a buffer reused between batches.
8. :func:`max_pool_forward`, :func:`max_pool_backward` — max pooling by window offsets, no copy of the windows.

For the convolution tricks, measured on the course model (Conv2D(64, 3x3) -> MaxPool -> Conv2D(64, 3x3) ->
MaxPool -> Dense(128) -> Dense(10), Adam, batch 32, float32, one BLAS thread) with
``python benchmarks/train_speed.py --model cnn --steps 150 --data-dir ../shared/data`` (``--readable`` for the
plain path), on the shared 2-core machine (±20 % between runs):

    ms per training step                                       plain    with the trick
    max pooling by window offsets                              26-28    15-17    (most of the gain)
    im2col into a reused buffer, per call                      0.165    0.127 ms (second conv's patches)
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

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
    "im2col_rows",
    "max_pool_backward",
    "max_pool_forward",
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
    step instead of a dozen per array (4 arrays for the exercise model, and each NumPy call costs 1-4 µs at
    batch 32). What it buys, with tricks 2 and 3 that work on the views it makes (measured together, side by side
    in one process, exercise model, batch 32, one BLAS thread): 290 -> 243 µs a training step.

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

    def refresh(self) -> bool:
        """Check that θ still holds the layers' parameters; copy back gradients assigned as new arrays.

        Returns False when a layer's parameter is no longer its view of θ (the layer was rebuilt, or moved into
        another model, which packed it into *its* θ): then θ must be packed again. A gradient that a hand-written
        layer assigned as a new array, instead of writing it into its view of dθ, is copied into dθ.
        """
        for (layer, key), (p, g) in zip(self.slots, self.views, strict=True):
            if layer.params[key] is not p:
                return False
            grad = layer.grads[key]
            if grad is not g:
                if np.shape(grad) != g.shape:
                    raise ValueError(
                        f"Layer '{layer.name}' set grads[{key!r}] to shape {np.shape(grad)}, but params[{key!r}] has "
                        f"shape {g.shape}: a gradient has the shape of its parameter. Check its backward (a sum "
                        "with keepdims=True, or a missing .sum(axis=0)?)."
                    )
                g[...] = grad
                layer.grads[key] = g
        return True

    def __deepcopy__(self, memo):
        # A deep copy of the views would no longer be views of the copied θ: the copy of a model packs anew.
        return None


def flat_parameters(model) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """``([θ], [dθ])`` for ``model``'s optimizer, packing (or repacking) the model's parameters when needed."""
    flat = model.__dict__.get("_flat")
    if flat is None or flat.structure != model.structure_version or flat.dtype != model.dtype or not flat.refresh():
        flat = model._flat = FlatParameters(model.parameter_slots(), model.dtype)
        flat.structure = model.structure_version
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
            np.add.reduce(dz, axis=0, out=grads["b"])  # dz.sum(axis=0), without np.sum's Python wrapper
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


# --------------------------------------------------------------------------------------------------------------
# 7. Conv2D's patches in a reused buffer, 8. max pooling by window offsets
# --------------------------------------------------------------------------------------------------------------


def im2col_rows(owner, xp: np.ndarray, window: tuple[int, int], strides: tuple[int, int]) -> np.ndarray:
    """The patch rows ``(N*Ho*Wo, kh*kw*C)`` of the readable ``im2col(...).transpose(...).reshape(...)``,
    copied into a buffer kept on ``owner`` and reused from one batch to the next.

    What it buys: the readable reshape allocates a fresh patch matrix every step (8.9 MB for the course's
    second convolution at batch 32); this writes into one buffer instead. Measured: 0.165 -> 0.127 ms per call,
    since malloc mostly hands the freed matrix straight back. The buffer is as large as the largest batch seen;
    a smaller batch (the last one of an epoch) uses its first rows, so it never grows with the dataset.
    """
    sh, sw = strides
    windows = sliding_window_view(xp, window, axis=(1, 2))[:, ::sh, ::sw].transpose(0, 1, 2, 4, 5, 3)  # a view
    n, ho, wo, kh, kw, c = windows.shape
    rows, width = n * ho * wo, kh * kw * c
    buffer = getattr(owner, "_cols_buffer", None)
    if buffer is None or buffer.dtype != xp.dtype or buffer.shape[1] != width or buffer.shape[0] < rows:
        buffer = owner._cols_buffer = np.empty((rows, width), dtype=xp.dtype)
    cols = buffer[:rows]
    np.copyto(cols.reshape(windows.shape), windows)
    return cols


def max_pool_forward(xp: np.ndarray, pool: tuple[int, int], strides: tuple[int, int]) -> np.ndarray:
    """Max pooling as ``np.maximum`` over the ph*pw offsets of a window: the readable path's y.

    What it buys: the readable path copies every window into an (N, Ho, Wo, C, ph*pw) array and runs argmax
    along its short last axis, which NumPy does row by row; here each offset is one elementwise maximum over
    a strided view of the input, with no copy of the windows. The winners are found in the backward
    (:func:`max_pool_backward`), from ``xp`` and ``y``. Measured for the course's first pooling,
    (32, 26, 26, 64) float32: 0.2 ms instead of about 4 ms (argmax) + 2 ms (take_along_axis).
    """
    ph, pw = pool
    sh, sw = strides
    _, hp, wp, _ = xp.shape
    ho, wo = (hp - ph) // sh + 1, (wp - pw) // sw + 1
    y = xp[:, 0 : sh * ho : sh, 0 : sw * wo : sw, :].copy()
    for a in range(ph):
        for b in range(pw):
            np.maximum(y, xp[:, a : a + sh * ho : sh, b : b + sw * wo : sw, :], out=y)
    return y


def max_pool_backward(dy: np.ndarray, xp: np.ndarray, y: np.ndarray, pool, strides) -> np.ndarray:
    """The backward of :func:`max_pool_forward`, with the readable path's tie rule.

    Offsets are visited in row-major order; an input gets its window's dy if it equals the window's maximum
    and no earlier offset of that window did: the first maximum wins, as ``argmax`` picks it.

    What it buys: no one-hot (N, Ho, Wo, C, ph*pw) array and no argmax; per offset one comparison and one
    strided add. Course's first pooling: about 0.8 ms instead of 4-5 ms.
    """
    ph, pw = pool
    sh, sw = strides
    _, ho, wo, _ = dy.shape
    dxp = np.zeros(xp.shape, dtype=dy.dtype)
    taken = np.zeros(y.shape, dtype=bool)  # windows whose maximum has been given its gradient
    for a in range(ph):
        for b in range(pw):
            rows, cols = slice(a, a + sh * ho, sh), slice(b, b + sw * wo, sw)
            won = (xp[:, rows, cols, :] == y) & ~taken
            taken |= won
            dxp[:, rows, cols, :] += dy * won
    return dxp

"""GradientTape: record the ops run on tensors, then play them back in reverse to get every gradient.

While a tape is open, each op on a tensor the tape tracks (a trainable Variable, a tensor passed to ``watch``, or
the result of an op already recorded) stores its parents and its local derivative on its output (see
:mod:`scratchnet.tape.tensor`). ``tape.gradient(loss, sources)`` is then the whole of reverse-mode autodiff:

    order = every recorded tensor the loss depends on, sorted so each comes after its parents (topological)
    grad[loss] = 1
    for t in reversed(order):                      # from the loss back towards the variables
        for parent, g in zip(t._parents, t._backward(grad[t])):
            grad[parent] += unbroadcast(g, parent.shape)     # += : a tensor used twice gets both contributions

micrograd's ``Value.backward`` is the same loop on scalars. Reverse topological order guarantees that when a
tensor's ``_backward`` runs, everything that used the tensor has already handed its gradient down.

The local derivatives are NumPy arithmetic, not recorded ops, so a gradient is not itself differentiable: nested
tapes give first derivatives only (an outer tape sees no path through an inner ``gradient``, and warns).

>>> import scratchnet as sn
>>> w = sn.Variable([1.0, 2.0])
>>> with sn.GradientTape() as tape:
...     loss = sn.reduce_sum(w * w)
>>> tape.gradient(loss, w)
<sn.Tensor: shape=(2,), dtype=float32, numpy=array([2., 4.], dtype=float32)>
"""

from __future__ import annotations

import contextlib
import warnings

import numpy as np

from scratchnet import speed
from scratchnet.tape.tensor import ACTIVE_TAPES, TapeWarning, Tensor, unbroadcast
from scratchnet.tape.variable import LayerVariable, Variable

__all__ = ["GradientTape", "UnconnectedGradients"]


class UnconnectedGradients:
    """``tf.UnconnectedGradients``: what ``gradient`` gives for a source the target does not depend on."""

    NONE = "none"
    ZERO = "zero"


class GradientTape:
    """Record operations for automatic differentiation, as ``tf.GradientTape``.

    Args:
        persistent: allow more than one ``gradient`` call (otherwise the tape lets go of its records after one).
        watch_accessed_variables: watch every trainable Variable used inside the block (TensorFlow's default);
            with False, only what you ``watch``.
    """

    def __init__(self, persistent: bool = False, watch_accessed_variables: bool = True):
        self.persistent = persistent
        self.watch_accessed_variables = watch_accessed_variables
        self.recording = False
        self._watched: set[int] = set()
        self._keep_alive: list = []  # the watched tensors, so their ids stay theirs while the tape lives
        self._entered = False
        self._exited = False
        self._used = False

    # --- the block ---------------------------------------------------------------------------------------------
    def __enter__(self) -> GradientTape:
        if self._entered:
            raise RuntimeError("This GradientTape was already used in a with block. Make a new one per step.")
        self._entered = self.recording = True
        ACTIVE_TAPES.append(self)
        return self

    def __exit__(self, *exc) -> None:
        self.recording = False
        self._exited = True
        if self in ACTIVE_TAPES:
            ACTIVE_TAPES.remove(self)

    @contextlib.contextmanager
    def stop_recording(self):
        """A block inside the tape's block whose ops are not recorded (``with tape.stop_recording(): ...``)."""
        if not self.recording:
            raise RuntimeError("stop_recording() works inside the tape's with block, while it is recording.")
        self.recording = False
        try:
            yield
        finally:
            self.recording = True

    def reset(self) -> None:
        """Forget everything recorded so far (inside the block, recording goes on)."""
        self._watched.clear()
        self._keep_alive.clear()
        self._used = False

    def watch(self, tensor) -> None:
        """Track ``tensor`` (or a list or dict of tensors), so gradients with respect to it can be asked for.

        A constant is not tracked on its own: ``tape.watch(x)`` makes ``tape.gradient(y, x)`` possible.
        """
        for t in _flatten(tensor):
            if not isinstance(t, Tensor):
                raise TypeError(
                    f"GradientTape.watch() takes tensors (sn.constant, sn.Variable). Received: {type(t).__name__}. "
                    "Make it a tensor first: x = sn.constant(x); tape.watch(x)."
                )
            if t.dtype.kind != "f":
                warnings.warn(
                    f"GradientTape.watch() got a tensor of dtype {t.dtype}: only float tensors have gradients. "
                    "Cast it first: sn.cast(x, 'float32').",
                    TapeWarning,
                    stacklevel=2,
                )
            self._watched.add(id(t))
            self._keep_alive.append(t)

    def is_tracking(self, t) -> bool:
        """Whether ``t`` is on this tape: watched, a trainable Variable, or made by an op this tape recorded."""
        if not isinstance(t, Tensor):
            return False
        if self in t._tapes or id(t) in self._watched:
            return True
        return self.watch_accessed_variables and isinstance(t, Variable) and t.trainable and t.dtype.kind == "f"

    def watched_variables(self) -> list:
        return [t for t in self._keep_alive if isinstance(t, Variable)]

    # --- playing it back -------------------------------------------------------------------------------------------
    def gradient(self, target, sources, output_gradients=None, unconnected_gradients="none"):
        """∂target/∂source for every source, in the structure of ``sources`` (a tensor, a list, a tuple, a dict).

        Args:
            target: the loss, a tensor (or a list of tensors, whose sum is differentiated). A target with more than
                one value is summed first, as TensorFlow does: the gradient of ``y`` of shape (N,) is that of
                ``sum(y)``. Reduce it yourself (``sn.reduce_mean``) to make that explicit.
            sources: what to differentiate with respect to: Variables, watched tensors, tensors recorded in the
                block, or a model's parameter arrays (``model.trainable_weights``); nested in lists, tuples and
                dicts as you like.
            output_gradients: the gradient to start from at ``target`` (default: ones).
            unconnected_gradients: ``'none'`` (TensorFlow's default: None for a source the target does not depend
                on) or ``'zero'``.

        Returns:
            The gradients, each a tensor of its source's shape and dtype, or None for a source the target does not
            depend on.

        Raises:
            RuntimeError: a second call on a tape made without ``persistent=True``, or a call before the block.
        """
        if not self._entered:
            raise RuntimeError(
                "GradientTape.gradient() was called on a tape that never recorded: use it as `with sn.GradientTape() "
                "as tape:` around the computation, then call tape.gradient(loss, variables)."
            )
        if self._used and not self.persistent:
            raise RuntimeError(
                "GradientTape.gradient() can only be called once on a tape that is not persistent: the tape lets go of "
                "what it recorded after one call. Make it with sn.GradientTape(persistent=True) to ask again, or ask "
                "for all the gradients at once: tape.gradient(loss, [w, b])."
            )
        self._used = True
        targets = [t for t in _flatten(target) if t is not None]
        if not all(isinstance(t, Tensor) for t in targets):
            bad = next(t for t in targets if not isinstance(t, Tensor))
            raise TypeError(
                f"GradientTape.gradient(): the target must be a tensor computed inside the tape's block. Received: "
                f"{type(bad).__name__}. If it is a NumPy array, an np.* function (or float()) turned a tensor into one "
                "and the tape lost track of it: use the sn.* ops (sn.reduce_mean, sn.exp, ...) instead."
            )
        seeds = _flatten(output_gradients) if output_gradients is not None else [None] * len(targets)
        flat_sources = _flatten(sources)
        order = _topological_order(self, targets)
        grads: dict[int, np.ndarray] = {}
        for t, seed in zip(targets, seeds, strict=True):
            start = np.ones_like(t._value) if seed is None else np.asarray(seed, dtype=t.dtype)
            _accumulate(grads, t, start)
        # A scratchnet layer's op notes how big its matmuls are: the playback then follows fit's rule for BLAS
        # threads (one thread for a small model, see scratchnet/speed/blas.py), as the layer's forward did.
        work = max((getattr(t, "_blas_work", 0) for t in order), default=0)
        with speed.blas_threads(work) if work else contextlib.nullcontext():
            for t in reversed(order):
                g = grads.get(id(t))
                if g is None or t._backward is None or self not in t._tapes:
                    continue
                for parent, pg in zip(t._parents, t._backward(g), strict=True):
                    if pg is not None and isinstance(parent, Tensor) and parent.dtype.kind in "fc":
                        _accumulate(grads, parent, unbroadcast(np.asarray(pg), parent._value.shape))
        by_array = {id(p._value): p for p in order_parents(order) if isinstance(p, LayerVariable)}
        results = [self._result(s, grads, by_array, unconnected_gradients) for s in flat_sources]
        if all(r is None for r in results) and not any(self in t._tapes or id(t) in self._watched for t in targets):
            warnings.warn(
                "GradientTape.gradient(): the target was not computed on this tape, so every gradient is None. "
                "Compute the loss inside the `with` block, from the variables, with sn.* ops: np.asarray, .numpy() "
                "or float() on a tensor gives plain numbers the tape cannot follow.",
                TapeWarning,
                stacklevel=2,
            )
        if not self.persistent:
            self.reset()
            self._used = True
        return _pack(sources, iter(results))

    def _result(self, source, grads, by_array, unconnected):
        if isinstance(source, np.ndarray) and id(source) in by_array:  # model.trainable_weights: the arrays
            source = by_array[id(source)]
        if source is None:
            return None
        if not isinstance(source, Tensor):
            raise TypeError(
                f"GradientTape.gradient(): each source must be a Variable or a tensor. Received: "
                f"{type(source).__name__}{getattr(source, 'shape', '')}. Differentiate with respect to a Variable "
                "(sn.Variable(...)), a tensor passed to tape.watch(), or model.trainable_variables."
            )
        if source.dtype.kind not in "fc":
            warnings.warn(
                f"GradientTape.gradient(): a source of dtype {source.dtype} has no gradient (only float tensors do), "
                "so its gradient is None, as in TensorFlow. Cast it to float32 before the tape if you need one.",
                TapeWarning,
                stacklevel=3,
            )
            return None
        g = grads.get(id(source))
        if g is None:
            return Tensor._wrap(np.zeros_like(source._value)) if str(unconnected).lower() == "zero" else None
        return Tensor._wrap(g.astype(source.dtype, copy=False))

    def jacobian(self, target, sources):
        raise NotImplementedError(
            "GradientTape.jacobian() is not in scratchnet: ask for one gradient per output value instead, "
            "tape.gradient(y[i], x), with a persistent tape."
        )


def order_parents(order: list) -> list:
    """Every parent of the tensors in ``order`` (where the Variables of the graph are)."""
    return [p for t in order for p in t._parents]


def _accumulate(grads: dict, t: Tensor, g: np.ndarray) -> None:
    # A new array each time (never +=): a gradient handed down may be a view of another tensor's gradient.
    key = id(t)
    grads[key] = g if key not in grads else grads[key] + g


def _topological_order(tape: GradientTape, targets: list) -> list:
    """The recorded tensors the targets depend on, each after all of its parents (an iterative depth-first search,
    so a long chain of ops cannot hit Python's recursion limit)."""
    order, seen = [], set()
    for target in targets:
        stack = [(target, False)]
        while stack:
            t, parents_done = stack.pop()
            if parents_done:
                order.append(t)
                continue
            if id(t) in seen:
                continue
            seen.add(id(t))
            stack.append((t, True))
            if tape in t._tapes:
                stack.extend((p, False) for p in t._parents if isinstance(p, Tensor) and id(p) not in seen)
    return order


def _flatten(structure) -> list:
    if isinstance(structure, dict):
        return [leaf for key in structure for leaf in _flatten(structure[key])]
    if isinstance(structure, list | tuple):
        return [leaf for item in structure for leaf in _flatten(item)]
    return [structure]


def _pack(structure, leaves):
    if isinstance(structure, dict):
        return {key: _pack(value, leaves) for key, value in structure.items()}
    if isinstance(structure, list | tuple):
        packed = [_pack(item, leaves) for item in structure]
        return packed if isinstance(structure, list) else type(structure)(packed)
    return next(leaves)

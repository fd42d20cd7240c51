"""Grade a layer a student wrote: the contract, its gradients alone, its gradients inside a model, and training.

The gradient checks are :func:`scratchnet.gradcheck.check_layer` and :func:`scratchnet.gradcheck.check_model`,
the same ones scratchnet's own layers pass; this module only runs them in order and says what went wrong.
"""

from __future__ import annotations

import copy

import numpy as np

from scratchnet import gradcheck
from scratchnet.exercises._core import Report, _student_frame, close
from scratchnet.exercises._own_work import LibraryCalls


def _fresh(layer):
    """A copy of the layer (an instance) or a new one (a class or a factory): the student's own stays untouched."""
    if isinstance(layer, type) or (callable(layer) and not hasattr(layer, "forward")):
        return layer()
    return copy.deepcopy(layer)


def _built(layer, x: np.ndarray, rng):
    """A fresh float64 copy built on x, its parameters moved off their initial values.

    Initial values are often special (a scale of exactly 1, a bias of 0) and would hide a backward that forgets
    to multiply by a parameter.
    """
    layer = _fresh(layer)
    if not layer.built:
        layer.build(x.shape[1:], np.random.default_rng(0), np.float64)
    for key, p in layer.params.items():
        layer.params[key] = p.astype(np.float64) + 0.5 * rng.standard_normal(p.shape)
    return layer


def check_layer(layer, input_shape: tuple[int, ...] = (6,), *, train_steps: int = 60, seed: int = 0) -> Report:
    """Check a student's layer alone and inside a small model, and that the model trains with it.

    Four steps, stopping at the first that fails:

    1. the contract: it builds, ``forward`` returns an array of the shape ``compute_output_shape`` says,
       ``backward`` returns ``dx`` of the input's shape, ``grads`` has the keys and shapes of ``params``,
       neither ``x`` nor ``dy`` is changed, and ``backward`` is the learner's own (it calls none of
       scratchnet's functions but the ``Layer`` base class's);
    2. ``gradcheck.check_layer``: dx and every parameter gradient against finite differences, in float64; for
       a layer that keeps the shape, a wrong ``dx`` is described (a forgotten ``dy``, a wrong slope where
       ``x < 0``, such as a leaky ReLU's forgotten ``alpha``);
    3. float32 in, float32 out: forward, backward and the gradients keep the model's dtype;
    4. ``gradcheck.check_model`` on ``Dense(8, tanh) -> your layer -> Dense(3, softmax)`` with cross-entropy;
    5. that model trains: the loss after ``train_steps`` Adam steps on a small toy problem is at most 80% of
       the loss before.

    Args:
        layer: a layer instance (copied), its class, or a function making one (called with no arguments).
        input_shape: the shape of one example for step 1 and 2 (no batch axis). Inside the model the layer sees
            (8,) features.
        train_steps: Adam steps for step 4.
        seed: seed for the data and the weights.

    Returns:
        A :class:`~scratchnet.exercises.Report`.
    """
    made = isinstance(layer, type) or not hasattr(layer, "forward")
    report = Report(f"layer {getattr(layer, '__name__', '?') if made else type(layer).__name__}")
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((5, *input_shape)) + 0.05  # off the kinks at exactly 0
    try:
        if not _contract(_built(layer, x, rng), x, rng, report):
            return report
        alone = gradcheck.check_layer(_built(layer, x, rng), x, training=True, seed=seed)
        report.details.append(str(alone))
        if not alone.passed:
            report.fail(
                _elementwise_diagnosis(layer, x, rng)
                or f"its gradients disagree with finite differences ({alone.worst.name} is worst)."
            )
            return report
        if not _keeps_float32(layer, x, rng, report):
            return report
        _in_model(layer, rng, train_steps, seed, report)
    except NotImplementedError:
        report.status = "not done"
        report.problems.append("it raises NotImplementedError: write your code under '# your code here'.")
    except Exception as exc:
        report.fail(f"raised {type(exc).__name__}: {exc}{_student_frame(exc)}.")
    return report


def _contract(layer, x, rng, report: Report) -> bool:
    name = type(layer).__name__
    x_before = x.copy()
    y = layer.forward(x, training=True)
    if not isinstance(y, np.ndarray):
        report.fail(f"forward returned {type(y).__name__}, expected an array. Did you forget `return`?")
        return False
    expected = (len(x), *layer.compute_output_shape(x.shape[1:]))
    if y.shape != expected:
        report.fail(
            f"forward returned shape {y.shape} but compute_output_shape says {expected}. "
            f"Override {name}.compute_output_shape when your layer changes the shape."
        )
        return False
    dy = rng.standard_normal(y.shape)
    dy_before = dy.copy()
    with LibraryCalls(allowed=_base_class_code()) as watch:
        dx = layer.backward(dy)
    if watch.message():
        report.fail(f"its backward {watch.message()}")
        return False
    if dx is None or not isinstance(dx, np.ndarray) or dx.shape != x.shape:
        got = None if dx is None else np.shape(dx)
        report.fail(f"backward must return dx with the shape of x, {x.shape}. Received: {got}.")
        return False
    trainable = layer.trainable_keys() if hasattr(layer, "trainable_keys") else list(layer.params)
    if set(layer.grads) != set(trainable) or any(np.shape(layer.grads[k]) != layer.params[k].shape for k in trainable):
        shapes = {k: np.shape(v) for k, v in layer.grads.items()}
        report.fail(
            "grads must have the keys and shapes of params: "
            f"params { ({k: v.shape for k, v in layer.params.items()}) }, grads {shapes}. Fill self.grads in backward."
        )
        return False
    for what, before, after in (("x", x_before, x), ("dy", dy_before, dy)):
        if not np.array_equal(before, after):
            report.fail(f"changed `{what}` in place: it belongs to the caller; compute new arrays instead.")
            return False
    report.details.append("contract: forward and backward return arrays of the right shapes; grads match params.")
    return True


def _base_class_code() -> set:
    """The code of the ``Layer`` base class's methods: a learner's layer inherits them and may call them."""
    from scratchnet import layers

    codes = set()
    for cls in layers.Layer.__mro__:
        for value in vars(cls).values():
            function = getattr(value, "__func__", value)
            for f in (function, getattr(value, "fget", None)):
                if hasattr(f, "__code__"):
                    codes.add(f.__code__)
    return codes


def _elementwise_diagnosis(layer, x, rng) -> str | None:
    """What is wrong with dx, for a layer whose output has its input's shape (an activation), else None.

    Such a layer's dx is dy times the slope of forward at each entry, so comparing slopes names the mistake: a
    forgotten dy, or the right slope on one side of 0 and a wrong one on the other (a leaky ReLU's alpha).
    """
    layer = _built(layer, x, rng)
    y = layer.forward(x.copy(), training=True)
    if not isinstance(y, np.ndarray) or y.shape != x.shape or layer.params:
        return None
    dy = rng.standard_normal(y.shape) + 0.1
    got = layer.backward(dy.copy())
    xx = x.copy()
    expected = gradcheck.numeric_gradient(lambda: float(np.sum(layer.forward(xx, training=True) * dy)), xx)
    if got is None or np.shape(got) != x.shape:
        return None
    got = np.asarray(got, dtype=np.float64)
    slope, got_slope = expected / dy, got / dy
    if close(got, slope, tol=1e-6):
        return (
            "dx: forgot to multiply by `dy` (the gradient from above): backward returns dy times the slope of "
            "forward, entry by entry."
        )
    wrong = ~np.isclose(got, expected, rtol=1e-5, atol=1e-7)
    for side, label, other in ((x < 0, "x < 0", "x > 0"), (x > 0, "x > 0", "x < 0")):
        if not wrong.any() or wrong[~side].any():
            continue
        want, have = np.median(slope[side]), np.median(got_slope[wrong])
        uniform = np.allclose(slope[side], want, rtol=1e-4) and np.allclose(got_slope[wrong], have, rtol=1e-4)
        head = f"dx is right where {other} and wrong where {label}"
        values = got[wrong]
        if uniform and abs(have) < 1e-12:
            return (
                f"{head}: it passes no gradient there, but forward's slope there is {want:.3g}, not 0, so dx = "
                f"{want:.3g} * dy there (did you forget alpha?)."
            )
        if uniform and abs(have - 1.0) < 1e-6:
            return (
                f"{head}: it passes dy unchanged there, but forward's slope there is {want:.3g}: multiply dy by "
                "it (did you forget alpha?)."
            )
        if np.allclose(values, values[0], rtol=1e-6) and np.allclose(slope[side], want, rtol=1e-4):
            return (
                f"{head}: it returns {values[0]:.3g} there whatever dy is. Multiply by dy: forward's slope there is "
                f"{want:.3g}, so dx = {want:.3g} * dy (did you forget dy on that side?)."
            )
        if not uniform:
            return f"{head}: compare your slope there with forward's."
        return f"{head}: it gives {have:.3g} * dy there, forward's slope is {want:.3g}."
    return None


def _keeps_float32(layer, x, rng, report: Report) -> bool:
    """Fail, naming the array, when float32 inputs give a float64 output, dx or gradient (a silent promotion)."""
    layer = _fresh(layer)
    x32 = x.astype(np.float32)
    layer.build(x32.shape[1:], np.random.default_rng(0), np.float32)
    y = layer.forward(x32, training=True)
    dx = layer.backward(rng.standard_normal(np.shape(y)).astype(np.float32))
    arrays = {"forward's output": y, "backward's dx": dx, **{f"grads[{k!r}]": g for k, g in layer.grads.items()}}
    promoted = [what for what, a in arrays.items() if isinstance(a, np.ndarray) and a.dtype == np.float64]
    if promoted:
        report.fail(
            f"with float32 inputs (a model's default) {', '.join(promoted)} came back as float64: the rest of the "
            "model would silently run in float64, twice the memory and slower. A Python float inside np.where or "
            "np.array makes a float64 array (np.where(x > 0, 1.0, alpha)); an int mask or an np.float64 scalar "
            "promotes too. Compute from the arrays you were given: np.where(x > 0, dy, alpha * dy)."
        )
        return False
    report.details.append("dtype: float32 in, float32 out (forward, backward and the gradients).")
    return True


def _in_model(layer, rng, train_steps: int, seed: int, report: Report) -> None:
    from scratchnet import layers
    from scratchnet.models import Sequential

    x = rng.standard_normal((64, 4))
    y = (x[:, 0] > 0).astype(int) + (x[:, 1] > 0).astype(int)  # three classes a small net can learn
    model = Sequential(
        [layers.Dense(8, activation="tanh", input_shape=(4,)), _fresh(layer), layers.Dense(3, activation="softmax")],
        seed=seed,
    )
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    inside = gradcheck.check_model(model, x[:8], y[:8], seed=seed)
    report.details.append(str(inside))
    if not inside.passed:
        report.fail(f"alone it is right, but inside a model the gradients disagree ({inside.worst.name} is worst).")
        return
    before = model.evaluate(x, y, verbose=0)
    model.optimizer.learning_rate = 0.01
    for _ in range(train_steps):
        model.train_on_batch(x, y)
    after = model.evaluate(x, y, verbose=0)
    before, after = float(np.ravel(before)[0]), float(np.ravel(after)[0])
    report.details.append(f"trains: loss {before:.4f} -> {after:.4f} after {train_steps} Adam steps.")
    if not after <= 0.8 * before:
        report.fail(f"the model with your layer does not learn: loss {before:.4f} -> {after:.4f}.")

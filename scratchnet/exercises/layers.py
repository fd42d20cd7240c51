"""Grade a layer a student wrote: the contract, its gradients alone, its gradients inside a model, and training.

The gradient checks are :func:`scratchnet.gradcheck.check_layer` and :func:`scratchnet.gradcheck.check_model`,
the same ones scratchnet's own layers pass; this module only runs them in order and says what went wrong.
"""

from __future__ import annotations

import copy

import numpy as np

from scratchnet import gradcheck
from scratchnet.exercises._core import Report, _student_frame


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
       ``backward`` returns ``dx`` of the input's shape, ``grads`` has the keys and shapes of ``params``, and
       neither ``x`` nor ``dy`` is changed;
    2. ``gradcheck.check_layer``: dx and every parameter gradient against finite differences, in float64;
    3. ``gradcheck.check_model`` on ``Dense(8, tanh) -> your layer -> Dense(3, softmax)`` with cross-entropy;
    4. that model trains: the loss after ``train_steps`` Adam steps on a small toy problem is at most 80% of
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
            report.fail(f"its gradients disagree with finite differences ({alone.worst.name} is worst).")
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
    dx = layer.backward(dy)
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

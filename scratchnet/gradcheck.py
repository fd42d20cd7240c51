"""Numerical gradient checking: does a backward really compute the derivative of its forward?

The idea: for a scalar function L(θ), the centred difference

    dL/dθ_i  ≈  (L(θ + h e_i) - L(θ - h e_i)) / (2 h)

is accurate to O(h²). We compare it with what ``backward`` returned, entry by entry, in float64 (in float32 the
rounding error of L would swamp the difference quotient).

For a layer, L is not a loss yet, so we make one: ``L = sum(forward(x) * dy)`` with a *random* upstream gradient
``dy``. Then ∂L/∂y = dy, and ``backward(dy)`` must return ∂L/∂x and fill ∂L/∂params. Why random: with ``dy`` all
ones, a backward that forgets to multiply by ``dy`` (``dW = x.T @ ones`` instead of ``x.T @ dy``) computes exactly
the right numbers and passes; and softmax's true dx is then exactly 0, so even a correct softmax is compared on
rounding noise. (A forgotten transpose, or softmax without its off-diagonal terms, fails either way: measured in
tests/test_gradcheck.py.)

The score per array is the relative error of the whole gradient array:

    rel_error = ||analytic - numeric|| / (||analytic|| + ||numeric||)

The thresholds, stated here once (docs/backprop.md and the README quote them): a check PASSES when every relative
error is at most ``DEFAULT_TOLERANCE = 1e-6``, and FAILS above it. A correct float64 gradient lands far below it,
around ``TYPICAL_CORRECT = 1e-10`` (the O(h²) error and rounding); a real bug is usually above 1e-3. Between 1e-6
and 1e-3 look for a kink (a ReLU input within h of 0) or float32 somewhere, before looking for a bug.

>>> import numpy as np
>>> from scratchnet import gradcheck, layers
>>> report = gradcheck.check_layer(layers.Dense(3, activation="tanh"), np.random.default_rng(0).normal(size=(4, 5)))
>>> report.passed
True
"""

from __future__ import annotations

import copy
import math
from dataclasses import dataclass, field

import numpy as np

from scratchnet import fused, nn
from scratchnet.checks import prepare_data
from scratchnet.models.inspection import is_model, leaf_layers

__all__ = ["GradcheckReport", "ParamCheck", "check_layer", "check_loss", "check_model", "numeric_gradient"]

DEFAULT_TOLERANCE = 1e-6
"""A check passes when every relative error is at most this (the one pass/fail threshold; see the module docs)."""
TYPICAL_CORRECT = 1e-10
"""Where a correct float64 gradient's relative error typically lands (for reading reports, not for deciding)."""


@dataclass
class ParamCheck:
    """The comparison for one array: its name, how many entries were checked, and the worst entry."""

    name: str
    shape: tuple[int, ...]
    rel_error: float
    checked: int
    worst_index: tuple[int, ...]
    analytic: float  # at worst_index
    numeric: float  # at worst_index
    problem: str = ""  # set when the gradient could not be compared at all (None returned, wrong shape, missing)
    at_kink: bool = False  # a failing entry where the left and right derivatives differ (ReLU at 0, tied maxima)

    @classmethod
    def broken(cls, name: str, shape: tuple[int, ...], problem: str) -> ParamCheck:
        """A gradient that cannot be compared: it fails, and the report says why."""
        return cls(name, tuple(shape), math.inf, 0, (), math.nan, math.nan, problem)


@dataclass
class GradcheckReport:
    """What :func:`check_layer`, :func:`check_loss` or :func:`check_model` found.

    ``passed`` is True when every array's relative error is at most ``tolerance``; ``str(report)`` is a table
    naming the worst parameter and the index of its worst entry.
    """

    title: str
    checks: list[ParamCheck]
    tolerance: float
    eps: float
    notes: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return all(c.rel_error <= self.tolerance for c in self.checks)

    @property
    def worst(self) -> ParamCheck:
        return max(self.checks, key=lambda c: c.rel_error)

    @property
    def max_rel_error(self) -> float:
        return self.worst.rel_error

    def __str__(self) -> str:
        lines = [
            f"Gradient check of {self.title} (float64, centred differences, h={self.eps:g})",
            f"  {'array':<18}{'shape':<14}{'checked':>9}   {'rel. error':<11}",
        ]
        for c in self.checks:
            total = math.prod(c.shape)
            if c.problem:
                lines.append(f"  {c.name:<18}{c.shape!s:<14}{f'0/{total}':>9}   {'-':<11}WRONG: {c.problem}")
                continue
            verdict = "ok" if c.rel_error <= self.tolerance else "WRONG"
            lines.append(f"  {c.name:<18}{c.shape!s:<14}{f'{c.checked}/{total}':>9}   {c.rel_error:<11.2e}{verdict}")
        w = self.worst
        index = ", ".join(map(str, w.worst_index))
        if not w.problem:
            lines.append(
                f"Worst: {w.name}[{index}]: analytic {w.analytic:.8g}, numeric {w.numeric:.8g} "
                f"(rel. error {w.rel_error:.2e})."
            )
        lines += [f"Note: {note}" for note in self.notes]
        if self.passed:
            lines.append(f"PASSED: every relative error is at most {self.tolerance:g}.")
        elif w.problem:
            lines.append(f"FAILED: {w.problem}.")
        elif w.at_kink:
            lines.append(
                f"FAILED at a kink: {w.name}[{index}] sits where the function has no derivative (a ReLU input at "
                "exactly 0, tied values in a max), so no gradient can match there: not a wrong gradient. "
                "Check at a point away from kinks."
            )
        else:
            lines.append(
                f"FAILED: {w.name}'s gradient disagrees with the numerical one (tolerance {self.tolerance:g}). "
                "Look at the backward lines that compute it."
            )
        return "\n".join(lines)

    def _repr_pretty_(self, p, cycle):  # IPython shows the table
        p.text(str(self))


def _compare(name, analytic, numeric, indices, shape) -> ParamCheck:
    a = analytic.reshape(-1)[indices]
    n = numeric
    diff = np.abs(a - n)
    denom = np.linalg.norm(a) + np.linalg.norm(n)
    rel = 0.0 if denom == 0 else float(np.linalg.norm(a - n) / denom)
    k = int(diff.argmax()) if diff.size else 0
    worst = tuple(int(i) for i in np.unravel_index(indices[k], shape)) if len(indices) else ()
    return ParamCheck(name, tuple(shape), rel, len(indices), worst, float(a[k]), float(n[k]))


def _mark_kink(check: ParamCheck, f, array: np.ndarray, eps: float, tolerance: float) -> ParamCheck:
    """Flag a failing check whose worst entry is at a kink: its one-sided differences disagree.

    Where the function is smooth, (f(a+h) - f(a)) / h and (f(a) - f(a-h)) / h differ by about f''·h, tiny; at a
    kink (ReLU at 0, two tied maxima) they differ by the jump in slope, which no backward can match.
    """
    if check.problem or check.rel_error <= tolerance or not check.worst_index:
        return check
    flat = array.reshape(-1)
    i = int(np.ravel_multi_index(check.worst_index, array.shape))
    old = flat[i]
    centre = f()
    flat[i] = old + eps
    right = (f() - centre) / eps
    flat[i] = old - eps
    left = (centre - f()) / eps
    flat[i] = old
    check.at_kink = abs(right - left) > 1e-3 * (abs(right) + abs(left)) + 1e-7
    return check


def _check_eps(who: str, eps, tolerance, max_checks) -> None:
    ok = isinstance(eps, (int, float, np.floating)) and not isinstance(eps, bool) and math.isfinite(eps)
    if not ok or not 0 < eps <= 1e-2:
        raise ValueError(
            f"{who} expected eps, the step h of the centred difference, to be a small positive number (1e-6 is "
            f"right for float64; at most 1e-2). Received: eps={eps!r}."
        )
    ok = isinstance(tolerance, (int, float, np.floating)) and not isinstance(tolerance, bool)
    if not ok or not 0 < tolerance < 1:
        raise ValueError(f"{who} expected tolerance in (0, 1), e.g. 1e-6. Received: tolerance={tolerance!r}.")
    if max_checks is not None and (
        isinstance(max_checks, bool) or not isinstance(max_checks, (int, np.integer)) or max_checks < 1
    ):
        raise ValueError(
            f"{who} expected max_checks to be a positive number of entries, or None for all of them. "
            f"Received: max_checks={max_checks!r}."
        )


def _check_finite(who: str, name: str, array: np.ndarray) -> None:
    if array.size == 0:
        raise ValueError(f"{who} needs a non-empty {name}. Received: {name}.shape={array.shape}.")
    bad = ~np.isfinite(array)
    if bad.any():
        first = tuple(int(i) for i in np.argwhere(bad)[0])
        what = "NaN" if np.isnan(array[first]) else "inf"
        raise ValueError(
            f"{who}: {name} holds {int(bad.sum())} non-finite value(s) ({what} at {name}{list(first)}). A "
            f"gradient at NaN or inf is not defined, so nothing can be checked. Received: {name} with {what}. "
            "Check with finite inputs."
        )


def _shifted(x: np.ndarray, rng) -> np.ndarray:
    """x moved off kinks and ties: every entry by a random amount of about 1e-3 of x's scale (far more than h)."""
    scale = float(np.max(np.abs(x))) or 1.0
    return x + rng.uniform(0.5, 1.0, x.shape) * rng.choice([-1.0, 1.0], x.shape) * 1e-3 * scale


def _retry_off_kinks(report: GradcheckReport, run, x: np.ndarray, seed: int) -> GradcheckReport:
    """When a failure sits at a kink, check again at a shifted x: a right backward then passes, a wrong one fails."""
    if report.passed or not any(c.at_kink for c in report.checks if c.rel_error > report.tolerance):
        return report
    again = run(_shifted(x, np.random.default_rng(seed + 1)))
    if again.passed:
        again.notes.append(
            "the given x put some entries at a kink (a ReLU input at exactly 0, tied values in a max), where the "
            "derivative does not exist: at a kink, not a wrong gradient. Checked instead at x shifted by about "
            "1e-3 of its scale: passed."
        )
    else:
        again.notes.append("x was shifted off a kink and the check still fails there: the backward is wrong.")
    return again


def numeric_gradient(f, array: np.ndarray, eps: float = 1e-6) -> np.ndarray:
    """Centred differences of the scalar ``f()`` with respect to every entry of the float64 ``array``, shaped like it.

    ``array`` is perturbed in place (``f`` reads it) and restored: ``(f(a + eps) - f(a - eps)) / (2 * eps)``.
    """
    return _numeric_grad(f, array, np.arange(array.size), eps).reshape(array.shape)


def _numeric_grad(f, array: np.ndarray, indices: np.ndarray, eps: float) -> np.ndarray:
    """Centred differences of the scalar f() with respect to ``array`` at flat ``indices``; array is restored."""
    flat = array.reshape(-1)  # a view: writing into it perturbs the array f() reads
    out = np.empty(len(indices))
    for j, i in enumerate(indices):
        old = flat[i]
        flat[i] = old + eps
        plus = f()
        flat[i] = old - eps
        minus = f()
        flat[i] = old
        out[j] = (plus - minus) / (2 * eps)
    return out


def _choose(size: int, max_checks: int | None, rng) -> np.ndarray:
    if max_checks is None or size <= max_checks:
        return np.arange(size)
    return np.sort(rng.choice(size, max_checks, replace=False))


def _generators(obj) -> list[np.random.Generator]:
    return [v for v in vars(obj).values() if isinstance(v, np.random.Generator)]


class _FrozenRandomness:
    """Restore every random generator of the given layers before each forward, so Dropout draws the same mask."""

    def __init__(self, layers):
        self.gens = [g for layer in layers for g in _generators(layer)]
        self.states = [copy.deepcopy(g.bit_generator.state) for g in self.gens]

    def reset(self):
        for g, s in zip(self.gens, self.states, strict=True):
            g.bit_generator.state = s


def _trainable_keys(layer) -> list[str]:
    """The keys of ``params`` that get a gradient (all of them for a hand-written layer without the method)."""
    return layer.trainable_keys() if hasattr(layer, "trainable_keys") else list(layer.params)


def _to_float64(layer) -> None:
    """Turn a layer's parameters (and gradients) into float64 arrays, in place."""
    for key in list(layer.params):
        layer.params[key] = layer.params[key].astype(np.float64)
    for key in _trainable_keys(layer):
        layer.grads[key] = np.zeros_like(layer.params[key])
    if layer.built:
        layer.dtype = np.dtype(np.float64)


def _as_float64_copy(layer):
    layer = copy.deepcopy(layer)
    _to_float64(layer)
    return layer


def check_layer(
    layer,
    x,
    *,
    training: bool = False,
    eps: float = 1e-6,
    tolerance: float = DEFAULT_TOLERANCE,
    max_checks: int | None = 200,
    seed: int = 0,
) -> GradcheckReport:
    """Check a layer's backward (dx and every parameter gradient) against centred differences, in float64.

    Works on any object following the layer contract (``build``, ``forward``, ``backward``, ``params``,
    ``grads``), so a learner can check a layer they wrote. The layer is copied first; yours is not changed.

    Args:
        layer: the layer; built on ``x`` (in float64) if not built yet.
        x: an input batch, shape (N, ...). Keep it away from kinks (ReLU at exactly 0).
        training: run ``forward`` in training mode (Dropout: the same mask is used for every evaluation).
        eps: the step h of the centred difference.
        tolerance: largest relative error that passes.
        max_checks: at most this many entries per array are checked (chosen at random); None checks all.
        seed: seed for the upstream gradient and the entries chosen.

    Returns:
        A :class:`GradcheckReport`; ``report.passed`` tells, ``print(report)`` shows the details.
    """
    _check_eps("check_layer", eps, tolerance, max_checks)
    if not all(callable(getattr(layer, m, None)) for m in ("forward", "backward")):
        raise TypeError(
            "check_layer expected a layer: an object with forward(x, training) and backward(dy) methods, e.g. "
            f"sn.layers.Dense(3) or an instance of your own Layer subclass. Received: {layer!r}."
        )
    try:
        x = np.array(x, dtype=np.float64)  # our own copy: we perturb it
    except (TypeError, ValueError):
        raise TypeError(f"check_layer expected x to be an array of numbers. Received: {type(x).__name__}.") from None
    _check_finite("check_layer", "x", x)

    def run(x):
        return _check_layer_at(layer, x, training, eps, tolerance, max_checks, seed)

    return _retry_off_kinks(run(x), run, x, seed)


def _check_layer_at(layer, x, training, eps, tolerance, max_checks, seed) -> GradcheckReport:
    rng = np.random.default_rng(seed)
    layer = _as_float64_copy(layer)
    if not layer.built:
        layer.build(x.shape[1:], np.random.default_rng(seed), np.float64)
        layer = _as_float64_copy(layer)  # in case build ignored the dtype
    layer.needs_input_grad = True
    frozen = _FrozenRandomness([layer])

    frozen.reset()
    y = layer.forward(x, training=training)
    if y is None or not isinstance(y, (np.ndarray, np.generic, float, int)):
        raise TypeError(
            f"check_layer: {type(layer).__name__}.forward returned {'None' if y is None else type(y).__name__}, "
            "not an array. Did it forget `return y`? A forward must return its output."
        )
    dy = rng.standard_normal(np.shape(y))

    def loss():
        frozen.reset()
        return float(np.sum(layer.forward(x, training=training) * dy))

    frozen.reset()
    layer.forward(x, training=training)
    dx = layer.backward(dy.copy())
    analytic = {"x": dx, **getattr(layer, "grads", {})}

    checks = []
    for name, array in [("x", x), *((key, layer.params[key]) for key in _trainable_keys(layer))]:
        problem = _shape_problem(name, analytic.get(name), array.shape)
        if problem:
            checks.append(ParamCheck.broken(name, array.shape, problem))
            continue
        analytic[name] = np.asarray(analytic[name], dtype=np.float64)
        indices = _choose(array.size, max_checks, rng)
        numeric = _numeric_grad(loss, array, indices, eps)
        checks.append(
            _mark_kink(_compare(name, analytic[name], numeric, indices, array.shape), loss, array, eps, tolerance)
        )
    title = f"{type(layer).__name__} '{getattr(layer, 'name', '')}'"
    return GradcheckReport(title, checks, tolerance, eps)


def _shape_problem(name: str, gradient, shape: tuple[int, ...]) -> str:
    """Why ``gradient`` cannot be compared with a numerical gradient of an array of ``shape``; "" if it can.

    A (1, M) gradient for an (M,) bias has the right numbers in the wrong shape: the optimizer's ``b -= lr * db``
    would broadcast b to (1, M), so it is a failure, not a pass.
    """
    if name == "x":
        if gradient is None:
            return f"backward returned None; it must return dx = ∂L/∂x, an array of shape {shape} like x"
        what, received, expected = "dx", f"backward returned dx of shape {np.shape(gradient)}", f"x has {shape}"
    else:
        if gradient is None:
            return (
                f"backward did not fill grads['{name}']; it must hold ∂L/∂{name}, shaped {shape} like params['{name}']"
            )
        what = f"grads['{name}']"
        received, expected = f"{what} has shape {np.shape(gradient)}", f"params['{name}'] has {shape}"
    try:
        array = np.asarray(gradient, dtype=np.float64)
    except (TypeError, ValueError):
        return f"{what} is not an array of numbers. Received: {type(gradient).__name__}"
    if array.shape != tuple(shape):
        return f"{received}, {expected}"
    return ""


def check_loss(
    loss,
    y_true,
    y_pred,
    *,
    through_softmax: bool = False,
    through_sigmoid: bool = False,
    eps: float = 1e-6,
    tolerance: float = DEFAULT_TOLERANCE,
) -> GradcheckReport:
    """Check a loss's backward (∂L/∂y_pred, with the 1/N of the batch mean) against centred differences.

    Args:
        loss: a ``scratchnet.losses.Loss`` (or anything with ``forward(y_true, y_pred)`` and ``backward``).
        y_true: labels in the format the loss expects.
        y_pred: predictions; with ``through_softmax=True``, logits z.
        through_softmax: check the fused gradient of :mod:`scratchnet.fused`, ``dz = (p - onehot(y)) / N``
            with ``p = softmax(z)``, against differences of ``loss.forward(y, softmax(z))`` with respect to z.
        through_sigmoid: the same for the fused sigmoid + binary cross-entropy, ``dz = (p - y) / (N * D)``.
    """
    z = np.array(y_pred, dtype=np.float64)
    y_true = loss.validate(y_true, z.shape) if hasattr(loss, "validate") else np.asarray(y_true)
    if through_softmax or through_sigmoid:
        activation = nn.softmax if through_softmax else nn.sigmoid
        backward = (
            fused.softmax_crossentropy_backward if through_softmax else fused.sigmoid_binary_crossentropy_backward
        )

        def value():
            return float(loss.forward(y_true, activation(z)))

        analytic = backward(y_true, activation(z))
        title = f"{type(loss).__name__} fused with {activation.__name__}, gradient on the logits"
    else:

        def value():
            return float(loss.forward(y_true, z))

        analytic = loss.backward(y_true, z.copy())
        title = type(loss).__name__
    indices = np.arange(z.size)
    numeric = _numeric_grad(value, z, indices, eps)
    name = "z" if through_softmax or through_sigmoid else "y_pred"
    return GradcheckReport(title, [_compare(name, np.asarray(analytic), numeric, indices, z.shape)], tolerance, eps)


def check_model(
    model,
    x,
    y,
    *,
    eps: float = 1e-6,
    tolerance: float = DEFAULT_TOLERANCE,
    max_checks: int | None = 30,
    seed: int = 0,
) -> GradcheckReport:
    """Check a compiled model's gradients, through exactly the path ``fit`` uses, in float64.

    The model is cloned into float64 with the same weights and loss (yours is not changed); its
    ``compute_gradients(x, y)`` gives the analytic gradients — including the fused softmax + cross-entropy
    when the model uses it — and every parameter is compared with centred differences of the loss.

    Args:
        model: a built, compiled ``Sequential``.
        x, y: a small batch.
        max_checks: entries checked per parameter array (random); None checks all of them.
    """
    _check_eps("check_model", eps, tolerance, max_checks)
    if getattr(model, "loss", None) is None:
        raise RuntimeError("check_model: compile the model with a loss first; the check differentiates that loss.")
    # One array, or one per input of a graph model (a list, or a dict by input name).
    if isinstance(x, dict):
        x64 = {k: np.asarray(v, dtype=np.float64) for k, v in x.items()}
    elif isinstance(x, (list, tuple)) and len(getattr(model, "inputs", ())) > 1:
        x64 = [np.asarray(v, dtype=np.float64) for v in x]
    else:
        x64 = np.array(x, dtype=np.float64)
    for i, part in enumerate(x64.values() if isinstance(x64, dict) else x64 if isinstance(x64, list) else [x64]):
        _check_finite("check_model", "x" if isinstance(x64, np.ndarray) else f"x[{i}]", part)

    def run(x64):
        return _check_model_at(model, x64, y, eps, tolerance, max_checks, seed)

    if not isinstance(x64, np.ndarray):  # several inputs: checked where they are (no shifted second look at kinks)
        return run(x64)
    return _retry_off_kinks(run(x64), run, x64, seed)


def _check_model_at(model, x64, y, eps, tolerance, max_checks, seed) -> GradcheckReport:
    clone = _float64_clone(model)
    clone.compile(optimizer="sgd", loss=copy.deepcopy(model.loss), metrics=None)

    frozen = _FrozenRandomness(leaf_layers(clone))
    frozen.reset()
    clone.compute_gradients(x64, y)
    analytic = [g.astype(np.float64) for g in _gradients(clone)]
    x64, y_checked = prepare_data(clone, x64, y, "check_model")

    def loss():
        frozen.reset()
        # The loss fit minimizes: the batch's loss plus the weight penalties (scratchnet/regularizers.py).
        return float(clone.loss.forward(y_checked, clone.forward(x64, training=True))) + clone.regularization_loss()

    rng = np.random.default_rng(seed)
    checks = []
    for name, param, grad in zip(clone.trainable_weight_names, clone.parameter_arrays(), analytic, strict=True):
        indices = _choose(param.size, max_checks, rng)
        check = _compare(name, grad, _numeric_grad(loss, param, indices, eps), indices, param.shape)
        checks.append(_mark_kink(check, loss, param, eps, tolerance))
    notes = []
    if clone.fused_backward is not None:
        notes.append("the model's last softmax and its cross-entropy were checked through the fused gradient.")
    return GradcheckReport(f"model '{model.name}'", checks, tolerance, eps, notes)


def _float64_clone(model):
    """A float64 copy of a built model, same weights; works for any layer, including one a learner wrote.

    (Rebuilding from ``get_config`` would only know scratchnet's own layer classes.)
    """
    if not model.built:
        raise RuntimeError(
            "check_model: build the model first (call it on data, or give its first layer an input_shape)."
        )
    clone = copy.deepcopy(model)

    def convert(m):
        m.dtype = np.dtype(np.float64)
        for layer in m.layers:
            if is_model(layer):  # a model inside the model
                convert(layer)
            else:
                _to_float64(layer)

    convert(clone)
    for leaf, _ in clone.parameter_slots():  # layers held inside a layer written Keras's way
        _to_float64(leaf)
    return clone


def _gradients(model):
    return model.gradients

"""The machinery behind ``scratchnet.exercises.check``: the registry, the report, and the diagnosis of mistakes.

An :class:`Exercise` says how to make random inputs, what the right answer is (the reference), and — for a
gradient — how to get that answer a second, independent way: centred finite differences of the forward, in
float64. A student's function passes only when its output agrees with both, on several random cases.

When it does not, :func:`diagnose` looks for the mistakes people actually make and names them: ``None`` returned,
a shape that is the transpose of the right one, the right numbers times a constant (the batch size N, 2, ...),
the wrong sign, an upstream gradient ``dy`` that was never multiplied in, an input changed in place, and each
exercise's own list of known wrong formulas (softmax's diagonal-only Jacobian, Adam without bias correction, ...).
An answer that calls scratchnet's own code while it runs is refused (:mod:`scratchnet.exercises._own_work`).
"""

from __future__ import annotations

import contextlib
import copy
import math
import signal
import threading
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from scratchnet.exercises._own_work import LibraryCalls
from scratchnet.gradcheck import numeric_gradient  # noqa: F401  (the exercises' numeric answers use it)

# A student's answer agrees with the reference when their relative error is at most this (both are exact formulas:
# what is left is rounding). Finite differences are accurate to about 1e-9 in float64.
REFERENCE_TOLERANCE = 1e-7
NUMERIC_TOLERANCE = 1e-6


@dataclass
class Exercise:
    """One exercise: a function a student writes, and how to grade it.

    Args:
        name: what the student's function is called, e.g. ``"relu_backward"``.
        args: its positional arguments, in order, e.g. ``("dy", "y")``.
        outputs: the names of what it returns, e.g. ``("dx",)`` or ``("dx", "dW", "db")``.
        make_inputs: ``make_inputs(rng) -> dict`` with float64 arrays for every name in ``args``, plus any hidden
            values the other callbacks need (keys starting with ``_``, e.g. the ``_x`` that gave ``y = relu(_x)``).
            Draw random shapes and keep inputs away from kinks.
        reference: ``reference(inputs) -> tuple`` of the right outputs, aligned with ``outputs``.
        numeric: ``numeric(inputs) -> tuple`` of the same outputs by finite differences (None for a forward or an
            update rule, which have no derivative to check).
        upstream: the argument that is an upstream gradient (``"dy"``): a function that ignores it is caught by
            comparing with the reference evaluated at ``dy = ones``.
        factors: ``factors(inputs) -> {name: value}``, constants an answer can be off by, such as ``{"N": 8}``.
        mistakes: known wrong answers: ``(message, wrong(inputs) -> tuple)``; if the student's answer equals
            ``wrong(inputs)``, the message is the diagnosis.
        hints: extra sentences keyed by what was found: ``"transposed:dW"``,
            ``"over:N"`` (got = expected / N), ``"times:N"``, ``"sign"``, ``"upstream"``, ``"nan"``, ``"shape:db"``,
            ``"raised"`` (added when the function raised an error), ``"scalar"`` (one number came back),
            ``"size:z"`` (any other wrong shape of ``z``: say how its size is computed).
        steps: outputs that are new values of an argument of the same name (an optimizer's ``param``): they are
            compared as the change they make, so a small learning rate cannot hide a wrong step.
        may_modify: arguments the function may change in place (an optimizer's state).
        cases: how many random cases are tried.
        description: one paragraph for ``describe(name)``.
    """

    name: str
    args: tuple[str, ...]
    outputs: tuple[str, ...]
    make_inputs: Callable[[np.random.Generator], dict]
    reference: Callable[[dict], tuple]
    numeric: Callable[[dict], tuple] | None = None
    upstream: str | None = None
    factors: Callable[[dict], dict[str, float]] = lambda inputs: {}
    mistakes: Sequence[tuple[str, Callable[[dict], tuple]]] = ()
    hints: dict[str, str] = field(default_factory=dict)
    steps: tuple[str, ...] = ()
    may_modify: tuple[str, ...] = ()
    cases: int = 3
    description: str = ""

    @property
    def signature(self) -> str:
        out = self.outputs[0] if len(self.outputs) == 1 else f"({', '.join(self.outputs)})"
        return f"{self.name}({', '.join(self.args)}) -> {out}"


EXERCISES: dict[str, Exercise] = {}


def register(exercise: Exercise) -> Exercise:
    """Add an exercise to the registry (a later one with the same name replaces the earlier one)."""
    if not isinstance(exercise, Exercise):
        raise TypeError(f"register expected an Exercise. Received: {type(exercise).__name__}.")
    EXERCISES[exercise.name] = exercise
    return exercise


def get(name: str) -> Exercise:
    if name not in EXERCISES:
        raise ValueError(f"Unknown exercise. Expected one of {sorted(EXERCISES)}. Received: name={name!r}.")
    return EXERCISES[name]


@dataclass
class Report:
    """The verdict on a student's function (or layer): print it, or test ``report.passed``.

    Attributes:
        title: what was checked, e.g. ``"relu_backward(dy, y) -> dx"``.
        status: ``"passed"``, ``"failed"`` or ``"not done"``.
        problems: one sentence per mistake found, naming it.
        details: what was compared and how closely (shown under the verdict).
        notes: remarks that do not fail the check (a float32 input came back as float64, ...).
    """

    title: str
    status: str = "passed"
    problems: list[str] = field(default_factory=list)
    details: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return self.status == "passed"

    def fail(self, problem: str) -> None:
        if self.status != "not done":
            self.status = "failed"
        if problem not in self.problems:
            self.problems.append(problem)

    def __str__(self) -> str:
        verdict = {"passed": "PASSED", "failed": "NOT YET RIGHT", "not done": "not done yet"}[self.status]
        lines = [f"{self.title}: {verdict}"]
        lines += [f"  - {p}" for p in self.problems]
        lines += ["  " + d.replace("\n", "\n    ") for d in self.details]
        lines += [f"  Note: {n}" for n in self.notes]
        return "\n".join(lines)

    __repr__ = __str__

    def _repr_pretty_(self, p, cycle):  # IPython and Jupyter print the verdict, not a dataclass repr
        p.text(str(self))


# --- helpers ----------------------------------------------------------------------------------------------------
def rel_error(a: np.ndarray, b: np.ndarray) -> float:
    """||a - b|| / (||a|| + ||b||), 0 when both are 0."""
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    denom = np.linalg.norm(a) + np.linalg.norm(b)
    return 0.0 if denom == 0 else float(np.linalg.norm(a - b) / denom)


def close(a, b, tol: float = REFERENCE_TOLERANCE) -> bool:
    a, b = np.asarray(a), np.asarray(b)
    return a.shape == b.shape and bool(np.all(np.isfinite(a))) and rel_error(a, b) <= tol


def _shape_text(value) -> str:
    if isinstance(value, np.ndarray):
        return str(value.shape)
    return f"{value:.3g}" if isinstance(value, float) else repr(value)


def _case_text(exercise: Exercise, inputs: dict) -> str:
    return ", ".join(f"{a}: {_shape_text(inputs[a])}" for a in exercise.args)


def _factor_message(c: float, factors: dict[str, float], hints: dict[str, str], what: str) -> str | None:
    """Name the constant c in got = c * expected: 'off by a factor of 0.125 (1/N). Divided by N twice?'."""
    if math.isclose(c, -1.0, rel_tol=1e-6):
        return None  # the sign check reports this
    for key, value in {**factors, "2": 2.0}.items():
        inverse = f"1/({key})" if " " in key else f"1/{key}"
        for kind, target, label in (("times", value, key), ("over", 1.0 / value, inverse)):
            for sign, sign_text in ((1.0, ""), (-1.0, "the wrong sign, and ")):
                if math.isclose(c, sign * target, rel_tol=1e-6):
                    hint = " ".join(
                        h for h in (hints.get("sign", "") if sign < 0 else "", hints.get(f"{kind}:{key}", "")) if h
                    )
                    return f"{what}: {sign_text}off by a factor of {abs(c):.4g} ({label}). {hint}".rstrip()
    return f"{what}: the right numbers times a constant, {c:.4g}. Look for a missing or extra scale factor."


def diagnose(
    what: str, got, expected: np.ndarray, exercise: Exercise, factors: dict[str, float], base=None
) -> str | None:
    """Compare one output with the right one; return None when they agree, else a sentence naming the mistake.

    ``base`` (for ``steps`` outputs) is subtracted from both first, so the change is compared.
    """
    hints = exercise.hints
    if got is None:
        return f"{what}: returned None. Did you forget the `return`?"
    try:
        got = np.asarray(got)
    except Exception:  # a ragged list or some object NumPy cannot read
        return f"{what}: returned a {type(got).__name__}, expected an array of shape {expected.shape}."
    if got.dtype == object or not (np.issubdtype(got.dtype, np.number) or got.dtype == bool):
        return f"{what}: returned a {type(got).__name__} of {got.dtype}, expected an array of numbers."
    got = got.astype(np.float64)
    if base is not None and got.shape == expected.shape:
        got, expected = got - base, expected - base
        what = f"{what} (the change it makes)"
    if got.shape != expected.shape:
        return _shape_problem(what, got, expected, hints)
    if not np.all(np.isfinite(got)):
        return f"{what}: contains NaN or inf. {hints.get('nan', '')}".rstrip()
    if close(got, expected):
        return None
    if got.ndim == 2 and got.shape[0] == got.shape[1] and close(got.T, expected):
        return f"{what}: transposed. {hints.get('transposed:' + what.split()[0], '')}".rstrip()
    if close(got, -expected):
        return f"{what}: the right size but the wrong sign. {hints.get('sign', '')}".rstrip()
    if not got.any() and expected.any():
        return (
            f"{what}: all zeros, where the right answer is not. A mask that is never True, or an array made with "
            "np.zeros and never filled in?"
        )
    denom = float(np.sum(expected * expected))
    if denom > 0:
        c = float(np.sum(got * expected) / denom)
        if c != 0 and close(got, c * expected):
            message = _factor_message(c, factors, hints, what)
            if message:
                return message
    worst = np.unravel_index(int(np.abs(got - expected).argmax()), got.shape)
    index = ", ".join(map(str, worst))
    return (
        f"{what}: wrong values (rel. error {rel_error(got, expected):.1e}); at [{index}] expected "
        f"{expected[worst]:.6g}, got {got[worst]:.6g}."
    )


def _shape_problem(what: str, got: np.ndarray, expected: np.ndarray, hints: dict[str, str]) -> str:
    name = what.split()[0]
    head = f"{what}: wrong shape: expected {expected.shape}, got {got.shape}."
    if got.shape == expected.shape[::-1] and got.ndim == 2 and close(got.T, expected):
        return f"{what}: transposed: expected shape {expected.shape}, got {got.shape}. " + hints.get(
            f"transposed:{name}", f"A gradient has the shape of what it is the gradient of: {name} is {expected.shape}."
        )
    if got.size == expected.size and close(got.reshape(expected.shape), expected):
        return f"{head} The numbers are right; {hints.get(f'shape:{name}', 'check keepdims= and reshape.')}"
    if got.ndim == expected.ndim + 1 and got.shape[1:] == expected.shape and close(got.sum(axis=0), expected):
        return f"{head} Summed over the batch, it would be right: did you forget .sum(axis=0)?"
    if got.ndim == 0:
        return f"{head} {hints.get('scalar', 'Did you sum (or average) over every axis? Give np.sum an axis=.')}"
    return f"{head} {hints.get(f'size:{name}', '')}".rstrip()


# --- running a check ------------------------------------------------------------------------------------------
def _student_frame(exc: BaseException) -> str:
    """'line 3: return dy @ W' — the last line of the traceback outside NumPy and scratchnet."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if "scratchnet" not in f.filename.replace("\\", "/")]
    frames = [f for f in frames if "numpy" not in f.filename] or frames
    if not frames:
        return ""
    f = frames[-1]
    code = (f.line or "").strip()
    return f" (line {f.lineno}: `{code}`)" if code else f" (line {f.lineno})"


def _functions_in(value, depth: int = 5) -> set:
    """The code of every function among an exercise's inputs (the tape lesson hands over each op's backward)."""
    if depth == 0:
        return set()
    if callable(value) and hasattr(value, "__code__"):
        return {value.__code__}
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, (list, tuple)):
        return set().union(*(_functions_in(v, depth - 1) for v in value)) if value else set()
    if hasattr(value, "__dict__") and not isinstance(value, (type, np.ndarray)):  # a record such as a tape entry
        methods = {f.__code__ for f in vars(type(value)).values() if hasattr(f, "__code__")}
        return methods | _functions_in(vars(value), depth - 1)
    return set()


class _TimeLimit(BaseException):
    """Raised inside a student's function that runs past the time limit (a BaseException: `except Exception`
    in the student's code does not swallow it)."""


@contextlib.contextmanager
def _time_limit(seconds: float | None):
    """Interrupt the code inside after ``seconds`` (SIGALRM: the main thread of a POSIX process, as in a notebook;
    elsewhere no limit applies)."""
    usable = (
        seconds is not None and hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    )
    if not usable:
        yield
        return

    def interrupt(signum, frame):
        raise _TimeLimit

    previous = signal.signal(signal.SIGALRM, interrupt)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _call(fn, exercise: Exercise, inputs: dict, watch: LibraryCalls | None = None, timeout: float | None = None):
    # A naive softmax overflows on purpose here; the report says so, NumPy's warnings would only add noise.
    args = [inputs[a] for a in exercise.args]
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"), _time_limit(timeout):
        if watch is None:
            return fn(*args)
        with watch:
            return fn(*args)


def check_timeout(timeout) -> float | None:
    """The time limit of one call of a student's function, checked: a positive number of seconds, or None."""
    if timeout is None:
        return None
    ok = isinstance(timeout, (int, float)) and not isinstance(timeout, bool) and math.isfinite(timeout)
    if not ok or timeout <= 0:
        raise ValueError(
            f"exercises.check expected timeout to be a positive number of seconds, or None for no limit. "
            f"Received: timeout={timeout!r}."
        )
    return float(timeout)


def _as_outputs(exercise: Exercise, result) -> tuple | str:
    """The student's result as a tuple aligned with ``exercise.outputs``, or a sentence saying why it is not one."""
    n = len(exercise.outputs)
    if n == 1:
        return (result,)
    if result is None:
        return f"returned None, expected a tuple of {n}: ({', '.join(exercise.outputs)}). Did you forget `return`?"
    if not isinstance(result, (tuple, list)) or len(result) != n:
        count = len(result) if isinstance(result, (tuple, list)) else 1
        return f"returned {count} value(s), expected {n}: ({', '.join(exercise.outputs)}), in that order."
    return tuple(result)


def _changed(before, after) -> bool:
    if isinstance(before, np.ndarray):
        return not (isinstance(after, np.ndarray) and np.array_equal(before, after, equal_nan=True))
    return False


def check(exercise: Exercise, fn: Callable, seed: int = 0, timeout: float | None = 10.0) -> Report:
    """Run ``fn`` on the exercise's random cases and grade it (see :func:`scratchnet.exercises.check`)."""
    timeout = check_timeout(timeout)
    report = Report(exercise.signature)
    if not callable(fn):
        report.fail(f"expected a function to check. Received: {type(fn).__name__} {fn!r}.")
        return report
    rng = np.random.default_rng(seed)
    worst_ref = dict.fromkeys(exercise.outputs, 0.0)
    worst_num = dict.fromkeys(exercise.outputs, 0.0)
    shapes = []
    for case in range(exercise.cases):
        inputs = exercise.make_inputs(rng)
        shapes.append(_case_text(exercise, inputs))
        expected = tuple(np.asarray(e, dtype=np.float64) for e in exercise.reference(copy.deepcopy(inputs)))
        numeric = exercise.numeric(copy.deepcopy(inputs)) if exercise.numeric else None
        given = copy.deepcopy(inputs)
        watch = LibraryCalls(allowed=_functions_in(given))  # functions handed to the learner may be called
        try:
            result = _call(fn, exercise, given, watch, timeout)
        except _TimeLimit:
            report.fail(
                f"it did not return within {timeout:g} s on a small case ({shapes[-1]}): an infinite loop? Look "
                "for a `while` whose condition never changes. (Raise the limit with check(..., timeout=60).)"
            )
            return report
        except NotImplementedError:
            report.status = "not done"
            report.problems.append("it raises NotImplementedError: write your code under '# your code here'.")
            return report
        except Exception as exc:
            hint = exercise.hints.get("raised", "")
            report.fail(
                f"raised {type(exc).__name__}: {exc}{_student_frame(exc)}. "
                f"The inputs were {_case_text(exercise, inputs)}. {hint}".rstrip()
            )
            break
        if watch.message():
            report.fail(watch.message())
            break
        for a in exercise.args:
            if a not in exercise.may_modify and _changed(inputs[a], given[a]):
                report.fail(
                    f"changed its input `{a}` in place. Inputs belong to the caller: compute a new array "
                    f"(`{a} * mask`, not `{a} *= mask` or `{a}[...] = ...`)."
                )
            elif a in exercise.steps and _changed(inputs[a], given[a]):
                _note_in_place(report, a)
        outputs = _as_outputs(exercise, result)
        if isinstance(outputs, str):
            report.fail(outputs)
            break
        found = _diagnose_case(exercise, inputs, outputs, expected, report)
        if found:
            report.details.append(f"(found on case {case + 1} of {exercise.cases}: {shapes[-1]})")
            break
        for i, name in enumerate(exercise.outputs):
            got = np.asarray(outputs[i], dtype=np.float64)
            worst_ref[name] = max(worst_ref[name], rel_error(got, expected[i]))
            if numeric is None:
                continue
            error = rel_error(got, numeric[i])
            worst_num[name] = max(worst_num[name], error)
            if error > NUMERIC_TOLERANCE:
                report.fail(
                    f"{name}: agrees with the reference but not with finite differences (rel. error {error:.1e}): "
                    "the exercise's reference is wrong; please report it."
                )
    if report.passed:
        report.details.append(f"{exercise.cases} random cases in float64 ({'; '.join(shapes)}).")
        for name in exercise.outputs:
            line = f"{name}: rel. error {worst_ref[name]:.1e} against the reference"
            if exercise.numeric:
                line += f", {worst_num[name]:.1e} against finite differences"
            report.details.append(line + ".")
        _check_dtype(exercise, fn, rng, report)
    return report


def _note_in_place(report: Report, name: str) -> None:
    note = (
        f"your function changed `{name}` in place (allowed: scratchnet's optimizers do too). The caller's array "
        f"now holds the new value, so a list that keeps `{name}` after every step holds one array many times: "
        f"append `{name}.copy()`."
    )
    if note not in report.notes:
        report.notes.append(note)


def _diagnose_case(exercise: Exercise, inputs: dict, outputs: tuple, expected: tuple, report: Report) -> bool:
    """Diagnose every output of one case; True when something was wrong."""
    if _swapped_outputs(exercise, outputs, expected, report):
        return True
    factors = exercise.factors(inputs)
    wrong = False
    for name, got, exp in zip(exercise.outputs, outputs, expected, strict=True):
        base = np.asarray(inputs[name], dtype=np.float64) if name in exercise.steps else None
        problem = diagnose(name, got, exp, exercise, factors, base)
        if problem is None:
            continue
        wrong = True
        better = _known_mistake(exercise, inputs, name, got)
        report.fail(better or problem)
    return wrong


def _known_mistake(exercise: Exercise, inputs: dict, name: str, got) -> str | None:
    """A sentence from the exercise's list of known mistakes (or the forgotten dy) when ``got`` matches one."""
    i = exercise.outputs.index(name)
    try:
        got = np.asarray(got, dtype=np.float64)
    except (TypeError, ValueError):
        return None
    # Updates are compared as the change they make (see Exercise.steps).
    base = np.asarray(inputs[name], dtype=np.float64) if name in exercise.steps else 0.0
    if np.shape(base) not in ((), got.shape):
        return None
    candidates = list(exercise.mistakes)
    if exercise.upstream:

        def ignoring_upstream(inp):
            inp = dict(inp, **{exercise.upstream: np.ones_like(inp[exercise.upstream])})
            return exercise.reference(inp)

        message = (
            f"forgot to multiply by `{exercise.upstream}` (the gradient from above): the chain rule multiplies it in."
        )
        candidates.append((exercise.hints.get("upstream", message), ignoring_upstream))
    for message, wrong in candidates:
        with np.errstate(all="ignore"):  # a known mistake may overflow, as the answer it describes did
            value = wrong(copy.deepcopy(inputs))[i]
        if value is not None and _same(got - base, np.asarray(value, dtype=np.float64) - base):
            return f"{name}: {message}"
    return None


def _same(got: np.ndarray, value: np.ndarray) -> bool:
    """``close``, where NaN and inf must sit at the same places (an overflow is a mistake's fingerprint too)."""
    if got.shape != value.shape:
        return False
    finite = np.isfinite(got)
    if not np.array_equal(finite, np.isfinite(value)):
        return False
    if finite.all():
        return close(got, value)
    same_kind = np.array_equal(np.isnan(got), np.isnan(value))
    return same_kind and (not finite.any() or rel_error(got[finite], value[finite]) <= REFERENCE_TOLERANCE)


def _swapped_outputs(exercise: Exercise, outputs: tuple, expected: tuple, report: Report) -> bool:
    """Report outputs returned in the wrong order; True when there were any."""
    found = False
    for i, got in enumerate(outputs):
        for j, exp in enumerate(expected):
            if i != j and got is not None and not close(got, expected[i]) and close(_floats(got), exp):
                found = True
                report.fail(
                    f"returned {exercise.outputs[j]} in the place of {exercise.outputs[i]}: the order is "
                    f"({', '.join(exercise.outputs)})."
                )
    return found


def _floats(value) -> np.ndarray:
    try:
        return np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        return np.full((), np.nan)


def _check_dtype(exercise: Exercise, fn, rng, report: Report) -> None:
    """Note (without failing) when float32 inputs come back as float64: a silent promotion."""
    inputs = exercise.make_inputs(rng)
    given = {
        k: v.astype(np.float32) if isinstance(v, np.ndarray) and v.dtype == np.float64 else v for k, v in inputs.items()
    }
    try:
        outputs = _as_outputs(exercise, _call(fn, exercise, given))
    except Exception:
        return
    if isinstance(outputs, str):
        return
    for name, out in zip(exercise.outputs, outputs, strict=True):
        if isinstance(out, np.ndarray) and out.dtype == np.float64:
            report.notes.append(
                f"with float32 inputs your {name} came back as float64. An np.float64 scalar (np.sqrt on a "
                "number) or an int mask promotes float32 arrays; use Python floats (math.sqrt) and bool masks."
            )

"""The teacher's guide, written from the lesson plan and the exercise registry, so it says what the graders do.

For each exercise the guide lists what its check runs and every mistake it names by the sentence a learner will
read: the exercise's own list of known mistakes, its hints, and the diagnoses every check makes. Nothing is
written by hand twice: add a mistake to an exercise and the next ``python -m scratchnet.lab build`` lists it.
"""

from __future__ import annotations

from scratchnet import exercises
from scratchnet.exercises._core import NUMERIC_TOLERANCE, REFERENCE_TOLERANCE, Exercise
from scratchnet.lab.lessons import LESSONS, Lesson

GUIDE_URL = "docs/backprop.md"

# What each kind of hint answers, for the guide's list: "over:N" -> "off by a factor 1/N".
_HINT_KINDS = {
    "transposed": "{0} transposed",
    "over": "off by a factor 1/{0}",
    "times": "off by a factor {0}",
    "shape": "{0} in the wrong shape",
    "size": "{0} of the wrong size",
    "sign": "the wrong sign",
    "upstream": "a forgotten upstream gradient",
    "nan": "NaN or inf in the result",
    "raised": "an error raised",
    "scalar": "one number returned instead of an array",
}

EVERY_CHECK_NAMES = (
    "`None` returned (a forgotten `return`), or the wrong number of outputs, or outputs in the wrong order",
    "a wrong shape, with the expected and received shapes (a transpose, a lost `keepdims`, a missing `.sum(axis=0)`)",
    "the right numbers times a constant (which constant, when it is one the exercise knows), or the wrong sign",
    "an input changed in place (`dy *= mask`)",
    "an answer that calls scratchnet's own implementation (refused: the work must be the learner's)",
    "an error raised, with the learner's line that raised it",
)

LAYER_CHECK = (
    "the layer contract: `forward` returns an array of the shape `compute_output_shape` says, `backward` returns "
    "`dx` of the input's shape, `grads` matches `params`, neither `x` nor `dy` is changed",
    "`backward` is the learner's own: it calls none of scratchnet's functions but the `Layer` base class's",
    "`dx` and every parameter gradient against centred finite differences in float64 (`gradcheck.check_layer`)",
    "float32 in, float32 out: a float64 output, `dx` or gradient fails, naming the array",
    "the layer inside `Dense(8, tanh) -> layer -> Dense(3, softmax)` against finite differences "
    "(`gradcheck.check_model`)",
    "that model trains: its loss falls to at most 80% in 60 Adam steps",
)

LAYER_MISTAKES = (
    "`backward` returns None or the wrong shape; `grads` missing or of the wrong shape",
    '`dx` without `dy` ("forgot to multiply by `dy`")',
    'right where x > 0, wrong where x < 0: no gradient there, or `dy` unchanged ("did you forget alpha?"), alpha '
    '*without* `dy` ("did you forget dy on that side?"), or another slope, each named with the slope forward has '
    "there",
    "`dy` or `x` changed in place",
    "a float64 result from float32 inputs (`np.where(x > 0, 1.0, alpha)`), with the fix",
    "a call into scratchnet's own layers or functions",
    "a layer that passes the gradient checks but stops the model from learning",
)


def _describe_hint(key: str, text: str) -> str:
    kind, _, what = key.partition(":")
    label = _HINT_KINDS.get(kind, key).format(what)
    return f'{label}: "{text}"'


def what_it_checks(exercise: Exercise) -> list[str]:
    """The check of one function exercise, in sentences."""
    lines = [
        f"{exercise.cases} random cases in float64 (`{', '.join(exercise.args)}`), sizes drawn so that no two "
        "coincide: a transpose or a wrong axis cannot hide",
        f"every output (`{', '.join(exercise.outputs)}`) against scratchnet's own answer, to a relative error of "
        f"{REFERENCE_TOLERANCE:g}",
    ]
    if exercise.numeric:
        lines.append(
            f"every gradient against centred finite differences of the forward as well ({NUMERIC_TOLERANCE:g}): "
            "passing needs both"
        )
    if exercise.upstream:
        lines.append(f"a random upstream gradient `{exercise.upstream}`, so an answer that ignores it fails")
    if exercise.steps:
        lines.append(
            f"`{', '.join(exercise.steps)}` compared as the change the step makes, so a small learning rate cannot "
            "hide a wrong step"
        )
    if exercise.may_modify:
        lines.append(
            f"`{', '.join(exercise.may_modify)}` may be updated in place (as scratchnet's optimizers do); the report "
            "then notes what that means for the caller"
        )
    lines.append("an answer that calls scratchnet's own implementation is refused")
    lines.append("float32 inputs that come back float64 get a note (it does not fail)")
    return lines


def mistakes_named(exercise: Exercise) -> list[str]:
    """Every mistake the check of ``exercise`` names specifically, with the sentence it says."""
    named = [f'"{message}"' for message, _ in exercise.mistakes]
    if exercise.upstream and "upstream" not in exercise.hints:
        named.append(
            f'a forgotten `{exercise.upstream}`: "forgot to multiply by `{exercise.upstream}` (the gradient from '
            'above)"'
        )
    named += [_describe_hint(key, text) for key, text in exercise.hints.items() if text]
    return named


def _exercise_section(name: str) -> list[str]:
    if name.startswith("layer:"):
        out = [f"#### Exercise `exercises.check_layer({name.split(':', 1)[1]})`", "", "What its grader checks:", ""]
        out += [f"- {line}" for line in LAYER_CHECK]
        out += ["", "The mistakes it names:", ""] + [f"- {line}" for line in LAYER_MISTAKES]
        return [*out, ""]
    exercise = exercises.EXERCISES[name]
    out = [f"#### Exercise `{exercise.signature}`", "", exercise.description, "", "What its grader checks:", ""]
    out += [f"- {line}" for line in what_it_checks(exercise)]
    out += ["", "The mistakes it names (besides those every check names, listed at the top):", ""]
    out += [f"- {line}" for line in mistakes_named(exercise)] or ["- none beyond those"]
    return [*out, ""]


def lesson_section(lesson: Lesson, notebook_dir: str = "") -> list[str]:
    link = f"{notebook_dir}{lesson.stem}.ipynb"
    data = "Fashion-MNIST (see DATA.md)" if lesson.data else "none: it runs without a download"
    out = [
        f"## Lesson {lesson.number}: {lesson.title}",
        "",
        f"[{lesson.stem}.ipynb]({link}) · **{lesson.minutes} minutes** · data: {data}"
        + (f" · derivations: [{GUIDE_URL}]({GUIDE_URL}#{lesson.guide})" if lesson.guide else ""),
        "",
        "Objectives: the learner can",
        "",
    ]
    out += [f"- {o}" for o in lesson.objectives]
    out += ["", f"### Graded exercises ({len(lesson.exercises)} point{'s' * (len(lesson.exercises) != 1)})", ""]
    if not lesson.exercises:
        out += ["None: this lesson is for watching and discussing.", ""]
    for name in lesson.exercises:
        out += _exercise_section(name)
    out += ["### Discussion", ""] + [f"- {q}" for q in lesson.questions]
    return [*out, ""]


def guide(lessons: tuple[Lesson, ...] = LESSONS) -> str:
    """The whole teacher's guide, in Markdown."""
    total = sum(each.minutes for each in lessons)
    points = sum(len(each.exercises) for each in lessons)
    out = [
        "# Teacher's guide",
        "",
        f"{len(lessons)} lessons, {total} minutes in all, {points} graded exercises (one point each). For a two-hour "
        "lab pick lessons 1-5 (about 110 minutes) or 2, 3, 4 and 7. Every lesson runs top to bottom in a few "
        "seconds to a minute; the learner fills in the cells that say `# your code here` and the cell after each "
        "one checks the answer.",
        "",
        "The solutions are not in this folder: `python -m scratchnet.lab build DIR --answers` writes them to a "
        "folder of their own, for you. (The checks' sentences quoted below do show formulas, as a learner sees them "
        "after making that mistake.) Grading: `python -m scratchnet.lab grade submissions/*.ipynb --csv grades.csv` "
        "runs each notebook and counts the checks that passed (see README.md).",
        "",
        "| lesson | minutes | graded exercises |",
        "|---|---|---|",
    ]
    for each in lessons:
        names = ", ".join(f"`{n}`" for n in each.exercises) or "none"
        out.append(f"| [{each.number} · {each.title}]({each.stem}.ipynb) | {each.minutes} | {names} |")
    out += ["", "Every check of a function also names:", ""] + [f"- {line}" for line in EVERY_CHECK_NAMES] + [""]
    for each in lessons:
        out += lesson_section(each)
    return "\n".join(out)

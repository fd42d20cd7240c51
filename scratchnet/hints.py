"""Hints for learners: warnings for programs that run but are probably not doing what their author meant.

Each hint is given once per model, names what looks wrong, its likely cause, and the fix:

- at ``compile``: a loss on probabilities after a last layer that does not output them (the forgotten softmax
  or sigmoid), and ``from_logits=True`` after a softmax;
- during ``fit``: a first-batch loss far above ln C for a fresh classifier, a loss that turns NaN, a loss that
  rises over the first epoch (a learning rate too high);
- in ``predict``/``evaluate``: inputs on another scale than the training inputs (the forgotten ``/ 255``).
"""

from __future__ import annotations

import math
import warnings

from scratchnet import fused, losses
from scratchnet.checks import value_range

__all__ = ["InputScaleWarning", "TrainingHint", "check_compile", "check_epoch", "check_input_scale", "check_loss"]


class InputScaleWarning(UserWarning):
    """Inputs to predict/evaluate are on a clearly different scale from the ones the model was trained on."""


class TrainingHint(UserWarning):
    """Something in training looks wrong, with its likely cause (first loss far from ln C, loss turned NaN)."""


_CATEGORICAL = (losses.SparseCategoricalCrossentropy, losses.CategoricalCrossentropy)


def _warn_once(model, key: str, message: str, category, stacklevel: int) -> None:
    if key in model.hints_given:
        return
    model.hints_given.add(key)
    warnings.warn(message, category, stacklevel=stacklevel + 1)


def check_compile(model, loss, stacklevel: int = 3) -> None:
    """Warn when the loss and the model's output activation do not fit together."""
    if loss is None or not getattr(model, "layers", None):
        return
    activation = fused.output_activation(model)
    name = type(loss).__name__
    if isinstance(loss, _CATEGORICAL) and loss.from_logits and activation == "softmax":
        warnings.warn(
            f'"{name}" received `from_logits=True`, but the model ends in a Softmax, so its outputs are '
            "probabilities, not logits. Was this intended? Use from_logits=False, or remove the softmax from the "
            "last layer.",
            stacklevel=stacklevel,
        )
        return
    if getattr(loss, "from_logits", True) or activation is None:
        return
    wanted = (
        "softmax"
        if isinstance(loss, _CATEGORICAL)
        else "sigmoid"
        if isinstance(loss, losses.BinaryCrossentropy)
        else None
    )
    if wanted is None or activation == wanted:
        return
    what = {
        "linear": "any real numbers (it has no activation)",
        "relu": "non-negative numbers of any size (relu)",
        "sigmoid": "numbers in (0, 1) that do not sum to 1 (sigmoid)",
        "tanh": "numbers in (-1, 1) (tanh)",
        "softmax": "probabilities that sum to 1 over all units (softmax), not one probability per unit",
    }.get(activation, f"{activation} values")
    model.hints_given.add("outputs")  # the first-batch loss will be high for this reason, not the inputs' scale
    last = model.layers[-1].name
    kind = "probabilities (each row >= 0, summing to 1)" if wanted == "softmax" else "probabilities in [0, 1]"
    warnings.warn(
        f"{name} expects {kind}, but the last layer '{last}' outputs {what}. Two fixes: give the last layer "
        f"activation='{wanted}', or keep it as it is and let the loss apply the {wanted}: "
        f"loss=scratchnet.losses.{name}(from_logits=True).",
        TrainingHint,
        stacklevel=stacklevel,
    )


def check_input_scale(model, x, stacklevel: int = 3) -> None:
    """Warn (once) when predict/evaluate get inputs on another scale than fit did, e.g. pixels not / 255."""
    if model.train_range is None or "scale" in model.hints_given:
        return
    message = input_scale_message(model.train_range, value_range(x))
    if message:
        _warn_once(model, "scale", message, InputScaleWarning, stacklevel)


# The loss-rose rule (decided on measurements; see check_epoch): a window is a quarter of the first epoch, and the
# rule looks at epochs of at least this many batches, where a quarter averages out the noise of single batches.
_MIN_BATCHES = 8
_ROSE_FACTOR = 1.5  # the last quarter's mean loss above 1.5x the first quarter's ...
_ROSE_BY = 0.1  # ... and by more than 0.1


def check_loss(model, loss: float, epoch: int, step: int, stacklevel: int = 3) -> None:
    """Say so when the loss looks wrong, with its likely cause."""
    if not math.isfinite(loss):
        _warn_once(
            model,
            "nan",
            f"The loss became {loss} at epoch {epoch + 1}, batch {step + 1}. Likely causes: a learning rate too "
            "high for this model (try 10x smaller), or inputs on a huge scale (divide images by 255). Add "
            "callbacks=[scratchnet.callbacks.TerminateOnNaN()] to stop at once.",
            TrainingHint,
            stacklevel,
        )
        return
    if model.optimizer.iterations != step + 1:
        return  # the rules below look at the first epoch of a fresh model only, not at a later fit call's
    # The weight penalty is not the data's loss: a fresh model with an L2 penalty starts at ln C plus the penalty,
    # and the penalty shrinks as training goes. The rules compare the data's loss alone.
    data_loss = loss - model.regularization_loss()
    model.__dict__.setdefault("_first_epoch_losses", []).append(data_loss)  # for check_epoch
    if step == 0 and _is_classifier(model) and "outputs" not in model.hints_given:
        # A fresh classifier knows nothing, so it should give each of the C classes about 1/C:
        # its loss starts near -log(1/C) = ln C. Far above means the outputs are already extreme.
        num_classes = model.output_shape[-1]
        if data_loss > 2 * math.log(num_classes) + 1:
            _warn_once(
                model,
                "first_loss",
                f"The first batch's loss is {data_loss:.3g}, far above ln({num_classes}) = "
                f"{math.log(num_classes):.3g}, the loss of a fresh classifier that guesses uniformly. Likely cause: "
                "inputs on a large scale (did you divide images by 255?), or initial weights that are too large.",
                TrainingHint,
                stacklevel,
            )


def check_epoch(model, first_loss: float, epoch_loss: float, epoch: int, stacklevel: int = 3) -> None:
    """After the first epoch of a fresh model: a loss that rose over the epoch is training going the wrong way.

    The rule compares the mean loss of the epoch's last quarter of batches with that of its first quarter (at
    least 8 batches) or, for a classifier (4 batches or more), with ln C, the loss of guessing; so the noise of
    single batches cannot trigger it. It looks only at a model's first epoch of training, not at the first epoch of
    every ``fit`` call (notebooks call ``fit`` once per epoch). Measured on the corpus and the examples
    (tests/sweep/count_hints.py): the old rule (first batch against the epoch's mean) fired on healthy runs with
    small batches and on refits; this one on none, and still on a learning rate of 30
    (tests/test_hints_false_alarms.py).
    """
    losses_seen = model.__dict__.pop("_first_epoch_losses", None)
    if not losses_seen or len(losses_seen) < 4 or not all(map(math.isfinite, losses_seen)):
        return
    window = len(losses_seen) // 4
    head = sum(losses_seen[:window]) / window
    tail = sum(losses_seen[-window:]) / window
    # A classifier that ends its first epoch far worse than guessing uniformly (ln C) has diverged, even when the
    # loss jumped within the first quarter, so that the quarters compare two high values.
    chance = math.log(model.output_shape[-1]) if _is_classifier(model) else None
    worse_than_chance = chance is not None and losses_seen[0] <= 2 * chance + 1 and tail > chance + max(1, chance / 2)
    rose = len(losses_seen) >= _MIN_BATCHES and tail > _ROSE_FACTOR * head and tail - head > _ROSE_BY
    if worse_than_chance or rose:
        _warn_once(
            model,
            "diverging",
            f"The loss rose during the first epoch: {losses_seen[0]:.4g} on the first batch, {tail:.4g} on average "
            f"over the last {window} batches (the first {window}: {head:.4g})"
            f"{f', worse than guessing (ln C = {chance:.3g})' if worse_than_chance else ''}: gradient descent is "
            "moving away from the minimum. Likely cause: a "
            f"learning rate too high for this model (the optimizer's is {model.optimizer.learning_rate:g}; try 10x "
            "smaller), or inputs on a huge scale.",
            TrainingHint,
            stacklevel,
        )


def _is_classifier(model) -> bool:
    return isinstance(model.loss, _CATEGORICAL) and len(model.output_shape) == 2 and model.output_shape[1] > 1


def input_scale_message(trained: tuple[float, float], seen: tuple[float, float]) -> str | None:
    """A warning text when ``seen`` is on a clearly different scale than ``trained``, else None.

    "Clearly" means the largest magnitude differs by more than 10x: the classic case is a model trained on
    images / 255 (in [0, 1]) and then given raw pixels (in [0, 255]).
    """
    trained_scale = max(abs(trained[0]), abs(trained[1]))
    seen_scale = max(abs(seen[0]), abs(seen[1]))
    if trained_scale == 0 or seen_scale == 0 or 0.1 <= seen_scale / trained_scale <= 10:
        return None
    message = (
        f"The model was trained on inputs in [{trained[0]:.3g}, {trained[1]:.3g}]; these are in "
        f"[{seen[0]:.3g}, {seen[1]:.3g}], outside what it learned from: the predicted classes may still be "
        "mostly right, but the probabilities will be overconfident and the loss far off."
    )
    if trained_scale <= 1.5 and seen_scale > 50:
        message += " Did you forget to divide by 255 (x / 255.0), as for the training images?"
    elif seen_scale <= 1.5 and trained_scale > 50:
        message += " The training inputs were not divided by 255 but these are: scale them the same way."
    else:
        message += " Scale them the same way as the training inputs."
    return message

"""A loss written with tensor ops (a function, or a Keras-style ``Loss`` subclass with ``call``): the tape is its
backward.

scratchnet's own losses have their backward written out. A loss a learner writes the way Keras's guides do,

    def huber_fn(y_true, y_pred):
        error = y_true - y_pred
        is_small = sn.abs(error) < 1
        return sn.where(is_small, sn.square(error) / 2, sn.abs(error) - 0.5)

has none; :class:`TapedLoss` runs it under a GradientTape and plays the tape back:

    forward:   l = fn(y, p)           one value per example (N,) (or any shape: averaged as Keras does)
               L = mean(l)
    backward:  dp = tape.gradient(L, p)           the 1/N of the mean is on the tape, like every other step
"""

from __future__ import annotations

import warnings

import numpy as np

from scratchnet.losses.base import Loss
from scratchnet.tape.gradient_tape import GradientTape
from scratchnet.tape.ops import reduce_mean
from scratchnet.tape.tensor import TapeWarning, Tensor

__all__ = ["TapedLoss"]


class TapedLoss(Loss):
    """A loss function of your own, ``fn(y_true, y_pred) -> per-example losses``, differentiated by the tape.

    Args:
        fn: the function, written with scratchnet's tensor ops (``sn.square``, ``sn.where``, ``sn.reduce_mean``).
        name: its name (the function's ``__name__`` by default).
    """

    def __init__(self, fn, name: str | None = None):
        super().__init__(name=name or getattr(fn, "__name__", type(fn).__name__))
        self.fn = fn

    def validate(self, y_true, y_pred_shape):
        y_true = super().validate(y_true, y_pred_shape)
        if y_true.dtype.kind in "iub" and len(y_pred_shape) > 1 and y_true.ndim == 1 and y_pred_shape[-1] == 1:
            y_true = y_true.reshape(-1, 1)
        return y_true

    def _taped(self, y_true, y_pred):
        y = Tensor._wrap(np.asarray(y_true, dtype=y_pred.dtype) if np.asarray(y_true).dtype.kind == "f" else y_true)
        p = Tensor._wrap(y_pred)
        with GradientTape() as tape:
            tape.watch(p)
            per_example = self.fn(y, p)
            mean = reduce_mean(per_example)
        return tape, p, per_example, mean

    def forward(self, y_true, y_pred) -> float:
        return float(np.asarray(self.fn(Tensor._wrap(np.asarray(y_true)), Tensor._wrap(y_pred))).mean())

    def per_example(self, y_true, y_pred):
        values = np.asarray(self.fn(Tensor._wrap(np.asarray(y_true)), Tensor._wrap(y_pred)))
        return values.reshape(len(values), -1).mean(axis=1)

    def backward(self, y_true, y_pred):
        tape, p, _, mean = self._taped(y_true, y_pred)
        with warnings.catch_warnings():  # the tape's own warning would say less than the error below
            warnings.simplefilter("ignore", TapeWarning)
            grad = tape.gradient(mean, p)
        if grad is None:
            raise ValueError(
                f"Loss '{self.name}': its value does not depend on y_pred as the tape saw it, so it has no gradient. "
                "Was a NumPy function (np.mean, float()) used on a tensor? Write it with sn.* ops instead."
            )
        return grad.numpy()

    def __getattr__(self, name: str):
        # A Keras-style loss class keeps its own attributes (HuberLoss(2.0).threshold), also after load_model.
        original = self.__dict__.get("original")
        if original is None or name.startswith("__"):
            raise AttributeError(f"'{type(self).__name__}' object has no attribute {name!r}")
        return getattr(original, name)

    @property
    def saved_class_name(self) -> str:
        """What ``load_model`` finds this loss by in ``custom_objects``: the function's or the class's name."""
        original = getattr(self, "original", None)
        return type(original).__name__ if original is not None else getattr(self.fn, "__name__", "TapedLoss")

    def get_config(self) -> dict:
        original = getattr(self, "original", None)
        if original is not None and type(original).get_config is not Loss.get_config:
            return original.get_config()
        return {} if original is None else {"name": self.name}


def keras_loss_class_call(loss: Loss):
    """A ``Loss`` subclass written Keras's way (``call(y_true, y_pred)``): as a :class:`TapedLoss` of its call."""
    taped = TapedLoss(loss.call, name=getattr(loss, "name", None) or type(loss).__name__)
    taped.original = loss
    return taped

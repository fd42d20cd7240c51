"""The fused gradients: softmax + cross-entropy, and sigmoid + binary cross-entropy, decided once at compile.

When a model ends in a softmax, ``p = softmax(z)``, and its loss is cross-entropy on ``p``, backprop the long way
goes through two Jacobians: the loss's ``dp = -onehot(y) / (N * p)`` (losses.py), then the softmax's
``dz = p * (dp - (dp * p).sum(-1, keepdims=True))`` (nn.py). They multiply out to (derived in docs/backprop.md)

    dz = (p - onehot(y)) / N                                       z, p: (N, C)   y: (N,)

and a sigmoid output with binary cross-entropy likewise, since ``dp = (p - y) / (p * (1 - p)) / (N * D)`` and the
sigmoid's backward multiplies by ``p * (1 - p)``:

    dz = (p - y) / (N * D)                                         z, p, y: (N, D)

``fit`` uses these directly: the backward pass starts at the logits ``z``, *below* the output activation. Why:

- it is cheaper (no division, no Jacobian product);
- it is exact where the chain breaks down. The loss clips ``p`` to ``[1e-7, 1 - 1e-7]`` before its ``log`` (so
  that ``log(0)`` never happens), and the clipped ``dp`` no longer cancels the activation's factor. A confidently
  wrong sigmoid output (``z = -20``, ``p = 2e-9``, label 1) gets a chained ``dz`` of about ``-0.02`` where the true
  gradient is ``-1``: a model stuck on a wrong answer would barely learn to leave it. The fused form has no clip.

The loss *value* is the same either way. Keras does the same, hidden inside its losses. Here it is in plain sight:
at compile, :func:`choose` gives the model a fused-loss object, :class:`SoftmaxCrossentropy` or
:class:`SigmoidBinaryCrossentropy` (Deep Learning from Scratch's ``SoftmaxWithLoss``, the network's visible last
step), which the model holds as ``model.fused_loss``; ``Model.train_step`` calls its ``backward``. The tests check
fused == chained away from saturation.

A layer whose ``forward`` or ``backward`` you wrote yourself (a subclass of ``Dense`` that overrides ``backward``,
say) is never fused: its own backward is what you want checked, so the chained path runs through it.
"""

from __future__ import annotations

import numpy as np

from scratchnet import losses
from scratchnet.layers.activations import Activation

__all__ = [
    "FusedLoss",
    "SigmoidBinaryCrossentropy",
    "SoftmaxCrossentropy",
    "backward_below_activation",
    "choose",
    "output_activation",
    "sigmoid_binary_crossentropy_backward",
    "softmax_crossentropy_backward",
]


def softmax_crossentropy_backward(y_true: np.ndarray, p: np.ndarray) -> np.ndarray:
    """∂L/∂z of cross-entropy on ``p = softmax(z)``: ``dz = (p - onehot(y)) / N``.

    Args:
        y_true: integer labels (N,), or one-hot / soft labels (N, C).
        p: the softmax's output (N, C).

    Returns:
        dz, (N, C). For labels (N, C) whose rows do not sum to 1 (multi-hot), the general ``(p * sum_c y - y) / N``,
        which is the gradient of the loss ``fit`` reports for them.
    """
    n = p.shape[0]
    if y_true.ndim == 1:
        dz = p * (1.0 / n)
        dz[np.arange(n), y_true] -= 1.0 / n
        return dz
    return (p * y_true.sum(axis=-1, keepdims=True) - y_true) * (1.0 / n)


def sigmoid_binary_crossentropy_backward(y_true: np.ndarray, p: np.ndarray) -> np.ndarray:
    """∂L/∂z of binary cross-entropy on ``p = sigmoid(z)``: ``dz = (p - y) / (N * D)``, shape of ``p``."""
    return (p - y_true) * (1.0 / p.size)


class FusedLoss:
    """An output activation and the loss on top of it, differentiated as one step.

    The model still runs the activation in its forward (so ``predict`` returns probabilities) and the loss object
    still computes the loss value; what this object replaces is the backward of the two: ``backward(y, p)`` is
    ∂L/∂z, the gradient at the activation's *input*, and backprop continues below the activation from there.
    """

    #: The output activation this loss is fused with.
    activation = ""

    @staticmethod
    def backward(y_true: np.ndarray, p: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class SoftmaxCrossentropy(FusedLoss):
    """Softmax + (sparse) categorical cross-entropy as one step.

    Forward:   p = softmax(z)          z: (N, C)  ->  p: (N, C)      (run by the model's last layer)
               L = -mean(log p[i, y_i])                              (run by the loss)
    Backward:  dz = (p - onehot(y)) / N                              (N, C)    see softmax_crossentropy_backward
    """

    activation = "softmax"
    backward = staticmethod(softmax_crossentropy_backward)


class SigmoidBinaryCrossentropy(FusedLoss):
    """Sigmoid + binary cross-entropy as one step.

    Forward:   p = sigmoid(z)          z: (N, D)  ->  p: (N, D)
               L = -mean(y log p + (1 - y) log(1 - p))
    Backward:  dz = (p - y) / (N * D)                                (N, D)    see sigmoid_binary_crossentropy_backward
    """

    activation = "sigmoid"
    backward = staticmethod(sigmoid_binary_crossentropy_backward)


def output_activation(layer) -> str | None:
    """The name of ``layer``'s last step if it is an activation (``'softmax'``, ``'relu'``, ...), else None.

    Follows nested models to their last layer, and a ``Dense`` (or any layer with an ``activation`` step) to
    that step.
    """
    layer = _last_leaf(layer)
    if isinstance(layer, Activation):
        return layer.activation_name
    step = getattr(layer, "activation", None)
    return step.activation_name if isinstance(step, Activation) else None


def choose(model, loss) -> FusedLoss | None:
    """The fused loss that ``model`` trained with ``loss`` should use, or None for the chained path.

    Fused when the output activation is softmax and the loss is (sparse) categorical cross-entropy on
    probabilities, or the output is a sigmoid and the loss binary cross-entropy on probabilities; and the last
    layer is scratchnet's own code (see the module docstring).
    """
    if loss is None or getattr(loss, "from_logits", True) or not getattr(model, "layers", None):
        return None
    last = _last_leaf(model)
    if not _is_library_code(last):
        return None
    activation = output_activation(model)
    if activation == "softmax" and isinstance(
        loss, (losses.SparseCategoricalCrossentropy, losses.CategoricalCrossentropy)
    ):
        return SoftmaxCrossentropy()
    if activation == "sigmoid" and isinstance(loss, losses.BinaryCrossentropy):
        return SigmoidBinaryCrossentropy()
    return None


def backward_below_activation(layer, dz: np.ndarray) -> np.ndarray | None:
    """Backward through ``layer`` given ``dz`` at the input of its output activation (the fused path).

    An activation layer hands ``dz`` straight down (the loss has already gone through it); a layer with its own
    activation step (Dense, Conv2D) runs its ``backward_linear``; a nested model does this for its last layer,
    then the usual backward for the ones before.
    """
    if isinstance(layer, Activation):
        return dz
    if hasattr(layer, "backward_from_logits"):  # a nested model
        return layer.backward_from_logits(dz)
    return layer.backward_linear(dz)


def _last_leaf(layer):
    while getattr(layer, "layers", None):
        layer = layer.layers[-1]
    return layer


def _is_library_code(layer) -> bool:
    """Whether ``layer``'s forward and backward (and backward_linear) are scratchnet's, not a subclass's own."""
    for method in ("forward", "backward", "backward_linear"):
        owner = next((cls for cls in type(layer).__mro__ if method in cls.__dict__), None)
        if owner is not None and not owner.__module__.startswith("scratchnet."):
            return False
    return True

"""Looking inside a model without changing it: the copy the tools run on, and the layers of nested models.

``explain``, ``LayerStats`` and ``gradcheck`` use these (and the model's public ``parameter_slots()``,
``backprop_layers()``, ``fused_backward`` and :mod:`scratchnet.checks`), never a model's private state.
"""

from __future__ import annotations

import copy

from scratchnet.layers.base import Layer

__all__ = ["detached_copy", "is_model", "leaf_layers"]


def detached_copy(model):
    """A deep copy of ``model`` to run passes on, sharing no array, cache or random generator with it.

    The copy has the same weights and the same random state, so a forward pass on it with ``training=True``
    draws the dropout masks the model would draw next, but nothing happens to the model. Its optimizer is left
    out (``copy.optimizer is None``): the copy is for looking, never for training, and Adam's state is twice
    the size of the model.
    """
    memo = {} if model.optimizer is None else {id(model.optimizer): None}
    try:
        return copy.deepcopy(model, memo)
    except Exception as e:
        raise TypeError(
            f"Looking inside model '{model.name}' works on a deep copy of it, so that nothing of the model "
            f"changes, and the copy failed. Received: {type(e).__name__}: {e}. Does a layer of yours hold "
            "something that cannot be copied (an open file, a lock, a generator)? Keep only arrays and numbers "
            "on layers."
        ) from e


def is_model(layer) -> bool:
    """Whether ``layer`` is a model (a Sequential inside a model), whose own layers are shown one by one."""
    return hasattr(layer, "parameter_slots") and hasattr(layer, "layers")


def leaf_layers(model) -> list[Layer]:
    """The layers of ``model`` with nested Sequential models opened up, first to last."""
    leaves = []
    for layer in model.layers:
        leaves += leaf_layers(layer) if is_model(layer) else [layer]
    return leaves

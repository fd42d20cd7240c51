"""``clone_model``: the same architecture with new weights, as ``keras.models.clone_model``.

The clone is rebuilt from the model's configuration (what ``model.save`` writes), so it shares no layer and no
array with the original; its weights are drawn afresh (call ``clone.set_weights(model.get_weights())`` to copy
them, as Keras programs do). It is not compiled.
"""

from __future__ import annotations

from scratchnet.models.saving import layer_from_json, layer_to_json

__all__ = ["clone_model"]


def clone_model(model, input_tensors=None, clone_function=None, **kwargs):
    """A new model with ``model``'s architecture and freshly initialized weights."""
    if input_tensors is not None or clone_function is not None or kwargs:
        raise ValueError(
            "clone_model(): input_tensors, clone_function and the other options are not supported by scratchnet. "
            "Call clone_model(model), then change the clone."
        )
    if not hasattr(model, "parameter_slots"):
        raise TypeError(f"clone_model() expected a model. Received: {type(model).__name__}.")
    spec = layer_to_json(model)
    spec["config"].pop("seed", None)  # a new generator, so new weights even for a seeded model
    clone = layer_from_json(spec)
    if model.built and not clone.built:
        clone.build(model.input_shape)
    return clone

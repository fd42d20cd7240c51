"""The optimizer's running state and the random generators, saved with the model so that training resumes exactly.

``model.save`` (and ``ModelCheckpoint`` without ``save_weights_only``) stores, since format version 2:

    optimizer_000, optimizer_001, ...   the optimizer's state arrays in the order ``optimizer.state_arrays()`` gives
                                        them (SGD's velocities, Adam's first then second moments, RMSprop's and
                                        Adagrad's accumulators, ...)
    model_config["optimizer_state"]     ``iterations`` (Adam's t, a schedule's step), Nadam's ``u_product``, the
                                        number of arrays, and the state of every random generator of the model
                                        (the one ``fit`` shuffles with, and each Dropout's)

Why the generators: ``fit`` shuffles with the model's generator, one permutation per pass, so the third epoch of a
run draws the third permutation. Saving the generator's state (rather than deriving each epoch's order from a seed
and the epoch number) keeps the shuffles of an uninterrupted run exactly as before, and makes "train 2 epochs, save,
load, train 1 more" give bit for bit the weights of 3 epochs straight (float64; tests/test_resume.py).

Files of format version 1 hold none of this: they load with a fresh optimizer, as before.
"""

from __future__ import annotations

import numpy as np

__all__ = ["restore", "saved_state"]

_SCALARS = ("iterations", "u_product")  # the optimizer's running numbers besides its arrays


def _generators(model) -> list[np.random.Generator]:
    """The model's generator, then every generator its layers hold (Dropout's), in layer order."""
    found = [model.rng] if isinstance(getattr(model, "rng", None), np.random.Generator) else []
    for layer in getattr(model, "layers", []):
        if hasattr(layer, "layers"):
            found += _generators(layer)
        else:
            found += [v for v in vars(layer).values() if isinstance(v, np.random.Generator)]
    return found


def saved_state(model) -> tuple[dict, dict[str, np.ndarray]]:
    """``(the JSON part, the arrays)`` to save for ``model``; empty when it has no optimizer."""
    generators = [g.bit_generator.state for g in _generators(model)]
    optimizer = getattr(model, "optimizer", None)
    if optimizer is None:
        return {"generators": generators}, {}
    built = getattr(optimizer, "_built_shapes", None) is not None
    per_weight = _per_weight(list(optimizer.state_arrays()), model.trainable_weights) if built else []
    spec = {
        "generators": generators,
        "built": built,
        "arrays": len(per_weight),
        **{name: getattr(optimizer, name) for name in _SCALARS if hasattr(optimizer, name)},
    }
    return spec, {f"optimizer_{i:03d}": a for i, a in enumerate(per_weight)}


def _per_weight(state: list[np.ndarray], weights: list[np.ndarray]) -> list[np.ndarray]:
    """The state one array per weight, kind after kind (Adam: every m, then every v), whatever the layout in use.

    With the speed switch on, the optimizer sees one flat vector of all parameters (``speed.flat_parameters``), so
    its state is one flat vector per kind; files always hold the per-weight form, so they load in either mode.
    """
    if len(state) % max(len(weights), 1) == 0 and all(
        s.shape == w.shape for s, w in zip(state, weights * (len(state) // max(len(weights), 1)), strict=True)
    ):
        return [np.array(s) for s in state]
    sizes = np.cumsum([w.size for w in weights])[:-1]
    return [
        part.reshape(w.shape).copy() for flat in state for part, w in zip(np.split(flat, sizes), weights, strict=True)
    ]


def restore(model, spec: dict | None, arrays: dict[str, np.ndarray], path: str) -> None:
    """Put the saved generators' states and the optimizer's state back, after the model is built and compiled."""
    if not spec:
        return  # format version 1: a fresh optimizer, as these files always loaded
    generators = _generators(model)
    states = spec.get("generators") or []
    if len(states) == len(generators):
        for g, state in zip(generators, states, strict=True):
            try:
                g.bit_generator.state = state
            except (TypeError, ValueError, KeyError):
                pass  # another kind of generator: keep the fresh one (the shuffles then differ, nothing else)
    optimizer = getattr(model, "optimizer", None)
    if optimizer is None or not spec.get("built"):
        return
    weights = model.trainable_weights
    params = model.optimizer_arrays()[0]  # the layout the next update will use: each weight, or one flat vector
    optimizer.build(params)
    optimizer._built_shapes = [(p.shape, p.dtype) for p in params]
    own = list(optimizer.state_arrays())
    stored = [arrays.get(f"optimizer_{i:03d}") for i in range(int(spec.get("arrays", 0)))]
    expected = [w.shape for w in weights] * (len(own) // max(len(params), 1))
    if len(stored) != len(expected) or any(s is None or s.shape != e for s, e in zip(stored, expected, strict=False)):
        raise ValueError(
            f"load_model(): '{path}' is damaged: its optimizer state ({len(stored)} arrays) does not fit its own "
            f"{type(optimizer).__name__} ({len(expected)} arrays). Load it with compile=False and compile again to "
            "train with a fresh optimizer."
        )
    for k, o in enumerate(own):
        if len(params) == len(weights):
            o[...] = stored[k]
        else:  # one flat vector per kind (the speed switch): the kind's per-weight arrays, concatenated
            o[...] = np.concatenate([s.ravel() for s in stored[k * len(weights) : (k + 1) * len(weights)]])
    for name in _SCALARS:
        if name in spec and hasattr(optimizer, name):
            setattr(optimizer, name, type(getattr(optimizer, name))(spec[name]))

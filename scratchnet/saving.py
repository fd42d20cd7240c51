"""Saving and loading: a model as one ``.npz`` file, its architecture as JSON beside its weights, no pickle.

    model.save("model.npz")                      # architecture, compile settings, weights
    model = scratchnet.models.load_model("model.npz")
    model.save_weights("w.npz"); model.load_weights("w.npz")

The file is an ordinary NumPy ``.npz`` (a zip of ``.npy`` arrays): ``weight_000``, ``weight_001``, ... in Keras
order, ``weight_names`` (JSON bytes) and, for a whole model, ``model_config`` (JSON bytes: format version, class,
config, compile settings). Nothing in it can run code when loaded. Every write goes to a temporary file in the
same folder that is then renamed over the target, so a crash never leaves a half-written file.
"""

from __future__ import annotations

import json
import os
import tempfile

import numpy as np

from scratchnet import layers, losses, optimizers

__all__ = ["load_model", "load_weights", "save_model", "save_weights"]

FORMAT_VERSION = 1


def save_model(model, path) -> None:
    """Save architecture (JSON), compile settings and weights to one ``.npz`` file.

    The optimizer's running state (Adam's moments) is not saved: training resumes with a fresh optimizer.
    """
    model.check_built("save")
    spec = {"format_version": FORMAT_VERSION, "class_name": type(model).__name__, "config": model.get_config()}
    if model.optimizer is not None:
        spec["compile"] = {
            "optimizer": {"class_name": type(model.optimizer).__name__, "config": model.optimizer.get_config()},
            "loss": None
            if model.loss is None
            else {"class_name": type(model.loss).__name__, "config": model.loss.get_config()},
            "metrics": model.metric_names,
        }
    arrays = _weight_arrays(model)
    arrays["model_config"] = _json_bytes(spec)
    _atomic_savez(path, arrays)


def save_weights(model, path) -> None:
    """Save all weights to a ``.npz`` file, atomically."""
    model.check_built("save_weights")
    _atomic_savez(path, _weight_arrays(model))


def load_weights(model, path) -> None:
    """Load weights saved by :func:`save_weights` or :func:`save_model` into ``model`` (shapes checked first)."""
    model.check_built("load_weights")
    with np.load(path, allow_pickle=False) as data:
        weights = [data[k] for k in _weight_keys(data.files)]
    model.set_weights(weights)


def load_model(path, custom_objects: dict | None = None):
    """Load a model saved with ``model.save(path)``: architecture, compile settings and weights."""
    with np.load(path, allow_pickle=False) as data:
        if "model_config" not in data.files:
            raise ValueError(
                f"load_model: {path} holds weights only (no model_config). Build the model in code, then call "
                "model.load_weights(path)."
            )
        spec = json.loads(bytes(data["model_config"]).decode())
        weights = [data[k] for k in _weight_keys(data.files)]
    model = layer_from_json(spec, custom_objects)
    if model.built:
        model.set_weights(weights)
    compile_spec = spec.get("compile")
    if compile_spec:
        optimizer = optimizers.OPTIMIZERS[compile_spec["optimizer"]["class_name"].lower()](
            **compile_spec["optimizer"]["config"]
        )
        loss = None
        if compile_spec["loss"] is not None:
            loss_cls = {cls.__name__: cls for cls in losses.LOSSES.values()}[compile_spec["loss"]["class_name"]]
            loss = loss_cls(**compile_spec["loss"]["config"])
        model.compile(optimizer=optimizer, loss=loss, metrics=compile_spec["metrics"] or None)
    return model


def layer_to_json(layer) -> dict:
    return {"class_name": type(layer).__name__, "config": layer.get_config()}


def layer_from_json(spec: dict, custom_objects: dict | None = None):
    cls = layers.get(spec["class_name"], custom_objects)
    if hasattr(cls, "parameter_slots"):  # a model: its layers may need custom_objects too
        return cls.from_config(spec["config"], custom_objects=custom_objects)
    return cls.from_config(spec["config"])


def _weight_arrays(model) -> dict:
    arrays = {f"weight_{i:03d}": w for i, w in enumerate(model.trainable_weights)}
    arrays["weight_names"] = _json_bytes(model.weight_names)
    return arrays


def _weight_keys(files) -> list[str]:
    # By number, not by name: "weight_1000" sorts before "weight_200" as a string.
    keys = [k for k in files if k.startswith("weight_") and k[len("weight_") :].isdigit()]
    return sorted(keys, key=lambda k: int(k[len("weight_") :]))


def _json_bytes(obj) -> np.ndarray:
    return np.frombuffer(json.dumps(obj).encode(), dtype=np.uint8)


def _atomic_savez(path, arrays: dict) -> None:
    """Write ``arrays`` to ``path`` as .npz via a temp file in the same folder, fsync, then rename.

    os.replace is atomic, so whoever opens ``path`` sees either the old file or the complete new one, never a
    half-written one; the temp file is removed if anything fails.
    """
    path = os.fspath(path)
    folder = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{os.path.basename(path)}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            np.savez(f, **arrays)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise

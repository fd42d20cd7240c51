"""Saving and loading models: one ``.npz`` file of plain arrays plus the architecture as JSON, never a pickle.

``model.save(path)`` writes everything needed to rebuild the model; ``model.save_weights(path)`` only the weights.
Both are ``.npz`` archives (a zip of ``.npy`` arrays) that ``np.load(path, allow_pickle=False)`` can open:

    weight_000, weight_001, ...   the weight arrays in Keras order (``model.weight_arrays()``, non-trainable ones
                                  too); the number is the array's position, read as a number (weight_1000 after
                                  weight_999)
    weight_names                  JSON list of ``'layer/key'`` names, UTF-8 bytes stored as uint8
    model_config                  (``model.save`` only) JSON: ``format_version``, ``class_name``, the model's
                                  ``get_config()`` and its compile settings (optimizer, loss, metrics)
    optimizer_000, ...            (``model.save`` only, format 2) the optimizer's state; with the generators' states
                                  in ``model_config``, training resumes exactly (:mod:`.optimizer_state`)

Loading trusts nothing: a file that is empty, cut short, an HDF5 or Keras file, a weights-only file given to
``load_model``, a newer format or a damaged JSON each get an error naming the file and saying what it is not.

>>> import scratchnet as sn
>>> # model.save("model.npz");  same = sn.models.load_model("model.npz")
"""

from __future__ import annotations

import inspect
import json
import os
import re
import zipfile

import numpy as np

from scratchnet import layers as layers_module
from scratchnet import losses, optimizers
from scratchnet.models import optimizer_state
from scratchnet.models.atomic_write import atomic_savez
from scratchnet.models.load_limits import check_depth, check_sizes, check_weight_headers, scan_npz

__all__ = ["FORMAT_VERSION", "load_model", "load_weights", "save_model", "save_weights"]

FORMAT_VERSION = 2
"""The version of the file layout written by this scratchnet; loading accepts this version and older.

1: weights, architecture, compile settings. 2 (scratchnet 0.3): also the optimizer's state and the random
generators' (``optimizer_000``, ...; see :mod:`scratchnet.models.optimizer_state`), so training resumes exactly."""

# Keras's .keras archives hold these; scratchnet's .npz archives never do.
_KERAS_MEMBERS = ("config.json", "metadata.json", "model.weights.h5", "model.weights.npz")


# --- the public API ----------------------------------------------------------------------------------------------
def save_model(model, path) -> None:
    """Save architecture (JSON), compile settings and weights to one ``.npz`` file, atomically; no pickle.

    Load it back with :func:`load_model`. The optimizer's running state (Adam's moments and step count) and the
    random generators are saved too, so training resumes exactly where it stopped.

    Raises:
        ValueError: the model is not built yet, or ``path`` is empty.
        FileNotFoundError, IsADirectoryError, NotADirectoryError, PermissionError: ``path`` cannot be written;
            the message names it and says what to do.
    """
    path = _check_save_path(path, "save")
    _check_built(model, "save")
    spec = {"format_version": FORMAT_VERSION, "class_name": type(model).__name__, "config": model.get_config()}
    if model.optimizer is not None and (model.loss is None or hasattr(model.loss, "get_config")):
        spec["compile"] = {
            "optimizer": {"class_name": type(model.optimizer).__name__, "config": model.optimizer.get_config()},
            "loss": None
            if model.loss is None
            else {"class_name": _class_name(model.loss), "config": model.loss.get_config()},
            "metrics": list(model.metric_names),
        }
    spec["optimizer_state"], state_arrays = optimizer_state.saved_state(model)
    arrays = {**_weight_arrays(model), **state_arrays}
    arrays["model_config"] = _json_bytes(spec)
    atomic_savez(path, arrays, "save")


def save_weights(model, path) -> None:
    """Save all weights to a ``.npz`` file, atomically (a crash never leaves a half-written file behind)."""
    path = _check_save_path(path, "save_weights")
    _check_built(model, "save_weights")
    atomic_savez(path, _weight_arrays(model), "save_weights")


def load_weights(model, path, max_bytes: int | None = None) -> None:
    """Load weights saved by :func:`save_weights` or :func:`save_model` into ``model``, in place.

    Every shape is checked before anything is written, so a mismatch leaves the model unchanged.
    """
    _check_built(model, "load_weights")
    path = _check_load_path(path, "load_weights")
    headers = scan_npz(path, "load_weights", max_bytes)
    check_weight_headers(headers, model, path, "load_weights")
    arrays = _read_npz(path, "load_weights")
    weights = _ordered_weights(arrays, path, "load_weights")
    try:
        model.set_weights(weights)
    except ValueError as e:
        raise ValueError(f"load_weights(): the weights in '{path}' do not fit this model. {e}") from None


def load_model(
    path, custom_objects: dict | None = None, compile: bool = True, safe_mode: bool = True, max_bytes: int | None = None
):
    """Load a model saved with ``model.save(path)``: architecture, compile settings and weights.

    Args:
        path: the file ``model.save`` wrote.
        custom_objects: your own classes the saved model uses, by class name, as in Keras:
            ``load_model(path, custom_objects={"LeakyReLU": LeakyReLU})``. A custom layer is rebuilt with
            ``cls.from_config(config)``, i.e. ``cls(**layer.get_config())``.
        compile: False leaves the model uncompiled (as Keras's ``compile=False``): no optimizer, loss or metrics.
        safe_mode: accepted for Keras's signature. Loading is always safe here: nothing is ever unpickled.
        max_bytes: the most array data the file may declare (else ``$SCRATCHNET_MAX_LOAD_BYTES``, else 1 GiB);
            see :mod:`scratchnet.models.load_limits`: headers are checked before any array is read.

    Raises:
        ValueError: the file is not a model saved by scratchnet (it says what it is instead), or it uses a
            class that is neither built in nor in ``custom_objects``.

    >>> # model.save("model.npz"); same = load_model("model.npz")
    """
    custom_objects = _check_custom_objects(custom_objects)
    for name, flag in (("compile", compile), ("safe_mode", safe_mode)):
        if not isinstance(flag, (bool, np.bool_)):
            raise TypeError(f"load_model() expected {name} to be True or False. Received: {name}={flag!r}.")
    path = _check_load_path(path, "load_model")
    headers = scan_npz(path, "load_model", max_bytes)
    arrays = _read_npz(path, "load_model", only=("model_config", "weight_names"))
    if "model_config" not in arrays:
        if "weight_names" in arrays:
            raise ValueError(
                f"load_model(): '{path}' holds weights only (no model_config): it was written by "
                "model.save_weights, so the architecture is missing. Build the same model in code, then call "
                f"model.load_weights('{path}'). To save everything next time, use model.save(path)."
            )
        _not_ours(arrays, path, "load_model")
    spec = _decode_json(arrays["model_config"], path, "model_config", "load_model")
    _check_spec(spec, path)
    _check_classes(spec["config"], path, custom_objects)
    check_sizes(spec["config"], headers, path)
    try:
        model = layer_from_json(spec, custom_objects)
    except (KeyError, TypeError, ValueError) as e:
        raise ValueError(
            f"load_model(): could not rebuild the model saved in '{path}' from its config: "
            f"{type(e).__name__}: {e}. If it uses a layer of your own, check that its get_config() returns "
            "exactly the arguments its __init__ takes."
        ) from None
    if model.built:
        check_weight_headers(headers, model, path, "load_model")
        arrays.update(_read_npz(path, "load_model"))
        weights = _ordered_weights(arrays, path, "load_model")
        try:
            model.set_weights(weights)
        except ValueError as e:
            raise ValueError(
                f"load_model(): '{path}' is damaged: its weights do not fit its own architecture. {e}"
            ) from None
    if compile and spec.get("compile"):
        _compile_from_spec(model, spec["compile"], path, custom_objects)
    if model.built:
        optimizer_state.restore(model, spec.get("optimizer_state"), arrays, path)
    return model


def _class_name(obj) -> str:
    """The name ``load_model`` looks the object up by: its class's, or the function's for a loss of your own."""
    return getattr(obj, "saved_class_name", None) or type(obj).__name__


def layer_to_json(layer) -> dict:
    """``{"class_name": ..., "config": layer.get_config()}``: how a layer is written in ``model_config``."""
    return {"class_name": type(layer).__name__, "config": layer.get_config()}


def layer_from_json(spec: dict, custom_objects: dict | None = None):
    """The layer (or nested model) that :func:`layer_to_json` wrote; ``custom_objects`` are looked up first.

    Model classes (Sequential) are found in the same registry as layers (``scratchnet.layers.register``), so
    this module never imports the models module, which imports it.
    """
    cls = layers_module.get(spec["class_name"], custom_objects)
    if hasattr(cls, "parameter_slots"):  # a model: its own layers may need custom_objects too
        return cls.from_config(spec["config"], custom_objects=custom_objects)
    return cls.from_config(spec["config"])


# --- writing ---------------------------------------------------------------------------------------------------------
def _check_built(model, who: str) -> None:
    if not model.built:
        raise ValueError(
            f"Model '{model.name}' is not built yet, so {who}() has no weights to work on. Build it first: "
            "call it on data (fit, predict, model(x)), or give the first layer an input_shape."
        )


def _weight_arrays(model) -> dict[str, np.ndarray]:
    arrays = {f"weight_{i:03d}": w for i, w in enumerate(model.weight_arrays())}
    arrays["weight_names"] = _json_bytes(list(model.weight_names))
    return arrays


def _json_bytes(obj) -> np.ndarray:
    return np.frombuffer(json.dumps(obj).encode(), dtype=np.uint8)


def _as_path(path, who: str) -> str:
    if isinstance(path, bytes):
        path = os.fsdecode(path)
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(
            f"{who}() expected a file path (a str or a pathlib.Path), e.g. {who}('model.npz'). "
            f"Received: path={path!r} of type {type(path).__name__}."
        )
    path = os.fspath(path)
    if isinstance(path, bytes):
        path = os.fsdecode(path)
    if not path.strip():
        raise ValueError(f"{who}() needs a file name, e.g. {who}('model.npz'). Received: path={path!r}.")
    return path


def _check_save_path(path, who: str) -> str:
    """The path to write, checked so that every problem is reported with the user's path, not a temp file's."""
    path = _as_path(path, who)
    if os.path.isdir(path) or path.endswith(("/", os.sep)):
        stem = path.rstrip("/" + os.sep) or "model"
        what = "is a folder" if os.path.isdir(path) else "ends with a slash, so it names a folder"
        raise IsADirectoryError(
            f"{who}(): '{path}' {what}, and scratchnet saves a model as one file. Give a file name, e.g. "
            f"{who}('{os.path.join(stem, 'model.npz')}') to save inside the folder, or {who}('{stem}.npz')."
        )
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.exists(folder):
        raise FileNotFoundError(
            f"{who}(): cannot save to '{path}': the folder '{folder}' does not exist. Create it first with "
            f"os.makedirs({folder!r}, exist_ok=True), or choose another path."
        )
    if not os.path.isdir(folder):
        raise NotADirectoryError(
            f"{who}(): cannot save to '{path}': '{folder}' is a file, not a folder. Choose another path."
        )
    return path


# --- reading ---------------------------------------------------------------------------------------------------------
def _check_load_path(path, who: str) -> str:
    path = _as_path(path, who)
    if os.path.isdir(path):
        what = (
            "a TensorFlow SavedModel folder, which scratchnet cannot read"
            if os.path.exists(os.path.join(path, "saved_model.pb"))
            else "a folder"
        )
        raise IsADirectoryError(
            f"{who}(): '{path}' is {what}, not a file saved by scratchnet. Give the path of the file that "
            "model.save(...) wrote, e.g. 'model.npz'."
        )
    if not os.path.exists(path):
        hint = ""
        if os.path.exists(path + ".npz"):
            hint = f" Did you mean '{path}.npz'?"
        raise FileNotFoundError(f"{who}(): there is no file '{path}' (looked in {os.getcwd()}).{hint}")
    return path


def _read_npz(path: str, who: str, only: tuple[str, ...] | None = None) -> dict[str, np.ndarray]:
    """The arrays (all, or those in ``only``) of a scratchnet .npz file; never unpickles. Call scan_npz first."""
    try:
        with open(path, "rb") as f:
            head = f.read(8)
    except PermissionError:
        raise PermissionError(f"{who}(): no permission to read '{path}'.") from None
    except OSError as e:
        raise OSError(f"{who}(): cannot read '{path}': {e.strerror or e}.") from None
    size = os.path.getsize(path)
    if size == 0:
        raise ValueError(
            f"{who}(): '{path}' is empty (0 bytes): it holds no model and no weights. It was probably cut short "
            "while being written or copied; save the model again."
        )
    if head.startswith(b"\x89HDF"):
        raise ValueError(
            f"{who}(): '{path}' is an HDF5 file (Keras's .h5 format), not a file saved by scratchnet, which saves "
            "models as .npz archives. scratchnet cannot read HDF5. To bring Keras weights over, build the same "
            "model in scratchnet and call model.set_weights(keras_model.get_weights())."
        )
    if head.startswith(b"\x93NUMPY"):
        raise ValueError(
            f"{who}(): '{path}' is a single NumPy array (.npy, written by np.save), not a model or weights file "
            "saved by scratchnet (an .npz archive written by model.save or model.save_weights)."
        )
    if not head.startswith(b"PK"):
        raise ValueError(
            f"{who}(): '{path}' is not a file saved by scratchnet: scratchnet saves .npz archives (zip files, "
            f"starting with b'PK'), and this file starts with {head!r}."
        )
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.namelist()
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as e:
        raise ValueError(_damaged(path, who, size, e)) from None
    if any(m in _KERAS_MEMBERS for m in members):
        raise ValueError(
            f"{who}(): '{path}' is a Keras .keras archive (it holds {', '.join(sorted(members))}), not a file saved "
            "by scratchnet. scratchnet cannot read Keras files. To bring Keras weights over, build the same model in "
            "scratchnet and call model.set_weights(keras_model.get_weights())."
        )
    if not members or not all(m.endswith(".npy") for m in members):
        shown = ", ".join(members[:5]) + (", ..." if len(members) > 5 else "")
        raise ValueError(
            f"{who}(): '{path}' is a zip archive but not a file saved by scratchnet (an .npz of arrays). "
            f"It holds: {shown or 'nothing'}."
        )
    try:
        with np.load(path, allow_pickle=False) as data:
            return {key: data[key] for key in data.files if only is None or key in only}
    except ValueError as e:
        if "pickle" in str(e):
            raise ValueError(
                f"{who}(): '{path}' holds pickled Python objects. scratchnet never writes them, and never loads "
                "them, because unpickling can run any code. It is not a file saved by scratchnet."
            ) from None
        raise ValueError(_damaged(path, who, size, e)) from None
    except Exception as e:  # zipfile, zlib and NumPy's own errors for a damaged member
        raise ValueError(_damaged(path, who, size, e)) from None


def _damaged(path: str, who: str, size: int, error: Exception) -> str:
    return (
        f"{who}(): '{path}' is damaged or cut short ({size:,} bytes): it starts like a scratchnet .npz archive, "
        f"but cannot be read ({type(error).__name__}: {error}). Was the save or the copy interrupted? "
        "Save the model again."
    )


def _not_ours(arrays: dict, path: str, who: str) -> None:
    names = sorted(arrays)
    shown = ", ".join(names[:5]) + (", ..." if len(names) > 5 else "")
    raise ValueError(
        f"{who}(): '{path}' is an .npz file, but not one saved by scratchnet: it holds arrays named {shown}, not "
        "weight_000, weight_001, ... and weight_names. If they are your model's weights in order, load them with "
        f"data = np.load('{path}'); model.set_weights([data[k] for k in data.files])."
    )


def _ordered_weights(arrays: dict, path: str, who: str) -> list[np.ndarray]:
    """The weight arrays in the order they were saved: by the number in their key, not alphabetically."""
    if "weight_names" not in arrays:
        _not_ours(arrays, path, who)
    names = _decode_json(arrays["weight_names"], path, "weight_names", who)
    numbered = {}
    for key in arrays:
        match = re.fullmatch(r"weight_(\d+)", key)
        if match:
            numbered[int(match.group(1))] = arrays[key]
    if sorted(numbered) != list(range(len(numbered))) or (isinstance(names, list) and len(names) != len(numbered)):
        raise ValueError(
            f"{who}(): '{path}' is damaged: it names {len(names) if isinstance(names, list) else '?'} weight arrays "
            f"but holds {len(numbered)} (numbers {sorted(numbered)[:5]}...). Save the model again."
        )
    return [numbered[i] for i in range(len(numbered))]


def _decode_json(array: np.ndarray, path: str, key: str, who: str):
    text = np.asarray(array, dtype=np.uint8).tobytes()
    check_depth(text, path, key, who)
    try:
        return json.loads(text.decode("utf-8"))
    except (ValueError, TypeError, UnicodeDecodeError, RecursionError) as e:
        raise ValueError(
            f"{who}(): '{path}' is damaged: its '{key}' entry is not valid JSON ({e}). Save the model again."
        ) from None


def _check_spec(spec, path: str) -> None:
    if not isinstance(spec, dict) or "format_version" not in spec:
        raise ValueError(
            f"load_model(): '{path}' has a model_config that scratchnet did not write (no format_version). "
            "It is not a model saved by scratchnet's model.save."
        )
    version = spec["format_version"]
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise ValueError(
            f"load_model(): '{path}' has an unknown format_version {version!r}; scratchnet writes whole numbers "
            f"from 1 to {FORMAT_VERSION}. It is not a model saved by scratchnet."
        )
    if version > FORMAT_VERSION:
        raise ValueError(
            f"load_model(): '{path}' was saved by a newer scratchnet (format_version {version}); this one reads "
            f"format_version {FORMAT_VERSION} and older. Upgrade scratchnet (pip install -U scratchnet), or save "
            "the weights with model.save_weights and load them into a model built in code."
        )
    if spec.get("class_name") not in ("Sequential", "Functional", "Graph") or not isinstance(spec.get("config"), dict):
        raise ValueError(
            f"load_model(): '{path}' holds a {spec.get('class_name')!r}; scratchnet can only load a saved "
            "Sequential model."
        )


def _check_custom_objects(custom_objects) -> dict:
    if custom_objects is None:
        return {}
    if not isinstance(custom_objects, dict) or not all(isinstance(k, str) for k in custom_objects):
        raise TypeError(
            "load_model() expected custom_objects to be a dict from class name to class, e.g. "
            f"custom_objects={{'LeakyReLU': LeakyReLU}}. Received: custom_objects={custom_objects!r}."
        )
    for name, obj in custom_objects.items():
        if not isinstance(obj, type) and not inspect.isfunction(obj):  # a function: a loss or metric of your own
            raise TypeError(
                f"load_model(): custom_objects[{name!r}] must be a class, not an instance. "
                f"Received: {obj!r}. Pass the class itself: custom_objects={{{name!r}: {type(obj).__name__}}}."
            )
    return dict(custom_objects)


def _check_classes(config: dict, path: str, custom_objects: dict) -> None:
    """Every layer class the saved model names must be built in or given in custom_objects."""
    if not isinstance(config, dict) or not isinstance(config.get("layers", []), list):
        raise ValueError(f"load_model(): '{path}' is damaged: its model config has no list of layers.")
    for spec in config.get("layers", []):
        if not isinstance(spec, dict) or not isinstance(spec.get("class_name"), str):
            raise ValueError(f"load_model(): '{path}' is damaged: a layer entry has no class_name: {spec!r}.")
        name = spec["class_name"]
        if name in ("Sequential", "Functional", "Graph"):
            _check_classes(spec.get("config", {}), path, custom_objects)
        elif name not in custom_objects and name not in layers_module.LAYERS:
            raise ValueError(
                f"load_model(): '{path}' uses the layer class '{name}', which is not built into scratchnet "
                f"(built in: {', '.join(sorted(layers_module.LAYERS))}). If it is your own class, either pass it: "
                f"load_model('{path}', custom_objects={{'{name}': {name}}}), or build the model in code and call "
                f"model.load_weights('{path}')."
            )


def _compile_from_spec(model, spec: dict, path: str, custom_objects: dict) -> None:
    try:
        optimizer = _rebuild(
            spec["optimizer"], {cls.__name__: cls for cls in optimizers.OPTIMIZERS.values()}, custom_objects
        )
        loss = None
        if spec.get("loss") is not None:
            loss = _rebuild(spec["loss"], {cls.__name__: cls for cls in losses.LOSSES.values()}, custom_objects)
        metric_names = spec.get("metrics") or None
    except (KeyError, TypeError, ValueError) as e:
        raise ValueError(
            f"load_model(): the compile settings saved in '{path}' cannot be restored: {e} The weights and "
            "architecture are fine; build the model in code and call model.load_weights(path), then compile it."
        ) from None
    model.compile(optimizer=optimizer, loss=loss, metrics=metric_names)


def _rebuild(spec: dict, known: dict, custom_objects: dict):
    name = spec["class_name"]
    cls = custom_objects.get(name) or known.get(name)
    if cls is None:
        raise ValueError(
            f"It uses the class '{name}', which is not built into scratchnet; pass it with "
            f"custom_objects={{'{name}': {name}}}."
        )
    if not isinstance(cls, type):  # a loss function of your own, from custom_objects: compile takes it as it is
        return cls
    try:
        return cls(**spec.get("config", {}))
    except TypeError as e:
        raise ValueError(f"{name}(**{spec.get('config')}) failed: {e}.") from None

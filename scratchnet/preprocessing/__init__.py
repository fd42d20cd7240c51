"""``keras.preprocessing``: ``image`` (ImageDataGenerator), ``text`` (Tokenizer), ``sequence`` (pad_sequences),
and ``image_dataset_from_directory``; each loaded on first use."""

import importlib

__all__ = ["image", "image_dataset_from_directory", "sequence", "text"]


def __getattr__(name: str):
    if name in ("image", "text", "sequence"):
        return importlib.import_module(f"{__name__}.{name}")
    if name == "image_dataset_from_directory":
        return importlib.import_module(f"{__name__}.directory").image_dataset_from_directory
    hint = f"it has {', '.join(__all__)}"
    if name == "text_dataset_from_directory":
        hint = "read the files with Python, then sn.data.Dataset.from_tensor_slices((texts, labels))"
    raise importlib.import_module("scratchnet.utils").missing_name(__name__, name, hint)

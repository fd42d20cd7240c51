"""``keras.preprocessing``: ``image`` (ImageDataGenerator), ``text`` (Tokenizer), ``sequence`` (pad_sequences),
and ``image_dataset_from_directory``; each loaded on first use."""

import importlib

__all__ = ["image", "image_dataset_from_directory", "sequence", "text"]


def __getattr__(name: str):
    if name in ("image", "text", "sequence"):
        return importlib.import_module(f"{__name__}.{name}")
    if name in ("image_dataset_from_directory", "text_dataset_from_directory"):
        if name == "text_dataset_from_directory":
            raise AttributeError(
                "scratchnet has no text_dataset_from_directory: read the files with Python, then "
                "sn.data.Dataset.from_tensor_slices((texts, labels))."
            )
        return importlib.import_module(f"{__name__}.directory").image_dataset_from_directory
    raise AttributeError(f"module 'scratchnet.preprocessing' has no attribute {name!r}: it has {', '.join(__all__)}.")

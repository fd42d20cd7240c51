"""Image files on disk: list a folder of class subfolders, and read an image with Pillow as a float32 array.

The layout both ``image_dataset_from_directory`` and ``flow_from_directory`` read, as Keras does::

    main_directory/
        class_a/  a_001.png  a_002.jpg ...
        class_b/  b_001.png ...

Classes are the subfolder names in alphabetical order (label 0 is the first); files are taken in sorted order.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

__all__ = ["IMAGE_EXTENSIONS", "array_to_img", "img_to_array", "list_by_class", "load_img", "save_img"]

IMAGE_EXTENSIONS = (".png", ".jpg", ".jpeg", ".bmp", ".gif", ".ppm", ".tif", ".tiff", ".webp")
_MODES = {"grayscale": "L", "rgb": "RGB", "rgba": "RGBA"}


def list_by_class(directory, classes=None, who: str = "image_dataset_from_directory"):
    """``(paths, labels, class_names)``: every image file under each class subfolder, sorted."""
    root = Path(directory)
    if not root.is_dir():
        raise FileNotFoundError(
            f"{who}(): no such folder: {str(directory)!r}. Pass the folder that holds one subfolder per class."
        )
    class_names = list(classes) if classes is not None else sorted(p.name for p in root.iterdir() if p.is_dir())
    paths, labels = [], []
    for label, name in enumerate(class_names):
        folder = root / name
        if not folder.is_dir():
            raise FileNotFoundError(f"{who}(): the class folder {str(folder)!r} does not exist.")
        found = sorted(
            os.path.join(dirpath, f)
            for dirpath, _, files in os.walk(folder, followlinks=False)
            for f in files
            if f.lower().endswith(IMAGE_EXTENSIONS)
        )
        paths += found
        labels += [label] * len(found)
    return paths, np.asarray(labels, dtype=np.int64), class_names


def color_mode_of(color_mode: str, who: str) -> str:
    if color_mode not in _MODES:
        raise ValueError(
            f"{who}() expected color_mode to be one of {list(_MODES)}. Received: color_mode={color_mode!r}."
        )
    return _MODES[color_mode]


def load_img(path, color_mode="rgb", target_size=None, interpolation="nearest", grayscale=False, **_):
    """The image at ``path`` as a Pillow image, converted to ``color_mode`` and resized to ``target_size``
    ((height, width)) if given."""
    from PIL import Image  # Pillow is loaded only by code that reads images

    mode = "L" if grayscale else color_mode_of(color_mode, "load_img")
    try:
        with Image.open(path) as image:
            image = image.convert(mode)
    except OSError as e:
        raise ValueError(f"load_img(): cannot read {str(path)!r} as an image ({e}).") from None
    if target_size is not None:
        height, width = target_size
        resample = {"nearest": Image.NEAREST, "bilinear": Image.BILINEAR, "bicubic": Image.BICUBIC}.get(
            interpolation, Image.NEAREST
        )
        if image.size != (width, height):
            image = image.resize((width, height), resample)
    return image


def img_to_array(img, data_format=None, dtype="float32") -> np.ndarray:
    """A Pillow image as an array (height, width, channels), values 0-255 in ``dtype``."""
    array = np.asarray(img, dtype=dtype)
    return array[..., None] if array.ndim == 2 else array


def array_to_img(x, data_format=None, scale=True, dtype=None):
    """An array (height, width, channels) as a Pillow image; with ``scale``, its values stretched to 0-255."""
    from PIL import Image

    x = np.asarray(x, dtype=np.float64)
    if scale:
        x = x - x.min()
        x = x / x.max() * 255 if x.max() > 0 else x
    x = np.clip(x, 0, 255).astype(np.uint8)
    return Image.fromarray(x[..., 0] if x.shape[-1] == 1 else x)


def save_img(path, x, data_format=None, file_format=None, scale=True, **kwargs) -> None:
    """Save an array (height, width, channels) as an image file."""
    array_to_img(x, scale=scale).save(path, format=file_format, **kwargs)


def read_images(paths, color_mode: str, size, interpolation: str) -> np.ndarray:
    """The images at ``paths`` as one float32 batch (N, height, width, channels)."""
    return np.stack(
        [img_to_array(load_img(p, color_mode=color_mode, target_size=size, interpolation=interpolation)) for p in paths]
    )

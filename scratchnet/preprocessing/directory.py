"""``image_dataset_from_directory``: a folder of class subfolders of images as a batched ``sn.data.Dataset``.

The images are listed once and read with Pillow only as batches are drawn, so the folder may be larger than memory.
"""

from __future__ import annotations

import numpy as np

from scratchnet.data import Dataset
from scratchnet.preprocessing.files import color_mode_of, list_by_class, read_images

__all__ = ["image_dataset_from_directory"]


def _split(paths, labels, validation_split, subset, seed, shuffle):
    if validation_split is None and subset is None:
        return paths, labels
    if subset not in ("training", "validation", "both") or not validation_split or not 0 < validation_split < 1:
        raise ValueError(
            "image_dataset_from_directory() expected validation_split in (0, 1) with subset 'training', "
            f"'validation' or 'both'. Received: validation_split={validation_split!r}, subset={subset!r}."
        )
    if shuffle and seed is None:
        raise ValueError(
            "image_dataset_from_directory(): with validation_split and shuffle=True, pass a seed (e.g. seed=123), "
            "so the training and validation calls split the files the same way."
        )
    cut = len(paths) - int(validation_split * len(paths))  # as Keras: the validation files are the last ones
    return (paths[:cut], labels[:cut]) if subset == "training" else (paths[cut:], labels[cut:])


def image_dataset_from_directory(directory, labels="inferred", label_mode="int", class_names=None, color_mode="rgb",
                                 batch_size=32, image_size=(256, 256), shuffle=True, seed=None, validation_split=None,
                                 subset=None, interpolation="bilinear", follow_links=False, crop_to_aspect_ratio=False,
                                 **_):  # fmt: skip
    """A Dataset of ``(images, labels)`` batches from ``directory/<class name>/<image files>``, as Keras builds it.

    Images are float32 (batch, height, width, channels) with values 0-255, resized to ``image_size``. Labels follow
    ``label_mode``: ``"int"`` (class index), ``"categorical"`` (one-hot), ``"binary"`` (0/1 of two classes, shape
    (batch, 1)) or None (images only). The dataset's ``class_names`` lists the subfolders, label 0 first.
    ``subset="both"`` returns the training and the validation datasets.
    """
    if labels != "inferred":
        raise ValueError(
            "image_dataset_from_directory(): only labels='inferred' (from the subfolder names) is supported. "
            f"Received: labels={labels!r}."
        )
    if label_mode not in ("int", "categorical", "binary", None):
        raise ValueError(
            "image_dataset_from_directory() expected label_mode 'int', 'categorical', 'binary' or None. "
            f"Received: label_mode={label_mode!r}."
        )
    color_mode_of(color_mode, "image_dataset_from_directory")
    paths, found, names = list_by_class(directory, class_names)
    if label_mode == "binary" and len(names) != 2:
        raise ValueError(
            f"image_dataset_from_directory(label_mode='binary') needs exactly 2 classes. Received: {len(names)} "
            f"({names}). Use label_mode='int' or 'categorical'."
        )
    print(f"Found {len(paths)} files belonging to {len(names)} classes.")
    if shuffle:  # shuffled once, with the seed, before the split: both subsets see every class
        order = np.random.default_rng(seed).permutation(len(paths))
        paths, found = [paths[i] for i in order], found[order]
    if subset == "both":
        return tuple(
            _dataset(
                *_split(paths, found, validation_split, part, seed, shuffle),
                names,
                label_mode,
                color_mode,
                batch_size,
                image_size,
                shuffle,
                seed,
                interpolation,
                part,
            )
            for part in ("training", "validation")
        )
    paths, found = _split(paths, found, validation_split, subset, seed, shuffle)
    return _dataset(paths, found, names, label_mode, color_mode, batch_size, image_size, shuffle, seed,
                    interpolation, subset)  # fmt: skip


def _dataset(paths, labels, names, label_mode, color_mode, batch_size, image_size, shuffle, seed, interpolation,
             subset):  # fmt: skip
    if subset is not None:
        print(f"Using {len(paths)} files for {subset}.")
    paths = np.asarray(paths)
    if label_mode == "categorical":
        labels = np.eye(len(names), dtype=np.float32)[labels]
    elif label_mode == "binary":
        labels = labels.astype(np.float32)[:, None]
    else:
        labels = labels.astype(np.int32)
    ds = Dataset.from_tensor_slices((paths, labels))
    if shuffle:
        ds = ds.shuffle(buffer_size=max(1, batch_size * 8), seed=seed)
    if batch_size is not None:
        ds = ds.batch(batch_size)
        read = lambda p, y: (read_images(p, color_mode, tuple(image_size), interpolation), y)  # noqa: E731
    else:
        read = lambda p, y: (read_images([p], color_mode, tuple(image_size), interpolation)[0], y)  # noqa: E731
    ds = ds.map(read if label_mode is not None else lambda p, y: read(p, y)[0])
    ds.class_names = names
    ds.file_paths = list(paths)
    return ds

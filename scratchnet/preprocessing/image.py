"""``keras.preprocessing.image``: ``ImageDataGenerator`` and its iterators, and the image file helpers.

``ImageDataGenerator(rescale=1/255, rotation_range=40, ...)`` describes random changes; ``flow(x, y)`` and
``flow_from_directory(folder)`` return iterators of augmented batches that ``model.fit`` takes as they are. Each
batch gets its own random rotation, shift, shear and zoom (one affine warp per image, :mod:`scratchnet.layers.
image_warp`), then flips, then ``rescale``, in Keras's order.

>>> import numpy as np
>>> batches = ImageDataGenerator(rescale=1 / 255).flow(np.full((5, 4, 4, 1), 255.0), np.arange(5), batch_size=2)
>>> len(batches), batches[0][0].max()
(3, np.float32(1.0))
"""

from __future__ import annotations

import math
import numbers

import numpy as np

from scratchnet import utils
from scratchnet.layers.image_warp import FILL_MODES, affine_matrices, warp
from scratchnet.preprocessing.files import (
    array_to_img,
    color_mode_of,
    img_to_array,
    list_by_class,
    load_img,
    read_images,
    save_img,
)

__all__ = [
    "DirectoryIterator",
    "ImageDataGenerator",
    "NumpyArrayIterator",
    "array_to_img",
    "img_to_array",
    "load_img",
    "save_img",
]


def _range(name: str, value, low=None) -> tuple[float, float]:
    if isinstance(value, (tuple, list)) and len(value) == 2:
        return float(value[0]), float(value[1])
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or value < 0:
        raise ValueError(f"ImageDataGenerator expected {name} to be a non-negative number. Received: {name}={value!r}.")
    return (-float(value), float(value)) if low is None else (low - float(value), low + float(value))


class ImageDataGenerator:
    """Random augmentation of image batches, as Keras 2's ``ImageDataGenerator``.

    Args:
        rescale: multiply every pixel by this (after the other changes), e.g. ``1/255``.
        rotation_range: rotate by up to this many degrees either way.
        width_shift_range, height_shift_range: shift by up to this fraction of the width/height (< 1) or this
            many pixels (>= 1).
        shear_range: shear by up to this angle, in degrees.
        zoom_range: a float z (zoom by [1 - z, 1 + z]) or [low, high]; above 1 zooms out, as in Keras.
        horizontal_flip, vertical_flip: flip half the images.
        fill_mode: "nearest", "constant" (with ``cval``), "reflect" or "wrap": what fills the pixels a warp moves in.
        validation_split: the fraction ``subset="validation"`` takes (``"training"`` the rest).
        preprocessing_function: a function of one image (H, W, C), applied first.
    """

    def __init__(self, rescale=None, rotation_range=0, width_shift_range=0.0, height_shift_range=0.0,
                 shear_range=0.0, zoom_range=0.0, horizontal_flip=False, vertical_flip=False, fill_mode="nearest",
                 cval=0.0, validation_split=0.0, preprocessing_function=None, brightness_range=None,
                 channel_shift_range=0.0, featurewise_center=False, samplewise_center=False,
                 featurewise_std_normalization=False, samplewise_std_normalization=False, zca_whitening=False,
                 data_format=None, dtype="float32", interpolation_order=1):  # fmt: skip
        for name, on in (("featurewise_center", featurewise_center), ("zca_whitening", zca_whitening),
                         ("featurewise_std_normalization", featurewise_std_normalization),
                         ("brightness_range", brightness_range), ("channel_shift_range", channel_shift_range),
                         ("samplewise_center", samplewise_center),
                         ("samplewise_std_normalization", samplewise_std_normalization)):  # fmt: skip
            if on:
                raise ValueError(
                    f"ImageDataGenerator: {name} is not supported by scratchnet. Received: {name}={on!r}. Normalize "
                    "with rescale=1/255, or a layers.Normalization layer in the model."
                )
        if fill_mode not in FILL_MODES:
            raise ValueError(
                f"ImageDataGenerator expected fill_mode to be one of {list(FILL_MODES)}. Received: "
                f"fill_mode={fill_mode!r}."
            )
        if not 0 <= validation_split < 1:
            raise ValueError(
                "ImageDataGenerator expected validation_split in [0, 1). Received: "
                f"validation_split={validation_split!r}."
            )
        self.rescale = rescale
        self.rotation_range = float(rotation_range)
        self.width_shift_range, self.height_shift_range = width_shift_range, height_shift_range
        self.shear_range = float(shear_range)
        self.zoom_range = _range("zoom_range", zoom_range, low=1.0)
        self.horizontal_flip, self.vertical_flip = bool(horizontal_flip), bool(vertical_flip)
        self.fill_mode, self.cval = fill_mode, float(cval)
        self.validation_split = float(validation_split)
        self.preprocessing_function = preprocessing_function
        self.dtype = np.dtype(dtype)

    def _shift(self, value, size: int, n: int, rng) -> np.ndarray:
        low, high = _range("a shift range", value)
        pixels = rng.uniform(low, high, n)
        return pixels * size if abs(high) < 1 else pixels

    def random_transforms(self, images: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """A batch (N, H, W, C) with each image warped, flipped and rescaled at random (a new array)."""
        x = images.astype(self.dtype)
        if self.preprocessing_function is not None:
            x = np.stack([np.asarray(self.preprocessing_function(image), self.dtype) for image in x])
        n, h, w, _ = x.shape
        theta = np.deg2rad(rng.uniform(-self.rotation_range, self.rotation_range, n))
        tx = self._shift(self.height_shift_range, h, n, rng)
        ty = self._shift(self.width_shift_range, w, n, rng)
        shear = np.deg2rad(rng.uniform(-self.shear_range, self.shear_range, n))
        zx, zy = rng.uniform(*self.zoom_range, (2, n)) if self.zoom_range != (1.0, 1.0) else (np.ones(n),) * 2
        if np.any(theta) or np.any(tx) or np.any(ty) or np.any(shear) or self.zoom_range != (1.0, 1.0):
            x = warp(x, affine_matrices(h, w, theta, tx, ty, shear, zx, zy), self.fill_mode, self.cval)
        if self.horizontal_flip:
            flip = rng.random(n) < 0.5
            x[flip] = x[flip, :, ::-1]
        if self.vertical_flip:
            flip = rng.random(n) < 0.5
            x[flip] = x[flip, ::-1]
        if self.rescale:
            x *= self.dtype.type(self.rescale)
        return x

    def random_transform(self, x, seed=None) -> np.ndarray:
        """One image (H, W, C) changed at random."""
        return self.random_transforms(np.asarray(x)[None], utils.make_rng(seed))[0]

    def standardize(self, x) -> np.ndarray:
        """``x`` rescaled (the only standardization scratchnet's generator does)."""
        x = np.asarray(x, self.dtype)
        return x * self.dtype.type(self.rescale) if self.rescale else x

    def fit(self, x, augment=False, rounds=1, seed=None) -> None:
        """Nothing to measure: the featurewise statistics it would compute are not supported."""

    def flow(self, x, y=None, batch_size=32, shuffle=True, sample_weight=None, seed=None, subset=None, **_):
        """Batches of augmented ``x`` (N, H, W, C), with ``y`` (and ``sample_weight``) if given."""
        return NumpyArrayIterator(self, x, y, batch_size, shuffle, seed, subset, sample_weight)

    def flow_from_directory(self, directory, target_size=(256, 256), color_mode="rgb", classes=None,
                            class_mode="categorical", batch_size=32, shuffle=True, seed=None, subset=None,
                            interpolation="nearest", **_):  # fmt: skip
        """Batches of augmented images read from ``directory/<class>/<image files>``, with their labels."""
        return DirectoryIterator(self, directory, target_size, color_mode, classes, class_mode, batch_size,
                                 shuffle, seed, subset, interpolation)  # fmt: skip

    def _split(self, n: int, subset, who: str) -> slice:
        """Keras's split: the validation subset is the first ``validation_split`` of the examples."""
        if subset is None:
            return slice(0, n)
        if subset not in ("training", "validation"):
            raise ValueError(f"{who}() expected subset 'training', 'validation' or None. Received: subset={subset!r}.")
        if not self.validation_split:
            raise ValueError(
                f"{who}(subset={subset!r}) needs ImageDataGenerator(validation_split=...) to say how much to hold out."
            )
        cut = int(n * self.validation_split)
        return slice(0, cut) if subset == "validation" else slice(cut, n)


class BatchIterator:
    """What ``flow`` returns: batches by index (``it[i]``, ``len(it)``), and batches forever (``next(it)``),
    reshuffled after each pass; this is a Keras ``Sequence``, which ``fit`` takes as one."""

    def __init__(self, generator: ImageDataGenerator, n: int, batch_size, shuffle, seed):
        self.image_data_generator = generator
        self.n = n
        self.batch_size = int(batch_size)
        self.shuffle = bool(shuffle)
        self.rng = utils.make_rng(seed)
        self.batch_index = 0
        self.on_epoch_end()

    def on_epoch_end(self) -> None:
        self.index_array = self.rng.permutation(self.n) if self.shuffle else np.arange(self.n)

    def __len__(self) -> int:
        return math.ceil(self.n / self.batch_size)

    def __getitem__(self, idx: int):
        if not 0 <= idx < len(self):
            raise IndexError(f"Asked to retrieve batch {idx}, but the iterator has {len(self)} batches.")
        return self._batch(self.index_array[idx * self.batch_size : (idx + 1) * self.batch_size])

    def __iter__(self):
        return self

    def __next__(self):
        if self.batch_index >= len(self):
            self.batch_index = 0
            self.on_epoch_end()
        self.batch_index += 1
        return self[self.batch_index - 1]

    def reset(self) -> None:
        self.batch_index = 0


class NumpyArrayIterator(BatchIterator):
    """Augmented batches of arrays in memory (``ImageDataGenerator.flow``)."""

    def __init__(self, generator, x, y, batch_size, shuffle, seed, subset, sample_weight):
        x = np.asarray(x)
        if x.ndim != 4:
            raise ValueError(
                "ImageDataGenerator.flow() expected images of shape (N, height, width, channels). Received: "
                f"x.shape={x.shape}. Add the channel axis: x[..., np.newaxis]."
            )
        if y is not None and len(y) != len(x):
            raise ValueError(
                "ImageDataGenerator.flow() expected as many labels as images. Received: "
                f"x.shape={x.shape}, len(y)={len(y)}."
            )
        part = generator._split(len(x), subset, "flow")
        self.x = x[part]
        self.y = None if y is None else np.asarray(y)[part]
        self.sample_weight = None if sample_weight is None else np.asarray(sample_weight)[part]
        super().__init__(generator, len(self.x), batch_size, shuffle, seed)

    def _batch(self, rows):
        xb = self.image_data_generator.random_transforms(self.x[rows], self.rng)
        if self.y is None:
            return xb
        if self.sample_weight is None:
            return xb, self.y[rows]
        return xb, self.y[rows], self.sample_weight[rows]


class DirectoryIterator(BatchIterator):
    """Augmented batches of image files, read with Pillow as they are needed (``flow_from_directory``)."""

    def __init__(self, generator, directory, target_size, color_mode, classes, class_mode, batch_size, shuffle,
                 seed, subset, interpolation):  # fmt: skip
        if class_mode not in ("categorical", "binary", "sparse", "input", None):
            raise ValueError(
                "flow_from_directory() expected class_mode 'categorical', 'binary', 'sparse', 'input' or None. "
                f"Received: class_mode={class_mode!r}."
            )
        color_mode_of(color_mode, "flow_from_directory")
        paths, labels, class_names = list_by_class(directory, classes, "flow_from_directory")
        keep = np.zeros(len(paths), bool)
        for label in range(len(class_names)):  # Keras splits each class's files, so both subsets have every class
            own = np.flatnonzero(labels == label)
            keep[own[generator._split(len(own), subset, "flow_from_directory")]] = True
        self.filepaths = [p for p, k in zip(paths, keep, strict=True) if k]
        self.filenames = [p[len(str(directory)) :].lstrip("/\\") for p in self.filepaths]
        self.classes = labels[keep]
        self.class_indices = {name: i for i, name in enumerate(class_names)}
        self.num_classes = len(class_names)
        self.samples = len(self.filepaths)
        self.class_mode, self.color_mode = class_mode, color_mode
        self.target_size, self.interpolation = tuple(target_size), interpolation
        print(f"Found {self.samples} images belonging to {self.num_classes} classes.")
        super().__init__(generator, self.samples, batch_size, shuffle, seed)

    def _batch(self, rows):
        images = read_images([self.filepaths[i] for i in rows], self.color_mode, self.target_size, self.interpolation)
        xb = self.image_data_generator.random_transforms(images, self.rng)
        labels = self.classes[rows]
        if self.class_mode == "input":
            return xb, xb.copy()
        if self.class_mode is None:
            return xb
        if self.class_mode == "categorical":
            return xb, np.eye(self.num_classes, dtype=np.float32)[labels]
        return xb, labels.astype(np.float32)

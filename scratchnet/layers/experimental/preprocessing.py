"""``keras.layers.experimental.preprocessing``: the preprocessing layers under their TensorFlow 2.2-2.5 path."""

from scratchnet.layers.normalization import Normalization
from scratchnet.layers.preprocessing import (
    RandomContrast,
    RandomFlip,
    RandomRotation,
    RandomTranslation,
    RandomZoom,
    Rescaling,
    Resizing,
)
from scratchnet.layers.text_vectorization import TextVectorization

__all__ = [
    "Normalization",
    "RandomContrast",
    "RandomFlip",
    "RandomRotation",
    "RandomTranslation",
    "RandomZoom",
    "Rescaling",
    "Resizing",
    "TextVectorization",
]

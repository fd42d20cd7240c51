"""``keras.layers.experimental``: where TensorFlow 2.2-2.5 kept the preprocessing layers (``.preprocessing``)."""

from scratchnet.layers.experimental import preprocessing

__all__ = ["preprocessing"]

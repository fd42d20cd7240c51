"""Layers: each one a forward and a backward, side by side, one family to a file.

    base.py           the contract every layer follows: params, grads, build, forward, backward
    core.py           Dense, Flatten, Dropout, Reshape
    activations.py    Activation, ReLU, Sigmoid, Tanh, Softmax: an activation as its own step of the chain rule
    convolution.py    Conv2D: patches (im2col) times the kernel in one matmul, and its backward (col2im)
    pooling.py        MaxPooling2D, AveragePooling2D, GlobalAveragePooling2D
    normalization.py  Normalization
    preprocessing.py  Rescaling, Resizing and the random augmentations (RandomFlip, RandomRotation, ...)
    image_warp.py     the affine warps and resizing those and ImageDataGenerator share
    text_vectorization.py  TextVectorization: texts to token numbers or vectors
    input_layer.py    Input and InputLayer, where a functional model starts
    merge.py          Add, Subtract, Multiply, Average, Maximum, Minimum, Concatenate, Dot (several inputs, one output)

Every layer is importable from here (``sn.layers.Dense``, ``from scratchnet.layers import Dense``), and
:func:`get` finds a layer class by name for ``load_model``.
"""

from __future__ import annotations

from scratchnet.layers import experimental as experimental  # keras.layers.experimental.preprocessing.X
from scratchnet.layers.activations import Activation, ReLU, Sigmoid, Softmax, Tanh
from scratchnet.layers.base import Layer
from scratchnet.layers.convolution import Conv2D
from scratchnet.layers.core import Dense, Dropout, Flatten, Lambda, Reshape
from scratchnet.layers.input_layer import Input, InputLayer
from scratchnet.layers.merge import (
    Add,
    Average,
    Concatenate,
    Dot,
    Maximum,
    Minimum,
    Multiply,
    Subtract,
    add,
    average,
    concatenate,
    dot,
    maximum,
    minimum,
    multiply,
    subtract,
)
from scratchnet.layers.normalization import Normalization
from scratchnet.layers.pooling import AveragePooling2D, GlobalAveragePooling2D, MaxPooling2D
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
from scratchnet.tape import layer_call  # noqa: F401  (layers called on tensors are recorded by it)

__all__ = [
    "Activation",
    "Add",
    "Average",
    "AveragePooling2D",
    "Concatenate",
    "Conv2D",
    "Dense",
    "Dot",
    "Dropout",
    "Flatten",
    "GlobalAveragePooling2D",
    "Input",
    "InputLayer",
    "Lambda",
    "Layer",
    "MaxPooling2D",
    "Maximum",
    "Minimum",
    "Multiply",
    "Normalization",
    "RandomContrast",
    "RandomFlip",
    "RandomRotation",
    "RandomTranslation",
    "RandomZoom",
    "ReLU",
    "Rescaling",
    "Reshape",
    "Resizing",
    "Sigmoid",
    "Softmax",
    "Subtract",
    "Tanh",
    "TextVectorization",
    "add",
    "average",
    "concatenate",
    "dot",
    "get",
    "maximum",
    "minimum",
    "multiply",
    "register",
    "subtract",
]

#: Every layer class ``load_model`` can rebuild, by class name.
LAYERS: dict[str, type[Layer]] = {
    cls.__name__: cls
    for cls in (
        Activation,
        Add,
        Average,
        Concatenate,
        Dot,
        Maximum,
        Minimum,
        Multiply,
        Subtract,
        AveragePooling2D,
        Conv2D,
        Dense,
        Dropout,
        Flatten,
        GlobalAveragePooling2D,
        InputLayer,
        Lambda,
        MaxPooling2D,
        Normalization,
        RandomContrast,
        RandomFlip,
        RandomRotation,
        RandomTranslation,
        RandomZoom,
        ReLU,
        Rescaling,
        Reshape,
        Resizing,
        Sigmoid,
        Softmax,
        Tanh,
        TextVectorization,
    )
}


def register(cls: type[Layer]) -> type[Layer]:
    """Make ``cls`` known by its class name to :func:`get` (and so to ``load_model``); returns ``cls``."""
    LAYERS[cls.__name__] = cls
    return cls


def get(class_name: str, custom_objects: dict | None = None) -> type[Layer]:
    """The layer class called ``class_name`` (used when loading a saved model): ``custom_objects`` first."""
    if custom_objects and class_name in custom_objects:
        return custom_objects[class_name]
    if class_name in LAYERS:
        return LAYERS[class_name]
    raise ValueError(f"Unknown layer class. Expected one of {sorted(LAYERS)}. Received: {class_name!r}.")


def __getattr__(name: str):
    # A Keras program asks for layers scratchnet does not have (LSTM, TextVectorization): say in one line what
    # there is, instead of a bare "no attribute".
    raise AttributeError(
        f"module 'scratchnet.layers' has no attribute {name!r}: scratchnet's layers are {', '.join(sorted(LAYERS))} "
        "(no recurrent or embedding layers). See scratchnet.layers.base.Layer to write your own."
    )

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
    batch_normalization.py  BatchNormalization, LayerNormalization
    input_layer.py    Input and InputLayer, where a functional model starts
    recurrent.py      SimpleRNN, LSTM, GRU: backprop through time as a loop over the steps
    wrappers.py       Bidirectional, TimeDistributed
    embedding.py      Embedding: word indices to learned vectors
    convolution_1d.py Conv1D, MaxPooling1D, AveragePooling1D
    global_pooling.py GlobalAveragePooling1D (with the padding mask), GlobalMaxPooling1D, GlobalMaxPooling2D

Every layer is importable from here (``sn.layers.Dense``, ``from scratchnet.layers import Dense``), and
:func:`get` finds a layer class by name for ``load_model``.
"""

from __future__ import annotations

import dis
import sys

from scratchnet.layers import experimental as experimental  # keras.layers.experimental.preprocessing.X
from scratchnet.layers.activations import ELU, Activation, LeakyReLU, PReLU, ReLU, Sigmoid, Softmax, Tanh
from scratchnet.layers.base import Layer
from scratchnet.layers.batch_normalization import BatchNormalization, LayerNormalization
from scratchnet.layers.convolution import Conv2D
from scratchnet.layers.convolution_1d import AveragePooling1D, Conv1D, MaxPooling1D
from scratchnet.layers.core import Dense, Dropout, Flatten, Lambda, Reshape
from scratchnet.layers.embedding import Embedding
from scratchnet.layers.global_pooling import GlobalAveragePooling1D, GlobalMaxPooling1D, GlobalMaxPooling2D
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
from scratchnet.layers.recurrent import GRU, LSTM, SimpleRNN
from scratchnet.layers.text_vectorization import TextVectorization
from scratchnet.layers.wrappers import Bidirectional, TimeDistributed
from scratchnet.tape import layer_call  # noqa: F401  (layers called on tensors are recorded by it)

__all__ = [
    "ELU",
    "GRU",
    "LSTM",
    "Activation",
    "Add",
    "Average",
    "AveragePooling1D",
    "AveragePooling2D",
    "AvgPool1D",
    "AvgPool2D",
    "BatchNormalization",
    "Bidirectional",
    "Concatenate",
    "Conv1D",
    "Conv2D",
    "Dense",
    "Dot",
    "Dropout",
    "Embedding",
    "Flatten",
    "GlobalAveragePooling1D",
    "GlobalAveragePooling2D",
    "GlobalAvgPool1D",
    "GlobalAvgPool2D",
    "GlobalMaxPool1D",
    "GlobalMaxPool2D",
    "GlobalMaxPooling1D",
    "GlobalMaxPooling2D",
    "Input",
    "InputLayer",
    "Lambda",
    "Layer",
    "LayerNormalization",
    "LeakyReLU",
    "MaxPool1D",
    "MaxPool2D",
    "MaxPooling1D",
    "MaxPooling2D",
    "Maximum",
    "Minimum",
    "Multiply",
    "Normalization",
    "PReLU",
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
    "SimpleRNN",
    "Softmax",
    "Subtract",
    "Tanh",
    "TextVectorization",
    "TimeDistributed",
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
        AveragePooling1D,
        AveragePooling2D,
        BatchNormalization,
        Bidirectional,
        Conv1D,
        Conv2D,
        Dense,
        Dropout,
        ELU,
        Embedding,
        Flatten,
        GRU,
        GlobalAveragePooling1D,
        GlobalAveragePooling2D,
        GlobalMaxPooling1D,
        GlobalMaxPooling2D,
        InputLayer,
        Lambda,
        MaxPooling2D,
        Normalization,
        RandomContrast,
        RandomFlip,
        RandomRotation,
        RandomTranslation,
        RandomZoom,
        LSTM,
        LayerNormalization,
        LeakyReLU,
        MaxPooling1D,
        MaxPooling2D,
        Normalization,
        PReLU,
        ReLU,
        Rescaling,
        Reshape,
        Resizing,
        Sigmoid,
        SimpleRNN,
        Softmax,
        Tanh,
        TextVectorization,
        TimeDistributed,
    )
}

# Keras's short names for the same classes (MaxPool2D is MaxPooling2D); saved models use the long ones.
MaxPool1D = MaxPooling1D
MaxPool2D = MaxPooling2D
AvgPool1D = AveragePooling1D
AvgPool2D = AveragePooling2D
GlobalAvgPool1D = GlobalAveragePooling1D
GlobalAvgPool2D = GlobalAveragePooling2D
GlobalMaxPool1D = GlobalMaxPooling1D
GlobalMaxPool2D = GlobalMaxPooling2D


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


def _missing_layer_message(name: str, start: str) -> str:
    return (
        f"{start}: scratchnet's layers are {', '.join(sorted(LAYERS))}. See scratchnet.layers.base.Layer to write "
        "your own."
    )


def _imported_by_from_statement() -> bool:
    """Whether the code asking for a missing name is a ``from scratchnet.layers import X`` statement.

    Python turns the AttributeError of a module's ``__getattr__`` into its own generic ImportError ("cannot import
    name") at that statement, losing the message; the statement's frame is two up (its caller's caller), and the
    instruction it is executing is IMPORT_FROM.
    """
    try:
        frame = sys._getframe(2)
        return dis.opname[frame.f_code.co_code[frame.f_lasti]] == "IMPORT_FROM"
    except (AttributeError, IndexError, ValueError):  # another Python implementation: keep Python's own error
        return False


def __getattr__(name: str):
    # A Keras program asks for layers scratchnet does not have (TextVectorization, MultiHeadAttention): say in one
    # line what there is, instead of a bare "no attribute"; under `from scratchnet.layers import X` too, where only
    # an ImportError is heard (hasattr() still sees an AttributeError, so it stays False).
    if _imported_by_from_statement():
        raise ImportError(_missing_layer_message(name, f"cannot import name {name!r} from 'scratchnet.layers'"))
    raise AttributeError(_missing_layer_message(name, f"module 'scratchnet.layers' has no attribute {name!r}"))

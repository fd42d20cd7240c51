"""Embedding: a lookup table from word indices to learned vectors, ``keras.layers.Embedding``.

A row of the table per word of the vocabulary; the forward picks rows, the backward adds each upstream gradient
to the row it came from. The same word twice in a batch gets both gradients: ``np.add.at`` accumulates where a
plain ``dE[idx] += dy`` would keep only the last (NumPy's fancy-index assignment does not add repeated indices).
"""

from __future__ import annotations

import numpy as np

from scratchnet import initializers, regularizers
from scratchnet.layers.base import Layer

__all__ = ["Embedding"]


def _positive(who: str, name: str, value) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value <= 0:
        raise ValueError(f"{who} expected `{name}` to be a positive integer. Received: {name}={value!r}.")
    return int(value)


class Embedding(Layer):
    """Turn word indices into dense vectors, one learned row of ``E`` per word.

    Forward:   y  = E[x]                          x: (N, T) ints in [0, input_dim)  E: (V, D)  ->  y: (N, T, D)
    Backward:  dE = zeros_like(E)
               np.add.at(dE, x, dy)               (V, D)   each row sums the gradients of every place its word
                                                           appears; rows of words absent from the batch stay 0
               dx: none                           indices are not differentiable: nothing flows further down

    With ``mask_zero=True`` index 0 is padding: the layer hands the mask ``x != 0`` to the layers after it (in a
    Sequential model), and the recurrent layers and GlobalAveragePooling1D skip those steps. Index 0 then cannot be
    a word, so the vocabulary needs ``input_dim = words + 1``.

    Args:
        input_dim: V, the size of the vocabulary (largest index + 1).
        output_dim: D, the size of each vector.
        embeddings_initializer: Keras's ``'uniform'`` (U(-0.05, 0.05)).
        embeddings_regularizer: an optional weight penalty.
        mask_zero: treat index 0 as padding (see above).
        input_length: Keras 2's argument, accepted (the length is read from the data).

    >>> import numpy as np
    >>> Embedding(10, 3)(np.array([[1, 2, 1]])).shape
    (1, 3, 3)
    """

    takes_indices = True  # the model keeps integer inputs as integers for it

    def __init__(
        self,
        input_dim: int,
        output_dim: int,
        embeddings_initializer="uniform",
        embeddings_regularizer=None,
        mask_zero: bool = False,
        input_length: int | None = None,
        **kwargs,
    ):
        self.input_dim = _positive("Embedding", "input_dim", input_dim)
        self.output_dim = _positive("Embedding", "output_dim", output_dim)
        if input_length is not None and "input_shape" not in kwargs:
            kwargs["input_shape"] = (_positive("Embedding", "input_length", input_length),)
        super().__init__(**kwargs)
        self.input_length = input_length
        self.embeddings_initializer = embeddings_initializer
        self._init = initializers.get(
            "random_uniform" if embeddings_initializer == "uniform" else embeddings_initializer
        )
        reg = regularizers.get(embeddings_regularizer)
        self.regularizers = {} if reg is None else {"embeddings": reg}
        self.mask_zero = bool(mask_zero)

    def build(self, input_shape, rng, dtype):
        super().build(input_shape, rng, dtype)
        self.params = {"embeddings": self._init((self.input_dim, self.output_dim), rng, self.dtype)}
        self.grads = {"embeddings": np.zeros_like(self.params["embeddings"])}

    def compute_output_shape(self, input_shape):
        return (*tuple(input_shape), self.output_dim)

    def compute_mask(self, mask):
        return self.output_mask if self.mask_zero else None

    def forward(self, x, training=False):
        self._check_built("forward")
        idx = self._indices(x)
        self.idx = idx
        self.output_mask = idx != 0 if self.mask_zero else None
        return self.params["embeddings"][idx]

    def _indices(self, x) -> np.ndarray:
        x = np.asarray(x)
        if not np.issubdtype(x.dtype, np.integer):
            if not np.issubdtype(x.dtype, np.number) or not np.array_equal(x, np.round(x)):
                raise ValueError(
                    f"Embedding '{self.name}' expected word indices (whole numbers). Received: x of dtype {x.dtype}"
                    f"{' with fractions' if np.issubdtype(x.dtype, np.number) else ''}, shape {x.shape}. "
                    "Tokenize the text first (word -> index), and feed the indices."
                )
            x = x.astype(np.intp)
        if x.size and (x.min() < 0 or x.max() >= self.input_dim):
            raise ValueError(
                f"Embedding '{self.name}' has input_dim={self.input_dim} rows, for indices 0 to {self.input_dim - 1}. "
                f"Received: indices from {int(x.min())} to {int(x.max())}. Raise input_dim to the vocabulary size "
                "(largest index + 1)."
            )
        return x

    def backward(self, dy):
        dE = np.zeros_like(self.params["embeddings"])
        np.add.at(dE, self.idx, dy)  # repeated words add up; dE[idx] += dy would keep only one of them
        self.grads = {"embeddings": dE}
        return None  # indices have no gradient

    @property
    def embeddings(self) -> np.ndarray:
        return self.params["embeddings"]

    def get_config(self):
        config = {
            **super().get_config(),
            "input_dim": self.input_dim,
            "output_dim": self.output_dim,
            "embeddings_initializer": initializers.serialize(self.embeddings_initializer),
            "mask_zero": self.mask_zero,
        }
        if "embeddings" in self.regularizers:
            config["embeddings_regularizer"] = regularizers.to_config(self.regularizers["embeddings"])
        return config

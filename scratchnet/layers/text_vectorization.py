"""``TextVectorization``: strings to token numbers (or to multi-hot, count, TF-IDF vectors), as Keras builds them.

    text --standardize--> "the cat sat" --split--> ["the", "cat", "sat"] --look up--> [2, 5, 3]

``adapt(texts)`` makes the vocabulary: tokens by frequency, most frequent first, ties broken by the token in
reverse order (Keras's rule). In ``output_mode="int"`` index 0 is the padding ``''`` and 1 is ``'[UNK]'`` for
tokens not in the vocabulary; in the other modes there is no padding entry and ``'[UNK]'`` is index 0.

>>> layer = TextVectorization(output_sequence_length=4)
>>> layer.adapt(["the cat sat", "the dog"])
>>> layer.get_vocabulary()
['', '[UNK]', 'the', 'sat', 'dog', 'cat']
>>> layer(["The bird sat!"]).tolist()
[[2, 1, 3, 0]]
"""

from __future__ import annotations

import re

import numpy as np

from scratchnet.layers.base import Layer

__all__ = ["TextVectorization"]

# The characters Keras's "strip_punctuation" removes.
_PUNCTUATION = re.compile(r"[!\"#$%&()\*\+,\-\./:;<=>?@\[\\\]^_`{|}~']")
_MODES = ("int", "multi_hot", "count", "tf_idf")
_STANDARDIZE = ("lower_and_strip_punctuation", "lower", "strip_punctuation", None)


class TextVectorization(Layer):
    """Texts to numbers, in NumPy; see the module's docstring.

    Args:
        max_tokens: the vocabulary's size at most, counting ``''`` and ``'[UNK]'``.
        standardize: ``"lower_and_strip_punctuation"`` (default), ``"lower"``, ``"strip_punctuation"``, None, or a
            function of an array of strings returning one.
        split: ``"whitespace"`` (default), ``"character"``, None (the whole text is one token), or a function of one
            string returning its tokens.
        output_mode: ``"int"`` (token numbers), ``"multi_hot"``, ``"count"`` or ``"tf_idf"`` (one vector per text).
        output_sequence_length: in ``"int"`` mode, pad with 0 or cut every text to this many tokens (default: the
            longest text of the batch).
        vocabulary: a list of tokens to use instead of ``adapt``.
    """

    def __init__(self, max_tokens=None, standardize="lower_and_strip_punctuation", split="whitespace", ngrams=None,
                 output_mode="int", output_sequence_length=None, pad_to_max_tokens=False, vocabulary=None,
                 idf_weights=None, sparse=False, ragged=False, encoding="utf-8", **kwargs):  # fmt: skip
        super().__init__(**kwargs)
        if output_mode not in _MODES:
            raise ValueError(f"TextVectorization expected output_mode in {list(_MODES)}. Received: {output_mode!r}.")
        if standardize not in _STANDARDIZE and not callable(standardize):
            raise ValueError(
                f"TextVectorization expected standardize in {list(_STANDARDIZE)} or a function. Received: "
                f"{standardize!r}."
            )
        if split not in ("whitespace", "character", None) and not callable(split):
            raise ValueError(
                f"TextVectorization expected split 'whitespace', 'character', None or a function. Received: {split!r}."
            )
        if ngrams is not None or sparse or ragged:
            raise ValueError("TextVectorization: ngrams, sparse and ragged are not supported by scratchnet.")
        if max_tokens is not None and max_tokens < 3 - (output_mode != "int"):
            raise ValueError(f"TextVectorization expected max_tokens of at least 3. Received: max_tokens={max_tokens}.")
        self.max_tokens, self.standardize, self.split = max_tokens, standardize, split
        self.output_mode, self.output_sequence_length = output_mode, output_sequence_length
        self.pad_to_max_tokens = bool(pad_to_max_tokens)
        self.special = ["", "[UNK]"] if output_mode == "int" else ["[UNK]"]
        self.vocabulary: list[str] = list(self.special)
        self.index: dict[str, int] = {}
        self.idf = None
        if vocabulary is not None:
            self.set_vocabulary(vocabulary, idf_weights)

    # --- text to tokens ---------------------------------------------------------------------------------------
    def _standardized(self, texts: np.ndarray) -> np.ndarray:
        if callable(self.standardize):
            return np.asarray(self.standardize(texts)).astype(str)
        if self.standardize in ("lower", "lower_and_strip_punctuation"):
            texts = np.char.lower(texts)
        if self.standardize in ("strip_punctuation", "lower_and_strip_punctuation"):
            texts = np.asarray([_PUNCTUATION.sub("", t) for t in texts.ravel()]).reshape(texts.shape)
        return texts

    def _tokens(self, texts) -> list[list[str]]:
        texts = self._as_texts(texts)
        out = []
        for text in self._standardized(texts).tolist():
            if callable(self.split):
                out.append([str(t) for t in self.split(text)])
            elif self.split == "whitespace":
                out.append(text.split())
            elif self.split == "character":
                out.append(list(text))
            else:
                out.append([text])
        return out

    @staticmethod
    def _as_texts(texts) -> np.ndarray:
        array = np.asarray(texts)
        if array.dtype.kind == "S":
            array = np.char.decode(array, "utf-8")
        if array.ndim == 2 and array.shape[1] == 1:
            array = array[:, 0]
        if array.ndim == 0:
            array = array[None]
        if array.dtype.kind != "U" or array.ndim != 1:
            raise ValueError(
                "TextVectorization expected texts: a list or 1-D array of strings (or (N, 1)). Received: "
                f"dtype={array.dtype}, shape={array.shape}."
            )
        return array

    # --- the vocabulary ---------------------------------------------------------------------------------------
    def adapt(self, data, batch_size=None, steps=None) -> None:
        """Build the vocabulary from ``data``: a list or array of texts, or a Dataset of texts or their batches."""
        if hasattr(data, "cardinality"):  # a Dataset: its elements are texts or batches of texts
            batches = data.take(steps) if steps is not None else data
            chunks = [np.atleast_1d(self._as_texts(np.asarray(b) if not isinstance(b, tuple) else b[0]))
                      for b in batches]  # fmt: skip
            data = np.concatenate(chunks) if chunks else np.asarray([], dtype=str)
        documents = self._tokens(data)
        counts: dict[str, int] = {}
        in_documents: dict[str, int] = {}
        for tokens in documents:
            for t in tokens:
                counts[t] = counts.get(t, 0) + 1
            for t in set(tokens):
                in_documents[t] = in_documents.get(t, 0) + 1
        for t in self.special:
            counts.pop(t, None)
        ranked = sorted(counts, key=lambda t: (counts[t], t), reverse=True)
        if self.max_tokens is not None:
            ranked = ranked[: self.max_tokens - len(self.special)]
        self._set(ranked)
        if self.output_mode == "tf_idf":
            idf = np.log(1 + len(documents) / (1 + np.asarray([in_documents[t] for t in ranked], np.float64)))
            self.idf = np.concatenate([[idf.mean() if len(idf) else 0.0], idf]).astype(np.float32)

    def _set(self, tokens: list[str]) -> None:
        self.vocabulary = [*self.special, *tokens]
        self.index = {t: i for i, t in enumerate(self.vocabulary)}

    def set_vocabulary(self, vocabulary, idf_weights=None) -> None:
        """Use ``vocabulary`` (tokens, with or without the leading special entries) instead of adapting."""
        tokens = [str(t) for t in vocabulary]
        if tokens[: len(self.special)] == self.special:
            tokens = tokens[len(self.special) :]
        if len(set(tokens)) != len(tokens) or set(tokens) & set(self.special):
            raise ValueError(
                "TextVectorization.set_vocabulary: tokens must be unique and must not include '' or '[UNK]' except "
                f"at the start, in that order. Received: {vocabulary[:10]!r}..."
            )
        if self.max_tokens is not None and len(tokens) + len(self.special) > self.max_tokens:
            raise ValueError(
                f"TextVectorization.set_vocabulary: {len(tokens) + len(self.special)} entries exceed max_tokens="
                f"{self.max_tokens}."
            )
        self._set(tokens)
        if self.output_mode == "tf_idf":
            if idf_weights is None:
                raise ValueError("TextVectorization(output_mode='tf_idf').set_vocabulary needs idf_weights.")
            w = np.asarray(idf_weights, np.float32)
            self.idf = w if len(w) == len(self.vocabulary) else np.concatenate([[w.mean()], w]).astype(np.float32)

    def get_vocabulary(self, include_special_tokens=True) -> list[str]:
        """The tokens by index: ``vocabulary[i]`` is the token number i stands for."""
        return list(self.vocabulary if include_special_tokens else self.vocabulary[len(self.special) :])

    def vocabulary_size(self) -> int:
        return len(self.vocabulary)

    # --- the layer --------------------------------------------------------------------------------------------
    def forward(self, x, training=False) -> np.ndarray:
        """Texts (N,) to int64 token numbers (N, T), or float32 vectors (N, vocabulary size)."""
        unknown = self.index["[UNK]"]
        numbers = [[self.index.get(t, unknown) for t in tokens] for tokens in self._tokens(x)]
        if self.output_mode == "int":
            length = self.output_sequence_length or max((len(n) for n in numbers), default=0)
            out = np.zeros((len(numbers), length), np.int64)
            for row, n in zip(out, numbers, strict=True):
                row[: min(len(n), length)] = n[:length]
            return out
        depth = self.max_tokens if self.pad_to_max_tokens and self.max_tokens else len(self.vocabulary)
        out = np.zeros((len(numbers), depth), np.float32)
        for row, n in zip(out, numbers, strict=True):
            np.add.at(row, n, 1.0)
        if self.output_mode == "multi_hot":
            return np.minimum(out, 1.0)
        if self.output_mode == "tf_idf":
            out[:, : len(self.idf)] *= self.idf
        return out

    def __call__(self, x, training=False):
        return self.forward(x, training)

    def build(self, input_shape, rng, dtype):
        super().build(input_shape, rng, dtype)

    def compute_output_shape(self, input_shape):
        if self.output_mode == "int":
            return (self.output_sequence_length,)
        return (self.max_tokens if self.pad_to_max_tokens and self.max_tokens else len(self.vocabulary),)

    def backward(self, dy):
        raise NotImplementedError("TextVectorization has no backward: texts have no gradient.")

    def get_config(self):
        return {
            **super().get_config(), "max_tokens": self.max_tokens, "output_mode": self.output_mode,
            "output_sequence_length": self.output_sequence_length, "pad_to_max_tokens": self.pad_to_max_tokens,
            "standardize": self.standardize if not callable(self.standardize) else None,
            "split": self.split if not callable(self.split) else None,
            "vocabulary": self.get_vocabulary(include_special_tokens=False),
            "idf_weights": None if self.idf is None else self.idf.tolist(),
        }  # fmt: skip

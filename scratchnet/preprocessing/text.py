"""``keras.preprocessing.text``: Keras 2's ``Tokenizer`` and ``text_to_word_sequence``, with Keras's exact rules.

Words are numbered from 1 by how often they occur (most frequent first; ties in order of first appearance);
0 is never a word, so it can pad. With ``oov_token`` the unknown word is number 1 and the others follow.
``num_words`` keeps only the words numbered below it when texts become sequences (the index itself keeps all).

>>> t = Tokenizer(num_words=100, oov_token="<OOV>")
>>> t.fit_on_texts(["I love my dog", "I love my cat", "You love my dog!"])
>>> t.word_index
{'<OOV>': 1, 'love': 2, 'my': 3, 'i': 4, 'dog': 5, 'cat': 6, 'you': 7}
>>> t.texts_to_sequences(["I really love my dog"])
[[4, 1, 2, 3, 5]]
"""

from __future__ import annotations

import json
from collections import OrderedDict, defaultdict

import numpy as np

__all__ = ["Tokenizer", "text_to_word_sequence", "tokenizer_from_json"]

FILTERS = '!"#$%&()*+,-./:;<=>?@[\\]^_`{|}~\t\n'


def text_to_word_sequence(input_text, filters=FILTERS, lower=True, split=" ") -> list[str]:
    """The words of ``input_text``: lowered, each character of ``filters`` turned into a separator, split."""
    if lower:
        input_text = input_text.lower()
    input_text = input_text.translate(str.maketrans({c: split for c in filters}))
    return [word for word in input_text.split(split) if word]


class Tokenizer:
    """Words to numbers and back, as Keras 2's ``Tokenizer`` (see the module's docstring for the numbering).

    Args:
        num_words: keep the ``num_words - 1`` most frequent words in sequences and matrices (None: all).
        filters: characters removed from the texts (each becomes a separator).
        lower: lowercase the texts first.
        split: the word separator.
        char_level: every character is a token.
        oov_token: the word that stands for unknown words (number 1), e.g. ``"<OOV>"``; None drops them.
    """

    def __init__(self, num_words=None, filters=FILTERS, lower=True, split=" ", char_level=False, oov_token=None,
                 analyzer=None, document_count=0, **kwargs):  # fmt: skip
        if kwargs:
            raise TypeError(f"Tokenizer got arguments it does not take: {sorted(kwargs)}.")
        if num_words is not None and (not isinstance(num_words, (int, np.integer)) or num_words < 0):
            raise ValueError(f"Tokenizer expected num_words to be a positive integer or None. Received: {num_words!r}.")
        self.word_counts: OrderedDict[str, int] = OrderedDict()
        self.word_docs: defaultdict[str, int] = defaultdict(int)
        self.filters, self.split, self.lower = filters, split, lower
        self.num_words, self.char_level, self.oov_token = num_words, char_level, oov_token
        self.analyzer = analyzer
        self.document_count = document_count
        self.index_docs: defaultdict[int, int] = defaultdict(int)
        self.word_index: dict[str, int] = {}
        self.index_word: dict[int, str] = {}

    def _words(self, text) -> list[str]:
        if self.char_level or isinstance(text, list):
            if self.lower:
                text = [t.lower() for t in text] if isinstance(text, list) else text.lower()
            return list(text)
        if not isinstance(text, str):
            raise TypeError(
                f"Tokenizer expected texts as strings (or lists of words). Received: {type(text).__name__} "
                f"({text!r}). Pass a list of sentences: tokenizer.fit_on_texts(['a sentence', 'another one'])."
            )
        if self.analyzer is not None:
            return list(self.analyzer(text))
        return text_to_word_sequence(text, self.filters, self.lower, self.split)

    def fit_on_texts(self, texts) -> None:
        """Count the words of ``texts`` and number them (``word_index``)."""
        if isinstance(texts, str):
            raise TypeError(
                "Tokenizer.fit_on_texts() expected a list of texts, not one string (it would count its "
                "characters). Pass [text]."
            )
        for text in texts:
            self.document_count += 1
            words = self._words(text)
            for w in words:
                self.word_counts[w] = self.word_counts.get(w, 0) + 1
            for w in set(words):
                self.word_docs[w] += 1
        # sorted() is stable: words counted equally keep the order they first appeared in.
        by_count = sorted(self.word_counts.items(), key=lambda item: item[1], reverse=True)
        vocabulary = ([] if self.oov_token is None else [self.oov_token]) + [w for w, _ in by_count]
        self.word_index = dict(zip(vocabulary, range(1, len(vocabulary) + 1), strict=True))
        self.index_word = {i: w for w, i in self.word_index.items()}
        self.index_docs = defaultdict(int, {self.word_index[w]: c for w, c in self.word_docs.items()})

    def fit_on_sequences(self, sequences) -> None:
        """Count in how many sequences each number occurs (for ``sequences_to_matrix(mode="tfidf")``)."""
        self.document_count += len(sequences)
        for seq in sequences:
            for i in set(seq):
                self.index_docs[i] += 1

    def texts_to_sequences(self, texts) -> list[list[int]]:
        """Each text as the list of its words' numbers (unknown words: ``oov_token``'s number, or dropped)."""
        return list(self.texts_to_sequences_generator(texts))

    def texts_to_sequences_generator(self, texts):
        if isinstance(texts, str):
            raise TypeError("Tokenizer.texts_to_sequences() expected a list of texts, not one string. Pass [text].")
        oov = self.word_index.get(self.oov_token) if self.oov_token is not None else None
        for text in texts:
            sequence = []
            for w in self._words(text):
                i = self.word_index.get(w)
                if i is not None and not (self.num_words and i >= self.num_words):
                    sequence.append(i)
                elif oov is not None:
                    sequence.append(oov)
            yield sequence

    def sequences_to_texts(self, sequences) -> list[str]:
        """Each sequence of numbers as a text of words joined by spaces (numbers not known are dropped)."""
        oov = self.word_index.get(self.oov_token) if self.oov_token is not None else None
        texts = []
        for sequence in sequences:
            words = []
            for number in sequence:
                word = self.index_word.get(int(number))
                if word is not None and not (self.num_words and number >= self.num_words):
                    words.append(word)
                elif oov is not None and (word is not None or self.oov_token is not None):
                    words.append(self.index_word[oov])
            texts.append(" ".join(words))
        return texts

    def texts_to_matrix(self, texts, mode="binary") -> np.ndarray:
        """(len(texts), num_words): per text, which words it has (``binary``), how often (``count``), their
        share of its words (``freq``) or TF-IDF (``tfidf``)."""
        return self.sequences_to_matrix(self.texts_to_sequences(texts), mode)

    def sequences_to_matrix(self, sequences, mode="binary") -> np.ndarray:
        if mode not in ("binary", "count", "tfidf", "freq"):
            raise ValueError(f"Tokenizer expected mode 'binary', 'count', 'tfidf' or 'freq'. Received: mode={mode!r}.")
        num_words = self.num_words or (len(self.word_index) + 1 if self.word_index else None)
        if num_words is None:
            raise ValueError("Tokenizer: call fit_on_texts(texts) first, or give Tokenizer(num_words=...).")
        if mode == "tfidf" and not self.document_count:
            raise ValueError("Tokenizer: mode='tfidf' needs the word statistics: call fit_on_texts(texts) first.")
        x = np.zeros((len(sequences), num_words))
        for row, sequence in enumerate(sequences):
            counts: defaultdict[int, int] = defaultdict(int)
            for j in sequence:
                if j < num_words:
                    counts[j] += 1
            for j, c in counts.items():
                if mode == "count":
                    x[row, j] = c
                elif mode == "freq":
                    x[row, j] = c / len(sequence)
                elif mode == "binary":
                    x[row, j] = 1
                else:  # as Keras: tf = 1 + log(count), idf = log(1 + documents / (1 + documents with the word))
                    x[row, j] = (1 + np.log(c)) * np.log(1 + self.document_count / (1 + self.index_docs.get(j, 0)))
        return x

    def get_config(self) -> dict:
        return {
            "num_words": self.num_words, "filters": self.filters, "lower": self.lower, "split": self.split,
            "char_level": self.char_level, "oov_token": self.oov_token, "document_count": self.document_count,
            "word_counts": json.dumps(self.word_counts), "word_docs": json.dumps(self.word_docs),
            "index_docs": json.dumps(self.index_docs), "index_word": json.dumps(self.index_word),
            "word_index": json.dumps(self.word_index),
        }  # fmt: skip

    def to_json(self, **kwargs) -> str:
        return json.dumps({"class_name": "Tokenizer", "config": self.get_config()}, **kwargs)


def tokenizer_from_json(json_string: str) -> Tokenizer:
    """The Tokenizer ``to_json`` wrote."""
    config = json.loads(json_string)["config"]
    state = {key: json.loads(config.pop(key)) for key in ("word_counts", "word_docs", "index_docs", "index_word",
                                                          "word_index")}  # fmt: skip
    tokenizer = Tokenizer(**config)
    tokenizer.word_counts = OrderedDict(state["word_counts"])
    tokenizer.word_docs = defaultdict(int, state["word_docs"])
    tokenizer.index_docs = defaultdict(int, {int(k): v for k, v in state["index_docs"].items()})
    tokenizer.index_word = {int(k): v for k, v in state["index_word"].items()}
    tokenizer.word_index = state["word_index"]
    return tokenizer

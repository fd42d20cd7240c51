"""Text: Keras 2's Tokenizer and pad_sequences, and TextVectorization, against outputs Keras gives."""

import numpy as np
import pytest

import scratchnet as sn
from scratchnet.preprocessing.sequence import pad_sequences
from scratchnet.preprocessing.text import Tokenizer, text_to_word_sequence, tokenizer_from_json

# DLAI course 3, week 1: the sentences and the numbers TensorFlow's Tokenizer prints for them.
SENTENCES = ["I love my dog", "I love my cat", "You love my dog!", "Do you think my dog is amazing?"]


def test_tokenizer_numbers_words_as_keras_does():
    t = Tokenizer(num_words=100, oov_token="<OOV>")
    t.fit_on_texts(SENTENCES)
    assert t.word_index == {"<OOV>": 1, "my": 2, "love": 3, "dog": 4, "i": 5, "you": 6, "cat": 7, "do": 8,
                            "think": 9, "is": 10, "amazing": 11}  # fmt: skip
    sequences = t.texts_to_sequences(SENTENCES)
    assert sequences == [[5, 3, 2, 4], [5, 3, 2, 7], [6, 3, 2, 4], [8, 6, 9, 2, 4, 10, 11]]
    assert t.texts_to_sequences(["i really love my dog", "my dog loves my manatee"]) == [
        [5, 1, 3, 2, 4], [2, 4, 1, 2, 1]]  # fmt: skip
    assert pad_sequences(sequences, maxlen=5).tolist() == [
        [0, 5, 3, 2, 4], [0, 5, 3, 2, 7], [0, 6, 3, 2, 4], [9, 2, 4, 10, 11]]  # fmt: skip
    assert t.word_counts["my"] == 4 and t.index_word[2] == "my" and t.document_count == 4
    assert t.sequences_to_texts([[5, 1, 3, 99]]) == ["i <OOV> love <OOV>"]


def test_num_words_keeps_only_the_most_frequent_in_sequences():
    t = Tokenizer(num_words=4)
    t.fit_on_texts(SENTENCES)
    assert len(t.word_index) == 10  # the index keeps every word
    assert t.texts_to_sequences(["i love my dog"]) == [[2, 1, 3]]  # my=1, love=2, dog=3; i=4 dropped
    with_oov = Tokenizer(num_words=4, oov_token="?")
    with_oov.fit_on_texts(SENTENCES)
    assert with_oov.texts_to_sequences(["i love my dog"]) == [[1, 3, 2, 1]]
    assert with_oov.sequences_to_texts([[1, 3, 2, 5]]) == ["? love my ?"]


def test_filters_lower_split_and_char_level():
    assert text_to_word_sequence("Hello, World!  It's") == ["hello", "world", "it's"]
    t = Tokenizer(lower=False, filters="")
    t.fit_on_texts(["A a, b"])
    assert t.word_index == {"A": 1, "a,": 2, "b": 3}
    c = Tokenizer(char_level=True)
    c.fit_on_texts(["abba"])
    assert c.word_index == {"a": 1, "b": 2}
    with pytest.raises(TypeError, match="list of texts"):
        Tokenizer().fit_on_texts("one string")


def test_texts_to_matrix_modes():
    t = Tokenizer()
    t.fit_on_texts(["a a b", "b c"])  # a:1 b:2 c:3 (a and b tie at 2: first seen first)
    assert t.word_index == {"a": 1, "b": 2, "c": 3}
    assert t.texts_to_matrix(["a a b"], mode="count").tolist() == [[0, 2, 1, 0]]
    assert t.texts_to_matrix(["a a b"], mode="binary").tolist() == [[0, 1, 1, 0]]
    np.testing.assert_allclose(t.texts_to_matrix(["a a b"], mode="freq"), [[0, 2 / 3, 1 / 3, 0]])
    tfidf = t.texts_to_matrix(["a a b"], mode="tfidf")
    np.testing.assert_allclose(tfidf[0, 1], (1 + np.log(2)) * np.log(1 + 2 / 2))
    again = tokenizer_from_json(t.to_json())
    assert again.word_index == t.word_index and again.texts_to_sequences(["c a"]) == [[3, 1]]


def test_pad_sequences_sides_dtype_and_value():
    seqs = [[1, 2, 3], [4], []]
    assert pad_sequences(seqs).tolist() == [[1, 2, 3], [0, 0, 4], [0, 0, 0]]
    assert pad_sequences(seqs, padding="post", value=-1).tolist() == [[1, 2, 3], [4, -1, -1], [-1, -1, -1]]
    assert pad_sequences(seqs, maxlen=2, truncating="post").tolist() == [[1, 2], [0, 4], [0, 0]]
    assert pad_sequences(seqs, maxlen=2).tolist() == [[2, 3], [0, 4], [0, 0]]
    assert pad_sequences(seqs).dtype == np.int32
    assert pad_sequences([[0.5]], maxlen=2, dtype="float32").tolist() == [[0.0, 0.5]]
    assert sn.utils.pad_sequences([[1]], maxlen=2).tolist() == [[0, 1]]
    with pytest.raises(ValueError, match="'pre' or 'post'"):
        pad_sequences(seqs, padding="left")
    with pytest.raises(ValueError, match="list or array"):
        pad_sequences([1, 2])


def test_text_vectorization_int_mode_as_keras():
    layer = sn.layers.TextVectorization(max_tokens=6, output_sequence_length=5)
    layer.adapt(["The cat sat on the mat.", "The dog ate my homework!"])
    # the: 3; then every other word once, ties in reverse order of the word; max_tokens keeps 4 of them
    assert layer.get_vocabulary() == ["", "[UNK]", "the", "sat", "on", "my"]
    assert layer.vocabulary_size() == 6
    assert layer(["the cat SAT, on a mat now"]).tolist() == [[2, 1, 3, 4, 1]]
    assert layer(["my mat"]).tolist() == [[5, 1, 0, 0, 0]]
    free = sn.layers.TextVectorization()
    free.adapt(np.array([["a b"], ["b"]]))
    assert free(["b a c"]).tolist() == [[2, 3, 1]]


def test_text_vectorization_vector_modes_and_options():
    texts = ["a b b", "b c"]
    multi = sn.layers.TextVectorization(output_mode="multi_hot")
    multi.adapt(texts)
    assert multi.get_vocabulary() == ["[UNK]", "b", "c", "a"]
    assert multi(["b b z"]).tolist() == [[1, 1, 0, 0]]
    count = sn.layers.TextVectorization(output_mode="count", vocabulary=["b", "c", "a"])
    assert count(["b b z"]).tolist() == [[1, 2, 0, 0]]
    tfidf = sn.layers.TextVectorization(output_mode="tf_idf")
    tfidf.adapt(texts)
    idf = np.log(1 + 2 / (1 + np.array([2, 1, 1])))
    np.testing.assert_allclose(tfidf(["b b c"])[0], [0, 2 * idf[0], idf[1], 0], rtol=1e-6)
    chars = sn.layers.TextVectorization(split="character", standardize=None)
    chars.adapt(["abA"])
    assert chars.get_vocabulary() == ["", "[UNK]", "b", "a", "A"]
    custom = sn.layers.TextVectorization(standardize=lambda t: np.char.replace(np.char.lower(t), "<br />", " "))
    custom.adapt(["Good<br />film"])
    assert sorted(custom.get_vocabulary()[2:]) == ["film", "good"]
    ds = sn.data.Dataset.from_tensor_slices(["x y", "y"]).batch(1)
    from_ds = sn.layers.TextVectorization()
    from_ds.adapt(ds)
    assert from_ds.get_vocabulary() == ["", "[UNK]", "y", "x"]
    vectorized = sn.data.Dataset.from_tensor_slices(["x y", "y z"]).batch(2).map(from_ds)
    assert next(iter(vectorized)).tolist() == [[3, 2], [2, 1]]

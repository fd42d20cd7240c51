"""Embedding, Conv1D, the 1D pooling layers, global pooling and Keras's short names for the pooling layers:
gradients against finite differences in float64, outputs against loops written here, Keras's shapes."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import scratchnet as sn
from scratchnet import gradcheck
from scratchnet.layers import (
    AveragePooling1D,
    Conv1D,
    Embedding,
    GlobalAveragePooling1D,
    GlobalMaxPooling1D,
    GlobalMaxPooling2D,
    MaxPooling1D,
)


def test_embedding_picks_rows_and_repeated_words_add_their_gradients():
    emb = Embedding(6, 3, dtype="float64")
    idx = np.array([[1, 2, 1], [5, 1, 0]])
    y = emb(idx)
    np.testing.assert_array_equal(y, emb.params["embeddings"][idx])
    dy = np.random.default_rng(0).normal(size=y.shape)
    assert emb.backward(dy) is None
    dE = emb.grads["embeddings"]
    np.testing.assert_allclose(dE[1], dy[0, 0] + dy[0, 2] + dy[1, 1])  # word 1 three times: three gradients
    np.testing.assert_array_equal(dE[3], 0)
    numeric = gradcheck.numeric_gradient(lambda: float(np.sum(emb.forward(idx) * dy)), emb.params["embeddings"])
    np.testing.assert_allclose(dE, numeric, atol=1e-8)


def test_embedding_keras_shapes_and_errors():
    model = sn.Sequential([Embedding(10000, 16, input_length=120)])
    assert model.output_shape == (None, 120, 16) and model.count_params() == 160000
    emb = Embedding(5, 2)
    with pytest.raises(ValueError, match=r"input_dim=5 rows.*Received: indices from 0 to 7"):
        emb(np.array([[0, 7]]))
    with pytest.raises(ValueError, match="whole numbers"):
        emb(np.array([[0.5, 1.0]]))
    with pytest.raises(ValueError, match="output_dim"):
        Embedding(5, 0)
    assert emb(np.array([[1.0, 2.0]])).shape == (1, 2, 2)  # whole floats are accepted as indices


def _conv1d_loop(x, W, b, stride, dilation, pads):
    """Conv1D by its definition: a loop over output positions."""
    xp = np.pad(x, ((0, 0), pads, (0, 0)))
    k = W.shape[0]
    out = (xp.shape[1] - (k - 1) * dilation - 1) // stride + 1
    y = np.empty((x.shape[0], out, W.shape[2]))
    for o in range(out):
        window = xp[:, [o * stride + j * dilation for j in range(k)]]  # (N, k, C)
        y[:, o] = np.einsum("nkc,kcf->nf", window, W) + b
    return y


@pytest.mark.parametrize(
    ("padding", "strides", "dilation", "t", "expected_len"),
    [("valid", 1, 1, 10, 8), ("same", 2, 1, 10, 5), ("same", 3, 1, 10, 4), ("causal", 1, 2, 10, 10)],
)
def test_conv1d_matches_its_definition_and_keras_lengths(padding, strides, dilation, t, expected_len):
    x = np.random.default_rng(1).normal(size=(2, t, 3))
    layer = Conv1D(4, 3, strides=strides, padding=padding, dilation_rate=dilation, dtype="float64",
                   bias_initializer="random_normal")  # fmt: skip
    y = layer(x)
    assert y.shape == (2, expected_len, 4) == (2, *layer.compute_output_shape((t, 3)))
    span = 2 * dilation + 1
    if padding == "causal":
        pads = (span - 1, 0)
    elif padding == "same":
        total = max((math.ceil(t / strides) - 1) * strides + span - t, 0)
        pads = (total // 2, total - total // 2)
    else:
        pads = (0, 0)
    np.testing.assert_allclose(y, _conv1d_loop(x, layer.params["W"], layer.params["b"], strides, dilation, pads))


def test_causal_conv1d_never_sees_the_future():
    x = np.random.default_rng(2).normal(size=(1, 8, 1))
    layer = Conv1D(2, 3, padding="causal", dilation_rate=2, dtype="float64")
    y = layer(x)
    later = x.copy()
    later[:, 5:] += 10.0
    np.testing.assert_allclose(layer(later)[:, :5], y[:, :5])


layers_1d = st.sampled_from(
    [
        lambda: Conv1D(3, 2, activation="tanh"),
        lambda: Conv1D(2, 3, strides=2, padding="same"),
        lambda: Conv1D(2, 2, padding="causal", dilation_rate=2),
        lambda: MaxPooling1D(2),
        lambda: MaxPooling1D(3, strides=1, padding="same"),
        lambda: AveragePooling1D(2),
        lambda: AveragePooling1D(3, strides=2, padding="same"),
        GlobalAveragePooling1D,
        GlobalMaxPooling1D,
        lambda: GlobalAveragePooling1D(keepdims=True),
    ]
)


@settings(max_examples=30, deadline=None)
@given(make=layers_1d, n=st.integers(1, 3), t=st.integers(4, 8), c=st.integers(1, 3), seed=st.integers(0, 999))
def test_1d_layers_backward_matches_finite_differences(make, n, t, c, seed):
    x = np.random.default_rng(seed).permutation(n * t * c).reshape(n, t, c) / (n * t * c)  # distinct: no max ties
    report = gradcheck.check_layer(make(), x, seed=seed)
    assert report.passed, report


def test_global_pooling_values_and_the_mask():
    x = np.random.default_rng(3).normal(size=(2, 4, 3))
    np.testing.assert_allclose(GlobalAveragePooling1D(dtype="float64")(x), x.mean(axis=1))
    np.testing.assert_allclose(GlobalMaxPooling1D(dtype="float64")(x), x.max(axis=1))
    img = np.random.default_rng(4).normal(size=(2, 3, 3, 2))
    np.testing.assert_allclose(GlobalMaxPooling2D(dtype="float64")(img), img.max(axis=(1, 2)))
    assert gradcheck.check_layer(GlobalMaxPooling2D(), img).passed
    pool = GlobalAveragePooling1D(dtype="float64")
    pool.input_mask = np.array([[True, True, False, False], [True, True, True, True]])
    np.testing.assert_allclose(pool(x)[0], x[0, :2].mean(axis=0))  # padding is not averaged in
    assert gradcheck.check_layer(pool, x).passed


def test_dlai_text_classifier_shapes():
    model = sn.Sequential(
        [
            Embedding(10000, 16, input_length=120),
            GlobalAveragePooling1D(),
            sn.layers.Dense(6, activation="relu"),
            sn.layers.Dense(1, activation="sigmoid"),
        ]
    )
    assert [shape for _, shape in model.layer_output_shapes()] == [(120, 16), (16,), (6,), (1,)]
    assert model.count_params() == 160000 + 102 + 7


def test_keras_short_names_are_the_same_classes():
    L = sn.layers
    assert L.MaxPool2D is L.MaxPooling2D and L.AvgPool2D is L.AveragePooling2D
    assert L.MaxPool1D is L.MaxPooling1D and L.AvgPool1D is L.AveragePooling1D
    assert L.GlobalAvgPool2D is L.GlobalAveragePooling2D and L.GlobalMaxPool2D is L.GlobalMaxPooling2D
    assert L.GlobalAvgPool1D is L.GlobalAveragePooling1D and L.GlobalMaxPool1D is L.GlobalMaxPooling1D
    from scratchnet.layers import MaxPool2D  # noqa: F401


@pytest.mark.parametrize(
    ("make", "shape", "words"),
    [
        (lambda: Conv1D(2, 3), (5,), "channel axis"),
        (lambda: Conv1D(2, 9), (5, 1), "does not fit"),
        (lambda: MaxPooling1D(2), (5, 2, 1), "timesteps"),
        (lambda: GlobalAveragePooling1D(), (4, 4, 1), "timesteps"),
    ],
)
def test_bad_shapes_are_named(make, shape, words):
    with pytest.raises(ValueError, match=words):
        sn.Sequential([make()]).build(shape)


def test_bad_arguments_are_named():
    with pytest.raises(ValueError, match="padding"):
        Conv1D(2, 3, padding="full")
    with pytest.raises(ValueError, match="dilation"):
        Conv1D(2, 3, strides=2, dilation_rate=2)
    with pytest.raises(ValueError, match="pool_size"):
        MaxPooling1D(0)

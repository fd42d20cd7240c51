"""SimpleRNN, LSTM, GRU and Bidirectional (scratchnet/layers/recurrent.py, wrappers.py): backprop through time
against finite differences in float64 for every option, Keras's weight shapes, order and parameter counts, the
forward against the cell equations written independently here, masks, and models that train, save and load."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import scratchnet as sn
from scratchnet import gradcheck
from scratchnet.layers import GRU, LSTM, Bidirectional, Dense, Embedding, SimpleRNN, TimeDistributed

RNNS = {"SimpleRNN": SimpleRNN, "LSTM": LSTM, "GRU": GRU}


@pytest.mark.slow
@settings(max_examples=30, deadline=None)
@given(
    kind=st.sampled_from(sorted(RNNS)),
    n=st.integers(1, 3),
    t=st.integers(1, 5),
    d=st.integers(1, 4),
    h=st.integers(1, 4),
    return_sequences=st.booleans(),
    go_backwards=st.booleans(),
    dropout=st.sampled_from([0.0, 0.3]),
    seed=st.integers(0, 999),
)
def test_backprop_through_time_matches_finite_differences(
    kind, n, t, d, h, return_sequences, go_backwards, dropout, seed
):
    layer = RNNS[kind](
        h,
        return_sequences=return_sequences,
        go_backwards=go_backwards,
        dropout=dropout,
        recurrent_dropout=dropout,
        bias_initializer="random_normal",
    )
    x = np.random.default_rng(seed).normal(size=(n, t, d))
    report = gradcheck.check_layer(layer, x, training=True, seed=seed)
    assert report.passed, report


@pytest.mark.parametrize(
    ("kind", "shapes", "count"),
    [
        ("SimpleRNN", [(16, 32), (32, 32), (32,)], 32 * (16 + 32 + 1)),
        ("LSTM", [(16, 128), (32, 128), (128,)], 4 * 32 * (16 + 32 + 1)),
        ("GRU", [(16, 96), (32, 96), (2, 96)], 3 * 32 * (16 + 32 + 2)),
    ],
)
def test_keras_weight_shapes_order_and_counts(kind, shapes, count):
    model = sn.Sequential([RNNS[kind](32, input_shape=(10, 16))])
    assert [w.shape for w in model.get_weights()] == shapes
    assert list(model.layers[0].params) == ["kernel", "recurrent_kernel", "bias"]
    assert model.count_params() == count
    U = model.layers[0].params["recurrent_kernel"].astype(np.float64)
    np.testing.assert_allclose(U @ U.T, np.eye(32), atol=1e-5)  # orthogonal, as Keras's default


def test_lstm_forget_bias_starts_at_one():
    layer = LSTM(3)
    layer.build((4, 2), np.random.default_rng(0), np.float32)
    np.testing.assert_array_equal(layer.params["bias"], [0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0])
    layer = LSTM(3, unit_forget_bias=False)
    layer.build((4, 2), np.random.default_rng(0), np.float32)
    assert not layer.params["bias"].any()


def _sigmoid(z):
    return 1 / (1 + np.exp(-z))


def _reference(kind, layer, x):
    """The cell equations, step by step, written here independently of the layer's code."""
    W, U, b = (layer.params[k] for k in ("kernel", "recurrent_kernel", "bias"))
    n, t_steps, _ = x.shape
    H = U.shape[0]
    h, c = np.zeros((n, H)), np.zeros((n, H))
    outs = []
    for t in range(t_steps):
        xt = x[:, t]
        if kind == "SimpleRNN":
            h = np.tanh(xt @ W + h @ U + b)
        elif kind == "LSTM":
            z = xt @ W + h @ U + b
            i, f, g, o = _sigmoid(z[:, :H]), _sigmoid(z[:, H : 2 * H]), np.tanh(z[:, 2 * H : 3 * H]), z[:, 3 * H :]
            c = f * c + i * g
            h = _sigmoid(o) * np.tanh(c)
        else:
            xz, hz = xt @ W + b[0], h @ U + b[1]
            zg = _sigmoid(xz[:, :H] + hz[:, :H])
            r = _sigmoid(xz[:, H : 2 * H] + hz[:, H : 2 * H])
            hh = np.tanh(xz[:, 2 * H :] + r * hz[:, 2 * H :])
            h = zg * h + (1 - zg) * hh
        outs.append(h)
    return np.stack(outs, axis=1)


@pytest.mark.parametrize("kind", sorted(RNNS))
def test_forward_matches_the_cell_equations(kind):
    x = np.random.default_rng(1).normal(size=(3, 6, 4))
    layer = RNNS[kind](5, return_sequences=True, bias_initializer="random_normal", dtype="float64")
    y = layer(x)
    np.testing.assert_allclose(y, _reference(kind, layer, x), rtol=1e-12, atol=1e-12)
    last = RNNS[kind](5, go_backwards=True, dtype="float64")
    last.build((6, 4), np.random.default_rng(0), np.float64)
    last.params = {k: layer.params[k] for k in layer.params}
    np.testing.assert_allclose(last(x), _reference(kind, layer, x[:, ::-1])[:, -1], rtol=1e-12)


@pytest.mark.parametrize("kind", sorted(RNNS))
def test_a_masked_padded_sequence_gives_what_the_short_one_gives(kind):
    rng = np.random.default_rng(2)
    words = rng.integers(1, 20, size=(4, 5))
    padded = np.concatenate([words, np.zeros((4, 3), dtype=words.dtype)], axis=1)
    model = sn.Sequential([Embedding(20, 3, mask_zero=True), RNNS[kind](4)], seed=0, dtype="float64")
    short = sn.Sequential([Embedding(20, 3), RNNS[kind](4)], seed=0, dtype="float64")
    short.build((5,))
    model.build((8,))
    short.set_weights(model.get_weights())
    np.testing.assert_allclose(model.predict(padded, verbose=0), short.predict(words, verbose=0), rtol=1e-10)
    # ... and backprop through the mask: the padded steps pass the gradient through untouched.
    layer = model.layers[1]
    layer.input_mask = padded != 0
    report = gradcheck.check_layer(layer, rng.normal(size=(4, 8, 3)))
    assert report.passed, report


@pytest.mark.parametrize("merge_mode", ["concat", "sum", "mul", "ave"])
def test_bidirectional_backward_and_weight_order(merge_mode):
    x = np.random.default_rng(3).normal(size=(2, 4, 3))
    layer = Bidirectional(LSTM(2, return_sequences=True), merge_mode=merge_mode)
    report = gradcheck.check_layer(layer, x)
    assert report.passed, report
    model = sn.Sequential([Bidirectional(LSTM(32), input_shape=(7, 16))])
    assert [w.shape for w in model.get_weights()] == [(16, 128), (32, 128), (128,)] * 2
    assert model.count_params() == 2 * 4 * 32 * (16 + 32 + 1)
    assert model.output_shape == (None, 64)


def test_bidirectional_concat_is_the_forward_and_the_reversed_backward_run():
    x = np.random.default_rng(4).normal(size=(2, 5, 3))
    layer = Bidirectional(SimpleRNN(2, return_sequences=True), dtype="float64")
    y = layer(x)
    fwd = _reference("SimpleRNN", layer.forward_layer, x)
    bwd = _reference("SimpleRNN", layer.backward_layer, x[:, ::-1])[:, ::-1]
    np.testing.assert_allclose(y, np.concatenate([fwd, bwd], axis=-1), rtol=1e-12)


def test_time_distributed_dense_and_dense_on_sequences():
    x = np.random.default_rng(5).normal(size=(2, 4, 3))
    assert gradcheck.check_layer(TimeDistributed(Dense(2, activation="tanh")), x).passed
    assert gradcheck.check_layer(Dense(2, activation="tanh"), x).passed
    td = TimeDistributed(Dense(2), dtype="float64")
    y = td(x)
    np.testing.assert_allclose(y, x @ td.layer.params["W"] + td.layer.params["b"])


def _text_data(n=96, t=12, vocab=50, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.integers(1, vocab, size=(n, t))
    lengths = rng.integers(4, t + 1, size=n)
    x[np.arange(t)[None, :] >= lengths[:, None]] = 0  # padded at the end, as pad_sequences(padding="post")
    y = (x == 7).any(axis=1).astype(np.int64)  # "does word 7 occur": order-free, learnable
    return x, y


def test_embedding_bidirectional_lstm_dense_trains_saves_and_loads(tmp_path):
    x, y = _text_data()
    model = sn.Sequential(
        [Embedding(50, 8, mask_zero=True), Bidirectional(LSTM(8)), Dense(1, activation="sigmoid")], seed=0
    )
    model.compile(optimizer=sn.optimizers.Adam(0.02), loss="binary_crossentropy", metrics=["accuracy"])
    history = model.fit(x, y, epochs=12, batch_size=16, verbose=0)
    assert history.history["loss"][-1] < 0.6 * history.history["loss"][0]
    path = tmp_path / "text.npz"
    model.save(path)
    loaded = sn.models.load_model(path)
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0), rtol=1e-6)
    assert loaded.layers[1].forward_layer.units == 8


def test_conv1d_lstm_dense_on_a_series_trains_and_the_inputs_stay_integers():
    rng = np.random.default_rng(0)
    series = np.sin(np.arange(400) * 0.2) + 0.05 * rng.normal(size=400)
    x = np.stack([series[i : i + 16] for i in range(200)])[..., None].astype(np.float32)
    y = series[16:216].astype(np.float32)
    model = sn.Sequential(
        [
            sn.layers.Conv1D(8, 3, padding="causal", activation="relu", input_shape=(16, 1)),
            LSTM(8, return_sequences=True),
            GRU(8),
            Dense(1),
        ],
        seed=0,
    )
    model.compile(optimizer=sn.optimizers.Adam(0.01), loss="mse")
    history = model.fit(x, y, epochs=6, batch_size=32, verbose=0)
    assert history.history["loss"][-1] < 0.3 * history.history["loss"][0]
    # An Embedding first: integer inputs reach it as integers (no float32 round trip).
    seen = []
    emb = Embedding(10, 2)
    original = emb.forward
    emb.forward = lambda x, training=False: seen.append(x.dtype) or original(x, training)
    text = sn.Sequential([emb, SimpleRNN(2), Dense(1)], seed=0)
    text.predict(np.array([[1, 2, 3]]), verbose=0)
    assert np.issubdtype(seen[0], np.integer)


def test_explain_and_layer_stats_run_on_a_recurrent_model():
    from scratchnet.callbacks import LayerStats

    x, y = _text_data(n=16)
    model = sn.Sequential([Embedding(50, 4), SimpleRNN(3, return_sequences=True), GRU(3), Dense(1, "sigmoid")])
    model.compile(optimizer="adam", loss="binary_crossentropy")
    lines = []
    model.explain(x[:2], y[:2], print_fn=lines.append)
    assert any("SimpleRNN" in line for line in lines)
    stats = LayerStats(x, y)
    model.fit(x, y, epochs=1, verbose=0, callbacks=[stats])
    assert f"{model.layers[1].name}/recurrent_kernel" in stats.stats["grad_norm"]


@pytest.mark.parametrize(
    ("make", "words"),
    [
        (lambda: LSTM(0), "units"),
        (lambda: LSTM(3, return_state=True), "return_state"),
        (lambda: GRU(3, reset_after=False), "reset_after"),
        (lambda: SimpleRNN(3, dropout=1.0), "dropout"),
        (lambda: LSTM(3, activation="softmax"), "activation"),
        (lambda: Bidirectional(Dense(3)), "recurrent layer"),
        (lambda: Bidirectional(LSTM(3), merge_mode=None), "merge_mode"),
    ],
)
def test_bad_arguments_are_named(make, words):
    with pytest.raises(ValueError, match=words):
        make()


def test_a_series_without_a_features_axis_is_explained():
    with pytest.raises(ValueError, match=r"features\).*x\[\.\.\., None\]"):
        sn.Sequential([SimpleRNN(3, input_shape=(20,))])


def test_regularizers_and_wrapped_batch_normalization_survive_save_and_load(tmp_path):
    model = sn.Sequential(
        [
            sn.layers.TimeDistributed(sn.layers.BatchNormalization(), input_shape=(4, 3)),
            LSTM(3, kernel_regularizer="l2", recurrent_regularizer=sn.regularizers.l2(0.01)),
            Dense(1),
        ],
        seed=0,
    )
    model.compile(optimizer="adam", loss="mse")
    model.fit(np.random.default_rng(0).random((8, 4, 3)), np.ones((8, 1)), epochs=1, verbose=0)
    assert len(model.non_trainable_weights) == 2  # the wrapped BatchNormalization's moving statistics
    path = tmp_path / "m.npz"
    model.save(path)
    loaded = sn.models.load_model(path)
    assert set(loaded.layers[1].regularizers) == {"kernel", "recurrent_kernel"}
    for a, b in zip(model.get_weights(), loaded.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)


def test_a_time_axis_of_any_length_is_refused_clearly():
    with pytest.raises(ValueError, match=r"any length \(None\) is not supported yet.*input_shape=\(50, 1\)"):
        SimpleRNN(20, input_shape=[None, 1])

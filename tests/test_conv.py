"""Conv2D: a reference convolution written with loops, float64 gradient checks for every option, the layer
contract (no mutation, dtype kept, gradients written in place), the course's model end to end, and the errors."""

from __future__ import annotations

import math

import numpy as np
import pytest
from _helpers import built, tf_same_pads
from hypothesis import given, settings
from hypothesis import strategies as st

import scratchnet as sn
from scratchnet import fused, gradcheck
from scratchnet.layers import Conv2D, Dense, Flatten, MaxPooling2D

seeds = st.integers(0, 2**32 - 1)


def reference_conv(x, W, b, strides, padding):
    """The textbook definition, one output number at a time: slow, obvious, independent of im2col."""
    n, h, w, c = x.shape
    kh, kw, _, f = W.shape
    sh, sw = strides
    if padding == "same":
        (pt, pb), (pl, pr) = tf_same_pads(h, kh, sh), tf_same_pads(w, kw, sw)
    else:
        pt = pb = pl = pr = 0
    xp = np.zeros((n, h + pt + pb, w + pl + pr, c))
    xp[:, pt : pt + h, pl : pl + w, :] = x
    ho = (xp.shape[1] - kh) // sh + 1
    wo = (xp.shape[2] - kw) // sw + 1
    out = np.zeros((n, ho, wo, f))
    for s in range(n):
        for i in range(ho):
            for j in range(wo):
                for o in range(f):
                    patch = xp[s, i * sh : i * sh + kh, j * sw : j * sw + kw, :]
                    out[s, i, j, o] = np.sum(patch * W[:, :, :, o]) + (0.0 if b is None else b[o])
    return out


@st.composite
def conv_cases(draw):
    kh, kw = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    sh, sw = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    padding = draw(st.sampled_from(["valid", "same"]))
    h = draw(st.integers(kh, kh + 4))
    w = draw(st.integers(kw, kw + 4))
    return {
        "n": draw(st.integers(1, 3)),
        "hwc": (h, w, draw(st.integers(1, 3))),
        "filters": draw(st.integers(1, 3)),
        "kernel_size": (kh, kw),
        "strides": (sh, sw),
        "padding": padding,
        "use_bias": draw(st.booleans()),
        "seed": draw(seeds),
    }


def make_layer(case, activation=None, dtype="float64"):
    layer = Conv2D(
        case["filters"],
        case["kernel_size"],
        strides=case["strides"],
        padding=case["padding"],
        use_bias=case["use_bias"],
        activation=activation,
    )
    built(layer, case["hwc"], dtype=dtype, seed=case["seed"])
    if case["use_bias"]:  # a zero bias would make b's checks trivial
        layer.params["b"][...] = np.random.default_rng(case["seed"] + 1).standard_normal(case["filters"])
    return layer


# --- forward: the matmul of patches equals the loops -----------------------------------------------------------
@settings(max_examples=40, deadline=None)
@given(case=conv_cases())
def test_forward_matches_the_loop_definition(case):
    layer = make_layer(case)
    x = np.random.default_rng(case["seed"]).standard_normal((case["n"], *case["hwc"]))
    y = layer.forward(x)
    expected = reference_conv(x, layer.params["W"], layer.params.get("b"), case["strides"], case["padding"])
    assert y.shape == expected.shape == (case["n"], *layer.compute_output_shape(case["hwc"]))
    np.testing.assert_allclose(y, expected, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize(
    ("size", "k", "s", "pads", "out"),
    [(28, 3, 1, (1, 1), 28), (5, 2, 1, (0, 1), 5), (6, 3, 2, (0, 1), 3), (7, 3, 2, (1, 1), 4), (4, 1, 3, (0, 0), 2)],
)
def test_same_padding_is_tensorflows(size, k, s, pads, out):
    # Worked by hand from TensorFlow's rule: out = ceil(size / s), the extra row of an odd total at the end.
    assert sn.layers.convolution.same_padding(size, k, s) == pads
    assert sn.layers.convolution.conv_output_size(size, k, s, "same") == out


def test_a_hand_worked_example():
    # docs/backprop.md works this one out: a 4x4 input, a 2x2 kernel, stride 1, no bias.
    x = np.arange(16.0).reshape(1, 4, 4, 1)
    layer = built(Conv2D(1, 2, use_bias=False), (4, 4, 1))
    layer.params["W"][...] = np.array([[1.0, 0.0], [0.0, -1.0]]).reshape(2, 2, 1, 1)
    y = layer.forward(x)
    np.testing.assert_array_equal(y[0, :, :, 0], np.full((3, 3), -5.0))  # x[i, j] - x[i+1, j+1] = -5
    dx = layer.backward(np.ones_like(y))
    expected_dx = np.zeros((4, 4))
    expected_dx[:3, :3] += 1
    expected_dx[1:, 1:] -= 1
    np.testing.assert_array_equal(dx[0, :, :, 0], expected_dx)
    # dW[a, b] = sum of the inputs the kernel entry (a, b) touched: the 3x3 block starting at (a, b).
    expected_dw = [[x[0, a : a + 3, b : b + 3, 0].sum() for b in range(2)] for a in range(2)]
    np.testing.assert_array_equal(layer.grads["W"][:, :, 0, 0], expected_dw)
    np.testing.assert_array_equal(expected_dw, [[45, 54], [81, 90]])  # the numbers the guide works out by hand


# --- backward: finite differences in float64 ----------------------------------------------------------------------
@settings(max_examples=40, deadline=None)
@given(case=conv_cases(), activation=st.sampled_from(["linear", "tanh"]))
def test_conv2d_passes_gradcheck(case, activation):
    layer = make_layer(case, activation=activation)
    x = np.random.default_rng(case["seed"]).standard_normal((case["n"], *case["hwc"]))
    report = gradcheck.check_layer(layer, x, seed=case["seed"] % 1000, max_checks=60)
    assert report.passed, str(report)
    assert [c.name for c in report.checks] == (["x", "W", "b"] if case["use_bias"] else ["x", "W"])


def test_conv2d_with_relu_passes_gradcheck_away_from_the_kink():
    rng = np.random.default_rng(3)
    layer = built(Conv2D(4, (3, 2), strides=(2, 1), padding="same", activation="relu"), (5, 6, 3))
    layer.params["b"][...] = rng.standard_normal(4)
    x = rng.standard_normal((2, 5, 6, 3))
    z = layer.forward(x)  # after relu; check the pre-activations instead
    pre = reference_conv(x, layer.params["W"], layer.params["b"], (2, 1), "same")
    assert np.abs(pre).min() > 1e-4, "test input too close to ReLU's kink: pick another seed"
    assert (z == 0).any() and (z > 0).any()
    assert gradcheck.check_layer(layer, x, max_checks=None).passed


def test_conv2d_ending_in_softmax_offers_the_fused_path():
    layer = built(Conv2D(3, 2, activation="softmax"), (3, 3, 2))
    assert fused.output_activation(layer) == "softmax"
    x = np.random.default_rng(0).standard_normal((2, 3, 3, 2))
    y = layer.forward(x)
    np.testing.assert_allclose(y.sum(-1), 1.0)
    dz = np.random.default_rng(1).standard_normal(y.shape)
    dx = fused.backward_below_activation(layer, dz)
    # the fused path starts below the softmax: the same as the linear part's backward on dz.
    linear = built(Conv2D(3, 2), (3, 3, 2))
    linear.params["W"][...], linear.params["b"][...] = layer.params["W"], layer.params["b"]
    linear.forward(x)
    np.testing.assert_allclose(dx, linear.backward(dz))
    assert fused.output_activation(built(Conv2D(3, 2, activation="relu"), (3, 3, 2))) == "relu"


# --- the layer contract ---------------------------------------------------------------------------------------------
def test_no_input_mutation_and_float32_kept():
    layer = built(Conv2D(4, 3, padding="same", activation="relu"), (6, 6, 2), dtype="float32")
    x = np.random.default_rng(0).standard_normal((3, 6, 6, 2)).astype(np.float32)
    x_before = x.copy()
    y = layer.forward(x)
    dy = np.random.default_rng(1).standard_normal(y.shape).astype(np.float32)
    dy_before = dy.copy()
    dx = layer.backward(dy)
    np.testing.assert_array_equal(x, x_before)
    np.testing.assert_array_equal(dy, dy_before)
    assert y.dtype == dx.dtype == layer.grads["W"].dtype == layer.grads["b"].dtype == np.float32
    assert dx.shape == x.shape


def test_gradients_are_written_into_the_existing_arrays_and_overwritten():
    layer = built(Conv2D(2, 2), (4, 4, 1))
    held = {key: g for key, g in layer.grads.items()}
    x = np.random.default_rng(0).standard_normal((2, 4, 4, 1))
    y = layer.forward(x)
    layer.backward(np.ones_like(y))
    first = {key: g.copy() for key, g in layer.grads.items()}
    layer.backward(np.ones_like(y))  # the same batch again: overwritten, not accumulated
    for key in held:
        assert layer.grads[key] is held[key]
        np.testing.assert_allclose(layer.grads[key], first[key])


def test_no_dx_when_nobody_needs_it_but_the_parameter_gradients_still_come():
    layer = built(Conv2D(2, 2), (4, 4, 1))
    x = np.random.default_rng(0).standard_normal((2, 4, 4, 1))
    layer.forward(x)
    layer.needs_input_grad = False
    assert layer.backward(np.ones((2, 3, 3, 2))) is None
    assert np.abs(layer.grads["W"]).sum() > 0


def test_glorot_uses_kerass_fans_for_a_kernel():
    # Keras: fan_in = kh*kw*C_in, fan_out = kh*kw*C_out, so the limit is sqrt(6 / (9 + 576)) here.
    layer = built(Conv2D(64, 3), (28, 28, 1))
    limit = math.sqrt(6 / (9 * 1 + 9 * 64))
    w = layer.params["W"]
    assert w.shape == (3, 3, 1, 64)
    assert np.abs(w).max() <= limit
    assert np.abs(w).max() > 0.9 * limit  # drawn from the whole range, not a narrower one


def test_ints_and_tuples_and_config_round_trip():
    Conv2D(8, 3, dilation_rate=1, groups=1)  # Keras's defaults, written out, are accepted
    a = Conv2D(8, 3, strides=2, padding="SAME")
    assert (a.kernel_size, a.strides, a.padding) == ((3, 3), (2, 2), "same")
    b = Conv2D.from_config(a.get_config() | {"name": "copy"})
    assert (b.filters, b.kernel_size, b.strides, b.padding) == (8, (3, 3), (2, 2), "same")


# --- whole models --------------------------------------------------------------------------------------------------
def course_model(seed=0):
    L = sn.layers
    return sn.Sequential(
        [
            L.Conv2D(64, (3, 3), activation="relu", input_shape=(28, 28, 1)),
            L.MaxPooling2D(2, 2),
            L.Conv2D(64, (3, 3), activation="relu"),
            L.MaxPooling2D(2, 2),
            L.Flatten(),
            L.Dense(128, activation="relu"),
            L.Dense(10, activation="softmax"),
        ],
        seed=seed,
    )


def test_the_course_models_summary_matches_keras():
    lines = []
    model = course_model()
    model.summary(print_fn=lines.append)
    text = "\n".join(lines)
    for shape in ["(None, 26, 26, 64)", "(None, 13, 13, 64)", "(None, 11, 11, 64)", "(None, 5, 5, 64)", "(None, 1600)"]:
        assert shape in text
    assert "Total params: 243,786" in text
    assert [layer.count_params() for layer in model.layers] == [640, 0, 36928, 0, 0, 204928, 1290]


def small_conv_model(seed=0, dtype="float32"):
    L = sn.layers
    return sn.Sequential(
        [
            L.Conv2D(3, (3, 3), activation="tanh", padding="same", input_shape=(6, 6, 1)),
            L.MaxPooling2D(2),
            L.Conv2D(4, 2, strides=(2, 1), activation="tanh"),
            L.Flatten(),
            L.Dense(3, activation="softmax"),
        ],
        seed=seed,
        dtype=dtype,
    )


def test_a_conv_model_passes_check_model_through_the_fused_softmax():
    model = small_conv_model()
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    rng = np.random.default_rng(0)
    x = rng.permutation(4 * 36).reshape(4, 6, 6, 1) / 36.0  # distinct values: no ties in the max-pools
    report = gradcheck.check_model(model, x, np.array([0, 1, 2, 1]), max_checks=40)
    assert report.passed, str(report)
    assert model.fused_backward is fused.softmax_crossentropy_backward
    assert any("fused" in note for note in report.notes)
    assert len(report.checks) == 6  # W and b of the two convolutions and the Dense


def test_a_training_step_keeps_float32_and_learns():
    model = small_conv_model()
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    rng = np.random.default_rng(0)
    x = rng.random((16, 6, 6, 1))  # float64 on purpose: the model casts each batch
    y = (x[:, :3].mean(axis=(1, 2, 3)) > x[:, 3:].mean(axis=(1, 2, 3))).astype(int)
    before = model.evaluate(x, y, verbose=0)
    model.fit(x, y, epochs=30, batch_size=8, verbose=0)
    assert model.evaluate(x, y, verbose=0) < before
    assert all(w.dtype == np.float32 for w in model.trainable_weights)
    assert all(g.dtype == np.float32 for layer in model.layers for g in layer.grads.values())
    assert model.predict(x[:2]).dtype == np.float32


def test_save_and_load_round_trip(tmp_path):
    model = small_conv_model(seed=1)
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    x = np.random.default_rng(0).random((5, 6, 6, 1))
    model.fit(x, np.arange(5) % 3, epochs=1, verbose=0)
    model.save(tmp_path / "cnn.npz")
    loaded = sn.models.load_model(tmp_path / "cnn.npz")
    assert [type(layer).__name__ for layer in loaded.layers] == [type(layer).__name__ for layer in model.layers]
    assert loaded.layers[2].strides == (2, 1) and loaded.layers[0].padding == "same"
    np.testing.assert_array_equal(loaded.predict(x), model.predict(x))


def test_a_reshape_layer_first_takes_images_without_the_channel_axis():
    L = sn.layers
    model = sn.Sequential(
        [L.Reshape((8, 8, 1), input_shape=(8, 8)), L.Conv2D(2, 3), L.GlobalAveragePooling2D(), L.Dense(2)], seed=0
    )
    model.compile(optimizer="sgd", loss="mse")
    x = np.random.default_rng(0).random((4, 8, 8))
    model.fit(x, np.zeros((4, 2)), epochs=1, verbose=0)
    assert model.predict(x).shape == (4, 2)
    assert model.layers[1].count_params() == 3 * 3 * 1 * 2 + 2


def test_flatten_is_channels_last_as_in_keras():
    x = np.arange(2 * 5 * 5 * 64).reshape(2, 5, 5, 64)
    y = Flatten()(x)
    # Keras's Flatten of a channels-last map: the channel index moves fastest.
    assert y[0, 1] == x[0, 0, 0, 1] and y[0, 64] == x[0, 0, 1, 0]


# --- errors -------------------------------------------------------------------------------------------------------
def test_forgotten_channel_axis_shows_the_fix():
    model = sn.Sequential([Conv2D(4, 3), Flatten(), Dense(2)])
    model.compile(optimizer="sgd", loss="mse")
    with pytest.raises(ValueError) as info:
        model.predict(np.zeros((2, 28, 28)))
    message = str(info.value)
    assert "x.reshape(-1, 28, 28, 1)" in message and "Reshape((28, 28, 1))" in message


def test_forgotten_channel_axis_on_a_model_built_from_the_data_shows_the_reshape():
    # A model built for (28, 28, 1) adds the missing axis as Keras does (tests/test_checks.py); one that builds
    # from the data has no way to know, so its Conv2D says what to do.
    model = sn.Sequential([Conv2D(4, 3), Flatten(), Dense(2)])
    with pytest.raises(ValueError, match=r"x\.reshape\(-1, 28, 28, 1\)"):
        model.predict(np.zeros((2, 28, 28)))


def test_a_layer_alone_given_no_channel_axis():
    layer = built(Conv2D(2, 3), (8, 8, 1))
    with pytest.raises(ValueError, match=r"x\.reshape\(-1, 8, 8, 1\)"):
        layer.forward(np.zeros((2, 8, 8)))
    with pytest.raises(ValueError, match=r"\(batch, height, width, 1\). Received: x.shape=\(2, 8, 8, 3\)"):
        layer.forward(np.zeros((2, 8, 8, 3)))


def test_kernel_bigger_than_its_input():
    with pytest.raises(ValueError, match=r"Conv2D 'big'.*5x5 kernel does not fit in its 4x4 input"):
        sn.Sequential([Conv2D(2, 5, name="big", input_shape=(4, 4, 1))])


def test_a_stack_that_shrinks_the_map_to_nothing_names_the_layer():
    with pytest.raises(ValueError) as info:
        sn.Sequential(
            [
                Conv2D(4, 3, activation="relu", input_shape=(8, 8, 1)),
                MaxPooling2D(2, 2),
                Conv2D(4, 3, activation="relu", name="third"),
                MaxPooling2D(2, 2, name="too_far"),
            ]
        )
    message = str(info.value)
    assert "'too_far'" in message and "(None, 1, 1, 4)" in message and "2x2 pool does not fit in its 1x1" in message


@pytest.mark.parametrize("padding", ["SAME", "Valid"])
def test_padding_in_any_case_as_keras(padding):
    assert Conv2D(2, 3, padding=padding).padding == padding.lower()


@pytest.mark.parametrize("padding", ["full", "causal", 1, None])
def test_unknown_padding_is_a_keras_style_error(padding):
    with pytest.raises(ValueError, match=r"`padding` argument must be one of 'valid', 'same'. Received: padding="):
        Conv2D(2, 3, padding=padding)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"filters": 0, "kernel_size": 3}, "filters"),
        ({"filters": 2, "kernel_size": (3, 3, 3)}, "kernel_size"),
        ({"filters": 2, "kernel_size": 0}, "kernel_size"),
        ({"filters": 2, "kernel_size": 3, "strides": (1, 0)}, "strides"),
        ({"filters": 2, "kernel_size": 3, "data_format": "channels_first"}, "channels-last"),
        ({"filters": 2, "kernel_size": 3, "dilation_rate": 2}, "dilation_rate=2"),
        ({"filters": 2, "kernel_size": 3, "groups": 2}, "groups=2"),
    ],
)
def test_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        Conv2D(**kwargs)


# --- looking inside: explain and LayerStats -------------------------------------------------------------------------
def test_explain_prints_the_convolution_forward_and_backward():
    model = small_conv_model()
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    x = np.random.default_rng(0).random((4, 6, 6, 1))
    before = model.get_weights()
    lines = []
    model.explain(x, np.array([0, 1, 2, 0]), print_fn=lines.append)
    text = "\n".join(lines)
    assert "Conv2D(3, 3x3, strides (1, 1), 'same', tanh)" in text
    assert "xp = pad(x)" in text and "(2, 6, 6, 1) -> (2, 8, 8, 1)" in text
    assert "cols = im2col(xp)" in text and "(72, 9)" in text  # 2 examples * 6 * 6 positions, 3*3*1 per patch
    assert "dW = cols.T @ dz" in text and "(9, 72) @ (72, 3) -> (9, 3) -> (3, 3, 1, 3)" in text
    assert "dx = col2im(dcols)" in text  # the second conv needs its dx: the first one is trainable
    assert "dx = dy at each window's max" in text and "row-major" in text
    assert "z[0, 3, :" in text  # a few numbers of the feature map
    assert all(len(line) <= 100 for line in lines)
    for w, w0 in zip(model.get_weights(), before, strict=True):
        np.testing.assert_array_equal(w, w0)


def test_layer_stats_counts_a_dead_filter_of_a_conv_layer():
    from scratchnet.callbacks.layer_stats import LayerStats

    L = sn.layers
    model = sn.Sequential(
        [L.Conv2D(4, 3, activation="relu", input_shape=(5, 5, 1)), L.Flatten(), L.Dense(2, activation="softmax")],
        seed=0,
    )
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    model.layers[0].params["b"][0] = -100.0  # filter 0 is off everywhere, for every image in [0, 1)
    x = np.random.default_rng(0).random((8, 5, 5, 1))
    stats = LayerStats(x, np.arange(8) % 2)
    model.fit(x, np.arange(8) % 2, epochs=1, verbose=0, callbacks=[stats])
    assert stats.stats["dead_fraction"][model.layers[0].name][0] == 0.25
    assert sorted(stats.stats["grad_norm"]) == sorted(model.weight_names)

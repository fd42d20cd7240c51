"""Tests for scratchnet.plotting: each figure's axes, labels, colours and data, the confusion-matrix counts,
PNG output, the error messages, and that matplotlib is loaded only when something is drawn."""

import os
import subprocess
import sys
import textwrap

import matplotlib.pyplot as plt
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from matplotlib.colors import to_rgba

from scratchnet import plotting
from scratchnet.datasets import fashion_mnist

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
FASHION = fashion_mnist.class_names
RED = to_rgba(plotting.PREDICTED_COLOR)
BLUE = to_rgba(plotting.TRUE_COLOR)
GREY = to_rgba(plotting.OTHER_COLOR)


pytestmark = pytest.mark.usefixtures("agg_backend", "close_new_figures")  # both in conftest.py


def one_hot_probabilities(predicted, num_classes=10, confidence=0.93):
    p = np.full(num_classes, (1.0 - confidence) / (num_classes - 1))
    p[predicted] = confidence
    return p


def color_of(artist_color):
    return to_rgba(artist_color)


@pytest.fixture
def rng():
    return np.random.default_rng(0)


# ----------------------------------------------------------------------------------------------------------
# plot_image
# ----------------------------------------------------------------------------------------------------------


def test_plot_image_draws_a_flat_784_vector_as_28x28_in_binary(rng):
    image = rng.random(784)
    fig = plotting.plot_image(image)
    assert isinstance(fig, plt.Figure)
    (ax,) = fig.axes
    (drawn,) = ax.images
    np.testing.assert_array_equal(drawn.get_array(), image.reshape(28, 28))
    assert drawn.get_cmap().name == "binary"
    assert ax.get_xlabel() == ""


@pytest.mark.parametrize("shape", [(28, 28), (28, 28, 1), (1, 28, 28), (1, 784), (20, 12)])
def test_plot_image_accepts_one_image_in_common_shapes(rng, shape):
    fig = plotting.plot_image(rng.random(shape))
    expected = (20, 12) if shape == (20, 12) else (28, 28)
    assert fig.axes[0].images[0].get_array().shape == expected


def test_plot_image_label_is_blue_when_prediction_is_right():
    fig = plotting.plot_image(
        np.zeros((28, 28)), true_label=7, probabilities=one_hot_probabilities(7), class_names=FASHION
    )
    ax = fig.axes[0]
    assert ax.get_xlabel() == "Sneaker 93% (Sneaker)"
    assert color_of(ax.xaxis.label.get_color()) == BLUE


def test_plot_image_label_is_red_when_prediction_is_wrong():
    fig = plotting.plot_image(np.zeros(784), true_label=9, probabilities=one_hot_probabilities(5, confidence=0.6))
    ax = fig.axes[0]
    assert ax.get_xlabel() == "5 60% (9)"
    assert color_of(ax.xaxis.label.get_color()) == RED


def test_plot_image_with_only_a_true_label_shows_its_name():
    fig = plotting.plot_image(np.zeros((28, 28)), true_label=np.uint8(3), class_names=FASHION)
    assert fig.axes[0].get_xlabel() == "Dress"


def test_plot_image_draws_on_the_given_axes_without_a_new_figure():
    fig, axes = plt.subplots(1, 2)
    figures_before = plt.get_fignums()
    returned = plotting.plot_image(np.ones((28, 28)), probabilities=one_hot_probabilities(2), ax=axes[1])
    assert returned is fig
    assert plt.get_fignums() == figures_before
    assert len(axes[0].images) == 0 and len(axes[1].images) == 1
    assert axes[1].get_xlabel() == "2 93%"


# ----------------------------------------------------------------------------------------------------------
# plot_probabilities and plot_prediction
# ----------------------------------------------------------------------------------------------------------


def test_plot_probabilities_colours_predicted_red_true_blue_others_grey():
    p = one_hot_probabilities(4, confidence=0.55)
    p[8] += 0.05
    p /= p.sum()
    fig = plotting.plot_probabilities(p, true_label=8, class_names=FASHION)
    (ax,) = fig.axes
    bars = ax.patches
    assert len(bars) == 10
    np.testing.assert_allclose([bar.get_height() for bar in bars], p)
    assert bars[4].get_facecolor() == RED
    assert bars[8].get_facecolor() == BLUE
    assert all(bar.get_facecolor() == GREY for i, bar in enumerate(bars) if i not in (4, 8))
    assert ax.get_ylim() == (0.0, 1.0)
    assert [t.get_text() for t in ax.get_xticklabels()] == FASHION
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["predicted", "true"]


def test_plot_probabilities_correct_prediction_is_one_blue_bar():
    fig = plotting.plot_probabilities(one_hot_probabilities(1, num_classes=3), true_label=1)
    colors = [bar.get_facecolor() for bar in fig.axes[0].patches]
    assert colors == [GREY, BLUE, GREY]


def test_plot_probabilities_without_true_label_has_no_blue_bar():
    fig = plotting.plot_probabilities([0.2, 0.5, 0.3])
    colors = [bar.get_facecolor() for bar in fig.axes[0].patches]
    assert colors == [GREY, RED, GREY]
    assert [t.get_text() for t in fig.axes[0].get_xticklabels()] == ["0", "1", "2"]


def test_plot_prediction_puts_the_image_beside_its_bar_chart(rng):
    image = rng.integers(0, 256, (28, 28), dtype=np.uint8)
    p = one_hot_probabilities(3)
    image_before, p_before = image.copy(), p.copy()
    fig = plotting.plot_prediction(image, p, true_label=6, class_names=FASHION)
    ax_image, ax_bars = fig.axes
    assert ax_image.images[0].get_array().shape == (28, 28)
    assert ax_image.get_xlabel() == "Dress 93% (Shirt)"
    assert color_of(ax_image.xaxis.label.get_color()) == RED
    assert len(ax_bars.patches) == 10
    assert ax_bars.patches[3].get_facecolor() == RED
    assert ax_bars.patches[6].get_facecolor() == BLUE
    assert ax_bars.get_ylabel() == "probability"
    # Drawing never writes into the caller's arrays.
    np.testing.assert_array_equal(image, image_before)
    np.testing.assert_array_equal(p, p_before)


# ----------------------------------------------------------------------------------------------------------
# plot_predictions_grid
# ----------------------------------------------------------------------------------------------------------


def grid_inputs(rng, n, num_classes=10):
    images = rng.random((n, 28, 28))
    true_labels = rng.integers(0, num_classes, n)
    predicted = true_labels.copy()
    predicted[::3] = (predicted[::3] + 1) % num_classes  # every third one wrong
    probabilities = np.stack([one_hot_probabilities(k, num_classes) for k in predicted])
    return images, probabilities, true_labels, predicted


def test_plot_predictions_grid_draws_rows_times_cols_images_with_coloured_labels(rng):
    images, probabilities, true_labels, predicted = grid_inputs(rng, 30)
    fig = plotting.plot_predictions_grid(images, probabilities, true_labels, rows=5, cols=5)
    assert len(fig.axes) == 25
    for i, ax in enumerate(fig.axes):
        np.testing.assert_array_equal(ax.images[0].get_array(), images[i])
        expected = BLUE if predicted[i] == true_labels[i] else RED
        assert color_of(ax.xaxis.label.get_color()) == expected
        assert ax.get_xlabel() == f"{predicted[i]} 93% ({true_labels[i]})"
    correct = int(np.sum(predicted[:25] == true_labels[:25]))
    assert f"{correct} of 25 correct" in fig.get_suptitle()


def test_plot_predictions_grid_shrinks_to_the_images_it_has(rng):
    images, probabilities, true_labels, _ = grid_inputs(rng, 7)
    fig = plotting.plot_predictions_grid(images.reshape(7, 784), probabilities, true_labels, FASHION, 5, 5)
    assert len(fig.axes) == 7
    geometry = fig.axes[0].get_subplotspec().get_gridspec().get_geometry()
    assert geometry == (2, 5)
    # Long class names: predicted and true go on two lines.
    assert "\n(" in fig.axes[0].get_xlabel()


def test_plot_predictions_grid_accepts_a_channel_axis(rng):
    images, probabilities, true_labels, _ = grid_inputs(rng, 4)
    fig = plotting.plot_predictions_grid(images[..., None], probabilities, true_labels, rows=2, cols=2)
    assert [ax.images[0].get_array().shape for ax in fig.axes] == [(28, 28)] * 4


# ----------------------------------------------------------------------------------------------------------
# plot_history
# ----------------------------------------------------------------------------------------------------------

HISTORY = {
    "loss": [0.9, 0.5, 0.4, 0.35],
    "accuracy": [0.7, 0.82, 0.86, 0.88],
    "val_loss": [0.8, 0.55, 0.5, 0.52],
    "val_accuracy": [0.72, 0.8, 0.83, 0.84],
}


def test_plot_history_one_subplot_per_metric_with_training_and_validation():
    fig = plotting.plot_history(HISTORY)
    assert [ax.get_title() for ax in fig.axes] == ["loss", "accuracy"]
    for ax, name in zip(fig.axes, ["loss", "accuracy"], strict=True):
        assert ax.get_xlabel() == "epoch"
        train, val = ax.get_lines()
        assert (train.get_label(), val.get_label()) == ("training", "validation")
        np.testing.assert_array_equal(train.get_xdata(), [1, 2, 3, 4])
        np.testing.assert_array_equal(train.get_ydata(), HISTORY[name])
        np.testing.assert_array_equal(val.get_ydata(), HISTORY[f"val_{name}"])


def test_plot_history_reads_a_history_object_and_selects_metrics():
    class History:  # what fit() returns in scratchnet and in Keras
        history = HISTORY

    fig = plotting.plot_history(History(), metrics="val_accuracy")
    (ax,) = fig.axes
    assert ax.get_title() == "accuracy"
    assert len(ax.get_lines()) == 2


def test_plot_history_without_validation_and_many_metrics_wraps_rows():
    history = {name: [1.0, 0.5] for name in ["loss", "accuracy", "precision", "recall"]}
    fig = plotting.plot_history(history)
    assert [ax.get_title() for ax in fig.axes] == ["loss", "accuracy", "precision", "recall"]
    assert all(len(ax.get_lines()) == 1 for ax in fig.axes)
    assert fig.axes[0].get_subplotspec().get_gridspec().get_geometry() == (2, 3)


def test_plot_history_rejects_what_is_not_a_history():
    with pytest.raises(TypeError, match=r"plot_history expected .* Received: history of type list"):
        plotting.plot_history([0.9, 0.5])


# ----------------------------------------------------------------------------------------------------------
# confusion_matrix and plot_confusion_matrix
# ----------------------------------------------------------------------------------------------------------


def test_confusion_matrix_counts_a_hand_computed_case():
    y_true = [0, 0, 0, 1, 1, 2, 2, 2, 2]
    y_pred = [0, 1, 0, 1, 1, 2, 0, 2, 1]
    expected = np.array(
        [
            [2, 1, 0],  # true 0: two right, one called 1
            [0, 2, 0],  # true 1: both right
            [1, 1, 2],  # true 2: one called 0, one called 1, two right
        ]
    )
    cm = plotting.confusion_matrix(y_true, y_pred)
    np.testing.assert_array_equal(cm, expected)
    assert cm.dtype == np.int64
    padded = plotting.confusion_matrix(np.array(y_true, dtype=np.uint8), y_pred, num_classes=5)
    np.testing.assert_array_equal(padded[:3, :3], expected)
    assert padded.shape == (5, 5) and padded[3:].sum() == 0 and padded[:, 3:].sum() == 0


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_confusion_matrix_properties(data):
    num_classes = data.draw(st.integers(1, 8), label="num_classes")
    labels = st.lists(st.integers(0, num_classes - 1), min_size=0, max_size=60)
    y_true = np.array(data.draw(labels, label="y_true"), dtype=np.int64)
    n = y_true.size
    y_pred = np.array(
        data.draw(st.lists(st.integers(0, num_classes - 1), min_size=n, max_size=n), label="y_pred"),
        dtype=np.int64,
    )
    cm = plotting.confusion_matrix(y_true, y_pred, num_classes=num_classes)
    assert cm.shape == (num_classes, num_classes)
    assert cm.sum() == n
    assert np.trace(cm) == np.sum(y_true == y_pred)
    np.testing.assert_array_equal(cm.sum(axis=1), np.bincount(y_true, minlength=num_classes))
    np.testing.assert_array_equal(cm.sum(axis=0), np.bincount(y_pred, minlength=num_classes))
    reference = np.zeros((num_classes, num_classes), dtype=np.int64)
    np.add.at(reference, (y_true, y_pred), 1)  # an independent count, one example at a time
    np.testing.assert_array_equal(cm, reference)


def test_plot_confusion_matrix_draws_and_annotates_the_counts():
    y_true = [0, 0, 0, 1, 1, 2, 2, 2, 2]
    y_pred = [0, 1, 0, 1, 1, 2, 0, 2, 1]
    cm = plotting.confusion_matrix(y_true, y_pred)
    fig = plotting.plot_confusion_matrix(y_true, y_pred, class_names=["cat", "dog", "fox"])
    (ax,) = fig.axes
    np.testing.assert_array_equal(ax.images[0].get_array(), cm)
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("predicted", "true")
    assert [t.get_text() for t in ax.texts] == [str(v) for v in cm.ravel()]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["cat", "dog", "fox"]
    assert "accuracy 66.7% (6 of 9)" in ax.get_title()


def test_plot_confusion_matrix_normalized_rows_sum_to_one():
    y_true = [0, 0, 0, 1, 1, 2, 2, 2, 2]
    y_pred = [0, 1, 0, 1, 1, 2, 0, 2, 1]
    fig = plotting.plot_confusion_matrix(y_true, y_pred, class_names=["a", "b", "c", "d"], normalize=True)
    values = np.asarray(fig.axes[0].images[0].get_array())
    assert values.shape == (4, 4)  # class_names fix C, even for a class with no examples
    np.testing.assert_allclose(values.sum(axis=1), [1.0, 1.0, 1.0, 0.0])
    assert fig.axes[0].texts[0].get_text() == "0.67"


# ----------------------------------------------------------------------------------------------------------
# plot_weights
# ----------------------------------------------------------------------------------------------------------


def test_plot_weights_draws_each_column_as_an_image_on_a_symmetric_scale(rng):
    W = rng.normal(size=(784, 20))
    W[0, 19] = 50.0  # beyond max_units: must not set the colour scale
    fig = plotting.plot_weights(W, max_units=12, cols=5)
    unit_axes = [ax for ax in fig.axes if ax.images]
    assert len(unit_axes) == 12
    assert len(fig.axes) == 13  # and one colour bar
    vmax = np.percentile(np.abs(W[:, :12]), 99)  # robust to a few extreme weights
    for j, ax in enumerate(unit_axes):
        (drawn,) = ax.images
        np.testing.assert_array_equal(drawn.get_array(), W[:, j].reshape(28, 28))
        assert drawn.get_clim() == pytest.approx((-vmax, vmax))
        assert drawn.get_cmap().name == "RdBu_r"
        assert ax.get_title() == f"unit {j}"


def test_plot_weights_with_fewer_units_than_max_and_another_image_shape(rng):
    fig = plotting.plot_weights(rng.normal(size=(8 * 4, 3)), image_shape=(8, 4))
    unit_axes = [ax for ax in fig.axes if ax.images]
    assert [ax.images[0].get_array().shape for ax in unit_axes] == [(8, 4)] * 3


def test_plot_weights_takes_the_model_or_the_layer_and_draws_its_first_dense_kernel():
    import scratchnet as sn

    model = sn.Sequential(
        [sn.layers.Flatten(input_shape=(28, 28)), sn.layers.Dense(5), sn.layers.Dense(3)],
        seed=0,
    )
    model.build((28, 28))
    kernel = model.layers[1].params["W"]
    for owner in (model, model.layers[1]):
        drawn = [ax.images[0].get_array() for ax in plotting.plot_weights(owner).axes if ax.images]
        assert len(drawn) == 5
        np.testing.assert_array_equal(drawn[0], kernel[:, 0].reshape(28, 28))


def test_plot_weights_of_something_else_says_what_it_expected():
    with pytest.raises(TypeError, match=r"expected the kernel W .* Received: W of type object"):
        plotting.plot_weights(object())
    import scratchnet as sn

    with pytest.raises(ValueError, match="found no layer with a 2-D kernel W"):
        plotting.plot_weights(sn.Sequential([sn.layers.Flatten(input_shape=(4, 4))]))


# ----------------------------------------------------------------------------------------------------------
# Every figure saves as a PNG
# ----------------------------------------------------------------------------------------------------------


def _figures(rng):
    images, probabilities, true_labels, predicted = grid_inputs(rng, 12)
    return {
        "image": lambda: plotting.plot_image(images[0], true_labels[0], probabilities[0]),
        "probabilities": lambda: plotting.plot_probabilities(probabilities[0], true_labels[0], FASHION),
        "prediction": lambda: plotting.plot_prediction(
            (images[1] * 255).astype(np.uint8), probabilities[1], true_labels[1], FASHION
        ),
        "grid": lambda: plotting.plot_predictions_grid(images, probabilities, true_labels, rows=3, cols=4),
        "history": lambda: plotting.plot_history(HISTORY),
        "confusion": lambda: plotting.plot_confusion_matrix(true_labels, predicted, FASHION, normalize=True),
        "weights": lambda: plotting.plot_weights(rng.normal(size=(784, 16)), max_units=16),
    }


@pytest.mark.parametrize("name", list(_figures(np.random.default_rng(0))))
def test_every_figure_saves_as_a_valid_png(tmp_path, name):
    fig = _figures(np.random.default_rng(0))[name]()
    path = tmp_path / f"{name}.png"
    fig.savefig(path, dpi=50)
    data = path.read_bytes()
    assert data[:8] == PNG_SIGNATURE
    assert len(data) > 1000


# ----------------------------------------------------------------------------------------------------------
# Bad input: ValueError naming the function, what it expected and what it received
# ----------------------------------------------------------------------------------------------------------

P10 = one_hot_probabilities(0)
IMAGE = np.zeros((28, 28))

BAD_INPUTS = {
    "probabilities not 1-D": (
        "plot_probabilities",
        lambda: plotting.plot_probabilities(np.tile(P10, (2, 1))),
    ),
    "batch of one": ("plot_prediction", lambda: plotting.plot_prediction(IMAGE, P10[None])),
    "logits": ("plot_probabilities", lambda: plotting.plot_probabilities([-2.0, 0.5, 3.0])),
    "nan probabilities": ("plot_probabilities", lambda: plotting.plot_probabilities([np.nan, 1.0])),
    "image is a batch": ("plot_image", lambda: plotting.plot_image(np.zeros((3, 28, 28)))),
    "flat image not square": ("plot_image", lambda: plotting.plot_image(np.zeros(783))),
    "true label out of range": (
        "plot_prediction",
        lambda: plotting.plot_prediction(IMAGE, P10, true_label=10),
    ),
    "true label one-hot": ("plot_image", lambda: plotting.plot_image(IMAGE, true_label=np.eye(10)[3])),
    "class names wrong length": (
        "plot_probabilities",
        lambda: plotting.plot_probabilities(P10, class_names=FASHION[:9]),
    ),
    "grid lengths differ": (
        "plot_predictions_grid",
        lambda: plotting.plot_predictions_grid(np.zeros((5, 28, 28)), np.tile(P10, (4, 1)), np.zeros(5, int)),
    ),
    "grid probabilities 1-D": (
        "plot_predictions_grid",
        lambda: plotting.plot_predictions_grid(np.zeros((1, 28, 28)), P10, [0]),
    ),
    "grid rows zero": (
        "plot_predictions_grid",
        lambda: plotting.plot_predictions_grid(np.zeros((1, 28, 28)), P10[None], [0], rows=0),
    ),
    "history unknown metric": ("plot_history", lambda: plotting.plot_history(HISTORY, metrics=["acc"])),
    "history empty": ("plot_history", lambda: plotting.plot_history({})),
    "history entry not 1-D": ("plot_history", lambda: plotting.plot_history({"loss": 0.5})),
    "y lengths differ": ("confusion_matrix", lambda: plotting.confusion_matrix([0, 1, 2], [0, 1])),
    "y_pred probabilities": ("confusion_matrix", lambda: plotting.confusion_matrix([0, 1], np.eye(2))),
    "negative label": ("confusion_matrix", lambda: plotting.confusion_matrix([0, -1], [0, 1])),
    "label beyond num_classes": (
        "confusion_matrix",
        lambda: plotting.confusion_matrix([0, 3], [0, 1], num_classes=3),
    ),
    "fractional labels": ("confusion_matrix", lambda: plotting.confusion_matrix([0.5, 1.0], [0, 1])),
    "plot y lengths differ": (
        "plot_confusion_matrix",
        lambda: plotting.plot_confusion_matrix([0, 1, 2], [0, 1]),
    ),
    "plot no examples": ("plot_confusion_matrix", lambda: plotting.plot_confusion_matrix([], [])),
    "weights 1-D": ("plot_weights", lambda: plotting.plot_weights(np.zeros(784))),
    "weights wrong input size": ("plot_weights", lambda: plotting.plot_weights(np.zeros((100, 64)))),
    "weights zero max_units": (
        "plot_weights",
        lambda: plotting.plot_weights(np.zeros((784, 4)), max_units=0),
    ),
}


@pytest.mark.parametrize("case", list(BAD_INPUTS))
def test_bad_input_raises_value_error_naming_function_and_received(case):
    fn, call = BAD_INPUTS[case]
    with pytest.raises(ValueError) as info:
        call()
    message = str(info.value)
    assert message.startswith(f"{fn} ")
    assert "expected" in message
    assert "Received:" in message


def test_bad_input_messages_show_shapes_and_suggest_a_fix():
    with pytest.raises(ValueError, match=r"Received: probabilities\.shape=\(1, 10\)\. .*probabilities\[0\]"):
        plotting.plot_prediction(IMAGE, P10[None])
    with pytest.raises(ValueError, match=r"Received: image\.shape=\(3, 28, 28\)"):
        plotting.plot_image(np.zeros((3, 28, 28)))
    with pytest.raises(ValueError, match=r"Received: W\.shape=\(64, 784\)\. It looks transposed"):
        plotting.plot_weights(np.zeros((64, 784)))
    with pytest.raises(ValueError, match=r"Received: y_true\.shape=\(3,\), y_pred\.shape=\(2,\)"):
        plotting.confusion_matrix([0, 1, 2], [0, 1])
    with pytest.raises(ValueError, match=r"look like logits"):
        plotting.plot_probabilities([-2.0, 0.5, 3.0])


# ----------------------------------------------------------------------------------------------------------
# matplotlib is loaded lazily, and drawing works without a display
# ----------------------------------------------------------------------------------------------------------


@pytest.mark.slow
def test_matplotlib_is_imported_only_to_draw_and_defaults_to_agg_without_a_display(tmp_path):
    script = textwrap.dedent(
        f"""
        import sys
        import scratchnet
        from scratchnet import plotting
        assert plotting.confusion_matrix([0, 1], [1, 1]).sum() == 2
        assert "matplotlib" not in sys.modules, "matplotlib imported before anything was drawn"
        fig = plotting.plot_prediction([[0.0, 1.0], [1.0, 0.0]], [0.25, 0.75], true_label=1)
        fig.savefig({str(tmp_path / "headless.png")!r})
        import matplotlib
        print(matplotlib.get_backend())
        """
    )
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "MPLBACKEND")}
    result = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().lower() == "agg"
    assert (tmp_path / "headless.png").read_bytes()[:8] == PNG_SIGNATURE

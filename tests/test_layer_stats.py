"""Tests for scratchnet.callbacks.LayerStats and scratchnet.plotting.plot_layer_stats.

Every number is checked against an independent computation written here (NumPy on the weights, or
compute_gradients on a copy of the model); dead ReLUs on a model built so that we know which units are dead;
training with the callback is bit-identical to training without it; the table and the figure have what they say.
"""

import copy
import math
import subprocess
import sys

import matplotlib.pyplot as plt
import numpy as np
import pytest

import scratchnet as sn
from scratchnet.callbacks import Callback, LambdaCallback
from scratchnet.callbacks.layer_stats import LayerStats
from scratchnet.layers import Dense, Dropout, Flatten, ReLU

pytestmark = pytest.mark.usefixtures("agg_backend", "close_new_figures")  # both in conftest.py


def data(n=64, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.random((n, 6, 6), dtype=np.float32)
    return x, (x.reshape(n, -1).sum(axis=1) > 18).astype(np.int64) + (x[:, 0, 0] > 0.5)


def small_model(seed=0, dropout=0.0, optimizer="adam"):
    layers = [Flatten(input_shape=(6, 6)), Dense(16, activation="relu")]
    if dropout:
        layers.append(Dropout(dropout))
    layers.append(Dense(3, activation="softmax"))
    model = sn.Sequential(layers, seed=seed)
    model.compile(optimizer=optimizer, loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


# --- the numbers ----------------------------------------------------------------------------------------------


def test_dead_relus_on_a_model_where_we_know_which_are_dead():
    # Inputs in [0, 1); units 0 and 2 get negative weights and bias, so z < 0 and relu(z) = 0 for every example.
    x = np.random.default_rng(1).random((40, 2))
    y = np.arange(40) % 2
    model = sn.Sequential([Dense(4, activation="relu", input_shape=[2]), Dense(2, activation="softmax")], seed=0)
    model.compile(optimizer=sn.optimizers.SGD(0.1), loss="sparse_categorical_crossentropy")
    W = np.array([[-1.0, 1.0, -2.0, 0.5], [-1.0, 0.5, -1.0, 1.0]], dtype=np.float32)
    b = np.array([-0.1, 0.1, -0.5, 0.1], dtype=np.float32)
    model.layers[0].set_weights([W, b])

    stats = LayerStats(x, y, probe_size=32)
    model.fit(x, y, epochs=2, batch_size=8, verbose=0, callbacks=[stats])
    name = model.layers[0].name
    assert stats.stats["dead_fraction"] == {name: [0.5, 0.5, 0.5]}
    # A dead unit gets no gradient, so its weights never move: that is why it stays dead.
    np.testing.assert_array_equal(model.layers[0].params["W"][:, [0, 2]], W[:, [0, 2]])
    np.testing.assert_array_equal(model.layers[0].params["b"][[0, 2]], b[[0, 2]])

    # Activation mean and std of that layer, after training, computed here from the weights.
    W1, b1 = model.layers[0].get_weights()
    h = np.maximum(x[:32].astype(np.float32) @ W1 + b1, 0)
    assert stats.stats["activation_mean"][name][-1] == pytest.approx(float(h.mean(dtype=np.float64)), rel=1e-6)
    assert stats.stats["activation_std"][name][-1] == pytest.approx(float(h.std(dtype=np.float64)), rel=1e-6)


def test_dead_fraction_of_a_relu_layer_and_only_of_relus():
    x = np.abs(np.random.default_rng(2).normal(size=(20, 3))).astype(np.float32)
    model = sn.Sequential([Dense(4, input_shape=[3]), ReLU(), Dense(2, activation="softmax")], seed=0)
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    model.layers[0].set_weights([np.array([[-1, 1, 1, -1]] * 3, dtype=np.float32), np.zeros(4, np.float32)])
    stats = LayerStats(x, np.arange(20) % 2)
    model.fit(x, np.arange(20) % 2, epochs=0, verbose=0, callbacks=[stats])
    assert stats.stats["dead_fraction"] == {model.layers[1].name: [0.5]}  # the Dense itself is linear: not listed


def test_gradient_and_weight_norms_equal_those_of_compute_gradients():
    x, y = data()
    model = small_model()
    initial = copy.deepcopy(model)
    stats = LayerStats(x, y, probe_size=48)
    model.fit(x, y, epochs=2, batch_size=16, verbose=0, callbacks=[stats])

    for index, reference in ((0, initial), (-1, copy.deepcopy(model))):
        reference.compute_gradients(x[:48], y[:48])
        grads = [layer.grads[key] for layer, key in reference.parameter_slots()]
        for name, weight, grad in zip(reference.weight_names, reference.get_weights(), grads, strict=True):
            assert stats.stats["grad_norm"][name][index] == pytest.approx(float(np.linalg.norm(grad)), rel=1e-6)
            assert stats.stats["weight_norm"][name][index] == float(np.linalg.norm(weight))
    assert sorted(stats.stats["grad_norm"]) == sorted(model.weight_names)
    assert stats.stats["loss"][-1] == pytest.approx(model.loss(y[:48], model.predict(x[:48])), rel=1e-5)


def test_update_ratio_is_that_of_the_last_step():
    x, y = data()
    model = small_model()

    class LastStep(Callback):  # an independent record: the weights before every step, the ratio at epoch end
        def __init__(self):
            super().__init__()
            self.ratios = []

        def on_train_batch_begin(self, batch, logs=None):
            self.before = model.get_weights()

        def on_epoch_end(self, epoch, logs=None):
            after = model.get_weights()
            self.ratios.append(
                [np.linalg.norm(a - b) / np.linalg.norm(b) for a, b in zip(after, self.before, strict=True)]
            )

    stats, reference = LayerStats(x, y), LastStep()
    with np.errstate(divide="ignore", invalid="ignore"):
        model.fit(x, y, epochs=3, batch_size=16, verbose=0, callbacks=[stats, reference])
    ratios = stats.stats["update_ratio"]
    for epoch in range(3):
        for name, expected in zip(model.weight_names, reference.ratios[epoch], strict=True):
            assert ratios[name][epoch + 1] == pytest.approx(float(expected), rel=1e-5)
    assert all(math.isnan(values[0]) for values in ratios.values())  # no step before the first record


def test_records_every_n_batches_with_fractional_epochs():
    x, y = data()
    model = small_model()
    stats = LayerStats(x, y, every_n_batches=2)
    model.fit(x, y, epochs=2, batch_size=16, verbose=0, callbacks=[stats])  # 4 steps per epoch
    assert stats.stats["epoch"] == [0.0, 0.5, 1.0, 1.5, 2.0]
    assert stats.stats["step"] == [0, 2, 4, 6, 8]
    for values in stats.stats["update_ratio"].values():
        assert math.isnan(values[0]) and all(v > 0 for v in values[1:])
    for group in ("activation_mean", "activation_std", "dead_fraction", "weight_norm", "grad_norm"):
        assert all(len(v) == 5 for v in stats.stats[group].values())
        assert all(type(value) is float for v in stats.stats[group].values() for value in v)


def test_without_labels_only_activations():
    x, y = data()
    model = small_model()
    stats = LayerStats(x)
    model.fit(x, y, epochs=1, verbose=0, callbacks=[stats])
    assert stats.stats["grad_norm"] == {}
    assert math.isnan(stats.stats["loss"][0])
    assert set(stats.stats["activation_mean"]) == {layer.name for layer in model.layers}


def test_nested_model_reports_its_inner_layers():
    x, y = data()
    inner = sn.Sequential([Dense(8, activation="relu"), Dense(3, activation="softmax")], name="head")
    model = sn.Sequential([Flatten(input_shape=(6, 6)), inner], seed=0)
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    stats = LayerStats(x, y)
    model.fit(x, y, epochs=1, verbose=0, callbacks=[stats])
    assert list(stats.stats["grad_norm"]) == model.weight_names
    assert list(stats.stats["activation_mean"]) == [model.layers[0].name, *(layer.name for layer in inner.layers)]
    assert list(stats.stats["dead_fraction"]) == [inner.layers[0].name]


# --- it does not change training ------------------------------------------------------------------------------


def test_training_is_bit_identical_with_and_without_the_callback():
    x, y = data(96)
    runs = []
    for callbacks in (None, [LayerStats(x, y, probe_size=32, every_n_batches=1)]):
        model = small_model(seed=7, dropout=0.3)  # shuffling and dropout both draw from the model's generator
        history = model.fit(x, y, epochs=3, batch_size=16, validation_split=0.25, verbose=0, callbacks=callbacks)
        runs.append((model.get_weights(), history.history, model.rng.bit_generator.state))
    (w0, h0, r0), (w1, h1, r1) = runs
    for a, b in zip(w0, w1, strict=True):
        np.testing.assert_array_equal(a, b)
    assert h0 == h1
    assert r0 == r1


def test_stops_cleanly_in_the_middle_of_an_epoch():
    x, y = data()
    model = small_model()
    stop = LambdaCallback(on_batch_end=lambda batch, logs: setattr(model, "stop_training", batch == 1))
    stats = LayerStats(x, y)
    model.fit(x, y, epochs=3, batch_size=16, verbose=0, callbacks=[stop, stats])
    assert stats.stats["epoch"] == [0.0, 1.0]
    # The recorded step (the epoch's last) never ran, so there is no last-step ratio to report.
    assert all(math.isnan(values[-1]) for values in stats.stats["update_ratio"].values())


# --- the table ------------------------------------------------------------------------------------------------


def test_report_is_a_table_with_every_layer_and_parameter():
    x, y = data()
    model = small_model()
    stats = LayerStats(x, y)
    model.fit(x, y, epochs=2, batch_size=16, verbose=0, callbacks=[stats])
    lines = []
    stats.report(print_fn=lines.append)
    assert lines == str(stats).splitlines()
    assert "probe batch of 64 examples" in lines[0]
    assert lines[1].split() == ["epoch", "0", "epoch", "1", "epoch", "2"]
    text = "\n".join(lines)
    for label in ("activation mean", "activation std", "dead ReLUs", "‖θ‖", "‖dθ‖ gradient", "‖Δθ‖/‖θ‖ update"):
        assert label in text
    for name in model.weight_names:
        assert sum(line.split()[-4] == name or f" {name} " in line for line in lines) == 3  # ‖θ‖, ‖dθ‖, ratio
    dead_row = next(line for line in lines if line.startswith("dead ReLUs"))
    assert dead_row.split()[-3:] == [f"{100 * v:.1f}%" for v in stats.stats["dead_fraction"][model.layers[1].name]]
    assert max(len(line) for line in lines) <= 100


def test_report_shows_the_first_and_latest_records_when_there_are_many():
    x, y = data()
    stats = LayerStats(x, y, every_n_batches=1)
    small_model().fit(x, y, epochs=2, batch_size=16, verbose=0, callbacks=[stats])  # 9 records
    lines = []
    stats.report(print_fn=lines.append, max_columns=4)
    assert lines[1].split() == ["epoch", "0", "epoch", "1.5", "epoch", "1.75", "epoch", "2"]
    assert "5 more records in .stats" in lines[0]


def test_verbose_prints_each_epoch_after_its_progress_bar(capsys):
    x, y = data()
    stats = LayerStats(x, y, verbose=1)
    small_model().fit(x, y, epochs=2, batch_size=16, verbose=2, callbacks=[stats])
    out = capsys.readouterr().out
    assert out.count("LayerStats on a probe batch") == 2
    first_bar, first_table = out.index("4/4 - "), out.index("epoch 1")
    assert first_bar < first_table < out.index("Epoch 2/2")
    assert out.rindex("epoch 2") > out.rindex("4/4 - ")


def test_reexported_from_callbacks_and_importable_first():
    assert sn.callbacks.LayerStats is LayerStats
    # layer_stats imports callbacks; importing it first in a fresh interpreter must not hit the cycle.
    code = (
        "import scratchnet.callbacks.layer_stats as m, scratchnet.callbacks as c; assert c.LayerStats is m.LayerStats"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_errors_say_what_was_expected():
    x, y = data()
    with pytest.raises(ValueError, match=r"LayerStats expected `probe_size` to be a positive integer\. Received"):
        LayerStats(x, y, probe_size=0)
    with pytest.raises(ValueError, match=r"`every_n_batches`.*Received: every_n_batches=1.5"):
        LayerStats(x, y, every_n_batches=1.5)
    with pytest.raises(ValueError, match="Received: x=None"):
        LayerStats(None)
    with pytest.raises(ValueError, match=r"LayerStats\(\): x and y must hold the same number of examples"):
        small_model().fit(x, y, epochs=1, verbose=0, callbacks=[LayerStats(x, y[:10])])


# --- the figure -----------------------------------------------------------------------------------------------


def test_plot_layer_stats_draws_one_panel_per_statistic():
    x, y = data()
    model = small_model()
    stats = LayerStats(x, y)
    model.fit(x, y, epochs=2, batch_size=16, verbose=0, callbacks=[stats])
    fig = sn.plotting.plot_layer_stats(stats)
    assert isinstance(fig, plt.Figure)
    titles = [ax.get_title() for ax in fig.axes]
    assert titles == [
        "activation mean",
        "activation std",
        "dead ReLUs",
        "gradient norm ‖dθ‖",
        "update ratio ‖Δθ‖/‖θ‖",
    ]
    assert all(ax.get_xlabel() == "epoch" for ax in fig.axes)
    by_title = dict(zip(titles, fig.axes, strict=True))
    assert len(by_title["activation mean"].get_lines()) == len(model.layers)
    assert len(by_title["gradient norm ‖dθ‖"].get_lines()) == 4
    assert by_title["gradient norm ‖dθ‖"].get_yscale() == "log"
    assert len(by_title["update ratio ‖Δθ‖/‖θ‖"].get_lines()) == 4 + 1  # and the dashed 1e-3 line
    line = by_title["gradient norm ‖dθ‖"].get_lines()[0]
    np.testing.assert_array_equal(line.get_xdata(), [0.0, 1.0, 2.0])
    np.testing.assert_array_equal(line.get_ydata(), stats.stats["grad_norm"][model.weight_names[0]])
    # The update ratio's NaN at epoch 0 is left out, not drawn.
    np.testing.assert_array_equal(by_title["update ratio ‖Δθ‖/‖θ‖"].get_lines()[0].get_xdata(), [1.0, 2.0])


def test_plot_layer_stats_takes_the_dict_and_skips_what_is_missing():
    s = {"epoch": [0.0, 1.0], "activation_mean": {"dense": [0.1, 0.4]}, "grad_norm": {}, "update_ratio": {}}
    fig = sn.plotting.plot_layer_stats(s)
    assert [ax.get_title() for ax in fig.axes] == ["activation mean"]
    with pytest.raises(TypeError, match="expected the LayerStats callback"):
        sn.plotting.plot_layer_stats([1, 2])
    with pytest.raises(ValueError, match="expected at least one record"):
        sn.plotting.plot_layer_stats({"epoch": []})
    with pytest.raises(ValueError, match=r"one value per record \(2\).*stats\['activation_mean'\]\['dense'\]"):
        sn.plotting.plot_layer_stats({"epoch": [0.0, 1.0], "activation_mean": {"dense": [0.1]}})


def test_print_of_report_shows_the_table_once_and_no_none(capsys):
    model, (x, y) = small_model(), data()
    stats = LayerStats(x[:8], y[:8])
    model.fit(x, y, epochs=2, batch_size=8, verbose=0, callbacks=[stats])
    print(stats.report())
    out = capsys.readouterr().out
    assert "None" not in out and out.count("dense") >= 1
    assert out.rstrip("\n") == stats.report(print_fn=None)  # printed once, then an empty line

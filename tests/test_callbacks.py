"""Callbacks, driven through the exact hook protocol ``Sequential.fit``/``evaluate``/``predict`` follow.

The real model is not needed: ``FakeModel`` has what callbacks touch (``stop_training``, ``history``,
``get_weights``/``set_weights``), and ``fit`` below is the model's training loop with the maths left out. Like
an optimizer, each training step updates the model's arrays *in place*, setting every weight to the number of
the epoch, so the weights a callback restores tell which epoch they came from.
"""

import io
import math
import re
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from scratchnet import plotting
from scratchnet.callbacks import (
    Callback,
    CallbackList,
    EarlyStopping,
    History,
    LambdaCallback,
    ProgbarLogger,
    TerminateOnNaN,
)
from scratchnet.callbacks import progress as progbar_module


class FakeModel:
    def __init__(self) -> None:
        self.stop_training = False
        self.history = None
        self.weights = [np.zeros((3, 2)), np.zeros(2)]

    def get_weights(self):
        return self.weights  # the live arrays, not copies: the hardest case for a callback keeping them

    def set_weights(self, weights):
        for w, new in zip(self.weights, weights, strict=True):
            w[...] = new


def fit(model, callbacks, epoch_logs, steps=4, verbose=0, batch_logs=None):
    """``Sequential.fit``'s loop: one entry of ``epoch_logs`` per epoch, ``batch_logs(epoch, step)`` per step."""
    if batch_logs is None:

        def batch_logs(epoch, step):
            return {"loss": 1.0 / (step + 1), "accuracy": 0.5}

    cbs = CallbackList(
        callbacks,
        model=model,
        add_history=True,
        add_progbar=verbose != 0,
        verbose=verbose,
        epochs=len(epoch_logs),
        steps=steps,
    )
    model.stop_training = False
    cbs.on_train_begin()
    for epoch in range(len(epoch_logs)):
        cbs.on_epoch_begin(epoch)
        for step in range(steps):
            cbs.on_train_batch_begin(step)
            for w in model.weights:
                w[...] = epoch  # the optimizer's in-place update
            cbs.on_train_batch_end(step, batch_logs(epoch, step))
            if model.stop_training:
                break
        logs = dict(epoch_logs[epoch])
        cbs.on_epoch_end(epoch, logs)
        if model.stop_training:
            break
    cbs.on_train_end(logs)
    assert model.history is cbs.history
    return cbs.history


def evaluate(model, callbacks, step_logs, verbose=1):
    """``Sequential.evaluate``'s loop over ``len(step_logs)`` steps."""
    cbs = CallbackList(callbacks, model=model, add_progbar=verbose != 0, verbose=verbose, steps=len(step_logs))
    cbs.on_test_begin()
    for step, logs in enumerate(step_logs):
        cbs.on_test_batch_begin(step)
        cbs.on_test_batch_end(step, logs)
    cbs.on_test_end(step_logs[-1])


def val_losses(*values):
    return [{"loss": 1.0, "val_loss": v} for v in values]


class Recorder(Callback):
    """Writes down every hook call, in order."""

    def __init__(self) -> None:
        super().__init__()
        self.calls = []

    def __getattribute__(self, name):
        attribute = super().__getattribute__(name)
        if name.startswith("on_") and callable(attribute):

            def record(*args):
                self.calls.append((name, *args))
                return attribute(*args)

            return record
        return attribute


# --- Callback and CallbackList ------------------------------------------------------------------------------


def test_hooks_run_in_the_order_of_the_fit_protocol():
    recorder = Recorder()
    model = FakeModel()
    epoch_logs = [{"loss": 0.9}, {"loss": 0.8}]
    fit(model, [recorder], epoch_logs, steps=2, batch_logs=lambda e, s: {"loss": float(s)})

    expected = [("on_train_begin", {})]
    for epoch in range(2):
        expected.append(("on_epoch_begin", epoch, {}))
        for step in range(2):
            expected.append(("on_train_batch_begin", step, {}))
            expected.append(("on_batch_begin", step, {}))  # the default on_train_batch_* call the Keras 2 names
            expected.append(("on_train_batch_end", step, {"loss": float(step)}))
            expected.append(("on_batch_end", step, {"loss": float(step)}))
        expected.append(("on_epoch_end", epoch, epoch_logs[epoch]))
    expected.append(("on_train_end", epoch_logs[-1]))
    assert recorder.calls == expected


def test_model_and_params_reach_every_callback():
    model = FakeModel()
    user = Callback()
    cbs = CallbackList([user], model=model, add_history=True, add_progbar=True, verbose=2, epochs=5, steps=7)
    assert [type(cb) for cb in cbs] == [Callback, History, ProgbarLogger], "defaults come after the user's"
    for cb in cbs:
        assert cb.model is model
        assert cb.params == {"epochs": 5, "steps": 7, "verbose": 2}
    assert cbs.history is cbs.callbacks[1]


def test_callbacks_the_user_passed_are_reused_not_duplicated():
    history, logger = History(), ProgbarLogger()
    user_list = [history, logger]
    cbs = CallbackList(user_list, model=FakeModel(), add_history=True, add_progbar=True)
    assert cbs.callbacks == [history, logger]
    assert cbs.history is history
    assert user_list == [history, logger], "the user's list is not modified"


def test_on_batch_end_override_is_called_through_on_train_batch_end():
    class OldStyle(Callback):
        def __init__(self):
            super().__init__()
            self.seen = []

        def on_batch_end(self, batch, logs=None):
            self.seen.append((batch, logs["loss"]))

    class NewStyle(OldStyle):
        def on_train_batch_end(self, batch, logs=None):
            self.seen.append(batch)

    old, new = OldStyle(), NewStyle()
    fit(FakeModel(), [old, new], [{"loss": 1.0}] * 2, steps=3, batch_logs=lambda e, s: {"loss": 10.0 * s})
    assert old.seen == [(step, 10.0 * step) for step in range(3)] * 2
    assert new.seen == list(range(3)) * 2


def test_the_course_callback_works_verbatim(capsys):
    class myCallback(Callback):  # copied from the course as it is
        def on_epoch_end(self, epoch, logs={}):  # noqa: B006
            if logs.get("accuracy") > 0.6:
                print("\nReached 60% accuracy so cancelling training!")
                self.model.stop_training = True

    accuracies = [0.45, 0.58, 0.63, 0.7, 0.8]
    model = FakeModel()
    history = fit(model, [myCallback()], [{"loss": 1 - a, "accuracy": a} for a in accuracies])
    first_above = next(i for i, a in enumerate(accuracies) if a > 0.6)
    assert history.epoch == list(range(first_above + 1))
    assert model.stop_training is True
    assert capsys.readouterr().out.count("Reached 60% accuracy so cancelling training!") == 1


def test_lambda_callback_calls_the_functions_with_positional_arguments():
    calls = []
    callback = LambdaCallback(
        on_train_begin=lambda logs: calls.append("train_begin"),
        on_epoch_begin=lambda e, _: calls.append(("epoch_begin", e)),
        on_batch_end=lambda b, lg: calls.append(("batch_end", b, lg["loss"])),
        on_epoch_end=lambda epoch, logs: calls.append(("epoch_end", epoch, logs["loss"])),
        on_train_end=lambda logs: calls.append("train_end"),
    )
    fit(FakeModel(), [callback], [{"loss": 0.5}], steps=2, batch_logs=lambda e, s: {"loss": float(s)})
    assert calls == [
        "train_begin",
        ("epoch_begin", 0),
        ("batch_end", 0, 0.0),
        ("batch_end", 1, 1.0),
        ("epoch_end", 0, 0.5),
        "train_end",
    ]


def test_lambda_callback_rejects_what_is_not_a_function():
    with pytest.raises(TypeError, match=r"on_epoch_end to be a function\. Received: on_epoch_end='print'"):
        LambdaCallback(on_epoch_end="print")


@pytest.mark.parametrize(
    ("callbacks", "received", "hint"),
    [
        (["stop"], "callbacks[0]='stop' of type str", "Subclass scratchnet.callbacks.Callback"),
        ([History(), print], "callbacks[1]=<built-in function print>", "LambdaCallback"),
        ([EarlyStopping], "callbacks[0]=<class", "EarlyStopping()"),
        (EarlyStopping(), "callbacks=<scratchnet.callbacks.early_stopping.EarlyStopping", "callbacks=[...]"),
        (3, "callbacks=3 of type int", "callbacks=[...]"),
    ],
)
def test_what_is_not_a_callback_is_a_type_error_saying_what_it_got(callbacks, received, hint):
    with pytest.raises(TypeError) as error:
        CallbackList(callbacks, model=FakeModel())
    message = str(error.value)
    assert "Received: " + received in message
    assert hint in message


def test_hooks_receive_a_dict_when_the_model_passes_no_logs():
    seen = []
    cbs = CallbackList([LambdaCallback(on_train_begin=seen.append, on_epoch_end=lambda e, lg: seen.append(lg))])
    cbs.on_train_begin()
    cbs.on_epoch_end(0)
    assert seen == [{}, {}]


# --- History ------------------------------------------------------------------------------------------------


def test_history_records_one_entry_per_epoch_for_every_metric():
    epoch_logs = [
        {"loss": 0.9 - 0.1 * e, "accuracy": 0.5 + 0.1 * e, "val_loss": 1.0 - 0.1 * e, "val_accuracy": 0.4 + e / 10}
        for e in range(3)
    ]
    model = FakeModel()
    history = fit(model, [], epoch_logs)
    assert isinstance(history, History)
    assert model.history is history
    assert history.epoch == [0, 1, 2]
    assert history.history == {name: [logs[name] for logs in epoch_logs] for name in epoch_logs[0]}


def test_history_holds_python_floats_not_numpy_scalars():
    history = fit(FakeModel(), [], [{"loss": np.float32(0.5), "accuracy": np.array(0.75)}])
    assert history.history == {"loss": [0.5], "accuracy": [0.75]}
    assert all(type(v) is float for values in history.history.values() for v in values)


def test_history_stops_with_training():
    history = fit(FakeModel(), [EarlyStopping(patience=1)], val_losses(1.0, 0.9, 0.95, 0.5, 0.4))
    assert len(history.history["val_loss"]) == len(history.epoch) == 3, "stopped by 0.95 at epoch 2"


def test_history_plot_hands_itself_to_plotting(monkeypatch):
    received = []
    fake = lambda history, metrics=None: received.append((history, metrics)) or "figure"  # noqa: E731
    monkeypatch.setattr(plotting, "plot_history", fake)
    history = fit(FakeModel(), [], [{"loss": 1.0}])
    assert history.plot(["loss"]) == "figure"
    assert received == [(history, ["loss"])]


def test_importing_callbacks_does_not_load_matplotlib():
    code = "import sys, scratchnet.callbacks; print('matplotlib' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


# --- EarlyStopping ------------------------------------------------------------------------------------------


def test_early_stopping_waits_patience_epochs_after_the_best():
    values = [1.0, 0.8, 0.85, 0.9, 0.7, 0.6]
    stop = EarlyStopping(monitor="val_loss", patience=2)
    model = FakeModel()
    history = fit(model, [stop], val_losses(*values))
    # Best at epoch 1 (0.8); epochs 2 and 3 do not improve, so the second of them ends training.
    assert history.epoch == [0, 1, 2, 3]
    assert model.stop_training is True
    assert (stop.stopped_epoch, stop.best, stop.best_epoch, stop.wait) == (3, 0.8, 1, 2)


def test_early_stopping_min_delta_ignores_small_improvements():
    values = [1.0, 0.95, 0.85, 0.84, 0.83]  # falls every epoch, but by more than 0.1 only at epoch 2
    history = fit(FakeModel(), [EarlyStopping(patience=2)], val_losses(*values))
    assert len(history.epoch) == len(values), "without min_delta, every epoch is an improvement"

    stop = EarlyStopping(patience=2, min_delta=0.1)
    history = fit(FakeModel(), [stop], val_losses(*values))
    assert history.epoch == [0, 1, 2, 3, 4]
    assert stop.stopped_epoch == 4 and stop.best == 0.85
    stop = EarlyStopping(patience=1, min_delta=-0.1)  # the sign of min_delta does not matter
    assert fit(FakeModel(), [stop], val_losses(*values)).epoch == [0, 1]


def test_early_stopping_patience_0_stops_at_the_first_epoch_without_improvement():
    history = fit(FakeModel(), [EarlyStopping()], val_losses(1.0, 0.9, 0.8, 0.85, 0.7))
    assert history.epoch == [0, 1, 2, 3]


@pytest.mark.parametrize(
    ("monitor", "mode"),
    [("val_accuracy", "max"), ("accuracy", "max"), ("val_acc", "max"), ("auc", "max"), ("val_loss", "min")],
)
def test_early_stopping_auto_mode_follows_the_metric_name(monitor, mode):
    assert EarlyStopping(monitor=monitor).mode == mode


def test_early_stopping_on_accuracy_waits_for_it_to_stop_rising():
    accuracies = [0.5, 0.6, 0.7, 0.65, 0.66, 0.9]
    logs = [{"loss": 1.0, "val_accuracy": a} for a in accuracies]
    stop = EarlyStopping(monitor="val_accuracy", patience=1)
    assert fit(FakeModel(), [stop], logs).epoch == [0, 1, 2, 3]
    assert stop.best == 0.7
    # Forced to "min", the same rising accuracy looks like a failure at once.
    assert fit(FakeModel(), [EarlyStopping(monitor="val_accuracy", mode="min")], logs).epoch == [0, 1]


def test_early_stopping_restores_the_best_weights_it_copied():
    model = FakeModel()
    stop = EarlyStopping(patience=2, restore_best_weights=True)
    history = fit(model, [stop], val_losses(0.9, 0.5, 0.7, 0.8, 0.4))
    assert history.epoch == [0, 1, 2, 3]
    # Training overwrote the arrays in place during epochs 2 and 3; the weights are those of epoch 1 again.
    for w in model.weights:
        np.testing.assert_array_equal(w, np.full_like(w, 1.0))


def test_early_stopping_keeps_the_last_weights_when_training_runs_to_the_end():
    model = FakeModel()
    fit(model, [EarlyStopping(patience=5, restore_best_weights=True)], val_losses(0.9, 0.5, 0.7, 0.8))
    for w in model.weights:
        np.testing.assert_array_equal(w, np.full_like(w, 3.0))


def test_early_stopping_verbose_says_when_it_stops_and_what_it_restores(capsys):
    fit(FakeModel(), [EarlyStopping(patience=1, verbose=1, restore_best_weights=True)], val_losses(0.9, 0.5, 0.7))
    assert capsys.readouterr().out == (
        "Epoch 3: early stopping\nRestoring model weights from the end of the best epoch: 2.\n"
    )


def test_early_stopping_baseline_must_be_beaten_to_reset_patience():
    values = [0.9, 0.8, 0.85, 0.7, 0.6]
    assert len(fit(FakeModel(), [EarlyStopping(patience=2)], val_losses(*values)).epoch) == 5

    # Nothing beats 0.5, so patience is never reset: the first non-improving epoch from epoch 2 on stops.
    stop = EarlyStopping(patience=2, baseline=0.5, restore_best_weights=True)
    model = FakeModel()
    assert fit(model, [stop], val_losses(*values)).epoch == [0, 1, 2]
    assert stop.best_epoch == 1
    np.testing.assert_array_equal(model.weights[0], np.full((3, 2), 1.0))

    # 0.7 beats a baseline of 0.75 at epoch 1 and resets patience; two more epochs without improvement stop.
    stop = EarlyStopping(patience=2, baseline=0.75)
    assert fit(FakeModel(), [stop], val_losses(0.9, 0.7, 0.72, 0.73, 0.74)).epoch == [0, 1, 2, 3]


def test_early_stopping_start_from_epoch_ignores_the_warm_up():
    values = [1.0, 2.0, 3.0, 4.0, 5.0]  # worse every epoch
    assert fit(FakeModel(), [EarlyStopping()], val_losses(*values)).epoch == [0, 1]
    stop = EarlyStopping(start_from_epoch=2)
    assert fit(FakeModel(), [stop], val_losses(*values)).epoch == [0, 1, 2, 3]
    assert stop.best_epoch == 2


def test_early_stopping_can_be_reused_for_another_fit():
    stop = EarlyStopping(patience=1)
    fit(FakeModel(), [stop], val_losses(0.1, 0.2, 0.3))
    history = fit(FakeModel(), [stop], val_losses(5.0, 4.0, 3.0, 2.0))
    assert len(history.epoch) == 4, "the best of the first fit (0.1) must not carry over"


def test_early_stopping_warns_when_the_monitor_is_missing():
    with pytest.warns(UserWarning, match=r"`val_loss`.*Available metrics are: loss, accuracy"):
        history = fit(FakeModel(), [EarlyStopping(patience=0)], [{"loss": 1.0, "accuracy": 0.5}] * 3)
    assert len(history.epoch) == 3, "it cannot stop on a metric it never sees"


def test_early_stopping_unknown_mode_lists_the_allowed_ones():
    with pytest.raises(ValueError, match=r"one of 'auto', 'min', 'max'\. Received: mode='minimum'"):
        EarlyStopping(mode="minimum")


def reference_stop_epoch(values, patience, min_delta):
    """The documented rule, written plainly: stop after `patience` epochs without an improvement > min_delta."""
    best, epochs_without_improvement = math.inf, 0
    for epoch, value in enumerate(values):
        if value < best - min_delta:
            best, epochs_without_improvement = value, 0
        else:
            epochs_without_improvement += 1
            if epochs_without_improvement >= max(patience, 1):
                return epoch
    return None


@given(
    values=st.lists(st.integers(0, 40).map(lambda k: k / 8), min_size=1, max_size=12),
    patience=st.integers(0, 4),
    min_delta=st.integers(0, 3).map(lambda k: k / 8),
)
def test_early_stopping_matches_the_documented_rule(values, patience, min_delta):
    stop = EarlyStopping(patience=patience, min_delta=min_delta)
    history = fit(FakeModel(), [stop], val_losses(*values), steps=1)
    stop_epoch = reference_stop_epoch(values, patience, min_delta)
    assert len(history.epoch) == (len(values) if stop_epoch is None else stop_epoch + 1)
    assert stop.stopped_epoch == (stop_epoch or 0)


# --- TerminateOnNaN -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), np.float32("nan")])
def test_terminate_on_nan_stops_at_the_bad_batch(capsys, bad):
    steps_seen = []

    def batch_logs(epoch, step):
        steps_seen.append((epoch, step))
        return {"loss": bad if (epoch, step) == (1, 12) else 0.5}

    model = FakeModel()
    history = fit(model, [TerminateOnNaN()], [{"loss": 0.5}] * 3, steps=20, batch_logs=batch_logs)
    assert model.stop_training is True
    assert steps_seen[-1] == (1, 12), "no step after the bad one"
    assert history.epoch == [0, 1]
    assert capsys.readouterr().out == "Batch 12: Invalid loss, terminating training\n"


def test_terminate_on_nan_lets_finite_losses_through():
    model = FakeModel()
    history = fit(model, [TerminateOnNaN()], [{"loss": 0.5}] * 2, batch_logs=lambda e, s: {"loss": 1e30})
    assert len(history.epoch) == 2 and model.stop_training is False


# --- ProgbarLogger ------------------------------------------------------------------------------------------


def epoch_line(steps, tail):
    return re.compile(rf"^{steps}/{steps} \[={{30}}\] - \d+s \d+(ms|us)/step{re.escape(tail)}$")


def test_fit_prints_epoch_headers_and_one_line_per_epoch(capsys):
    epoch_logs = [{"loss": 0.5 - e / 10, "accuracy": 0.8, "val_loss": 0.41, "val_accuracy": 0.85} for e in range(5)]
    fit(FakeModel(), [], epoch_logs, steps=30, verbose=1)
    lines = capsys.readouterr().out.splitlines()  # pytest's capture is no terminal: final lines only
    assert lines[0::2] == [f"Epoch {e}/5" for e in range(1, 6)]
    for logs, line in zip(epoch_logs, lines[1::2], strict=True):
        tail = "".join(f" - {k}: {v:.4f}" for k, v in logs.items())  # val metrics on the epoch's line
        assert epoch_line(30, tail).match(line), line


def test_fit_verbose_2_prints_headers_and_summary_lines(capsys):
    fit(FakeModel(), [], [{"loss": 0.4980, "accuracy": 0.8251}] * 2, steps=30, verbose=2)
    lines = capsys.readouterr().out.splitlines()
    assert lines[0::2] == ["Epoch 1/2", "Epoch 2/2"]
    for line in lines[1::2]:
        assert re.match(
            r"^30/30 - \d+s - loss: 0\.4980 - accuracy: 0\.8251 - \d+(s|ms|us)/epoch - \d+(s|ms|us)/step$", line
        )


def test_fit_of_one_epoch_prints_no_header_like_keras(capsys):
    fit(FakeModel(), [], [{"loss": 0.5}], steps=3, verbose=1)
    (line,) = capsys.readouterr().out.splitlines()
    assert epoch_line(3, " - loss: 0.5000").match(line)


def test_fit_verbose_0_prints_nothing(capsys):
    fit(FakeModel(), [], [{"loss": 0.5}] * 3, steps=3, verbose=0)
    assert capsys.readouterr().out == ""


def test_fit_on_a_terminal_redraws_running_means_then_the_epoch_line(monkeypatch):
    clock = iter(np.arange(0, 100, 0.01))  # every reading of the clock is 10 ms later
    monkeypatch.setattr(progbar_module, "_clock", lambda: float(next(clock)))

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    out = Terminal()
    logger = ProgbarLogger(file=out)
    fit(FakeModel(), [logger], [{"loss": 0.25, "val_loss": 0.3}] * 2, steps=3, verbose=1)
    text = out.getvalue()
    one_third = "[" + "=" * 9 + ">" + "." * 20 + "]"  # 10 of 30 characters, the tenth being the tip
    assert text.startswith(f"Epoch 1/2\n\r1/3 {one_third} - ETA: 0s - loss: 1.0000 - accuracy: 0.5000")
    for epoch_text in text.split("Epoch ")[1:]:
        final = epoch_text.rsplit("\r", 1)[1]
        assert epoch_line(3, " - loss: 0.2500 - val_loss: 0.3000").match(final.rstrip("\n"))


def test_training_stopped_mid_epoch_shows_how_far_it_got(capsys):
    def batch_logs(epoch, step):
        return {"loss": float("nan") if step == 4 else 0.5}

    fit(FakeModel(), [TerminateOnNaN()], [{"loss": float("nan")}], steps=20, verbose=1, batch_logs=batch_logs)
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "Batch 4: Invalid loss, terminating training"
    assert lines[1].startswith(" 5/20 [======>.......................] - ")
    assert lines[1].endswith(" - loss: nan")


def test_evaluate_prints_the_test_bar(capsys):
    steps = [{"loss": 0.4, "accuracy": 0.8}] * 312 + [{"loss": 0.35, "accuracy": 0.87}]
    evaluate(FakeModel(), [], steps, verbose=1)
    (line,) = capsys.readouterr().out.splitlines()
    assert epoch_line(313, " - loss: 0.3500 - accuracy: 0.8700").match(line), line


def test_evaluate_inside_fit_is_silent(capsys):
    # The test hooks run on the same CallbackList in the middle of fit, as a validation pass might.
    logger = ProgbarLogger()
    cbs = CallbackList([logger], model=FakeModel(), verbose=1, epochs=1, steps=2)
    cbs.on_train_begin()
    cbs.on_epoch_begin(0)
    cbs.on_train_batch_end(0, {"loss": 1.0})
    cbs.on_train_batch_end(1, {"loss": 1.0})
    cbs.on_test_begin()
    cbs.on_test_batch_end(0, {"loss": 2.0})
    cbs.on_test_end({"loss": 2.0})
    cbs.on_epoch_end(0, {"loss": 1.0, "val_loss": 2.0})
    cbs.on_train_end()
    (line,) = capsys.readouterr().out.splitlines()
    assert epoch_line(2, " - loss: 1.0000 - val_loss: 2.0000").match(line)


def test_predict_prints_a_bar_without_metrics(capsys):
    cbs = CallbackList(model=FakeModel(), add_progbar=True, verbose=1, steps=3)
    cbs.on_predict_begin()
    for step in range(3):
        cbs.on_predict_batch_begin(step)
        cbs.on_predict_batch_end(step, {"outputs": np.zeros((2, 10))})
    cbs.on_predict_end()
    (line,) = capsys.readouterr().out.splitlines()
    assert epoch_line(3, "").match(line), line


def test_early_stopping_accepts_numpy_integers_and_numbers():
    stop = EarlyStopping(
        patience=np.int64(3), min_delta=np.float32(0.5), start_from_epoch=np.int32(1), baseline=np.float32(2)
    )
    assert (stop.patience, stop.min_delta, stop.start_from_epoch, stop.baseline) == (3, 0.5, 1, 2.0)
    assert type(stop.patience) is int and type(stop.min_delta) is float


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"patience": "3"}, "`patience` to be a non-negative integer. Received: patience='3'"),
        ({"patience": 2.5}, "Received: patience=2.5"),
        ({"patience": -1}, "Received: patience=-1"),
        ({"patience": True}, "Received: patience=True"),
        ({"start_from_epoch": "1"}, "Received: start_from_epoch='1'"),
        ({"min_delta": "0.1"}, "min_delta to be a finite number"),
        ({"baseline": float("nan")}, "baseline to be a finite number"),
    ],
)
def test_early_stopping_refuses_bad_arguments_when_built_not_after_an_epoch(kwargs, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        EarlyStopping(**kwargs)


def test_early_stopping_monitor_must_be_a_name():
    with pytest.raises(TypeError, match="monitor to be a metric name"):
        EarlyStopping(monitor=["val_loss"])

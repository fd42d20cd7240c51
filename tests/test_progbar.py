"""The progress bar prints what Keras 2 prints, redraws only on terminals, and stays cheap.

Time comes from a fake clock (``scratchnet.callbacks.progress._clock`` replaced), so "2s 1ms/step" is known in advance
instead of depending on how fast the machine is.
"""

import io
import re
import sys
import types

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scratchnet.callbacks import progress as progbar_module
from scratchnet.callbacks.progress import Progbar

FINAL_LINE = re.compile(r"^1875/1875 \[={30}\] - \d+s \d+(ms|us)/step - loss: 0\.4980 - accuracy: 0\.8251$")


class FakeClock:
    """A clock that moves only when told to."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture
def clock(monkeypatch):
    fake = FakeClock()
    monkeypatch.setattr(progbar_module, "_clock", fake)
    return fake


def screen(text: str) -> list[str]:
    """What a terminal shows after printing ``text``: "\\r" returns to the start of the line and overwrites."""
    lines, cursor, line = [], 0, []
    for char in text:
        if char == "\n":
            lines.append("".join(line))
            cursor, line = 0, []
        elif char == "\r":
            cursor = 0
        else:
            if cursor < len(line):
                line[cursor] = char
            else:
                line.append(char)
            cursor += 1
    if line:
        lines.append("".join(line))
    return lines


def run_epoch(bar: Progbar, clock: FakeClock, steps: int = 1875, seconds_per_step: float = 0.001) -> None:
    """Drives the bar as the model does: running means after each step, the epoch's logs at the end."""
    for step in range(1, steps + 1):
        clock.now += seconds_per_step
        bar.update(step, {"loss": 2.1 / step + 0.498, "accuracy": 0.8251}, finalize=False)
    bar.update(steps, {"loss": 0.4980, "accuracy": 0.8251}, finalize=True)


def test_terminal_redraws_in_place_and_ends_with_the_keras_line(clock):
    out = FakeTerminal()
    run_epoch(Progbar(1875, file=out), clock)
    text = out.getvalue()

    assert text.endswith("\n")
    assert text.count("\n") == 1, "one line per epoch: every frame before the last is overwritten"
    final_frame = text.rsplit("\r", 1)[1].rstrip("\n")
    assert FINAL_LINE.match(final_frame), final_frame
    # 1875 steps of 1 ms: Keras rounds the total to "2s" and shows the time per step in ms.
    assert " - 2s 1ms/step - " in final_frame
    assert screen(text) == [final_frame]


def test_frame_while_running_shows_eta_like_keras(clock):
    out = FakeTerminal()
    bar = Progbar(1875, file=out)
    clock.now += 0.32  # 32 steps of 10 ms: 1843 steps to go take 18.43 s, shown truncated as Keras does
    bar.update(32, {"loss": 2.1, "accuracy": 0.25})
    expected = "  32/1875 [" + "." * 30 + "] - ETA: 18s - loss: 2.1000 - accuracy: 0.2500"
    assert out.getvalue() == "\r" + expected


@pytest.mark.parametrize(
    ("eta_seconds", "shown"),
    [(5.9, "5s"), (59.0, "59s"), (125.0, "2:05"), (3725.0, "1:02:05")],
)
def test_eta_switches_to_minutes_and_hours(clock, eta_seconds, shown):
    out = FakeTerminal()
    bar = Progbar(2, file=out)
    clock.now += eta_seconds  # one step done, one to go: the ETA is the time of one step
    bar.update(1)
    assert f" - ETA: {shown}" in out.getvalue()


@given(target=st.integers(1, 100_000), data=st.data())
def test_bar_is_always_width_chars_and_count_keeps_its_width(target, data):
    current = data.draw(st.integers(0, target))
    bar = Progbar(target)
    bar_text = bar._bar(current)
    assert len(bar_text) == len(" [") + 30 + len("]")
    inner = bar_text[2:-1]
    filled = len(inner.rstrip("."))
    assert filled == int(30 * current / target)
    assert set(inner[: max(filled - 1, 0)]) <= {"="}
    if 0 < filled and current < target:
        assert inner[filled - 1] == ">", "the tip of a bar still growing"
    if current == target:
        assert inner == "=" * 30
    # Right-aligned to the target's width, so the bar does not jiggle as the count grows.
    assert len(bar._count(current)) == 2 * len(str(target)) + 1


def test_not_a_terminal_prints_only_the_final_line(clock):
    out = io.StringIO()  # a pipe, a CI log: isatty() is False
    run_epoch(Progbar(1875, file=out), clock)
    text = out.getvalue()
    assert "\r" not in text and "\b" not in text
    assert text.count("\n") == 1 and text.endswith("\n")
    assert FINAL_LINE.match(text.rstrip("\n"))


def test_default_file_is_stdout_at_call_time(clock, capsys):
    bar = Progbar(1875)  # created before capsys swaps nothing in; written through sys.stdout when updating
    run_epoch(bar, clock)
    captured = capsys.readouterr().out
    assert captured.count("\n") == 1
    assert FINAL_LINE.match(captured.rstrip("\n"))


def test_notebook_redraws_although_stdout_is_no_terminal(clock, capsys, monkeypatch):
    monkeypatch.setattr(progbar_module, "in_jupyter", lambda: True)
    run_epoch(Progbar(1875, file=sys.stdout), clock)
    captured = capsys.readouterr().out
    assert captured.count("\r") > 1
    assert FINAL_LINE.match(captured.rsplit("\r", 1)[1].rstrip("\n"))


def test_in_a_notebook_the_bar_is_one_output_updated_in_place(clock, capsys, monkeypatch):
    monkeypatch.setattr(progbar_module, "in_jupyter", lambda: True)
    shown = []

    class Handle:
        def update(self, obj):
            shown[-1] = obj

    monkeypatch.setattr(progbar_module, "_display_handle", lambda obj: shown.append(obj) or Handle())
    run_epoch(Progbar(1875), clock)
    assert capsys.readouterr().out == ""  # nothing printed: one display output, redrawn
    assert len(shown) == 1 and FINAL_LINE.match(shown[0].text)


def test_importing_ipykernel_alone_is_no_notebook(clock, capsys, monkeypatch):
    # A test run that starts a kernel imports ipykernel into the test process: that is still a plain stdout.
    monkeypatch.setitem(sys.modules, "ipykernel", types.ModuleType("ipykernel"))
    run_epoch(Progbar(1875), clock)
    assert capsys.readouterr().out.count("\r") == 0


def test_verbose_2_prints_one_summary_line(clock):
    for out in (io.StringIO(), FakeTerminal()):
        run_epoch(Progbar(1875, verbose=2, file=out), clock)
        assert out.getvalue() == ("1875/1875 - 2s - loss: 0.4980 - accuracy: 0.8251 - 2s/epoch - 1ms/step\n"), (
            "1875 steps of 1 ms: 1.875 s rounds to 2s, per epoch and in total"
        )


def test_verbose_0_is_silent(clock, capsys):
    out = FakeTerminal()
    run_epoch(Progbar(1875, verbose=0, file=out), clock)
    run_epoch(Progbar(1875, verbose=0), clock)
    assert out.getvalue() == ""
    assert capsys.readouterr().out == ""


def test_throttling_draws_about_one_frame_per_interval(clock):
    out = FakeTerminal()
    run_epoch(Progbar(1875, file=out, interval=0.05), clock, seconds_per_step=0.001)
    frames = out.getvalue().count("\r")
    # 1.875 s of training at one frame per 0.05 s, plus the first and the final frame.
    assert frames <= 1.875 / 0.05 + 2
    assert frames < 1875 / 10

    out = FakeTerminal()
    run_epoch(Progbar(1875, file=out, interval=0.0), clock, seconds_per_step=0.001)
    assert out.getvalue().count("\r") == 1875 + 1, "without throttling, every update draws"


def test_throttling_with_the_real_clock():
    out = FakeTerminal()
    bar = Progbar(1875, file=out)
    for step in range(1, 1876):
        bar.update(step, {"loss": 0.5})
    assert out.getvalue().count("\r") < 100


def test_a_shorter_frame_blanks_what_the_longer_one_left(clock):
    out = FakeTerminal()
    bar = Progbar(10, file=out, interval=0.0)
    clock.now += 1.0
    bar.update(1, {"loss": 1.0, "a_very_long_metric_name": 0.5})
    clock.now += 1.0
    bar.update(2, {"loss": 1.0})
    (visible,) = screen(out.getvalue())
    assert visible.rstrip() == " 2/10 [=====>........................] - ETA: 8s - loss: 1.0000"
    assert "a_very_long" not in visible


@pytest.mark.parametrize(
    ("seconds", "shown"),
    [
        (2.0, "2s/step"),
        (0.0123, "12ms/step"),
        (0.000512, "512us/step"),
        (0.0, "0s/step"),
        (0.9999996, "1s/step"),  # rounds up into the next unit rather than showing "1000ms"
        (0.0009996, "1ms/step"),
    ],
)
def test_time_per_step_units_like_keras(clock, seconds, shown):
    out = io.StringIO()
    bar = Progbar(4, file=out)
    clock.now += 4 * seconds
    bar.update(4)
    assert out.getvalue().split(" - ")[1] == f"{4 * seconds:.0f}s {shown}\n"


@pytest.mark.parametrize(
    ("value", "shown"),
    [(0.49801, "0.4980"), (-1.5, "-1.5000"), (2e-5, "2.0000e-05"), (0.0, "0.0000e+00"), (float("nan"), "nan")],
)
def test_values_use_keras_number_format(clock, value, shown):
    out = io.StringIO()
    Progbar(1, file=out).update(1, {"loss": value})
    assert out.getvalue().rstrip("\n").endswith(f" - loss: {shown}")


def test_numpy_scalars_print_like_floats(clock):
    np = pytest.importorskip("numpy")
    out = io.StringIO()
    Progbar(1, file=out).update(1, {"loss": np.float32(0.25), "acc": np.array(0.5)})
    assert out.getvalue().rstrip("\n").endswith(" - loss: 0.2500 - acc: 0.5000")


def test_unknown_target(clock):
    out = FakeTerminal()
    bar = Progbar(None, file=out)
    clock.now += 0.32
    bar.update(32, {"loss": 0.5})
    assert out.getvalue() == "\r     32/Unknown - 0s 10ms/step - loss: 0.5000"
    assert bar.target is None

    clock.now += 0.32
    bar.update(64, {"loss": 0.5}, finalize=True)  # the end tells how many steps there were
    assert bar.target == 64
    assert screen(out.getvalue())[-1].rstrip() == "64/64 [" + "=" * 30 + "] - 1s 10ms/step - loss: 0.5000"


def test_finalize_defaults_to_reaching_the_target(clock):
    out = io.StringIO()
    bar = Progbar(3, file=out)
    bar.update(2)
    assert out.getvalue() == ""
    bar.update(3)
    assert out.getvalue().startswith("3/3 [") and out.getvalue().endswith("\n")


@pytest.mark.parametrize("kwargs", [{"verbose": 3}, {"verbose": "yes"}, {"target": -1}, {"interval": -0.1}])
def test_bad_arguments_say_what_was_received(kwargs):
    arguments = {"target": 10, **kwargs}
    with pytest.raises(ValueError, match="Received: " + re.escape(next(iter(kwargs)))):
        Progbar(**arguments)

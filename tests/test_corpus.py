"""The corpus: real, public Keras programs, translated by ``scratchnet.port`` and run to the end on small data.

Each program in ``tests/corpus/`` is the TensorFlow/Keras text of a course notebook, tutorial, guide, textbook
chapter or repository (its header names the source and lists every change made to run it offline, headless and
fast). For each one this test

1. translates it with :func:`scratchnet.port.port_source`, exactly as ``python -m scratchnet.port`` does;
2. runs the translation in a subprocess through ``tests/corpus/_harness.py``, which gives the dataset loaders a
   small slice (2,000 training / 500 test images) and records every ``evaluate`` result;
3. asserts it ran to completion and, where its header has an ``# Expect:`` line, that the last ``evaluate``
   reached it (e.g. ``accuracy >= 0.72``).

Header lines the runner reads: ``# Kind: dense|conv``, ``# Data: mnist|fashion_mnist|synthetic|none``,
``# Needs: Conv2D, ...`` (layers the program needs beyond dense networks: skipped, saying so, until
``scratchnet.layers`` has them; a skip is never counted as passing), ``# Expect: <metric> >= <value>`` or ``<=``.

Programs on MNIST or Fashion-MNIST need ``$SCRATCHNET_TEST_DATA`` (CI sets it to ``../shared/data``) and are
skipped without it. Nothing touches the network: ``SCRATCHNET_OFFLINE=1``, a fresh cache and working folder.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import scratchnet.layers
from scratchnet.port import port_source

CORPUS = Path(__file__).resolve().parent / "corpus"
HARNESS = CORPUS / "_harness.py"
PROGRAMS = sorted(p for p in CORPUS.glob("*.py") if not p.name.startswith("_"))

# Programs that do not run yet, with the first thing each one stops at. Strict xfail: the day a program starts to
# pass, its test fails until its line is deleted here, so this list is always the true list of what is missing.
NOT_YET = {
    "keras_guide_writing_callbacks": "backend.set_value(optimizer.lr, ...): a Keras 2 variable (Keras 3 fails too)",
    "geron_ch13_data_api": "tf.range (the tape's ops), then TextLineDataset, interleave and tf.io.decode_csv",
    "keras_guide_preprocessing_layers": "layers.StringLookup (and IntegerLookup, Hashing, CategoryEncoding)",
    "geron_ch11_dropout": "np.stack of model(x) tensors gives a Tensor (TF: an ndarray), which has no .round()",
    "geron_ch12_custom_layers_models": "a custom layer on a tuple of inputs, returning three outputs (MyMultiLayer)",
    "geron_ch12_custom_metrics": "Dense(kernel_constraint=...): weight constraints",
    "chollet2_ch07_functional_multi_io": "a subclassed model called on a dict of inputs, returning a tuple of outputs",
    "keras_guide_subclassing_layers_models": "tf.random_normal_initializer(); then tf.Variable attributes as weights",
    "tf_custom_layers": "tf.config.list_physical_devices (the guide's first cell)",
    "tf_text_classification": "keras.utils.text_dataset_from_directory",
    "tf_guide_autodiff": "tf.image.adjust_contrast (the guide's example of an op without a gradient)",
    # The sequence programs (issue 17): their layers exist; what stopped them first was data tooling.
    "chollet2_ch10_rnn_dropout": "keras.utils.timeseries_dataset_from_array",
    "chollet2_ch10_timeseries": "keras.utils.timeseries_dataset_from_array",
    "geron2_ch15_rnn_forecasting": "SimpleRNN(input_shape=[None, 1]): a time axis of any length (None), refused",
}

# Programs that really have the trap a hint names (measured with tests/sweep/count_hints.py; every other program
# that runs prints no TrainingHint).
TRUE_ALARMS = {
    "course_c1w2_beyond_hello_world": "its exercise 5 removes the softmax layer: the loss gets relu outputs",
    "tf_load_numpy": "the tutorial trains on raw 0-255 pixels (mnist.npz, never divided by 255): first loss 131",
    # A false alarm, kept visible here until the rule learns it: a 100-layer selu/lecun_normal network on
    # standardized inputs starts at a first-batch loss of 6.27 and trains normally (tests/test_hints.py).
    "geron_ch11_selu": "KNOWN FALSE ALARM: the first-batch loss rule fires on a deep selu network",
}


def _param(path: Path):
    reason = NOT_YET.get(path.stem)
    marks = [pytest.mark.xfail(strict=True, reason=f"not yet: {reason}")] if reason else []
    return pytest.param(path, id=path.stem, marks=marks)


def header(path: Path) -> dict[str, str]:
    """The ``# Key: value`` lines of a program's header comment (up to its first non-comment line)."""
    fields = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            break
        m = re.match(r"# (Kind|Data|Needs|Expect): (.+)", line)
        if m:
            fields[m.group(1)] = m.group(2).strip()
    return fields


def missing_layers(needs: str | None) -> list[str]:
    if not needs:
        return []
    return [name.strip() for name in needs.split(",") if not hasattr(scratchnet.layers, name.strip())]


def run_program(path: Path, tmp_path: Path) -> tuple[subprocess.CompletedProcess, dict]:
    ported = tmp_path / path.name
    ported.write_text(port_source(path.read_text(encoding="utf-8")), encoding="utf-8")
    results = tmp_path / "results.json"
    work = tmp_path / "work"
    work.mkdir()
    env = {k: v for k, v in os.environ.items() if k != "SCRATCHNET_DATA_DIR"}
    env.update(SCRATCHNET_OFFLINE="1", XDG_CACHE_HOME=str(tmp_path / "cache"), MPLBACKEND="Agg", PYTHONHASHSEED="0")
    result = subprocess.run(
        [sys.executable, str(HARNESS), str(ported), str(results)],
        capture_output=True,
        text=True,
        env=env,
        cwd=work,
        timeout=600,  # generous: a busy 2-core CI machine can be ten times slower than an idle one
    )
    record = json.loads(results.read_text()) if results.exists() else {"evaluate": [], "history": []}
    return result, record


def check_expectation(expect: str, record: dict) -> None:
    m = re.fullmatch(r"(\w+) (>=|<=) ([\d.]+)", expect)
    if m is None:
        raise ValueError(f"Bad '# Expect:' line. Expected '<metric> >= <value>'. Received: {expect!r}.")
    metric, op, bound = m.group(1), m.group(2), float(m.group(3))
    evaluations = [e for e in record["evaluate"] if metric in e["names"]]
    assert evaluations, f"no evaluate() result holds {metric!r}; recorded: {record['evaluate']}"
    last = evaluations[-1]
    value = last["values"][last["names"].index(metric)]
    assert value is not None
    assert (value >= bound) if op == ">=" else (value <= bound), (
        f"last evaluate(): {metric} = {value:.4f}, expected {op} {bound}"
    )


@pytest.mark.parametrize("path", [_param(p) for p in PROGRAMS])
def test_corpus_program(path, tmp_path):
    fields = header(path)
    missing = missing_layers(fields.get("Needs"))
    if missing:
        pytest.skip(f"needs {', '.join(missing)}, which scratchnet.layers does not have yet")
    if fields.get("Data") in ("mnist", "fashion_mnist") and not os.environ.get("SCRATCHNET_TEST_DATA"):
        pytest.skip(f"needs {fields['Data']} from $SCRATCHNET_TEST_DATA (CI sets it to ../shared/data)")
    result, record = run_program(path, tmp_path)
    assert result.returncode == 0, f"{path.name} failed (exit code {result.returncode}):\n{result.stderr[-3000:]}"
    # A learner hint on a program that trains normally is a false alarm (tests/test_hints_false_alarms.py).
    hinted = "TrainingHint" in result.stderr
    assert hinted == (path.stem in TRUE_ALARMS), f"{path.name}: TrainingHint {hinted}:\n{result.stderr[-3000:]}"
    if "Expect" in fields:
        check_expectation(fields["Expect"], record)


def test_not_yet_lists_only_corpus_programs():
    assert set(NOT_YET) <= {p.stem for p in PROGRAMS}


def test_every_program_names_its_source_and_changes():
    assert len([p for p in PROGRAMS if header(p).get("Kind") == "dense"]) >= 30
    for path in PROGRAMS:
        text = path.read_text(encoding="utf-8")
        assert re.search(r"^# Source: \S+", text, re.M), path.name
        assert "# Changes to run offline" in text, path.name
        assert header(path).get("Kind") in ("dense", "conv"), path.name
        assert header(path).get("Data") in ("mnist", "fashion_mnist", "synthetic", "none"), path.name
        if header(path)["Kind"] == "conv":
            assert header(path).get("Needs"), f"{path.name}: a conv program must say which layers it needs"


def test_corpus_is_written_in_tensorflow_syntax():
    # The corpus is test data for the port tool: the programs are the Keras originals, never pre-translated.
    for path in PROGRAMS:
        code = "\n".join(line for line in path.read_text(encoding="utf-8").splitlines() if not line.startswith("#"))
        assert "scratchnet" not in code, f"{path.name} mentions scratchnet: it should be the Keras original"
        assert re.search(r"\b(tensorflow|keras)\b", code), path.name

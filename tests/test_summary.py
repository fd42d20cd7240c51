"""summary() (scratchnet/models/summary.py): the Keras 2 table."""

import re

from _helpers import mnist_model

import scratchnet as sn
from scratchnet import layers


def test_summary_prints_the_keras_2_table(capsys):
    model = mnist_model(input_shape=(28, 28))
    model.summary()
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == f'Model: "{model.name}"'
    header = lines.index(next(line for line in lines if "Layer (type)" in line))
    assert "Output Shape" in lines[header] and "Param #" in lines[header]
    assert set(lines[header - 1]) == {"_"} and set(lines[header + 1]) == {"="}
    rows = [line.split() for line in lines if "(None," in line]
    assert [(r[1], " ".join(r[2:-1]), r[-1]) for r in rows] == [
        ("(Flatten)", "(None, 784)", "0"),
        ("(Dense)", "(None, 128)", "100480"),
        ("(Dense)", "(None, 10)", "1290"),
    ]
    text = "\n".join(lines)
    total = re.search(r"^Total params: ([\d,]+)", text, re.M).group(1)
    trainable = re.search(r"^Trainable params: ([\d,]+)", text, re.M).group(1)
    assert total.replace(",", "") == trainable.replace(",", "") == "101770"
    assert re.search(r"^Non-trainable params: 0\b", text, re.M)
    assert model.count_params() == 101770


def test_summary_goes_to_print_fn():
    captured = []
    mnist_model(input_shape=(28, 28)).summary(print_fn=captured.append)
    assert any("101" in line and "Total params" in line for line in captured)


def test_nested_model_summary_shows_the_inner_model_as_one_row(capsys):
    inner = sn.Sequential([layers.Dense(3, input_shape=(2,))], name="inner_model")
    outer = sn.Sequential([inner, layers.Softmax()])
    outer.summary()
    out = capsys.readouterr().out
    assert re.search(r"inner_model \(Sequential\)\s+\(None, 3\)\s+9\b", out)

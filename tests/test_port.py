"""scratchnet.port: each substitution of its list, and the command line on a file and a notebook."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from scratchnet.port import RULES, main, port_notebook, port_source


@pytest.mark.parametrize(
    ("keras", "scratchnet"),
    [
        ("import tensorflow as tf", "import scratchnet as sn"),
        ("from tensorflow import keras", "import scratchnet as keras"),
        ("import keras", "import scratchnet as keras"),
        ("import keras as K", "import scratchnet as K"),
        ("import tensorflow.keras as keras", "import scratchnet as keras"),
        ("from tensorflow.keras import layers", "from scratchnet import layers"),
        ("from tensorflow.keras.layers import Dense, Flatten", "from scratchnet.layers import Dense, Flatten"),
        ("from keras import layers", "from scratchnet import layers"),
        ("from keras.models import Sequential", "from scratchnet.models import Sequential"),
        ("from tensorflow.keras.utils import to_categorical", "from scratchnet.utils import to_categorical"),
        ("    from keras import ops", "    from scratchnet import ops"),
        ("tf.random.set_seed(42)", "sn.utils.set_random_seed(42)"),
        ("model = tf.keras.Sequential([tf.keras.layers.Dense(1)])", "model = sn.Sequential([sn.layers.Dense(1)])"),
        ("y = tf.keras.utils.to_categorical(y)", "y = sn.utils.to_categorical(y)"),
        ("Dense(128, activation=tf.nn.relu)", "Dense(128, activation=sn.nn.relu)"),
        ("opt = tf.optimizers.Adam()", "opt = sn.optimizers.Adam()"),
        ("print(tf.version.VERSION, tf.__version__)", "print(sn.version.VERSION, sn.__version__)"),
        ("keras = tf.keras", "keras = sn"),
    ],
)
def test_each_rule(keras, scratchnet):
    assert port_source(keras) == scratchnet


@pytest.mark.parametrize(
    "line",
    [
        "import tensorflow_datasets as tfds",
        "x = self.tf.keras.foo",  # someone's attribute named tf, not the module
        "tf_idf.keras.fit()",
        "import numpy as np",
        "from keras_tuner import RandomSearch",
    ],
)
def test_leaves_other_code_alone(line):
    assert port_source(line) == line


def test_a_whole_program_keeps_its_layout():
    program = (
        "import numpy as np\n"
        "import tensorflow as tf\n"
        "\n"
        "mnist = tf.keras.datasets.mnist  # tf.keras's loader\n"
        "model = tf.keras.models.Sequential([\n"
        "    tf.keras.layers.Flatten(input_shape=(28, 28)),\n"
        "    tf.keras.layers.Dense(10, activation=tf.nn.softmax),\n"
        "])\n"
    )
    expected = (
        "import numpy as np\n"
        "import scratchnet as sn\n"
        "\n"
        "mnist = sn.datasets.mnist  # sn's loader\n"
        "model = sn.models.Sequential([\n"
        "    sn.layers.Flatten(input_shape=(28, 28)),\n"
        "    sn.layers.Dense(10, activation=sn.nn.softmax),\n"
        "])\n"
    )
    assert port_source(program) == expected
    assert port_source(expected) == expected  # idempotent: porting twice changes nothing more


def test_every_rule_is_documented_in_the_module_docstring():
    import scratchnet.port

    for _, _, what in RULES:
        token = what.split("<")[0].rstrip(".")
        assert token in scratchnet.port.__doc__, what


def test_notebook_code_cells_translated_and_markdown_kept():
    nb = {
        "cells": [
            {"cell_type": "markdown", "source": ["Uses `import tensorflow as tf`\n"]},
            {"cell_type": "code", "source": ["import tensorflow as tf\n", "m = tf.keras.Sequential()"]},
        ],
        "nbformat": 4,
    }
    out = port_notebook(nb)
    assert out["cells"][0] == nb["cells"][0]
    assert out["cells"][1]["source"] == ["import scratchnet as sn\n", "m = sn.Sequential()"]
    assert nb["cells"][1]["source"][0] == "import tensorflow as tf\n"  # the input is not changed


def test_command_line_prints_writes_and_rewrites_in_place(tmp_path, capsys):
    src = tmp_path / "prog.py"
    src.write_text("import tensorflow as tf\nprint(tf.keras.layers.Dense)\n")
    assert main([str(src)]) == 0
    assert capsys.readouterr().out == "import scratchnet as sn\nprint(sn.layers.Dense)\n"
    out = tmp_path / "out.py"
    main([str(src), "-o", str(out)])
    assert out.read_text() == "import scratchnet as sn\nprint(sn.layers.Dense)\n"
    assert src.read_text().startswith("import tensorflow")
    main([str(src), "--in-place"])
    assert src.read_text() == out.read_text()


def test_command_line_notebook(tmp_path):
    nb = tmp_path / "nb.ipynb"
    nb.write_text(json.dumps({"cells": [{"cell_type": "code", "source": "import keras"}], "nbformat": 4}))
    out = tmp_path / "out.ipynb"
    main([str(nb), "-o", str(out)])
    assert json.loads(out.read_text())["cells"][0]["source"] == "import scratchnet as keras"


def test_missing_file_is_one_clear_line(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "scratchnet.port", str(tmp_path / "nope.py")], capture_output=True, text=True
    )
    assert result.returncode != 0
    assert "no such file" in result.stderr
    assert "Traceback" not in result.stderr


# --- what the port tool teaches: the beginner's three slips, as notes; BOMs; TensorFlow version checks -------------
SLIPS = """import tensorflow as tf
import numpy as np
import matplotlib.pyplot as plt
(x_train, y_train), (x_test, y_test) = tf.keras.datasets.mnist.load_data()
x_train = x_train / 255.0
model.fit(x_train, y_train, epochs=5)
predictions = model.predict(x_test)
print(np.argmax(predictions))
plt.hist(predictions[0])
"""


def test_the_three_slips_each_get_a_note_with_the_fix_and_no_rewrite():
    from scratchnet.port import port_notes

    notes = port_notes(SLIPS)
    assert len(notes) == 3
    assert notes[0].startswith("line 7: predict(x_test)") and "x_test = x_test / 255.0" in notes[0]
    assert notes[1].startswith("line 8: np.argmax(predictions)") and "axis=1" in notes[1]
    assert notes[2].startswith("line 9: plt.hist") and "plt.bar" in notes[2]
    assert "np.argmax(predictions))" in port_source(SLIPS) and "plt.hist(predictions[0])" in port_source(SLIPS)
    fixed = SLIPS.replace("x_train = x_train / 255.0", "x_train, x_test = x_train / 255.0, x_test / 255.0")
    fixed = fixed.replace("np.argmax(predictions)", "np.argmax(predictions, axis=1)").replace("plt.hist", "plt.bar")
    assert port_notes(fixed) == []


def test_the_command_line_prints_the_notes_to_stderr(tmp_path, capsys):
    src = tmp_path / "slips.py"
    src.write_text(SLIPS)
    main([str(src)])
    out, err = capsys.readouterr()
    assert out == port_source(SLIPS) and err.count("note: ") == 3 and "line 8" in err


def test_a_file_with_a_byte_order_mark_is_translated_like_any_other(tmp_path, capsys):
    src = tmp_path / "bom.py"
    src.write_bytes("import tensorflow as tf\nx = tf.keras.layers.Dense(1)\n".encode("utf-8-sig"))
    main([str(src)])
    assert capsys.readouterr().out == "import scratchnet as sn\nx = sn.layers.Dense(1)\n"


@pytest.mark.parametrize(
    "check",
    [
        'assert version.parse(tf.__version__) >= version.parse("2.8.0")',
        'assert tf.__version__ >= "2.0"',
        '    assert keras.__version__.startswith("3")',
    ],
)
def test_tensorflow_version_checks_become_a_comment_with_a_note(check):
    ported = port_source(check + "\nimport sys\nassert sys.version_info >= (3, 7)\n")
    first, *rest = ported.splitlines()
    assert first.lstrip().startswith("# scratchnet.port: a TensorFlow version check") and "__version__" in first
    assert rest == ["import sys", "assert sys.version_info >= (3, 7)"]  # other checks stay
    compile(ported, "<ported>", "exec")

"""The tools refuse bad input in one clear line: the exercise checker's time limit, the port tool, prepare_image,
downloads that trickle, Normalization's statistics and axis."""

import http.server
import json
import struct
import threading
import time
import zlib

import numpy as np
import pytest
from PIL import Image

from scratchnet import exercises, layers, port
from scratchnet.datasets import _download, mnist
from scratchnet.images import prepare_image


def test_exercise_with_an_infinite_loop_is_stopped_with_a_clear_report():
    def relu_backward(dy, y):
        while True:
            pass

    started = time.monotonic()
    report = exercises.check("relu_backward", relu_backward, timeout=0.5)
    assert time.monotonic() - started < 5
    assert not report.passed
    assert "did not return within 0.5 s" in report.problems[0] and "infinite loop" in report.problems[0]
    with pytest.raises(ValueError, match="timeout"):
        exercises.check("relu_backward", relu_backward, timeout=0)


@pytest.mark.parametrize(
    "text, words",
    [
        ("[1, 2]", "holds a JSON list"),
        (json.dumps({"cells": [{"cell_type": "code", "source": 5}]}), "source of cell 0 is a int"),
        (json.dumps({"cells": "abc"}), "'cells' is a str"),
        (json.dumps({"cells": [5]}), "cell 0 is a int"),
    ],
)
def test_port_refuses_what_is_not_a_notebook(tmp_path, text, words):
    path = tmp_path / "n.ipynb"
    path.write_text(text)
    with pytest.raises(SystemExit) as info:
        port.main([str(path), "--in-place"])
    assert words in str(info.value.code) and str(path) in str(info.value.code)
    assert path.read_text() == text  # --in-place left it alone


def test_port_refuses_a_folder_and_bad_output_paths(tmp_path):
    program = tmp_path / "a.py"
    program.write_text("import tensorflow as tf\n")
    for argv, words in [
        ([str(tmp_path)], "is a folder"),
        ([str(program), "-o", str(tmp_path / "no" / "b.py")], "cannot write to"),
        ([str(program), "-o", str(tmp_path)], "it is a folder"),
    ]:
        with pytest.raises(SystemExit) as info:
            port.main(argv)
        assert words in str(info.value.code), info.value.code
        assert "\n" not in str(info.value.code)


def png_declaring(path, width, height):
    """A 1x1 PNG whose header claims width x height pixels (Pillow's open reads only the header)."""
    Image.new("L", (1, 1)).save(path)
    data = bytearray(path.read_bytes())
    ihdr = data.index(b"IHDR")
    data[ihdr + 4 : ihdr + 12] = struct.pack(">II", width, height)
    data[ihdr + 17 : ihdr + 21] = struct.pack(">I", zlib.crc32(bytes(data[ihdr : ihdr + 17])))
    path.write_bytes(bytes(data))


def test_prepare_image_refuses_in_one_line(tmp_path):
    huge = tmp_path / "huge.png"
    png_declaring(huge, 8000, 8000)
    Image.new("L", (40, 40), 200).save(tmp_path / "ok.png")
    cut = tmp_path / "cut.png"
    cut.write_bytes((tmp_path / "ok.png").read_bytes()[:60])
    nan = np.zeros((28, 28))
    nan[3, 3] = np.nan
    for source, words in [
        (str(huge), "8000x8000 pixels"),
        (str(cut), "damaged or cut short"),
        (str(tmp_path), "is a folder"),
        (np.zeros((0, 0)), "1 to"),
        (nan, "finite pixel values"),
        (np.ones((28, 28), complex), "dtype complex128"),
    ]:
        with pytest.raises(ValueError if "folder" not in words else IsADirectoryError) as info:
            prepare_image(source)
        assert words in str(info.value), info.value


@pytest.mark.slow
def test_a_trickling_server_is_given_up_on_after_the_deadline(tmp_path, monkeypatch):
    class Trickle(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Length", "9999999")
            self.end_headers()
            try:
                for _ in range(100):
                    self.wfile.write(b"\x1f")
                    self.wfile.flush()
                    time.sleep(0.2)
            except OSError:
                pass

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Trickle)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    monkeypatch.setenv("SCRATCHNET_MNIST_URLS", f"http://127.0.0.1:{server.server_address[1]}/")
    monkeypatch.setenv(_download.DEADLINE_ENV, "1")
    monkeypatch.delenv("SCRATCHNET_OFFLINE", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    started = time.monotonic()
    with pytest.raises(Exception, match="too slow") as info:
        mnist.load_data(data_dir=tmp_path / "data", verbose=0)
    assert time.monotonic() - started < 15, info.value
    server.shutdown()


@pytest.mark.parametrize(
    "kwargs, words",
    [
        ({"mean": 0.0, "variance": -1.0}, "variance` to hold finite numbers >= 0"),
        ({"mean": 0.0, "variance": float("nan")}, "variance"),
        ({"mean": float("inf"), "variance": 1.0}, "mean"),
    ],
)
def test_normalization_statistics_checked(kwargs, words):
    with pytest.raises(ValueError, match=words):
        layers.Normalization(**kwargs)


def test_normalization_axis_out_of_range():
    with pytest.raises(ValueError, match="axis=5 is out of range"):
        layers.Normalization(axis=5).adapt(np.ones((4, 3)))
    layers.Normalization(axis=-1).adapt(np.ones((4, 3)))

"""Loading is bounded: crafted model files (a deflate bomb, absurd sizes, deep nesting, complex weights) are refused
after reading their headers, and the peak memory of the process that refuses them stays small."""

import io
import json
import os
import struct
import subprocess
import sys
import textwrap
import zipfile

import numpy as np
import pytest

import scratchnet as sn
from scratchnet import layers as L
from scratchnet.models import load_limits


def saved(path):
    m = sn.Sequential([L.Input((4,)), L.Dense(8, activation="relu"), L.Dense(3, activation="softmax")])
    m.compile("adam", "sparse_categorical_crossentropy")
    m.save(path)
    return path


def arrays_of(path):
    with np.load(path) as d:
        return {k: d[k] for k in d.files}


def npy_header(shape, dtype="<f4"):
    header = repr({"descr": dtype, "fortran_order": False, "shape": tuple(shape)}).encode()
    header += b" " * (63 - (len(header) + 10) % 64) + b"\n"
    return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header


def write_bomb(path, inflated_bytes):
    """The model file with weight_000 replaced by a deflated run of zeros that declares inflated_bytes of float32."""
    arrays = arrays_of(path)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for k, v in arrays.items():
            if k == "weight_000":
                with z.open("weight_000.npy", "w", force_zip64=True) as f:
                    f.write(npy_header((inflated_bytes // 4,)))
                    chunk = bytes(2**24)
                    for _ in range(inflated_bytes // len(chunk)):
                        f.write(chunk)
            else:
                b = io.BytesIO()
                np.save(b, v)
                z.writestr(k + ".npy", b.getvalue())


def with_config(path, change):
    arrays = arrays_of(path)
    spec = json.loads(arrays["model_config"].tobytes())
    change(spec)
    arrays["model_config"] = np.frombuffer(json.dumps(spec).encode(), np.uint8)
    np.savez(path, **arrays)


def peak_mb_refusing(path, env=None):
    """Load path in a fresh process; return (its peak resident memory in MB, the error message)."""
    code = textwrap.dedent(
        f"""
        import resource, scratchnet as sn
        try:
            sn.models.load_model({str(path)!r})
            message = "loaded"
        except ValueError as e:
            message = str(e)
        print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024)
        print(message)
        """
    )
    env = {**os.environ, **(env or {})}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300, check=True, env=env)
    peak, message = out.stdout.split("\n", 1)
    return int(peak), message


def baseline_mb():
    code = "import resource, scratchnet.models; print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024)"
    return int(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout)


@pytest.mark.slow
def test_bombs_are_refused_with_little_memory(tmp_path):
    bomb = saved(tmp_path / "bomb.npz")
    write_bomb(bomb, 2**30)
    assert os.path.getsize(bomb) < 2 * 2**20  # about 1 MB on disk, 1 GiB inflated
    units = saved(tmp_path / "units.npz")
    with_config(units, lambda s: s["config"]["layers"][-1]["config"].update(units=2**27))
    deep = saved(tmp_path / "deep.npz")
    arrays = arrays_of(deep)
    arrays["model_config"] = np.frombuffer(
        b'{"format_version": 1, "config": ' + b"[" * 100000 + b"]" * 100000 + b"}", np.uint8
    )
    np.savez(deep, **arrays)

    base = baseline_mb()
    above = {load_limits.MAX_BYTES_ENV: str(2**31)}  # the bomb is then refused by its shapes, still unread
    for path, env, words in [
        (bomb, None, "the limit for loading"),
        (bomb, above, "do not fit"),
        (units, None, "units = 134,217,728"),
        (deep, None, "nests"),
    ]:
        peak, message = peak_mb_refusing(path, env)
        assert words in message and str(path) in message, message
        assert peak < base + 60, f"{path.name}: peak {peak} MB, {base} MB after import alone"


def test_a_header_that_lies_about_its_size_is_damage(tmp_path):
    path = saved(tmp_path / "m.npz")
    arrays = arrays_of(path)
    with zipfile.ZipFile(path, "w") as z:
        for k, v in arrays.items():
            b = io.BytesIO()
            np.save(b, v)
            z.writestr(k + ".npy", npy_header((2**34,)) + bytes(16) if k == "weight_000" else b.getvalue())
    with pytest.raises(ValueError, match=r"declares shape \(17179869184,\)"):
        sn.models.load_model(path)


def test_max_bytes_argument_and_environment(tmp_path, monkeypatch):
    path = saved(tmp_path / "m.npz")
    with pytest.raises(ValueError, match="max_bytes="):
        sn.models.load_model(path, max_bytes=100)
    monkeypatch.setenv(load_limits.MAX_BYTES_ENV, "100")
    with pytest.raises(ValueError, match="the limit for loading"):
        sn.models.load_model(path)
    sn.models.load_model(path, max_bytes=10**6)  # the argument wins over the environment
    monkeypatch.setenv(load_limits.MAX_BYTES_ENV, "lots")
    with pytest.raises(ValueError, match="SCRATCHNET_MAX_LOAD_BYTES='lots'"):
        sn.models.load_model(path)


@pytest.mark.parametrize("dtype", [np.complex64, np.int64])
def test_only_real_floating_weights(tmp_path, dtype):
    path = saved(tmp_path / "m.npz")
    arrays = arrays_of(path)
    arrays["weight_000"] = arrays["weight_000"].astype(dtype)
    np.savez(path, **arrays)
    with pytest.raises(ValueError, match=f"dtype={np.dtype(dtype)}"):
        sn.models.load_model(path)


def test_nesting_depth_ignores_brackets_in_strings():
    assert load_limits.nesting_depth(b'{"a": ["[[[[", {"b": 1}]}') == 3

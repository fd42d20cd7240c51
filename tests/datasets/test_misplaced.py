"""Files in the wrong place or the wrong form: the dataset folder given as the root, files left gunzipped,
uncompressed data named .gz, an unreadable cache. Each is accepted when its bytes verify, else named with the fix."""

from __future__ import annotations

import gzip
import os
import pathlib
import re
from pathlib import Path

import numpy as np
import pytest

from scratchnet.datasets import DatasetNotAvailableError, _loader, _locations


def place(tiny, folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, blob in tiny.blobs.items():
        (folder / name).write_bytes(blob)


def load_offline(tiny, data_dir=None):
    return _loader.load(tiny.spec, data_dir, False, 0, ())


def cache_root() -> Path:
    return Path(os.environ["XDG_CACHE_HOME"]) / "scratchnet"


def test_scratchnet_data_dir_pointing_at_the_dataset_folder_itself_names_the_parent(tiny, tmp_path, monkeypatch):
    folder = tmp_path / "data" / "tiny"
    place(tiny, folder)
    monkeypatch.setenv("SCRATCHNET_DATA_DIR", str(folder))
    with pytest.raises(DatasetNotAvailableError) as info:
        load_offline(tiny)
    message = str(info.value)
    assert f"SCRATCHNET_DATA_DIR={folder} is the Tiny folder itself" in message
    assert f"Set it to the folder that holds tiny/ instead: {tmp_path / 'data'}" in message


def test_data_dir_naming_a_dataset_folder_of_another_name_says_where_to_move_the_files(tiny, tmp_path, monkeypatch):
    monkeypatch.delenv("SCRATCHNET_OFFLINE")  # downloads allowed: still refused before any download starts
    place(tiny, tmp_path / "my-data")
    with pytest.raises(DatasetNotAvailableError) as info:
        _loader.load(tiny.spec, str(tmp_path / "my-data"), True, 0, ())
    message = str(info.value)
    assert f"data_dir='{tmp_path / 'my-data'}' is the Tiny folder itself" in message
    assert f"or move the files into {tmp_path / 'my-data' / 'tiny'}/" in message
    assert not (tmp_path / "my-data" / "tiny").exists()  # nothing was downloaded


def gunzip_in_place(folder: Path, names) -> None:
    for name in names:
        path = folder / name
        path.with_suffix("").write_bytes(gzip.decompress(path.read_bytes()))
        path.unlink()


def test_files_left_gunzipped_are_accepted_when_their_payload_hash_matches(tiny, tmp_path):
    folder = tmp_path / "root" / "tiny"
    place(tiny, folder)
    gunzip_in_place(folder, ["train-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"])
    (x_train, _), (_, y_test) = load_offline(tiny, tmp_path / "root")
    np.testing.assert_array_equal(x_train, tiny.arrays["train-images-idx3-ubyte.gz"])
    np.testing.assert_array_equal(y_test, tiny.arrays["t10k-labels-idx1-ubyte.gz"])


def test_a_gunzipped_file_with_other_data_is_named_with_what_was_expected(tiny, tmp_path):
    folder = tmp_path / "root" / "tiny"
    place(tiny, folder)
    gunzip_in_place(folder, ["train-labels-idx1-ubyte.gz"])
    labels = folder / "train-labels-idx1-ubyte"
    labels.write_bytes(labels.read_bytes()[:-1] + b"\x09")
    with pytest.raises(DatasetNotAvailableError) as info:
        load_offline(tiny, tmp_path / "root")
    payload_sha = tiny.spec.files[1].payload_sha256
    assert f"{labels} is an uncompressed copy (14 bytes, SHA-256 " in str(info.value)
    assert f"but not the expected data: the uncompressed file is 14 bytes with SHA-256 {payload_sha}" in str(info.value)


def test_a_gunzipped_file_without_a_pinned_payload_hash_says_it_cannot_be_verified(tiny, tmp_path):
    spec = tiny.spec
    unpinned = type(spec.files[0])(**{**spec.files[0].__dict__, "payload_sha256": None})
    tiny.spec = type(spec)(**{**spec.__dict__, "files": (unpinned, *spec.files[1:])})
    folder = tmp_path / "root" / "tiny"
    place(tiny, folder)
    gunzip_in_place(folder, ["train-images-idx3-ubyte.gz"])
    with pytest.raises(DatasetNotAvailableError, match=r"which cannot be verified: only the original train-images"):
        load_offline(tiny, tmp_path / "root")


def test_uncompressed_data_named_gz_is_reported_as_not_gzip(tiny, tmp_path):
    folder = tmp_path / "root" / "tiny"
    place(tiny, folder)
    path = folder / "t10k-labels-idx1-ubyte.gz"
    path.write_bytes(gzip.decompress(path.read_bytes()))
    with pytest.raises(DatasetNotAvailableError) as info:
        load_offline(tiny, tmp_path / "root")
    assert f"{path} is not gzip data (12 bytes, SHA-256 " in str(info.value)
    assert "Rename it to t10k-labels-idx1-ubyte, or compress it again with gzip" in str(info.value)


def test_an_unreadable_cache_folder_is_named_in_the_message(tiny, tmp_path, monkeypatch):
    """~/.cache/scratchnet at mode 000 (simulated: as root, chmod would not stop the tests from reading it)."""
    blocked = cache_root()
    place(tiny, blocked / "tiny")
    real_stat, real_access = pathlib.Path.stat, os.access

    def stat(self, *args, **kwargs):
        if blocked in self.parents:
            raise PermissionError(13, "Permission denied", str(self))
        return real_stat(self, *args, **kwargs)

    def access(path, mode, *args, **kwargs):
        return False if Path(path) == blocked else real_access(path, mode, *args, **kwargs)

    def read_bytes(self):
        if blocked in self.parents:
            raise PermissionError(13, "Permission denied", str(self))
        return real_read_bytes(self)

    real_read_bytes = pathlib.Path.read_bytes
    monkeypatch.setattr(pathlib.Path, "stat", stat)
    monkeypatch.setattr(pathlib.Path, "read_bytes", read_bytes)
    monkeypatch.setattr(os, "access", access)
    with pytest.raises(DatasetNotAvailableError) as info:
        load_offline(tiny)
    message = str(info.value)
    assert f"Note: the user cache folder {blocked} cannot be read: {blocked} has no read permission" in message
    assert f"chmod u+rwx {blocked}" in message
    assert f"{blocked / 'tiny' / 'train-images-idx3-ubyte.gz'} cannot be read (Permission denied)" in message
    assert _locations.user_cache_root() != blocked


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"data_dir": 5}, "data_dir to be a folder path (a str or a pathlib.Path)"),
        ({"download": "no"}, "download to be True or False. Received: download='no'"),
        ({"verbose": "1"}, "verbose to be 0 or 1"),
    ],
)
def test_arguments_of_the_wrong_type_are_named(tiny, kwargs, message):
    arguments = {"data_dir": None, "download": False, "verbose": 0, **kwargs}
    with pytest.raises(TypeError, match=re.escape(message)):
        _loader.load(tiny.spec, arguments["data_dir"], arguments["download"], arguments["verbose"], ())


def test_keras_mnist_npz_path_argument_is_not_taken_as_a_folder(tiny, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    place(tiny, cache_root() / "tiny")
    (x_train, _), _ = _loader.load(tiny.spec, "mnist.npz", False, 0, ())  # Keras: mnist.load_data("mnist.npz")
    assert x_train.shape == (6, 28, 28)
    assert not (tmp_path / "mnist.npz").exists()


def test_mnist_load_data_accepts_keras_path_keyword(monkeypatch):
    from scratchnet.datasets import mnist

    seen = {}
    monkeypatch.setattr(_loader, "load", lambda spec, data_dir, *rest: seen.setdefault("data_dir", data_dir))
    mnist.load_data(path="mnist.npz")
    assert seen == {"data_dir": None}

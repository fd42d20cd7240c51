"""Where files are looked for (data_dir, $SCRATCHNET_DATA_DIR, user cache, system dirs) and what counts as present."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from scratchnet.datasets import DatasetNotAvailableError, _loader, _locations, fashion_mnist, mnist


def place(tiny, folder: Path, names=None) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name in names or tiny.blobs:
        (folder / name).write_bytes(tiny.blobs[name])


def load_offline(tiny, data_dir=None, system_dirs=()):
    return _loader.load(tiny.spec, data_dir, False, 0, system_dirs)


def cache_root() -> Path:
    return Path(os.environ["XDG_CACHE_HOME"]) / "scratchnet"


def test_search_order_is_data_dir_then_cache_then_system(tmp_path, monkeypatch):
    system = str(tmp_path / "usr-share")
    assert _locations.search_dirs("mnist", tmp_path / "root", [system]) == [
        tmp_path / "root" / "mnist",
        cache_root() / "mnist",
        Path(system),
    ]
    monkeypatch.setenv("SCRATCHNET_DATA_DIR", str(tmp_path / "env-root"))
    assert _locations.search_dirs("mnist", None, [])[0] == tmp_path / "env-root" / "mnist"
    assert _locations.search_dirs("mnist", tmp_path / "arg", [])[0] == tmp_path / "arg" / "mnist"  # the argument wins


def test_user_cache_follows_xdg_then_home(tmp_path, monkeypatch):
    assert _locations.user_cache_root() == tmp_path / "xdg-cache" / "scratchnet"
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert _locations.user_cache_root() == tmp_path / "home" / ".cache" / "scratchnet"
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/path")  # the XDG spec says to ignore relative paths
    assert _locations.user_cache_root() == tmp_path / "home" / ".cache" / "scratchnet"


def test_an_unwritable_cache_falls_back_to_a_temp_dir(tmp_path, monkeypatch):
    (tmp_path / "a-file").write_text("not a folder")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "a-file" / "cache"))  # cannot be created, even by root
    root = _locations.user_cache_root()
    assert root.name.startswith("scratchnet-cache-")
    assert _locations.is_writable(root)


def test_a_folder_without_write_bits_counts_as_read_only_even_for_root(tmp_path):
    folder = tmp_path / "shared"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        assert not _locations.is_writable(folder)
        assert not _locations.is_writable(folder / "mnist")
    finally:
        folder.chmod(0o755)
    assert _locations.is_writable(folder / "mnist" / "deeper")


@pytest.mark.parametrize("value", ["1", "true", "YES", "on"])
def test_offline_values(monkeypatch, value):
    monkeypatch.setenv("SCRATCHNET_OFFLINE", value)
    assert _locations.offline()


@pytest.mark.parametrize("value", ["", "0", "false", "no"])
def test_online_values(monkeypatch, value):
    monkeypatch.setenv("SCRATCHNET_OFFLINE", value)
    assert not _locations.offline()


def test_files_are_found_in_each_place(tiny, tmp_path, monkeypatch):
    place(tiny, tmp_path / "root" / "tiny")
    load_offline(tiny, data_dir=tmp_path / "root")
    load_offline(tiny, data_dir=str(tmp_path / "root"))

    monkeypatch.setenv("SCRATCHNET_DATA_DIR", str(tmp_path / "root"))
    load_offline(tiny)
    monkeypatch.delenv("SCRATCHNET_DATA_DIR")

    place(tiny, tmp_path / "usr-share-tiny")
    load_offline(tiny, system_dirs=[str(tmp_path / "usr-share-tiny")])

    place(tiny, cache_root() / "tiny")
    load_offline(tiny)


def test_each_file_is_looked_up_on_its_own(tiny, tmp_path):
    names = list(tiny.blobs)
    place(tiny, tmp_path / "root" / "tiny", names[:2])
    place(tiny, cache_root() / "tiny", names[2:3])
    place(tiny, tmp_path / "system", names[3:])
    (x_train, _), (_, y_test) = load_offline(tiny, tmp_path / "root", [str(tmp_path / "system")])
    assert x_train.shape == (6, 28, 28) and y_test.shape == (4,)


def test_a_bad_copy_is_skipped_for_a_good_one_further_down(tiny, tmp_path):
    place(tiny, tmp_path / "root" / "tiny")
    place(tiny, cache_root() / "tiny")
    labels = tmp_path / "root" / "tiny" / "t10k-labels-idx1-ubyte.gz"
    labels.write_bytes(labels.read_bytes()[:-3])
    (_, _), (_, y_test) = load_offline(tiny, tmp_path / "root")
    assert y_test.shape == (4,)


def test_a_bad_copy_is_never_used_and_is_reported(tiny, tmp_path):
    place(tiny, tmp_path / "root" / "tiny")
    bad = tmp_path / "root" / "tiny" / "train-labels-idx1-ubyte.gz"
    bad.write_bytes(b"<html>Forbidden</html>")
    with pytest.raises(DatasetNotAvailableError) as info:
        load_offline(tiny, tmp_path / "root")
    message = str(info.value)
    assert "Tiny is not available: 1 of 4 files could not be found, and load_data(download=False) was called" in message
    assert f"Bad copies found (never used):\n  {bad} failed verification (22 bytes, SHA-256 " in message
    assert "[ok     ] train-images-idx3-ubyte.gz" in message
    assert "[missing] train-labels-idx1-ubyte.gz" in message
    assert "Received: missing=['train-labels-idx1-ubyte.gz']" in message
    assert f"Searched, in order:\n  {tmp_path / 'root' / 'tiny'}\n  {cache_root() / 'tiny'}\n" in message


def test_available_locally_checks_every_file_and_never_downloads(tiny, tmp_path, monkeypatch):
    monkeypatch.delenv("SCRATCHNET_OFFLINE")  # would download if it tried: the URLs point at a closed port
    assert not _loader.available_locally(tiny.spec, None, ())
    place(tiny, cache_root() / "tiny", list(tiny.blobs)[:3])
    assert not _loader.available_locally(tiny.spec, None, ())
    place(tiny, cache_root() / "tiny")
    assert _loader.available_locally(tiny.spec, None, ())
    images = cache_root() / "tiny" / "t10k-images-idx3-ubyte.gz"
    damaged = bytearray(images.read_bytes())
    damaged[100] ^= 0x01
    images.write_bytes(damaged)
    assert not _loader.available_locally(tiny.spec, None, ())
    assert sorted(p.name for p in (cache_root() / "tiny").iterdir()) == sorted(tiny.blobs)  # nothing was written


def test_public_modules_search_their_system_dirs(tiny, monkeypatch, tmp_path):
    # The system dirs are module constants, read at call time, so they can be changed (and are, by the fixture).
    assert fashion_mnist.SYSTEM_DIRS == (str(tmp_path / "no-system-fashion"),)
    monkeypatch.setattr(mnist, "SYSTEM_DIRS", (str(tmp_path / "elsewhere"),))
    with pytest.raises(DatasetNotAvailableError, match=rf"Searched, in order:\n.*\n  {tmp_path / 'elsewhere'}\n"):
        mnist.load_data(verbose=0)
    assert not mnist.available_locally()


def test_the_real_system_dir_is_debians():
    import importlib

    fresh = importlib.reload(fashion_mnist)
    try:
        assert fresh.SYSTEM_DIRS == ("/usr/share/datasets/fashion-mnist",)
    finally:
        importlib.reload(fashion_mnist)

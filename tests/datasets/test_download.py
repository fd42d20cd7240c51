"""Downloads against a local server that misbehaves on purpose: each fault has an outcome, a message, no debris."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from scratchnet.datasets import DatasetNotAvailableError, DownloadError, _download, _loader, fashion_mnist
from scratchnet.datasets._verify import sha256_hex

pytestmark = pytest.mark.usefixtures("online")

TRAIN_LABELS = "train-labels-idx1-ubyte.gz"


def load_tiny(tiny, data_dir=None, download=True, verbose=0):
    return _loader.load(tiny.spec, data_dir, download, verbose, ())


def cache_dir() -> Path:
    return Path(os.environ["XDG_CACHE_HOME"]) / "scratchnet" / "tiny"


def files_in(folder: Path) -> dict[str, bytes]:
    """Every file in ``folder``, hidden temp files included."""
    return {p.name: p.read_bytes() for p in folder.iterdir()} if folder.exists() else {}


def assert_loaded(tiny, result):
    (x_train, y_train), (x_test, y_test) = result
    np.testing.assert_array_equal(x_train, tiny.arrays["train-images-idx3-ubyte.gz"])
    np.testing.assert_array_equal(y_train, tiny.arrays[TRAIN_LABELS])
    np.testing.assert_array_equal(x_test, tiny.arrays["t10k-images-idx3-ubyte.gz"])
    np.testing.assert_array_equal(y_test, tiny.arrays["t10k-labels-idx1-ubyte.gz"])


def assert_cache_holds_exactly_the_good_files(tiny, folder=None):
    assert files_in(folder or cache_dir()) == tiny.blobs  # no temp file, no partial file, nothing else


@pytest.fixture
def mirrors(fault_server, tiny, monkeypatch):
    """Two mirrors, "a" then "b", on the local server, serving the tiny dataset."""
    fault_server.files.update(tiny.blobs)
    monkeypatch.setenv(tiny.spec.urls_env, f"{fault_server.url('a')},{fault_server.url('b')}")
    return fault_server


def test_downloads_into_the_user_cache_and_then_uses_it(tiny, mirrors):
    assert_loaded(tiny, load_tiny(tiny))
    assert_cache_holds_exactly_the_good_files(tiny)
    assert {r.name for r in mirrors.hits("a")} == set(tiny.blobs)
    assert not mirrors.hits("b")
    assert all(r.headers.get("Accept-Encoding") == "identity" for r in mirrors.requests)

    count = len(mirrors.requests)
    assert_loaded(tiny, load_tiny(tiny))
    assert len(mirrors.requests) == count, "a verified cache hit must not touch the network"


def test_downloaded_files_get_the_usual_permissions(tiny, mirrors):
    umask = os.umask(0o022)
    os.umask(umask)
    load_tiny(tiny)
    for path in cache_dir().iterdir():
        assert path.stat().st_mode & 0o777 == 0o666 & ~umask  # not private like a mkstemp file


def test_something_in_the_way_of_the_published_file_is_a_download_error(tiny, mirrors):
    (cache_dir() / "train-images-idx3-ubyte.gz").mkdir(parents=True)
    with pytest.raises(DownloadError, match=r"Downloaded and verified train-images-idx3-ubyte.gz, but could not save"):
        load_tiny(tiny)
    assert sorted(p.name for p in cache_dir().iterdir()) == sorted(tiny.blobs)  # the others arrived; no temp file


def test_403_on_the_first_mirror_moves_to_the_next_at_once(tiny, mirrors):
    mirrors.script("a", then="403")
    assert_loaded(tiny, load_tiny(tiny))
    for name in tiny.blobs:
        assert len(mirrors.hits("a", name)) == 1
        assert len(mirrors.hits("b", name)) == 1
    assert_cache_holds_exactly_the_good_files(tiny)


@pytest.mark.parametrize("fault", ["500", "reset", "truncate", "short-nolength", "stall", "slow"])
def test_a_passing_problem_is_retried_on_the_same_mirror(tiny, mirrors, monkeypatch, fault):
    monkeypatch.setattr(_download, "READ_TIMEOUT", 0.3)
    mirrors.script("a", fault)  # only the very first request fails
    assert_loaded(tiny, load_tiny(tiny))
    first = tiny.spec.files[0].name
    assert [r.fault for r in mirrors.hits("a", first)] == [fault, "ok"]
    assert not mirrors.hits("b")
    assert_cache_holds_exactly_the_good_files(tiny)


def requests_per_attempt(fault):
    return 1 + _download.MAX_REDIRECTS if fault == "redirect" else 1  # each hop of a redirect is a request


@pytest.mark.parametrize("fault", ["404", "flip", "html", "html-octet", "redirect", "huge"])
def test_a_lasting_problem_moves_to_the_next_mirror_at_once(tiny, mirrors, fault):
    mirrors.script("a", then=fault)
    assert_loaded(tiny, load_tiny(tiny))
    for name in tiny.blobs:
        assert len(mirrors.hits("a", name)) == requests_per_attempt(fault)
    assert_cache_holds_exactly_the_good_files(tiny)


def test_a_gzip_content_encoding_is_not_undone(tiny, mirrors):
    # requests would un-gzip this body and save the raw IDX bytes; the .gz must arrive byte for byte.
    mirrors.script("a", then="gzip-encoding")
    assert_loaded(tiny, load_tiny(tiny))
    assert_cache_holds_exactly_the_good_files(tiny)
    assert not mirrors.hits("b")


# Each fault on every mirror: the error text that explains it, and nothing left behind.
EXPECTED_TEXT = {
    "403": "HTTP 403 Forbidden",
    "404": "HTTP 404 Not Found",
    "500": "HTTP 500 Internal Server Error",
    "reset": "short body: the connection broke after",
    "truncate": "short body: the connection broke after",
    "short-nolength": "its gzip stream ends early (truncated)",
    "flip": "checksum mismatch: received {size} bytes with SHA-256",
    "html": "an HTML page (Content-Type: text/html",
    "html-octet": "an HTML page instead of the file (body starts with b'<!DOCTYPE html>",
    "slow": "timed out",
    "stall": "timed out",
    "redirect": "more than 5 redirects (a redirect loop?)",
    "huge": "Content-Length 1000000000 is far larger than the expected",
}


@pytest.mark.slow
@pytest.mark.parametrize("fault", sorted(EXPECTED_TEXT))
def test_when_every_mirror_fails_the_error_says_why_and_nothing_is_left(tiny, mirrors, monkeypatch, fault):
    monkeypatch.setattr(_download, "READ_TIMEOUT", 0.2)
    mirrors.script("a", then=fault)
    mirrors.script("b", then=fault)
    start = time.monotonic()
    with pytest.raises(DownloadError) as info:
        load_tiny(tiny)
    assert time.monotonic() - start < 10
    message = str(info.value)
    first = tiny.spec.files[0]
    assert EXPECTED_TEXT[fault].format(size=first.size) in message
    assert f"{mirrors.url('a')}{first.name}: " in message
    assert f"{mirrors.url('b')}{first.name}: " in message
    assert "Tiny is not available: 4 of 4 files could not be found, and downloading failed." in message
    assert str(cache_dir()) in message  # where to put the files by hand
    assert f"{first.size} bytes, SHA-256 {first.sha256}" in message
    assert not info.value.unreachable
    assert files_in(cache_dir()) == {}
    retried = fault in ("500", "reset", "truncate", "short-nolength", "slow", "stall")
    attempts = 1 + _download.RETRIES if retried else 1
    assert len(mirrors.hits("a", first.name)) == attempts * requests_per_attempt(fault)
    assert len(mirrors.hits("b", first.name)) == attempts * requests_per_attempt(fault)
    # Mirrors that time out are not waited for again: the other three files are not even tried.
    gave_up = fault in ("slow", "stall")
    assert {r.name for r in mirrors.requests} == ({first.name} if gave_up else set(tiny.blobs))
    assert message.count("Could not download") == (1 if gave_up else 4)


def test_a_bad_cached_file_is_replaced_never_used(tiny, mirrors):
    folder = cache_dir()
    folder.mkdir(parents=True)
    good = tiny.blobs[TRAIN_LABELS]
    (folder / TRAIN_LABELS).write_bytes(good[:-1] + bytes([good[-1] ^ 0xFF]))  # same length, last byte changed
    assert_loaded(tiny, load_tiny(tiny))
    assert_cache_holds_exactly_the_good_files(tiny)


def test_downloads_go_to_data_dir_when_given(tiny, mirrors, tmp_path, monkeypatch):
    assert_loaded(tiny, load_tiny(tiny, data_dir=tmp_path / "mine"))
    assert_cache_holds_exactly_the_good_files(tiny, tmp_path / "mine" / "tiny")
    assert files_in(cache_dir()) == {}

    monkeypatch.setenv("SCRATCHNET_DATA_DIR", str(tmp_path / "from-env"))
    assert_loaded(tiny, load_tiny(tiny))
    assert_cache_holds_exactly_the_good_files(tiny, tmp_path / "from-env" / "tiny")


def test_a_read_only_data_dir_downloads_into_the_cache_instead(tiny, mirrors, tmp_path, capsys):
    read_only = tmp_path / "read-only"
    (read_only / "tiny").mkdir(parents=True)
    (read_only / "tiny").chmod(0o555)
    try:
        assert_loaded(tiny, load_tiny(tiny, data_dir=read_only, verbose=1))
    finally:
        (read_only / "tiny").chmod(0o755)
    assert files_in(read_only / "tiny") == {}
    assert_cache_holds_exactly_the_good_files(tiny)
    assert "cannot be written, so files are downloaded to" in capsys.readouterr().err


def test_offline_never_touches_the_network_and_explains_what_to_do(tiny, mirrors, monkeypatch):
    monkeypatch.setenv("SCRATCHNET_OFFLINE", "1")
    with pytest.raises(DatasetNotAvailableError) as info:
        load_tiny(tiny)
    assert not mirrors.requests
    message = str(info.value)
    assert "SCRATCHNET_OFFLINE is set, so nothing was downloaded" in message
    for f in tiny.spec.files:
        assert f"[missing] {f.name}  ({f.size} bytes, SHA-256 {f.sha256})" in message
    assert f"copy the files into\n      {cache_dir()}/" in message
    assert mirrors.url("a") in message and mirrors.url("b") in message

    monkeypatch.delenv("SCRATCHNET_OFFLINE")
    with pytest.raises(DatasetNotAvailableError, match=r"download=False\) was called"):
        load_tiny(tiny, download=False)
    assert not mirrors.requests


def test_fashion_mnist_offline_error_mentions_the_debian_package(monkeypatch):
    monkeypatch.setenv("SCRATCHNET_OFFLINE", "1")
    monkeypatch.delenv("SCRATCHNET_FASHION_MNIST_URLS")
    with pytest.raises(DatasetNotAvailableError) as info:
        fashion_mnist.load_data()
    message = str(info.value)
    assert "sudo apt-get install dataset-fashion-mnist" in message
    assert "https://storage.googleapis.com/tensorflow/tf-keras-datasets/" in message
    assert "[missing] train-images-idx3-ubyte.gz  (26421880 bytes, SHA-256 3aede38d" in message
    assert not fashion_mnist.available_locally()


def test_no_network_fails_fast_and_stops_after_the_first_file(tiny):
    # The autouse fixture points the URLs at a closed local port: every connection is refused.
    start = time.monotonic()
    with pytest.raises(DownloadError) as info:
        load_tiny(tiny)
    assert time.monotonic() - start < 5
    assert info.value.unreachable
    message = str(info.value)
    assert "connection failed" in message
    assert message.count("Could not download") == 1  # did not go on to try the other three files
    assert "Received: missing=['train-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte.gz'" in message
    assert files_in(cache_dir()) == {}


def test_retries_are_reported_unless_verbose_is_0(tiny, mirrors, capsys):
    mirrors.script("a", "500")
    load_tiny(tiny, verbose=1)
    err = capsys.readouterr().err
    assert "HTTP 500 Internal Server Error. Retrying in" in err
    assert "%|" not in err, "no progress bar when stderr is not a terminal"

    mirrors.script("a", "500")
    (cache_dir() / "train-images-idx3-ubyte.gz").unlink()
    load_tiny(tiny, verbose=0)
    assert capsys.readouterr().err == ""


@pytest.mark.parametrize("urls", ["http://example.com/mnist/", "ftp://127.0.0.1/x/", "127.0.0.1/mnist"])
def test_mirror_urls_from_the_environment_must_be_https(tiny, monkeypatch, urls):
    monkeypatch.setenv(tiny.spec.urls_env, urls)
    with pytest.raises(ValueError, match=r"SCRATCHNET_TINY_URLS must be comma-separated https:// base URLs"):
        load_tiny(tiny)


def test_mirror_urls_from_the_environment_get_a_trailing_slash(tiny, monkeypatch):
    monkeypatch.setenv(tiny.spec.urls_env, " https://a.example/x , http://127.0.0.1:8000/y/ ,")
    assert _download.mirrors(tiny.spec) == ["https://a.example/x/", "http://127.0.0.1:8000/y/"]
    monkeypatch.delenv(tiny.spec.urls_env)
    assert _download.mirrors(tiny.spec) == list(tiny.spec.mirrors)


_RACE = """
import json, sys
from pathlib import Path
from scratchnet.datasets import _download
from scratchnet.datasets._spec import FileSpec
from scratchnet.datasets._verify import sha256_hex
spec = FileSpec(**json.loads(sys.argv[1]))
payload = _download.fetch(spec, [sys.argv[2]], Path(sys.argv[3]), verbose=0)
print(sha256_hex(payload))
"""


@pytest.mark.slow
def test_two_processes_downloading_the_same_file_both_end_with_a_good_file(tiny, fault_server, tmp_path):
    fault_server.files.update(tiny.blobs)
    fault_server.script("a", then="trickle")  # 10 pieces 30 ms apart: the two downloads overlap
    spec = tiny.spec.files[0]
    dest = tmp_path / "shared"
    args = [json.dumps(spec.__dict__), fault_server.url("a"), str(dest)]
    env = {**os.environ, "NO_PROXY": "127.0.0.1"}
    procs = [
        subprocess.Popen([sys.executable, "-c", _RACE, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
        for _ in range(2)
    ]
    outputs = [p.communicate(timeout=60) for p in procs]
    for proc, (out, err) in zip(procs, outputs, strict=True):
        assert proc.returncode == 0, err.decode()
        assert out.decode().strip() == spec.payload_sha256
    assert len(fault_server.hits("a")) == 2
    assert files_in(dest) == {spec.name: tiny.blobs[spec.name]}
    assert sha256_hex((dest / spec.name).read_bytes()) == spec.sha256

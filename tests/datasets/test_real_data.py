"""The real MNIST and Fashion-MNIST files: parse, verify, and go through the whole download path on real bytes.

Needs ``SCRATCHNET_TEST_DATA`` pointing at a folder with ``mnist/`` and ``fashion-mnist/`` (``.ci/run`` sets it to
``../shared/data``). Nothing is ever written there: downloads go to the per-test cache dir.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import numpy as np
import pytest

from scratchnet.datasets import DatasetNotAvailableError, DownloadError, _locations, fashion_mnist, mnist
from scratchnet.datasets._verify import verify_bytes
from scratchnet.datasets.idx import encode_idx, read_idx_pair

DATA = Path(os.environ["SCRATCHNET_TEST_DATA"]) if os.environ.get("SCRATCHNET_TEST_DATA") else None
pytestmark = pytest.mark.skipif(
    DATA is None,
    reason="real-data tests need SCRATCHNET_TEST_DATA=<folder with mnist/ and fashion-mnist/> (.ci/run sets it)",
)

MNIST_PRESENT = ["train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"]
MNIST_TRAIN_COUNTS = [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]
MNIST_TEST_COUNTS = [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]


def cache_dir(dataset: str) -> Path:
    return Path(os.environ["XDG_CACHE_HOME"]) / "scratchnet" / dataset


def check_fashion(result):
    (x_train, y_train), (x_test, y_test) = result
    for array, shape in (
        (x_train, (60000, 28, 28)),
        (y_train, (60000,)),
        (x_test, (10000, 28, 28)),
        (y_test, (10000,)),
    ):
        assert array.shape == shape
        assert array.dtype == np.uint8
        assert array.flags.writeable and array.flags.c_contiguous
    assert np.bincount(y_train).tolist() == [6000] * 10
    assert np.bincount(y_test).tolist() == [1000] * 10
    # Re-encoding gives back the exact pinned payloads: the parse lost and changed nothing.
    for array, spec in zip((x_train, y_train, x_test, y_test), fashion_mnist.FILES, strict=True):
        assert hashlib.sha256(encode_idx(array)).hexdigest() == spec.payload_sha256
    x_train[0, 0, 0] = 1  # writable for real, as Keras's arrays are


def test_fashion_mnist_from_data_dir():
    check_fashion(fashion_mnist.load_data(data_dir=DATA))
    assert fashion_mnist.available_locally(DATA)


def test_fashion_mnist_from_the_environment_and_from_the_system_dir(monkeypatch):
    assert not fashion_mnist.available_locally()
    monkeypatch.setenv("SCRATCHNET_DATA_DIR", str(DATA))
    assert fashion_mnist.available_locally()
    check_fashion(fashion_mnist.load_data(verbose=0))

    monkeypatch.delenv("SCRATCHNET_DATA_DIR")
    monkeypatch.setattr(fashion_mnist, "SYSTEM_DIRS", (str(DATA / "fashion-mnist"),))  # as Debian installs them
    assert fashion_mnist.available_locally()
    check_fashion(fashion_mnist.load_data())


@pytest.mark.parametrize("dataset", [mnist, fashion_mnist], ids=["mnist", "fashion-mnist"])
def test_the_shared_files_match_the_pins(dataset):
    folder = DATA / dataset.SPEC.dirname
    for spec in dataset.FILES:
        path = folder / spec.name
        if not path.exists():
            assert dataset is mnist and spec.name == "train-images-idx3-ubyte.gz"
            continue
        data = path.read_bytes()
        payload = verify_bytes(data, spec, str(path))
        assert len(payload) == spec.payload_size
        assert hashlib.sha256(payload).hexdigest() == spec.payload_sha256
        # MNIST's files are the originals; Debian recompressed Fashion-MNIST's, accepted by their payload hash.
        assert (hashlib.sha256(data).hexdigest() == spec.sha256) is (dataset is mnist)


def test_mnist_parts_that_are_here_parse_with_the_known_label_counts():
    folder = DATA / "mnist"
    x_test, y_test = read_idx_pair(folder / "t10k-images-idx3-ubyte.gz", folder / "t10k-labels-idx1-ubyte.gz")
    assert x_test.shape == (10000, 28, 28) and x_test.dtype == np.uint8
    assert np.bincount(y_test).tolist() == MNIST_TEST_COUNTS
    _, y_train = read_idx_pair(folder / "train-labels-idx1-ubyte.gz", folder / "train-labels-idx1-ubyte.gz")
    assert np.bincount(y_train).tolist() == MNIST_TRAIN_COUNTS


def test_mnist_offline_without_the_training_images_says_exactly_what_is_missing(monkeypatch):
    monkeypatch.delenv("SCRATCHNET_MNIST_URLS")
    assert not mnist.available_locally(DATA)
    with pytest.raises(DatasetNotAvailableError) as info:
        mnist.load_data(data_dir=DATA)
    message = str(info.value)
    assert "MNIST is not available: 1 of 4 files could not be found, and SCRATCHNET_OFFLINE is set" in message
    assert (
        "[missing] train-images-idx3-ubyte.gz  (9912422 bytes, SHA-256 "
        "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609)" in message
    )
    for name in MNIST_PRESENT:
        assert f"[ok     ] {name}" in message
    assert "https://ossci-datasets.s3.amazonaws.com/mnist/\n" in message
    assert "https://storage.googleapis.com/cvdf-datasets/mnist/\n" in message
    assert "https://ossci-datasets.s3.amazonaws.com/mnist/train-images-idx3-ubyte.gz" in message
    # Files go into data_dir, unless it is read-only (as the shared copy is meant to be): then into the cache.
    target = DATA / "mnist" if _locations.is_writable(DATA / "mnist") else cache_dir("mnist")
    assert f"copy the files into\n      {target}/" in message


@pytest.fixture
def real_mirrors(fault_server, monkeypatch, online):
    def serve(dataset):
        folder = DATA / dataset.SPEC.dirname
        fault_server.files.update({p.name: p.read_bytes() for p in folder.glob("*.gz")})
        monkeypatch.setenv(dataset.SPEC.urls_env, f"{fault_server.url('a')},{fault_server.url('b')}")
        return fault_server

    return serve


def test_real_mnist_files_through_the_download_path(real_mirrors):
    server = real_mirrors(mnist)
    server.script("a", then="403")
    server.script("b", "reset", then="gzip-encoding")  # a broken first transfer, then S3-style headers
    with pytest.raises(DownloadError) as info:
        mnist.load_data(verbose=0)
    message = str(info.value)
    assert "MNIST is not available: 1 of 4 files could not be found, and downloading failed." in message
    assert "/a/train-images-idx3-ubyte.gz: HTTP 404 Not Found" in message  # the one file the server lacks
    assert "/b/train-images-idx3-ubyte.gz: HTTP 404 Not Found" in message
    assert [r.fault for r in server.hits("a") if r.name in MNIST_PRESENT] == ["403"] * 3
    assert "Received: missing=['train-images-idx3-ubyte.gz']" in message
    # The three files that exist arrived byte for byte, verified against the pinned hashes.
    assert sorted(p.name for p in cache_dir("mnist").iterdir()) == sorted(MNIST_PRESENT)
    for name in MNIST_PRESENT:
        assert (cache_dir("mnist") / name).read_bytes() == (DATA / "mnist" / name).read_bytes()
    assert not mnist.available_locally()


def test_real_fashion_mnist_through_the_download_path(real_mirrors):
    server = real_mirrors(fashion_mnist)
    server.script("a", "truncate", then="ok")
    check_fashion(fashion_mnist.load_data())
    for spec in fashion_mnist.FILES:
        assert (cache_dir("fashion-mnist") / spec.name).read_bytes() == server.files[spec.name]
    count = len(server.requests)
    assert fashion_mnist.available_locally()
    check_fashion(fashion_mnist.load_data())
    assert len(server.requests) == count

"""Fixtures for the dataset tests: an isolated environment, a tiny dataset, and a fault-injecting HTTP server.

No test here touches the internet. Every test runs with the cache in its own tmp dir, ``SCRATCHNET_OFFLINE=1``
and mirror URLs pointing at a closed local port, and with a socket guard that refuses any non-loopback address.
Download tests opt in by unsetting ``SCRATCHNET_OFFLINE`` and pointing the URLs at ``fault_server``.
"""

from __future__ import annotations

import gzip
import hashlib
import http.server
import ipaddress
import socket
import struct
import threading
from dataclasses import dataclass, field

import numpy as np
import pytest

from scratchnet.datasets import _download, fashion_mnist, mnist
from scratchnet.datasets._spec import DatasetSpec, FileSpec
from scratchnet.datasets.idx import encode_idx

CLOSED_PORT_URL = "http://127.0.0.1:9/"  # the discard port: nothing listens there, so connections are refused
TINY_URLS_ENV = "SCRATCHNET_TINY_URLS"


@pytest.fixture(autouse=True)
def isolated_environment(tmp_path, monkeypatch):
    """Own cache dir, offline, no system dirs, short timeouts, and no way out to the internet."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg-cache"))
    monkeypatch.setenv("SCRATCHNET_OFFLINE", "1")
    monkeypatch.delenv("SCRATCHNET_DATA_DIR", raising=False)
    for env in ("SCRATCHNET_MNIST_URLS", "SCRATCHNET_FASHION_MNIST_URLS", TINY_URLS_ENV):
        monkeypatch.setenv(env, CLOSED_PORT_URL)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")
    monkeypatch.setattr(mnist, "SYSTEM_DIRS", (str(tmp_path / "no-system-mnist"),))
    monkeypatch.setattr(fashion_mnist, "SYSTEM_DIRS", (str(tmp_path / "no-system-fashion"),))
    monkeypatch.setattr(_download, "CONNECT_TIMEOUT", 2.0)
    monkeypatch.setattr(_download, "READ_TIMEOUT", 2.0)
    monkeypatch.setattr(_download, "BACKOFF", 0.01)
    monkeypatch.setattr(_download, "RETRIES", 2)
    _guard_network(monkeypatch)


def _guard_network(monkeypatch):
    real_connect = socket.socket.connect
    real_getaddrinfo = socket.getaddrinfo

    def loopback_only(host):
        if host in ("localhost", None):
            return
        try:
            if ipaddress.ip_address(host).is_loopback:
                return
        except ValueError:
            pass
        raise OSError(f"tests must not touch the network: refused to reach {host!r}")

    def connect(self, address):
        if self.family in (socket.AF_INET, socket.AF_INET6):
            loopback_only(address[0])
        return real_connect(self, address)

    def getaddrinfo(host, *args, **kwargs):
        loopback_only(host.decode() if isinstance(host, bytes) else host)
        return real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


# --- a tiny dataset with the same layout as MNIST: 6 training and 4 test images -----------------------------------


@dataclass
class Tiny:
    spec: DatasetSpec
    arrays: dict[str, np.ndarray]  # file name -> array
    blobs: dict[str, bytes]  # file name -> .gz bytes


def make_tiny(seed: int = 0) -> Tiny:
    rng = np.random.default_rng(seed)
    arrays = {
        "train-images-idx3-ubyte.gz": rng.integers(0, 256, size=(6, 28, 28), dtype=np.uint8),
        "train-labels-idx1-ubyte.gz": rng.integers(0, 10, size=6, dtype=np.uint8),
        "t10k-images-idx3-ubyte.gz": rng.integers(0, 256, size=(4, 28, 28), dtype=np.uint8),
        "t10k-labels-idx1-ubyte.gz": rng.integers(0, 10, size=4, dtype=np.uint8),
    }
    blobs, files = {}, []
    for name, array in arrays.items():
        payload = encode_idx(array)
        blob = gzip.compress(payload, mtime=0)
        blobs[name] = blob
        files.append(
            FileSpec(
                name,
                size=len(blob),
                sha256=hashlib.sha256(blob).hexdigest(),
                payload_size=len(payload),
                payload_sha256=hashlib.sha256(payload).hexdigest(),
            )
        )
    spec = DatasetSpec(
        title="Tiny",
        dirname="tiny",
        files=tuple(files),
        mirrors=("https://mirror-a.invalid/tiny/", "https://mirror-b.invalid/tiny/"),
        urls_env=TINY_URLS_ENV,
        num_classes=10,
        image_shape=(28, 28),
        num_train=6,
        num_test=4,
    )
    return Tiny(spec, arrays, blobs)


@pytest.fixture
def tiny() -> Tiny:
    return make_tiny()


# --- the fault-injecting server -------------------------------------------------------------------------------------

FAULTS = (
    "ok",  # 200 with the file
    "403",
    "404",
    "500",
    "reset",  # full Content-Length, half the body, then a TCP reset
    "truncate",  # full Content-Length, half the body, then a normal close
    "short-nolength",  # no Content-Length, half the body, then close (the body looks complete)
    "flip",  # the right length with one byte flipped
    "html",  # 200 with an HTML page and Content-Type: text/html
    "html-octet",  # 200 with an HTML page labelled application/octet-stream
    "gzip-encoding",  # the .gz file sent as-is with Content-Encoding: gzip (as S3 often does)
    "slow",  # nothing at all for longer than the read timeout
    "stall",  # headers and half the body, then silence
    "redirect",  # 302 to itself, forever
    "huge",  # a Content-Length of a gigabyte
    "trickle",  # the file in 10 pieces, 30 ms apart (to overlap two downloads)
)


@dataclass
class Request:
    mirror: str
    name: str
    fault: str
    headers: dict[str, str]


@dataclass
class FaultServer:
    """Serves ``files`` under ``/<mirror>/<name>``, each request answered by the next fault scripted for its mirror."""

    port: int = 0
    files: dict[str, bytes] = field(default_factory=dict)
    scripts: dict[str, list[str]] = field(default_factory=dict)
    then: dict[str, str] = field(default_factory=dict)
    requests: list[Request] = field(default_factory=list)
    release: threading.Event = field(default_factory=threading.Event)
    slow_seconds: float = 3.0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def url(self, mirror: str) -> str:
        return f"http://127.0.0.1:{self.port}/{mirror}/"

    def script(self, mirror: str, *faults: str, then: str = "ok") -> None:
        """Answer the next requests to ``mirror`` with ``faults`` in order, and every later one with ``then``."""
        assert all(f in FAULTS for f in (*faults, then))
        self.scripts[mirror] = list(faults)
        self.then[mirror] = then

    def hits(self, mirror: str | None = None, name: str | None = None) -> list[Request]:
        return [r for r in self.requests if mirror in (None, r.mirror) and name in (None, r.name)]

    def next_fault(self, mirror: str) -> str:
        with self.lock:
            script = self.scripts.get(mirror, [])
            return script.pop(0) if script else self.then.get(mirror, "ok")


class _Handler(http.server.BaseHTTPRequestHandler):
    server_state: FaultServer  # set on a per-server subclass

    def log_message(self, format, *args):  # keep test output clean
        pass

    def do_GET(self):
        state = self.server_state
        _, mirror, name = [*self.path.split("?")[0].split("/", 2), "", ""][:3]
        fault = state.next_fault(mirror)
        with state.lock:
            state.requests.append(Request(mirror, name, fault, dict(self.headers)))
        body = state.files.get(name)
        if body is None:
            fault = "404"
        try:
            self._answer(fault, body or b"")
        except OSError:  # the client gave up (timeout tests): nothing to do
            pass

    def _answer(self, fault, body):
        half = len(body) // 2
        if fault in ("403", "404", "500"):
            self._headers(int(fault), b"error", "text/plain")
            self.wfile.write(b"error")
        elif fault == "ok":
            self._headers(200, body)
            self.wfile.write(body)
        elif fault in ("reset", "truncate", "stall"):
            self._headers(200, body)
            self.wfile.write(body[:half])
            self.wfile.flush()
            if fault == "reset":
                self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                self.connection.close()
            elif fault == "stall":
                self.server_state.release.wait(self.server_state.slow_seconds)
        elif fault == "short-nolength":
            self.send_response(200)
            self.send_header("Content-Type", "application/octet-stream")
            self.end_headers()
            self.wfile.write(body[:half])
        elif fault == "flip":
            flipped = bytearray(body)
            flipped[half] ^= 0x01
            self._headers(200, flipped)
            self.wfile.write(bytes(flipped))
        elif fault in ("html", "html-octet"):
            page = b"<!DOCTYPE html>\n<html><body><h1>403 Forbidden</h1></body></html>\n"
            self._headers(200, page, "text/html; charset=utf-8" if fault == "html" else "application/octet-stream")
            self.wfile.write(page)
        elif fault == "gzip-encoding":
            self._headers(200, body, "application/x-gzip", extra={"Content-Encoding": "gzip"})
            self.wfile.write(body)
        elif fault == "slow":
            self.server_state.release.wait(self.server_state.slow_seconds)
            self._headers(200, body)
            self.wfile.write(body)
        elif fault == "redirect":
            self.send_response(302)
            self.send_header("Location", self.path)
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif fault == "huge":
            self.send_response(200)
            self.send_header("Content-Length", str(10**9))
            self.end_headers()
            self.wfile.write(body[:half])
        elif fault == "trickle":
            self._headers(200, body)
            step = max(1, len(body) // 10)
            for start in range(0, len(body), step):
                self.wfile.write(body[start : start + step])
                self.wfile.flush()
                self.server_state.release.wait(0.03)

    def _headers(self, status, body, content_type="application/octet-stream", extra=None):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for key, value in (extra or {}).items():
            self.send_header(key, value)
        self.end_headers()


class _QuietServer(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):  # resets and timeouts are the point of these tests
        pass


@pytest.fixture
def fault_server():
    """A threaded HTTP server on 127.0.0.1 with scriptable faults; see ``FAULTS``."""
    state = FaultServer()
    handler = type("Handler", (_Handler,), {"server_state": state})
    server = _QuietServer(("127.0.0.1", 0), handler)
    state.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield state
    state.release.set()  # wake handlers that are sleeping on purpose
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


@pytest.fixture
def online(monkeypatch):
    """Allow downloads (still only to the URLs a test sets)."""
    monkeypatch.delenv("SCRATCHNET_OFFLINE", raising=False)

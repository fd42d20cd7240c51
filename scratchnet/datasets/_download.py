"""Download one file from a list of mirrors: timeouts, bounded retries, verification, atomic publish.

For each mirror in order, a file gets up to ``1 + RETRIES`` attempts. Problems that may pass (connection errors,
timeouts, HTTP 5xx, a body cut short) are retried after ``BACKOFF * 2**attempt`` seconds; problems that will not
(HTTP 403/404, an HTML page, a checksum mismatch, a redirect loop) move on to the next mirror at once.

Each attempt streams into a temporary file next to the destination, fsyncs it, verifies the bytes against the
pinned hashes, and only then renames it over the destination with ``os.replace``, which is atomic: a reader sees
the old file or the new one, never half of one, and two processes downloading at once both end with a good file.
The temporary file is removed on every failure path.
"""

from __future__ import annotations

import math
import os
import secrets
import sys
import time
import urllib.parse
from collections.abc import Sequence
from pathlib import Path

import requests
import urllib3
from tqdm import tqdm

from scratchnet.datasets._spec import DatasetSpec, FileSpec
from scratchnet.datasets._verify import verify_bytes
from scratchnet.datasets.errors import ChecksumError, DownloadError

# Module constants rather than arguments, so tests (and impatient users) can shorten them.
CONNECT_TIMEOUT = 10.0  # seconds to establish a connection
READ_TIMEOUT = 20.0  # seconds of silence allowed while waiting for the response or the next bytes of the body
DEADLINE = 600.0  # seconds one attempt may take in all: a server trickling a byte now and then is given up on
DEADLINE_ENV = "SCRATCHNET_DOWNLOAD_DEADLINE"  # replaces DEADLINE (seconds), e.g. for a very slow connection
RETRIES = 2  # extra attempts per mirror for problems that may pass
BACKOFF = 0.5  # seconds before the first retry; doubles each time
MAX_REDIRECTS = 5
CHUNK_SIZE = 1 << 16

_LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")
_RETRY_STATUS = (408, 429, 500, 502, 503, 504)


class _AttemptFailed(Exception):
    """One attempt at one URL failed.

    Attributes:
        problem: What went wrong, for the user.
        retry: Whether trying the same URL again may help.
        connect: True when no connection could be made at all (a sign that there is no network).
        network: True when the mirror could not be reached or went silent (connect failures and timeouts).
    """

    def __init__(self, problem: str, *, retry: bool, connect: bool = False, network: bool = False) -> None:
        super().__init__(problem)
        self.problem = problem
        self.retry = retry
        self.connect = connect
        self.network = network or connect


def mirrors(spec: DatasetSpec) -> list[str]:
    """The base URLs to download from: ``$<spec.urls_env>`` (comma-separated) if set, else ``spec.mirrors``.

    Raises:
        ValueError: A URL from the environment is not ``https://`` (plain ``http://`` is allowed only for
            127.0.0.1, localhost and ::1, which is how tests point at a local server).
    """
    raw = os.environ.get(spec.urls_env, "").strip()
    if not raw:
        return list(spec.mirrors)
    urls = [u.strip() for u in raw.split(",") if u.strip()]
    for url in urls:
        parts = urllib.parse.urlsplit(url)
        local = parts.scheme == "http" and parts.hostname in _LOOPBACK_HOSTS
        if not (parts.scheme == "https" and parts.hostname) and not local:
            raise ValueError(
                f"{spec.urls_env} must be comma-separated https:// base URLs (http:// only for 127.0.0.1 or "
                f"localhost). Received: {url!r}. Example: {spec.urls_env}={spec.mirrors[0]}"
            )
    return [u if u.endswith("/") else u + "/" for u in urls]


def fetch(
    spec: FileSpec,
    base_urls: Sequence[str],
    dest_dir: Path,
    *,
    title: str = "dataset",
    verbose: int = 1,
    down: dict[str, str] | None = None,
) -> bytes:
    """Download ``spec.name`` into ``dest_dir``, verified, trying each base URL in order.

    Args:
        spec: The file and its pinned size and hashes.
        base_urls: Base URLs ending in ``/``; the file's URL is ``base + spec.name``.
        dest_dir: The folder to publish the file in (created if needed). A bad file already there is replaced.
        title: The dataset's name, for messages.
        verbose: 0 for silence; 1 for a progress bar (on a terminal) and a line per retry.
        down: Mirrors known to be down, base URL -> why; they are skipped. A mirror whose every attempt fails to
            connect or times out is added, so the next files of a dataset do not wait for it again.

    Returns:
        The decompressed IDX payload of the verified file.

    Raises:
        DownloadError: No mirror delivered a verified copy; the message lists every attempt.
    """
    try:
        dest_dir.mkdir(parents=True, exist_ok=True)
        tmp = _create_temp_file(dest_dir, spec.name)
    except OSError as exc:
        raise DownloadError(
            f"Cannot download {title} file {spec.name}: the folder {dest_dir} cannot be written ({exc}). "
            "Pass a writable data_dir=..., or set SCRATCHNET_DATA_DIR to a writable folder."
        ) from exc
    failures: list[tuple[str, _AttemptFailed]] = []
    try:
        with _session() as session:
            for index, base in enumerate(base_urls):
                url = base + spec.name
                if down is not None and base in down:
                    failures.append((url, _AttemptFailed(f"skipped: {down[base]}", retry=False, network=True)))
                    continue
                first = len(failures)
                for attempt in range(RETRIES + 1):
                    try:
                        data = _download_once(session, url, spec, tmp, verbose)
                        payload = verify_bytes(data, spec, source=url)
                    except _AttemptFailed as failure:
                        failures.append((url, failure))
                    except ChecksumError as exc:
                        # A gzip stream that ends early is a short body (retry); any other mismatch will not pass.
                        problem = f"checksum mismatch: received {exc.received}"
                        failures.append((url, _AttemptFailed(problem, retry=exc.truncated)))
                    else:
                        _publish(tmp, dest_dir / spec.name)
                        return payload
                    failure = failures[-1][1]
                    if not failure.retry or attempt == RETRIES:
                        break
                    delay = BACKOFF * 2**attempt
                    _say(verbose, f"{url}: {failure.problem}. Retrying in {delay:g} s.")
                    time.sleep(delay)
                if down is not None and all(f.network for _, f in failures[first:]):
                    down[base] = f"this mirror was unreachable or timed out for {spec.name}"
                if index + 1 < len(base_urls):
                    _say(verbose, f"{url} failed ({failures[-1][1].problem}); trying the next mirror.")
    finally:
        tmp.unlink(missing_ok=True)  # already gone after a successful os.replace
    tried = "\n".join(f"  {url}: {failure.problem}" for url, failure in failures) or "  (no mirror URLs)"
    raise DownloadError(
        f"Could not download {title} file {spec.name} ({spec.size} bytes, SHA-256 {spec.sha256}) from any mirror. "
        f"Attempts:\n{tried}",
        unreachable=bool(failures) and all(failure.connect for _, failure in failures),
    )


def _create_temp_file(folder: Path, name: str) -> Path:
    """A new empty file ``.<name>.<random>.part`` in ``folder``, with the permissions the umask gives any new file.

    (``tempfile.mkstemp`` would make it private to the user, and the published file would stay that way.)
    """
    while True:
        path = folder / f".{name}.{secrets.token_hex(6)}.part"
        try:
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
        except FileExistsError:
            continue
        return path


def _publish(tmp: Path, dest: Path) -> None:
    """Atomically put the verified ``tmp`` in place of ``dest`` (replacing a bad copy), and make that durable."""
    try:
        os.replace(tmp, dest)
    except OSError as exc:
        raise DownloadError(
            f"Downloaded and verified {dest.name}, but could not save it as {dest} ({exc}). Remove whatever is in "
            "the way, or pass a different data_dir=..."
        ) from exc
    _fsync_dir(dest.parent)


def _session() -> requests.Session:
    session = requests.Session()
    session.max_redirects = MAX_REDIRECTS
    # identity: a server must not compress the .gz again on the fly; and the body is read raw below, because
    # requests would otherwise un-gzip any body sent with "Content-Encoding: gzip" (common on S3 for .gz files).
    session.headers.update({"Accept-Encoding": "identity", "User-Agent": "scratchnet-datasets"})
    return session


def _download_once(session: requests.Session, url: str, spec: FileSpec, tmp: Path, verbose: int) -> bytes:
    """One GET of ``url``, streamed into ``tmp`` and fsynced. Returns the body; raises _AttemptFailed."""
    started = time.monotonic()
    try:
        response = session.get(url, stream=True, timeout=(CONNECT_TIMEOUT, READ_TIMEOUT))
    except requests.exceptions.TooManyRedirects as exc:
        raise _AttemptFailed(f"more than {MAX_REDIRECTS} redirects (a redirect loop?)", retry=False) from exc
    except requests.exceptions.ConnectTimeout as exc:
        raise _AttemptFailed(f"no connection within {CONNECT_TIMEOUT:g} s", retry=True, connect=True) from exc
    except requests.exceptions.ReadTimeout as exc:
        raise _AttemptFailed(f"no response within {READ_TIMEOUT:g} s (timed out)", retry=True, network=True) from exc
    except requests.exceptions.ConnectionError as exc:
        reason = getattr(exc.args[0], "reason", None) if exc.args else None
        connect = isinstance(reason, urllib3.exceptions.NewConnectionError)  # includes DNS failures
        # A host name that does not resolve will not resolve a second later either (an offline machine, a typo):
        # go to the next mirror at once instead of backing off.
        retry = not isinstance(reason, getattr(urllib3.exceptions, "NameResolutionError", ()))
        raise _AttemptFailed(f"connection failed ({_short(reason or exc)})", retry=retry, connect=connect) from exc
    except requests.exceptions.RequestException as exc:
        raise _AttemptFailed(f"request failed ({_short(exc)})", retry=False) from exc

    with response:
        if response.status_code != 200:
            raise _AttemptFailed(
                f"HTTP {response.status_code} {response.reason}", retry=response.status_code in _RETRY_STATUS
            )
        content_type = response.headers.get("Content-Type", "")
        if "html" in content_type.lower():
            raise _AttemptFailed(f"an HTML page (Content-Type: {content_type}) instead of the file", retry=False)
        # A recompressed copy may differ in size from the pinned .gz, but can never exceed its payload by much.
        limit = max(spec.size, spec.payload_size) + 65536
        length = _content_length(response)
        if length is not None and length > limit:
            raise _AttemptFailed(f"Content-Length {length} is far larger than the expected {spec.size}", retry=False)

        chunks = []
        received = 0
        quiet = verbose <= 0 or not sys.stderr.isatty()
        total = length or spec.size
        bar = tqdm(total=total, unit="B", unit_scale=True, unit_divisor=1024, desc=spec.name, disable=quiet)
        deadline = _deadline()
        with open(tmp, "wb") as out, bar:
            stream = _chunks(response)
            while True:
                try:
                    chunk = next(stream, None)
                except (urllib3.exceptions.HTTPError, requests.exceptions.RequestException, OSError) as exc:
                    raise _broken(exc, received, length) from exc
                if chunk is None:
                    break
                if time.monotonic() - started > deadline:
                    raise _AttemptFailed(
                        f"too slow: {received} of {length or spec.size} bytes after {deadline:g} s, the deadline for "
                        f"one download (set {DEADLINE_ENV} to allow longer)",
                        retry=False,
                        network=True,
                    )
                if received == 0 and _looks_like_html(chunk):
                    raise _AttemptFailed(
                        f"an HTML page instead of the file (body starts with {chunk[:30]!r})", retry=False
                    )
                received += len(chunk)
                if received > limit:
                    raise _AttemptFailed(f"the body is longer than the expected {spec.size} bytes", retry=False)
                out.write(chunk)
                chunks.append(chunk)
                bar.update(len(chunk))
            out.flush()
            os.fsync(out.fileno())
    if length is not None and received < length:
        raise _AttemptFailed(f"short body: received {received} of {length} bytes", retry=True)
    return b"".join(chunks)


def _chunks(response: requests.Response):
    """The body's bytes as they arrive: read1 returns whatever came (urllib3 2), so a trickle cannot stall the
    deadline check the way a read waiting for a whole chunk would; urllib3 1 streams whole chunks."""
    raw = response.raw
    if not hasattr(raw, "read1"):
        yield from raw.stream(CHUNK_SIZE, decode_content=False)
        return
    while True:
        chunk = raw.read1(CHUNK_SIZE, decode_content=False)
        if not chunk:
            return
        yield chunk


def _deadline() -> float:
    raw = os.environ.get(DEADLINE_ENV, "").strip()
    if not raw:
        return DEADLINE
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value <= 0:
        raise ValueError(f"{DEADLINE_ENV} must be a positive number of seconds, e.g. 1200. Received: {raw!r}.")
    return value


def _broken(exc: BaseException, received: int, length: int | None) -> _AttemptFailed:
    if isinstance(exc, (urllib3.exceptions.ReadTimeoutError, requests.exceptions.Timeout, TimeoutError)):
        return _AttemptFailed(f"the server sent nothing for {READ_TIMEOUT:g} s (timed out)", retry=True, network=True)
    expected = f" of {length}" if length is not None else ""
    return _AttemptFailed(
        f"short body: the connection broke after {received}{expected} bytes ({_short(exc)})", retry=True
    )


def _content_length(response: requests.Response) -> int | None:
    try:
        return int(response.headers["Content-Length"])
    except (KeyError, ValueError):
        return None


def _looks_like_html(head: bytes) -> bool:
    return head.lstrip()[:1] == b"<"


def _short(exc: object) -> str:
    text = f"{type(exc).__name__}: {exc}" if isinstance(exc, BaseException) else str(exc)
    return text if len(text) <= 200 else text[:197] + "..."


def _fsync_dir(path: Path) -> None:
    """Make the rename itself durable. Not possible on every platform (e.g. Windows); best effort."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _say(verbose: int, message: str) -> None:
    if verbose > 0:
        print(message, file=sys.stderr)

"""utils.get_file against a local HTTP server on 127.0.0.1 (the fault server of conftest.py): cache, hashes,
retries, safe extraction, and the offline message."""

import hashlib
import io
import tarfile
import zipfile
from pathlib import Path

import pytest

import scratchnet as sn
from scratchnet.datasets import ChecksumError, DownloadError

BODY = b"some data " * 1000


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        for name, data in members.items():
            z.writestr(name, data)
    return buffer.getvalue()


def _tar(members: dict[str, bytes], link: tuple[str, str] | None = None) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as t:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            t.addfile(info, io.BytesIO(data))
        if link:
            info = tarfile.TarInfo(link[0])
            info.type, info.linkname = tarfile.SYMTYPE, link[1]
            t.addfile(info)
    return buffer.getvalue()


def test_downloads_once_into_the_cache_and_checks_the_hash(fault_server, online, tmp_path):
    fault_server.files["data.bin"] = BODY
    sha = hashlib.sha256(BODY).hexdigest()
    path = sn.utils.get_file("data.bin", fault_server.url("m") + "data.bin", file_hash=sha, cache_dir=tmp_path)
    assert Path(path) == tmp_path / "datasets" / "data.bin" and Path(path).read_bytes() == BODY
    again = sn.utils.get_file("data.bin", fault_server.url("m") + "data.bin", file_hash=sha, cache_dir=tmp_path)
    assert again == path and len(fault_server.hits()) == 1  # the cached copy, not a second download
    md5 = hashlib.md5(BODY).hexdigest()
    assert sn.utils.get_file("data.bin", fault_server.url("m") + "data.bin", file_hash=md5, cache_dir=tmp_path)
    assert len(fault_server.hits()) == 1
    assert not list(Path(path).parent.glob(".*.part"))  # no temporary file left behind


def test_default_cache_is_scratchnets_and_fname_comes_from_the_url(fault_server, online, tmp_path):
    fault_server.files["file.txt"] = BODY
    path = Path(sn.utils.get_file(origin=fault_server.url("m") + "file.txt", cache_subdir="mine"))
    assert path == tmp_path / "xdg-cache" / "scratchnet" / "mine" / "file.txt"


def test_a_stale_cached_copy_is_downloaded_again_and_a_bad_download_refused(fault_server, online, tmp_path, capsys):
    fault_server.files["data.bin"] = BODY
    (tmp_path / "datasets").mkdir()
    (tmp_path / "datasets" / "data.bin").write_bytes(b"old")
    sha = hashlib.sha256(BODY).hexdigest()
    path = sn.utils.get_file("data.bin", fault_server.url("m") + "data.bin", file_hash=sha, cache_dir=tmp_path)
    assert Path(path).read_bytes() == BODY and "does not match" in capsys.readouterr().out
    fault_server.script("m", "flip")
    with pytest.raises(ChecksumError, match="incomplete or not the expected one"):
        sn.utils.get_file("data.bin", fault_server.url("m") + "data.bin", file_hash=sha, cache_dir=tmp_path / "b")
    assert not (tmp_path / "b" / "datasets" / "data.bin").exists()


def test_faults_that_may_pass_are_retried_and_others_are_not(fault_server, online, tmp_path):
    fault_server.files["data.bin"] = BODY
    fault_server.script("m", "500", "truncate")
    path = sn.utils.get_file("data.bin", fault_server.url("m") + "data.bin", cache_dir=tmp_path)
    assert Path(path).read_bytes() == BODY and len(fault_server.hits()) == 3
    fault_server.script("n", "404")
    with pytest.raises(DownloadError, match=r"HTTP 404.*copy it to"):
        sn.utils.get_file("x.bin", fault_server.url("n") + "x.bin", cache_dir=tmp_path)


def test_offline_says_where_to_put_the_file(tmp_path):
    with pytest.raises(DownloadError, match=r"SCRATCHNET_OFFLINE.*copy the file to"):
        sn.utils.get_file("a.zip", "https://example.com/a.zip", cache_dir=tmp_path)


def test_extract_zip_and_tar_and_untar(fault_server, online, tmp_path):
    fault_server.files["pics.zip"] = _zip({"pics/a.txt": b"A", "pics/sub/b.txt": b"B"})
    fault_server.files["pics2.tar.gz"] = _tar({"pics2/c.txt": b"C"})
    path = sn.utils.get_file("pics.zip", fault_server.url("m") + "pics.zip", extract=True, cache_dir=tmp_path)
    assert path.endswith("pics.zip") and (tmp_path / "datasets" / "pics" / "sub" / "b.txt").read_bytes() == b"B"
    folder = sn.utils.get_file("pics2", fault_server.url("m") + "pics2.tar.gz", untar=True, cache_dir=tmp_path)
    assert (Path(folder) / "c.txt").read_bytes() == b"C"


@pytest.mark.parametrize(
    "archive",
    [
        lambda: _zip({"../evil.txt": b"x"}),
        lambda: _tar({"../evil.txt": b"x"}),
        lambda: _tar({"/tmp/evil.txt": b"x"}),
        lambda: _tar({}, link=("inside", "../../outside")),
    ],
)
def test_extraction_refuses_paths_outside_the_folder(fault_server, online, tmp_path, archive):
    fault_server.files["bad"] = archive()
    with pytest.raises(ValueError, match="refusing to extract"):
        sn.utils.get_file("bad", fault_server.url("m") + "bad", extract=True, cache_dir=tmp_path / "c")
    assert not (tmp_path / "c" / "evil.txt").exists() and not (tmp_path / "evil.txt").exists()

"""get_file: download into the cache, hash checks, Keras's cache, archives, offline."""

import hashlib
import os
import tarfile
import urllib.error

import pytest

from lamina.datasets import cache
from lamina.utils import get_file
from lamina.datasets.get_file import DownloadError


@pytest.fixture
def homes(tmp_path, monkeypatch):
    monkeypatch.setenv("LAMINA_HOME", str(tmp_path / "lamina"))
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras"))
    src = tmp_path / "src"
    src.mkdir()
    (src / "a.txt").write_bytes(b"hello\n")
    return tmp_path


def test_downloads_once_then_uses_the_cache(homes, monkeypatch):
    origin = (homes / "src" / "a.txt").as_uri()
    md5 = hashlib.md5(b"hello\n").hexdigest()
    path = get_file(origin=origin, cache_subdir="models", file_hash=md5)
    assert path == str(homes / "lamina" / "models" / "a.txt")
    assert open(path, "rb").read() == b"hello\n"
    monkeypatch.setattr(cache, "_open_url", lambda url: pytest.fail("downloaded again"))
    assert get_file("a.txt", origin, cache_subdir="models", file_hash=md5) == path


def test_bad_hash_raises_and_leaves_nothing(homes):
    origin = (homes / "src" / "a.txt").as_uri()
    with pytest.raises(ValueError, match="hash"):
        get_file("b.txt", origin, file_hash="0" * 64)
    assert not (homes / "lamina" / "datasets" / "b.txt").exists()


def test_uses_keras_cache_when_it_verifies(homes, monkeypatch):
    keras_copy = homes / "keras" / "models" / "w.h5"
    keras_copy.parent.mkdir(parents=True)
    keras_copy.write_bytes(b"weights")
    sha = hashlib.sha256(b"weights").hexdigest()
    monkeypatch.setattr(cache, "_open_url", lambda url: pytest.fail("downloaded"))
    assert get_file("w.h5", "https://example.invalid/w.h5", cache_subdir="models",
                    file_hash=sha) == str(keras_copy)


def test_offline_error_names_url_and_where_to_put_the_file(homes, monkeypatch):
    def offline(url):
        raise urllib.error.URLError("[Errno -3] Temporary failure in name resolution")

    monkeypatch.setattr(cache, "_open_url", offline)
    with pytest.raises(DownloadError) as info:
        get_file("x.h5", "https://example.invalid/x.h5", cache_subdir="models",
                 file_hash="ab" * 16)
    message = str(info.value)
    assert "https://example.invalid/x.h5" in message and "offline" in message
    assert str(homes / "lamina" / "models" / "x.h5") in message and "abab" in message
    assert isinstance(info.value, OSError)


def test_extract_tar(homes):
    archive = homes / "src" / "a.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(homes / "src" / "a.txt", arcname="a.txt")
    folder = get_file("a.tar.gz", archive.as_uri(), extract=True)
    assert folder.endswith("a_extracted")
    assert open(os.path.join(folder, "a.txt"), "rb").read() == b"hello\n"


def test_argument_errors(homes):
    with pytest.raises(ValueError, match="origin"):
        get_file("a.txt")
    with pytest.raises(ValueError, match="hash_algorithm"):
        get_file("a.txt", "file:///x", file_hash="00", hash_algorithm="sha1")


def test_extract_layout_without_a_dot_and_md5_hash(homes):
    """Keras's layout: fname "pkg" saves the archive as "pkg_archive", extracts into "pkg/";
    `md5_hash` (the older argument) is checked as md5."""
    archive = homes / "src" / "pkg.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(homes / "src" / "a.txt", arcname="a.txt")
    md5 = hashlib.md5(archive.read_bytes()).hexdigest()
    folder = get_file("pkg", archive.as_uri(), untar=True, md5_hash=md5)
    assert folder == str(homes / "lamina" / "datasets" / "pkg")
    assert (homes / "lamina" / "datasets" / "pkg_archive").exists()
    assert open(os.path.join(folder, "a.txt"), "rb").read() == b"hello\n"

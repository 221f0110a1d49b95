"""imdb, reuters, cifar10, cifar100, boston_housing, california_housing: small files in
each dataset's real on-disk format, "downloaded" from Keras's URLs through the real
cache and verification code, loaded, and compared with Keras 3's own loaders run on the
same files."""

import hashlib
import io
import json
import pickle
import tarfile
import urllib.error

import numpy as np
import pytest

from lamina.datasets import (
    DatasetUnavailableError, boston_housing, cache, california_housing, cifar10, cifar100,
    get_file, imdb, reuters)

KERAS = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"
RNG = np.random.RandomState(0)


def _ragged(n, vocab=30):
    out = np.empty(n, dtype=object)
    out[:] = [RNG.randint(1, vocab, size=RNG.randint(2, 12)).tolist() for _ in range(n)]
    return out


def _npz(**arrays):
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    return buffer.getvalue()


def _pickled_batch(n, labels):
    return pickle.dumps({b"batch_label": b"test", b"filenames": [b"x.png"] * n,
                         b"data": RNG.randint(0, 256, (n, 3072)).astype(np.uint8),
                         **{k.encode(): RNG.randint(0, m, n).tolist() for k, m in labels}},
                        protocol=3)  # no _codecs lookups, like the real Python 2 files


def _tar_gz(files):
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def _sha(data):
    return hashlib.sha256(data).hexdigest()


@pytest.fixture
def server(monkeypatch, tmp_path):
    """Keras's URLs served from memory; the cache in a fresh folder."""
    files = {}

    def serve(url):
        if url not in files:
            raise urllib.error.URLError("offline")
        return io.BytesIO(files[url])

    monkeypatch.setattr(cache, "_open_url", serve)
    monkeypatch.setenv("LAMINA_DATA_DIR", str(tmp_path))
    return files


def _with_keras_loader(monkeypatch, module, path):
    """Keras's own loader `module` reading `path` instead of downloading."""
    keras_module = pytest.importorskip(f"keras.src.datasets.{module}")
    monkeypatch.setattr(keras_module, "get_file", lambda *a, **k: str(path))
    return keras_module


def _assert_same(ours, theirs):
    for a, b in zip(ours, theirs):
        for x, y in zip(a, b):
            if x.dtype == object:
                assert [list(s) for s in x] == [list(s) for s in y]
            else:
                np.testing.assert_array_equal(x, y)
                assert x.shape == y.shape


@pytest.mark.parametrize("kwargs", [{}, dict(num_words=10, skip_top=2, maxlen=9),
                                    dict(start_char=None, oov_char=None, index_from=0,
                                         num_words=20)])
def test_imdb(server, monkeypatch, tmp_path, kwargs):
    data = _npz(x_train=_ragged(12), y_train=RNG.randint(0, 2, 12), x_test=_ragged(8),
                y_test=RNG.randint(0, 2, 8))
    server[KERAS + "imdb.npz"] = data
    monkeypatch.setattr(imdb, "FILE_SHA256", _sha(data))
    ours = imdb.load_data(**kwargs)
    theirs = _with_keras_loader(monkeypatch, "imdb", tmp_path / "imdb.npz").load_data(**kwargs)
    _assert_same(ours, theirs)
    index = json.dumps({"the": 1, "movie": 2}).encode()
    server[KERAS + "imdb_word_index.json"] = index
    monkeypatch.setattr(imdb, "WORD_INDEX_MD5", hashlib.md5(index).hexdigest())
    assert imdb.get_word_index() == {"the": 1, "movie": 2}


def test_reuters(server, monkeypatch, tmp_path):
    data = _npz(x=_ragged(20), y=RNG.randint(0, 46, 20))
    server[KERAS + "reuters.npz"] = data
    monkeypatch.setattr(reuters, "FILE_SHA256", _sha(data))
    ours = reuters.load_data(num_words=15, test_split=0.25)
    keras_reuters = _with_keras_loader(monkeypatch, "reuters", tmp_path / "reuters.npz")
    _assert_same(ours, keras_reuters.load_data(num_words=15, test_split=0.25))
    assert reuters.get_label_names() == keras_reuters.get_label_names()


def test_cifar10(server, monkeypatch, tmp_path):
    # Keras's loader assumes 10,000 images per batch file: compare with the pickles' arrays
    files = {f"cifar-10-batches-py/data_batch_{i}": _pickled_batch(3, [("labels", 10)])
             for i in range(1, 6)}
    files["cifar-10-batches-py/test_batch"] = _pickled_batch(4, [("labels", 10)])
    archive = _tar_gz(files)
    server[cifar10.ORIGIN] = archive
    monkeypatch.setattr(cifar10, "FILE_SHA256", _sha(archive))
    (x_train, y_train), (x_test, y_test) = cifar10.load_data()
    assert (tmp_path / "cifar-10-batches-py-target_archive").is_file()
    batches = [pickle.loads(files[f"cifar-10-batches-py/data_batch_{i}"]) for i in range(1, 6)]
    expected = np.concatenate([b[b"data"] for b in batches]).reshape(15, 3, 32, 32)
    np.testing.assert_array_equal(x_train, expected.transpose(0, 2, 3, 1))
    np.testing.assert_array_equal(y_train[:, 0], sum((b[b"labels"] for b in batches), []))
    test = pickle.loads(files["cifar-10-batches-py/test_batch"])
    np.testing.assert_array_equal(x_test, test[b"data"].reshape(4, 3, 32, 32).transpose(0, 2, 3, 1))
    assert y_test.shape == (4, 1) and x_train.dtype == y_train.dtype == np.uint8


@pytest.mark.parametrize("label_mode", ["fine", "coarse"])
def test_cifar100(server, monkeypatch, tmp_path, label_mode):
    labels = [("fine_labels", 100), ("coarse_labels", 20)]
    archive = _tar_gz({"cifar-100-python/train": _pickled_batch(5, labels),
                       "cifar-100-python/test": _pickled_batch(2, labels)})
    server[cifar100.ORIGIN] = archive
    monkeypatch.setattr(cifar100, "FILE_SHA256", _sha(archive))
    ours = cifar100.load_data(label_mode)
    keras_cifar100 = _with_keras_loader(monkeypatch, "cifar100",
                                        tmp_path / "cifar-100-python-target")
    _assert_same(ours, keras_cifar100.load_data(label_mode))
    with pytest.raises(ValueError, match="label_mode"):
        cifar100.load_data("medium")


@pytest.mark.parametrize("module, name, features", [
    (boston_housing, "boston_housing", 13), (california_housing, "california_housing", 8)])
def test_housing(server, monkeypatch, tmp_path, module, name, features):
    data = _npz(x=RNG.rand(30, features), y=RNG.rand(30))
    server[KERAS + f"{name}.npz"] = data
    monkeypatch.setattr(module, "FILE_SHA256", _sha(data))
    theirs = _with_keras_loader(monkeypatch, name, tmp_path / f"{name}.npz")
    _assert_same(module.load_data(test_split=0.3, seed=5),
                 theirs.load_data(test_split=0.3, seed=5))
    with pytest.raises(ValueError, match="test_split"):
        module.load_data(test_split=1.5)


def test_offline_error_names_the_url(server):
    with pytest.raises(DatasetUnavailableError, match=r"Could not download .*imdb\.npz"):
        imdb.load_data()
    with pytest.raises(DatasetUnavailableError, match="cifar-10-python.tar.gz"):
        cifar10.load_data()


def test_wrong_bytes_are_refused(server, monkeypatch):
    server[KERAS + "boston_housing.npz"] = _npz(x=np.zeros((3, 13)), y=np.zeros(3))
    with pytest.raises(cache.ChecksumError, match="not the expected data"):
        boston_housing.load_data()


def test_pickles_that_run_code_are_refused(server, monkeypatch):
    class Evil:
        def __reduce__(self):
            return (print, ("pwned",))

    data = _npz(x_train=np.array([Evil()], dtype=object), y_train=np.zeros(1),
                x_test=np.array([Evil()], dtype=object), y_test=np.zeros(1))
    server[KERAS + "imdb.npz"] = data
    monkeypatch.setattr(imdb, "FILE_SHA256", _sha(data))
    with pytest.raises(ValueError, match="builtins.print; only NumPy arrays"):
        imdb.load_data()


def test_get_file_layout_and_archive_safety(server, tmp_path):
    server["https://example.org/data.txt"] = b"hello"
    path = get_file(origin="https://example.org/data.txt", file_hash=_sha(b"hello"))
    assert open(path, "rb").read() == b"hello" and path == str(tmp_path / "data.txt")
    evil = _tar_gz({"../escape.txt": b"x"})
    server["https://example.org/evil.tar.gz"] = evil
    with pytest.raises(ValueError, match="refusing the archive member"):
        get_file("evil", origin="https://example.org/evil.tar.gz", extract=True)
    with pytest.raises(ValueError, match="file name, not a path"):
        get_file("a/b.txt", origin="https://example.org/data.txt")

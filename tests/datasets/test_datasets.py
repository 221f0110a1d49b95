"""MNIST / Fashion-MNIST loading from the verified cache: seeding, the Keras return
values, the offline error, corrupt files, atomic downloads."""

import gzip
import os
import urllib.error
from pathlib import Path

import numpy as np
import pytest

import lamina.datasets as datasets
from lamina.datasets import cache, fashion_mnist, mnist

ROOT = Path(__file__).resolve().parents[2]
SOURCES = [Path(os.environ["LAMINA_SEED_DIR"])] if os.environ.get("LAMINA_SEED_DIR") else []
SOURCES += [ROOT / "shared" / "data", ROOT.parent / "shared" / "data"]
SOURCE = next((p for p in SOURCES if (p / "mnist.npz").is_file()), None)
needs_data = pytest.mark.skipif(SOURCE is None, reason="no local copy of mnist.npz to seed from")


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    """A cache folder seeded from the project's data (shared by this module's tests)."""
    root = tmp_path_factory.mktemp("seeded")
    datasets.seed_cache(SOURCE, root)
    return root


@pytest.fixture
def offline(monkeypatch):
    """Every download fails as it does without network."""
    def refuse(url):
        raise urllib.error.URLError("[Errno -2] Name or service not known")

    monkeypatch.setattr(cache, "_open_url", refuse)


def use_cache(monkeypatch, root):
    monkeypatch.setenv("LAMINA_DATA_DIR", str(root))
    return root


def check_split(data, first_labels):
    (x_train, y_train), (x_test, y_test) = data
    assert x_train.shape == (60000, 28, 28) and y_train.shape == (60000,)
    assert x_test.shape == (10000, 28, 28) and y_test.shape == (10000,)
    for a in (x_train, y_train, x_test, y_test):
        assert a.dtype == np.uint8
    assert y_train[:5].tolist() == first_labels
    assert set(np.unique(y_test).tolist()) == set(range(10))


def test_data_dir_default_and_env(monkeypatch, tmp_path):
    monkeypatch.delenv("LAMINA_DATA_DIR", raising=False)
    assert datasets.data_dir() == Path("~/.lamina/datasets").expanduser()
    use_cache(monkeypatch, tmp_path)
    assert datasets.data_dir() == tmp_path


@needs_data
def test_mnist_from_seeded_cache(monkeypatch, seeded, offline):
    use_cache(monkeypatch, seeded)
    data = mnist.load_data()
    check_split(data, [5, 0, 4, 1, 9])
    assert np.bincount(data[0][1]).tolist()[:3] == [5923, 6742, 5958]


@needs_data
def test_fashion_mnist_from_seeded_cache(monkeypatch, seeded, offline):
    use_cache(monkeypatch, seeded)
    data = fashion_mnist.load_data()
    check_split(data, [9, 0, 0, 3, 0])
    assert np.bincount(data[1][1]).tolist() == [1000] * 10


@needs_data
def test_fashion_mnist_from_keras_gz_files(monkeypatch, tmp_path, seeded, offline):
    # Keras's layout: four IDX .gz files under fashion-mnist/. These are rewritten
    # (other gzip bytes), so they are trusted by their arrays' sha256.
    arrays = cache.read_npz(seeded / "fashion_mnist.npz")
    for (fname, key, _), res in zip(fashion_mnist.GZ_FILES, fashion_mnist.GZ):
        a = arrays[key]
        header = bytes([0, 0, 8, a.ndim]) + np.asarray(a.shape, ">u4").tobytes()
        path = res.path(tmp_path)
        path.parent.mkdir(parents=True, exist_ok=True)
        with gzip.open(path, "wb", compresslevel=1) as f:
            f.write(header + a.tobytes())
    use_cache(monkeypatch, tmp_path)
    check_split(fashion_mnist.load_data(), [9, 0, 0, 3, 0])


@pytest.mark.parametrize("loader,url", [
    (mnist.load_data, cache.KERAS_ORIGIN + "mnist.npz"),
    (fashion_mnist.load_data, cache.KERAS_ORIGIN + "train-labels-idx1-ubyte.gz"),
])
def test_offline_with_empty_cache_says_what_to_do(monkeypatch, tmp_path, offline, loader, url):
    use_cache(monkeypatch, tmp_path)
    with pytest.raises(datasets.DatasetUnavailableError) as info:
        loader()
    message = str(info.value)
    assert url in message
    assert str(tmp_path) in message
    assert "lamina.datasets.seed" in message and "seed_cache" in message
    assert "LAMINA_DATA_DIR" in message


def test_corrupt_cached_file_is_reported(monkeypatch, tmp_path, offline):
    use_cache(monkeypatch, tmp_path)
    (tmp_path / "mnist.npz").write_bytes(b"not the mnist archive")
    with pytest.raises(datasets.ChecksumError) as info:
        mnist.load_data()
    message = str(info.value)
    assert "corrupt" in message and str(tmp_path / "mnist.npz") in message
    assert mnist.KERAS_FILE_SHA256 in message


@needs_data
def test_corrupt_array_in_a_readable_archive_is_reported(monkeypatch, tmp_path, offline):
    arrays = cache.read_npz(SOURCE / "mnist.npz")
    arrays["y_test"] = arrays["y_test"].copy()
    arrays["y_test"][0] ^= 1
    np.savez(tmp_path / "mnist.npz", **arrays)
    use_cache(monkeypatch, tmp_path)
    with pytest.raises(datasets.ChecksumError, match=r"\['y_test'\]"):
        mnist.load_data()


@needs_data
def test_corrupt_file_is_replaced_by_a_verified_download(monkeypatch, tmp_path):
    monkeypatch.setattr(cache, "_open_url", lambda url: open(SOURCE / "mnist.npz", "rb"))
    use_cache(monkeypatch, tmp_path)
    (tmp_path / "mnist.npz").write_bytes(b"garbage")
    with pytest.warns(UserWarning, match="Replaced a corrupt cached file"):
        data = mnist.load_data()
    check_split(data, [5, 0, 4, 1, 9])
    assert cache.sha256_file(tmp_path / "mnist.npz") == mnist.SEED_FILE_SHA256


def test_bad_download_leaves_nothing_behind(monkeypatch, tmp_path):
    import io

    monkeypatch.setattr(cache, "_open_url", lambda url: io.BytesIO(b"<html>error page</html>"))
    use_cache(monkeypatch, tmp_path)
    with pytest.raises(datasets.ChecksumError, match="downloaded from .*mnist.npz"):
        mnist.load_data()
    assert list(tmp_path.iterdir()) == []


def test_seed_cache_errors(tmp_path):
    with pytest.raises(FileNotFoundError, match="mnist.npz"):
        datasets.seed_cache(tmp_path / "empty", tmp_path / "cache")
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "fashion_mnist.npz").write_bytes(b"nope")
    with pytest.raises(datasets.ChecksumError):
        datasets.seed_cache(bad, tmp_path / "cache")
    assert not (tmp_path / "cache" / "fashion_mnist.npz").exists()


@needs_data
def test_seed_command_line(monkeypatch, tmp_path, capsys):
    from lamina.datasets import seed

    use_cache(monkeypatch, tmp_path)
    assert seed.main([str(SOURCE)]) == 0
    assert "mnist.npz" in capsys.readouterr().out
    assert cache.sha256_file(tmp_path / "mnist.npz") == cache.sha256_file(SOURCE / "mnist.npz")
    assert oct((tmp_path / "mnist.npz").stat().st_mode & 0o777) != oct(0o600)

"""The dataset cache: find a verified file in the cache folder, or download it there.

The cache folder is `$LAMINA_DATA_DIR` if set, else `~/.lamina/datasets`. A file is
trusted when its sha256 is one of the known file hashes, or when the arrays it holds
have the known per-array sha256 (`arr.tobytes()`, C order), so a file rewritten by
another tool (same data, other bytes) is accepted too. Downloads go to a temporary
file beside the target, are verified, then renamed into place.
"""

import dataclasses
import hashlib
import os
import shutil
import tempfile
import urllib.error
import urllib.request
import warnings
from pathlib import Path
from typing import Callable

import numpy as np

KERAS_ORIGIN = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"
DEFAULT_DIR = Path("~/.lamina/datasets")
ENV_VAR = "LAMINA_DATA_DIR"
SEED_HINT = ("To use a local copy, run `python -m lamina.datasets.seed DIR` (or call "
             "`lamina.datasets.seed_cache(DIR)`) with DIR holding mnist.npz / "
             "fashion_mnist.npz, or point ${env} at a folder that has them.")


class ChecksumError(ValueError):
    """A cached or downloaded file does not hold the expected data."""


class DatasetUnavailableError(OSError):
    """The file is not cached and could not be downloaded (e.g. offline)."""


def data_dir():
    """The cache folder: `$LAMINA_DATA_DIR`, else `~/.lamina/datasets` (not created here)."""
    return Path(os.environ.get(ENV_VAR) or DEFAULT_DIR).expanduser()


def read_npz(path):
    """All arrays of an `.npz` file, as a dict of in-memory arrays."""
    with np.load(path, allow_pickle=False) as f:
        return {key: f[key] for key in f.files}


@dataclasses.dataclass(frozen=True)
class Resource:
    """One cached file and how to trust it.

    fname: path relative to the cache folder (an absolute path is used as is).
    url: where to download it from; None for files that only come from seeding.
    file_sha256: sha256 digests of the whole file that are accepted as is.
    arrays: `{name: sha256 of arr.tobytes()}` the file's arrays must have otherwise.
    reader: `path -> {name: array}`, reads the arrays (`read_npz` by default).
    file_md5: md5 digests of the whole file that are accepted as is.
    """

    fname: str
    url: str = None
    file_sha256: tuple = ()
    arrays: dict = dataclasses.field(default_factory=dict)
    file_md5: tuple = ()  # Keras gives only md5s for some files (the word indexes)
    reader: Callable = read_npz

    def path(self, root=None):
        return Path(root or data_dir()) / self.fname


def sha256_file(path, chunk=1 << 20, algorithm="sha256"):
    digest = hashlib.new(algorithm)
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(chunk), b""):
            digest.update(block)
    return digest.hexdigest()


def check(resource, path):
    """Raise `ChecksumError` unless `path` holds `resource`'s data; return its arrays or None.

    A matching file hash is enough (returns None); otherwise the arrays are read
    and compared with `resource.arrays` (returned when they match).
    """
    file_hash = sha256_file(path)
    if file_hash in resource.file_sha256:
        return None
    if resource.file_md5 and sha256_file(path, algorithm="md5") in resource.file_md5:
        return None
    problem = f"sha256 {file_hash} is not a known hash ({', '.join(resource.file_sha256)})"
    if resource.arrays:
        try:
            arrays = resource.reader(path)
        except Exception as e:  # unreadable: truncated, not a zip / gzip, ...
            problem += f", and its arrays could not be read ({type(e).__name__}: {e})"
        else:
            got = {k: hashlib.sha256(np.ascontiguousarray(arrays[k]).tobytes()).hexdigest()
                   if k in arrays else None for k in resource.arrays}
            bad = [k for k, h in got.items() if h != resource.arrays[k]]
            if not bad:
                return arrays
            problem += f", and arrays {bad} do not have the expected sha256"
    raise ChecksumError(f"{path}: {problem}.")


def _open_url(url):
    """Open `url` for reading (tests replace this to simulate the network)."""
    return urllib.request.urlopen(url, timeout=60)


def _write_atomically(target, fill, resource=None):
    """Write `target` through a temp file beside it: `fill(binary_file)`, verify against
    `resource` (if given), then rename into place; the temp file never outlives the call."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as out:
            fill(out)
        if resource is not None:
            check(resource, tmp)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes it private; use the usual mode
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)
    return target


def download(url, target, resource):
    """Download `url` to `target` atomically, verified against `resource`."""
    def fill(out):
        with _open_url(url) as response:
            shutil.copyfileobj(response, out)

    try:
        return _write_atomically(target, fill, resource)
    except ChecksumError as e:
        raise ChecksumError(f"The file downloaded from {url} is not the expected data: {e}"
                            ) from None


def fetch(resource, root=None):
    """Path of `resource` in the cache, downloading it when missing; verified either way.

    Raises:
        DatasetUnavailableError: not cached and the download failed (offline, ...).
        ChecksumError: the cached file is corrupt and could not be replaced, or the
            download did not verify.
    """
    target = resource.path(root)
    env = ENV_VAR
    if target.exists():
        try:
            check(resource, target)
            return target
        except ChecksumError as e:
            corrupt = e
    else:
        corrupt = None
    if resource.url is None:
        if corrupt:
            raise ChecksumError(f"Cached file is corrupt: {corrupt} Delete it and seed the cache "
                                f"again. {SEED_HINT.format(env=env)}")
        raise DatasetUnavailableError(f"{target} is not in the cache. {SEED_HINT.format(env=env)}")
    try:
        download(resource.url, target, resource)
    except (urllib.error.URLError, OSError) as e:
        if corrupt:
            raise ChecksumError(
                f"Cached file is corrupt: {corrupt} A fresh copy could not be downloaded from "
                f"{resource.url} ({e}). Delete {target} and seed the cache. "
                f"{SEED_HINT.format(env=env)}") from None
        raise DatasetUnavailableError(
            f"Could not download {resource.url} to {target} ({e}); the data is not cached "
            f"either (cache folder: {target.parent}). {SEED_HINT.format(env=env)}") from None
    if corrupt:
        warnings.warn(f"Replaced a corrupt cached file by a fresh download: {corrupt}")
    return target


def copy_verified(source, resource, root=None):
    """Copy a local file into the cache as `resource` (verified, atomic); returns the path.

    A valid cached copy is kept as is.
    """
    target = resource.path(root)
    check(resource, source)
    if target.exists():
        try:
            check(resource, target)
            return target
        except ChecksumError:
            pass
    with open(source, "rb") as src:
        return _write_atomically(target, lambda out: shutil.copyfileobj(src, out), resource)

"""`get_file`: a file from a URL, kept in a local cache and checked against a hash.

The cache folder is `cache_dir/cache_subdir`, with `cache_dir` defaulting to
`$LAMINA_HOME` or `~/.lamina`. A file already in Keras's own cache (`$KERAS_HOME` or
`~/.keras`, same subfolder and name) is used as is when it passes the hash check, so
weights a Keras installation downloaded before need no second download.
"""

import hashlib
import shutil
import os
import tarfile
import urllib.error
import urllib.parse
import warnings
import zipfile
from pathlib import Path

from lamina.datasets import cache


class DownloadError(OSError):
    """The file is not cached and could not be downloaded (offline, bad URL, ...)."""


def lamina_home():
    return Path(os.environ.get("LAMINA_HOME") or "~/.lamina").expanduser()


def _keras_home():
    return Path(os.environ.get("KERAS_HOME") or "~/.keras").expanduser()


def hash_file(path, algorithm="sha256", chunk_size=1 << 20):
    """Hex digest of a file: algorithm "sha256" or "md5"."""
    digest = hashlib.new(algorithm)
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(chunk_size), b""):
            digest.update(block)
    return digest.hexdigest()


def _algorithm(file_hash, hash_algorithm):
    if hash_algorithm not in ("auto", "sha256", "md5"):
        raise ValueError(f"get_file: hash_algorithm must be 'auto', 'sha256' or 'md5'. "
                         f"Received: hash_algorithm={hash_algorithm!r}")
    if hash_algorithm == "auto":
        return "sha256" if len(file_hash) == 64 else "md5"
    return hash_algorithm


def validate_file(fpath, file_hash, algorithm="auto"):
    """Whether the file's hash equals `file_hash` (sha256 for 64 hex digits, else md5)."""
    return hash_file(fpath, _algorithm(file_hash, algorithm)) == str(file_hash)


_ARCHIVE_SUFFIXES = (".tar.gz", ".tgz", ".tar.bz2", ".tar.xz", ".tar", ".zip")


def _extract(archive, target, archive_format):
    """Extract `archive` into the folder `target` (no paths outside it); True on success."""
    formats = {"auto": ("tar", "zip"), "tar": ("tar",), "zip": ("zip",)}
    if archive_format is None:
        return False
    if archive_format not in formats:
        raise ValueError(f"get_file: archive_format must be 'auto', 'tar', 'zip' or None. "
                         f"Received: archive_format={archive_format!r}")
    target = Path(target)
    for kind in formats[archive_format]:
        if kind == "tar" and tarfile.is_tarfile(archive):
            with tarfile.open(archive) as tar:
                tar.extractall(target, filter="data")
            return True
        if kind == "zip" and zipfile.is_zipfile(archive):
            with zipfile.ZipFile(archive) as z:
                root = target.resolve()
                for member in z.namelist():
                    if not (root / member).resolve().is_relative_to(root):
                        raise ValueError(f"get_file: {archive} holds a path outside its "
                                         f"folder: {member!r}.")
                z.extractall(target)
            return True
    return False


def get_file(fname=None, origin=None, untar=False, md5_hash=None, file_hash=None,
             cache_subdir="datasets", hash_algorithm="auto", extract=False,
             archive_format="auto", cache_dir=None, force_download=False):
    """Download `origin` into the cache unless a valid copy is there; returns its path.

    Args:
        fname: file name in the cache; default the last part of `origin`'s path.
        origin: URL of the file.
        file_hash / md5_hash: expected hash (sha256 or md5 hex digest); a cached file that
            does not match is downloaded again, a download that does not match raises.
        cache_subdir: subfolder of `cache_dir` ("datasets"); an absolute path is used as is.
        extract / untar: also extract the archive (tar or zip) into `<name>_extracted/`
            beside it and return that folder.
        cache_dir: default `$LAMINA_HOME` or `~/.lamina`.
        force_download: download even when a valid copy is cached.

    Raises:
        DownloadError (an OSError): not cached and the download failed (e.g. offline).
        ValueError: the downloaded file does not match `file_hash`.
    """
    if origin is None:
        raise ValueError('get_file: please specify the "origin" argument (URL of the file '
                         'to download).')
    if fname is None:
        fname = os.path.basename(urllib.parse.urlparse(origin).path)
        if not fname:
            raise ValueError(f"get_file: cannot tell a file name from origin={origin!r}; "
                             "pass `fname`.")
    file_hash = file_hash or md5_hash
    algorithm = _algorithm(file_hash, hash_algorithm) if file_hash else None
    cache_dir = Path(cache_dir).expanduser() if cache_dir else lamina_home()
    datadir = cache_dir / cache_subdir
    datadir.mkdir(parents=True, exist_ok=True)
    fpath = datadir / fname
    extract = extract or untar
    if untar and archive_format == "auto":
        archive_format = "tar"

    def valid(path):
        return path.exists() and (not file_hash or validate_file(path, file_hash, algorithm))

    if not force_download and not fpath.exists():
        keras_copy = _keras_home() / cache_subdir / fname
        if keras_copy.exists() and valid(keras_copy):
            fpath = keras_copy
    download = force_download or not fpath.exists()
    if not download and file_hash and not validate_file(fpath, file_hash, algorithm):
        warnings.warn(f"{fpath} does not match the expected {algorithm} hash {file_hash}; "
                      "downloading it again.", stacklevel=2)
        download = True
    if download:
        fpath = datadir / fname
        try:
            cache._write_atomically(fpath, lambda out: _copy_url(origin, out))
        except (urllib.error.URLError, OSError, ValueError) as e:
            raise DownloadError(
                f"Could not download {origin} ({e}), and {fpath} is not cached. If this "
                f"machine is offline, download the file on another one and copy it to "
                f"{fpath}" + (f" (its {algorithm} hash must be {file_hash})." if file_hash
                              else ".")) from None
        if file_hash and not validate_file(fpath, file_hash, algorithm):
            got = hash_file(fpath, algorithm)
            fpath.unlink()
            raise ValueError(f"get_file: the file downloaded from {origin} is incomplete or "
                             f"corrupted: its {algorithm} hash is {got}, expected {file_hash}.")
    if extract:
        stem = fname
        for suffix in _ARCHIVE_SUFFIXES:
            if stem.endswith(suffix):
                stem = stem[:-len(suffix)]
                break
        target = datadir / f"{stem}_extracted"
        if download or not target.exists():
            if not _extract(fpath, target, archive_format):
                raise ValueError(f"get_file: {fpath} is not a {archive_format} archive "
                                 "(extract=True).")
        return str(target)
    return str(fpath)


def _copy_url(origin, out):
    with cache._open_url(origin) as response:
        shutil.copyfileobj(response, out)

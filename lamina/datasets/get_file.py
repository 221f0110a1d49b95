"""`get_file`: a file from a URL, kept in a local cache and checked against a hash. The
one implementation: `lamina.utils.get_file` (Keras's public `keras.utils.get_file`) is this
function, which the dataset loaders and the application builders use too. It lives beside
the datasets' cache it writes through, so `lamina.utils` and `lamina.datasets` both import
it without a cycle.

The cache folder is `cache_dir/cache_subdir`, with `cache_dir` defaulting to
`$LAMINA_HOME` or `~/.lamina` (for cache_subdir="datasets", `$LAMINA_DATA_DIR` wins when
set: the datasets' own cache). A file already in Keras's own cache (`$KERAS_HOME` or
`~/.keras`, same subfolder and name) is used as is when it passes the hash check, so
weights a Keras installation downloaded before need no second download. Archives are
extracted with Keras's layout: a named "name.tar.gz" into "name_extracted/", a name
without a dot into "name/" (the archive saved as "name_archive").
"""

import os
import shutil
import urllib.error
import urllib.parse
import warnings
from pathlib import Path

from lamina.datasets import cache
from lamina.datasets.cache import DatasetUnavailableError


class DownloadError(DatasetUnavailableError):
    """The file is not cached and could not be downloaded (offline, bad URL, ...); an
    OSError."""


def lamina_home():
    return Path(os.environ.get("LAMINA_HOME") or "~/.lamina").expanduser()


def _keras_home():
    return Path(os.environ.get("KERAS_HOME") or "~/.keras").expanduser()


def _cache_folder(cache_dir, cache_subdir):
    if cache_dir is not None:
        return Path(cache_dir).expanduser() / cache_subdir
    if cache_subdir == "datasets" and os.environ.get(cache.ENV_VAR):
        return cache.data_dir()
    return lamina_home() / cache_subdir


def hash_file(path, algorithm="sha256", chunk_size=1 << 20):
    """Hex digest of a file: algorithm "sha256" or "md5"."""
    return cache.sha256_file(path, chunk_size, algorithm)


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


def _inside(root, name):
    target = os.path.realpath(os.path.join(root, name))
    return target == os.path.realpath(root) or target.startswith(os.path.realpath(root) + os.sep)


def extract_archive(path, target, archive_format="auto"):
    """Extract the tar or zip archive `path` into the folder `target`; members that would
    land outside it, links and special files are refused. True if it was such an archive.
    archive_format: "auto" (tar, then zip), "tar", "zip", a list of those, or None."""
    import tarfile  # only when extracting: keeps `import lamina` light
    import zipfile

    if archive_format == "auto":
        formats = ["tar", "zip"]
    elif isinstance(archive_format, str):
        formats = [archive_format]
    else:
        formats = list(archive_format or [])
    if any(kind not in ("tar", "zip") for kind in formats):
        raise ValueError(f"get_file: archive_format must be 'auto', 'tar', 'zip', a list of "
                         f"them or None. Received: archive_format={archive_format!r}")
    for kind in formats:
        if kind == "tar" and tarfile.is_tarfile(path):
            with tarfile.open(path) as archive:
                for member in archive.getmembers():
                    if not _inside(target, member.name) or not (member.isfile() or
                                                                 member.isdir()):
                        raise ValueError(f"get_file: refusing the archive member "
                                         f"{member.name!r} of {path} (outside the folder, a "
                                         "link or a special file).")
                archive.extractall(target, filter="data")
            return True
        if kind == "zip" and zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as archive:
                for name in archive.namelist():
                    if not _inside(target, name):
                        raise ValueError(f"get_file: refusing the archive member {name!r} "
                                         f"of {path} (outside the folder).")
                archive.extractall(target)
            return True
    return False


def _names(fname, origin, extracting):
    """(file name in the cache, extraction folder name or None), Keras's layout."""
    if not fname:
        fname = os.path.basename(urllib.parse.urlsplit(origin).path)
        if not fname:
            raise ValueError(f"get_file: cannot tell a file name from origin={origin!r}; "
                             "pass `fname`.")
        return (f"{fname}_archive", fname) if extracting else (fname, None)
    fname = os.fspath(fname)
    if os.sep in fname or (os.altsep and os.altsep in fname):
        raise ValueError(f"get_file: `fname` must be a file name, not a path (use "
                         f"`cache_dir`). Received: fname={fname!r}")
    if not extracting:
        return fname, None
    if "." in fname:
        return fname, f"{fname[:fname.find('.')]}_extracted"
    return f"{fname}_archive", fname


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
        extract / untar: also extract the archive (tar or zip; `untar`: tar only) and
            return the folder (Keras's layout, see the module docstring).
        cache_dir: default `$LAMINA_HOME` or `~/.lamina`.
        force_download: download even when a valid copy is cached.

    Raises:
        DownloadError (an OSError): not cached and the download failed (e.g. offline).
        ValueError: the downloaded file does not match `file_hash`; a bad argument.
    """
    if origin is None:
        raise ValueError('get_file: please specify the "origin" argument (URL of the file '
                         'to download).')
    if file_hash is None and md5_hash is not None:
        file_hash, hash_algorithm = md5_hash, "md5"
    algorithm = _algorithm(file_hash, hash_algorithm) if file_hash else None
    extracting = extract or untar
    if untar and not extract and archive_format == "auto":
        archive_format = "tar"
    name, extraction = _names(fname, origin, extracting)
    datadir = _cache_folder(cache_dir, cache_subdir)
    datadir.mkdir(parents=True, exist_ok=True)
    fpath = datadir / name

    def valid(path):
        return path.exists() and (not file_hash or validate_file(path, file_hash, algorithm))

    if not force_download and not fpath.exists():
        keras_copy = _keras_home() / cache_subdir / name
        if keras_copy.exists() and valid(keras_copy):
            fpath = keras_copy
    download = force_download or not fpath.exists()
    if not download and file_hash and not validate_file(fpath, file_hash, algorithm):
        warnings.warn(f"{fpath} does not match the expected {algorithm} hash {file_hash}; "
                      "downloading it again.", stacklevel=2)
        download = True
    if download:
        fpath = datadir / name
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
    if extraction is None:
        return str(fpath)
    target = datadir / extraction
    if download or not target.exists():
        if not extract_archive(str(fpath), str(target), archive_format):
            raise ValueError(f"get_file: {fpath} is not a {archive_format} archive "
                             "(extract=True).")
    return str(target)


def _copy_url(origin, out):
    with cache._open_url(origin) as response:
        shutil.copyfileobj(response, out)

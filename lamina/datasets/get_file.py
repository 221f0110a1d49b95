"""get_file: download a file into lamina's dataset cache (verified), and optionally
extract an archive, with Keras's `keras.utils.get_file` arguments and layout."""

import os
import re
import urllib.error
import urllib.parse
from pathlib import Path

from lamina.datasets.cache import (
    DatasetUnavailableError, Resource, data_dir, download, fetch)


def _cache_folder(cache_dir, cache_subdir):
    if cache_dir is not None:
        return Path(cache_dir).expanduser() / cache_subdir
    if cache_subdir == "datasets":
        return data_dir()  # $LAMINA_DATA_DIR or ~/.lamina/datasets
    return data_dir().parent / cache_subdir


def _resource(fname, origin, file_hash, hash_algorithm):
    if file_hash is None:
        return Resource(fname, url=origin, file_sha256=(), file_md5=())
    if hash_algorithm == "auto":
        hash_algorithm = "sha256" if len(file_hash) == 64 else "md5"
    if hash_algorithm not in ("sha256", "md5"):
        raise ValueError(f"get_file: hash_algorithm must be 'auto', 'sha256' or 'md5'; got "
                         f"{hash_algorithm!r}.")
    if hash_algorithm == "md5":
        return Resource(fname, url=origin, file_md5=(file_hash,))
    return Resource(fname, url=origin, file_sha256=(file_hash,))


def _download_unverified(origin, target):
    try:
        return download(origin, target, None)
    except (urllib.error.URLError, OSError) as e:
        raise DatasetUnavailableError(f"Could not download {origin} to {target} ({e}) and it "
                                      "is not cached.") from None


def _inside(root, name):
    target = os.path.realpath(os.path.join(root, name))
    return target == os.path.realpath(root) or target.startswith(os.path.realpath(root) + os.sep)


def extract_archive(path, target, archive_format="auto"):
    """Extract the tar or zip archive `path` into `target`; members that would land
    outside it, links and special files are refused. Returns True if extracted."""
    import tarfile  # only when extracting: keeps `import lamina` light
    import zipfile

    formats = ["tar", "zip"] if archive_format == "auto" else \
        [archive_format] if isinstance(archive_format, str) else list(archive_format or [])
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


def get_file(fname=None, origin=None, untar=False, md5_hash=None, file_hash=None,
             cache_subdir="datasets", hash_algorithm="auto", extract=False,
             archive_format="auto", cache_dir=None, force_download=False):
    """The local path of the file at `origin`, downloaded into the cache when missing
    (or when force_download) and verified with `file_hash` (sha256 or md5; `md5_hash`
    is the older name). With `extract` (or `untar`), the archive is extracted and the
    folder's path returned. cache_dir: default lamina's cache (`$LAMINA_DATA_DIR` or
    `~/.lamina/datasets` for cache_subdir="datasets"). Offline with nothing cached:
    `DatasetUnavailableError`."""
    if origin is None:
        raise ValueError('get_file: please specify the "origin" argument (the URL).')
    if not fname:
        fname = os.path.basename(urllib.parse.urlsplit(origin).path)
        if not fname:
            raise ValueError(f"get_file: cannot name the file of {origin!r}; pass `fname`.")
    fname = os.fspath(fname)
    if os.sep in fname or (os.altsep and os.altsep in fname):
        raise ValueError(f"get_file: `fname` must be a file name, not a path (use "
                         f"`cache_dir`); got {fname!r}.")
    if file_hash is None:
        file_hash = md5_hash
    if file_hash is not None and not re.fullmatch(r"[0-9a-fA-F]{32}|[0-9a-fA-F]{64}",
                                                   file_hash):
        raise ValueError(f"get_file: `file_hash` must be an md5 or sha256 hex digest; got "
                         f"{file_hash!r}.")
    folder = _cache_folder(cache_dir, cache_subdir)
    extracting = extract or untar
    name, extraction = fname, None
    if extracting:
        if "." in fname:  # Keras's layout for a named archive
            extraction = folder / f"{fname[:fname.find('.')]}_extracted"
        else:
            extraction, name = folder / fname, f"{fname}_archive"
    resource = _resource(name, origin, file_hash, hash_algorithm)
    target = resource.path(folder)
    if force_download and target.exists():
        target.unlink()
    if file_hash is None:  # nothing to verify against (as Keras)
        path = target if target.exists() else _download_unverified(origin, target)
    else:
        path = fetch(resource, folder)
    if not extracting:
        return str(path)
    if force_download or not extraction.exists():
        if not extract_archive(str(path), str(extraction),
                               "tar" if untar and not extract else archive_format):
            raise ValueError(f"get_file: {path} is not a {archive_format} archive.")
    return str(extraction)

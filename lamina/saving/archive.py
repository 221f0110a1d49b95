"""The `.keras` archive: a zip holding `metadata.json`, `config.json` and `model.weights.h5`.

Reading checks the archive before trusting it: every entry name must be a plain relative
path (no absolute paths, `..`, backslashes or drive letters), no name may repeat, and each
entry's declared size must fit a limit (a zip bomb is refused before it is inflated).
Entries are read into memory, never extracted; zip CRCs catch corrupted bytes.
"""

import binascii
import datetime
import json
import os
import shutil
import struct
import tempfile
import zipfile
import zlib

from lamina.core.serialization.errors import InvalidFileError, UnsafeContentError

CONFIG = "config.json"
METADATA = "metadata.json"
WEIGHTS = "model.weights.h5"
ASSETS = "assets/"

# Limits on what reading will inflate (module attributes, so a caller may change them).
MAX_JSON_BYTES = 64 * 2**20
MAX_WEIGHTS_BYTES = 64 * 2**30
MAX_COMPRESSION_RATIO = 1000  # for compressed entries larger than 1 MiB
# Model weights compress little (float noise): a large entry that shrank this much is a bomb.
LARGE_ENTRY_BYTES = 64 * 2**20
MAX_LARGE_ENTRY_RATIO = 20
# What the entries may inflate to together, as a fraction of the memory available now.
MAX_MEMORY_FRACTION = 1.0
READ_CHUNK = 4 * 2**20

HDF5_MAGIC = b"\x89HDF\r\n\x1a\n"
ZIP_MAGIC = b"PK"

# Everything the zip and zlib modules raise for malformed input (RuntimeError also covers
# the error zipfile raises for an unknown compression method).
_ZIP_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, struct.error,
               zlib.error, RuntimeError, ValueError, OverflowError,
               UnicodeDecodeError, binascii.Error, IndexError, KeyError, TypeError)


def describe(source):
    return repr(os.fspath(source)) if isinstance(source, (str, os.PathLike)) else "the file object"


def sniff(source):
    """The first 8 bytes of a path or seekable file object (b"" if unreadable)."""
    try:
        if isinstance(source, (str, os.PathLike)):
            with open(source, "rb") as f:
                return f.read(8)
        pos = source.tell()
        head = source.read(8)
        source.seek(pos)
        return head
    except (OSError, AttributeError, ValueError):
        return b""


def check_entry_name(name):
    """Refuse entry names that could point outside an extraction folder."""
    bad = (not name or name.startswith(("/", "\\")) or "\\" in name or "\x00" in name
           or (len(name) > 1 and name[1] == ":")
           or any(part == ".." for part in name.split("/")))
    if bad:
        raise UnsafeContentError(
            f"Refusing the archive: it has an entry named {name!r}, an absolute path or one "
            "that leaves the archive's folder ('..'). A .keras file never contains such names.")


def _check_sizes(info, where):
    limit = MAX_WEIGHTS_BYTES if info.filename == WEIGHTS else MAX_JSON_BYTES
    if info.file_size > limit:
        raise UnsafeContentError(
            f"Refusing {where}: entry {info.filename!r} declares {info.file_size} bytes "
            f"uncompressed, more than the {limit}-byte limit (a zip bomb or a damaged archive). "
            "Raise lamina.saving.archive.MAX_WEIGHTS_BYTES / MAX_JSON_BYTES if you trust it.")
    if info.compress_type != zipfile.ZIP_STORED and info.file_size > 2**20:
        ratio = info.file_size / max(info.compress_size, 1)
        large = info.file_size > LARGE_ENTRY_BYTES
        if ratio > MAX_COMPRESSION_RATIO or (large and ratio > MAX_LARGE_ENTRY_RATIO):
            knob = "MAX_LARGE_ENTRY_RATIO" if large else "MAX_COMPRESSION_RATIO"
            raise UnsafeContentError(
                f"Refusing {where}: entry {info.filename!r} would inflate {ratio:.0f}-fold "
                f"({info.compress_size} -> {info.file_size} bytes), the mark of a zip bomb "
                f"(raise lamina.saving.archive.{knob} if you trust it).")


def _check_memory(infos, where):
    """The entries' declared sizes together must fit in the memory available now."""
    total = sum(info.file_size for info in infos)
    budget = int(available_memory() * MAX_MEMORY_FRACTION)
    if total > budget:
        raise UnsafeContentError(
            f"Refusing {where}: its entries declare {total} bytes uncompressed, more than the "
            f"{budget} bytes of memory available to read them (lamina.saving.archive."
            "MAX_MEMORY_FRACTION of the available memory).")


def available_memory():
    """Bytes of memory available now (physical pages not in use), or a large number where
    the system does not say."""
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return 2**63


def _read_entry(zf, info, where):
    """An entry's bytes, read in chunks and never past its declared size."""
    out = bytearray()
    with zf.open(info) as src:
        while True:
            chunk = src.read(min(READ_CHUNK, info.file_size + 1 - len(out)))
            if not chunk:
                break
            out += chunk
            if len(out) > info.file_size:
                raise UnsafeContentError(
                    f"Refusing {where}: entry {info.filename!r} inflates past the "
                    f"{info.file_size} bytes it declares.")
    return bytes(out)


def _parse_json(data, name, where):
    try:
        value = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as e:
        raise InvalidFileError(f"{where}: {name} is not valid JSON ({e}).") from None
    if not isinstance(value, dict):
        raise InvalidFileError(f"{where}: {name} must hold a JSON object, got "
                               f"{type(value).__name__}.")
    return value


def wrong_format_message(head, where):
    if head.startswith(HDF5_MAGIC):
        return (f"{where} is an HDF5 file, not a .keras zip archive. A `.weights.h5` file is "
                "loaded with `model.load_weights(path)`; legacy Keras 2 `.h5` models are not "
                "supported.")
    if head[:1] in (b"{", b"["):
        return f"{where} is a JSON file, not a .keras zip archive."
    if not head:
        return f"{where} is empty, not a .keras zip archive."
    return f"{where} is not a .keras zip archive (it does not start with a zip header)."


def read_archive(source):
    """`(config, metadata, weights_bytes)` from a .keras path or binary file object."""
    where = describe(source)
    if isinstance(source, (str, os.PathLike)) and not os.path.isfile(source):
        raise InvalidFileError(f"File not found: {where} (or it is not a regular file).")
    head = sniff(source)
    if not head.startswith(ZIP_MAGIC):
        raise InvalidFileError(wrong_format_message(head, where))
    try:
        with zipfile.ZipFile(source, "r") as zf:
            infos = zf.infolist()
            seen = set()
            for info in infos:
                check_entry_name(info.filename)
                if info.filename in seen:
                    raise InvalidFileError(
                        f"{where}: the archive lists {info.filename!r} twice.")
                seen.add(info.filename)
            by_name = {info.filename: info for info in infos}
            missing = [n for n in (CONFIG, WEIGHTS) if n not in by_name]
            if missing:
                raise InvalidFileError(
                    f"{where} is not a complete .keras archive: it has no {' or '.join(missing)} "
                    f"(entries: {sorted(by_name)}).")
            wanted = [by_name[n] for n in (METADATA, CONFIG, WEIGHTS) if n in by_name]
            for info in wanted:
                if info.flag_bits & 0x1:
                    raise InvalidFileError(f"{where}: entry {info.filename!r} is encrypted.")
                _check_sizes(info, where)
            _check_memory(wanted, where)
            out = {info.filename: _read_entry(zf, info, where) for info in wanted}
    except (InvalidFileError, UnsafeContentError):
        raise
    except _ZIP_ERRORS as e:
        raise InvalidFileError(
            f"{where} is a damaged or truncated .keras archive: {type(e).__name__}: {e}") from None
    config = _parse_json(out[CONFIG], CONFIG, where)
    metadata = _parse_json(out[METADATA], METADATA, where) if METADATA in out else {}
    return config, metadata, out[WEIGHTS]


def read_assets(source):
    """{entry name: bytes} of the archive's `assets/` entries (vocabulary files...), with
    the same name and size checks as the other entries."""
    out = {}
    with zipfile.ZipFile(source, "r") as zf:
        for info in zf.infolist():
            if info.filename.startswith(ASSETS) and not info.is_dir():
                check_entry_name(info.filename)
                _check_sizes(info, describe(source))
                out[info.filename] = zf.read(info)
    return out


def write_archive(fileobj, config, metadata, write_weights, assets=None):
    """Write a .keras archive to a binary file object; `write_weights(f)` writes the HDF5
    weights into a seekable binary file `f`; `assets` maps `assets/...` entry names to
    bytes. Entries are stored uncompressed, like Keras."""
    with zipfile.ZipFile(fileobj, "w", compression=zipfile.ZIP_STORED) as zf:
        zf.writestr(zipfile.ZipInfo(METADATA), json.dumps(metadata))
        zf.writestr(zipfile.ZipInfo(CONFIG), json.dumps(config))
        with tempfile.TemporaryFile() as tmp:
            write_weights(tmp)
            tmp.seek(0, os.SEEK_END)
            size = tmp.tell()
            tmp.seek(0)
            info = zipfile.ZipInfo(WEIGHTS, date_time=datetime.datetime.now().timetuple()[:6])
            info.file_size = size
            with zf.open(info, "w", force_zip64=size > 2**31) as dst:
                shutil.copyfileobj(tmp, dst, 2**22)
        for name, data in (assets or {}).items():
            zf.writestr(zipfile.ZipInfo(name, date_time=info.date_time), data)

"""Hostile files are refused with a clear ValueError, and nothing in them runs or is
written: Lambda bytecode, configs naming os.system or other modules' classes, zip path
traversal, zip bombs, HDF5 links and external storage, oversized datasets."""

import base64
import json
import marshal
import os
import struct
import time
import zipfile

import h5py
import numpy as np
import pytest
from .saving_models import ticket_model

import lamina as keras
from lamina import layers
from lamina.saving import InvalidFileError, UnknownObjectError, UnsafeContentError


@pytest.fixture
def plain_file(tmp_path):
    inputs = keras.Input((3,))
    model = keras.Model(inputs, layers.Dense(2, name="out")(layers.Dense(4)(inputs)))
    path = tmp_path / "plain.keras"
    model.save(path)
    return path


def entries(path):
    with zipfile.ZipFile(path) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def write_zip(path, items, compression=zipfile.ZIP_STORED):
    with zipfile.ZipFile(path, "w", compression=compression) as zf:
        for name, data in items:
            zf.writestr(zipfile.ZipInfo(name), data, compress_type=compression)
    return path


def with_config(src, dst, edit):
    files = entries(src)
    config = json.loads(files["config.json"])
    edit(config)
    files["config.json"] = json.dumps(config).encode()
    return write_zip(dst, files.items())


def load(path, **kwargs):
    return keras.models.load_model(path, **kwargs)


def test_lambda_bytecode_is_refused_and_never_runs(plain_file, tmp_path):
    marker = tmp_path / "pwned"
    evil = eval(f"lambda x: (open({str(marker)!r}, 'w').write('pwned'), x)[1]")  # never called
    code = base64.b64encode(marshal.dumps(evil.__code__)).decode()

    def edit(config):
        layer = config["config"]["layers"][1]
        layer["class_name"], layer["module"] = "Lambda", "keras.layers"
        layer["config"] = {"name": layer["config"]["name"], "arguments": {},
                           "function": {"class_name": "__lambda__",
                                        "config": {"code": code, "defaults": None,
                                                   "closure": None}}}

    path = with_config(plain_file, tmp_path / "lambda.keras", edit)
    with pytest.raises(UnsafeContentError, match="bytecode.*safe_mode=False"):
        load(path)
    assert not marker.exists()


@pytest.mark.parametrize("module,name,config", [
    ("os", "system", {"command": "touch {marker}"}),
    ("subprocess", "Popen", {"args": ["touch", "{marker}"]}),
    ("builtins", "eval", {"source": "open('{marker}', 'w')"}),
    ("collections", "OrderedDict", {}),
    ("keras.layers", "__import__", {"name": "os"}),
    ("keras.models", "load_model", {"filepath": "{marker}"}),
    ("keras.callbacks", "CSVLogger", {"filename": "{marker}"}),
    (None, "NotRegistered", {}),
])
def test_classes_from_other_modules_are_refused(plain_file, tmp_path, module, name, config):
    marker = tmp_path / "pwned"
    config = json.loads(json.dumps(config).replace("{marker}", str(marker)))

    def edit(cfg):
        layer = cfg["config"]["layers"][1]
        layer.update({"module": module, "class_name": name, "config": config,
                      "registered_name": name})

    path = with_config(plain_file, tmp_path / "evil.keras", edit)
    with pytest.raises(ValueError, match="register_keras_serializable|Unsupported") as info:
        load(path, safe_mode=False)
    assert isinstance(info.value, (UnknownObjectError, UnsafeContentError)), info.value
    assert not marker.exists()


def test_function_named_os_system_is_refused(plain_file, tmp_path):
    def edit(cfg):
        cfg["config"]["layers"][1]["config"]["activation"] = {
            "module": "os", "class_name": "function", "config": "system",
            "registered_name": "system"}

    with pytest.raises(UnknownObjectError, match="'system' from module 'os'"):
        load(with_config(plain_file, tmp_path / "fn.keras", edit))


@pytest.mark.parametrize("name", ["../evil.txt", "/tmp/evil.txt", "a/../../evil.txt",
                                  "..\\evil.txt", "C:/evil.txt"])
def test_zip_path_traversal_is_refused(plain_file, tmp_path, name):
    files = entries(plain_file)
    path = write_zip(tmp_path / "trav.keras", list(files.items()) + [(name, b"evil")])
    before = set(os.listdir(tmp_path)) | set(os.listdir(tmp_path.parent))
    with pytest.raises(UnsafeContentError, match="leaves the archive"):
        load(path)
    with pytest.raises(UnsafeContentError):
        keras.Model.load_weights(load(plain_file), path)
    assert set(os.listdir(tmp_path)) | set(os.listdir(tmp_path.parent)) == before
    assert not os.path.exists("/tmp/evil.txt")


def test_zip_bomb_entry_is_refused_before_inflating(plain_file, tmp_path):
    files = entries(plain_file)
    bomb = b"{" + b" " * (200 * 2**20) + b"}"  # 200 MiB of JSON whitespace, deflates ~1000x
    items = [(n, bomb if n == "config.json" else d) for n, d in files.items()]
    path = write_zip(tmp_path / "bomb.keras", items, zipfile.ZIP_DEFLATED)
    assert path.stat().st_size < 2**20
    start = time.perf_counter()
    with pytest.raises(UnsafeContentError, match="zip bomb"):
        load(path)
    assert time.perf_counter() - start < 2


def test_forged_entry_size_is_refused(plain_file, tmp_path):
    """An entry whose directory record claims 4 GiB from 100 compressed bytes is refused
    without reading it."""
    data = bytearray(plain_file.read_bytes())
    offsets = [i for i in range(len(data)) if data.startswith(b"PK\x01\x02", i)]
    for off in offsets:
        name_len = struct.unpack_from("<H", data, off + 28)[0]
        if bytes(data[off + 46:off + 46 + name_len]) == b"model.weights.h5":
            struct.pack_into("<I", data, off + 24, 0xFFFFFFF0)  # uncompressed size
            struct.pack_into("<I", data, off + 20, 100)  # compressed size
            struct.pack_into("<H", data, off + 10, zipfile.ZIP_DEFLATED)
    path = tmp_path / "forged.keras"
    path.write_bytes(bytes(data))
    with pytest.raises(ValueError, match="zip bomb|damaged"):
        load(path)


def _h5_with(tmp_path, build):
    path = tmp_path / "w.weights.h5"
    with h5py.File(path, "w") as f:
        build(f)
    return path


def _layout(f, model):
    from lamina.saving.object_paths import saveable_paths

    for path, obj in saveable_paths(model):
        f.create_group(f"{path}/vars" if path else "vars")


@pytest.mark.parametrize("trick", ["external_link", "soft_link", "external_storage",
                                   "huge_shape", "string_data"])
def test_hostile_hdf5_weights(tmp_path, trick):
    model = ticket_model()
    secret = tmp_path / "secret.bin"
    np.zeros(1000, "float32").tofile(secret)

    def build(f):
        _layout(f, model)
        group = f["layers/dense/vars"]
        if trick == "external_link":
            del f["layers/dense"]
            f["layers/dense"] = h5py.ExternalLink(str(tmp_path / "other.h5"), "/x")
        elif trick == "soft_link":
            del f["layers/dense"]
            f["layers/dense"] = h5py.SoftLink("/layers/dense_1")
        elif trick == "external_storage":
            group.create_dataset("0", shape=(88, 64), dtype="float32",
                                 external=[(str(secret), 0, h5py.h5f.UNLIMITED)])
            group.create_dataset("1", data=np.zeros(64, "float32"))
        elif trick == "huge_shape":
            group.create_dataset("0", shape=(2**20, 2**20), dtype="float32", chunks=(1, 1024))
            group.create_dataset("1", data=np.zeros(64, "float32"))
        else:
            group.create_dataset("0", data=np.array([b"x"] * 4))
            group.create_dataset("1", data=np.zeros(64, "float32"))

    path = _h5_with(tmp_path, build)
    before = model.get_weights()
    start = time.perf_counter()
    with pytest.raises(ValueError) as info:
        model.load_weights(path)
    assert time.perf_counter() - start < 5
    assert type(info.value).__module__ == "lamina.core.serialization.errors", repr(info.value)
    for a, b in zip(before, model.get_weights()):
        np.testing.assert_array_equal(a, b)


def test_wrong_formats_say_what_is_wrong(tmp_path, plain_file):
    cases = {
        "empty.keras": b"",
        "text.keras": b"hello, this is not a model",
        "json.keras": b'{"class_name": "Sequential"}',
        "trunc.keras": plain_file.read_bytes()[: len(plain_file.read_bytes()) // 2],
    }
    messages = {"empty.keras": "empty", "text.keras": "not a .keras zip archive",
                "json.keras": "JSON file", "trunc.keras": "damaged or truncated"}
    for name, data in cases.items():
        (tmp_path / name).write_bytes(data)
        with pytest.raises(InvalidFileError, match=messages[name]):
            load(tmp_path / name)
    model = ticket_model()
    model.save_weights(tmp_path / "w.weights.h5")
    with pytest.raises(InvalidFileError, match="HDF5 file.*load_weights"):
        load(tmp_path / "w.weights.h5")
    with pytest.raises(InvalidFileError, match="File not found"):
        load(tmp_path / "missing.keras")
    files = entries(plain_file)
    del files["model.weights.h5"]
    write_zip(tmp_path / "noweights.keras", files.items())
    with pytest.raises(InvalidFileError, match="no model.weights.h5"):
        load(tmp_path / "noweights.keras")
    files = entries(plain_file)
    write_zip(tmp_path / "dup.keras", list(files.items()) + [("config.json", b"{}")])
    with pytest.raises(InvalidFileError, match="twice"):
        load(tmp_path / "dup.keras")


@pytest.mark.parametrize("depth", [200, 100000])
def test_deeply_nested_config(plain_file, tmp_path, depth):
    files = entries(plain_file)
    files["config.json"] = b'{"class_name": "Sequential", "config": ' + b"[" * depth + \
        b"]" * depth + b"}"
    path = write_zip(tmp_path / "deep.keras", files.items())
    with pytest.raises(InvalidFileError):
        load(path)

"""The `assets/` folder of a `.keras` archive: files a layer writes with
`save_assets(dir_path)` and reads back with `load_assets(dir_path)` (Keras 3's hooks; a
TextVectorization's adapted vocabulary is `assets/<layer path>/vocabulary.txt`)."""

import os
import tempfile

from lamina.saving.object_paths import saveable_paths


def collect_assets(model):
    """{"assets/<path>/<file>": bytes} of every object under `model` with save_assets."""
    out = {}
    for path, obj in saveable_paths(model):
        if not hasattr(obj, "save_assets"):
            continue
        with tempfile.TemporaryDirectory() as folder:
            obj.save_assets(folder)
            for root, _, files in os.walk(folder):
                for name in sorted(files):
                    full = os.path.join(root, name)
                    relative = os.path.relpath(full, folder).replace(os.sep, "/")
                    with open(full, "rb") as f:
                        out[f"assets/{path}/{relative}"] = f.read()
    return out


def restore_assets(model, entries):
    """Hand each object with load_assets the files saved under its path (if any)."""
    for path, obj in saveable_paths(model):
        if not hasattr(obj, "load_assets"):
            continue
        prefix = f"assets/{path}/"
        mine = {k[len(prefix):]: v for k, v in entries.items() if k.startswith(prefix)}
        if not mine:
            continue
        with tempfile.TemporaryDirectory() as folder:
            for relative, data in mine.items():
                target = os.path.join(folder, *relative.split("/"))
                os.makedirs(os.path.dirname(target), exist_ok=True)
                with open(target, "wb") as f:
                    f.write(data)
            obj.load_assets(folder)

"""Zip bombs dressed as .keras files are refused before they are inflated: the loading
process grows by less than 200 MB (measured in a fresh process)."""

import subprocess
import sys
import textwrap
import zipfile

import numpy as np
import pytest

CHILD = textwrap.dedent("""
    import resource, sys
    import lamina as keras
    from lamina.saving import UnsafeContentError

    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    try:
        keras.models.load_model(sys.argv[1])
    except UnsafeContentError as err:
        grown = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
        print("REFUSED", round(grown), str(err).splitlines()[0])
    else:
        print("LOADED")
""")


def _bomb(path, declared_bytes, density):
    """A .keras-shaped zip whose weights entry inflates to `declared_bytes`: zeros with one
    random byte in `density` (the compression ratio grows with it)."""
    rng = np.random.default_rng(0)
    chunk = np.zeros(2**24, np.uint8)
    spots = rng.integers(0, chunk.size, chunk.size // density)
    chunk[spots] = rng.integers(0, 256, spots.size)
    data = chunk.tobytes()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        zf.writestr("metadata.json", '{"keras_version": "3.15.1"}')
        zf.writestr("config.json", '{"class_name": "Sequential", "config": {"layers": []}}')
        info = zipfile.ZipInfo("model.weights.h5")
        info.compress_type = zipfile.ZIP_DEFLATED
        with zf.open(info, "w", force_zip64=True) as dst:
            for _ in range(declared_bytes // len(data)):
                dst.write(data)
    with zipfile.ZipFile(path) as zf:
        entry = zf.getinfo("model.weights.h5")
        return entry.file_size / entry.compress_size


def _load_in_child(tmp_path, path):
    script = tmp_path / "child.py"
    script.write_text(CHILD)
    out = subprocess.run([sys.executable, str(script), str(path)], capture_output=True,
                         text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    return out.stdout.strip().splitlines()[-1]


@pytest.mark.parametrize("declared, density", [
    (2**29, 150),  # 512 MiB at ratio ~30
    pytest.param(2**32, 300, marks=pytest.mark.slow),  # 4 GiB at ratio ~50
])
def test_a_bomb_is_refused_without_inflating_it(tmp_path, declared, density):
    path = tmp_path / "bomb.keras"
    ratio = _bomb(path, declared, density)
    assert ratio > 20
    line = _load_in_child(tmp_path, path)
    assert line.startswith("REFUSED"), line
    grown_mb = int(line.split()[1])
    assert grown_mb < 200, line
    assert "zip bomb" in line and "model.weights.h5" in line

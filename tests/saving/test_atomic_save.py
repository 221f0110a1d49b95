"""A process killed (SIGKILL) in the middle of `model.save` or `model.save_weights` leaves
the previous file at that path intact."""

import os
import signal
import subprocess
import sys
import textwrap
import time

import numpy as np
import pytest

import lamina as keras
from lamina import layers

CHILD = textwrap.dedent("""
    import os, sys, time
    import numpy as np
    import lamina as keras
    from lamina import layers
    from lamina.saving import saving_api

    path, marker, mode = sys.argv[1], sys.argv[2], sys.argv[3]
    model = keras.Sequential([keras.Input((256,)), layers.Dense(2048), layers.Dense(512)])
    model.set_weights([np.full(w.shape, 7.0, w.dtype) for w in model.get_weights()])
    if mode == "pause":  # stop inside the save, after part of the new file is written
        real = saving_api.write_weights

        def write_weights(m, target):
            real(m, target)
            open(marker, "w").close()
            time.sleep(60)

        saving_api.write_weights = write_weights
    else:
        open(marker, "w").close()
    for _ in range(1000):
        if path.endswith(".keras"):
            model.save(path)
        else:
            model.save_weights(path)
""")


def _model():
    model = keras.Sequential([keras.Input((256,)), layers.Dense(2048), layers.Dense(512)])
    model.set_weights([np.full(w.shape, 1.0, w.dtype) for w in model.get_weights()])
    return model


def _run_and_kill(tmp_path, path, mode, delay=0.0):
    script = tmp_path / "child.py"
    script.write_text(CHILD)
    marker = tmp_path / f"marker-{time.monotonic_ns()}"
    env = dict(os.environ, JAX_PLATFORMS="cpu")
    child = subprocess.Popen([sys.executable, str(script), str(path), str(marker), mode],
                             env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 120
        while not marker.exists():
            assert child.poll() is None, child.stderr.read().decode()[-2000:]
            assert time.monotonic() < deadline, "child never reached the save"
            time.sleep(0.02)
        time.sleep(delay)
    finally:
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
        child.stderr.close()
    assert child.returncode == -signal.SIGKILL


def _values(path):
    model = _model()
    if str(path).endswith(".keras"):
        return {float(np.unique(w)[0]) for w in keras.models.load_model(path).get_weights()}
    model.load_weights(path)
    return {float(np.unique(w)[0]) for w in model.get_weights()}


@pytest.mark.parametrize("name", ["m.keras", "m.weights.h5"])
def test_kill_inside_save_keeps_previous_file(tmp_path, name):
    path = tmp_path / name
    model = _model()
    model.save(path) if name.endswith(".keras") else model.save_weights(path)
    before = path.read_bytes()
    _run_and_kill(tmp_path, path, "pause")
    assert path.read_bytes() == before
    assert _values(path) == {1.0}


@pytest.mark.slow
def test_kill_at_random_moments_never_leaves_a_broken_file(tmp_path):
    path = tmp_path / "m.keras"
    _model().save(path)
    rng = np.random.default_rng(0)
    seen = set()
    for _ in range(6):
        _run_and_kill(tmp_path, path, "loop", delay=float(rng.uniform(0.0, 1.5)))
        values = _values(path)  # always a complete file: the old one or a new one
        assert values in ({1.0}, {7.0})
        seen |= values
    assert 7.0 in seen  # some saves completed between kills


def _temporaries(folder):
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


@pytest.mark.parametrize("kills", [2, pytest.param(10, marks=pytest.mark.slow)])
def test_the_next_save_removes_what_killed_saves_left(tmp_path, kills):
    path = tmp_path / "m.keras"
    model = _model()
    model.save(path)
    for _ in range(kills):
        _run_and_kill(tmp_path, path, "pause")
        # The killed save left its temporary; each save removed the dead ones before it.
        assert len(_temporaries(tmp_path)) == 1
    model.save(path)
    assert _temporaries(tmp_path) == []
    assert _values(path) == {1.0}


@pytest.mark.parametrize("name", ["m.keras", "m.weights.h5"])
def test_saving_through_a_symlink_updates_its_target(tmp_path, name):
    real_dir = tmp_path / "real"
    real_dir.mkdir()
    target, link = real_dir / name, tmp_path / name
    model = _model()
    model.save(target) if name.endswith(".keras") else model.save_weights(target)
    link.symlink_to(target)
    model.set_weights([np.full(w.shape, 3.0, w.dtype) for w in model.get_weights()])
    model.save(link) if name.endswith(".keras") else model.save_weights(link)
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert _values(target) == {3.0} and _values(link) == {3.0}
    assert _temporaries(real_dir) == [] and _temporaries(tmp_path) == []

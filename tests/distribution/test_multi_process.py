"""Two processes on 127.0.0.1 joined by keras.distribution.initialize (jax.distributed)."""

import os
import socket
import subprocess
import sys
import time

import numpy as np
import pytest

HERE = os.path.dirname(__file__)
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
WORKER = os.path.join(HERE, "multi_process_worker.py")


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start(port, pid, mode, out, **env):
    env = dict(os.environ, PYTHONPATH=ROOT, JAX_PLATFORMS="cpu", **env)
    env.pop("XLA_FLAGS", None)  # one CPU device per process
    return subprocess.Popen([sys.executable, WORKER, str(port), "2", str(pid), mode, out],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=env, cwd=ROOT)


def _finish(proc, timeout=300):
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
    return proc.returncode, err


@pytest.mark.slow
def test_two_processes_train_like_one(tmp_path):
    port = _free_port()
    outs = [str(tmp_path / f"w{i}.npz") for i in ("0", "1", "single")]
    procs = [_start(port, 0, "train", outs[0]), _start(port, 1, "train", outs[1]),
             _start(port, 0, "single", outs[2])]
    for proc in procs:
        rc, err = _finish(proc)
        assert rc == 0, err[-3000:]
    first, second, single = (np.load(o) for o in outs)
    for key in first.files:
        np.testing.assert_array_equal(first[key], second[key])  # identical on both
        np.testing.assert_allclose(first[key], single[key], atol=1e-5)
    # Only process 0 wrote its .keras file; it loads back with the trained weights.
    assert os.path.exists(outs[0].replace(".npz", ".keras"))
    assert not os.path.exists(outs[1].replace(".npz", ".keras"))
    import lamina

    loaded = lamina.saving.load_model(outs[0].replace(".npz", ".keras"))
    for w, key in zip(loaded.get_weights(), first.files):
        np.testing.assert_array_equal(w, first[key])


@pytest.mark.slow
def test_a_dead_process_stops_the_other_with_an_error(tmp_path):
    port = _free_port()
    flags = [str(tmp_path / "running0"), str(tmp_path / "running1")]
    env = {"LAMINA_DISTRIBUTION_HEARTBEAT_TIMEOUT": "10"}
    procs = [_start(port, i, "forever", flags[i], **env) for i in range(2)]
    try:
        deadline = time.time() + 240
        while not all(os.path.exists(f) for f in flags):
            assert time.time() < deadline, "the workers did not start training"
            assert all(p.poll() is None for p in procs), procs[0].stderr.read()[-3000:]
            time.sleep(0.5)
        procs[1].kill()
        killed_at = time.time()
        rc, err = _finish(procs[0], timeout=90)
        elapsed = time.time() - killed_at
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
    assert rc != 0 and elapsed < 60, (rc, elapsed)
    assert "heartbeat timeout" in err or "Connection reset by peer" in err, err[-3000:]

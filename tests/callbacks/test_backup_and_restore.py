"""BackupAndRestore: a fit killed mid-epoch (SIGKILL) and restarted ends with the weights of
an uninterrupted run; interrupted fits resume at the right epoch; fallbacks."""

import json
import os
import signal
import subprocess
import sys
import textwrap
import time

import numpy as np
import pytest

import lamina
from lamina import callbacks as lcb

TRAIN_SCRIPT = textwrap.dedent("""
    import os, sys, time
    import numpy as np
    import lamina as keras

    backup, out, kill_at = sys.argv[1], sys.argv[2], sys.argv[3]
    keras.utils.set_random_seed(7)
    rng = np.random.default_rng(0)
    x = rng.normal(size=(640, 12)).astype("float32")
    y = (x[:, :3].sum(1) > 0).astype("int32") + (x[:, 3] > 0.5).astype("int32")
    model = keras.Sequential([
        keras.Input((12,)), keras.layers.Dense(32, activation="relu"),
        keras.layers.Dropout(0.3), keras.layers.Dense(3, activation="softmax")])
    model.compile(keras.optimizers.Adam(0.01), "sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    callbacks = [keras.callbacks.BackupAndRestore(backup)] if backup != "-" else []
    if kill_at != "-":
        epoch_to_die, batch_to_die = map(int, kill_at.split(","))

        class WaitForKill(keras.callbacks.Callback):
            def on_epoch_begin(self, epoch, logs=None):
                self.epoch = epoch

            def on_train_batch_end(self, batch, logs=None):
                if (self.epoch, batch) == (epoch_to_die, batch_to_die):
                    open(out + ".dying", "w").close()
                    time.sleep(120)  # the test kills us here, mid-epoch

        callbacks.append(WaitForKill())
    history = model.fit(x, y, epochs=6, batch_size=32, callbacks=callbacks, verbose=0)
    np.savez(out, *model.get_weights(), epochs=np.array(history.epoch))
""")


def _python(script, *args, **kw):
    env = dict(os.environ, OMP_WAIT_POLICY="PASSIVE", JAX_PLATFORMS="cpu")
    return subprocess.Popen([sys.executable, str(script), *map(str, args)], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, **kw)


def _finish(proc):
    out, _ = proc.communicate(timeout=300)
    assert proc.returncode == 0, out.decode()[-3000:]


@pytest.mark.slow
def test_killed_run_resumes_to_the_uninterrupted_weights(tmp_path):
    script = tmp_path / "train.py"
    script.write_text(TRAIN_SCRIPT)
    backup = tmp_path / "backup"
    # Uninterrupted, and the run to be killed in epoch 3 (0-based), batch 11 of 20.
    plain = _python(script, "-", tmp_path / "plain.npz", "-")
    victim = _python(script, backup, tmp_path / "victim.npz", "3,11")
    dying = tmp_path / "victim.npz.dying"
    deadline = time.time() + 300
    while not dying.exists():
        assert victim.poll() is None, victim.communicate()[0].decode()[-3000:]
        assert time.time() < deadline, "the training subprocess never reached epoch 3"
        time.sleep(0.2)
    victim.send_signal(signal.SIGKILL)
    victim.wait()
    assert victim.returncode == -signal.SIGKILL
    assert not (tmp_path / "victim.npz").exists()
    assert sorted(os.listdir(backup)) == ["backup.npz"]  # epochs 0-2 backed up, nothing torn
    resumed = _python(script, backup, tmp_path / "resumed.npz", "-")
    _finish(plain)
    _finish(resumed)
    with np.load(tmp_path / "plain.npz") as a, np.load(tmp_path / "resumed.npz") as b:
        assert list(a["epochs"]) == [0, 1, 2, 3, 4, 5]
        assert list(b["epochs"]) == [3, 4, 5]  # resumed at the epoch that was killed
        weights = [k for k in a.files if k.startswith("arr_")]
        assert len(weights) == 4
        for key in weights:
            np.testing.assert_allclose(b[key], a[key], atol=1e-5, rtol=0)
    assert not backup.exists()  # deleted once fit completed


def _data():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(64, 4)).astype("float32")
    return x, (x[:, 0] > 0).astype("int32")


def _model():
    model = lamina.Sequential([lamina.Input((4,)), lamina.layers.Dense(8, activation="relu"),
                               lamina.layers.Dense(2, activation="softmax")])
    model.compile("adam", "sparse_categorical_crossentropy")
    return model


class Interrupt(lcb.Callback):
    def __init__(self, at_epoch):
        super().__init__()
        self.at_epoch = at_epoch

    def on_epoch_begin(self, epoch, logs=None):
        if epoch == self.at_epoch:
            raise RuntimeError("Interrupting!")


def test_interrupted_fit_resumes_at_the_epoch_it_stopped(tmp_path):
    x, y = _data()
    model = _model()
    backup = lcb.BackupAndRestore(str(tmp_path / "backup"))
    with pytest.raises(RuntimeError, match="Interrupting"):
        model.fit(x, y, epochs=10, batch_size=16, verbose=0, callbacks=[backup, Interrupt(4)])
    iterations = int(model.optimizer.iterations.numpy())
    assert iterations == 16
    # A fresh model (another process would have one) picks the state up from the backup.
    fresh = _model()
    seen = []
    probe = lcb.LambdaCallback(on_epoch_begin=lambda e, logs: seen.append(
        (e, int(fresh.optimizer.iterations.numpy()))))
    history = fresh.fit(x, y, epochs=10, batch_size=16, verbose=0, callbacks=[backup, probe])
    assert history.epoch == [4, 5, 6, 7, 8, 9]
    assert seen[0] == (4, 16)  # weights and optimizer state of the end of epoch 3
    assert not (tmp_path / "backup").exists()


def test_batch_frequency_double_checkpoint_and_fallback(tmp_path):
    x, y = _data()
    folder = tmp_path / "backup"
    backup = lcb.BackupAndRestore(str(folder), save_freq=3, double_checkpoint=True,
                                  delete_checkpoint=False)
    model = _model()
    with pytest.raises(RuntimeError):
        model.fit(x, y, epochs=5, batch_size=16, verbose=0, callbacks=[backup, Interrupt(2)])
    assert sorted(os.listdir(folder)) == ["backup.npz", "backup.npz.bkp"]
    with np.load(folder / "backup.npz") as data:
        meta = json.loads(bytes(data["metadata.json"]))
    assert (meta["epoch"], meta["batch"]) == (1, 1)  # global batch 6 = epoch 1, batch 1
    (folder / "backup.npz").write_bytes(b"torn")  # the latest backup is unreadable
    fresh = _model()
    history = fresh.fit(x, y, epochs=3, batch_size=16, verbose=0, callbacks=[backup])
    # The previous backup (after global batch 3: epoch 0) is used; that epoch restarts.
    assert history.epoch == [0, 1, 2]
    assert sorted(os.listdir(folder)) == ["backup.npz", "backup.npz.bkp"]  # kept


def test_bad_arguments():
    with pytest.raises(ValueError, match="Empty `backup_dir`"):
        lcb.BackupAndRestore("")
    with pytest.raises(ValueError, match="save_freq"):
        lcb.BackupAndRestore("x", save_freq="often")

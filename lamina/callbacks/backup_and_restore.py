"""BackupAndRestore: resume an interrupted `fit` where it stopped."""

import io
import json
import os

import numpy as np

from lamina.callbacks.batch_counter import BatchCounter
from lamina.callbacks.callback import Callback

_BACKUP = "backup.npz"


class BackupAndRestore(Callback):
    """Back up the training state during `fit`; a later `fit` with this callback resumes it.

    Args:
        backup_dir: folder for the backup (used by this callback only).
        save_freq: "epoch" (back up after every epoch) or an int N (after every N batches;
            a run resumed from such a backup starts the interrupted epoch over, from the
            weights saved mid-epoch, as Keras does).
        double_checkpoint: also keep the previous backup and fall back to it when the latest
            one cannot be read.
        delete_checkpoint: remove the backup once `fit` completes (default True).

    The backup holds the model's weights and the optimizer state (written by
    `model.save_weights`, Keras's `.weights.h5` layout), the state of random layers
    (dropout seeds) and the number of epochs done, in one file written atomically: a run
    killed at any moment leaves the previous backup whole. Restarted with the same seed,
    model and data, a run backed up every epoch ends with the same weights as one never
    interrupted.
    """

    def __init__(self, backup_dir, save_freq="epoch", double_checkpoint=False,
                 delete_checkpoint=True):
        super().__init__()
        if not backup_dir:
            raise ValueError("Empty `backup_dir` argument passed")
        if save_freq != "epoch" and not (isinstance(save_freq, int) and save_freq > 0):
            raise ValueError(f"Invalid value for argument `save_freq`. Received: save_freq="
                             f"{save_freq}. Expected either 'epoch' or a positive integer.")
        self.backup_dir = os.fspath(backup_dir)
        self.save_freq = save_freq
        self.double_checkpoint = double_checkpoint
        self.delete_checkpoint = delete_checkpoint
        self._path = os.path.join(self.backup_dir, _BACKUP)
        self._prev_path = self._path + ".bkp"
        self._epochs_done = 0
        self._counter = None if save_freq == "epoch" else BatchCounter(save_freq)
        self._uses_batch_hooks = save_freq != "epoch"
        self._sparse_batch_hooks_ok = True

    def _next_boundary(self, done):
        return None if self._counter is None else self._counter.next_boundary(done)

    # -- hooks ---------------------------------------------------------------------------
    def on_train_begin(self, logs=None):
        if not self.model.built:
            raise ValueError("To use the BackupAndRestore callback, your model must be built "
                             f"before you call `fit()`. Model {self.model.name} is unbuilt.")
        os.makedirs(self.backup_dir, exist_ok=True)
        self._epochs_done = 0
        if self._counter is not None:
            self._counter.reset()
        for path in (self._path, self._prev_path):
            if not os.path.exists(path):
                continue
            try:
                self._restore(path)
                return
            except Exception:
                if path == self._prev_path or not os.path.exists(self._prev_path):
                    raise

    def on_epoch_begin(self, epoch, logs=None):
        self._epochs_done = epoch
        if self._counter is not None:
            self._counter.new_epoch()

    def on_train_batch_end(self, batch, logs=None):
        if self._counter is not None and self._counter.step(batch):
            self._save(epoch=self._epochs_done, batch=batch)

    def on_epoch_end(self, epoch, logs=None):
        self._epochs_done = epoch + 1
        if self.save_freq == "epoch":
            self._save(epoch=epoch + 1, batch=0)

    def on_train_end(self, logs=None):
        if not self.delete_checkpoint:
            return
        from lamina.core.serialization.atomic_file import remove_stale_temporaries

        for path in (self._path, self._prev_path):
            remove_stale_temporaries(path)
            if os.path.exists(path):
                os.remove(path)
        try:
            os.rmdir(self.backup_dir)
        except OSError:
            pass  # the folder holds other files: leave it

    # -- the backup file -----------------------------------------------------------------
    def _extra_variables(self):
        """Variables the weights file does not hold: random layers' seed states, ..."""
        saved = {id(v) for v in self.model.weights}
        return [v for v in self.model.variables if id(v) not in saved]

    def _save(self, epoch, batch):
        from lamina.core.serialization.atomic_file import atomic_write

        weights = io.BytesIO()
        self.model.save_weights(weights)
        arrays = {"weights.h5": np.frombuffer(weights.getvalue(), np.uint8)}
        extra = self._extra_variables()
        for i, v in enumerate(extra):
            arrays[f"extra/{i}"] = v.numpy()
        meta = {"epoch": int(epoch), "batch": int(batch),
                "extra_paths": [v.path for v in extra]}
        arrays["metadata.json"] = np.frombuffer(json.dumps(meta).encode(), np.uint8)
        os.makedirs(self.backup_dir, exist_ok=True)
        if self.double_checkpoint and os.path.exists(self._path):
            os.replace(self._path, self._prev_path)
        with atomic_write(self._path) as f:
            np.savez(f, **arrays)

    def _restore(self, path):
        with np.load(path, allow_pickle=False) as data:
            meta = json.loads(bytes(data["metadata.json"]).decode())
            weights = bytes(data["weights.h5"])
            extra = [data[f"extra/{i}"] for i in range(len(meta["extra_paths"]))]
        self.model.load_weights(io.BytesIO(weights))
        variables = self._extra_variables()
        if [v.path for v in variables] == meta["extra_paths"]:
            for v, value in zip(variables, extra):
                v.assign(value)
        self._epochs_done = meta["epoch"]
        self.model._initial_epoch = meta["epoch"]

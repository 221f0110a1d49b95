"""ModelCheckpoint: save the model (or its weights) during training."""

import os
import string
import tempfile

from lamina.callbacks.batch_counter import BatchCounter
from lamina.callbacks.monitor_callback import MonitorCallback
from lamina.callbacks.console import print_msg


class ModelCheckpoint(MonitorCallback):
    """Save the model every epoch, or every `save_freq` batches.

    Args:
        filepath: where to save; may hold `str.format` fields filled from the epoch
            (1-based) and the logs, e.g. "ckpt-{epoch:02d}-{val_loss:.2f}.keras".
            Full models are written as `.keras` archives (a path without that suffix, as in
            `filepath="checkpoint_path"`, gets the same archive; `load_model` reads it).
            With `save_weights_only=True` the path must end in `.weights.h5`.
        monitor: log key deciding what "best" is (default "val_loss").
        verbose: 1 prints a line per save decision.
        save_best_only: only save when `monitor` improved; the file then holds the best model.
        save_weights_only: `model.save_weights` instead of `model.save`.
        mode: "auto", "min" or "max" (see `MonitorCallback`).
        save_freq: "epoch" or an int N: save after every N batches (counted across epochs);
            the saved weights are exactly those after that batch.
        initial_value_threshold: a value `monitor` must beat before the first save.

    Files are written to a temporary name and renamed, so a crash never leaves a partial
    checkpoint. A folder that cannot be written is reported when training starts.
    """

    def __init__(self, filepath, monitor="val_loss", verbose=0, save_best_only=False,
                 save_weights_only=False, mode="auto", save_freq="epoch",
                 initial_value_threshold=None):
        super().__init__(monitor, mode, baseline=initial_value_threshold)
        self.filepath = os.fspath(filepath)
        self.verbose = verbose
        self.save_best_only = save_best_only
        self.save_weights_only = save_weights_only
        self.save_freq = save_freq
        self.initial_value_threshold = initial_value_threshold
        if save_freq != "epoch" and not (isinstance(save_freq, int) and save_freq > 0):
            raise ValueError(f"Unrecognized save_freq: {save_freq!r}. Expected 'epoch' or a "
                             "positive integer (save every that many batches).")
        if save_weights_only and not self.filepath.endswith(".weights.h5"):
            raise ValueError("When using `save_weights_only=True` in `ModelCheckpoint`, the "
                             "filepath provided must end in `.weights.h5` (Keras weights "
                             f"format). Received: filepath={self.filepath}")
        if not save_weights_only and self.filepath.endswith(".h5"):
            raise ValueError("lamina does not write the legacy HDF5 full-model format. Use a "
                             "filepath ending in `.keras`, or `save_weights_only=True` with a "
                             f"`.weights.h5` path. Received: filepath={self.filepath}")
        _check_format_fields(self.filepath)
        self._counter = None if save_freq == "epoch" else BatchCounter(save_freq)
        self._current_epoch = 0
        # Epoch-only checkpoints leave the compiled steps alone; batch ones are called at
        # the end of compiled chunks, which the fit loop ends at each save (_next_boundary).
        self._uses_batch_hooks = save_freq != "epoch"
        self._sparse_batch_hooks_ok = True

    def _next_boundary(self, done):
        return None if self._counter is None else self._counter.next_boundary(done)

    # -- hooks ---------------------------------------------------------------------------
    def on_train_begin(self, logs=None):
        _check_writable(self.filepath)
        if self._counter is not None:
            self._counter.reset()

    def on_epoch_begin(self, epoch, logs=None):
        self._current_epoch = epoch
        if self._counter is not None:
            self._counter.new_epoch()

    def on_train_batch_end(self, batch, logs=None):
        if self._counter is not None and self._counter.step(batch):
            self._save(self._current_epoch, batch, logs)

    def on_epoch_end(self, epoch, logs=None):
        if self.save_freq == "epoch":
            self._save(epoch, None, logs)

    # -- saving --------------------------------------------------------------------------
    def _file_path(self, epoch, batch, logs):
        fields = dict(logs or {})
        fields["epoch"] = epoch + 1
        if batch is not None and "batch" not in fields:
            fields["batch"] = batch + 1
        try:
            return self.filepath.format(**fields)
        except KeyError as e:
            raise KeyError(f'Failed to format this callback filepath: "{self.filepath}". '
                           f"Reason: {e} is not in the logs ({', '.join(sorted(fields))}).") \
                from None

    def _should_save(self, epoch, logs, filepath):
        if not self.save_best_only:
            self._say(f"\nEpoch {epoch + 1}: saving model to {filepath}")
            return True
        current = self.get_monitor_value(logs)
        if current is None:
            return True  # as Keras: without the monitor, every save happens
        if not isinstance(current, float):
            return True
        best = "None" if self.best is None else f"{self.best:.5f}"
        if self._is_improvement(current, self.best):
            self._say(f"\nEpoch {epoch + 1}: {self.monitor} improved from {best} to "
                      f"{current:.5f}, saving model to {filepath}")
            self.best = current
            return True
        self._say(f"\nEpoch {epoch + 1}: {self.monitor} did not improve from {best}")
        return False

    def _missing_message(self, logs):
        return (f"Can save best model only with {self.monitor} available. Available metrics "
                f"are: {','.join(logs)}")

    def _save(self, epoch, batch, logs):
        filepath = self._file_path(epoch, batch, logs)
        if not self._should_save(epoch, logs, filepath):
            return
        if os.path.isdir(filepath):
            raise IsADirectoryError("Please specify a non-directory filepath for "
                                    f"ModelCheckpoint. Filepath used is an existing directory: "
                                    f"{filepath}")
        folder = os.path.dirname(filepath)
        if folder:
            os.makedirs(folder, exist_ok=True)
        if self.save_weights_only:
            self.model.save_weights(filepath, overwrite=True)
        elif filepath.endswith(".keras"):
            self.model.save(filepath, overwrite=True)
        else:  # a bare path, as in the note: a .keras archive under exactly that name
            from lamina.core.serialization.atomic_file import atomic_write

            with atomic_write(filepath) as f:
                self.model.save(f)
        self._say(f"\nEpoch {epoch + 1}: finished saving model to {filepath}")

    def _say(self, message):
        if self.verbose > 0:
            print_msg(message)


def _check_format_fields(filepath):
    """Reject a malformed format string now rather than at the first save."""
    try:
        list(string.Formatter().parse(filepath))
    except ValueError as e:
        raise ValueError(f"ModelCheckpoint filepath {filepath!r} is not a valid format string: "
                         f"{e}. Double braces ('{{{{', '}}}}') write literal braces.") from None


def _check_writable(filepath):
    """Fail before training when the checkpoint folder cannot be created or written.

    A folder without format fields is created now (Keras would create it at the first save)
    and a probe file is written in it; otherwise its nearest existing parent must be a
    writable folder."""
    folder = os.path.dirname(os.path.abspath(filepath))
    try:
        if "{" not in folder:
            os.makedirs(folder, exist_ok=True)
            fd, probe = tempfile.mkstemp(prefix=".lamina-write-test-", dir=folder)
            os.close(fd)
            os.unlink(probe)
            return
        existing = os.path.dirname(folder[:folder.index("{")] + "x")
        while not os.path.exists(existing):
            existing = os.path.dirname(existing)
        if not os.path.isdir(existing):
            raise NotADirectoryError(20, "not a folder", existing)
        if not os.access(existing, os.W_OK | os.X_OK):
            raise PermissionError(13, "not writable", existing)
    except OSError as e:
        raise type(e)(
            f"ModelCheckpoint cannot save to {filepath!r}: {e.strerror or e} "
            f"({e.filename or folder!r}). Choose a filepath in a writable folder (checked "
            "before training starts).") from None

"""CSVLogger: one CSV row per epoch with the epoch's logs."""

import collections.abc
import csv
import io
import os

import numpy as np

from lamina.callbacks.callback import Callback


class CSVLogger(Callback):
    """Write `epoch` and every log value to a CSV file after each epoch.

    Args:
        filename: the CSV file.
        separator: the column separator (default ",").
        append: keep what the file already holds and add rows (no second header).

    Columns: "epoch" (from 0), then the first epoch's log keys sorted (plus `val_*` columns,
    "NA" until validation runs, when the first epoch had none), as Keras writes them.
    Each epoch rewrites the file through a temporary file and a rename, so it is never
    left half-written.
    """

    def __init__(self, filename, separator=",", append=False):
        super().__init__()
        self.filename = os.fspath(filename)
        self.sep = separator
        self.append = append
        self.keys = None
        self._kept = ""  # what the file held before this fit (append=True)
        self._rows = None

    def on_train_begin(self, logs=None):
        self._kept = ""
        if self.append and os.path.exists(self.filename):
            with open(self.filename, newline="") as f:
                self._kept = f.read()
        self.keys = None
        self._rows = io.StringIO()
        folder = os.path.dirname(os.path.abspath(self.filename))
        os.makedirs(folder, exist_ok=True)
        if not os.access(folder, os.W_OK | os.X_OK):
            raise PermissionError(f"CSVLogger cannot write {self.filename!r}: the folder "
                                  f"{folder!r} is not writable.")

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        if self._rows is None:  # hooks called without on_train_begin
            self.on_train_begin()
        writer = csv.writer(self._rows, delimiter=self.sep)
        if self.keys is None:
            self.keys = sorted(logs)
            if self.keys and not any(k.startswith("val_") for k in self.keys):
                self.keys += [f"val_{k}" for k in self.keys]
            if not self._kept.split("\n", 1)[0]:
                writer.writerow(["epoch"] + self.keys)
        writer.writerow([epoch] + [_cell(logs.get(k, "NA")) for k in self.keys])
        from lamina.core.serialization.atomic_file import atomic_write

        with atomic_write(self.filename) as f:
            f.write((self._kept + self._rows.getvalue()).encode("utf-8"))

    def on_train_end(self, logs=None):
        self._rows = None


def _cell(value):
    if isinstance(value, str):
        return value
    if isinstance(value, np.ndarray) and value.ndim == 0:
        return value.item()
    if isinstance(value, collections.abc.Iterable):
        return f'"[{", ".join(map(str, value))}]"'
    return value

"""MonitorCallback: the shared part of callbacks that watch one logged quantity
(EarlyStopping, ModelCheckpoint, ReduceLROnPlateau)."""

import warnings

import numpy as np

from lamina.callbacks.callback import Callback

# Names whose direction is known when no metric object says it (mode="auto").
_UP_WORDS = ("acc", "auc", "precision", "recall", "f1_score", "fbeta", "iou", "r2_score")
_DOWN_WORDS = ("loss", "error", "crossentropy", "hinge", "divergence", "poisson")


class MonitorCallback(Callback):
    """Base class for a callback watching `logs[monitor]`.

    Args:
        monitor: log key, e.g. "val_loss" (default) or "val_accuracy".
        mode: "min", "max" or "auto" (the direction of the metric object with that name,
            else "min" for losses and errors, "max" for accuracies, AUC, precision, ...).
        baseline: starting value of `self.best` (None: the first value seen).
        min_delta: smallest change counted as an improvement (absolute value is used).

    A monitor missing from the logs warns once per callback and is skipped (no crash).
    """

    def __init__(self, monitor="val_loss", mode="auto", baseline=None, min_delta=0):
        super().__init__()
        if mode not in ("auto", "min", "max"):
            warnings.warn(f"{type(self).__name__} mode '{mode}' is unknown, fallback to auto "
                          "mode.", stacklevel=3)
            mode = "auto"
        self.monitor = monitor
        self.mode = mode
        self.best = baseline
        self.min_delta = abs(min_delta)
        self.monitor_op = None
        self._warned_missing = False

    # -- direction ---------------------------------------------------------------------
    def _metric_direction(self, name):
        """'up' / 'down' from the compiled metric logged as `name`, or None."""
        model = self.model
        compiled = getattr(model, "_compile_metrics", None)
        for entry in getattr(compiled, "entries", None) or []:
            metric, log_name = entry[1], entry[3]
            if log_name == name or getattr(metric, "name", None) == name:
                return getattr(metric, "_direction", None)
        for metric in getattr(model, "metrics", None) or []:
            if getattr(metric, "name", None) == name:
                return getattr(metric, "_direction", None)
        return None

    def _set_monitor_op(self):
        """Choose `np.less` or `np.greater` for `self.monitor` (see `mode`)."""
        if self.mode == "min":
            self.monitor_op = np.less
        elif self.mode == "max":
            self.monitor_op = np.greater
        else:
            name = self.monitor[4:] if self.monitor.startswith("val_") else self.monitor
            direction = self._metric_direction(name)
            if direction is None:
                lowered = name.lower()
                if lowered.endswith("loss") or any(w in lowered for w in _DOWN_WORDS):
                    direction = "down"
                elif any(w in lowered for w in _UP_WORDS):
                    direction = "up"
            if direction is None:
                raise ValueError(
                    f"{type(self).__name__} callback received monitor={self.monitor!r}, but "
                    "lamina cannot tell whether that metric should be maximized or minimized. "
                    "Pass mode='max' to watch for the highest value, or mode='min' for the "
                    "lowest.")
            self.monitor_op = np.greater if direction == "up" else np.less

    def _is_improvement(self, value, reference):
        """Whether `value` beats `reference` by more than `min_delta` (True if no reference)."""
        if reference is None:
            return True
        if self.monitor_op is None:
            self._set_monitor_op()
        delta = self.min_delta if self.monitor_op is np.greater else -self.min_delta
        return bool(self.monitor_op(value - delta, reference))

    # -- reading the logs --------------------------------------------------------------
    def _missing_message(self, logs):
        return (f"{type(self).__name__} is conditioned on metric `{self.monitor}` which is not "
                f"available. Available metrics are: {','.join(logs)}")

    def get_monitor_value(self, logs):
        """`logs[monitor]` as a float, or None (with one warning per callback) when absent."""
        logs = logs or {}
        value = logs.get(self.monitor)
        if value is None:
            if not self._warned_missing:
                self._warned_missing = True
                warnings.warn(self._missing_message(logs), stacklevel=3)
            return None
        if self.monitor_op is None:
            self._set_monitor_op()
        arr = np.asarray(value)
        return float(arr) if arr.ndim == 0 else value

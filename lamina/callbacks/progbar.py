"""Progbar: the Keras progress bar, `1563/1563 [======] - 12s 7ms/step - loss: 0.29`."""

import os
import sys
import time

from lamina.backend.config import is_interactive_logging_enabled
from lamina.callbacks.console import print_msg


def _is_interactive():
    if os.environ.get("LAMINA_PROGBAR_TTY") is not None:
        return os.environ["LAMINA_PROGBAR_TTY"] == "1"
    return sys.stdout.isatty() or "ipykernel" in sys.modules


def _format_value(value):
    try:
        value = float(value)
    except (TypeError, ValueError):
        return str(value)
    return f"{value:.4f}" if abs(value) >= 1e-3 or value == 0 else f"{value:.4e}"


def _format_time(seconds):
    if seconds >= 3600:
        return f"{int(seconds // 3600)}:{int(seconds % 3600 // 60):02d}:{int(seconds % 60):02d}"
    if seconds >= 60:
        return f"{int(seconds // 60)}:{int(seconds % 60):02d}"
    return f"{int(seconds)}s"


def _format_per_step(seconds, unit):
    if seconds >= 1:
        return f"{seconds:.0f}s/{unit}"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.0f}ms/{unit}"
    return f"{seconds * 1e6:.0f}us/{unit}"


class Progbar:
    """Progress bar over `target` steps (None when unknown).

    verbose: 1 draws a bar (redrawn in a terminal; one line at the end elsewhere),
    2 prints one line when finished, 0 nothing. width: the bar's characters (20).
    A value given to `update` is averaged over the steps it covers unless its name is in
    `stateful_metrics` (shown as given); with `stateless_metrics` instead, only the
    names listed there are averaged. At most one of the two may be given.
    """

    def __init__(self, target, width=20, verbose=1, interval=0.05, stateful_metrics=None,
                 stateless_metrics=None, unit_name="step"):
        if stateful_metrics is not None and stateless_metrics is not None:
            raise ValueError("Progbar: give at most one of stateful_metrics and "
                             f"stateless_metrics, got {stateful_metrics!r} and "
                             f"{stateless_metrics!r}.")
        # The names shown as given (averaged when not listed), or None when the averaged
        # names are listed instead.
        self.stateful_metrics = set(stateful_metrics or ()) \
            if stateless_metrics is None else None
        self.stateless_metrics = None if stateless_metrics is None else set(stateless_metrics)
        self.target = target
        self.width = width
        self.verbose = verbose
        self.interval = interval
        self.unit_name = unit_name
        self._interactive = _is_interactive()
        self._values = {}
        self._sums = {}  # averaged names: (sum of value * steps, steps)
        self._start = time.time()
        self._last_update = 0.0
        self._prev_len = 0
        self._seen = 0
        self._finalized = False

    def update(self, current, values=None, finalize=None):
        if finalize is None:
            finalize = self.target is not None and current >= self.target
        for key, value in (values.items() if isinstance(values, dict) else (values or [])):
            averaged = key not in self.stateful_metrics if self.stateful_metrics is not None \
                else key in self.stateless_metrics
            if averaged and not finalize:
                steps = max(current - self._seen, 1)
                total, count = self._sums.get(key, (0.0, 0))
                self._sums[key] = (total + value * steps, count + steps)
                self._values[key] = self._sums[key][0] / self._sums[key][1]
            else:
                self._values[key] = value
        self._seen = current
        if self.verbose == 0 or self._finalized:
            return
        now = time.time()
        if not finalize:
            if not (self.verbose == 1 and self._interactive):
                return
            if now - self._last_update < self.interval:
                return
        self._last_update = now
        line = self._render(current, now, finalize)
        if self.verbose == 1 and self._interactive and is_interactive_logging_enabled():
            pad = max(self._prev_len - len(line), 0)
            print_msg("\r" + line + " " * pad, line_break=finalize)
            self._prev_len = len(line)
        elif finalize:
            print_msg(line)
        if finalize:
            self._finalized = True

    def add(self, n, values=None):
        self.update(self._seen + n, values)

    def _render(self, current, now, finalize):
        elapsed = now - self._start
        per_step = elapsed / current if current else 0.0
        if self.target is not None:
            digits = len(str(self.target))
            head = f"{current:>{digits}}/{self.target}"
        else:
            head = f"{current}/Unknown"
        if self.verbose == 1:
            if self.target:
                done = int(self.width * min(current, self.target) / self.target)
                bar = "=" * max(done - 1, 0) + (">" if current < self.target else "=") if done else ">"
                if current >= self.target:
                    bar = "=" * self.width
                head += " [" + bar.ljust(self.width, ".") + "]"
            if finalize:
                timing = f" - {_format_time(elapsed)} {_format_per_step(per_step, self.unit_name)}"
            else:
                eta = per_step * (self.target - current) if self.target else 0
                timing = f" - ETA: {_format_time(eta)}"
        else:
            timing = f" - {_format_time(elapsed)} - {_format_per_step(per_step, self.unit_name)}"
        parts = [f"{k}: {_format_value(v)}" for k, v in self._values.items()]
        return head + timing + "".join(" - " + p for p in parts)

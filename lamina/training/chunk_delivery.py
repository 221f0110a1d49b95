"""ChunkDelivery: batch hooks for the steps of one compiled chunk, after the chunk ran.

The chunk ran `count` steps at once; its hooks are now called step by step with each step's
logs. The Variables hold the chunk's last state while they run. When a hook reads a Variable
of the model's state (weights, optimizer, metrics: `get_weights`, `numpy()`, `predict`...),
the read is caught as it happens (`watch_host_reads`): the chunk is re-run from its start up
to that hook's batch (steps are pure and deterministic, so this is the state Keras's
step-by-step loop would show), the Variables get that state, and the chunk ends there. A
hook that assigns a Variable or asks to stop also ends the chunk at its batch. A hook that
raises leaves the state of its own batch behind.
"""

import jax
import numpy as np

from lamina.core.variable import watch_host_reads


class ChunkDelivery:
    """Args:
        runner: the EpochRunner (its binding, hooks, stop check, and `step_by_step`).
        callbacks: the CallbackList. first: the epoch's index of the chunk's first step.
        count: steps the chunk ran. start / end: the TrainState before / after it.
        stacked: the per-step logs (count rows used). rerun(n): the state after the
            chunk's first n steps.
    """

    def __init__(self, runner, callbacks, first, count, start, end, stacked, rerun):
        self.runner = runner
        self.binding = runner.binding
        self.callbacks = callbacks
        self.first = first
        self.count = count
        self.start = start
        self.end = end
        self.stacked = stacked
        self.rerun = rerun
        self.written = end  # what the Variables were last given
        self.exact = count - 1  # the chunk step whose state the Variables hold
        self.need = 0  # the chunk step whose state the hook running now must see
        self.cut = None  # steps kept, when a hook ended the chunk early

    def run(self):
        """Deliver the hooks. Returns (state, steps kept, whether the begin hook of the
        step after the kept ones already ran)."""
        host = jax.tree_util.tree_map(np.asarray, self.stacked)
        self.binding.write(self.end)
        try:
            with watch_host_reads(self._on_read):
                begun = self._deliver(host)
        except BaseException:
            # A hook raised (or Ctrl-C): keep the state of the batch it was called for.
            self._make_exact(self.need)
            self.runner.last_state = self.binding.read(self.end.step_logs)
            raise
        kept = self.count if self.cut is None else self.cut
        if kept < self.count:
            self._make_exact(kept - 1)
        return self.binding.read(self.end.step_logs), kept, begun

    def _deliver(self, host):
        runner = self.runner
        for i in range(self.count):
            self.need = i
            logs = runner.host_logs(jax.tree_util.tree_map(lambda a: a[i], host))
            runner.end_hook(self.callbacks, self.first + i, logs)
            if runner.stop_requested():
                self.cut = i + 1
                return False
            if i == self.count - 1:
                return False
            runner.begin_hook(self.callbacks, self.first + i + 1)  # sees the state after i
            if self.cut is None and self.binding.assigned_since(self.written):
                self.cut = i + 1  # the assigned values apply from step i + 1 on
            if self.cut is not None:
                return True
        return False

    def _on_read(self, variable):
        if self.exact == self.need or not self.binding.holds(variable):
            return
        self._make_exact(self.need)
        self.cut = self.need + 1
        # This callback looks at the model: serve the rest of the run step by step
        # rather than re-running chunks.
        self.runner.step_by_step = True

    def _make_exact(self, index):
        """Variables := the state after chunk step `index`, keeping what hooks assigned."""
        if self.exact == index:
            return
        self.exact = index  # first: the re-run's own reads must not come back here
        self.written = self.binding.keep_assigned(self.written, self.rerun(index + 1))

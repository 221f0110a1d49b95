"""Running the compiled steps over one epoch of data, delivering callback hooks.

For in-memory arrays the data sits on the device and `steps_per_execution` steps run in
one compiled loop; the logs of each step come back stacked when a callback wants every
batch, so batch hooks still see every batch. Other sources run one jitted step a batch.
"""

import os

import jax
import numpy as np

from lamina.core import tree
from lamina.training.data_adapter import ArrayData
from lamina.training.step_functions import gather_batch


def to_host_logs(logs, order=None):
    """Device scalars -> Python floats (arrays stay NumPy arrays), keys in `order` first
    (jit returns dicts with sorted keys)."""
    out = {}
    keys = [k for k in (order or []) if k in logs] + [k for k in logs if k not in (order or [])]
    for key in keys:
        value = logs[key]
        if isinstance(value, dict):
            for k, v in value.items():
                out[k] = _host(v)
        else:
            out[key] = _host(value)
    return out


def _host(v):
    arr = np.asarray(v)
    return float(arr) if arr.ndim == 0 else arr


class EpochRunner:
    """Runs a step function over ArrayData / IndexableData / IterableData.

    Args:
        step: pure `(state, batch) -> state`. logs_fn: pure `metric_values -> logs`.
        loop_cache: dict for jitted loops, keyed by (batch_size, per_step_logs, max_steps).
        make_loop: `make_loop(step, logs_fn, batch_size, per_step_logs, max_steps)`.
        hooks: ("on_train_batch_begin", "on_train_batch_end") or the test names.
        gather: `() -> state` read from the Variables, to take in what hooks assign.
    """

    def __init__(self, step, logs_fn, jit_cache, make_loop, hooks, run_eagerly=False, order=None,
                 gather=None):
        self.gather = gather  # () -> state read back from the Variables
        self.step = step
        self.logs_fn = logs_fn
        self.cache = jit_cache
        self.make_loop = make_loop
        self.begin_hook, self.end_hook = hooks
        self.run_eagerly = run_eagerly
        self.order = order

    def _jitted(self, key, build):
        fn = self.cache.get(key)
        if fn is None:
            fn = build()
            self.cache[key] = fn
        return fn

    def run(self, state, data, callbacks, every_batch, sparse, chunk, rng, sync):
        """Run one epoch. Returns (state, logs on the host, steps run).

        every_batch: some callback wants each batch's logs. sparse: the progress bar
        wants the latest logs after each chunk. chunk: steps per compiled call.
        sync(state): writes the state back into the Variables before hooks run.
        """
        self.last_state = state
        if isinstance(data, ArrayData) and not self.run_eagerly and \
                data.nbytes <= device_data_limit():
            return self._run_arrays(state, data, callbacks, every_batch, sparse, chunk, rng, sync)
        return self._run_batches(state, data, callbacks, every_batch, sparse, rng, sync)

    def _absorb(self, state):
        """`state` with the values hooks assigned to Variables since `sync(state)` (a
        learning rate, weights, reset metrics), and whether there were any."""
        if self.gather is None:
            return state, False
        now = self.gather()
        changed = any(a is not b for new, old in zip(now, state) for a, b in zip(new, old))
        return (tuple(now), True) if changed else (state, False)

    def _deliver(self, callbacks, first, count, stacked, state, sync, rerun):
        """Batch hooks for steps `first .. first+count-1`, already run as one chunk.

        Hooks see each step's logs. When a hook asks to stop or assigns a Variable before
        the chunk's last step, the chunk is rerun up to that point (steps are pure) with
        the assigned values on top, as if Keras had run it step by step. Returns
        (state, steps kept, whether the next step's begin hook already ran).
        """
        host = jax.tree_util.tree_map(np.asarray, stacked)
        sync(state)
        for i in range(count):
            logs = to_host_logs(jax.tree_util.tree_map(lambda a: a[i], host), self.order)
            getattr(callbacks, self.end_hook)(first + i, logs)
            last = i == count - 1
            if self._stop_requested(callbacks):
                return (state, count, False) if last else (
                    self._rewound(state, rerun(i + 1), sync), i + 1, False)
            if last:
                break
            getattr(callbacks, self.begin_hook)(first + i + 1)
            _, changed = self._absorb(state)
            if changed:
                return self._rewound(state, rerun(i + 1), sync), i + 1, True
        return self._absorb(state)[0], count, False

    def _rewound(self, state, earlier, sync):
        """`earlier` (the state some steps back) with the values hooks assigned on top."""
        now, _ = self._absorb(state)
        merged = tuple([n if n is not o else e for n, o, e in zip(ng, og, eg)]
                       for ng, og, eg in zip(now, state, earlier))
        sync(merged)
        return merged

    def _run_arrays(self, state, data, callbacks, every_batch, sparse, chunk, rng, sync):
        bs = data.batch_size
        perm_host, first, steps = data.epoch_plan(rng)
        n_full = data.num_samples // bs  # full batches in a pass; a smaller one may follow
        full = max(0, min(first + steps, n_full) - first)
        perm = jax.device_put(perm_host)
        device = data.device_arrays()
        chunk = max(1, min(chunk, full)) if full else 1
        if full:
            loop = self._jitted(("loop", bs, every_batch, chunk), lambda: self.make_loop(
                self.step, self.logs_fn, bs, every_batch, chunk))
            done, begun = 0, False
            while done < full:
                k = min(chunk, full - done, self._until_boundary(callbacks, done))
                if every_batch and not begun:
                    sync(state)
                    getattr(callbacks, self.begin_hook)(done)
                    state, _ = self._absorb(state)
                start = state
                state, stacked = loop(start, device, perm, np.int32(first + done), np.int32(k))
                self.last_state = state
                if every_batch:
                    rerun = lambda n, s=start, d=first + done: loop(  # noqa: E731
                        s, device, perm, np.int32(d), np.int32(n))[0]
                    state, k, begun = self._deliver(callbacks, done, k, stacked, state, sync,
                                                    rerun)
                    self.last_state = state
                elif sparse:
                    sync(state)
                    getattr(callbacks, self.end_hook)(done + k - 1, to_host_logs(
                        self.logs_fn_jit()(state[3]), self.order))
                    state, _ = self._absorb(state)
                done += k
                if self._stop_requested(callbacks):  # e.g. TerminateOnNaN, as Keras: mid-epoch
                    return state, done
        if steps > full:  # the last, smaller batch
            if every_batch or sparse:
                sync(state)
                getattr(callbacks, self.begin_hook)(full)
                state, _ = self._absorb(state)
            tail = jax.device_put(perm_host[n_full * bs:])
            step = self._jitted(("tail_step",), lambda: jax.jit(
                lambda s, d, p: self.step(s, gather_batch(d, p, 0, p.shape[0]))))
            state = step(state, device, tail)
            self.last_state = state
            if every_batch or sparse:
                logs = to_host_logs(self.logs_fn_jit()(state[3]), self.order)
                sync(state)
                getattr(callbacks, self.end_hook)(full, logs)
                state, _ = self._absorb(state)
                self.last_state = state
        return state, steps

    def _until_boundary(self, callbacks, done):
        """Steps until a training callback needs exact weights (e.g. a checkpoint every N
        batches): the chunk ends there, so its hook sees the weights after that batch."""
        next_boundary = getattr(callbacks, "next_boundary", None)
        end = next_boundary(done) if next_boundary and self.end_hook == "on_train_batch_end" \
            else None
        return end - done if end is not None else float("inf")

    def _stop_requested(self, callbacks):
        """`model.stop_training` set by a training batch hook: Keras ends the epoch there."""
        return self.end_hook == "on_train_batch_end" and bool(
            getattr(getattr(callbacks, "model", None), "stop_training", False))

    def logs_fn_jit(self):
        return self._jitted(("logs",), lambda: jax.jit(self.logs_fn))

    def _run_batches(self, state, data, callbacks, every_batch, sparse, rng, sync):
        step = self.step if self.run_eagerly else self._jitted(("step",), lambda: jax.jit(self.step))
        logs_fn = self.logs_fn if self.run_eagerly else self.logs_fn_jit()
        count = 0
        if isinstance(data, ArrayData):
            order, first, steps = data.epoch_plan(rng)
            bs = data.batch_size
            batches = (tuple(data.host_batch(order[i * bs:(i + 1) * bs]))
                       for i in range(first, first + steps))
        else:
            batches = data.batches(rng)
        for batch in batches:
            batch = tree.map_structure(_as_input, tuple(batch))
            if every_batch or sparse:
                sync(state)
                getattr(callbacks, self.begin_hook)(count)
                state, _ = self._absorb(state)
            state = step(state, batch)
            self.last_state = state
            if every_batch or sparse:
                sync(state)
                getattr(callbacks, self.end_hook)(count, to_host_logs(logs_fn(state[3]), self.order))
                state, _ = self._absorb(state)
                self.last_state = state
            count += 1
            if self._stop_requested(callbacks):
                break
        if hasattr(data, "on_epoch_end"):
            data.on_epoch_end()
        return state, count


def device_data_limit():
    """Bytes of in-memory training data kept on the device (default 2 GiB; env
    LAMINA_DEVICE_DATA_LIMIT). Larger arrays are fed batch by batch from the host."""
    return int(os.environ.get("LAMINA_DEVICE_DATA_LIMIT", 2 * 1024**3))


def _as_input(x):
    from lamina.training.data_adapter import to_array

    return None if x is None else to_array(x)

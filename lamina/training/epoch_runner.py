"""EpochRunner: one epoch of training or evaluation steps over a data source, with callbacks.

In-memory arrays sit on the device and many steps run in one compiled loop (a chunk); the
logs of each step come back stacked when a callback wants every batch, and ChunkDelivery
calls the batch hooks step by step, with the model's state exact for whatever a hook reads.
Other sources (generators, PyDatasets, arrays too big for the device) run one jitted step
a batch. A compiled call is kept short (about MAX_CALL_SECONDS) so Ctrl-C is answered soon.
"""

import os
import time

import jax
import numpy as np

from lamina.backend.config import is_shape_bucketing_enabled

from lamina.core import tree
from lamina.distribution import placement
from lamina.training.chunk_delivery import ChunkDelivery
from lamina.distribution.distributions import distribution
from lamina.training.compiled_loops import gather_batch, make_group_loop, make_loop
from lamina.training.host_batches import (
    gather_to_device, same_shape_groups, single_to_device, stack_to_device)
from lamina.training.prefetch import BatchPrefetcher
from lamina.training.shape_buckets import bucket_rows
from lamina.training.data_adapter import ArrayData, to_array
from lamina.training.gc_pause import gc_paused

# Longest a compiled chunk runs before control returns to Python (signals, stop checks).
MAX_CALL_SECONDS = 0.25
# Host-fed batches are stacked in groups of at most this many batches and bytes
# (see EpochRunner._group_size).
GROUP_STEPS = 16
GROUP_BYTES = 8 * 1024**2

_HOOKS = {"train": ("on_train_batch_begin", "on_train_batch_end"),
          "test": ("on_test_batch_begin", "on_test_batch_end")}


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
    """Runs `mode`'s steps ("train" or "test") one epoch at a time.

    Args:
        setup: the TrainingSetup (steps, logs, the StateBinding of the model's Variables).
        mode: "train" or "test". jit_cache: a dict for this mode's compiled functions.
        run_eagerly: run the steps without jit.

    Attributes: `last_state` is the state after the last finished step (what an
    interrupted fit leaves in the model); `step_by_step` turns true once a batch hook read
    the model's state in the middle of a chunk (from then on chunks are one step long).
    """

    def __init__(self, setup, mode, jit_cache, run_eagerly=False, steps_per_execution="auto"):
        self.setup = setup
        self.binding = setup.binding
        self.mode = mode
        self.cache = jit_cache
        self.run_eagerly = run_eagerly
        self.steps_per_execution = steps_per_execution
        self.begin_name, self.end_name = _HOOKS[mode]
        self.step_by_step = False
        self.last_state = None
        self._seconds_per_step = None
        # (state, its device logs) when a compiled call returned both (see `logs`).
        self._known_logs = None

    # -- pieces used by ChunkDelivery ----------------------------------------------------
    def step(self, state, batch):
        return self.setup.run_step(self.mode, state, batch)

    def begin_hook(self, callbacks, index):
        getattr(callbacks, self.begin_name)(index)

    def end_hook(self, callbacks, index, logs):
        getattr(callbacks, self.end_name)(index, logs)

    def host_logs(self, logs):
        return to_host_logs(logs, self.setup.log_names)

    def stop_requested(self):
        """`model.stop_training` set by a training batch hook: Keras ends the epoch there."""
        return self.mode == "train" and bool(self.setup.model.stop_training)

    def logs(self, state):
        """The logs of `state` on the host: those the compiled call that made `state`
        returned with it, else computed by a compiled call of their own."""
        if self._known_logs is not None and self._known_logs[0] is state:
            return self.host_logs(self._known_logs[1])
        fn = self.setup.logs if self.run_eagerly else self._jitted(
            ("logs",), lambda: jax.jit(self.setup.logs))
        return self.host_logs(fn(state))

    def _jitted(self, key, build):
        fn = self.cache.get(key)
        if fn is None:
            fn = self.cache[key] = build()
        return fn

    def _hooks_between(self, callbacks, index, state, before):
        """Run the begin (before=True) or end hook of batch `index` with `state` in the
        Variables; returns the state with what the hook assigned."""
        self.binding.write(state)
        if before:
            self.begin_hook(callbacks, index)
        else:
            self.end_hook(callbacks, index, self.logs(state))
        return self.binding.absorb(state)

    # -- an epoch ------------------------------------------------------------------------
    def run(self, state, data, callbacks, rng):
        """One epoch from `state`. Returns (state, steps run)."""
        every, sparse = callbacks.batch_consumers(self.mode)
        sparse = [c for c in sparse if getattr(c, "wants_batch_updates", lambda: True)()]
        self.last_state = state
        self._known_logs = None
        if getattr(data, "batch_size", None) is not None:
            placement.check_batch_size(data.batch_size * jax.process_count())
        # Several processes: each feeds its own rows, joined into global batches step by step.
        # In-memory arrays stay on the device (one transfer; on the CPU backend a second copy
        # unless the user's array is 64-byte aligned, which device_put then aliases): the
        # gather-on-device loop is where the fit speed comes from. Gathering on the host
        # instead (the path below) measured 0.6x (W2) to 0.8x (W1) the samples per CPU second.
        if isinstance(data, ArrayData) and not self.run_eagerly and \
                data.nbytes <= device_data_limit() and not placement.is_multi_process():
            return self._run_arrays(state, data, callbacks, bool(every), bool(sparse), rng)
        return self._run_batches(state, data, callbacks, bool(every), bool(sparse), rng)

    def _chunk_limit(self, steps, every, sparse):
        """Steps per compiled call at most (the loop is compiled for this many)."""
        if self.steps_per_execution != "auto":
            return self.steps_per_execution
        if every:
            return min(steps, 64)
        if sparse:
            return max(1, steps // 20)  # the progress bar moves about 20 times an epoch
        return steps

    def _next_chunk(self, limit, left, callbacks, done):
        if self.step_by_step:
            return 1
        k = min(limit, left, self._until_boundary(callbacks, done))
        if self._seconds_per_step:
            k = min(k, max(1, int(MAX_CALL_SECONDS / self._seconds_per_step)))
        elif self.steps_per_execution == "auto":
            k = min(k, 4)  # a short first call measures the step time
        return max(1, k)

    def _timed(self, fn, state, *args):
        """`fn(state, *args)` and its wall time. The new state is `last_state` before the
        wait: the call may have donated `state`'s buffers, and Ctrl-C during the wait
        must leave a live state to put back into the model."""
        t0 = time.perf_counter()
        with gc_paused():  # a first call traces the step (see gc_pause.py)
            out = fn(state, *args)
        self.last_state = out[0] if isinstance(out, tuple) and not hasattr(out, "_fields") \
            else out
        out = jax.block_until_ready(out)
        return out, time.perf_counter() - t0

    def _run_arrays(self, state, data, callbacks, every, sparse, rng):
        bs = data.batch_size
        perm_host, first, steps = data.epoch_plan(rng)
        n_full = data.num_samples // bs  # full batches in a pass; a smaller one may follow
        full = max(0, min(first + steps, n_full) - first)
        # Evaluations of arrays of any length share a few compiled loops: data and order
        # are padded to a power of two rows (the padding is never gathered).
        rows = bucket_rows(data.num_samples) if self.mode == "test" and \
            is_shape_bucketing_enabled() else None
        device = data.device_arrays(rows)
        perm = jax.device_put(perm_host if rows is None else np.concatenate(
            [perm_host, np.zeros(rows - len(perm_host), perm_host.dtype)]))
        if full:
            limit = max(1, min(self._chunk_limit(full, every, sparse), full))
            rows = limit if every else 0  # the per-step logs buffer's length
            # The state is donated unless a chunk may be re-run from its start (ChunkDelivery).
            donate = self.mode == "train" and not every
            loop = self._jitted(("loop", bs, rows, donate), lambda: make_loop(
                self.step, self.setup.logs, bs, every, rows, donate))
            warm = self.cache.setdefault("warm_loops", set())
            done, begun = 0, False
            while done < full:
                k = self._next_chunk(limit, full - done, callbacks, done)
                if every and not begun:
                    state = self._hooks_between(callbacks, done, state, before=True)
                start, offset = state, np.int32(first + done)
                (state, stacked), seconds = self._timed(loop, start, device, perm, offset,
                                                        np.int32(k))
                if loop in warm:  # the first call's time is mostly compiling
                    self._seconds_per_step = seconds / k
                warm.add(loop)
                self.last_state = state
                if not every:
                    self._known_logs = (state, stacked)
                if every:
                    rerun = lambda n, s=start, o=offset: loop(  # noqa: E731
                        s, device, perm, o, np.int32(n))[0]
                    state, k, begun = ChunkDelivery(self, callbacks, done, k, start, state,
                                                    stacked, rerun).run()
                    self.last_state = state
                elif sparse:
                    state = self._hooks_between(callbacks, done + k - 1, state, before=False)
                done += k
                if self.stop_requested():  # e.g. TerminateOnNaN, as Keras: mid-epoch
                    return state, done
        if steps > full:  # the last, smaller batch
            tail = jax.device_put(perm_host[n_full * bs:])
            step = self._jitted(("tail_step",), lambda: jax.jit(
                lambda s, d, p: self._with_logs(self.step(s, gather_batch(d, p, 0, p.shape[0])))))
            state = self._one_step(state, callbacks, every or sparse, full,
                                   lambda s: self._known(step(s, device, tail)))
        return state, steps

    def _with_logs(self, state):
        return state, self.setup.logs(state)

    def _known(self, state_and_logs):
        """The state of a compiled call's `(state, logs)`; the logs are kept for `logs`."""
        self._known_logs = state_and_logs
        return state_and_logs[0]

    def _one_step(self, state, callbacks, hooks, index, run):
        """One step `run(state)` with its batch hooks (when `hooks`)."""
        if hooks:
            state = self._hooks_between(callbacks, index, state, before=True)
        with gc_paused():
            state = run(state)
        self.last_state = state
        if hooks:
            state = self._hooks_between(callbacks, index, state, before=False)
            self.last_state = state
        return state

    def _until_boundary(self, callbacks, done):
        """Steps until a training callback needs exact weights (e.g. a checkpoint every N
        batches): the chunk ends there, so its hook sees the weights after that batch."""
        next_boundary = getattr(callbacks, "next_boundary", None)
        end = next_boundary(done) if next_boundary and self.mode == "train" else None
        return end - done if end is not None else float("inf")

    def _run_batches(self, state, data, callbacks, every, sparse, rng):
        """Batches from the host, read and put on the device by a background thread
        (BatchPrefetcher). When no callback needs every batch, the thread stacks groups
        of same-shaped batches and each group runs in one compiled loop; else one step a
        batch."""
        group = self._group_size(data, every, sparse)
        if isinstance(data, ArrayData):
            order, first, steps = data.epoch_plan(rng)
            bs = data.batch_size
            if group > 1:
                full = max(0, min(first + steps, data.num_samples // bs) - first)
                starts = range(first, first + full, group)
                items = [(None, order[i * bs:min(i + group, first + full) * bs]) for i in starts]
                items += [([b], None) for b in _array_batches(data, order, first + full,
                                                                first + steps)]
                prepare = lambda item: _prepare_group(item, data, group)  # noqa: E731
            else:
                items = _array_batches(data, order, first, first + steps)
        else:
            items = data.batches(rng)
            if group > 1:
                items = ((g, None) for g in same_shape_groups(_converted(items), group))
                prepare = lambda item: _prepare_group(item, data, group)  # noqa: E731
        if group == 1:
            prepare = lambda batch: single_to_device(_converted_batch(batch))  # noqa: E731
        check = self.setup.batch_check
        count = 0
        with BatchPrefetcher(items, prepare, depth=2) as prefetched:
            for host, batch in prefetched:
                if group == 1:
                    if check is not None:
                        check(host, count)
                    state = self._one_step(state, callbacks, every or sparse, count,
                                           lambda s: self._single_step()(s, batch))
                    count += 1
                else:
                    stacked, n, singles = batch
                    if check is not None:
                        for i, b in enumerate(host[0] or ()):
                            check(b, count + i)
                    state, count = self._run_group(state, stacked, n, singles, callbacks,
                                                   sparse, count)
                if self.stop_requested():
                    break
        self.cache["batches_per_epoch"] = count
        if hasattr(data, "on_epoch_end"):
            data.on_epoch_end()
        return state, count

    def _single_step(self):
        return self.step if self.run_eagerly else self._jitted(
            ("step",), lambda: jax.jit(self.step))

    def _group_size(self, data, every, sparse):
        """Batches per stacked group for host-fed data: one when a callback wants every
        batch, steps run eagerly or a distribution shards the batches; else at most
        GROUP_STEPS and GROUP_BYTES of data, and none for short epochs (the group loop's
        compile would cost more than it saves). Fixed for the runner's life, so the
        group loop compiles once."""
        if every or self.run_eagerly or self.step_by_step or distribution() is not None:
            return 1
        if "group" in self.cache:
            return self.cache["group"]
        steps = getattr(data, "steps", None) or self.cache.get("batches_per_epoch")
        if not steps or steps < 2 * GROUP_STEPS:
            return 1
        k = GROUP_STEPS if self.steps_per_execution == "auto" else self.steps_per_execution
        row_bytes = _batch_bytes(data)
        if row_bytes:
            k = max(1, min(k, GROUP_BYTES // row_bytes))
        self.cache["group"] = k
        return k

    def _run_group(self, state, stacked, n, singles, callbacks, sparse, count):
        """The `n` stacked batches from batch `count` on, in compiled calls that end at
        callback boundaries and last about MAX_CALL_SECONDS at most; then `singles`
        (batches of another shape, e.g. the last smaller one) one step each. With
        `sparse` hooks, the end hook of each call's last batch runs after it."""
        donate = self.mode == "train"
        loop = self._jitted(("group", donate), lambda: make_group_loop(self.step, donate))
        warm = self.cache.setdefault("warm_groups", set())
        done = 0
        while done < n:
            k = min(n - done, self._until_boundary(callbacks, count))
            if self._seconds_per_step:
                k = min(k, max(1, int(MAX_CALL_SECONDS / self._seconds_per_step)))
            k = max(1, k)
            key = _signature(stacked)
            state, seconds = self._timed(loop, state, stacked, np.int32(done), np.int32(k))
            if key in warm:  # the first call's time is mostly compiling
                self._seconds_per_step = seconds / k
            warm.add(key)
            done += k
            count += k
            if sparse:
                state = self._hooks_between(callbacks, count - 1, state, before=False)
                self.last_state = state
            if self.stop_requested():
                return state, count
        for batch in singles or ():
            state = self._one_step(state, callbacks, sparse, count,
                                   lambda s: self._single_step()(s, batch))
            count += 1
            if self.stop_requested():
                break
        return state, count


def _array_batches(data, order, start, end):
    """In-memory batches start .. end-1 of `order`, gathered on the host."""
    bs = data.batch_size
    return (tuple(data.host_batch(order[i * bs:(i + 1) * bs])) for i in range(start, end))


def _batch_bytes(data):
    """Bytes of one batch of in-memory data (None for other sources)."""
    if not isinstance(data, ArrayData):
        return None
    return max(1, data.nbytes // max(1, data.num_samples) * data.batch_size)


def _converted_batch(batch):
    return tree.map_structure(_as_input, tuple(batch))


def _converted(batches):
    for batch in batches:
        yield _converted_batch(batch)


def _prepare_group(item, data, group):
    """(host batches or None, rows or None) -> (stacked device group, batches in it,
    single device batches to run after it)."""
    host, rows = item
    if rows is not None:
        n = len(rows) // data.batch_size
        return gather_to_device(data.structure, rows, group, data.batch_size), n, ()
    if len(host) == 1 and group > 1:  # a batch of its own shape: a plain step
        return None, 0, (single_to_device(host[0]),)
    return stack_to_device(host, group), len(host), ()


def _signature(batch):
    leaves, treedef = jax.tree_util.tree_flatten(batch)
    return treedef, tuple((leaf.shape, leaf.dtype) for leaf in leaves)


def device_data_limit():
    """Bytes of in-memory training data kept on the device (default 2 GiB; env
    LAMINA_DEVICE_DATA_LIMIT). Larger arrays are fed batch by batch from the host."""
    return int(os.environ.get("LAMINA_DEVICE_DATA_LIMIT", 2 * 1024**3))


def _as_input(x):
    return None if x is None else to_array(x)

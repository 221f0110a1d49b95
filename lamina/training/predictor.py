"""Predictor: `predict`, mixed into Trainer.

In-memory inputs go to the device once and run through a compiled loop; one small batch is
one cached jitted call (the latency path); rows are regrouped into bigger compute batches
when every layer is row-independent.
"""

import jax
import numpy as np

from lamina.backend.config import is_shape_bucketing_enabled
from lamina.callbacks.callback_list import CallbackList
from lamina.core import tree
from lamina.training import data_adapter
from lamina.training.argument_checks import check_input_keys, check_numeric
from lamina.training.compiled_loops import make_predict_loop
from lamina.training.epoch_runner import device_data_limit
from lamina.training.shape_buckets import bucket_rows, pad_rows, take_rows, windows
from lamina.training.train_utils import structure_key, verbose_level
from lamina.backend.traceback_filter import filter_traceback


class Predictor:
    # caches (see Layer)
    _untracked = frozenset({"_predict_fast", "_output_spec_cache", "_stateful_cache"})

    @filter_traceback
    def predict(self, x, batch_size=None, verbose="auto", steps=None, callbacks=None):
        """Outputs for `x` as NumPy arrays, in the model's output structure."""
        verbose = verbose_level(verbose)
        self._check_inputs_numeric(x, "predict()")
        check_input_keys(self, x, "predict()")
        stateful = _has_stateful_layers(self)  # their states carry from batch to batch
        if not callbacks and not verbose and steps is None and not self.run_eagerly_predict() \
                and not stateful:
            small = self._predict_small(x, batch_size or 32)
            if small is not None:
                return small
        data = data_adapter.make_data(x, None, None, batch_size, steps, False, what="predict")
        first_x = self._peek(data)[0]
        self._ensure_built(first_x)
        cbs = CallbackList(callbacks, add_progbar=verbose != 0, model=self, verbose=verbose,
                           epochs=1, steps=getattr(data, "steps", None))
        trainable, non_trainable = self._variable_lists() if hasattr(self, "_variable_lists") \
            else (self.trainable_variables, self.non_trainable_variables)
        predict_fn = self._predict_fn()
        cbs.on_predict_begin()
        tv = [v._value for v in trainable]  # after the hook, which may swap weights in
        ntv = [v._value for v in non_trainable]  # (reads a callback's fit may serve exactly)
        outputs = []
        every_batch = bool(cbs.batch_consumers("predict")[0])  # hooks see each batch's outputs
        if isinstance(data, data_adapter.ArrayData) and not self.run_eagerly_predict() \
                and not every_batch and not stateful and data.nbytes <= device_data_limit():
            result = self._predict_arrays(data, tv, ntv, predict_fn, cbs)
        else:
            if stateful:
                predict_fn = self._stateful_predict_fn()
            fn = predict_fn if self.run_eagerly_predict() else self._cached(
                ("predict_step", stateful), lambda: jax.jit(predict_fn))
            if isinstance(data, data_adapter.ArrayData):
                bs = data.batch_size
                batches = ((data.host_batch(np.arange(i * bs, min((i + 1) * bs, data.num_samples)))[0],)
                           for i in range(data.steps))
            else:
                batches = data.batches(np.random.default_rng(0))
            for i, batch in enumerate(batches):
                cbs.on_predict_batch_begin(i)
                out = fn(tv, ntv, tree.map_structure(data_adapter.to_array, batch[0]))
                if stateful:
                    out, ntv = out
                outputs.append(out)
                cbs.on_predict_batch_end(i, {"outputs": jax.tree_util.tree_map(np.asarray, out)})
            if not outputs:
                raise ValueError("predict(): the data produced no batches.")
            result = jax.tree_util.tree_map(lambda *xs: np.concatenate([np.asarray(a) for a in xs]),
                                            *outputs)
        if stateful:
            for variable, value in zip(non_trainable, ntv):
                variable.assign(value)
        cbs.on_predict_end()
        return result

    def _input_keys(self, x):
        """The keys a dict `x` may have: the names of the model's inputs (None: any)."""
        struct = getattr(self, "_inputs_struct", None)
        if isinstance(struct, dict):
            return list(struct)
        return getattr(self, "input_names", None)

    def _check_inputs_numeric(self, x, what):
        """String inputs only where the model declares string inputs (Input(dtype="string"))."""
        inputs = getattr(self, "inputs", None) or []
        if any(getattr(t, "dtype", None) == "string" for t in inputs):
            return
        check_numeric(x, "x", what)

    def _predict_small(self, x, batch_size):
        """One jitted call for in-memory inputs that fit in one batch (no callbacks, silent):
        the latency path of predict(one sample). None when `x` is not such an input."""
        if not self.built:
            return None
        if isinstance(x, np.ndarray):  # the common case, checked cheaply
            if x.ndim == 0 or not 0 < x.shape[0] <= batch_size:
                return None
            if x.dtype == np.float64:
                x = x.astype(np.float32)
        else:
            leaves = tree.flatten(x) if isinstance(x, (list, tuple, dict)) else [x]
            if not leaves or not all(isinstance(a, (np.ndarray, jax.Array)) and a.ndim > 0
                                     for a in leaves):
                return None
            n = leaves[0].shape[0]
            if not 0 < n <= batch_size or any(a.shape[0] != n for a in leaves):
                return None
            x = tree.map_structure(lambda a: a.astype(np.float32) if a.dtype == np.float64 else a, x)
        key = structure_key(self)
        fast = self.__dict__.get("_predict_fast")
        if fast is None or fast[0] != key:
            trainable, non_trainable = self._variable_lists()
            predict_fn = self._predict_fn()
            split = len(trainable)
            step = jax.jit(lambda values, v: predict_fn(values[:split], values[split:], v))
            fast = (key, trainable + non_trainable, step, _rows_independent(self))
            self.__dict__["_predict_fast"] = fast
        n = tree.flatten(x)[0].shape[0]
        rows = bucket_rows(n) if fast[3] and is_shape_bucketing_enabled() else n
        out = fast[2]([v._value for v in fast[1]], pad_rows(x, rows))
        out = take_rows(out, n, rows) if rows != n else out
        return np.asarray(out) if isinstance(out, jax.Array) else \
            jax.tree_util.tree_map(np.asarray, out)

    def run_eagerly_predict(self):
        return bool(getattr(self, "run_eagerly", False))

    def _cached(self, key, build):
        cache = self._jit_cache.setdefault("predict", {})
        fn = cache.get(key)
        if fn is None:
            fn = cache[key] = build()
        return fn

    def _predict_fn(self):
        """`(tv, ntv, x) -> outputs` through the model's `predict_step` (Keras 3's JAX
        signature: `predict_step((trainable, non_trainable), (x,))`)."""
        model = self

        def predict_fn(tv, ntv, x):
            return model.predict_step((tv, ntv), (x,))

        return self._cached(("fn", structure_key(self)), lambda: predict_fn)

    def _stateful_predict_fn(self):
        """`(tv, ntv, x) -> (outputs, new_ntv)`: a stateful RNN's states carry on."""
        model = self

        def predict_fn(tv, ntv, x):
            return model.stateless_call(tv, ntv, x, training=False)

        return predict_fn

    def _predict_arrays(self, data, tv, ntv, predict_fn, cbs):
        """Predictions of in-memory arrays: full batches in compiled windows of 1..64
        batches (a bounded number of compilations for any number of rows), then the
        remaining rows in one call, padded up to a bucket size when rows are independent."""
        rows = min(data.num_samples, data.steps * data.batch_size)
        bs = data.batch_size
        independent = _rows_independent(self)
        if independent:
            # Each row's output depends on that row only, so bigger compute batches give
            # the same predictions with better matmul efficiency.
            bs = max(bs, PREDICT_COMPUTE_BATCH)
        full = rows // bs
        bucketing = is_shape_bucketing_enabled()
        x = data.x
        pieces, start = [], 0
        for window in (windows(full) if bucketing else [full] if full else []):
            stop = start + window * bs
            xw = tree.map_structure(lambda a: jax.device_put(a[start:stop]) if not isinstance(
                a, jax.Array) else a[start:stop], x)
            loop = self._cached(("loop", bs, structure_key(self)),
                                lambda: make_predict_loop(predict_fn, bs))
            pieces.append(loop(tv, ntv, xw))
            start = stop
        if rows > start:
            n = rows - start
            padded = bucket_rows(n) if independent and bucketing else n
            tail = pad_rows(tree.map_structure(lambda a: data_adapter.to_array(a[start:rows]), x),
                            padded)
            step = self._cached("predict_step", lambda: jax.jit(predict_fn))
            out = step(tv, ntv, tail)
            pieces.append(take_rows(out, n, padded) if padded != n else out)
        cbs.on_predict_batch_end(data.steps - 1, {})
        if len(pieces) == 1:
            return jax.tree_util.tree_map(np.asarray, pieces[0])
        return jax.tree_util.tree_map(lambda *a: np.concatenate([np.asarray(p) for p in a]),
                                      *pieces)


PREDICT_COMPUTE_BATCH = 256


def _has_stateful_layers(model):
    """Whether a layer of `model` is stateful; cached until the layers change (walking every
    layer's attributes on each call was a third of a one-sample predict's time)."""
    key = structure_key(model)
    cached = model.__dict__.get("_stateful_cache")
    if cached is None or cached[0] != key:
        stateful = any(getattr(layer, "stateful", False) is True
                       for layer in model._flatten_layers())
        cached = model.__dict__["_stateful_cache"] = (key, stateful)
    return cached[1]


def _rows_independent(model):
    """True when every layer's inference output for a row depends on that row alone (so
    predict may regroup rows into bigger compute batches)."""
    from lamina.layers.row_independence import rows_independent
    from lamina.models.functional import Functional
    from lamina.models.sequential import Sequential

    graphs = (Functional.call, Sequential.call)  # as their layers are
    return all(type(layer).call in graphs or rows_independent(layer)
               for layer in model._flatten_layers())


"""Trainer: compile / fit / evaluate / predict, mixed into Model.

During a call the model's state lives as arrays (see step_functions); it is written back
into the Variables before any callback hook runs and when the call ends.
"""

import math

import jax
import jax.numpy as jnp
import numpy as np

from lamina import metrics as metrics_mod
from lamina import optimizers as optimizers_mod
from lamina.callbacks.callback import batch_hooks_read_state
from lamina.callbacks.callback_list import CallbackList
from lamina.core import tree
from lamina.random.seed_generator import make_default_seed
from lamina.training import data_adapter
from lamina.training.compile_utils import (
    CompileLoss, CompileMetrics, flatten_targets, output_structure_names)
from lamina.training.epoch_runner import EpochRunner, to_host_logs
from lamina.training.predictor import Predictor
from lamina.training.step_functions import StepFunctions, make_loop, pack_data
from lamina.training.train_utils import (
    num_rows, overrides, should_validate, spec, structure_key, verbose_level)


class Trainer(Predictor):
    def __init__(self):
        self.compiled = False
        self.optimizer = None
        self.stop_training = False
        self.history = None
        self._compile_config = None
        self._jit_cache = {}
        self._setup = None

    # -- compile -----------------------------------------------------------------------
    def compile(self, optimizer="rmsprop", loss=None, loss_weights=None, metrics=None,
                weighted_metrics=None, run_eagerly=False, steps_per_execution="auto",
                jit_compile="auto", auto_scale_loss=True):
        """Configure training. Losses/metrics may be single, lists (by output position),
        nested lists or dicts (by output name). steps_per_execution: steps per compiled
        call ("auto" chooses). run_eagerly/jit_compile=False run the steps without jit."""
        self.optimizer = optimizers_mod.get(optimizer)
        self.loss = loss
        self._compile_loss = CompileLoss(loss, loss_weights) if loss is not None else None
        self._compile_metrics = CompileMetrics(metrics, weighted_metrics) \
            if (metrics or weighted_metrics) else None
        self.run_eagerly = bool(run_eagerly) or jit_compile is False
        if steps_per_execution != "auto" and (not isinstance(steps_per_execution, int)
                                              or steps_per_execution < 1):
            raise ValueError(f"steps_per_execution must be 'auto' or a positive int, got "
                             f"{steps_per_execution!r}.")
        self.steps_per_execution = steps_per_execution
        self._loss_tracker = metrics_mod.Mean(name="loss")
        self._output_loss_trackers = []
        self._compile_config = {
            "optimizer": optimizer, "loss": loss, "loss_weights": loss_weights,
            "metrics": metrics, "weighted_metrics": weighted_metrics,
            "run_eagerly": run_eagerly, "steps_per_execution": steps_per_execution,
            "jit_compile": jit_compile}
        self.compiled = True
        self._jit_cache = {}
        self._setup = None

    def _assert_compiled(self, what):
        if not self.compiled:
            raise ValueError(f"You must call compile() on model '{self.name}' before {what}().")

    @property
    def metrics(self):
        """Loss trackers and compiled metrics (after the first batch has built them)."""
        out = []
        if getattr(self, "_loss_tracker", None) is not None:
            out.append(self._loss_tracker)
            out.extend(t for t, _ in self._output_loss_trackers)
        if getattr(self, "_compile_metrics", None) is not None and self._compile_metrics.built:
            out.extend(self._compile_metrics.metrics)
        return out

    @property
    def metrics_names(self):
        """Log names of `self.metrics` (a compiled metric of a multi-output model:
        "cls_accuracy"), in the order of evaluate()'s list."""
        compiled = getattr(self, "_compile_metrics", None)
        logs = {id(m): n for _, m, _, n in compiled.entries} if compiled is not None else {}
        return _keras_order(self.metrics, [logs.get(id(m), m.name) for m in self.metrics])

    @property
    def metrics_variables(self):
        return [v for m in self.metrics for v in m.variables]

    def reset_metrics(self):
        for m in self.metrics:
            m.reset_state()

    def get_compile_config(self):
        return dict(self._compile_config) if self._compile_config else None

    def compute_metrics(self, x, y, y_pred, sample_weight=None):
        """Update the compiled metrics with one batch (inside a StatelessScope in a custom
        train_step, as in Keras 3 on JAX); returns `get_metrics_result()`."""
        if getattr(self, "_compile_metrics", None) is not None:
            if not self._compile_metrics.built:
                self._prepare(x, y)
            self._compile_metrics.update_state(y, y_pred, sample_weight)
        return self.get_metrics_result()

    def get_metrics_result(self):
        """{log name: result} of `self.metrics` (Python floats outside a trace)."""
        compiled = getattr(self, "_compile_metrics", None)
        names = {id(m): n for _, m, _, n in compiled.entries} if compiled is not None else {}
        out = {}
        for metric in self.metrics:
            result = metric.result()
            if not isinstance(result, dict):
                result = {names.get(id(metric), metric.name): result}
            out.update(result)
        if any(isinstance(v, jax.core.Tracer) for v in jax.tree_util.tree_leaves(out)):
            return out
        return to_host_logs(out)

    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        """The total loss for one batch: compiled losses plus the model's added losses."""
        total = jnp.float32(0.0)
        if self._compile_loss is not None:
            total, _ = self._compile_loss(y, y_pred, sample_weight)
        for extra in self.losses:
            total = total + extra
        return total

    # -- the steps, as Keras 3's JAX backend lets users override them -------------------
    def train_step(self, state, data):
        """One pure training step: `(state, data) -> (logs, new_state)`.

        state: (trainable, non_trainable, optimizer, metrics) variable values, in the
        orders of `trainable_variables`, `non_trainable_variables`, `optimizer.variables`
        and `metrics_variables`. data: `(x, y)` or `(x, y, sample_weight)`. Override it to
        customize `fit`, using `stateless_call`, `optimizer.stateless_apply` and
        `metric.stateless_update_state`; it runs inside the compiled loop.
        """
        fns = self._setup[1]
        new_state = fns.train_step(tuple(state), data_adapter.unpack_x_y_sample_weight(data))
        return fns.logs(new_state[3]), new_state

    def test_step(self, state, data):
        """One pure evaluation step: `(state, data) -> (logs, new_state)`, where state is
        (trainable, non_trainable, metrics) variable values (see train_step)."""
        fns = self._setup[1]
        tv, ntv, mv = state
        _, _, _, mv = fns.test_step((tv, ntv, [], mv), data_adapter.unpack_x_y_sample_weight(data))
        return fns.logs(mv), (tv, ntv, mv)

    def predict_step(self, state, data):
        """Outputs for one batch: state is (trainable, non_trainable) values, data `(x,)`."""
        x, _, _ = data_adapter.unpack_x_y_sample_weight(data)
        return self.stateless_call(state[0], state[1], x, training=False)[0]

    # -- set-up ------------------------------------------------------------------------
    def _ensure_built(self, x):
        """Build the model's weights from one batch's input structure (nothing is computed)."""
        if self.built:
            return
        shapes = tree.map_structure(lambda a: (None,) + tuple(np.shape(a))[1:], x)
        self.build(shapes)
        if not self.built:
            jax.eval_shape(lambda v: self(v), tree.map_structure(spec, x))

    def _outputspec(self, x):
        """Shapes/dtypes of the model's outputs for inputs like `x` (cached per signature)."""
        specs = tree.map_structure(spec, x)
        leaves, treedef = jax.tree_util.tree_flatten(specs)
        key = (structure_key(self), treedef, tuple((s.shape, s.dtype) for s in leaves))
        cache = self.__dict__.setdefault("_output_spec_cache", {})
        if key not in cache:
            tv = [v._value for v in self.trainable_variables]
            ntv = [v._value for v in self.non_trainable_variables]
            cache[key] = jax.eval_shape(
                lambda v: self.stateless_call(tv, ntv, v, training=False)[0], specs)
        return cache[key]

    def _prepare(self, x, y):
        """Build model, losses, metrics and optimizer for batches shaped like (x, y)."""
        self._ensure_built(x)
        key = (id(self.optimizer), structure_key(self))
        if self._setup is not None and self._setup[0] == key:
            return self._setup[1]
        y_pred_spec = self._outputspec(x)
        names = output_structure_names(self, y_pred_spec)
        pred_shapes = [tuple(s.shape) for s in flatten_targets(y_pred_spec, names, "predictions")]
        true_flat = flatten_targets(y, names, "y") if y is not None else [None] * len(names)
        true_shapes = [None if t is None else tuple(np.shape(t)) for t in true_flat]
        losses = [None] * len(names)
        if self._compile_loss is not None:
            if not self._compile_loss.built:
                self._compile_loss.build(names, true_shapes, pred_shapes)
            losses = self._compile_loss.losses
            if not self._output_loss_trackers and len(self._compile_loss.log_names):
                self._output_loss_trackers = [
                    (metrics_mod.Mean(name=n), i) for i, n in enumerate(self._compile_loss.log_names)]
        if self._compile_metrics is not None and not self._compile_metrics.built:
            self._compile_metrics.build(names, true_shapes, pred_shapes, losses)
            for (i, metric, _, _) in self._compile_metrics.entries:
                if not metric.built and true_flat[i] is not None:
                    metric.ensure_built(spec(true_flat[i]),
                                        jax.ShapeDtypeStruct(pred_shapes[i], "float32"))
        trainable = self.trainable_variables
        if not self.optimizer.built:
            self.optimizer.build(trainable)
        elif [id(v) for v in self.optimizer._trainable_variables] != [id(v) for v in trainable]:
            raise ValueError(
                f"The trainable variables of model '{self.name}' changed since its optimizer was "
                "built (a layer was frozen or unfrozen, or layers were added). Call compile() "
                "again before training.")
        trackers = [(self._loss_tracker, None)] + list(self._output_loss_trackers)
        custom = overrides(self, "train_step") or overrides(self, "test_step")
        if overrides(self, "metrics") or custom:
            metric_objs = list(self.metrics)  # the order a user's train_step slices
        else:
            metric_objs = [t for t, _ in trackers] + (
                self._compile_metrics.metrics if self._compile_metrics is not None else [])
        metric_vars = [v for m in metric_objs for v in m.variables]
        fns = StepFunctions(self, self._compile_loss, self._compile_metrics, trackers,
                            metric_vars, trainable, self.non_trainable_variables,
                            metric_objs=metric_objs, custom=custom)
        self._setup = (key, fns)  # the default train_step, which a user's may call, reads it
        if custom:
            state = self._gather_state(fns)
            for mode in ("train", "test"):
                if overrides(self, mode + "_step"):
                    fns.attach_step_logs(mode, state, pack_data((x, y, None)))
        self._jit_cache = {}
        return fns

    def _gather_state(self, fns):
        return ([v._value for v in fns.trainable_vars], [v._value for v in fns.non_trainable_vars],
                [v._value for v in self.optimizer.variables], [v._value for v in fns.metric_vars])

    def _write_state(self, fns, state):
        groups = (fns.trainable_vars, fns.non_trainable_vars, self.optimizer.variables,
                  fns.metric_vars)
        for variables, values in zip(groups, state):
            for var, value in zip(variables, values):
                var._value = value

    def _reset_metric_state(self, fns, state):
        return (state[0], state[1], state[2], fns.reset_values())

    def _runner(self, fns, mode):
        if mode == "train":
            step = fns.custom_train_step if overrides(self, "train_step") else fns.train_step
            hooks = ("on_train_batch_begin", "on_train_batch_end")
        else:
            step = fns.custom_test_step if overrides(self, "test_step") else fns.test_step
            hooks = ("on_test_batch_begin", "on_test_batch_end")
        cache = self._jit_cache.setdefault(mode, {})
        return EpochRunner(step, fns.logs_for(mode), cache, make_loop, hooks,
                           run_eagerly=self.run_eagerly,
                           order=fns.log_names, gather=lambda: self._gather_state(fns))

    def _chunk(self, data, every_batch, sparse, callbacks=None, mode="train"):
        """Steps per compiled call. A batch hook that may read the model gets one step a
        call (it sees the state after its batch); one reading only its logs gets them
        stacked. A callback with `_steps_alignment = N` (e.g. a checkpoint every N
        batches) gets chunk boundaries on multiples of N."""
        if self.steps_per_execution != "auto":
            chunk = self.steps_per_execution
        elif every_batch and callbacks is not None and any(
                batch_hooks_read_state(cb, mode) for cb in callbacks.callbacks):
            return 1
        else:
            steps = data.steps if getattr(data, "steps", None) else 1
            chunk = min(steps, 64) if every_batch else max(1, steps // 20) if sparse else steps
        for cb in (callbacks.callbacks if callbacks is not None else []):
            align = getattr(cb, "_steps_alignment", None)
            if align:
                chunk = math.gcd(chunk, int(align))
        return chunk

    # -- fit -----------------------------------------------------------------------------
    def fit(self, x=None, y=None, batch_size=None, epochs=1, verbose="auto", callbacks=None,
            validation_split=0.0, validation_data=None, shuffle=True, class_weight=None,
            sample_weight=None, initial_epoch=0, steps_per_epoch=None, validation_steps=None,
            validation_batch_size=None, validation_freq=1):
        """Train for `epochs` epochs; returns the History (see Keras's Model.fit)."""
        self._assert_compiled("fit")
        verbose = verbose_level(verbose)
        data = data_adapter.make_data(x, y, sample_weight, batch_size, steps_per_epoch, shuffle,
                                      class_weight, what="fit")
        val_data = None
        if validation_split:
            if not isinstance(data, data_adapter.ArrayData):
                raise ValueError("validation_split is only supported for array inputs; pass "
                                 "validation_data for generators and datasets.")
            data, val_data = data.split(validation_split)
        elif validation_data is not None:
            vx, vy, vsw = data_adapter.unpack_x_y_sample_weight(validation_data) \
                if isinstance(validation_data, (tuple, list)) else (validation_data, None, None)
            if vy is None and data_adapter.is_array_data(vx):
                raise ValueError(
                    "validation_data holds inputs only: pass (x_val, y_val) or "
                    "(x_val, y_val, val_sample_weight).")
            val_data = data_adapter.make_data(vx, vy, vsw, validation_batch_size or batch_size,
                                              validation_steps, False, what="validation")
        first_x, first_y = self._peek(data)
        fns = self._prepare(first_x, first_y)
        self._check_labels(data, first_x)
        cbs = CallbackList(callbacks, add_history=True, add_progbar=verbose != 0, model=self,
                           verbose=verbose, epochs=epochs, steps=getattr(data, "steps", None))
        every, sparse = cbs.batch_consumers("train")
        sparse = [c for c in sparse if getattr(c, "wants_batch_updates", lambda: True)()]
        runner = self._runner(fns, "train")
        # One shuffle stream per epoch, derived from (fit seed, epoch): a run resumed at
        # epoch k (initial_epoch, BackupAndRestore) shuffles as the uninterrupted run did.
        fit_seed = make_default_seed()
        sync = lambda s: self._write_state(fns, s)  # noqa: E731
        self.stop_training = False
        self._in_fit = True
        self._initial_epoch = None
        logs = {}
        cbs.on_train_begin()
        # Callbacks may have changed Variables (BackupAndRestore restores a backup) or the
        # first epoch (model._initial_epoch): read both after on_train_begin.
        if self._initial_epoch is not None:
            initial_epoch, self._initial_epoch = self._initial_epoch, None
        state = self._gather_state(fns)
        try:
            for epoch in range(initial_epoch, epochs):
                state = self._reset_metric_state(fns, state)
                sync(state)
                cbs.on_epoch_begin(epoch)
                state = self._gather_state(fns)  # e.g. a learning rate set by a scheduler
                rng = np.random.default_rng([fit_seed, epoch])
                state, steps_run = runner.run(state, data, cbs, bool(every), bool(sparse),
                                              self._chunk(data, bool(every), bool(sparse), cbs), rng, sync)
                if steps_run == 0:
                    raise ValueError("fit(): the training data produced no batches this epoch "
                                     "(an empty or exhausted generator).")
                logs = to_host_logs(runner.logs_fn_jit()(state[3]) if not self.run_eagerly
                                    else runner.logs_fn(state[3]), fns.log_names)
                sync(state)
                if val_data is not None and should_validate(epoch, validation_freq):
                    val_logs = self._evaluate_data(val_data, cbs, fns)
                    logs.update({"val_" + k: v for k, v in val_logs.items()})
                cbs.on_epoch_end(epoch, logs)
                state = self._gather_state(fns)
                if self.stop_training:
                    break
        except BaseException:
            # Interrupted (Ctrl-C, an error in a callback...): keep the weights of the last
            # completed steps, as Keras does, instead of those from before the epoch.
            if getattr(runner, "last_state", None) is not None:
                sync(runner.last_state)
            raise
        finally:
            self._in_fit = False
        if getattr(self.optimizer, "use_ema", False):
            self.optimizer.finalize_variable_values(fns.trainable_vars)
        cbs.on_train_end(logs)
        return self.history

    def _peek(self, data):
        """(x, y) of the first batch, to build the model and the compiled structures."""
        if isinstance(data, data_adapter.ArrayData):
            return data.x, data.y
        if isinstance(data, data_adapter.IndexableData):
            x, y, _ = data_adapter.unpack_x_y_sample_weight(data.source[0])
        else:
            if hasattr(data.source, "__next__"):
                first = next(data.source)
                rest = data.source
                import itertools

                data.source = itertools.chain([first], rest)
            else:
                first = next(iter(data.source))
            x, y, _ = data_adapter.unpack_x_y_sample_weight(first)
        conv = lambda a: None if a is None else data_adapter.standardize_arrays(a, "x")  # noqa: E731
        return conv(x), conv(y)

    def _check_labels(self, data, x):
        """Sparse crossentropy labels must lie in [0, classes): checked once on the host."""
        if self._compile_loss is None or not isinstance(data, data_adapter.ArrayData):
            return
        from lamina.training.compile_utils import _is_sparse_loss

        y_pred_spec = self._outputspec(x)
        names = self._compile_loss.output_names
        preds = flatten_targets(y_pred_spec, names, "predictions")
        targets = flatten_targets(data.y, names, "y")
        for name, loss, pred, t in zip(names, self._compile_loss.losses, preds, targets):
            if loss is None or t is None or not _is_sparse_loss(loss):
                continue
            t = np.asarray(t)
            classes = pred.shape[-1]
            ignore = getattr(loss, "ignore_class", None)
            valid = t if ignore is None else t[t != ignore]
            if valid.size and (valid.min() < 0 or valid.max() >= classes):
                raise ValueError(
                    f"Labels for output '{name}' must be integers in [0, {classes}) for "
                    f"'{getattr(loss, 'name', loss)}' (the output has {classes} classes), but "
                    f"they range over [{valid.min()}, {valid.max()}].")

    # -- evaluate ------------------------------------------------------------------------
    def evaluate(self, x=None, y=None, batch_size=None, verbose="auto", sample_weight=None,
                 steps=None, callbacks=None, return_dict=False):
        """Loss and metrics on the data: a scalar, a list in `metrics_names` order, or a dict."""
        self._assert_compiled("evaluate")
        verbose = verbose_level(verbose)
        data = data_adapter.make_data(x, y, sample_weight, batch_size, steps, False,
                                      what="evaluate")
        first_x, first_y = self._peek(data)
        fns = self._prepare(first_x, first_y)
        cbs = CallbackList(callbacks, add_progbar=verbose != 0, model=self, verbose=verbose,
                           epochs=1, steps=getattr(data, "steps", None))
        logs = self._evaluate_data(data, cbs, fns)
        return logs if return_dict else self._logs_as_list(logs)

    def _logs_as_list(self, logs):
        """Keras's order for evaluate()/train_on_batch() lists: logs named like a metric of
        `model.metrics`, in that order, then the other keys sorted (e.g. the prefixed
        metrics of a multi-output model: a_mae, b_mae, b_mse)."""
        values = [logs[k] for k in _keras_order(self.metrics, logs)]
        return values[0] if len(values) == 1 else values

    def _evaluate_data(self, data, cbs, fns):
        every, sparse = cbs.batch_consumers("test")
        sparse = [c for c in sparse if getattr(c, "wants_batch_updates", lambda: True)()]
        runner = self._runner(fns, "test")
        if hasattr(data, "restart"):
            data.restart()
        state = self._reset_metric_state(fns, self._gather_state(fns))
        self._write_state(fns, state)  # as in Keras, model.metrics now hold this evaluation
        cbs.on_test_begin()
        state = self._gather_state(fns)  # e.g. weights a callback swapped in (SwapEMAWeights)
        rng = np.random.default_rng(0)
        sync = lambda s: self._write_state(fns, s)  # noqa: E731
        chunk = self._chunk(data, bool(every), bool(sparse), cbs, mode="test")
        state, steps_run = runner.run(state, data, cbs, bool(every), bool(sparse), chunk, rng, sync)
        if steps_run == 0:
            raise ValueError("evaluate(): the data produced no batches.")
        logs = to_host_logs(runner.logs_fn_jit()(state[3]) if not self.run_eagerly
                            else runner.logs_fn(state[3]), fns.log_names)
        sync(state)
        cbs.on_test_end(logs)
        return logs

    # -- predict -------------------------------------------------------------------------
    # -- single batches --------------------------------------------------------------------
    def train_on_batch(self, x, y=None, sample_weight=None, class_weight=None, return_dict=False):
        """One training step on one batch; returns the loss and metrics for that batch."""
        self._assert_compiled("train_on_batch")
        data = data_adapter.ArrayData(x, y, sample_weight, batch_size=num_rows(x),
                                      class_weight=class_weight, what="train_on_batch")
        fns = self._prepare(data.x, data.y)
        state = self._reset_metric_state(fns, self._gather_state(fns))
        step = self._runner(fns, "train")._jitted(("step",), lambda: jax.jit(fns.train_step)) \
            if not self.run_eagerly else fns.train_step
        state = step(state, (data.x, data.y, data.sample_weight))
        self._write_state(fns, state)
        return self._batch_result(fns, state, return_dict, "train")

    def test_on_batch(self, x, y=None, sample_weight=None, return_dict=False):
        self._assert_compiled("test_on_batch")
        data = data_adapter.ArrayData(x, y, sample_weight, batch_size=num_rows(x),
                                      what="test_on_batch")
        fns = self._prepare(data.x, data.y)
        state = self._reset_metric_state(fns, self._gather_state(fns))
        step = self._runner(fns, "test")._jitted(("step",), lambda: jax.jit(fns.test_step)) \
            if not self.run_eagerly else fns.test_step
        state = step(state, (data.x, data.y, data.sample_weight))
        self._write_state(fns, state)
        return self._batch_result(fns, state, return_dict, "test")

    def predict_on_batch(self, x):
        return self.predict(x, batch_size=num_rows(x), verbose=0)

    def _batch_result(self, fns, state, return_dict, mode):
        logs = to_host_logs(fns.logs_for(mode)(state[3]), fns.log_names)
        return logs if return_dict else self._logs_as_list(logs)


def _keras_order(metrics, keys):
    """`keys` named like one of `metrics`, in that order, then the others sorted."""
    first = [n for n in dict.fromkeys(m.name for m in metrics) if n in keys]
    return first + sorted(k for k in keys if k not in first)

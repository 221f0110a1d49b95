"""Trainer: compile / fit / evaluate / train_on_batch / test_on_batch, mixed into Model.

Every batch goes through the model's `train_step` / `test_step` (Keras 3's JAX signatures;
the defaults are below and a user may override them), run by an EpochRunner inside compiled
loops. During a call the model's state lives as a TrainState of arrays; it is written back
into the Variables before callback hooks run and when the call ends.
"""

import itertools
import warnings

import jax
import jax.numpy as jnp
import numpy as np

from lamina import metrics as metrics_mod
from lamina import optimizers as optimizers_mod
from lamina.callbacks.callback_list import CallbackList
from lamina.core import tree
from lamina.core.serialization.deserialization import deserialize_keras_object
from lamina.core.stateless_scope import StatelessScope
from lamina.core.variable import raw_values
from lamina.random.seed_generator import make_default_seed
from lamina.training import data_adapter
from lamina.training.loop_caps import capped_epochs
from lamina.backend.traceback_filter import filter_traceback
from lamina.training.argument_checks import (
    check_input_keys, check_loop_arguments, check_numeric, check_sparse_labels)
from lamina.training.compile_utils import (
    CompileLoss, CompileMetrics, flatten_targets, output_structure_names)
from lamina.training.epoch_runner import EpochRunner, to_host_logs
from lamina.training.predictor import Predictor
from lamina.training.state_binding import StateBinding
from lamina.training.training_setup import TrainingSetup
from lamina.training.train_utils import (
    num_rows, overrides, should_validate, spec, structure_key, verbose_level)


class Trainer(Predictor):
    # Training bookkeeping on the model, never sublayers or weights (see Layer._untracked).
    _untracked = frozenset({
        "_jit_cache", "_compile_config", "_compile_loss", "_compile_metrics",
        "_output_loss_trackers", "_loss_tracker", "optimizer", "history", "loss",
        "_training_setup", "_training_setup_key",
    })

    def __init__(self):
        self.compiled = False
        self.optimizer = None
        self.stop_training = False
        self.history = None
        self._compile_config = None
        self._jit_cache = {}
        self._training_setup = None
        self._training_setup_key = None

    # -- compile -----------------------------------------------------------------------
    def compile(self, optimizer="rmsprop", loss=None, loss_weights=None, metrics=None,
                weighted_metrics=None, run_eagerly=False, steps_per_execution="auto",
                jit_compile="auto", auto_scale_loss=True):
        """Configure training. Losses/metrics may be single, lists (by output position),
        nested lists or dicts (by output name). steps_per_execution: steps per compiled
        call ("auto" chooses). run_eagerly/jit_compile=False run the steps without jit."""
        self.optimizer = optimizers_mod.get(optimizer)
        if auto_scale_loss and self.optimizer is not None and \
                self.dtype_policy.name == "mixed_float16" and \
                not isinstance(self.optimizer, optimizers_mod.LossScaleOptimizer):
            self.optimizer = optimizers_mod.LossScaleOptimizer(self.optimizer)  # as Keras does
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
        self._training_setup = None
        self._training_setup_key = None

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
        return _keras_order(self.metrics, self._log_names())

    def _log_names(self):
        """Log names of `self.metrics`, in that order (the order of fit's logs)."""
        compiled = getattr(self, "_compile_metrics", None)
        logs = {id(m): n for _, m, _, n in compiled.entries} if compiled is not None else {}
        return [logs.get(id(m), m.name) for m in self.metrics]

    @property
    def metrics_variables(self):
        return [v for m in self.metrics for v in m.variables]

    def reset_metrics(self):
        for m in self.metrics:
            m.reset_state()

    def get_compile_config(self):
        return dict(self._compile_config) if self._compile_config else None

    def compile_from_config(self, config):
        """Compile from a saved compile config (Keras's `compile_config` layout: serialized
        optimizer, loss, metrics, ...), then build the optimizer. A model whose `compile` is
        its own is left uncompiled with a warning, as Keras does: such a model should
        override `get_compile_config` and `compile_from_config` too."""
        if type(self).compile is not Trainer.compile:
            warnings.warn(
                f"Model '{self.name}' was not compiled on loading: its class defines its own "
                "`compile()`. Override `get_compile_config()` and `compile_from_config(config)` "
                "as well, or call `compile()` after loading.", stacklevel=2)
            return
        if not config:
            return
        kwargs = {}
        for key in ("loss", "loss_weights", "metrics", "weighted_metrics"):
            if config.get(key) is not None:
                kwargs[key] = deserialize_keras_object(config[key],
                                                       families=("losses", "metrics"))
        kwargs["optimizer"] = deserialize_keras_object(config.get("optimizer") or "rmsprop",
                                                       families=("optimizers", "schedules"))
        for key in ("run_eagerly", "steps_per_execution", "jit_compile"):
            if key in config:
                kwargs[key] = config[key]
        self.compile(**kwargs)
        if self.built and self.optimizer is not None and not self.optimizer.built:
            self.optimizer.build(self.trainable_variables)

    def compute_metrics(self, x, y, y_pred, sample_weight=None):
        """Update the compiled metrics with one batch (inside a StatelessScope in a custom
        train_step, as in Keras 3 on JAX); returns `get_metrics_result()`."""
        if getattr(self, "_compile_metrics", None) is not None:
            if not self._compile_metrics.built:
                self._prepare(x, y, sample_weight)
            self._compile_metrics.update_state(y, y_pred, sample_weight)
        return self.get_metrics_result()

    def get_metrics_result(self):
        """{log name: result} of `self.metrics` (Python floats outside a trace)."""
        out = {}
        for metric, name in zip(self.metrics, self._log_names()):
            result = metric.result()
            out.update(result if isinstance(result, dict) else {name: result})
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

    # -- the steps fit / evaluate / predict go through (Keras 3's JAX signatures) ----------
    def train_step(self, state, data):
        """One pure training step: `(state, data) -> (logs, new_state)`.

        state: `(trainable, non_trainable, optimizer, metrics)` variable values, in the
        orders of `trainable_variables`, `non_trainable_variables`, `optimizer.variables`
        and `metrics_variables`. data: `(x, y)` or `(x, y, sample_weight)`. Override it to
        customize `fit`, using `stateless_call`, `optimizer.stateless_apply` and
        `metric.stateless_update_state`; it runs inside the compiled loop.
        """
        setup = self._training_setup
        tv, ntv, ov, mv = state
        x, y, sw = data_adapter.unpack_x_y_sample_weight(data)
        optimizer = self.optimizer

        def loss_fn(tv):
            y_pred, new_ntv, extra, masks = setup.forward(tv, ntv, x, True)
            total, per_output = setup.loss(x, y, y_pred, sw, extra, masks)
            with StatelessScope(zip(optimizer.variables, ov)):  # the state's loss scale
                scaled = optimizer.scale_loss(total)
            return scaled, (total, y_pred, new_ntv, per_output, masks)

        grads, (total, y_pred, new_ntv, per_output, masks) = jax.grad(loss_fn, has_aux=True)(tv)
        new_tv, new_ov = optimizer.stateless_apply(ov, grads, tv)
        new_mv = setup.update_metrics(mv, total, per_output, y, y_pred, sw, x, masks)
        return setup.metric_logs(new_mv), (new_tv, new_ntv, new_ov, new_mv)

    def test_step(self, state, data):
        """One pure evaluation step: `(state, data) -> (logs, new_state)`, where state is
        `(trainable, non_trainable, metrics)` variable values (see train_step)."""
        setup = self._training_setup
        tv, ntv, mv = state
        x, y, sw = data_adapter.unpack_x_y_sample_weight(data)
        y_pred, new_ntv, extra, masks = setup.forward(tv, ntv, x, False)
        total, per_output = setup.loss(x, y, y_pred, sw, extra, masks)
        new_mv = setup.update_metrics(mv, total, per_output, y, y_pred, sw, x, masks)
        return setup.metric_logs(new_mv), (tv, new_ntv, new_mv)  # e.g. stateful RNN states

    def predict_step(self, state, data):
        """Outputs for one batch: state is `(trainable, non_trainable)` values, data `(x,)`."""
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
            tv = raw_values(self.trainable_variables)
            ntv = raw_values(self.non_trainable_variables)
            cache[key] = jax.eval_shape(
                lambda v: self.stateless_call(tv, ntv, v, training=False)[0], specs)
        return cache[key]

    def _prepare(self, x, y, sample_weight=None):
        """The TrainingSetup for batches shaped like (x, y): builds the model, the compiled
        losses and metrics, and the optimizer (once; again after the model changed)."""
        self._ensure_built(x)
        key = (id(self.optimizer), structure_key(self))
        setup = self.__dict__.get("_training_setup")
        if setup is not None and self._training_setup_key == key:
            return setup
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
        if self.optimizer is None:
            raise ValueError(f"Model '{self.name}' was compiled without an optimizer; pass "
                             "compile(optimizer=...) to train it.")
        if not self.optimizer.built:
            self.optimizer.build(trainable)
        elif [id(v) for v in self.optimizer._trainable_variables] != [id(v) for v in trainable]:
            raise ValueError(
                f"The trainable variables of model '{self.name}' changed since its optimizer was "
                "built (a layer was frozen or unfrozen, or layers were added). Call compile() "
                "again before training.")
        trackers = [(self._loss_tracker, None)] + list(self._output_loss_trackers)
        binding = StateBinding(trainable, self.non_trainable_variables,
                               self.optimizer.variables, self.metrics_variables)
        custom = {"train": overrides(self, "train_step"), "test": overrides(self, "test_step")}
        setup = TrainingSetup(self, self._compile_loss, self._compile_metrics, trackers,
                              binding, custom)
        setup.set_example_batch(tuple(
            None if a is None else tree.map_structure(spec, a) for a in (x, y, sample_weight)))
        self._training_setup, self._training_setup_key = setup, key
        self._jit_cache = {}
        return setup

    def _runner(self, setup, mode):
        return EpochRunner(setup, mode, self._jit_cache.setdefault(mode, {}),
                           run_eagerly=self.run_eagerly,
                           steps_per_execution=self.steps_per_execution)

    def _run_epoch(self, runner, data, cbs, rng, what):
        """One epoch of `runner`'s steps from the model's Variables, metrics reset first;
        the state is back in the Variables at the end. Returns the epoch's logs."""
        setup = runner.setup
        state = setup.reset_metrics(setup.initial_state(runner.mode))
        state, steps_run = runner.run(state, data, cbs, rng)
        if steps_run == 0:
            raise ValueError(f"{what}: the data produced no batches"
                             + (" this epoch (an empty or exhausted generator)."
                                if runner.mode == "train" else "."))
        setup.binding.write(state)
        return runner.logs(state)

    # -- fit -----------------------------------------------------------------------------
    @filter_traceback
    def fit(self, x=None, y=None, batch_size=None, epochs=1, verbose="auto", callbacks=None,
            validation_split=0.0, validation_data=None, shuffle=True, class_weight=None,
            sample_weight=None, initial_epoch=0, steps_per_epoch=None, validation_steps=None,
            validation_batch_size=None, validation_freq=1):
        """Train for `epochs` epochs; returns the History (see Keras's Model.fit)."""
        self._assert_compiled("fit")
        verbose = verbose_level(verbose)
        check_loop_arguments("fit()", epochs=epochs)
        epochs = capped_epochs(epochs)
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
        setup = self._prepare_checked(data, "fit()")
        cbs = CallbackList(callbacks, add_history=True, add_progbar=verbose != 0, model=self,
                           verbose=verbose, epochs=epochs, steps=getattr(data, "steps", None))
        runner = self._runner(setup, "train")
        val_runner = self._runner(setup, "test")
        # One shuffle stream per epoch, derived from (fit seed, epoch): a run resumed at
        # epoch k (initial_epoch, BackupAndRestore) shuffles as the uninterrupted run did.
        fit_seed = make_default_seed()
        self.stop_training = False
        self._initial_epoch = None
        logs = {}
        cbs.on_train_begin()
        # A callback may move the first epoch (BackupAndRestore restores a backup).
        if self._initial_epoch is not None:
            initial_epoch, self._initial_epoch = self._initial_epoch, None
        try:
            for epoch in range(initial_epoch, epochs):
                # As in Keras, metrics are reset before on_epoch_begin; a hook's changes to
                # Variables (e.g. a scheduler's learning rate) are read after it.
                setup.binding.write(setup.reset_metrics(setup.binding.read()))
                cbs.on_epoch_begin(epoch)
                logs = self._run_epoch(runner, data, cbs, np.random.default_rng([fit_seed, epoch]),
                                       "fit()")
                if val_data is not None and should_validate(epoch, validation_freq):
                    val_logs = self._evaluate_data(val_runner, val_data, cbs)
                    logs.update({"val_" + k: v for k, v in val_logs.items()})
                cbs.on_epoch_end(epoch, logs)
                if self.stop_training:
                    break
        except BaseException:
            # Interrupted (Ctrl-C, an error in a callback...): keep the weights of the last
            # finished step, as Keras does, instead of those from before the epoch.
            if runner.last_state is not None:
                setup.binding.write(runner.last_state)
            raise
        if getattr(self.optimizer, "use_ema", False):
            self.optimizer.finalize_variable_values(setup.binding.variables.trainable)
        cbs.on_train_end(logs)
        return self.history

    def _peek(self, data):
        """(x, y, sample_weight) of the first batch, to build the model and the compiled
        structures."""
        if isinstance(data, data_adapter.ArrayData):  # the first batch's rows (a stateful
            first = lambda a: None if a is None else tree.map_structure(  # noqa: E731
                lambda v: v[:data.batch_size], a)  # RNN accepts its batch size only)
            return first(data.x), first(data.y), first(data.sample_weight)
        if isinstance(data, data_adapter.IndexableData):
            first = data.source[0]
        else:
            source = data.source if hasattr(data.source, "__next__") else iter(data.source)
            first = next(source, _NOTHING)
            if first is _NOTHING:
                raise ValueError("The data produced no batches (an empty or exhausted "
                                 "generator or iterable).")
            if source is data.source:
                data.source = itertools.chain([first], data.source)
        conv = lambda a: None if a is None else data_adapter.standardize_arrays(a, "x")  # noqa: E731
        return tuple(conv(a) for a in data_adapter.unpack_x_y_sample_weight(first))

    def _prepare_checked(self, data, what):
        """`_prepare` on the first batch of `data`, after checking what the model is fed;
        in-memory labels are checked whole, other sources' batch by batch as they come."""
        x, y, sw = self._peek(data)
        check_input_keys(self, x, what)
        self._check_inputs_numeric(x, what)
        check_numeric(y, "y", what)
        check_numeric(sw, "sample_weight", what)
        setup = self._prepare(x, y, sw)
        if isinstance(data, data_adapter.ArrayData):
            check_sparse_labels(self._compile_loss, self._outputspec(x), data.y, what)
        else:
            setup.batch_check = lambda batch, index: check_sparse_labels(  # noqa: E731
                self._compile_loss, self._outputspec(batch[0]), batch[1], what, index)
        return setup

    # -- evaluate ------------------------------------------------------------------------
    @filter_traceback
    def evaluate(self, x=None, y=None, batch_size=None, verbose="auto", sample_weight=None,
                 steps=None, callbacks=None, return_dict=False):
        """Loss and metrics on the data: a scalar, a list in `metrics_names` order, or a dict."""
        self._assert_compiled("evaluate")
        verbose = verbose_level(verbose)
        data = data_adapter.make_data(x, y, sample_weight, batch_size, steps, False,
                                      what="evaluate")
        setup = self._prepare_checked(data, "evaluate()")
        cbs = CallbackList(callbacks, add_progbar=verbose != 0, model=self, verbose=verbose,
                           epochs=1, steps=getattr(data, "steps", None))
        logs = self._evaluate_data(self._runner(setup, "test"), data, cbs)
        return logs if return_dict else self._logs_as_list(logs)

    def _logs_as_list(self, logs):
        """Keras's order for evaluate()/train_on_batch() lists: logs named like a metric of
        `model.metrics`, in that order, then the other keys sorted (e.g. the prefixed
        metrics of a multi-output model: a_mae, b_mae, b_mse)."""
        values = [logs[k] for k in _keras_order(self.metrics, logs)]
        return values[0] if len(values) == 1 else values

    def _evaluate_data(self, runner, data, cbs):
        if hasattr(data, "restart"):
            data.restart()
        setup = runner.setup
        # As in Keras, model.metrics hold this evaluation from on_test_begin on, and the
        # weights a hook puts in (SwapEMAWeights) are the ones evaluated.
        setup.binding.write(setup.reset_metrics(setup.binding.current()))
        cbs.on_test_begin()
        logs = self._run_epoch(runner, data, cbs, np.random.default_rng(0), "evaluate()")
        cbs.on_test_end(logs)
        return logs

    # -- single batches --------------------------------------------------------------------
    def train_on_batch(self, x, y=None, sample_weight=None, class_weight=None, return_dict=False):
        """One training step on one batch; returns the loss and metrics for that batch."""
        self._assert_compiled("train_on_batch")
        data = data_adapter.ArrayData(x, y, sample_weight, batch_size=num_rows(x),
                                      class_weight=class_weight, what="train_on_batch")
        return self._on_batch("train", data, return_dict)

    def test_on_batch(self, x, y=None, sample_weight=None, return_dict=False):
        """The loss and metrics of one batch, without training."""
        self._assert_compiled("test_on_batch")
        data = data_adapter.ArrayData(x, y, sample_weight, batch_size=num_rows(x),
                                      what="test_on_batch")
        return self._on_batch("test", data, return_dict)

    def _on_batch(self, mode, data, return_dict):
        what = f"{mode}_on_batch()"
        check_input_keys(self, data.x, what)
        self._check_inputs_numeric(data.x, what)
        check_numeric(data.y, "y", what)
        setup = self._prepare(data.x, data.y, data.sample_weight)
        check_sparse_labels(self._compile_loss, self._outputspec(data.x), data.y, what)
        runner = self._runner(setup, mode)
        state = setup.reset_metrics(setup.initial_state(mode))
        step = runner.step if self.run_eagerly else runner._jitted(
            ("step",), lambda: jax.jit(runner.step))
        state = step(state, (data.x, data.y, data.sample_weight))
        setup.binding.write(state)
        logs = runner.logs(state)
        return logs if return_dict else self._logs_as_list(logs)

    def predict_on_batch(self, x):
        """Outputs for one batch `x` (NumPy arrays)."""
        rows = num_rows(x)
        if rows == 0:
            raise ValueError("predict_on_batch() received an empty batch (0 samples).")
        return self.predict(x, batch_size=rows, verbose=0)


_NOTHING = object()


def _keras_order(metrics, keys):
    """`keys` named like one of `metrics`, in that order, then the others sorted."""
    first = [n for n in dict.fromkeys(m.name for m in metrics) if n in keys]
    return first + sorted(k for k in keys if k not in first)

"""TrainingSetup: what one compiled model trains and evaluates with, built on its first batch.

It holds the compiled losses and metrics, the loss trackers, the StateBinding of the model's
Variables, and the pure pieces the default `train_step` / `test_step` are made of. Every
step of fit/evaluate goes through `run_step`, which calls the model's own (possibly
overridden) `train_step(state, data)` / `test_step(state, data)`.
"""

import jax
import jax.numpy as jnp

from lamina.core import masking, tree
from lamina.core.stateless_scope import StatelessScope
from lamina.distribution import placement
from lamina.training.train_state import split_step_result


class TrainingSetup:
    """Args:
        model: the Model. compile_loss / compile_metrics: built CompileLoss/CompileMetrics
            (or None). loss_trackers: [(Mean metric, index)]: index None for the total
            loss, else the position in the per-output loss list.
        binding: the StateBinding of the model's Variables.
        custom_steps: {"train": bool, "test": bool}: the model overrides that step.
    """

    def __init__(self, model, compile_loss, compile_metrics, loss_trackers, binding,
                 custom_steps):
        self.model = model
        self.compile_loss = compile_loss
        self.compile_metrics = compile_metrics
        self.loss_trackers = loss_trackers
        self.binding = binding
        self.metric_objs = list(model.metrics)
        self.custom_steps = custom_steps
        # Per mode: zeros shaped like a custom step's own logs (see _own_logs_template).
        self._logs_templates = {}
        # `(batch, index) -> None`, raising on bad labels of a batch fed from the host.
        self.batch_check = None

    @property
    def metric_vars(self):
        return self.binding.variables.metrics

    # -- the pieces of the default steps ----------------------------------------------
    def forward(self, tv, ntv, x, training):
        """(y_pred, new non-trainable values, added losses, the outputs' Keras masks)."""
        with masking.capture_output_masks(self.model) as request:
            y_pred, new_ntv, losses = self.model.stateless_call(
                tv, ntv, x, training=training, return_losses=True)
        return y_pred, new_ntv, losses, request.masks

    def loss(self, x, y, y_pred, sample_weight, extra_losses, masks=None):
        """(total loss, per-output losses): compiled losses, or the model's own
        `compute_loss(x, y, y_pred, sample_weight)`, plus added losses."""
        from lamina.training.trainer import Trainer

        if type(self.model).compute_loss is Trainer.compute_loss:
            total, per_output = (jnp.float32(0.0), []) if self.compile_loss is None else \
                self.compile_loss(y, y_pred, sample_weight, masks)
        else:
            total = self.model.compute_loss(x=x, y=y, y_pred=y_pred, sample_weight=sample_weight)
            per_output = []
        if extra_losses:
            total = total + sum(jnp.asarray(l, total.dtype) for l in extra_losses)
        return total, per_output

    def update_metrics(self, mv, total, per_output, y, y_pred, sample_weight, x, masks=None):
        """New metric values after one batch (loss trackers and compiled metrics)."""
        batch_size = jnp.asarray(tree.flatten(x)[0].shape[0], jnp.float32)
        with StatelessScope(zip(self.metric_vars, mv)) as scope:
            for tracker, index in self.loss_trackers:
                value = total if index is None else per_output[index]
                tracker.update_state(value, sample_weight=batch_size)
            if self.compile_metrics is not None and y is not None:
                self.compile_metrics.update_state(y, y_pred, sample_weight, masks)
        return [scope.get_current_value(v) for v in self.metric_vars]

    def metric_logs(self, mv):
        """{log name: result} of the metrics, from metric values (pure)."""
        with StatelessScope(zip(self.metric_vars, mv)):
            return self.model.get_metrics_result()

    @property
    def log_names(self):
        return self.model._log_names()

    # -- state -------------------------------------------------------------------------
    def initial_state(self, mode):
        """The model's state as its Variables hold it, ready for `mode`'s steps."""
        return self.binding.current(self._logs_template(mode))

    def reset_metrics(self, state):
        values = [v for m in self.metric_objs for v in m.stateless_reset_state()]
        return state.with_metrics(values)

    def logs(self, state):
        """The logs after a step: the step's own logs, or the metrics' results."""
        if state.step_logs is not None:
            return state.step_logs
        return self.metric_logs(state.metrics)

    # -- the step every batch goes through ---------------------------------------------
    def run_step(self, mode, state, batch):
        """`mode`'s step (the model's train_step/test_step) on one (x, y, sw) batch."""
        what = mode + "_step"
        batch = placement.constrain_batch(batch)  # split over the data-parallel devices
        result = _call_step(getattr(self.model, what), state.as_keras_state(mode),
                            pack_data(batch), what)
        logs, new_state = split_step_result(result, mode)
        new = state.from_keras_state(mode, new_state, logs)
        # Each value keeps its Variable's layout, so XLA partitions every step alike.
        return new._replace(**{name: placement.constrain_values(getattr(new, name), variables)
                               for name, variables in zip(new._fields[:4], self.binding.variables)})

    def _logs_template(self, mode):
        """None when `mode`'s step reports the metrics' results (always so for lamina's
        default steps); else zeros shaped like the logs a user's step returns, which Keras
        reports when their keys differ from the metrics' (e.g. `{"loss": loss}` with no
        metric updated)."""
        if not self.custom_steps.get(mode):
            return None
        if mode not in self._logs_templates:
            self._logs_templates[mode] = self._own_logs_template(mode)
        return self._logs_templates[mode]

    def _own_logs_template(self, mode):
        state = self.binding.read()
        what = mode + "_step"

        def run(keras_state, data):
            result = _call_step(getattr(self.model, what), keras_state, data, what)
            logs, new_state = split_step_result(result, mode)
            state.from_keras_state(mode, new_state, None)
            return logs

        data = self._example_batch
        logs = jax.eval_shape(run, state.as_keras_state(mode), data)
        metric_keys = jax.eval_shape(self.metric_logs, state.metrics)
        if set(logs) == set(metric_keys):
            return None
        return jax.tree_util.tree_map(lambda s: jnp.zeros(s.shape, s.dtype), logs)

    def set_example_batch(self, batch):
        """Shapes of one (x, y, sw) batch, to learn what a user's step returns."""
        self._example_batch = pack_data(batch)


def _call_step(method, state, data, what):
    try:
        return method(state, data)
    except TypeError as err:
        if f"{what}() takes 2 positional" in str(err):
            raise TypeError(
                f"{what} is called as {what}(state, data) and returns (logs, new_state), as in "
                f"Keras 3 on JAX; a Keras 2 style {what}(self, data) does not fit.") from err
        raise


def pack_data(batch):
    """(x, y, sw) with Nones dropped from the end: what a step receives as `data`."""
    x, y, sw = batch
    if sw is not None:
        return (x, y, sw)
    if y is not None:
        return (x, y)
    return (x,)

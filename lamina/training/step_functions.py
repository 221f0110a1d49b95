"""The pure train / test / predict steps and the compiled loops that run many of them.

State is a tuple of four lists of arrays, in the order of the Variables they stand for:
`(trainable, non_trainable, optimizer, metrics)`. Steps map `(state, batch) -> state`;
nothing here touches a Variable, so every function can be jitted.
"""

import jax
import jax.numpy as jnp
from jax import lax

from lamina.core import masking, tree
from lamina.core.stateless_scope import StatelessScope


class StepFunctions:
    """Pure functions of one compiled model (built once per fit/evaluate/predict setup).

    Args:
        model: the Model. compile_loss / compile_metrics: built CompileLoss/CompileMetrics.
        loss_trackers: [(Mean metric, index)] index None for the total loss, else the
            position in the per-output loss list.
        metric_vars: every metric Variable, in the order of the state's metric list.
    """

    def __init__(self, model, compile_loss, compile_metrics, loss_trackers, metric_vars,
                 trainable_vars, non_trainable_vars, metric_objs=None, custom=False):
        self.model = model
        self.metric_objs = metric_objs or []
        self.custom = custom
        self.compile_loss = compile_loss
        self.compile_metrics = compile_metrics
        self.loss_trackers = loss_trackers
        self.metric_vars = metric_vars
        self.n_metric = len(metric_vars)  # later entries hold a user step's own logs
        self.step_logs = {"train": None, "test": None}
        self.trainable_vars = trainable_vars
        self.non_trainable_vars = non_trainable_vars

    # -- pieces ---------------------------------------------------------------------
    def forward(self, tv, ntv, x, training):
        """(y_pred, new non-trainable values, added losses, the outputs' Keras masks)."""
        with masking.capture_output_masks(self.model) as request:
            y_pred, new_ntv, losses = self.model.stateless_call(
                tv, ntv, x, training=training, return_losses=True)
        return y_pred, new_ntv, losses, request.masks

    def loss(self, x, y, y_pred, sample_weight, extra_losses, masks=None):
        from lamina.training.trainer import Trainer

        if type(self.model).compute_loss is Trainer.compute_loss:
            total, per_output = (jnp.float32(0.0), []) if self.compile_loss is None else \
                self.compile_loss(y, y_pred, sample_weight, masks)
        else:  # a user override, as in Keras: compute_loss(x, y, y_pred, sample_weight)
            total = self.model.compute_loss(x=x, y=y, y_pred=y_pred, sample_weight=sample_weight)
            per_output = []
        if extra_losses:
            total = total + sum(jnp.asarray(l, total.dtype) for l in extra_losses)
        return total, per_output

    def update_metrics(self, mv, total, per_output, y, y_pred, sample_weight, batch_size,
                       masks=None):
        with StatelessScope(zip(self.metric_vars, mv)) as scope:
            for tracker, index in self.loss_trackers:
                value = total if index is None else per_output[index]
                tracker.update_state(value, sample_weight=batch_size)
            if self.compile_metrics is not None and y is not None:
                self.compile_metrics.update_state(y, y_pred, sample_weight, masks)
        return [scope.get_current_value(v) for v in self.metric_vars[:len(mv)]]

    @property
    def log_names(self):
        if self.custom:
            return [m.name for m in self.metric_objs]
        names = [tracker.name for tracker, _ in self.loss_trackers]
        if self.compile_metrics is not None:
            names += self.compile_metrics.log_names
        return names

    def reset_values(self):
        """Initial values of every metric variable (what reset_state would assign)."""
        return [v for m in self.metric_objs for v in m.stateless_reset_state()] + [
            slot.initial for slot in self.metric_vars[self.n_metric:]]

    def logs(self, mv):
        """{log name: value} from metric variable values."""
        if self.custom:
            return self._metric_results(mv)
        with StatelessScope(zip(self.metric_vars, mv)):
            out = {}
            for tracker, _ in self.loss_trackers:
                out[tracker.name] = tracker.result()
            if self.compile_metrics is not None:
                out.update(self.compile_metrics.results())
        return out

    def _metric_results(self, mv):
        out, start = {}, 0
        for metric in self.metric_objs:
            n = len(metric.variables)
            result = metric.stateless_result(mv[start:start + n])
            start += n
            if isinstance(result, dict):
                out.update(result)
            else:
                out[metric.name] = result
        return out

    # -- user-defined steps (Keras 3's JAX-backend signatures) -------------------------
    def _user_state(self, mode, state):
        tv, ntv, ov, mv = state
        mv = list(mv[:self.n_metric])
        # Keras's test_step state has no optimizer variables: (trainable, non_trainable, metrics).
        return (tv, ntv, ov, mv) if mode == "train" else (tv, ntv, mv)

    def _run_user_step(self, mode, state, batch):
        what = mode + "_step"
        user_state = self._user_state(mode, state)
        result = _call_step(getattr(self.model, what), user_state, pack_data(batch), what)
        new = _checked_state(result, user_state, what)
        tv, ntv, mv = new[0], new[1], new[-1]
        ov = new[2] if mode == "train" else state[2]
        mv = list(mv) + list(state[3][self.n_metric:])
        if self.step_logs[mode] is not None:
            start, count, _ = self.step_logs[mode]
            slots = self.metric_vars[start:start + count]
            mv[start:start + count] = [jnp.asarray(v, slot.initial.dtype) for v, slot in
                                       zip(jax.tree_util.tree_leaves(result[0]), slots)]
        return (tv, ntv, ov, mv)

    def custom_train_step(self, state, batch):
        return self._run_user_step("train", state, batch)

    def custom_test_step(self, state, batch):
        return self._run_user_step("test", state, batch)

    def attach_step_logs(self, mode, state, data):
        """Keras reports the logs a user's train_step/test_step returns when their keys
        differ from the metrics' (e.g. `{"loss": loss}` with no metric updated): they
        are kept in extra metric-state slots, so they flow through the compiled loop."""
        what = mode + "_step"
        def run(user_state, data):
            result = _call_step(getattr(self.model, what), user_state, data, what)
            _checked_state(result, user_state, what)
            return result

        logs, _ = jax.eval_shape(run, self._user_state(mode, state), data)
        metric_keys = jax.eval_shape(self._metric_results, list(state[3][:self.n_metric]))
        if isinstance(logs, dict) and set(logs) == set(metric_keys):
            return
        leaves, treedef = jax.tree_util.tree_flatten(logs)
        self.step_logs[mode] = (len(self.metric_vars), len(leaves), treedef)
        self.metric_vars = self.metric_vars + [_LogSlot(leaf) for leaf in leaves]

    def logs_for(self, mode):
        """`metric_values -> logs` of `mode`'s step: a user step's own logs (see
        attach_step_logs) or the metrics' results."""
        if self.step_logs[mode] is None:
            return self.logs
        start, count, treedef = self.step_logs[mode]
        return lambda mv: jax.tree_util.tree_unflatten(treedef, list(mv[start:start + count]))

    # -- steps -----------------------------------------------------------------------
    def train_step(self, state, batch):
        tv, ntv, ov, mv = state
        x, y, sw = batch
        optimizer = self.model.optimizer

        def loss_fn(tv):
            y_pred, new_ntv, extra, masks = self.forward(tv, ntv, x, True)
            total, per_output = self.loss(x, y, y_pred, sw, extra, masks)
            scaled = optimizer.scale_loss(total) if hasattr(optimizer, "scale_loss") else total
            return scaled, (total, y_pred, new_ntv, per_output, masks)

        grads, (total, y_pred, new_ntv, per_output, masks) = jax.grad(loss_fn, has_aux=True)(tv)
        new_tv, new_ov = optimizer.stateless_apply(ov, grads, tv)
        new_mv = self.update_metrics(mv, total, per_output, y, y_pred, sw, _batch_size(x), masks)
        return (new_tv, new_ntv, new_ov, new_mv)

    def test_step(self, state, batch):
        tv, ntv, ov, mv = state
        x, y, sw = batch
        y_pred, _, extra, masks = self.forward(tv, ntv, x, False)
        total, per_output = self.loss(x, y, y_pred, sw, extra, masks)
        new_mv = self.update_metrics(mv, total, per_output, y, y_pred, sw, _batch_size(x), masks)
        return (tv, ntv, ov, new_mv)

    def predict_step(self, tv, ntv, x):
        return self.forward(tv, ntv, x, False)[0]


class _LogSlot:
    """Holds one value of a user step's logs between compiled calls (like a Variable)."""

    def __init__(self, spec):
        self.initial = jnp.zeros(spec.shape, spec.dtype)
        self._value = self.initial


_STATE_NAMES = {"train_step": ("trainable", "non_trainable", "optimizer", "metrics"),
                "test_step": ("trainable", "non_trainable", "metrics")}


def _call_step(method, state, data, what):
    try:
        return method(state, data)
    except TypeError as err:
        if f"{what}() takes 2 positional" in str(err):
            raise TypeError(
                f"{what} is called as {what}(state, data) and returns (logs, new_state), as in "
                f"Keras 3 on JAX; a Keras 2 style {what}(self, data) does not fit.") from err
        raise


def _checked_state(result, state, what):
    """The new state of a user's step result `(logs, new_state)`, checked against `state`."""
    names = _STATE_NAMES[what]
    if not (isinstance(result, (tuple, list)) and len(result) == 2
            and isinstance(result[0], dict) and isinstance(result[1], (tuple, list))):
        raise ValueError(
            f"{what} must return (logs, new_state): a dict of logs and the state tuple "
            f"({', '.join(names)} variable values); got {_describe(result)}.")
    new_state = result[1]
    if len(new_state) != len(names):
        raise ValueError(f"{what} returned a state of {len(new_state)} parts; expected "
                         f"{len(names)}: ({', '.join(names)}).")
    for name, new, old in zip(names, new_state, state):
        if len(new) != len(old):
            raise ValueError(
                f"{what} returned {len(new)} {name} variable values; the model has {len(old)} "
                f"(in the order of the state it was given).")
    return new_state


def _describe(value):
    if isinstance(value, (tuple, list)):
        return f"a {type(value).__name__} of ({', '.join(type(v).__name__ for v in value)})"
    return type(value).__name__


def pack_data(batch):
    """(x, y, sw) with Nones dropped from the end: what a user's train_step receives."""
    x, y, sw = batch
    if sw is not None:
        return (x, y, sw)
    if y is not None:
        return (x, y)
    return (x,)


def _batch_size(x):
    return jnp.asarray(tree.flatten(x)[0].shape[0], jnp.float32)


def gather_batch(data, perm, step, batch_size):
    """Rows `perm[step*bs:(step+1)*bs]` of every array in `data` (on the device)."""
    idx = lax.dynamic_slice_in_dim(perm, step * batch_size, batch_size)
    # The permutation's indices are valid by construction: no out-of-bounds fill needed.
    return tree.map_structure(
        lambda a: None if a is None else a.at[idx].get(mode="promise_in_bounds",
                                                       unique_indices=True), data)


def make_loop(step_fn, logs_fn, batch_size, per_step_logs, max_steps):
    """A jitted loop running `num_steps` steps from `start` over device-resident data.

    `loop(state, data, perm, start, num_steps) -> (state, stacked_logs)`; start and
    num_steps are traced, so one compilation serves every chunk. With `per_step_logs`
    the logs after each step are stacked (max_steps rows), else None is returned.
    """

    def loop(state, data, perm, start, num_steps):
        if per_step_logs:
            shapes = jax.eval_shape(logs_fn, state[3])
            buf = jax.tree_util.tree_map(
                lambda s: jnp.zeros((max_steps,) + s.shape, s.dtype), shapes)
        else:
            buf = None

        def body(i, carry):
            state, buf = carry
            batch = gather_batch(data, perm, start + i, batch_size)
            state = step_fn(state, batch)
            if per_step_logs:
                logs = logs_fn(state[3])
                buf = jax.tree_util.tree_map(lambda b, v: b.at[i].set(v), buf, logs)
            return state, buf

        return lax.fori_loop(0, num_steps, body, (state, buf))

    return jax.jit(loop)


def make_predict_loop(predict_fn, batch_size):
    """`loop(tv, ntv, x, num_steps, out) -> out`: predictions of the first
    `num_steps * batch_size` rows of device-resident `x`, written into `out`."""

    def loop(tv, ntv, x, num_steps, out):
        def body(i, out):
            start = i * batch_size
            xb = tree.map_structure(lambda a: lax.dynamic_slice_in_dim(a, start, batch_size), x)
            y = predict_fn(tv, ntv, xb)
            return jax.tree_util.tree_map(
                lambda o, v: lax.dynamic_update_slice_in_dim(o, v.astype(o.dtype), start, 0), out, y)

        return lax.fori_loop(0, num_steps, body, out)

    return jax.jit(loop)

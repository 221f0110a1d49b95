"""What `compile(loss=..., metrics=...)` becomes: losses and metrics aligned with the
model's outputs, by position (lists) or by output name (dicts).

Both are built on the first batch, when the shapes of targets and predictions are known
(that is when "accuracy" is resolved to a binary, categorical or sparse accuracy).
"""

import jax.numpy as jnp

from lamina import losses as losses_mod
from lamina import metrics as metrics_mod
from lamina.core import tree
from lamina.losses.loss import Loss, LossFunctionWrapper
from lamina.metrics.metric import Metric


def _is_leaf_spec(x):
    return x is None or isinstance(x, (str, Loss, Metric)) or callable(x) and not isinstance(x, (list, dict))


def align_to_outputs(spec, output_names, what, leaf=_is_leaf_spec, broadcast=True):
    """A list with one entry per output from a single spec, a list or a dict by name."""
    n = len(output_names)
    if isinstance(spec, dict):
        unknown = [k for k in spec if k not in output_names]
        if unknown:
            raise ValueError(
                f"compile() got {what} for unknown output(s) {unknown}. The model's outputs "
                f"are named {output_names}.")
        return [spec.get(name) for name in output_names]
    if isinstance(spec, (list, tuple)) and not leaf(spec):
        if what == "metrics" and n == 1:
            # One output: ["mae", "mse"] or [["mae", "mse"]] are its metrics.
            if len(spec) == 1 and isinstance(spec[0], (list, tuple, dict)):
                return [spec[0]]
            return [list(spec)]
        if len(spec) != n:
            raise ValueError(
                f"compile() got {len(spec)} {what} entries for a model with {n} output(s) "
                f"{output_names}. Pass one per output (a list in output order) or a dict by "
                "output name.")
        return list(spec)
    if broadcast or n == 1:
        return [spec] * n
    raise ValueError(f"compile(): {what} must be a list or dict for a model with {n} outputs.")


def flatten_targets(y, output_names, what="y"):
    """Targets (or sample weights) as one entry per output, from a value, a list or a dict."""
    n = len(output_names)
    if y is None:
        return [None] * n
    if isinstance(y, dict):
        unknown = [k for k in y if k not in output_names]
        if unknown:
            raise ValueError(
                f"`{what}` is a dict with key(s) {unknown} that are not output names. The "
                f"model's outputs are named {output_names}.")
        return [y.get(name) for name in output_names]
    if isinstance(y, (list, tuple)):
        if n == 1 and len(y) == 1:
            return list(y)
        if len(y) != n:
            raise ValueError(
                f"`{what}` holds {len(y)} arrays but the model has {n} outputs {output_names}.")
        return list(y)
    if n > 1 and what == "sample_weight":
        return [y] * n
    if n != 1:
        raise ValueError(f"`{what}` is a single array but the model has {n} outputs {output_names}; "
                         "pass a list or a dict by output name.")
    return [y]


def _loss_name(loss):
    return getattr(loss, "name", None) or getattr(loss, "__name__", type(loss).__name__)


def is_sparse_loss(loss):
    fn = getattr(loss, "fn", loss)
    name = getattr(fn, "__name__", "") + type(loss).__name__
    return "sparse" in name.lower()


class CompileLoss:
    """Weighted sum of per-output losses.

    `__call__(y_true, y_pred, sample_weight)` -> (total, [per-output values]).
    """

    def __init__(self, loss, loss_weights=None):
        self._loss_spec = loss
        self._weights_spec = loss_weights
        self.built = False

    def build(self, output_names, y_true_shapes, y_pred_shapes):
        self.output_names = list(output_names)
        specs = align_to_outputs(self._loss_spec, self.output_names, "losses")
        self.losses = []
        for spec in specs:
            if spec is None:
                self.losses.append(None)
                continue
            loss = losses_mod.get(spec)
            if not isinstance(loss, Loss):
                loss = LossFunctionWrapper(loss, name=_loss_name(loss))
            self.losses.append(loss)
        if all(l is None for l in self.losses):
            raise ValueError("compile() got no loss for any output; pass `loss=`.")
        if self._weights_spec is None:
            self.weights = [1.0] * len(self.losses)
        else:
            self.weights = [1.0 if w is None else float(w) for w in align_to_outputs(
                self._weights_spec, self.output_names, "loss_weights", leaf=lambda x: not isinstance(x, (list, tuple, dict)))]
        for name, loss, t, p in zip(self.output_names, self.losses, y_true_shapes, y_pred_shapes):
            if loss is not None:
                self._check_shapes(name, loss, t, p)
        self.built = True

    def _check_shapes(self, name, loss, t, p):
        if t is None:
            raise ValueError(f"No target (y) was given for output '{name}', which has a loss.")
        t, p = tuple(t), tuple(p)
        if is_sparse_loss(loss):
            return
        if len(t) == len(p) - 1:
            t = t + (1,)
        if len(t) != len(p):
            return
        for dt, dp in zip(t[1:], p[1:]):
            if dt is not None and dp is not None and dt != dp and dt != 1 and dp != 1:
                raise ValueError(
                    f"The target for output '{name}' has shape {tuple(t)}, which does not fit "
                    f"loss '{_loss_name(loss)}' for the model output of shape {tuple(p)}. "
                    + ("For integer class labels use 'sparse_categorical_crossentropy'."
                       if "categorical" in _loss_name(loss) else ""))

    @property
    def log_names(self):
        """Log keys of the per-output losses ("priority_loss", ...); none for one output."""
        if len(self.output_names) < 2:
            return []
        return [f"{n}_loss" for n, l in zip(self.output_names, self.losses) if l is not None]

    def __call__(self, y_true, y_pred, sample_weight=None, masks=None):
        """`masks`: the Keras masks of the outputs (None, or one entry per output)."""
        flat_true = flatten_targets(y_true, self.output_names, "y")
        flat_pred = flatten_targets(y_pred, self.output_names, "predictions")
        flat_sw = flatten_targets(sample_weight, self.output_names, "sample_weight")
        flat_mask = _flat_masks(masks, self.output_names)
        total = 0.0
        per_output = []
        for loss, w, t, p, sw, m in zip(self.losses, self.weights, flat_true, flat_pred, flat_sw,
                                        flat_mask):
            if loss is None:
                continue
            value = loss(t, p, sample_weight=sw) if m is None else \
                loss(t, p, sample_weight=sw, mask=m)
            per_output.append(value)
            total = total + w * value
        return jnp.asarray(total, jnp.float32), per_output

    def get_config(self):
        return {"loss": self._loss_spec, "loss_weights": self._weights_spec}


def resolve_metric(spec, y_true_shape, y_pred_shape, loss):
    """A Metric instance for one output. "accuracy"/"acc" pick a binary, sparse or
    categorical accuracy from the shapes (and the loss), like Keras."""
    if isinstance(spec, Metric):
        return spec
    if isinstance(spec, str) and spec.lower() in ("accuracy", "acc"):
        p = tuple(y_pred_shape)
        t = tuple(y_true_shape) if y_true_shape is not None else None
        if p[-1] == 1 or "binary" in _loss_name(loss or "").lower():
            return metrics_mod.BinaryAccuracy(name=spec)
        if is_sparse_loss(loss) or (t is not None and (len(t) == len(p) - 1 or
                                                        (len(t) == len(p) and t[-1] == 1))):
            return metrics_mod.SparseCategoricalAccuracy(name=spec)
        return metrics_mod.CategoricalAccuracy(name=spec)
    metric = metrics_mod.get(spec)
    if isinstance(metric, Metric):
        if isinstance(spec, str):
            metric.name = spec
        return metric
    name = spec if isinstance(spec, str) else getattr(metric, "__name__", "metric")
    return metrics_mod.MeanMetricWrapper(metric, name=name)


class CompileMetrics:
    """Metrics per output. Unweighted ones get no sample_weight; `weighted_metrics` do."""

    def __init__(self, metrics=None, weighted_metrics=None):
        self._metrics_spec = metrics
        self._weighted_spec = weighted_metrics
        self.built = False
        self.entries = []  # (output_index, metric, weighted, log_name)

    def build(self, output_names, y_true_shapes, y_pred_shapes, losses):
        self.output_names = list(output_names)
        self.entries = []
        multi = len(self.output_names) > 1
        taken = set()
        for spec, weighted in ((self._metrics_spec, False), (self._weighted_spec, True)):
            if not spec:
                continue
            per_output = align_to_outputs(spec, self.output_names, "metrics",
                                          leaf=lambda x: not isinstance(x, (list, tuple, dict)))
            for i, items in enumerate(per_output):
                if items is None:
                    continue
                if not isinstance(items, (list, tuple)):
                    items = [items]
                for item in items:
                    metric = resolve_metric(item, y_true_shapes[i], y_pred_shapes[i], losses[i])
                    name = metric.name
                    if weighted and name in taken:
                        name = "weighted_" + name
                    if multi:
                        name = f"{self.output_names[i]}_{name}"
                    taken.add(metric.name)
                    self.entries.append((i, metric, weighted, name))
        self.built = True

    @property
    def metrics(self):
        return [m for _, m, _, _ in self.entries]

    @property
    def log_names(self):
        return [name for _, _, _, name in self.entries]

    def update_state(self, y_true, y_pred, sample_weight=None, masks=None):
        """As Keras, the outputs' masks reach the mean-of-a-function metrics (accuracy,
        mae, ...), not the confusion-count ones."""
        flat_true = flatten_targets(y_true, self.output_names, "y")
        flat_pred = flatten_targets(y_pred, self.output_names, "predictions")
        flat_sw = flatten_targets(sample_weight, self.output_names, "sample_weight")
        flat_mask = _flat_masks(masks, self.output_names)
        for i, metric, weighted, _ in self.entries:
            kwargs = {"sample_weight": flat_sw[i] if weighted else None}
            if flat_mask[i] is not None and isinstance(metric, metrics_mod.MeanMetricWrapper):
                kwargs["mask"] = flat_mask[i]
            metric.update_state(flat_true[i], flat_pred[i], **kwargs)

    def results(self):
        return {name: metric.result() for _, metric, _, name in self.entries}


def _flat_masks(masks, output_names):
    if masks is None:
        return [None] * len(output_names)
    if isinstance(masks, dict) or (isinstance(masks, (list, tuple)) and len(output_names) > 1):
        return flatten_targets(masks, output_names, "masks")
    return [masks] if len(output_names) == 1 else [None] * len(output_names)


def output_structure_names(model, y_pred):
    """Output names of `model` for a prediction structure `y_pred`."""
    names = getattr(model, "output_names", None)
    flat = tree.flatten(y_pred)
    if isinstance(y_pred, dict):
        return list(y_pred.keys())
    if names and len(names) == len(flat):
        return list(names)
    if len(flat) == 1:
        return ["output"]
    return [f"output_{i + 1}" for i in range(len(flat))]

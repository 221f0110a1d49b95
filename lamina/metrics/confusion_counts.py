"""Confusion counts (true/false positives/negatives) at a list of thresholds, added to
metric variables in one vectorized pass.

A prediction is positive at threshold t when `y_pred > t`; a label is positive when
it is nonzero. For each prediction we compute `k`, the number of (sorted) thresholds
it passes, then histogram the (weighted) positive and negative labels over `k`; a
reversed cumulative sum turns the histogram into counts per threshold. That is O(N)
work per batch (O(N log T) for unevenly spaced thresholds) instead of the O(N * T) of
comparing every prediction with every threshold; for a handful of thresholds the
direct comparison is cheaper and is used instead.
"""

import functools

import jax
import jax.numpy as jnp
import numpy as np

from lamina.backend import config
from lamina.losses.utils import align_ranks, broadcast_shape

NEG_INF = -1e10  # the threshold used with `top_k`: every kept prediction passes it

# At most this many thresholds are compared directly with every prediction (measured
# on CPU: below ~8 thresholds the comparison beats the histogram's scatter-add).
_DIRECT_COMPARE_MAX = 8


def parse_thresholds(thresholds, default):
    """`thresholds` (a float or a list of floats in [0, 1]) as a list; `default` if None."""
    if thresholds is None:
        return [float(default)]
    values = list(thresholds) if isinstance(thresholds, (list, tuple, np.ndarray)) else [thresholds]
    bad = [t for t in values if t is None or not 0 <= t <= 1]
    if bad:
        raise ValueError(f"Threshold values must be in [0, 1]; got {bad}.")
    return [float(t) for t in values]


def evenly_spaced(thresholds):
    """True for 3 or more thresholds equal to i / (n - 1) (ends within epsilon)."""
    n = len(thresholds)
    if n < 3:
        return False
    even = np.arange(n, dtype=np.float32) / (n - 1)
    return bool(np.allclose(thresholds, even, atol=config.epsilon()))


def filter_top_k(y_pred, k):
    """Keep the `k` largest scores along the last axis; set the others to NEG_INF."""
    _, idx = jax.lax.top_k(y_pred, k)
    keep = jnp.any(idx[..., :, None] == jnp.arange(y_pred.shape[-1]), axis=-2)
    return jnp.where(keep, y_pred, jnp.asarray(NEG_INF, y_pred.dtype))


def _passed_even(p, num_thresholds, with_epsilon):
    """Number of thresholds i/(T-1) (ends maybe nudged by epsilon) that p in [0, 1] passes."""
    bucket = jnp.ceil(jnp.clip(p, 0.0, 1.0) * (num_thresholds - 1)) - 1
    if with_epsilon:  # the first threshold is just below 0: every prediction passes it
        bucket = jnp.maximum(bucket, 0)
    return bucket.astype(jnp.int32) + 1


def _histogram(passed, pos_w, neg_w, num_thresholds):
    """Counts per threshold, shape (T, L, 2), from `passed` (M, L) in [0, T]."""
    num_labels = passed.shape[1]
    ids = (passed * num_labels + jnp.arange(num_labels)).reshape(-1)
    data = jnp.stack([pos_w, neg_w], axis=-1).reshape(-1, 2)
    hist = jax.ops.segment_sum(data, ids, num_segments=(num_thresholds + 1) * num_labels)
    hist = hist.reshape(num_thresholds + 1, num_labels, 2)
    # counts[i] = sum of hist[j] for j > i: predictions that pass threshold i.
    return jnp.flip(jnp.cumsum(jnp.flip(hist[1:], 0), axis=0), 0)


def _counts(p, pos_w, neg_w, thresholds, even):
    """(T, L, 2) weighted positive/negative label counts of predictions above each threshold."""
    thresholds = np.asarray(thresholds, np.float64)
    num = len(thresholds)
    if even:
        with_eps = bool(thresholds[0] < 0 or thresholds[-1] > 1)
        return _histogram(_passed_even(p, num, with_eps), pos_w, neg_w, num)
    if num <= _DIRECT_COMPARE_MAX:
        above = p[None] > jnp.asarray(thresholds, p.dtype)[:, None, None]
        return jnp.stack([jnp.sum(jnp.where(above, pos_w, 0), axis=1),
                          jnp.sum(jnp.where(above, neg_w, 0), axis=1)], axis=-1)
    order = np.argsort(thresholds, kind="stable")
    passed = jnp.searchsorted(jnp.asarray(thresholds[order], p.dtype), p, side="left")
    passed = jnp.where(jnp.isnan(p), 0, passed)
    counts = _histogram(passed, pos_w, neg_w, num)
    return counts[np.argsort(order)]


def update_confusion_counts(variables, y_true, y_pred, thresholds, *, even=False, top_k=None,
                            class_id=None, sample_weight=None, multi_label=False,
                            label_weights=None, what="metric"):
    """Add this batch's confusion counts to `variables`.

    Args:
        variables: dict with some of the keys "tp", "fp", "tn", "fn", each a Variable
            of shape `(T,)`, or `(T, labels)` when `multi_label`.
        y_true: labels (nonzero means positive), broadcastable to y_pred's shape.
        y_pred: scores, typically probabilities, shape `(batch, ...)`.
        thresholds: list of T floats.
        even: thresholds are i/(T-1) (see `evenly_spaced`): bucket arithmetically.
        top_k: only the k highest scores per sample may count as positive.
        class_id: only count this class (last axis of y_pred).
        sample_weight: broadcastable to y_pred after aligning ranks.
        multi_label: keep one count per label (column) instead of pooling them.
        label_weights: per-label weights (not with multi_label).
        what: name used in error messages.
    """
    dtype = next(iter(variables.values())).dtype
    counts = confusion_counts(
        y_true, y_pred, sample_weight, label_weights, thresholds=tuple(thresholds), even=even,
        top_k=top_k, class_id=class_id, multi_label=multi_label, keys=tuple(variables),
        dtype=dtype, what=what)
    for key, variable in variables.items():
        variable.assign_add(counts[key])


@functools.partial(jax.jit, static_argnames=("thresholds", "even", "top_k", "class_id",
                                             "multi_label", "keys", "dtype", "what"))
def confusion_counts(y_true, y_pred, sample_weight, label_weights, *, thresholds, even, top_k,
                     class_id, multi_label, keys, dtype, what):
    """This batch's counts {key: (T,) or (T, labels) array} for `keys` among
    "tp", "fp", "tn", "fn" (see `update_confusion_counts`). Compiled once per input
    shape, so eager metric updates cost one call; inlined inside an outer jit."""
    y_pred = jnp.asarray(y_pred).astype(dtype)
    y_true = jnp.asarray(y_true).astype(dtype)
    y_pred, y_true = align_ranks(y_pred, y_true)
    broadcast_shape(what, y_true.shape, y_pred.shape)
    if sample_weight is not None:
        sample_weight = jnp.asarray(sample_weight).astype(dtype)[..., None]
        _, sample_weight = align_ranks(y_true, sample_weight, expand_rank_1=False)
    if top_k is not None:
        y_pred = filter_top_k(y_pred, top_k)
    if class_id is not None:
        if y_pred.ndim < 2:
            raise ValueError(f"{what}: class_id needs y_pred of shape (batch, classes); got "
                             f"{tuple(y_pred.shape)}.")
        y_true, y_pred = y_true[..., class_id, None], y_pred[..., class_id, None]
    if multi_label and y_pred.ndim != 2:
        raise ValueError(f"{what}: multi_label needs y_pred of shape (batch, labels); got "
                         f"{tuple(y_pred.shape)}.")
    shape = y_pred.shape
    weights = jnp.ones(shape, dtype)
    if sample_weight is not None:
        if broadcast_shape(what, sample_weight.shape, shape, "sample_weight") != shape:
            raise ValueError(f"{what}: sample_weight shape {tuple(sample_weight.shape)} does "
                             f"not fit y_pred shape {tuple(shape)}.")
        weights = jnp.broadcast_to(sample_weight, shape)
    if label_weights is not None and not multi_label:
        weights = weights * jnp.asarray(label_weights, dtype)
    flat = (shape[0], -1) if multi_label else (-1, 1)
    p = y_pred.reshape(flat)
    positive = jnp.broadcast_to(y_true, shape).reshape(flat) != 0
    weights = weights.reshape(flat)
    pos_w = jnp.where(positive, weights, 0)
    neg_w = jnp.where(positive, 0, weights)

    counts = _counts(p, pos_w, neg_w, thresholds, even)  # (T, L, 2)
    if not multi_label:
        counts, pos_w, neg_w = counts[:, 0], pos_w[:, 0], neg_w[:, 0]
    tp, fp = counts[..., 0], counts[..., 1]
    new = {"tp": lambda: tp, "fp": lambda: fp,
           "tn": lambda: jnp.sum(neg_w, axis=0) - fp, "fn": lambda: jnp.sum(pos_w, axis=0) - tp}
    return {key: new[key]() for key in keys}

"""Circle loss for metric learning over L2-normalised embeddings (Sun et al., 2020)."""

import jax
import jax.numpy as jnp

from lamina.losses.loss import LossFunctionWrapper


def _pair_masks(query_labels, key_labels, remove_diagonal):
    """`(positive, negative)` boolean `(n, m)` masks: same label / different label; with
    `remove_diagonal`, a query is not its own positive (index i against key i)."""
    positive = query_labels.reshape(-1, 1) == key_labels.reshape(1, -1)
    negative = ~positive
    if remove_diagonal:
        positive = positive & ~jnp.eye(positive.shape[0], positive.shape[1], dtype=bool)
    return positive, negative


def circle(y_true, y_pred, ref_labels=None, ref_embeddings=None, remove_diagonal=True,
           gamma=80, margin=0.4):
    """Per-sample circle loss `(batch,)`, as Keras 3.

    With cosine distances `d = max(1 - y_pred @ ref_embeddings.T, 0)`, positives (same
    label) weighted `max(margin + d, 0)` and pulled below `margin`, negatives weighted
    `max(1 + margin - d, 0)` and pushed above `1 - margin`:
    `softplus(logsumexp(-gamma * wp * (margin - d)) + logsumexp(gamma * wn * (1 - margin - d)))`.

    Args:
        y_true: `(batch,)` integer labels. y_pred: `(batch, dim)` normalised embeddings.
        ref_labels, ref_embeddings: the keys to compare with (default: the batch itself).
        remove_diagonal: True. gamma: 80 (scale). margin: 0.4 (relaxation).
    """
    y_pred = jnp.asarray(y_pred)
    y_true = jnp.asarray(y_true).astype(jnp.int32)
    ref_embeddings = y_pred if ref_embeddings is None else jnp.asarray(ref_embeddings)
    ref_labels = y_true if ref_labels is None else jnp.asarray(ref_labels).astype(jnp.int32)
    distances = jnp.maximum(1 - y_pred @ ref_embeddings.T, 0.0)
    positive, negative = _pair_masks(y_true, ref_labels, remove_diagonal)
    pos_weights = jnp.maximum((margin + distances) * positive, 0.0)
    neg_weights = jnp.maximum((1 + margin - distances) * negative, 0.0)
    pos_logits = -gamma * pos_weights * (margin - distances)
    neg_logits = gamma * neg_weights * ((1 - margin) - distances)
    p_loss = jax.nn.logsumexp(jnp.where(positive, pos_logits, -jnp.inf), axis=1)
    n_loss = jax.nn.logsumexp(jnp.where(negative, neg_logits, -jnp.inf), axis=1)
    return jax.nn.softplus(p_loss + n_loss)


def _circle_output_mask(y_true, y_pred, **kwargs):
    # Keras averages over the samples whose loss is positive only.
    return circle(y_true, y_pred, **kwargs) > 0


circle.output_mask = _circle_output_mask


class Circle(LossFunctionWrapper):
    """Circle loss (see `circle`); the mean is over samples with a positive loss.

    Args:
        gamma: 80.0. margin: 0.4. remove_diagonal: True.
        reduction: "sum_over_batch_size". name: "circle". dtype: None.
    """

    def __init__(self, gamma=80.0, margin=0.4, remove_diagonal=True,
                 reduction="sum_over_batch_size", name="circle", dtype=None):
        super().__init__(circle, reduction=reduction, name=name, dtype=dtype, gamma=gamma,
                         margin=margin, remove_diagonal=remove_diagonal)

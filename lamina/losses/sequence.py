"""Connectionist temporal classification (CTC) loss for unaligned sequence labels."""

import jax.numpy as jnp

from lamina import ops
from lamina.losses.loss import Loss, LossFunctionWrapper


def ctc(y_true, y_pred):
    """Per-sequence CTC loss `(batch,)`, as Keras 3.

    Args:
        y_true: `(batch, max_label_length)` integer labels, 0-padded (0 is the blank and
            the padding, so a label's length is its count of non-zero entries).
        y_pred: `(batch, time, num_classes)` logits, every sequence `time` steps long.
    """
    y_true, y_pred = jnp.asarray(y_true), jnp.asarray(y_pred)
    if y_true.ndim != 2:
        raise ValueError("Targets `y_true` are expected to be a tensor of shape "
                         "`(batch_size, max_length)` in integer format. "
                         f"Received: y_true.shape={tuple(y_true.shape)}")
    if y_pred.ndim != 3:
        raise ValueError("Logits `y_pred` are expected to be a tensor of shape "
                         "`(batch_size, max_length, num_classes)`. "
                         f"Received: y_pred.shape={tuple(y_pred.shape)}")
    batch, steps = y_pred.shape[0], y_pred.shape[1]
    output_length = jnp.full((batch,), steps, jnp.int32)
    label_length = jnp.sum(y_true != 0, axis=-1).astype(jnp.int32)
    return ops.ctc_loss(y_true, y_pred, label_length, output_length, mask_index=0)


class CTC(LossFunctionWrapper):
    """CTC loss (see `ctc`). Default name "ctc"."""

    def __init__(self, reduction="sum_over_batch_size", name="ctc", dtype=None):
        super().__init__(ctc, reduction=reduction, name=name, dtype=dtype)

    def get_config(self):
        return Loss.get_config(self)

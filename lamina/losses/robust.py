"""Classification losses robust to noisy labels."""

import jax
import jax.numpy as jnp

from lamina.losses.loss import LossFunctionWrapper


def categorical_generalized_cross_entropy(y_true, y_pred, q):
    """Generalized cross entropy `(1 - p**q) / q`, `p` the predicted probability of the
    true class (Zhang & Sabuncu, 2018), as Keras 3.

    Args:
        y_true: `(batch, ...)` integer class indices.
        y_pred: `(batch, ..., classes)` probabilities.
        q: in (0, 1): towards 0 it approaches cross entropy, at 1 mean absolute error.
    """
    y_pred = jnp.asarray(y_pred)
    one_hot = jax.nn.one_hot(jnp.asarray(y_true).astype(jnp.int32), y_pred.shape[-1],
                             dtype=y_pred.dtype)
    p = jnp.sum(y_pred * one_hot, axis=-1)
    return (1 - jnp.power(p, q)) / q


class CategoricalGeneralizedCrossEntropy(LossFunctionWrapper):
    """Generalized cross entropy (see `categorical_generalized_cross_entropy`).

    Args:
        q: 0.5, in (0, 1). reduction: "sum_over_batch_size".
        name: "categorical_generalized_cross_entropy". dtype: None.
    """

    def __init__(self, q=0.5, reduction="sum_over_batch_size",
                 name="categorical_generalized_cross_entropy", dtype=None):
        if not 0 < q < 1:
            raise ValueError(f"CategoricalGeneralizedCrossEntropy: `q` must be in the interval "
                             f"(0, 1). Received: q={q}")
        super().__init__(categorical_generalized_cross_entropy, reduction=reduction, name=name,
                         dtype=dtype, q=q)

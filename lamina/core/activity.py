"""Activity regularization: the penalty any layer adds on its outputs when it is given an
`activity_regularizer` (a base `Layer` argument, as in Keras 3)."""

from lamina.core import tree
from lamina.core.serialization.serialization import serialize_keras_object


def get_regularizer(identifier):
    """A regularizer from a name, config or callable; None stays None."""
    if identifier is None:
        return None
    from lamina import regularizers  # regularizers import lamina.core

    return regularizers.get(identifier)


def config_entry(layer):
    """`{"activity_regularizer": config}` for a layer that has one, else `{}`."""
    if getattr(layer, "activity_regularizer", None) is None:
        return {}

    return {"activity_regularizer": serialize_keras_object(layer.activity_regularizer)}


def add_activity_loss(layer, outputs):
    """Add `layer.activity_regularizer(output)` as a loss for each output tensor (a layer
    returning states has several), divided by the batch size as Keras 3 does (so the
    penalty's strength does not depend on the batch size)."""
    for output in tree.flatten(outputs):
        if not hasattr(output, "ndim"):
            continue
        loss = layer.activity_regularizer(output)
        if output.ndim > 0:
            loss = loss / output.shape[0] if output.shape[0] else loss * 0
        layer.add_loss(loss)

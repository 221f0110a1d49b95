"""The kernel/bias options that Dense and the convolutions share: initializers,
regularizers and constraints, resolved from names and written back to configs, and
the activity regularizer's loss."""

from lamina import constraints, initializers, regularizers
from lamina.saving.serialization import serialize_keras_object

_KINDS = {
    "kernel_initializer": initializers.get, "bias_initializer": initializers.get,
    "kernel_regularizer": regularizers.get, "bias_regularizer": regularizers.get,
    "activity_regularizer": regularizers.get,
    "kernel_constraint": constraints.get, "bias_constraint": constraints.get,
}


def set_kernel_options(layer, **options):
    """Resolve each option (e.g. kernel_initializer="glorot_uniform") onto `layer`."""
    for name, value in options.items():
        setattr(layer, name, _KINDS[name](value))


def kernel_options_config(layer):
    """The options of `set_kernel_options` as Keras config entries."""
    return {name: serialize_keras_object(getattr(layer, name)) for name in _KINDS}


def add_activity_loss(layer, outputs):
    """Add `layer.activity_regularizer(outputs)` as a loss, divided by the batch size as
    Keras 3 does (so the penalty's strength does not depend on the batch size)."""
    if layer.activity_regularizer is None:
        return
    loss = layer.activity_regularizer(outputs)
    if outputs.ndim > 0:
        loss = loss / outputs.shape[0] if outputs.shape[0] else loss * 0
    layer.add_loss(loss)

"""The weight options that layers share: initializers, regularizers and constraints
(Dense's and the convolutions' kernel/bias options among them), resolved from names and
written back to configs."""

from lamina import constraints, initializers, regularizers
from lamina.core.serialization.serialization import serialize_keras_object

_GETTERS = {"initializer": initializers.get, "regularizer": regularizers.get,
            "constraint": constraints.get}

_KERNEL_OPTIONS = ("kernel_initializer", "bias_initializer", "kernel_regularizer",
                   "bias_regularizer", "activity_regularizer", "kernel_constraint",
                   "bias_constraint")


def set_options(layer, **options):
    """Resolve each option named `<weight>_initializer`, `<weight>_regularizer` or
    `<weight>_constraint` (e.g. gamma_initializer="ones") onto `layer`."""
    for name, value in options.items():
        setattr(layer, name, _GETTERS[name.rsplit("_", 1)[1]](value))


def options_config(layer, names):
    """The options `names` of `layer` as Keras config entries."""
    return {name: serialize_keras_object(getattr(layer, name)) for name in names}


def set_kernel_options(layer, **options):
    """Resolve each kernel/bias option (e.g. kernel_initializer="glorot_uniform")."""
    unknown = set(options) - set(_KERNEL_OPTIONS)
    if unknown:
        raise TypeError(f"Unknown kernel option(s) {sorted(unknown)}.")
    set_options(layer, **options)


def kernel_options_config(layer):
    """The options of `set_kernel_options` as Keras config entries."""
    return options_config(layer, _KERNEL_OPTIONS)

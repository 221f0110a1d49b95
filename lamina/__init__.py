"""lamina: the Keras model API on JAX. Use it as `import lamina as keras`."""

from lamina import (
    activations,
    applications,
    backend,
    callbacks,
    config,
    constraints,
    datasets,
    initializers,
    layers,
    losses,
    metrics,
    models,
    ops,
    optimizers,
    random,
    regularizers,
    saving,
    utils,
)
from lamina.core.keras_tensor import KerasTensor
from lamina.core.stateless_scope import StatelessScope
from lamina.core.variable import Variable
from lamina.layers.input_layer import Input
from lamina.models.functional import Functional
from lamina.models.model import Model
from lamina.models.sequential import Sequential

__version__ = "0.1.0"

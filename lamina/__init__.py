"""lamina: the Keras model API on JAX. Use it as `import lamina as keras`."""

from lamina import (
    activations,
    applications,
    backend,
    callbacks,
    config,
    constraints,
    datasets,
    distillation,
    dtype_policies,
    export,
    initializers,
    layers,
    legacy,
    losses,
    metrics,
    mixed_precision,
    models,
    ops,
    optimizers,
    preprocessing,
    random,
    regularizers,
    saving,
    tree,
    utils,
    visualization,
    wrappers,
)
from lamina.backend.device import device
from lamina.constraints import Constraint
from lamina.core.input_spec import InputSpec
from lamina.core.keras_tensor import KerasTensor
from lamina.core.layer import Layer
from lamina.core.naming import name_scope
from lamina.core.operation import Operation
from lamina.core.symbolic_scope import SymbolicScope
from lamina.core.remat import RematScope, remat
from lamina.core.stateless_scope import StatelessScope
from lamina.core.variable import Variable
from lamina.dtype_policies import DTypePolicy
from lamina.layers.input_layer import Input
from lamina.models.function import Function
from lamina.models.functional import Functional
from lamina.models.model import Model
from lamina.models.sequential import Sequential
from lamina.initializers import Initializer
from lamina.losses import Loss
from lamina.metrics import Metric
from lamina.optimizers import Optimizer
from lamina.regularizers import Regularizer
from lamina.version import __version__, version

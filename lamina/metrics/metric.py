"""`Metric`: state variables plus `update_state` / `result` / `reset_state`, and the
pure forms of those three that a compiled training step uses.

A subclass creates its variables with `add_weight` (in `__init__`, after
`super().__init__()`) and updates them with `var.assign(...)` / `assign_add(...)`.
The pure forms run that same code inside a `StatelessScope`, so a subclass written
the stateful way works unchanged under `jax.jit`:

    values = [v.value for v in metric.variables]
    values = jax.jit(metric.stateless_update_state)(values, y_true, y_pred)
    metric.stateless_result(values)
"""

import jax
import jax.numpy as jnp
import numpy as np

from lamina.backend.dtypes import standardize_dtype
from lamina.core import naming
from lamina.core.stateless_scope import StatelessScope
from lamina.core.variable import Variable


def initial_value(initializer, shape, dtype):
    """A concrete array for `initializer`: None/"zeros"/"ones", a value, a class or a
    callable `fn(shape, dtype=...)`, or another initializer name."""
    shape = tuple(int(d) for d in shape)
    np_dtype = jnp.dtype(dtype)
    if initializer is None or (isinstance(initializer, str) and initializer.lower() in ("zeros", "zero")):
        return np.zeros(shape, np_dtype)
    if isinstance(initializer, str) and initializer.lower() in ("ones", "one"):
        return np.ones(shape, np_dtype)
    if isinstance(initializer, str) or isinstance(initializer, dict):
        from lamina import initializers

        initializer = initializers.get(initializer)
    if isinstance(initializer, type):
        initializer = initializer()
    if callable(initializer):
        with jax.ensure_compile_time_eval():
            value = initializer(shape, dtype=dtype)
    else:
        value = initializer
    return jnp.broadcast_to(jnp.asarray(value, np_dtype), shape)


class Metric:
    """Base class of metrics.

    Args:
        name: defaults to the snake-cased class name, made unique ("auc", "auc_1").
        dtype: dtype of the state and the result; floatx() when None.

    Subclasses implement `update_state(...)` and `result()`; `reset_state()` puts
    every variable back to its initial value unless overridden.
    """

    def __init__(self, dtype=None, name=None):
        self._variables = []
        self._metrics = []
        self._initial_values = {}
        self.name = name or naming.auto_name(naming.to_snake_case(type(self).__name__))
        self._dtype = standardize_dtype(dtype)
        self.built = True

    # -- state --------------------------------------------------------------------------
    def _check_super_called(self):
        if "_variables" not in self.__dict__:
            raise RuntimeError(f"{type(self).__name__}: call `super().__init__()` in `__init__` "
                               "before creating variables or using the metric.")

    def __setattr__(self, key, value):
        if "_variables" in self.__dict__:
            for item in value if isinstance(value, (list, tuple)) else (value,):
                if isinstance(item, Metric) and item is not self and item not in self._metrics:
                    self._metrics.append(item)
                elif isinstance(item, Variable) and item not in self._variables:
                    self._variables.append(item)
        object.__setattr__(self, key, value)

    def add_variable(self, shape=(), initializer="zeros", dtype=None, aggregation="sum", name=None):
        """Create a non-trainable state Variable tracked in `self.variables`.

        Args:
            shape: tuple, default `()` (a scalar).
            initializer: "zeros" (default), "ones", a value, a callable
                `fn(shape, dtype=...)`, or an initializer name.
            dtype: defaults to the metric's dtype.
            aggregation: how replicas combine it ("sum" by default).
            name: the variable's name; its path is "<metric name>/<name>".
        """
        self._check_super_called()
        dtype = standardize_dtype(dtype or self.dtype)
        with jax.ensure_compile_time_eval():
            value = initial_value(initializer, shape, dtype)
            with naming.name_scope(self.name.replace("/", ">")):
                variable = Variable(value, shape=shape, dtype=dtype, trainable=False, name=name,
                                    aggregation=aggregation, synchronization="on_read")
        self._variables.append(variable)
        self._initial_values[id(variable)] = variable.value
        return variable

    def add_weight(self, shape=(), initializer="zeros", dtype=None, name=None, aggregation="sum"):
        """Alias of `add_variable` (the tf.keras name, used by the lecture's metric)."""
        return self.add_variable(shape=shape, initializer=initializer, dtype=dtype,
                                 aggregation=aggregation, name=name)

    @property
    def variables(self):
        """This metric's variables, then those of metrics it holds, in creation order."""
        self._check_super_called()
        out = list(self._variables)
        for metric in self._metrics:
            out.extend(v for v in metric.variables if v not in out)
        return out

    @property
    def dtype(self):
        return self._dtype

    # -- the API subclasses implement -----------------------------------------------------
    def update_state(self, *args, **kwargs):
        """Accumulate statistics from one batch."""
        raise TypeError(f"{type(self).__name__} must implement update_state().")

    def result(self):
        """The metric's value (a scalar, an array, or a dict of them) from the state."""
        raise TypeError(f"{type(self).__name__} must implement result().")

    def reset_state(self):
        """Put every variable back to the value it was created with."""
        for variable in self._variables:
            initial = self._initial_values.get(id(variable))
            variable.assign(jnp.zeros(variable.shape, variable.dtype) if initial is None else initial)
        for metric in self._metrics:
            metric.reset_state()

    def __call__(self, *args, **kwargs):
        """`update_state(*args, **kwargs)` then `result()`."""
        self._check_super_called()
        self.update_state(*args, **kwargs)
        return self.result()

    # -- pure forms --------------------------------------------------------------------------
    def _mapping(self, metric_variables, what):
        variables = self.variables
        if len(metric_variables) != len(variables):
            hint = "" if self.built else (
                f" {type(self).__name__} creates its variables from the first batch: call "
                "`metric.ensure_built(y_true, y_pred)` (or `update_state` once) first.")
        else:
            return variables, list(zip(variables, metric_variables))
        raise ValueError(f"{what}: metric '{self.name}' has {len(variables)} variables but "
                         f"{len(metric_variables)} values were given.{hint}")

    def stateless_update_state(self, metric_variables, *args, **kwargs):
        """Pure `update_state`: new variable values from old ones, without touching the
        Variables. `metric_variables` lines up with `self.variables`; returns a list."""
        variables, mapping = self._mapping(metric_variables, "stateless_update_state")
        with StatelessScope(mapping) as scope:
            self.update_state(*args, **kwargs)
        if len(self.variables) != len(variables):
            raise ValueError(
                f"Metric '{self.name}' created variables inside update_state; call "
                "`metric.ensure_built(...)` with a batch before using the pure form.")
        return [scope.get_current_value(v) for v in variables]

    def stateless_result(self, metric_variables):
        """Pure `result`: the metric's value for the given variable values."""
        _, mapping = self._mapping(metric_variables, "stateless_result")
        with StatelessScope(mapping):
            return self.result()

    def stateless_reset_state(self):
        """Pure `reset_state`: the list of values `reset_state` would assign."""
        with StatelessScope() as scope:
            self.reset_state()
        return [scope.get_current_value(v) for v in self.variables]

    def ensure_built(self, *args, **kwargs):
        """Create variables whose shapes come from the data (AUC with multi_label,
        F1Score, R2Score) by tracing `update_state` on one batch's shapes; the state is
        left unchanged. Arguments may be arrays or `jax.ShapeDtypeStruct`s."""
        if self.built:
            return
        with StatelessScope():
            jax.eval_shape(lambda a, k: self.update_state(*a, **k), args, kwargs)

    # -- config --------------------------------------------------------------------------
    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name}>"

"""Variable: a named, mutable holder of a `jax.Array`."""

import jax
import jax.numpy as jnp
import numpy as np

from lamina.backend.dtypes import standardize_dtype
from lamina.core import naming
from lamina.core.autocast_scope import current_dtype
from lamina.core.stateless_scope import current_scope
from lamina.distribution import placement

# Called with the Variable before any host read of a value (see `watch_host_reads`).
_read_watcher = None


def _is_tracer(x):
    return isinstance(x, jax.core.Tracer)


class watch_host_reads:
    """Within the block, `watcher(variable)` runs before a Variable's value is read on the
    host (`value`, `numpy()`, arithmetic, `get_weights`, ...; not a StatelessScope's mapped
    read). The training loop uses it to learn, when it happens, that a callback looks at
    the model, and to put the exact values in place first. Blocks do not nest."""

    def __init__(self, watcher):
        self.watcher = watcher

    def __enter__(self):
        global _read_watcher
        self._outer, _read_watcher = _read_watcher, self.watcher
        return self

    def __exit__(self, *exc):
        global _read_watcher
        _read_watcher = self._outer
        return False


def announce_host_read(variables):
    """Tell a host-read watcher that `variables` are about to be read on the host by code
    that then reads them raw (e.g. `evaluate` called from a callback)."""
    if _read_watcher is not None:
        for var in variables:
            _read_watcher(var)


def raw_values(variables):
    """The arrays `variables` hold, read without notifying a host-read watcher."""
    return [v._array for v in variables]


def write_raw(variables, values):
    """Put `values` into `variables` as they are (no dtype/shape conversion, no scope)."""
    for var, value in zip(variables, values):
        var._array = value


class Variable:
    """A mutable array with a name, a path and a `trainable` flag.

    Args:
        initializer: an initial value (array-like) or a callable
            `initializer(shape, dtype)`; a string names an initializer.
        shape: required when `initializer` is callable.
        dtype: defaults to the initial value's dtype, else floatx().
        trainable: whether optimizers update it. Default True.
        name: short name, e.g. "kernel". The path prefixes the enclosing
            name scopes, e.g. "dense_1/kernel".
    """

    # Set by add_weight(overwrite_with_gradient=True): the optimizer assigns the gradient.
    overwrite_with_gradient = False

    def __init__(self, initializer, shape=None, dtype=None, trainable=True, autocast=True,
                 aggregation="none", synchronization="auto", name=None, layout=None,
                 **kwargs):
        self.name = name or naming.auto_name("variable")
        # An explicit layout is not implemented: the active distribution places variables.
        if layout is not None:
            raise ValueError(f"Variable '{self.name}': layout={layout!r} is not supported by "
                             "lamina; expected layout=None (use a distribution scope).")
        if kwargs:
            raise TypeError(f"Variable '{self.name}': unexpected keyword argument(s) "
                            f"{sorted(kwargs)}.")
        self.path = naming.scoped_path(self.name)
        self.trainable = bool(trainable)
        self.aggregation = aggregation
        self.synchronization = synchronization
        self.autocast = autocast
        self.constraint = None
        self.regularizer = None
        if isinstance(initializer, str):
            from lamina import initializers

            initializer = initializers.get(initializer)
        if callable(initializer) and not hasattr(initializer, "shape"):
            if shape is None:
                raise ValueError(
                    f"Variable '{self.name}': a callable initializer needs a `shape`.")
            shape = tuple(int(d) for d in shape)
            dtype = standardize_dtype(dtype)
            value = initializer(shape, dtype=dtype)
        else:
            value = initializer
            if dtype is None and not hasattr(value, "dtype"):
                dtype = standardize_dtype(None) if isinstance(value, float) or (
                    isinstance(value, (list, tuple)) and _has_float(value)) else None
        dtype = standardize_dtype(dtype) if dtype is not None else None
        if dtype is not None and isinstance(value, (int, float, bool)):
            # NumPy converts a Python number: jnp.asarray would compile a conversion.
            value = np.asarray(value, dtype=jnp.dtype(dtype))
        value = jnp.asarray(value, dtype=dtype)
        if _is_tracer(value):
            raise ValueError(
                f"Variable '{self.name}' was created inside a traced function; create "
                "variables in `__init__` or `build()`, not in `call()`.")
        if shape is not None and tuple(value.shape) != tuple(shape):
            raise ValueError(
                f"Variable '{self.name}': initial value has shape {tuple(value.shape)}, "
                f"expected {tuple(shape)}.")
        self._array = value
        self._dtype = standardize_dtype(value.dtype)
        # The active distribution's layout (None without one): the array lives sharded so.
        self._sharding = placement.variable_sharding(self)
        self._array = placement.place_variable_value(self, value)

    # -- reading ------------------------------------------------------------
    @property
    def _value(self):
        if _read_watcher is not None:
            _read_watcher(self)
        return self._array

    @_value.setter
    def _value(self, value):
        self._array = value

    @property
    def value(self):
        scope = current_scope()
        value = None
        if scope is not None:
            value = scope.read(self)
        if value is None:
            value = self._value
        cast_to = current_dtype()
        if cast_to is not None and self.autocast and cast_to != self._dtype and \
                "float" in self._dtype:  # a mixed-precision layer's call reads it (Keras's autocast)
            value = value.astype(cast_to)
        return value

    @property
    def shape(self):
        return tuple(self._array.shape)

    @property
    def dtype(self):
        return self._dtype

    @property
    def ndim(self):
        return len(self._array.shape)

    @property
    def size(self):
        return int(np.prod(self.shape, dtype=np.int64))

    def numpy(self):
        value = self.value
        if _is_tracer(value):
            raise ValueError(f"Variable '{self.path}' holds a traced value; numpy() is not "
                             "available inside a compiled function.")
        return np.asarray(value)

    # -- writing ------------------------------------------------------------
    def _convert(self, value):
        if isinstance(value, Variable):
            value = value.value
        value = jnp.asarray(value, dtype=self._dtype)
        if tuple(value.shape) != self.shape:
            raise ValueError(
                f"Cannot assign a value of shape {tuple(value.shape)} to variable "
                f"'{self.path}' of shape {self.shape}.")
        return value

    def assign(self, value):
        value = self._convert(value)
        scope = current_scope()
        if scope is not None:
            scope.assign(self, value)
        else:
            if _is_tracer(value):
                raise ValueError(
                    f"Cannot assign a traced value to variable '{self.path}' outside a "
                    "StatelessScope (a compiled function must return new values instead).")
            self._value = placement.place_variable_value(self, value)
        return value

    def assign_add(self, value):
        return self.assign(self.value + jnp.asarray(value, dtype=self._dtype))

    def assign_sub(self, value):
        return self.assign(self.value - jnp.asarray(value, dtype=self._dtype))

    # -- array protocol -------------------------------------------------------
    def __jax_array__(self):
        return self.value

    def __array__(self, dtype=None, copy=None):
        arr = np.asarray(self.value)
        return arr.astype(dtype) if dtype is not None else arr

    def __repr__(self):
        try:
            val = np.asarray(self._value)
            vs = np.array2string(val, threshold=6, edgeitems=2)
        except Exception:  # pragma: no cover - only for odd dtypes
            vs = "?"
        return (f"<Variable path={self.path}, shape={self.shape}, dtype={self.dtype}, "
                f"value={vs}>")

    def __len__(self):
        return self.shape[0]

    def __bool__(self):
        return bool(self.value)

    def __float__(self):
        return float(self.value)

    def __int__(self):
        return int(self.value)

    def __getitem__(self, idx):
        return self.value[idx]

    def __hash__(self):
        return id(self)

    def __eq__(self, other):
        return self is other

    def __ne__(self, other):
        return self is not other

    def astype(self, dtype):
        return self.value.astype(standardize_dtype(dtype))

    @property
    def T(self):
        return self.value.T


def _has_float(seq):
    for x in seq:
        if isinstance(x, (list, tuple)):
            if _has_float(x):
                return True
        elif isinstance(x, float):
            return True
    return False


def _binary(op, reflected=False):
    if reflected:
        def method(self, other):
            return op(_unwrap(other), self.value)
    else:
        def method(self, other):
            return op(self.value, _unwrap(other))
    return method


def _unwrap(x):
    return x.value if isinstance(x, Variable) else x


def _install_operators():
    import operator

    pairs = {
        "add": operator.add, "sub": operator.sub, "mul": operator.mul,
        "truediv": operator.truediv, "floordiv": operator.floordiv, "mod": operator.mod,
        "pow": operator.pow, "matmul": operator.matmul, "and": operator.and_,
        "or": operator.or_, "xor": operator.xor,
    }
    for name, op in pairs.items():
        setattr(Variable, f"__{name}__", _binary(op))
        setattr(Variable, f"__r{name}__", _binary(op, reflected=True))
    for name, op in {"lt": operator.lt, "le": operator.le, "gt": operator.gt,
                     "ge": operator.ge}.items():
        setattr(Variable, f"__{name}__", _binary(op))
    Variable.__neg__ = lambda self: -self.value
    Variable.__pos__ = lambda self: self.value
    Variable.__abs__ = lambda self: jnp.abs(self.value)
    Variable.__invert__ = lambda self: ~self.value


_install_operators()

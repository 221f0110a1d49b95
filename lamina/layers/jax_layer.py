"""JaxLayer and FlaxLayer: pure JAX models (a function, or a Flax linen module) as layers.

`call_fn(params, state, rng, inputs, training)` may omit any argument but `inputs`; the
arguments it names are passed positionally in its own order (Keras's convention). `params`
leaves become trainable Variables, `state` leaves non-trainable ones; a `call_fn` with
`state` returns `(outputs, new_state)` and the new state is assigned to the Variables.
"""

import inspect

import jax
import jax.numpy as jnp
import numpy as np

from lamina.backend.dtypes import is_float_dtype, standardize_dtype
from lamina.core.layer import Layer
from lamina.core.serialization.deserialization import deserialize_keras_object
from lamina.core.serialization.serialization import serialize_keras_object
from lamina.random.seed_generator import SeedGenerator, global_seed_generator

_CALL_ARGUMENTS = ("params", "state", "rng", "inputs", "training")
_INIT_ARGUMENTS = ("rng", "inputs", "training")


def _argument_names(fn, fn_name, allowed):
    """The parameter names of `fn`, in order; each must be in `allowed`, `inputs` required."""
    names = list(inspect.signature(fn).parameters)
    if "inputs" not in names:
        raise ValueError(f"Missing required argument in `{fn_name}`: `inputs`")
    for name in names:
        if name not in allowed:
            raise ValueError(
                f"Unsupported argument in `{fn_name}`: `{name}`, supported arguments are "
                f"`{'`, `'.join(allowed)}`")
    return names


def _raw_key(key):
    """A key as raw uint32[2] data (what Keras passes as `rng`)."""
    return jax.random.key_data(key) if jnp.issubdtype(key.dtype, jax.dtypes.prng_key) else key


class JaxLayer(Layer):
    """A layer running `call_fn(params, state, rng, inputs, training)` (all but `inputs`
    optional). Args: call_fn; init_fn(rng, inputs, training) returning params, or
    (params, state) when call_fn takes `state`, called at build with ones of the input
    shape (None dims -> 1) unless `params`/`state` are given; params, state: pytrees of
    arrays (None); seed: int for the `rng` passed in training (None: drawn);
    native_serialization_platforms: must stay None (Keras uses it for the layer's own jax2tf
    serialization under TensorFlow; lamina exports whole models, see `model.export`)."""

    _untracked = frozenset({"call_fn", "init_fn", "params", "state", "call_fn_arguments",
                            "init_fn_arguments"})

    def __init__(self, call_fn, init_fn=None, params=None, state=None, seed=None,
                 native_serialization_platforms=None, **kwargs):
        super().__init__(**kwargs)
        if native_serialization_platforms is not None:
            raise ValueError(
                f"JaxLayer '{self.name}': native_serialization_platforms is not supported by "
                "lamina (it selects platforms for Keras's per-layer jax2tf serialization; "
                f"lamina exports whole models with model.export). Received: "
                f"{native_serialization_platforms!r}")
        self.native_serialization_platforms = native_serialization_platforms
        self.call_fn = call_fn
        self.init_fn = init_fn
        self.call_fn_arguments = _argument_names(call_fn, "call_fn", _CALL_ARGUMENTS)
        self.init_fn_arguments = (_argument_names(init_fn, "init_fn", _INIT_ARGUMENTS)
                                  if init_fn is not None else None)
        self._seed = seed
        self.seed_generator = (SeedGenerator(seed) if "rng" in self.call_fn_arguments
                               else None)
        needs_weights = "params" in self.call_fn_arguments or "state" in self.call_fn_arguments
        if init_fn is None and params is None and state is None and needs_weights:
            raise ValueError(
                f"JaxLayer {self.name}: `init_fn`, `params` and `state` cannot all be `None` "
                "when `call_fn` takes a `params` or a `state` argument.")
        self.params = self._variables_for(params, trainable=True)
        self.state = self._variables_for(state, trainable=False)
        if params is not None or state is not None:
            self.built = True

    def _variables_for(self, values, trainable):
        """`values` with each array leaf (or bool/int/float) replaced by a Variable; other
        leaves are configuration and stay as they are."""
        def to_variable(value):
            if isinstance(value, (bool, int, float)) and not isinstance(value, np.generic):
                value = np.asarray(value)
            elif not isinstance(value, (np.ndarray, np.generic, jax.Array)):
                return value
            dtype = standardize_dtype(value.dtype)
            array = value
            return self.add_weight(
                tuple(value.shape),
                # a copy: training donates variable buffers, the caller's arrays must live on
                initializer=lambda shape, dtype=None: jnp.array(array, dtype, copy=True),
                dtype=None if is_float_dtype(dtype) else dtype, trainable=trainable)

        return jax.tree_util.tree_map(to_variable, values)

    # Seeds: overridable like Keras's (FlaxLayer passes a dict of keys).
    def _get_init_seed(self):
        return _raw_key(global_seed_generator().next())

    def _get_init_rng(self):
        return self._get_init_seed()

    def _get_call_seed(self):
        return _raw_key(self.seed_generator.next())

    def _get_call_rng(self, training):
        return self._get_call_seed() if training else None

    def build(self, input_shape=None):
        needs_weights = "params" in self.call_fn_arguments or "state" in self.call_fn_arguments
        if self.params is None and self.state is None and needs_weights:
            self._initialize_weights(input_shape)

    def _initialize_weights(self, input_shape):
        def placeholder(shape):
            return jnp.ones([1 if d is None else d for d in shape])

        def is_shape(x):
            return isinstance(x, (tuple, list)) and all(
                d is None or isinstance(d, (int, np.integer)) for d in x)

        inputs = jax.tree_util.tree_map(placeholder, input_shape, is_leaf=is_shape)
        values = {"rng": lambda: self._get_init_rng(), "inputs": lambda: inputs,
                  "training": lambda: True}
        with jax.ensure_compile_time_eval():
            result = self.init_fn(*(values[name]() for name in self.init_fn_arguments))
        if "state" in self.call_fn_arguments:
            params, state = result
        else:
            params, state = result, None
        self.params = self._variables_for(params, trainable=True)
        self.state = self._variables_for(state, trainable=False)

    def call(self, inputs, training=False):
        def value_of(variable):
            return variable.value if hasattr(variable, "assign") else variable

        values = {
            "params": lambda: jax.tree_util.tree_map(value_of, self.params),
            "state": lambda: jax.tree_util.tree_map(value_of, self.state),
            "rng": lambda: self._get_call_rng(training),
            "inputs": lambda: inputs,
            "training": lambda: training,
        }
        result = self.call_fn(*(values[name]() for name in self.call_fn_arguments))
        if "state" not in self.call_fn_arguments:
            return result
        outputs, new_state = result

        def assign(value, variable):
            if not hasattr(variable, "assign"):
                raise ValueError(
                    f"JaxLayer {self.name}: the state returned by `call_fn` does not have "
                    "the structure of the state at initialization.")
            variable.assign(value)

        jax.tree_util.tree_map(assign, new_state, self.state)
        return outputs

    def get_config(self):
        config = super().get_config()
        config.update({"call_fn": serialize_keras_object(self.call_fn),
                       "init_fn": serialize_keras_object(self.init_fn),
                       "seed": self._seed,
                       "native_serialization_platforms": self.native_serialization_platforms})
        return config

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        config["call_fn"] = deserialize_keras_object(config["call_fn"])
        config["init_fn"] = deserialize_keras_object(config["init_fn"])
        return cls(**config)


class FlaxLayer(JaxLayer):
    """A layer running a Flax linen `module` (its `method`, default `__call__`). Args:
    module; method (None: `__call__`; a name or a bound method); variables: the module's
    variables dict (None: `module.init` at build). Collection "params" is trainable, the
    others (e.g. "batch_stats") non-trainable and updated by each call. Needs flax."""

    _untracked = frozenset({"module", "method"})

    def __init__(self, module, method=None, variables=None, **kwargs):
        try:
            from flax.linen import DenyList
        except ImportError as error:
            raise ImportError("FlaxLayer needs the `flax` package (pip install flax).") \
                from error
        self.module = module
        self.method = method
        mutable = DenyList(["params"])  # every collection but params may change in a call
        target = getattr(module, method) if isinstance(method, str) else (
            method or module.__call__)
        takes_training = "training" in inspect.signature(target).parameters
        extra = (lambda training: {"training": training}) if takes_training else (
            lambda training: {})

        def call_fn(params, state, rng, inputs, training):
            return module.apply(self._merge(params, state), inputs, rngs=rng,
                                method=method, mutable=mutable, **extra(training))

        def init_fn(rng, inputs, training):
            return self._split(module.init(rng, inputs, method=method, **extra(training)))

        params, state = self._split(variables)
        super().__init__(call_fn=call_fn, init_fn=init_fn, params=params, state=state,
                         **kwargs)

    @staticmethod
    def _merge(params, state):
        return {**(params or {}), **(state or {})}

    @staticmethod
    def _split(variables):
        """Flax variables -> (params {"params": ...}, state {other collections})."""
        if variables is None:
            return None, None
        params = {k: v for k, v in variables.items() if k == "params"}
        state = {k: v for k, v in variables.items() if k != "params"}
        return params, state

    def _get_init_rng(self):
        return {"params": self._get_init_seed(), "dropout": self._get_init_seed()}

    def _get_call_rng(self, training):
        return {"dropout": self._get_call_seed()} if training else {}

    def get_config(self):
        config = super().get_config()
        config.pop("call_fn")
        config.pop("init_fn")
        method = self.method
        if getattr(method, "__self__", None) is self.module:
            method = method.__name__  # a bound method is saved by name
        config.update({"module": serialize_keras_object(self.module),
                       "method": serialize_keras_object(method)})
        return config

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        module = deserialize_keras_object(config["module"])
        method = config["method"]
        method = getattr(module, method) if isinstance(method, str) else \
            deserialize_keras_object(method)
        config["module"], config["method"] = module, method
        return cls(**config)

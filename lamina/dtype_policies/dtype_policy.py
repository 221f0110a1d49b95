"""DTypePolicy: the variable dtype and the compute dtype of a layer, and the global policy.

"mixed_float16" / "mixed_bfloat16" keep variables in float32 and compute in the low
precision type; any dtype name ("float32", "bfloat16", "int32", ...) uses that dtype for both.
"""

from lamina.backend import config
from lamina.backend.dtypes import standardize_dtype

_MIXED = {"mixed_float16": "float16", "mixed_bfloat16": "bfloat16"}

# None until set: the global policy then follows floatx().
_global_policy = None


class DTypePolicy:
    """A dtype policy.

    Args:
        name: "mixed_float16", "mixed_bfloat16" or a dtype name; None takes the global
            policy's name (`keras.config.dtype_policy()`, "float32" by default).
    """

    def __init__(self, name=None):
        if name is None:
            name = dtype_policy().name
        if not isinstance(name, str):
            raise TypeError(
                "'name' must be a string, such as 'mixed_float16'. "
                f"Received: name={name} (of type {type(name)})")
        self._name = name
        self._compute_dtype, self._variable_dtype = _parse(name)

    @property
    def name(self):
        return self._name

    @property
    def compute_dtype(self):
        """The dtype a layer computes in (its inputs and weights are cast to it)."""
        return self._compute_dtype

    @property
    def variable_dtype(self):
        """The dtype a layer's variables are stored in."""
        return self._variable_dtype

    @property
    def quantization_mode(self):
        return None

    def convert_input(self, x, autocast, dtype):
        """`x` cast to `dtype` when it is a float array and `autocast` is on."""
        import jax.numpy as jnp

        dtype = standardize_dtype(dtype)
        if hasattr(x, "dtype") and autocast and jnp.issubdtype(x.dtype, jnp.floating) \
                and standardize_dtype(x.dtype) != dtype:
            return jnp.asarray(x).astype(dtype)
        return x

    def get_config(self):
        return {"name": self._name}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __eq__(self, other):
        return type(self) is type(other) and self._name == other._name

    def __hash__(self):
        return hash((type(self).__name__, self._name))

    def __repr__(self):
        return f'<DTypePolicy "{self._name}">'



class QuantizedDTypePolicy(DTypePolicy):
    """The policy of a quantized layer: its weights are stored quantized in `mode` ("int8",
    "int4", ...), the rest follows `source_name`'s policy; named like Keras's
    (`int8_from_float32`)."""

    def __init__(self, mode, source_name=None):
        super().__init__(source_name)
        self._source_name = self._name
        self._mode = mode
        self._name = f"{mode}_from_{self._source_name}"

    @property
    def quantization_mode(self):
        return self._mode.split("/")[0]

    def get_config(self):
        return {"mode": self._mode, "source_name": self._source_name}

    def __repr__(self):
        return f'<{type(self).__name__} "{self._name}">'


class QuantizedFloat8DTypePolicy(QuantizedDTypePolicy):
    """The policy of a float8 layer (mode "float8"): float weights, float8 products with
    delayed scaling; `amax_history_length` values of |x| are kept for each scale."""

    default_amax_history_length = 1024

    def __init__(self, mode, source_name=None, amax_history_length=1024):
        super().__init__(mode, source_name)
        if not isinstance(amax_history_length, int):
            raise TypeError("`amax_history_length` must be an integer. "
                            f"Received: amax_history_length={amax_history_length}")
        self._amax_history_length = amax_history_length

    @property
    def amax_history_length(self):
        return self._amax_history_length

    def get_config(self):
        return {**super().get_config(), "amax_history_length": self._amax_history_length}

    def __eq__(self, other):
        return super().__eq__(other) and \
            self._amax_history_length == other._amax_history_length

    def __hash__(self):
        return hash((type(self).__name__, self._name, self._amax_history_length))


_QUANTIZED = {"QuantizedDTypePolicy": QuantizedDTypePolicy,
              "QuantizedFloat8DTypePolicy": QuantizedFloat8DTypePolicy}


def _parse(name):
    if name in _MIXED:
        return _MIXED[name], "float32"
    try:
        dtype = standardize_dtype(name)
    except (ValueError, TypeError):
        raise ValueError(
            f"Cannot convert '{name}' to a mixed precision DTypePolicy. Valid policies include "
            "'mixed_float16', 'mixed_bfloat16', and the name of any float dtype such as "
            "'float32'.") from None
    return dtype, dtype


def set_dtype_policy(policy):
    """Set the global policy: the default of every layer created afterwards."""
    global _global_policy
    if isinstance(policy, str):
        policy = DTypePolicy(policy)
    if not isinstance(policy, DTypePolicy):
        raise ValueError(
            "Invalid `policy` argument. Expected the string name of a policy (such as "
            "'mixed_float16') or a `DTypePolicy` instance. "
            f"Received: policy={policy} (of type {type(policy)})")
    _global_policy = policy


def dtype_policy():
    """The global policy: the one set with `set_dtype_policy`, else floatx()'s."""
    if _global_policy is None:
        return DTypePolicy(config.floatx())
    return _global_policy


def serialize(policy):
    """Keras's config dict of a policy."""
    module = "keras.dtype_policies" if isinstance(policy, QuantizedDTypePolicy) else "keras"
    return {"module": module, "class_name": type(policy).__name__,
            "config": policy.get_config(), "registered_name": None}


def deserialize(config, custom_objects=None):
    """The policy a `serialize` dict (or a bare {"name": ...} config) describes."""
    if not isinstance(config, dict):
        raise ValueError(f"Expected a dict to deserialize a DTypePolicy, received: {config!r}")
    class_name = config.get("class_name", "DTypePolicy")
    if class_name in _QUANTIZED:
        return _QUANTIZED[class_name].from_config(config.get("config", {}))
    if class_name not in ("DTypePolicy", "FloatDTypePolicy"):
        raise ValueError(f"Unknown dtype policy class: {class_name!r}. lamina supports "
                         "DTypePolicy (float and mixed policies).")
    inner = config.get("config", config if "name" in config else {})
    return DTypePolicy.from_config(inner)


def get(identifier):
    """A DTypePolicy from None (the global policy), a name, a dtype, a config dict or a policy."""
    if identifier is None:
        return dtype_policy()
    if isinstance(identifier, DTypePolicy):
        return identifier
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if isinstance(identifier, str):
        return DTypePolicy(identifier)
    try:
        return DTypePolicy(standardize_dtype(identifier))
    except (ValueError, TypeError):
        raise ValueError(
            "Cannot interpret `dtype` argument. Expected a string or an instance of "
            f"DTypePolicy. Received: dtype={identifier}") from None

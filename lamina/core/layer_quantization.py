"""The dtype-policy and quantization members of Layer: its dtypes, its (quantized) policy,
`quantization_mode`, and `quantize` for layers without a quantized form."""

from lamina.core.autocast_scope import autocast_scope
from lamina.core.quantization_policy import amax_history_length_of, policy_name, split_policy
from lamina.dtype_policies import dtype_policy as dtype_policies


class QuantizationUnavailableError(ValueError):
    """A layer has no quantized form in the requested mode. `model.quantize` skips such
    layers with a warning, as Keras does."""


class LayerDTypeMixin:
    """Layer's dtype members. The layer holds `_dtype_policy` (the float policy) and
    `_quantization_mode` ("int8", "int4/128", "float8" or None)."""

    def _set_policy(self, dtype):
        """Take a dtype, policy name, policy or policy dict (quantized ones included)."""
        name, self._quantization_mode = split_policy(dtype)
        self._amax_history_length = amax_history_length_of(dtype)
        self._dtype_policy = dtype_policies.get(name)

    @property
    def dtype(self):
        """The dtype of the layer's variables (its policy's variable_dtype)."""
        return self._dtype_policy.variable_dtype

    @property
    def compute_dtype(self):
        return self._dtype_policy.compute_dtype

    @property
    def variable_dtype(self):
        return self._dtype_policy.variable_dtype

    @property
    def dtype_policy(self):
        """The layer's DTypePolicy; a quantized layer's is named like Keras's
        (`int8_from_float32`, a QuantizedFloat8DTypePolicy for "float8")."""
        mode = self.__dict__.get("_quantization_mode")
        if mode is None:
            return self._dtype_policy
        if mode == "float8":
            length = self.__dict__.get("_amax_history_length")
            return dtype_policies.QuantizedFloat8DTypePolicy(
                mode, self._dtype_policy.name,
                dtype_policies.QuantizedFloat8DTypePolicy.default_amax_history_length
                if length is None else length)
        return dtype_policies.QuantizedDTypePolicy(mode, self._dtype_policy.name)

    def _dtype_config(self):
        """The "dtype" entry of get_config: the policy's config dict, or Keras's name of a
        quantized policy ("int8_from_float32"); float8 writes its dict (it holds the amax
        history length)."""
        mode = self.__dict__.get("_quantization_mode")
        if mode is None:
            return dtype_policies.serialize(self._dtype_policy)
        if mode == "float8":
            return dtype_policies.serialize(self.dtype_policy)
        return policy_name(self._dtype_policy.name, mode)

    @dtype_policy.setter
    def dtype_policy(self, value):
        self._set_policy(value)

    @property
    def quantization_mode(self):
        """"int8", ... once `quantize(mode)` ran (or the layer was made quantized), else None."""
        mode = self.__dict__.get("_quantization_mode")
        return None if mode is None else mode.split("/")[0]

    def quantize(self, mode=None, type_check=True, config=None):
        """Quantize this layer's weights; a layer without a quantized form raises
        QuantizationUnavailableError (a ValueError)."""
        raise QuantizationUnavailableError(
            f"Layer {type(self).__name__} ('{self.name}') has no quantized form (mode="
            f"{mode!r}): lamina quantizes Dense and EinsumDense (int8, int4, float8) and "
            "Embedding (int8, int4).")

    def _autocasting(self):
        """The scope of a call: float variable reads cast to the compute dtype when the policy
        is mixed; no casting (also for an enclosing mixed layer's reads) otherwise."""
        policy = self._dtype_policy
        mixed = self.autocast and policy.compute_dtype != policy.variable_dtype
        return autocast_scope(policy.compute_dtype if mixed else None)

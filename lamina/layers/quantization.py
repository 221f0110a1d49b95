"""What the quantizable layers (Dense, EinsumDense, Embedding) share: argument checks,
swapping a float weight for its quantized form, and Keras's variable order in files."""

from lamina.core.layer import Layer, _bump_structure
from lamina.core.quantization_policy import QUANTIZATION_MODES
from lamina.quantizers.quantization_config import QuantizationConfig
from lamina.quantizers.quantizers import AbsMaxQuantizer
from lamina.quantizers.registry import deserialize, serialize

SUPPORTED_MODES = ("int8",)


def config_from(layer, quantization_config):
    """The layer's `quantization_config` argument as an object (None, a config, or the
    dict Keras writes)."""
    if quantization_config is None or isinstance(quantization_config, QuantizationConfig):
        return quantization_config
    if isinstance(quantization_config, dict):
        return deserialize(quantization_config)
    raise ValueError(f"{type(layer).__name__} '{layer.name}': quantization_config must be a "
                     f"keras.quantizers.QuantizationConfig, received {quantization_config!r}.")


def config_entry(layer):
    """{"quantization_config": ...} for get_config when the layer has one, else {}."""
    if layer.quantization_config is None:
        return {}
    return {"quantization_config": serialize(layer.quantization_config)}


def check_mode(layer, mode):
    """Raise unless `layer` may be quantized to `mode` now (Keras's checks and messages)."""
    if mode not in QUANTIZATION_MODES:
        raise ValueError(f"Invalid quantization mode. Expected one of {QUANTIZATION_MODES}. "
                         f"Received: mode={mode}")
    if mode not in SUPPORTED_MODES:
        raise ValueError(f"{type(layer).__name__} '{layer.name}': quantization mode '{mode}' "
                         f"is not available in lamina; supported: {list(SUPPORTED_MODES)}.")


def check_quantize_args(layer, mode, config):
    """The mode to use (from `mode` or `config`), after Keras's checks."""
    if mode is None and config is not None:
        mode = config.mode
    if not layer.built:
        raise ValueError(f"Cannot quantize a layer that isn't yet built. Layer '{layer.name}' "
                         f"(of type '{type(layer).__name__}') is not built yet.")
    if layer.quantization_mode is not None:
        raise ValueError(f"Layer '{layer.name}' is already quantized with "
                         f"dtype_policy='{layer.dtype_policy}'. Received: mode={mode}")
    check_mode(layer, mode)
    if config is not None and config.mode != mode:
        raise ValueError(f"Layer '{layer.name}': quantization mode '{mode}' does not match "
                         f"the config's mode '{config.mode}'.")
    return mode


def drop_variable(layer, variable):
    """Forget a weight of `layer` (its float kernel, replaced by the quantized one)."""
    layer._own_trainable = [v for v in layer._own_trainable if v is not variable]
    layer._own_non_trainable = [v for v in layer._own_non_trainable if v is not variable]
    _bump_structure()


# -- int8 kernels (Dense, EinsumDense) ----------------------------------------------------
def add_int8_kernel(layer, kernel_shape, scale_shape):
    """Create Keras's variables of an int8 layer: `kernel` (int8, not trainable) and
    `kernel_scale`; inputs are quantized per row unless the config says otherwise."""
    layer.inputs_quantizer = QuantizationConfig.activation_quantizer_or_default(
        layer.quantization_config, AbsMaxQuantizer())
    layer.kernel = layer.add_weight(shape=kernel_shape, initializer="zeros", dtype="int8",
                                    trainable=False, name="kernel")
    layer.kernel_scale = layer.add_weight(shape=scale_shape, initializer="ones",
                                          trainable=False, name="kernel_scale")


def quantize_kernel(layer, owner, mode, type_check, config, reduced_axes, scale_shape,
                    stored_scale):
    """`layer.quantize(...)` for an int8 kernel: abs-max over `reduced_axes`; the scale
    is stored as `stored_scale(scale)`, of shape `scale_shape`. Subclasses of `owner`
    are refused unless type_check=False (their call may not use the kernel as `owner`
    does), as in Keras."""
    if type_check and type(layer) is not owner:
        return Layer.quantize(layer, mode, type_check, config)
    mode = check_quantize_args(layer, mode, config)
    layer.quantization_config = config
    quantizer = QuantizationConfig.weight_quantizer_or_default(
        config, AbsMaxQuantizer(axis=reduced_axes))
    float_kernel = layer.kernel
    kernel, scale = quantizer(float_kernel.value, to_numpy=True)
    drop_variable(layer, float_kernel)
    layer._quantization_mode = mode
    add_int8_kernel(layer, tuple(float_kernel.shape), scale_shape)
    layer.kernel.assign(kernel)
    layer.kernel_scale.assign(stored_scale(scale))


def kernel_file_order(layer):
    """Keras's file order of an int8 layer's variables: kernel, bias, kernel_scale."""
    return [v for v in (layer.kernel, layer.bias, layer.kernel_scale) if v is not None]

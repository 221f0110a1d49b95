"""What the quantizable layers (Dense, EinsumDense, Embedding) share: argument checks,
swapping a float weight for its quantized form, and Keras's variable order in files."""

import contextlib

import numpy as np

from lamina.core import naming
from lamina.core.layer import Layer, _bump_structure
from lamina.core.layer_quantization import QuantizationUnavailableError
from lamina.core.quantization_policy import QUANTIZATION_MODES
from lamina.layers.float8_product import FLOAT8_VARIABLES, add_float8_variables
from lamina.quantizers.quantization_config import Int4QuantizationConfig, QuantizationConfig
from lamina.quantizers.quantizers import (
    AbsMaxQuantizer,
    abs_max_quantize_grouped_with_zero_point,
    pack_int4,
)
from lamina.quantizers.registry import deserialize, serialize

SUPPORTED_MODES = ("int8", "int4", "float8")


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


def check_mode(layer, mode, supported=SUPPORTED_MODES):
    """Raise unless `layer` may be quantized to `mode` now (Keras's checks and messages)."""
    if mode not in QUANTIZATION_MODES:
        raise ValueError(f"Invalid quantization mode. Expected one of {QUANTIZATION_MODES}. "
                         f"Received: mode={mode}")
    if mode not in SUPPORTED_MODES:
        raise ValueError(f"{type(layer).__name__} '{layer.name}': quantization mode '{mode}' "
                         f"is not available in lamina; supported: {list(SUPPORTED_MODES)}.")
    if mode not in supported:
        # A layer type without this form: model.quantize warns and skips it, as Keras.
        raise QuantizationUnavailableError(f"{type(layer).__name__} '{layer.name}' has no '{mode}' "
                                  f"form in lamina (it has {list(supported)}).")


def check_quantize_args(layer, mode, config, supported=SUPPORTED_MODES):
    """The mode to use (from `mode` or `config`), after Keras's checks."""
    if mode is None and config is not None:
        mode = config.mode
    if not layer.built:
        raise ValueError(f"Cannot quantize a layer that isn't yet built. Layer '{layer.name}' "
                         f"(of type '{type(layer).__name__}') is not built yet.")
    if getattr(layer, "lora_enabled", False):
        raise ValueError(f"Layer '{layer.name}' has LoRA enabled; lamina cannot quantize a "
                         "LoRA layer. Quantize before calling enable_lora, or not at all.")
    if layer.quantization_mode is not None:
        raise ValueError(f"Layer '{layer.name}' is already quantized with "
                         f"dtype_policy='{layer.dtype_policy.name}'. Received: mode={mode}")
    check_mode(layer, mode, supported)
    if config is not None and config.mode != mode:
        raise ValueError(f"Layer '{layer.name}': quantization mode '{mode}' does not match "
                         f"the config's mode '{config.mode}'.")
    return mode


@contextlib.contextmanager
def scope_of(variable):
    """The name scopes `variable` was made in, so the weights `quantize` adds get the
    same path prefix ("sequential/dense/kernel_scale"), as Keras's do."""
    with contextlib.ExitStack() as stack:
        for part in variable.path.split("/")[:-1]:
            stack.enter_context(naming.name_scope(part))
        yield


def drop_variable(layer, variable):
    """Forget a weight of `layer` (its float kernel, replaced by the quantized one)."""
    layer._own_trainable = [v for v in layer._own_trainable if v is not variable]
    layer._own_non_trainable = [v for v in layer._own_non_trainable if v is not variable]
    _bump_structure()


# -- int8 and int4 kernels (Dense, EinsumDense) -------------------------------------------
def add_int8_kernel(layer, kernel_shape, scale_shape):
    """Create Keras's variables of an int8 layer: `kernel` (int8, not trainable) and
    `kernel_scale`; inputs are quantized per row unless the config says otherwise."""
    layer.inputs_quantizer = QuantizationConfig.activation_quantizer_or_default(
        layer.quantization_config, AbsMaxQuantizer())
    layer.kernel = layer.add_weight(shape=kernel_shape, initializer="zeros", dtype="int8",
                                    trainable=False, name="kernel")
    layer.kernel_scale = layer.add_weight(shape=scale_shape, initializer="ones",
                                          trainable=False, name="kernel_scale")


def int4_block_size(policy_mode):
    """"int4/128" -> 128; "int4", "int4/-1" -> None (one scale per output unit)."""
    size = int(policy_mode.split("/")[1]) if "/" in policy_mode else -1
    return None if size == -1 else size


def add_int4_kernel(layer, kernel_shape, units):
    """Keras's variables of an int4 Dense (an EinsumDense passes its kernel as the 2-D
    (rows, columns) Keras packs): `kernel` (two int4 per int8 along the units,
    shape (in, ceil(units / 2))), `kernel_scale`, and for groups of rows `kernel_zero`
    and `g_idx` (each row's group). Weight-only unless the config has an activation
    quantizer."""
    layer.inputs_quantizer = QuantizationConfig.activation_quantizer_or_default(
        layer.quantization_config, None)
    rows = kernel_shape[0]
    block = int4_block_size(layer.__dict__["_quantization_mode"])
    layer.kernel = layer.add_weight(shape=(rows, (units + 1) // 2), initializer="zeros",
                                    dtype="int8", trainable=False, name="kernel")
    scale_shape = (units,) if block is None else (-(-rows // block), units)
    layer.kernel_scale = layer.add_weight(shape=scale_shape, initializer="ones",
                                          trainable=False, name="kernel_scale")
    layer.kernel_zero = layer.g_idx = None
    if block is not None:
        layer.kernel_zero = layer.add_weight(shape=scale_shape, initializer="zeros",
                                             dtype="int8", trainable=False, name="kernel_zero")
        layer.g_idx = layer.add_weight(shape=(rows,), initializer="zeros", trainable=False,
                                       name="g_idx")
        layer.g_idx.assign(np.arange(rows) // block)


def quantize_kernel(layer, owner, mode, type_check, config, reduced_axes, scale_shape,
                    stored_scale, int4_units=None):
    """`layer.quantize(...)` for an int8 kernel (abs-max over `reduced_axes`; the scale
    is stored as `stored_scale(scale)`, of shape `scale_shape`) or, where `int4_units`
    is given, an int4 one (Keras's default: groups of 128 rows) of the kernel reshaped
    to (rows, int4_units). Subclasses of `owner`
    are refused unless type_check=False (their call may not use the kernel as `owner`
    does), as in Keras."""
    if type_check and type(layer) is not owner:
        return Layer.quantize(layer, mode, type_check, config)
    supported = ("int8", "int4", "float8") if int4_units is not None else ("int8", "float8")
    mode = check_quantize_args(layer, mode, config, supported)
    with scope_of(layer.kernel):
        _quantize_kernel(layer, mode, config, reduced_axes, scale_shape, stored_scale,
                         int4_units)


def _quantize_kernel(layer, mode, config, reduced_axes, scale_shape, stored_scale, int4_units):
    if mode == "float8":  # the float kernel stays; six scale variables join it
        layer.quantization_config = config
        layer._quantization_mode = mode
        layer._amax_history_length = None  # Keras: the policy's default length
        add_float8_variables(layer)
        return
    if mode == "int4" and config is None:
        config = Int4QuantizationConfig()
    layer.quantization_config = config
    float_kernel = layer.kernel
    drop_variable(layer, float_kernel)
    if mode == "int8":
        quantizer = QuantizationConfig.weight_quantizer_or_default(
            config, AbsMaxQuantizer(axis=reduced_axes))
        kernel, scale = quantizer(float_kernel.value, to_numpy=True)
        layer._quantization_mode = mode
        add_int8_kernel(layer, tuple(float_kernel.shape), scale_shape)
        layer.kernel.assign(kernel)
        layer.kernel_scale.assign(stored_scale(scale))
        return
    block = config.block_size if config.block_size not in (None, -1) else -1
    layer._quantization_mode = f"int4/{block}"
    # Keras's int4 layout: the kernel reshaped (in memory order) to (rows, int4_units)
    flat = float_kernel.value.reshape(-1, int4_units)
    if block == -1:
        quantizer = QuantizationConfig.weight_quantizer_or_default(
            config, AbsMaxQuantizer(axis=0, value_range=(-8, 7)))
        kernel, scale = quantizer(flat, to_numpy=True)
        zero = None
    else:
        kernel, scale, zero = abs_max_quantize_grouped_with_zero_point(
            flat, block_size=block, to_numpy=True)
    add_int4_kernel(layer, tuple(flat.shape), int4_units)
    layer.kernel.assign(pack_int4(kernel, axis=-1)[0])
    layer.kernel_scale.assign(scale.reshape(layer.kernel_scale.shape))
    if zero is not None:
        layer.kernel_zero.assign(zero)


def kernel_file_order(layer):
    """Keras's file order of a quantized layer's variables: kernel, bias, kernel_scale
    (and an int4 layer's kernel_zero and g_idx); a float8 layer's kernel, bias and its six
    scale and history variables."""
    if layer.quantization_mode == "float8":
        names = ("kernel", "bias") + FLOAT8_VARIABLES
    else:
        names = ("kernel", "bias", "kernel_scale", "kernel_zero", "g_idx")
    return [getattr(layer, n) for n in names if getattr(layer, n, None) is not None]

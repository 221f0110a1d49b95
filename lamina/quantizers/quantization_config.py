"""Quantization configs: which quantizers `model.quantize(config=...)` uses per mode."""

from lamina.quantizers.quantizers import AbsMaxQuantizer, Quantizer


def _serialize(quantizer):
    if quantizer is None:
        return None
    from lamina.quantizers.registry import serialize

    return serialize(quantizer)


def _deserialize(config):
    if config is None or isinstance(config, Quantizer):
        return config
    from lamina.quantizers.registry import deserialize

    return deserialize(config)


class QuantizationConfig:
    """Base of the mode configs: a weight quantizer and an activation quantizer (None:
    the mode's default weights; no activation quantization)."""

    def __init__(self, weight_quantizer=None, activation_quantizer=None):
        self.weight_quantizer = weight_quantizer
        self.activation_quantizer = activation_quantizer

    @property
    def mode(self):
        raise TypeError("QuantizationConfig is a base class: use Int8QuantizationConfig.")

    def get_config(self):
        return {"weight_quantizer": _serialize(self.weight_quantizer),
                "activation_quantizer": _serialize(self.activation_quantizer)}

    @classmethod
    def from_config(cls, config):
        return cls(weight_quantizer=_deserialize(config.get("weight_quantizer")),
                   activation_quantizer=_deserialize(config.get("activation_quantizer")))

    @staticmethod
    def weight_quantizer_or_default(config, default):
        if config is not None and config.weight_quantizer is not None:
            return config.weight_quantizer
        return default

    @staticmethod
    def activation_quantizer_or_default(config, default):
        return config.activation_quantizer if config is not None else default


class Int8QuantizationConfig(QuantizationConfig):
    """int8 weights; activations quantized per row by `AbsMaxQuantizer()` unless
    `activation_quantizer` is another quantizer or None (weight-only)."""

    def __init__(self, weight_quantizer=None, activation_quantizer="default"):
        if activation_quantizer == "default":
            activation_quantizer = AbsMaxQuantizer()
        super().__init__(weight_quantizer, activation_quantizer)
        if weight_quantizer is not None and weight_quantizer.output_dtype != "int8":
            raise ValueError("Int8QuantizationConfig requires a weight_quantizer with "
                             f"output_dtype='int8'. Received: "
                             f"output_dtype={weight_quantizer.output_dtype}")

    @property
    def mode(self):
        return "int8"


class Int4QuantizationConfig(QuantizationConfig):
    """int4 weights (two per int8 byte), weight-only by default.

    block_size: rows per group of the asymmetric sub-channel scheme (scale and zero point
    per group and output unit), default 128; None or -1 for one symmetric scale per
    output unit. Custom quantizers only with per-channel quantization.
    """

    def __init__(self, weight_quantizer=None, activation_quantizer="default", block_size=128):
        if activation_quantizer == "default":
            activation_quantizer = None
        super().__init__(weight_quantizer, activation_quantizer)
        if block_size is not None and block_size != -1 and block_size <= 0:
            raise ValueError("block_size must be None, -1, or a positive integer. "
                             f"Received: block_size={block_size}")
        self.block_size = block_size
        sub_channel = block_size is not None and block_size > 0
        if sub_channel and (weight_quantizer is not None or activation_quantizer is not None):
            raise ValueError("Int4 sub-channel quantization (block_size > 0) does not support "
                             "custom quantizers. Either set block_size to None or -1 for "
                             "per-channel quantization, or remove the custom quantizer "
                             f"arguments. Received: block_size={block_size}")
        if weight_quantizer is not None and tuple(weight_quantizer.value_range) != (-8, 7):
            raise ValueError("Int4QuantizationConfig requires a weight_quantizer with "
                             "value_range=(-8, 7). Received: "
                             f"value_range={weight_quantizer.value_range}")

    @property
    def mode(self):
        return "int4"

    def get_config(self):
        return {**super().get_config(), "block_size": self.block_size}

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        block_size = config.pop("block_size", 128)
        base = QuantizationConfig.from_config.__func__(QuantizationConfig, config)
        return cls(weight_quantizer=base.weight_quantizer,
                   activation_quantizer=base.activation_quantizer, block_size=block_size)


class Float8QuantizationConfig(QuantizationConfig):
    """Selects float8 training (mode "float8"); it takes no quantizers: float8 layers
    scale their tensors from amax histories."""

    def __init__(self):
        super().__init__(None, None)

    @property
    def mode(self):
        return "float8"

    def get_config(self):
        return {}

    @classmethod
    def from_config(cls, config):
        return cls()

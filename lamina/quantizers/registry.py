"""`get`, `serialize`, `deserialize` for quantizers and quantization configs."""

import re

from lamina.quantizers.quantization_config import (
    Float8QuantizationConfig,
    Int4QuantizationConfig,
    Int8QuantizationConfig,
    QuantizationConfig,
)
from lamina.quantizers.quantizers import AbsMaxQuantizer, Quantizer

_CLASSES = (Quantizer, AbsMaxQuantizer, QuantizationConfig, Int8QuantizationConfig,
            Int4QuantizationConfig, Float8QuantizationConfig)
_BY_NAME = {c.__name__: c for c in _CLASSES}
_BY_NAME.update({re.sub(r"(?<!^)(?=[A-Z])", "_", c.__name__).lower(): c for c in _CLASSES})


def serialize(quantizer):
    """{"module", "class_name", "config", "registered_name"} of a quantizer or config."""
    return {"module": "keras.quantizers", "class_name": type(quantizer).__name__,
            "config": quantizer.get_config(), "registered_name": None}


def deserialize(config, custom_objects=None):
    """The quantizer or config that `serialize` described."""
    if not isinstance(config, dict) or "class_name" not in config:
        raise ValueError(f"Could not deserialize quantizer: expected a dict with "
                         f"'class_name' and 'config', received {config!r}.")
    name = config["class_name"]
    cls = (custom_objects or {}).get(name) or _BY_NAME.get(name)
    if cls is None:
        raise ValueError(f"Unknown quantizer class '{name}'. Known: {sorted(_BY_NAME)}.")
    return cls.from_config(dict(config.get("config") or {}))


def get(identifier, **kwargs):
    """A quantizer from a name ("AbsMaxQuantizer" or "abs_max_quantizer"), a config dict
    or an instance; None stays None."""
    if identifier is None:
        return None
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if isinstance(identifier, str):
        cls = _BY_NAME.get(identifier)
        if cls is None:
            raise ValueError(f"Could not interpret quantizer identifier: {identifier}")
        return cls(**kwargs)
    if callable(identifier):
        return identifier
    raise ValueError(f"Could not interpret quantizer identifier: {identifier}")

"""`model.quantize(mode)`: quantize every leaf layer that has a quantized form."""

import re
import warnings

from lamina.core.layer_quantization import QuantizationUnavailableError
from lamina.layers.quantization import check_mode


def _selected(layer, filters):
    if filters is None:
        return True
    if isinstance(filters, str):
        return re.search(filters, layer.name) is not None
    if isinstance(filters, (list, tuple)):
        return any(re.search(f, layer.name) is not None for f in filters)
    return bool(filters(layer))


def quantize_model(model, mode=None, config=None, filters=None, **kwargs):
    """See `Model.quantize`. Layers without a quantized form that hold weights are
    skipped with a warning, as Keras does; returns the quantized layers."""
    type_check = kwargs.pop("type_check", True)
    if kwargs:
        raise ValueError(f"Unrecognized keyword arguments passed to {type(model).__name__}: "
                         f"{kwargs}")
    if filters is not None and not isinstance(filters, (str, list, tuple)) and \
            not callable(filters):
        raise ValueError("The `filters` argument must be a regex string, a list of regex "
                         f"strings, or a callable. Received: {type(filters)}")
    if mode is None and config is not None:
        mode = config.mode
    check_mode(model, mode)
    if not model.built:
        raise ValueError(f"Cannot quantize model '{model.name}': it is not built yet. Call it "
                         "on data or `build()` it first.")
    done = []
    for layer in model._flatten_layers():
        if len(list(layer._flatten_layers())) != 1 or not _selected(layer, filters):
            continue
        try:
            layer.quantize(mode, type_check=type_check, config=config)
            done.append(layer)
        except QuantizationUnavailableError as e:
            if layer.weights:
                warnings.warn(str(e), stacklevel=3)
    if done:
        # Compiled functions captured the float layers: trace them anew.
        for key in ("_jit_forward", "_predict_fast", "_jit_out_template"):
            model.__dict__.pop(key, None)
        model._jit_cache = {}
        model._setup = None
    return done

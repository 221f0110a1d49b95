"""Quantized dtype policy names, as Keras writes them: "int8_from_float32" is a layer whose
kernel is stored as int8, quantized from float32 weights (its compute dtype);
"int4/128_from_float32" an int4 one in groups of 128 rows ("int4/-1": one scale per unit)."""

QUANTIZATION_MODES = ("int8", "float8", "int4", "gptq", "awq")


def split_policy(dtype):
    """(dtype or policy name, quantization mode or None) for what a layer's `dtype=` holds:
    a name, a policy object, or a serialized (Quantized)DTypePolicy dict."""
    if isinstance(dtype, dict):
        config = dtype.get("config") or {}
        if "mode" in config:
            return config.get("source_name"), config["mode"]
        dtype = config.get("name")
    elif hasattr(dtype, "compute_dtype"):
        dtype = dtype.name
    if isinstance(dtype, str) and "_from_" in dtype:
        mode, source = dtype.split("_from_", 1)
        if mode.split("/")[0] in QUANTIZATION_MODES:
            return source, mode
    return dtype, None


def policy_name(dtype, mode):
    return dtype if mode is None else f"{mode}_from_{dtype}"


def amax_history_length_of(dtype):
    """The amax history length a float8 policy (object or serialized dict) names, else None."""
    if isinstance(dtype, dict):
        return (dtype.get("config") or {}).get("amax_history_length")
    return getattr(dtype, "amax_history_length", None)

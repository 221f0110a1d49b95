"""Global numeric settings with Keras's names: floatx, epsilon, image_data_format."""

_FLOATX = "float32"
_EPSILON = 1e-7
_IMAGE_DATA_FORMAT = "channels_last"


def floatx():
    """The default float dtype name, "float32" unless changed."""
    return _FLOATX


def set_floatx(value):
    global _FLOATX
    if value not in ("float16", "bfloat16", "float32", "float64"):
        raise ValueError(f"Unknown floatx {value!r}; expected one of float16, bfloat16, float32, float64.")
    _FLOATX = str(value)


def epsilon():
    """The fuzz factor used in numeric expressions, 1e-7 by default."""
    return _EPSILON


def set_epsilon(value):
    global _EPSILON
    _EPSILON = float(value)


def image_data_format():
    return _IMAGE_DATA_FORMAT


def set_image_data_format(data_format):
    global _IMAGE_DATA_FORMAT
    if data_format not in ("channels_last", "channels_first"):
        raise ValueError(f"Unknown data_format {data_format!r}; expected 'channels_last' or "
                         "'channels_first'.")
    _IMAGE_DATA_FORMAT = data_format


# None: dot_product_attention(flash_attention=None) decides; True/False: forced.
_FLASH_ATTENTION = None


def enable_flash_attention():
    """Make dot_product_attention(flash_attention=None) ask for flash attention."""
    global _FLASH_ATTENTION
    _FLASH_ATTENTION = None


def disable_flash_attention():
    """Make dot_product_attention(flash_attention=None) never use flash attention."""
    global _FLASH_ATTENTION
    _FLASH_ATTENTION = False


def is_flash_attention_enabled():
    """The global flash-attention setting: None (automatic, the default) or False."""
    return _FLASH_ATTENTION


_SHAPE_BUCKETING = True


def enable_shape_bucketing():
    """Pad inference batches (`predict`, `predict_on_batch`, `model(x)`) of row-independent
    models up to a few sizes (powers of two), so any number of request sizes costs a
    bounded number of compilations. On by default."""
    global _SHAPE_BUCKETING
    _SHAPE_BUCKETING = True


def disable_shape_bucketing():
    """Compile inference for each distinct batch size instead (no padding)."""
    global _SHAPE_BUCKETING
    _SHAPE_BUCKETING = False


def is_shape_bucketing_enabled():
    return _SHAPE_BUCKETING


def backend():
    """The name of the backend: lamina always runs on JAX."""
    return "jax"

"""Global settings with Keras's names: floatx, epsilon, image_data_format, and the
switches of `keras.config` (flash attention, logging, traceback filtering, loop caps)."""

import os

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


_INTERACTIVE_LOGGING = True


def enable_interactive_logging():
    """Progress bars and `summary()` write to stdout (the default)."""
    global _INTERACTIVE_LOGGING
    _INTERACTIVE_LOGGING = True


def disable_interactive_logging():
    """Send progress output to the Python logger "lamina" (level INFO) instead of stdout,
    e.g. for jobs whose stdout is not read."""
    global _INTERACTIVE_LOGGING
    _INTERACTIVE_LOGGING = False


def is_interactive_logging_enabled():
    """Whether progress output goes to stdout (True, the default) or to logging."""
    return _INTERACTIVE_LOGGING


_TRACEBACK_FILTERING = True


def enable_traceback_filtering():
    """Errors raised out of `fit`/`evaluate`/`predict` and layer calls show the user's
    frames only, lamina's own frames removed (the default)."""
    global _TRACEBACK_FILTERING
    _TRACEBACK_FILTERING = True


def disable_traceback_filtering():
    """Show lamina's internal frames in tracebacks too (for debugging lamina)."""
    global _TRACEBACK_FILTERING
    _TRACEBACK_FILTERING = False


def is_traceback_filtering_enabled():
    """Whether tracebacks are filtered (True by default)."""
    return _TRACEBACK_FILTERING


def _limit_from_env(name):
    value = os.environ.get(name)
    return int(value) if value else None


# Debugging caps on every fit (epochs) and every loop (steps per epoch); the environment
# variables set them without touching the script, as in Keras.
_MAX_EPOCHS = _limit_from_env("KERAS_MAX_EPOCHS")
_MAX_STEPS_PER_EPOCH = _limit_from_env("KERAS_MAX_STEPS_PER_EPOCH")


def _check_limit(name, value):
    if value is not None and (isinstance(value, bool) or not isinstance(value, int)
                              or value < 1):
        raise ValueError(f"`{name}` must be a positive integer or None. Received: "
                         f"{name}={value!r}")


def set_max_epochs(max_epochs):
    """Cap the number of epochs of every `fit` at `max_epochs` (int, or None: no cap)."""
    global _MAX_EPOCHS
    _check_limit("max_epochs", max_epochs)
    _MAX_EPOCHS = max_epochs


def max_epochs():
    """The cap set by `set_max_epochs` or `KERAS_MAX_EPOCHS`, or None."""
    return _MAX_EPOCHS


def set_max_steps_per_epoch(max_steps_per_epoch):
    """Cap the steps of one epoch of `fit`, `evaluate` and `predict` (int, or None)."""
    global _MAX_STEPS_PER_EPOCH
    _check_limit("max_steps_per_epoch", max_steps_per_epoch)
    _MAX_STEPS_PER_EPOCH = max_steps_per_epoch


def max_steps_per_epoch():
    """The cap set by `set_max_steps_per_epoch` or `KERAS_MAX_STEPS_PER_EPOCH`, or None."""
    return _MAX_STEPS_PER_EPOCH


def backend():
    """The name of the backend: lamina always runs on JAX."""
    return "jax"

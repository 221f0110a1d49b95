"""Safe mode for loading: Lambda layers stored as Python bytecode are refused unless a
caller turns safe mode off, for one load (`safe_mode=False`) or for the whole process
(`keras.config.enable_unsafe_deserialization()`, which wins over the default, as in Keras).
"""

import threading

_local = threading.local()
_UNSAFE_EVERYWHERE = False


class SafeModeScope:
    """Within the block, loading is in safe mode or not (`safe_mode`), unless unsafe
    deserialization was enabled for the process."""

    def __init__(self, safe_mode=True):
        self.safe_mode = safe_mode

    def __enter__(self):
        self.prev = getattr(_local, "safe_mode", None)
        _local.safe_mode = self.safe_mode
        return self

    def __exit__(self, *exc):
        _local.safe_mode = self.prev
        return False


def scoped_safe_mode():
    """The innermost SafeModeScope's setting, or None outside any."""
    return getattr(_local, "safe_mode", None)


def is_safe_mode(explicit=None):
    """Whether loading refuses bytecode now: False once unsafe deserialization is enabled
    for the process; else `explicit`, else the innermost scope's setting (default True)."""
    if _UNSAFE_EVERYWHERE:
        return False
    if explicit is not None:
        return bool(explicit)
    value = getattr(_local, "safe_mode", None)
    return True if value is None else bool(value)


def enable_unsafe_deserialization():
    """Turn safe mode off for the whole process, every later load included (like
    keras.config.enable_unsafe_deserialization)."""
    global _UNSAFE_EVERYWHERE
    _UNSAFE_EVERYWHERE = True

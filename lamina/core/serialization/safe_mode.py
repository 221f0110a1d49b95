"""The process-wide safe-mode switch for loading (on unless a caller turns it off)."""

import threading

_local = threading.local()


class SafeModeScope:
    def __init__(self, safe_mode=True):
        self.safe_mode = safe_mode

    def __enter__(self):
        self.prev = getattr(_local, "safe_mode", None)
        _local.safe_mode = self.safe_mode
        return self

    def __exit__(self, *exc):
        _local.safe_mode = self.prev
        return False


def is_safe_mode(explicit=None):
    if explicit is not None:
        return bool(explicit)
    value = getattr(_local, "safe_mode", None)
    return True if value is None else bool(value)


def enable_unsafe_deserialization():
    """Turn safe mode off for this thread (like keras.config.enable_unsafe_deserialization)."""
    _local.safe_mode = False

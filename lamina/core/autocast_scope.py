"""The autocast scope: while a mixed-precision layer runs its `call`, reading a float
Variable (with `autocast=True`) returns its value cast to the layer's compute dtype."""

import threading

_local = threading.local()


def current_dtype():
    """The compute dtype reads are cast to, or None outside autocasting."""
    return getattr(_local, "dtype", None)


class autocast_scope:
    """Cast float variable reads to `dtype` within the block (None: no casting)."""

    def __init__(self, dtype):
        self.dtype = dtype

    def __enter__(self):
        self._outer = getattr(_local, "dtype", None)
        _local.dtype = self.dtype
        return self

    def __exit__(self, *exc):
        _local.dtype = self._outer
        return False

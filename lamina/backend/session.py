"""clear_session: forget the automatic names and the global random state, like a new process."""

import gc

# What clear_session resets, each registered by the module that owns the state
# (automatic names, the global seed generator): they sit above backend.
_RESETS = []


def on_clear_session(reset):
    """Run `reset()` on every `clear_session()` (returns `reset`, usable as a decorator)."""
    _RESETS.append(reset)
    return reset


def clear_session(free_memory=True):
    """Reset automatic names (the next Dense is "dense" again) and the global seed
    generator (recreated from the global seed source on next use). With `free_memory`,
    also run the garbage collector."""
    for reset in _RESETS:
        reset()
    if free_memory:
        gc.collect()

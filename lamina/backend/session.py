"""clear_session: forget the automatic names and the global random state, like a new process."""

import gc


def clear_session(free_memory=True):
    """Reset automatic names (the next Dense is "dense" again) and the global seed
    generator (recreated from the global seed source on next use). With `free_memory`,
    also run the garbage collector."""
    from lamina.core import naming
    from lamina.random import seed_generator

    naming.reset_names()
    seed_generator._global_generator = None
    if free_memory:
        gc.collect()

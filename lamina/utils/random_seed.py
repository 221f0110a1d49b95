"""set_random_seed: make weight initialization, dropout and shuffling reproducible."""

import random

import numpy as np

from lamina.random.seed_generator import set_global_seed


def set_random_seed(seed):
    """Seed Python's `random`, NumPy's global generator and lamina's seed source."""
    if not isinstance(seed, (int, np.integer)):
        raise ValueError(f"set_random_seed expects an int, got {seed!r}.")
    random.seed(int(seed))
    np.random.seed(int(seed))
    set_global_seed(int(seed))

"""The debugging caps of `keras.config.set_max_epochs` / `set_max_steps_per_epoch`,
applied where a loop learns its epochs and steps (a warning says so, as in Keras)."""

import warnings

from lamina.backend import config


def capped_epochs(epochs):
    """`epochs`, lowered to `config.max_epochs()` when that is set and smaller."""
    limit = config.max_epochs()
    if limit and limit < epochs:
        warnings.warn(f"Limiting epochs to {limit}", stacklevel=3)
        return limit
    return epochs


def capped_steps(steps):
    """Steps per epoch (None: one pass), lowered to `config.max_steps_per_epoch()`."""
    limit = config.max_steps_per_epoch()
    if limit and (not steps or limit < steps):
        warnings.warn(f"Limiting steps_per_epoch to {limit}", stacklevel=3)
        return limit
    return steps

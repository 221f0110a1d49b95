"""Small helpers shared by the trainer and the predictor."""

import jax
import numpy as np

from lamina.core import tree


def dtype_of(a):
    dtype = getattr(a, "dtype", None)
    return dtype if dtype is not None else np.asarray(a).dtype


def overrides(model, name):
    """Whether the model's class redefines Trainer's `name` (a step or `metrics`)."""
    from lamina.training.trainer import Trainer

    return getattr(type(model), name) is not getattr(Trainer, name)


def spec(a):
    return jax.ShapeDtypeStruct(np.shape(a), dtype_of(a))


def num_rows(x, what="x"):
    """Rows of the first array of `x` (a clear error for scalars and empty inputs)."""
    leaves = [l for l in tree.flatten(x) if l is not None]
    if not leaves:
        raise ValueError(f"`{what}`: expected at least one input array.")
    shape = np.shape(leaves[0])
    if not shape:
        raise ValueError(f"`{what}` must hold arrays with a batch dimension; got a scalar "
                         f"{leaves[0]!r}.")
    return int(shape[0])


def structure_key(model):
    """Changes whenever any layer gains sublayers or variables (invalidates caches)."""
    from lamina.core.layer import structure_version

    return structure_version()


def verbose_level(verbose):
    if verbose == "auto":
        return 1
    if verbose not in (0, 1, 2):
        raise ValueError(f"verbose must be 'auto', 0, 1 or 2; got {verbose!r}.")
    return verbose


def should_validate(epoch, freq):
    if isinstance(freq, int):
        return (epoch + 1) % freq == 0
    return (epoch + 1) in freq

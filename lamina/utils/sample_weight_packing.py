"""Pack and unpack the batch forms `fit` accepts: x, (x,), (x, y), (x, y, sample_weight)."""

from lamina.training.data_adapter import unpack_x_y_sample_weight  # noqa: F401


def pack_x_y_sample_weight(x, y=None, sample_weight=None):
    """The batch form for the parts given: x alone (a tuple/list x becomes `(x,)` so it is
    not read as (x, y)), `(x, y)`, or `(x, y, sample_weight)`."""
    if y is None:
        return (x,) if isinstance(x, (tuple, list)) else x
    if sample_weight is None:
        return (x, y)
    return (x, y, sample_weight)

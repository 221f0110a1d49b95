"""Argument checks the colour augmentation layers share, with Keras 3's messages."""

from lamina.layers.preprocessing.image_layer import factor_range


def sorted_value_range(value_range, layer):
    """`value_range` as a sorted [low, high] list; `layer` names the layer in errors."""
    if not isinstance(value_range, (tuple, list)) or len(value_range) != 2:
        raise ValueError(f"{layer}: the `value_range` argument should be a list of two numbers. "
                         f"Received: value_range={value_range}")
    return sorted(value_range)


def unit_factor(factor, layer, name="factor"):
    """(lower, upper) within [0, 1]: a number f means (0, f), a pair is sorted."""
    lower, upper = factor_range(factor, name, -1.0, 1.0)
    if not isinstance(factor, (tuple, list)):
        lower = max(lower, 0)
    if lower < 0 or upper > 1:
        raise ValueError(f"{layer}: the `{name}` argument should be a number (or a list of two "
                         f"numbers) in the range [0, 1]. Received: {name}={factor}")
    return lower, upper

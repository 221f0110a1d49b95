"""Argument checks the colour augmentation layers share, with Keras 3's messages."""



def sorted_value_range(value_range, layer):
    """`value_range` as a sorted [low, high] list; `layer` names the layer in errors."""
    if not isinstance(value_range, (tuple, list)) or len(value_range) != 2:
        raise ValueError(f"{layer}: the `value_range` argument should be a list of two numbers. "
                         f"Received: value_range={value_range}")
    return sorted(value_range)


def unit_factor(factor, layer, name="factor"):
    """(lower, upper) within [0, 1]: a number f means (0, f), a pair is sorted."""
    if isinstance(factor, (tuple, list)) and len(factor) == 2:
        values = sorted(float(f) for f in factor)
    elif isinstance(factor, (int, float)) and not isinstance(factor, bool):
        values = [0.0, float(factor)]
    else:
        values = [-1.0]
    if values[0] < 0 or values[1] > 1:
        raise ValueError(f"{layer}: the `{name}` argument should be a number (or a list of two "
                         f"numbers) in the range [0, 1]. Received: {name}={factor}")
    return tuple(values)

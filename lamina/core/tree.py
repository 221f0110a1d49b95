"""Small helpers over nested lists/tuples/dicts of tensors (the structures Keras accepts).

Unlike `jax.tree_util`, these treat `None`, KerasTensors and Variables as leaves and keep
dict key order as given.
"""


def flatten(x):
    """Leaves of a nested list/tuple/dict structure, depth first, dicts in key order."""
    out = []
    _flatten_into(x, out)
    return out


def _flatten_into(x, out):
    if isinstance(x, (list, tuple)):
        for item in x:
            _flatten_into(item, out)
    elif isinstance(x, dict):
        for item in x.values():
            _flatten_into(item, out)
    else:
        out.append(x)


def map_structure(fn, x):
    """Apply `fn` to each leaf, keeping the structure (namedtuples become tuples)."""
    if isinstance(x, list):
        return [map_structure(fn, i) for i in x]
    if isinstance(x, tuple):
        return tuple(map_structure(fn, i) for i in x)
    if isinstance(x, dict):
        return {k: map_structure(fn, v) for k, v in x.items()}
    return fn(x)


def pack_sequence_as(structure, flat):
    """Inverse of `flatten`: rebuild `structure` with the leaves from `flat`."""
    it = iter(flat)
    result = map_structure(lambda _: next(it), structure)
    return result


def is_nested(x):
    return isinstance(x, (list, tuple, dict))

"""Nested structures as keras.tree sees them.

Nodes are lists, tuples, namedtuples and dicts; everything else (None included) is a
leaf. A plain dict's children are visited in sorted key order (insertion order when
the keys cannot be compared); an OrderedDict keeps its own order. Rebuilt dicts keep
the key order of the structure they were rebuilt from.
"""

import collections
import warnings


class MAP_TO_NONE:
    """Returned by a `traverse` function: replace this subtree with None."""


def _is_namedtuple(x):
    return isinstance(x, tuple) and hasattr(type(x), "_fields")


def is_nested(structure):
    """True for a list, tuple, namedtuple or dict (an empty one too)."""
    return isinstance(structure, (list, tuple, dict))


def _keys(node):
    if isinstance(node, collections.OrderedDict):
        return list(node.keys())
    try:
        return sorted(node.keys())
    except TypeError:
        return list(node.keys())


def _children(node):
    """(key, child) pairs of a node in visiting order."""
    if isinstance(node, dict):
        return [(k, node[k]) for k in _keys(node)]
    return list(enumerate(node))


def _rebuild(node, values_by_key):
    """A node of `node`'s type holding `values_by_key` (a dict keeps `node`'s key order)."""
    if isinstance(node, dict):
        items = [(k, values_by_key[k]) for k in node.keys()]
        if isinstance(node, collections.defaultdict):
            return collections.defaultdict(node.default_factory, items)
        return type(node)(items)
    values = [values_by_key[i] for i in range(len(node))]
    if _is_namedtuple(node):
        return type(node)(*values)
    if isinstance(node, tuple):
        return tuple(values)
    return values


def flatten(structure):
    """The leaves, depth first, in visiting order."""
    return [leaf for _, leaf in flatten_with_path(structure)]


def flatten_with_path(structure):
    """(path, leaf) pairs; a path is the tuple of keys/indices from the root."""
    out = []

    def visit(node, path):
        if is_nested(node):
            for key, child in _children(node):
                visit(child, path + (key,))
        else:
            out.append((path, node))

    visit(structure, ())
    return out


def _kind(node):
    if _is_namedtuple(node):
        return type(node)
    for base in (list, tuple, dict):
        if isinstance(node, base):
            return base
    return None


def _describe_mismatch(a, b):
    """Why `a` and `b` differ as structures, or None when they match."""
    if not is_nested(a):
        return f"Expected a leaf, got {b!r}." if is_nested(b) else None
    if _kind(a) is not _kind(b):
        return f"Expected an instance of {type(a).__name__}, got {b!r}."
    if isinstance(a, dict):
        if set(a.keys()) != set(b.keys()):
            return (f"dictionary key mismatch; expected key(s): {_keys(a)}, got key(s): "
                    f"{_keys(b)}.")
    elif len(a) != len(b):
        return (f"{type(a).__name__} arity mismatch; expected: {len(a)}, got: {len(b)}; "
                f"{type(a).__name__}: {b!r}.")
    for (key, child_a) in _children(a):
        reason = _describe_mismatch(child_a, b[key])
        if reason is not None:
            return reason
    return None


def assert_same_structure(a, b, check_types=None):
    """Raise ValueError unless `a` and `b` nest the same node types, lengths and keys.
    `check_types` is deprecated (as in Keras): it warns and node types always count."""
    if check_types is not None:
        warnings.warn("The `check_types` argument is deprecated and has no effect: node types "
                      "always count. Use `assert_same_paths()` for a check that ignores them.",
                      DeprecationWarning, stacklevel=2)
    reason = _describe_mismatch(a, b)
    if reason is not None:
        raise ValueError(f"Structures don't have the same nested structure. {reason}")


def assert_same_paths(a, b):
    """Raise ValueError unless `a` and `b` have the same set of leaf paths."""
    paths_a = {path for path, _ in flatten_with_path(a)}
    paths_b = {path for path, _ in flatten_with_path(b)}
    if paths_a != paths_b:
        raise ValueError(
            "`a` and `b` don't have the same paths.\n"
            f"Paths in `a` missing in `b`:\n{paths_a - paths_b}\n"
            f"Paths in `b` missing in `a`:\n{paths_b - paths_a}")


def pack_sequence_as(structure, flat_sequence):
    """`structure` with its leaves replaced, in visiting order, by `flat_sequence`."""
    flat_sequence = list(flat_sequence)
    expected = len(flatten(structure))
    if len(flat_sequence) != expected:
        raise ValueError(f"pack_sequence_as(): the structure has {expected} leaves, "
                         f"flat_sequence has {len(flat_sequence)}.")
    leaves = iter(flat_sequence)

    def build(node):
        if not is_nested(node):
            return next(leaves)
        return _rebuild(node, {key: build(child) for key, child in _children(node)})

    return build(structure)


def map_structure(func, *structures, none_is_leaf=True):
    """`func` applied leaf-wise across `structures` (which must have the same structure);
    the result has the first one's structure. With `none_is_leaf=False`, None stays None."""
    if not structures:
        raise TypeError("map_structure() needs at least one structure.")
    for other in structures[1:]:
        assert_same_structure(structures[0], other)

    def apply(*nodes):
        first = nodes[0]
        if is_nested(first):
            return _rebuild(first, {key: apply(*(n[key] for n in nodes))
                                    for key, _ in _children(first)})
        if first is None and not none_is_leaf:
            return None
        return func(*nodes)

    return apply(*structures)


def map_structure_up_to(shallow_structure, func, *structures):
    """Like `map_structure`, but only as deep as `shallow_structure`: `func` receives the
    sub-structures found at its leaves."""

    def apply(shallow, *nodes):
        if not is_nested(shallow):
            return func(*nodes)
        for node in nodes:
            reason = _describe_mismatch(shallow, node) if _kind(shallow) is not _kind(
                node) else None
            if reason is not None:
                raise ValueError(reason)
            if isinstance(shallow, dict):
                missing = set(shallow.keys()) - set(node.keys())
                if missing:
                    raise ValueError(f"Keys {sorted(missing, key=str)} of the shallow "
                                     f"structure are missing from {node!r}.")
            elif len(node) != len(shallow):
                raise ValueError(f"{type(shallow).__name__} arity mismatch; expected: "
                                 f"{len(shallow)}, got: {len(node)}.")
        return _rebuild(shallow, {key: apply(child, *(n[key] for n in nodes))
                                  for key, child in _children(shallow)})

    return apply(shallow_structure, *structures)


def _is_shape(x):
    return isinstance(x, (list, tuple)) and all(d is None or isinstance(d, int) for d in x)


def map_shape_structure(func, structure):
    """`func` applied to each shape (a tuple or list of ints and Nones) in `structure`."""
    if _is_shape(structure):
        return func(structure)
    if is_nested(structure):
        return _rebuild(structure, {key: map_shape_structure(func, child)
                                    for key, child in _children(structure)})
    raise ValueError(f"map_shape_structure(): expected shapes (tuples of ints or None), "
                     f"received {structure!r}")


def lists_to_tuples(structure):
    """`structure` with every list turned into a tuple (recursively)."""
    if isinstance(structure, list):
        return tuple(lists_to_tuples(x) for x in structure)
    if is_nested(structure):
        return _rebuild(structure, {key: lists_to_tuples(child)
                                    for key, child in _children(structure)})
    return structure


def traverse(func, structure, top_down=True):
    """Visit every node and leaf with `func`.

    Top down: a non-None result replaces the subtree (not visited further), None
    continues into it, `MAP_TO_NONE` replaces it with None. Bottom up: `func` sees each
    node rebuilt from its already-visited children; None keeps that, `MAP_TO_NONE`
    gives None, anything else replaces it.
    """

    def result_of(value, default):
        if value is MAP_TO_NONE:
            return None
        return default if value is None else value

    def down(node):
        replaced = func(node)
        if replaced is not None:
            return result_of(replaced, None)
        if not is_nested(node):
            return node
        return _rebuild(node, {key: down(child) for key, child in _children(node)})

    def up(node):
        if is_nested(node):
            node = _rebuild(node, {key: up(child) for key, child in _children(node)})
        return result_of(func(node), node)

    return down(structure) if top_down else up(structure)

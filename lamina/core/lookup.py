"""The one error for an unknown name: it lists the closest valid names."""

import difflib

from lamina.core.serialization.deserialization import deserialize_keras_object
from lamina.core.serialization.object_registration import CustomObjectScope, get_registered_object


def unknown_name_error(kind, name, candidates):
    """ValueError("Unknown <kind> 'x'. Did you mean: 'y'?") with up to three close matches."""
    candidates = list(candidates)
    close = difflib.get_close_matches(str(name), candidates, n=3, cutoff=0.5)
    if not close:
        lowered = {c.lower(): c for c in candidates}
        close = [lowered[c] for c in difflib.get_close_matches(str(name).lower(), list(lowered), n=3)]
    hint = f" Did you mean: {', '.join(repr(c) for c in close)}?" if close else ""
    return ValueError(f"Unknown {kind} {name!r}.{hint}")


def find_named(kind, name, table):
    """`table[name]`, else the object registered under `name` (a `custom_object_scope`,
    `load_model(custom_objects=...)` or `register_keras_serializable`), else the error."""
    if name in table:
        return table[name]

    found = get_registered_object(name)
    if found is None:
        raise unknown_name_error(kind, name, table)
    return found


def _instance(obj):
    return obj() if isinstance(obj, type) else obj


def get_object(identifier, table, kind, family):
    """Resolve a regularizer/constraint-like identifier: None -> None; a name in `table` ->
    a new instance of that class (a registered name: the class's instance or the function);
    a config dict -> deserialized within `family`; a
    callable -> itself."""
    if identifier is None:
        return None
    if isinstance(identifier, str):
        return _instance(find_named(kind, identifier, table))
    if isinstance(identifier, dict):
        return deserialize_keras_object(identifier, families=(family,))
    if callable(identifier):
        return identifier
    raise ValueError(f"Could not interpret {kind}: {identifier!r}")


def deserialize_with(get, config, custom_objects=None):
    """`get(config)` with `custom_objects` loadable by name: the `deserialize` of the
    regularizer, constraint and initializer families."""
    with CustomObjectScope(custom_objects or {}):
        return get(config)

"""The one error for an unknown name: it lists the closest valid names."""

import difflib


def unknown_name_error(kind, name, candidates):
    """ValueError("Unknown <kind> 'x'. Did you mean: 'y'?") with up to three close matches."""
    candidates = list(candidates)
    close = difflib.get_close_matches(str(name), candidates, n=3, cutoff=0.5)
    if not close:
        lowered = {c.lower(): c for c in candidates}
        close = [lowered[c] for c in difflib.get_close_matches(str(name).lower(), list(lowered), n=3)]
    hint = f" Did you mean: {', '.join(repr(c) for c in close)}?" if close else ""
    return ValueError(f"Unknown {kind} {name!r}.{hint}")


def get_object(identifier, table, kind, family):
    """Resolve a regularizer/constraint-like identifier: None -> None; a name in `table` ->
    a new instance of that class; a config dict -> deserialized within `family`; a
    callable -> itself."""
    if identifier is None:
        return None
    if isinstance(identifier, str):
        if identifier not in table:
            raise unknown_name_error(kind, identifier, table)
        return table[identifier]()
    if isinstance(identifier, dict):
        from lamina.saving.deserialization import deserialize_keras_object

        return deserialize_keras_object(identifier, families=(family,))
    if callable(identifier):
        return identifier
    raise ValueError(f"Could not interpret {kind}: {identifier!r}")

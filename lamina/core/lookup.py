"""The one error for an unknown name: it lists the closest valid names."""

import difflib


def unknown_name_error(kind, name, candidates):
    """ValueError("Unknown <kind> 'x'. Did you mean: 'y'?") with up to three close matches."""
    candidates = list(candidates)
    close = difflib.get_close_matches(str(name), candidates, n=3, cutoff=0.6)
    if not close:
        lowered = {c.lower(): c for c in candidates}
        close = [lowered[c] for c in difflib.get_close_matches(str(name).lower(), list(lowered), n=3)]
    hint = f" Did you mean: {', '.join(repr(c) for c in close)}?" if close else ""
    return ValueError(f"Unknown {kind} {name!r}.{hint}")

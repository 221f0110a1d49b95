"""Per-prefix counters behind automatic names ("dense", "dense_1", ...) and keras.backend.get_uid."""

import collections

from lamina.backend.session import on_clear_session

_counts = collections.defaultdict(int)


def get_uid(prefix=""):
    """Count one more use of `prefix` and return the count (1 on first use)."""
    _counts[prefix] += 1
    return _counts[prefix]


@on_clear_session
def reset_uids():
    _counts.clear()

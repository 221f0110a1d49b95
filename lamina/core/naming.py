"""Unique object names ("dense", "dense_1", ...) and the name scopes that form variable paths."""

import contextlib
import re
import threading

from lamina.backend.uids import get_uid

_local = threading.local()


def to_snake_case(name):
    """"MyDenseLayer" -> "my_dense_layer", "AUC" -> "auc"."""
    name = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", name)
    name = re.sub(r"([a-z])([A-Z])", r"\1_\2", name).lower()
    return name.replace("__", "_").strip("_") or "layer"


def auto_name(prefix):
    """Return `prefix` the first time, then `prefix_1`, `prefix_2`, ..."""
    count = get_uid(prefix) - 1
    return prefix if count == 0 else f"{prefix}_{count}"


def _scopes():
    scopes = getattr(_local, "scopes", None)
    if scopes is None:
        scopes = _local.scopes = []
    return scopes


class name_scope:
    """Prefix the paths of variables created inside the block with `name`."""

    def __init__(self, name, **kwargs):
        # Keras's caller / deduplicate / override_parent options are not implemented.
        if kwargs:
            raise TypeError(f"name_scope('{name}'): keyword argument(s) {sorted(kwargs)} are "
                            "not supported by lamina; only `name` is.")
        self.name = name

    def __enter__(self):
        _scopes().append(self.name)
        return self

    def __exit__(self, *exc):
        _scopes().pop()
        return False


def own_scope(name):
    """`name_scope(name)`, or no new scope when `name` is already the innermost one."""
    return contextlib.nullcontext() if current_scope_name() == name else name_scope(name)


def scoped_path(name):
    scopes = _scopes()
    return "/".join(scopes + [name]) if scopes else name


def current_scope_name():
    scopes = _scopes()
    return scopes[-1] if scopes else None

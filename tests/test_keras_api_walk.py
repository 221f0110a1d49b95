"""Walks Keras 3's public namespaces and compares them with lamina's at the same paths.

For every public name of every public Keras namespace (the packages under `keras/`
other than `keras.src`), the walk checks that lamina has the name at the same path,
and for callables that the parameters (names, order, kinds, defaults) are the same.
It prints every difference. Run with `-s` to read the listing.

Two assertions: the share of names present (out-of-scope parts excepted, see
tests/keras_api_allowlist.py) does not fall below COVERAGE_FLOOR, and no signature
difference exists outside the allow-list.
"""

import importlib
import inspect
import os
import pkgutil

import pytest

from tests import keras_api_allowlist as allow

os.environ.setdefault("KERAS_BACKEND", "jax")
keras = pytest.importorskip("keras")

import lamina  # noqa: E402

# Raise this as names are added; it is the figure the walk printed last.
COVERAGE_FLOOR = 0.95


def _namespaces():
    """Public Keras namespace module names: every package below keras/ except src.

    Never imports anything under keras.src: importing, say, keras.src.backend.numpy
    rebinds names of the active backend and breaks Keras for the rest of the process."""
    names, stack = ["keras"], [("keras", keras.__path__)]
    while stack:
        parent, path = stack.pop()
        for info in pkgutil.iter_modules(path):
            if info.name.startswith("_") or info.name == "src":
                continue
            full = f"{parent}.{info.name}"
            names.append(full)
            if info.ispkg:
                stack.append((full, importlib.import_module(full).__path__))
    return sorted(names)


def _out_of_scope(path, obj):
    """The reason a Keras name belongs to another issue, or None."""
    candidates = [path]
    module = getattr(obj, "__module__", None)
    if isinstance(module, str) and not inspect.ismodule(obj):
        candidates.append(module + "." + getattr(obj, "__qualname__", ""))
    for name in candidates:
        if name.startswith(allow.IN_SCOPE_OVERRIDES):
            return None
        for prefix, reason in allow.OUT_OF_SCOPE.items():
            if name == prefix or name.startswith(prefix + "."):
                return reason
    return None


_MISSING = object()


def _lamina_object(path):
    """The lamina object at the Keras path (`keras.a.b` -> `lamina.a.b`), or _MISSING."""
    parts = path.split(".")[1:]
    obj = lamina
    prefix = "lamina"
    for part in parts:
        prefix += "." + part
        nxt = getattr(obj, part, _MISSING)
        if nxt is _MISSING and inspect.ismodule(obj):
            try:
                nxt = importlib.import_module(prefix)
            except ImportError:
                nxt = _MISSING
        if nxt is _MISSING:
            return _MISSING
        obj = nxt
    return obj


def _signature(obj):
    try:
        if inspect.isclass(obj):
            return inspect.signature(obj.__init__)
        return inspect.signature(obj)
    except (TypeError, ValueError):
        return None


def _same_default(a, b):
    if a is b:
        return True
    try:
        same = a == b
        if isinstance(same, bool):
            return same and type(a) is type(b)
    except Exception:
        pass
    return repr(a) == repr(b)


def _describe(param):
    text = f"{param.name}:{param.kind.description}"
    if param.default is not inspect.Parameter.empty:
        text += f"={param.default!r}"
    return text


def _signature_difference(keras_obj, lamina_obj):
    """A one-line description of how the parameters differ, or None."""
    ks, ls = _signature(keras_obj), _signature(lamina_obj)
    if ks is None or ls is None:
        return None
    kp, lp = list(ks.parameters.values()), list(ls.parameters.values())
    if len(kp) == len(lp) and all(
        k.name == l.name
        and k.kind == l.kind
        and (k.default is inspect.Parameter.empty) == (l.default is inspect.Parameter.empty)
        and (k.default is inspect.Parameter.empty or _same_default(k.default, l.default))
        for k, l in zip(kp, lp)
    ):
        return None
    return (
        f"keras ({', '.join(map(_describe, kp))}) "
        f"vs lamina ({', '.join(map(_describe, lp))})"
    )


def walk():
    """Returns (in_scope_paths, missing, out_of_scope_missing, signature_differences)."""
    in_scope, missing, other_missing, differences = [], [], {}, {}
    for ns_name in _namespaces():
        try:
            module = importlib.import_module(ns_name)
        except ImportError:
            continue
        for name in sorted(dir(module)):
            if name.startswith("_"):
                continue
            obj = getattr(module, name)
            path = f"{ns_name}.{name}"
            if inspect.ismodule(obj) and not obj.__name__.startswith("keras."):
                continue  # a helper module a namespace happens to import
            if path == "keras.src" or ".src." in path:
                continue
            reason = _out_of_scope(path, obj)
            mine = _lamina_object(path)
            if reason is not None:
                if mine is _MISSING:
                    other_missing[path] = reason
                continue
            in_scope.append(path)
            if mine is _MISSING:
                missing.append(path)
                continue
            if callable(obj) and not inspect.ismodule(obj):
                if not callable(mine) or inspect.ismodule(mine):
                    differences[path] = f"keras's is callable, lamina's is {type(mine).__name__}"
                    continue
                diff = _signature_difference(obj, mine)
                if diff is not None:
                    differences[path] = diff
    return in_scope, missing, other_missing, differences


def test_keras_api_walk():
    in_scope, missing, other_missing, differences = walk()
    coverage = 1.0 - len(missing) / len(in_scope)
    print(f"\nnames present: {len(in_scope) - len(missing)}/{len(in_scope)} = {coverage:.4f}")
    print(f"missing ({len(missing)}):")
    for path in missing:
        print("  ", path)
    print(f"missing, owned by other issues ({len(other_missing)}):")
    for path, reason in sorted(other_missing.items()):
        print("  ", path, "--", reason)
    allowed = set(allow.SIGNATURE_DIFFERENCES) | set(allow.PENDING_SIGNATURES)
    print(f"signature differences ({len(differences)}):")
    for path, diff in sorted(differences.items()):
        tag = "pending" if path in allow.PENDING_SIGNATURES else (
            "allowed" if path in allowed else "NEW")
        print(f"   [{tag}] {path}: {diff}")
    unexpected = sorted(set(differences) - set(allowed))
    assert not unexpected, f"signature differences outside the allow-list: {unexpected}"
    stale = sorted(p for p in allow.PENDING_SIGNATURES if p not in differences)
    assert not stale, f"fixed, remove from PENDING_SIGNATURES: {stale}"
    assert coverage >= COVERAGE_FLOOR, f"coverage {coverage:.4f} fell below {COVERAGE_FLOOR}"

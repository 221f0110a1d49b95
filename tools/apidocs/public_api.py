"""The public names of lamina, by namespace, grouped as Keras 3 groups them.

A namespace is a lamina module at the path of a public Keras namespace
(`keras.layers` -> `lamina.layers`), plus the few lamina-only namespaces below.
Inside a namespace:

- a package (`__init__.py`, which only re-exports) exposes every name not starting
  with `_` that is not a module;
- a plain module (`lamina/ops/image.py`, `lamina/applications/resnet.py`) exposes the
  names Keras has at that path, and the classes and functions it holds that no other
  namespace already shows (its own helpers and lamina's additions, such as
  `lamina.config.disable_shape_bucketing`), but not the data constants or the names
  it imports for its own use from other public namespaces.
"""

import importlib
import inspect
import os

os.environ.setdefault("KERAS_BACKEND", "jax")

# Namespaces Keras does not have; each is documented in README.md.
LAMINA_ONLY_NAMESPACES = ("lamina.compat",)


def keras_namespaces():
    """Keras 3's public namespace names (`keras`, `keras.layers`, ...), from the API walk."""
    from tests.test_keras_api_walk import _namespaces

    return _namespaces()


def _lamina_module(path):
    try:
        return importlib.import_module(path)
    except ImportError:
        return None


def _is_package(module):
    return os.path.basename(getattr(module, "__file__", "") or "") == "__init__.py"


def _public(module):
    return {
        name: getattr(module, name)
        for name in dir(module)
        if not name.startswith("_") and not inspect.ismodule(getattr(module, name))
    }


def _home_is_public(obj):
    """Defined in lamina, in a module none of whose path parts starts with `_`."""
    home = str(getattr(obj, "__module__", ""))
    return home.startswith("lamina") and not any(p.startswith("_") for p in home.split("."))


def public_namespaces():
    """{lamina namespace path: sorted public names}, in Keras's namespace order."""
    pairs = []  # (lamina path, keras module or None)
    for keras_path in keras_namespaces():
        path = "lamina" + keras_path[len("keras"):]
        module = _lamina_module(path)
        if module is not None:
            pairs.append((path, module, importlib.import_module(keras_path)))
    for path in LAMINA_ONLY_NAMESPACES:
        pairs.append((path, importlib.import_module(path), None))

    result, shown = {}, set()
    for path, module, keras_module in pairs:  # packages first: they own their names
        if _is_package(module):
            names = _public(module)
            result[path] = sorted(names)
            shown.update(id(obj) for obj in names.values())
    for path, module, keras_module in pairs:
        if _is_package(module):
            continue
        keep = []
        for name, obj in _public(module).items():
            in_keras = keras_module is not None and hasattr(keras_module, name)
            own = (
                (inspect.isclass(obj) or inspect.isfunction(obj))
                and _home_is_public(obj)
                and id(obj) not in shown
            )
            if in_keras or own:
                keep.append(name)
        result[path] = sorted(keep)
    order = [p for p, _, _ in pairs]
    return {p: result[p] for p in order}


def resolve(path):
    """The object at a dotted path whose last part is an attribute (`keras.layers.Dense`)."""
    module_path, name = path.rsplit(".", 1)
    return getattr(importlib.import_module(module_path), name)


def all_public_names():
    """Every public name as a dotted path (`lamina.layers.Dense`)."""
    return [f"{ns}.{name}" for ns, names in public_namespaces().items() for name in names]

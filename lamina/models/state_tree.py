"""Model.get_state_tree / set_state_tree: all of a model's state as nested dicts keyed by
the parts of each variable's path (`{"sequential": {"dense": {"kernel": ...}}}`)."""

import numpy as np

_FORMATS = ("backend_tensor", "numpy_array")


def _groups(model):
    """(group name, variables in Keras's order) for each kind of state the model has."""
    groups = [("trainable_variables", list(model.trainable_variables)),
              ("non_trainable_variables", list(model.non_trainable_variables))]
    optimizer = getattr(model, "optimizer", None)
    if optimizer is not None and hasattr(optimizer, "keras_variable_layout"):
        groups.append(("optimizer_variables", list(optimizer.keras_variable_layout())))
    groups.append(("metrics_variables", list(model.metrics_variables)))
    return groups


def _nest(pairs):
    tree = {}
    for path, value in pairs:
        *parents, leaf = path.split("/")
        node = tree
        for part in parents:
            node = node.setdefault(part, {})
        node[leaf] = value
    return tree


def _flatten(tree, prefix=""):
    for key, value in tree.items():
        path = f"{prefix}/{key}" if prefix else key
        if isinstance(value, dict):
            yield from _flatten(value, path)
        else:
            yield path, value


def get_state_tree(model, value_format="backend_tensor"):
    """{"trainable_variables", "non_trainable_variables", "optimizer_variables" (when
    compiled), "metrics_variables"}, each nested by variable path; values are jax arrays
    ("backend_tensor") or NumPy arrays ("numpy_array")."""
    if value_format not in _FORMATS:
        raise ValueError(f"get_state_tree(): value_format must be one of {list(_FORMATS)}, "
                         f"received {value_format!r}")
    read = (lambda v: np.asarray(v.numpy())) if value_format == "numpy_array" else \
        (lambda v: v.value)
    return {name: _nest((v.path, read(v)) for v in variables)
            for name, variables in _groups(model) if variables or name != "optimizer_variables"}


def set_state_tree(model, state_tree):
    """Assign the values of a tree shaped like `get_state_tree()`'s (any subset of groups
    and paths). Unknown groups or paths raise ValueError."""
    groups = dict(_groups(model))
    for name, subtree in state_tree.items():
        if name not in groups:
            raise ValueError(f"set_state_tree(): unknown variable group {name!r}; expected "
                             f"one of {sorted(groups)}")
        by_path = {v.path: v for v in groups[name]}
        values = dict(_flatten(subtree))
        unknown = sorted(set(values) - set(by_path))
        if unknown:
            raise ValueError(f"set_state_tree(): {name} has no variable at path(s) {unknown}")
        if name == "optimizer_variables":
            optimizer = model.optimizer
            store = {str(i): values.get(v.path, v.numpy()) for i, v in enumerate(groups[name])}
            optimizer.load_own_variables(store)  # keeps optax's step counts in step
            continue
        for path, value in values.items():
            by_path[path].assign(value)

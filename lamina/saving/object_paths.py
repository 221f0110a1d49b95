"""Where each layer's and the optimizer's variables live in a Keras 3 weights file.

Keras names the HDF5 group of an object by how it is reached from the model:
`layers/dense_1`, `block/zs/dense`, `optimizer`. The rules reproduced here:

- A Functional or Sequential model first lists `layers` (a Functional's in Keras's
  graph order, input layers included; a Sequential's without its input layer).
- Then attributes follow in sorted order, names starting with "_" last. For a model
  these include `layers` (its direct sublayers) and `optimizer` once compiled.
- A list, tuple or dict of layers is a folder whose items are named by their class in
  snake case, numbered per name in order (`dense`, `dense_1`, ...); a nested container is
  `container`, `container_1`, ...
- An object reached twice is saved once, under the first path.
"""

from lamina.core import naming
from lamina.core.layer import Layer
from lamina.models.functional import Functional
from lamina.models.model import Model
from lamina.models.sequential import Sequential
from lamina.optimizers.optimizer import Optimizer

# Attributes of lamina's models that Keras's paths do not walk (besides each class's
# `_untracked_attributes`): the layer stack and graph are listed as `layers` first.
_INTERNAL = {
    "_stack", "_graph_layers", "_nodes", "_inputs_struct", "_outputs_struct", "inputs",
    "outputs", "optimizer",
}


def _is_optimizer(obj):
    return isinstance(obj, Optimizer)


def _is_saveable(obj):
    return isinstance(obj, Layer) or _is_optimizer(obj)


def _is_model(obj):
    return isinstance(obj, Model)


def _is_functional(obj):
    return isinstance(obj, Functional)


def _is_sequential(obj):
    return isinstance(obj, Sequential)


def _sort_key(name):
    return "~" + name if name.startswith("_") else name


def _children(obj):
    """(attribute name, value) pairs in Keras's visiting order."""
    if _is_sequential(obj):
        yield "layers", list(obj.layers)
    elif _is_functional(obj):
        yield "layers", list(obj.layers)
    attrs = {}
    if not (_is_sequential(obj) or _is_functional(obj)):
        for key, value in obj.__dict__.items():
            if key not in _INTERNAL and key not in getattr(obj, "_untracked_attributes", ()) and \
                    not key.startswith("__"):
                attrs[key] = value
        if _is_model(obj):  # Keras's Model has a `layers` attribute, a Layer does not
            attrs["layers"] = list(obj._layers)
    if getattr(obj, "optimizer", None) is not None and isinstance(obj, Layer):
        attrs["optimizer"] = obj.optimizer
    for key in sorted(attrs, key=_sort_key):
        yield key, attrs[key]


def _join(path, name):
    return f"{path}/{name}" if path else name


def _unique(name, used):
    if name in used:
        used[name] += 1
        return f"{name}_{used[name]}"
    used[name] = 0
    return name


def saveable_paths(model):
    """`[(path, obj)]` for every layer and optimizer under `model`, the model first at ""."""
    out, visited, visited_containers = [], set(), set()

    def walk(obj, path):
        if id(obj) in visited:
            return
        visited.add(id(obj))
        out.append((path, obj))
        for name, child in _children(obj):
            visit_child(child, _join(path, name))

    def visit_child(child, path):
        if _is_saveable(child):
            walk(child, path)
        elif isinstance(child, (list, tuple, dict)):
            walk_container(child, path)

    def walk_container(container, path):
        if id(container) in visited_containers:
            return
        visited_containers.add(id(container))
        items = list(container.values()) if isinstance(container, dict) else list(container)
        used = {}
        for item in items:
            if _is_saveable(item):
                walk(item, _join(path, _unique(naming.to_snake_case(type(item).__name__), used)))
            elif isinstance(item, (list, tuple, dict)):
                walk_container(item, _join(path, _unique("container", used)))

    walk(model, "")
    return out


def own_variables(obj):
    """The variables Keras stores for one object, in its order: a layer's trainable ones
    (as created), then its non-trainable ones; an optimizer's Keras-ordered state."""
    if _is_optimizer(obj):
        return list(obj.keras_variable_layout())
    if getattr(obj, "quantization_mode", None) is not None and hasattr(obj, "_saved_variables"):
        return obj._saved_variables()  # a quantized layer's own order, as Keras writes it
    trainable = list(obj._own_trainable)
    non_trainable = list(obj._own_non_trainable)
    ids = {id(v) for v in trainable + non_trainable}
    for v in obj._tracked()[1]:
        if id(v) not in ids:
            ids.add(id(v))
            (trainable if v.trainable else non_trainable).append(v)
    return trainable + non_trainable

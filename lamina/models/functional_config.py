"""Functional model config in Keras 3's layout.

`{"name", "trainable", "layers": [...], "input_layers": ..., "output_layers": ...}`.
Each layer entry is the layer's serialized config plus `"name"` and `"inbound_nodes"`: one
`{"args": [...], "kwargs": {...}}` per call of the layer inside this model, where a
symbolic tensor is `{"class_name": "__keras_tensor__", "config": {"shape", "dtype",
"keras_history": [layer_name, node_index, tensor_index]}}`. Node indices count only the
calls that belong to this model. `input_layers`/`output_layers` keep the structure the
model was built with: one `[layer_name, node_index, tensor_index]` for a single tensor, a
list of them for a list, a dict for a dict.
"""

import inspect

from lamina.core import tree
from lamina.core.keras_tensor import KerasTensor
from lamina.core.op_layer import OpLayer
from lamina.core.serialization.deserialization import deserialize_keras_object
from lamina.core.serialization.errors import SavingError
from lamina.core.serialization.keras_ops import keras_op_call
from lamina.core.serialization.serialization import serialize_keras_object
from lamina.layers.layer_serialization import deserialize_layer


def _history_ref(tensor, node_map):
    layer, node_index, tensor_index = tensor._keras_history
    return [layer.name, node_map.get((id(layer), node_index), node_index), tensor_index]


def _serialize_arg(x, node_map):
    if isinstance(x, KerasTensor):
        return {"class_name": "__keras_tensor__",
                "config": {"shape": list(x.shape), "dtype": x.dtype,
                           "keras_history": _history_ref(x, node_map)}}
    if isinstance(x, (list, tuple)):
        return [_serialize_arg(i, node_map) for i in x]
    if isinstance(x, dict):
        return {k: _serialize_arg(v, node_map) for k, v in x.items()}
    return serialize_keras_object(x)


def _structure_refs(struct, node_map):
    if isinstance(struct, KerasTensor):
        return _history_ref(struct, node_map)
    if isinstance(struct, dict):
        return {k: _structure_refs(v, node_map) for k, v in struct.items()}
    return [_structure_refs(s, node_map) for s in struct]


def functional_config(model):
    """The model's graph as a JSON-ready dict (Keras 3 layout, Keras's layer order)."""
    nodes_in_model = {id(n) for n in model._nodes}
    layers = model._layers
    node_map = {}
    for layer in layers:
        kept = 0
        for index, node in enumerate(layer._inbound_nodes):
            if id(node) in nodes_in_model or node.is_input:
                node_map[(id(layer), index)] = kept
                kept += 1
    layer_configs = []
    for layer in layers:
        nodes = [n for n in layer._inbound_nodes if id(n) in nodes_in_model]
        op = keras_op_call(layer, nodes[0]) if isinstance(layer, OpLayer) and len(nodes) == 1 \
            else None
        if op is not None:  # an op in Keras's own form, loadable by Keras
            entry, args, kwargs = op
            entry["config"] = serialize_keras_object(entry["config"])
            entry["name"] = layer.name
            entry["inbound_nodes"] = [{"args": _serialize_arg(args, node_map),
                                       "kwargs": _serialize_arg(kwargs, node_map)}]
            layer_configs.append(entry)
            continue
        entry = serialize_keras_object(layer)
        build_shapes = getattr(layer, "_build_shapes", None)
        if build_shapes is not None and type(layer).__name__ != "InputLayer":
            entry["build_config"] = {"input_shape": shapes_as_lists(build_shapes)}
        entry["name"] = layer.name
        entry["inbound_nodes"] = [
            {"args": _serialize_arg(list(node.call_args), node_map),
             "kwargs": _serialize_arg(node.call_kwargs, node_map)} for node in nodes]
        layer_configs.append(entry)
    return {"name": model.name, "trainable": model.trainable, "layers": layer_configs,
            "input_layers": _structure_refs(model._inputs_struct, node_map),
            "output_layers": _structure_refs(model._outputs_struct, node_map)}


def shapes_as_lists(shapes):
    """A shape or a structure of shapes with tuples turned into (JSON) lists."""
    if isinstance(shapes, (list, tuple)):
        return [shapes_as_lists(s) if isinstance(s, (list, tuple, dict)) else s for s in shapes]
    if isinstance(shapes, dict):
        return {k: shapes_as_lists(v) for k, v in shapes.items()}
    return shapes


def _is_ref(x):
    return (isinstance(x, list) and len(x) == 3 and isinstance(x[0], str)
            and isinstance(x[1], int) and isinstance(x[2], int))


def _accepts(layer, key):
    try:
        params = inspect.signature(layer.call).parameters
    except (TypeError, ValueError):
        return True
    return key in params or any(p.kind == p.VAR_KEYWORD for p in params.values())


def functional_from_config(cls, config, custom_objects=None):
    """Rebuild a functional model: create each layer, then replay its recorded calls in an
    order where every argument tensor already exists."""
    entries = config.get("layers")
    if not isinstance(entries, list):
        raise SavingError("Invalid functional config: 'layers' must be a list.")
    created, outputs_by_node, pending = {}, {}, []
    for entry in entries:
        if not isinstance(entry, dict):
            raise SavingError(f"Invalid functional config: layer entry {entry!r}.")
        layer = deserialize_layer(entry, custom_objects=custom_objects)
        name = entry.get("name", layer.name)
        if not isinstance(name, str) or name in created:
            raise SavingError(f"Invalid functional config: layer name {name!r} is missing or "
                              "repeated.")
        created[name] = layer
        if type(layer).__name__ == "InputLayer":
            outputs_by_node[(name, 0)] = [layer.output]
        nodes = entry.get("inbound_nodes") or []
        if not isinstance(nodes, list):
            raise SavingError(f"Invalid functional config: inbound_nodes of {name!r}.")
        for node_index, node_cfg in enumerate(nodes):
            if not isinstance(node_cfg, dict):
                raise SavingError(f"Invalid functional config: a node of {name!r}.")
            pending.append((name, node_index, node_cfg))

    def is_tensor(x):
        return isinstance(x, dict) and x.get("class_name") == "__keras_tensor__"

    def history(x):
        ref = (x.get("config") or {}).get("keras_history")
        if not _is_ref(ref):
            raise SavingError(f"Invalid functional config: bad keras_history {ref!r}.")
        return ref

    def ready(x):
        if is_tensor(x):
            name, node_index, _ = history(x)
            return (name, node_index) in outputs_by_node
        if isinstance(x, list):
            return all(ready(i) for i in x)
        if isinstance(x, dict):
            return all(ready(v) for v in x.values())
        return True

    def resolve(x):
        if is_tensor(x):
            name, node_index, tensor_index = history(x)
            return _pick(outputs_by_node[(name, node_index)], tensor_index, name)
        if isinstance(x, list):
            return [resolve(i) for i in x]
        if isinstance(x, dict) and "class_name" not in x:
            return {k: resolve(v) for k, v in x.items()}
        return deserialize_keras_object(x, custom_objects)

    while pending:
        progressed = False
        for item in list(pending):
            name, node_index, node_cfg = item
            if node_index > 0 and (name, node_index - 1) not in outputs_by_node:
                continue
            if not ready(node_cfg):
                continue
            layer = created[name]
            args = resolve(node_cfg.get("args", []))
            kwargs = resolve(node_cfg.get("kwargs", {}))
            if not isinstance(args, list) or not isinstance(kwargs, dict):
                raise SavingError(f"Invalid functional config: call arguments of {name!r}.")
            kwargs = {k: v for k, v in kwargs.items() if v is not None or _accepts(layer, k)}
            kwargs = {**layer.__dict__.get("_keras_op_kwargs", {}), **kwargs}
            out = layer(*args, **kwargs)
            outputs_by_node[(name, node_index)] = tree.flatten(out)
            pending.remove(item)
            progressed = True
        if not progressed:
            names = sorted({p[0] for p in pending})
            raise SavingError(f"Invalid functional config: cannot connect layers {names}.")

    def refs(struct):
        if _is_ref(struct):
            if (struct[0], struct[1]) not in outputs_by_node:
                raise SavingError(f"Invalid functional config: unknown tensor {struct}.")
            return _pick(outputs_by_node[(struct[0], struct[1])], struct[2], struct[0])
        if isinstance(struct, dict):
            return {k: refs(v) for k, v in struct.items()}
        if isinstance(struct, list):
            return [refs(s) for s in struct]
        raise SavingError(f"Invalid functional config: bad input/output reference {struct!r}.")

    inputs = refs(config.get("input_layers"))
    outputs = refs(config.get("output_layers"))
    return cls(inputs=inputs, outputs=outputs, name=config.get("name"),
               trainable=config.get("trainable", True))


def _pick(tensors, index, name):
    if not 0 <= index < len(tensors):
        raise SavingError(f"Invalid functional config: layer {name!r} has no output {index}.")
    return tensors[index]

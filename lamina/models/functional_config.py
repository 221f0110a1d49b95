"""Functional model config in Keras 3's format: the layers, each with its inbound nodes,
and the model's input/output layer references `[layer_name, node_index, tensor_index]`."""

from lamina.core import tree
from lamina.core.keras_tensor import KerasTensor
from lamina.saving.serialization import serialize_keras_object


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


def functional_config(model):
    """The model's graph as a JSON-ready dict (Keras 3 layout)."""
    nodes_in_model = {id(n) for n in model._nodes}
    # Index nodes per layer counting only nodes that belong to this model.
    node_map = {}
    for layer in model.layers:
        kept = 0
        for index, node in enumerate(layer._inbound_nodes):
            if id(node) in nodes_in_model or node.is_input:
                node_map[(id(layer), index)] = kept
                kept += 1
    layer_configs = []
    for layer in model.layers:
        entry = serialize_keras_object(layer)
        entry["name"] = layer.name
        inbound = []
        for node in layer._inbound_nodes:
            if id(node) in nodes_in_model:
                inbound.append({"args": _serialize_arg(list(node.call_args), node_map),
                                "kwargs": _serialize_arg(node.call_kwargs, node_map)})
        entry["inbound_nodes"] = inbound
        if getattr(layer, "_build_shapes", None) is not None:
            entry["build_config"] = {"input_shape": _shape_list(layer._build_shapes)}
        layer_configs.append(entry)

    def refs(struct):
        return tree.map_structure(lambda t: _history_ref(t, node_map), struct)

    inputs, outputs = refs(model._inputs_struct), refs(model._outputs_struct)
    if isinstance(model._inputs_struct, KerasTensor):
        inputs = [inputs]
    if isinstance(model._outputs_struct, KerasTensor):
        outputs = [outputs]
    return {"name": model.name, "trainable": model.trainable, "layers": layer_configs,
            "input_layers": inputs, "output_layers": outputs}


def _shape_list(shapes):
    if isinstance(shapes, tuple):
        return list(shapes)
    return tree.map_structure(lambda x: x, shapes)


def functional_from_config(cls, config, custom_objects=None):
    """Rebuild a functional model: create each layer, then replay its inbound nodes in an
    order where every argument tensor already exists."""
    from lamina.saving.deserialization import deserialize_layer

    created = {}
    outputs_by_node = {}  # (layer_name, node_index) -> flat output tensors
    pending = []
    for entry in config["layers"]:
        layer = deserialize_layer(entry, custom_objects=custom_objects)
        created[entry["name"]] = layer
        if type(layer).__name__ == "InputLayer":
            outputs_by_node[(entry["name"], 0)] = [layer.output]
        for node_index, node_cfg in enumerate(entry.get("inbound_nodes", [])):
            pending.append((entry["name"], node_index, node_cfg))

    def resolve(x):
        if isinstance(x, dict) and x.get("class_name") == "__keras_tensor__":
            name, node_index, tensor_index = x["config"]["keras_history"]
            return outputs_by_node[(name, node_index)][tensor_index]
        if isinstance(x, list):
            return [resolve(i) for i in x]
        if isinstance(x, dict):
            return {k: resolve(v) for k, v in x.items()}
        return x

    def ready(x):
        if isinstance(x, dict) and x.get("class_name") == "__keras_tensor__":
            name, node_index, _ = x["config"]["keras_history"]
            return (name, node_index) in outputs_by_node
        if isinstance(x, list):
            return all(ready(i) for i in x)
        if isinstance(x, dict):
            return all(ready(v) for v in x.values())
        return True

    while pending:
        progressed = False
        for item in list(pending):
            name, node_index, node_cfg = item
            offset = 1 if type(created[name]).__name__ == "InputLayer" else 0
            if (name, node_index + offset - 1) not in outputs_by_node and node_index > 0:
                continue
            if not ready(node_cfg):
                continue
            args = resolve(node_cfg.get("args", []))
            kwargs = resolve(node_cfg.get("kwargs", {}))
            out = created[name](*args, **kwargs)
            outputs_by_node[(name, node_index + offset)] = tree.flatten(out)
            pending.remove(item)
            progressed = True
        if not progressed:
            names = sorted({p[0] for p in pending})
            raise ValueError(f"Invalid functional model config: cannot connect layers {names}.")

    def refs(struct):
        if isinstance(struct, list) and len(struct) == 3 and isinstance(struct[0], str):
            return outputs_by_node[(struct[0], struct[1])][struct[2]]
        if isinstance(struct, dict):
            return {k: refs(v) for k, v in struct.items()}
        return [refs(s) for s in struct]

    inputs = refs(config["input_layers"])
    outputs = refs(config["output_layers"])
    if isinstance(inputs, list) and len(inputs) == 1:
        inputs = inputs[0]
    if isinstance(outputs, list) and len(outputs) == 1:
        outputs = outputs[0]
    return cls(inputs=inputs, outputs=outputs, name=config.get("name"),
               trainable=config.get("trainable", True))

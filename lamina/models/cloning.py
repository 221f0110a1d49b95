"""clone_model: the same architecture with new layers (fresh weights)."""

from lamina.core import tree
from lamina.core.keras_tensor import KerasTensor
from lamina.layers.input_layer import Input, InputLayer


def _default_clone(layer):
    return layer.__class__.from_config(layer.get_config())


def clone_model(model, input_tensors=None, clone_function=None, call_function=None,
                recursive=False, **kwargs):
    """A new model with the architecture of `model` and newly created layers.

    clone_function(layer) -> new layer (default: from the layer's config, new weights).
    input_tensors: KerasTensors (or a structure) to build the clone on, functional models
    only. recursive: also clone nested models layer by layer. Weights are not copied
    (use `clone.set_weights(model.get_weights())`).
    """
    from lamina.models.functional import Functional
    from lamina.models.sequential import Sequential

    # Keras's internal `cache` of already cloned layers is not implemented.
    if kwargs:
        raise TypeError(f"clone_model: keyword argument(s) {sorted(kwargs)} are not supported "
                        "by lamina.")
    clone = clone_function or _default_clone

    def clone_layer(layer):
        if recursive and isinstance(layer, (Functional, Sequential)):
            return clone_model(layer, clone_function=clone_function, call_function=call_function,
                               recursive=True)
        return clone(layer)

    if isinstance(model, Sequential):
        layers = [clone_layer(l) for l in model.layers]
        if model._stack and isinstance(model._stack[0], InputLayer):
            layers.insert(0, Input(batch_shape=model._stack[0].batch_shape,
                                   dtype=model._stack[0].dtype))
        return Sequential(layers, name=model.name, trainable=model.trainable)
    if isinstance(model, Functional):
        return _clone_functional(model, input_tensors, clone_layer, call_function)
    if input_tensors is not None:
        raise ValueError("clone_model: input_tensors is only supported for functional models.")
    return model.__class__.from_config(model.get_config())


def _clone_functional(model, input_tensors, clone_layer, call_function):
    from lamina.models.functional import Functional

    values = {}
    if input_tensors is not None:
        new_inputs = tree.flatten(input_tensors)
        if len(new_inputs) != len(model.inputs) or not all(
                isinstance(t, KerasTensor) for t in new_inputs):
            raise ValueError(f"clone_model: input_tensors must be {len(model.inputs)} KerasTensors.")
    else:
        new_inputs = [Input(batch_shape=t.shape, dtype=t.dtype, name=t._keras_history[0].name)
                      for t in model.inputs]
    for old, new in zip(model.inputs, new_inputs):
        values[id(old)] = new
    new_layers = {}
    for node in model._nodes:
        layer = node.layer
        if id(layer) not in new_layers:
            new_layers[id(layer)] = clone_layer(layer)
        args, kwargs = node.map_arguments(values)
        target = new_layers[id(layer)]
        out = call_function(target, *args, **kwargs) if call_function else target(*args, **kwargs)
        for old_t, new_t in zip(node.output_tensors, tree.flatten(out)):
            values[id(old_t)] = new_t
    inputs = tree.pack_sequence_as(model._inputs_struct, new_inputs) \
        if not isinstance(model._inputs_struct, KerasTensor) else new_inputs[0]
    outputs = tree.map_structure(lambda t: values[id(t)], model._outputs_struct)
    return Functional(inputs, outputs, name=model.name, trainable=model.trainable)

"""Functional: a model defined by a graph of layer calls from inputs to outputs."""

import collections

import jax.numpy as jnp
import numpy as np

from lamina.core import masking, tree
from lamina.core.keras_tensor import KerasTensor
from lamina.core.op_layer import OpLayer
from lamina.models import host_inputs
from lamina.models.layer_order import keras_layer_order
from lamina.models.model import Model


def _describe(structure):
    return tree.map_structure(lambda t: t.shape if isinstance(t, KerasTensor) else t, structure)


class Functional(Model):
    """`Model(inputs=..., outputs=...)`: inputs and outputs are KerasTensors, or lists,
    tuples or dicts of them. Calling it runs the recorded layer calls in order."""

    _propagates_masks = True  # output masks come from the graph (lamina/core/masking.py)
    _casts_inputs = False  # inputs keep their Input's dtype; each layer casts its own (Keras)

    def __init__(self, inputs, outputs, name=None, trainable=True, **kwargs):
        super().__init__(name=name, trainable=trainable, **kwargs)
        if isinstance(inputs, dict) and not inputs:
            raise ValueError(f"Model '{self.name}': `inputs` is empty.")
        for kind, struct in (("inputs", inputs), ("outputs", outputs)):
            for t in tree.flatten(struct):
                if not isinstance(t, KerasTensor):
                    raise ValueError(
                        f"Model '{self.name}': all {kind} must be KerasTensors (from keras.Input "
                        f"or layer calls on them); got {type(t).__name__}: {t!r}.")
        if isinstance(inputs, tuple):
            inputs = list(inputs)
        if isinstance(outputs, tuple):
            outputs = list(outputs)
        self._inputs_struct = inputs
        self._outputs_struct = outputs
        self.inputs = tree.flatten(inputs)
        self.outputs = tree.flatten(outputs)
        if len({id(t) for t in self.inputs}) != len(self.inputs):
            raise ValueError(f"Model '{self.name}': the same input tensor is listed twice in `inputs`.")
        self._nodes, self._graph_layers = self._build_graph()
        self._host = host_inputs.split_graph(self._nodes, self.inputs, self.outputs)
        self._records_masks = masking.graph_records_masks(self._nodes)
        self._check_unique_names()
        self.built = True

    # -- graph ---------------------------------------------------------------
    def _build_graph(self):
        """Nodes in execution order (input nodes excluded) and the layers in Keras order."""
        input_ids = {id(t) for t in self.inputs}
        ordered, visited, on_path = [], set(), set()

        def visit(tensor, consumer):
            if id(tensor) in input_ids:
                return
            node = tensor._node
            if node is None or node.is_input:
                used = [t.name for t in self.inputs]
                where = f" at layer '{consumer.layer.name}'" if consumer is not None else ""
                raise ValueError(
                    f"Graph disconnected in model '{self.name}': cannot obtain the value of tensor "
                    f"{tensor}{where}: it does not depend on the model's inputs {used}. Pass "
                    "every keras.Input the outputs depend on in `inputs`.")
            if id(node) in visited:
                return
            if id(node) in on_path:
                raise ValueError(f"Model '{self.name}': the layer graph has a cycle at '{node.layer.name}'.")
            on_path.add(id(node))
            for t in node.input_tensors:
                visit(t, node)
            on_path.discard(id(node))
            visited.add(id(node))
            ordered.append(node)

        for t in self.outputs:
            visit(t, None)
        layers = keras_layer_order(self.inputs, self.outputs)
        return ordered, layers

    def _check_unique_names(self):
        counts = collections.Counter(layer.name for layer in self._graph_layers)
        dup = [n for n, c in counts.items() if c > 1]
        if dup:
            raise ValueError(
                f"Model '{self.name}': layer names must be unique, but "
                + ", ".join(f"'{n}' is used {counts[n]} times" for n in dup)
                + ". Give the layers distinct `name=` arguments.")

    @property
    def _layers(self):
        """Every layer of the graph, the ops recorded on symbolic tensors included."""
        return list(self._graph_layers)

    @property
    def layers(self):
        """The graph's layers without its ops (`x * 2`, `ops.sum(x)`), as Keras lists them."""
        return [l for l in self._graph_layers if not isinstance(l, OpLayer)]

    @property
    def input_names(self):
        return [t._keras_history[0].name if t._keras_history else t.name for t in self.inputs]

    @property
    def output_names(self):
        if isinstance(self._outputs_struct, dict):
            return list(self._outputs_struct.keys())
        return [t._keras_history[0].name for t in self.outputs]

    @property
    def input(self):
        return self._inputs_struct

    @property
    def output(self):
        return self._outputs_struct

    @property
    def input_shape(self):
        return _describe(self._inputs_struct)

    @property
    def output_shape(self):
        return _describe(self._outputs_struct)

    def build(self, input_shape=None):
        self.built = True

    # -- running -------------------------------------------------------------
    def _flatten_inputs(self, inputs):
        """Model inputs in `self.inputs` order from a single value, list/tuple or dict.

        A dict is matched by the keys of the model's `inputs` dict, else by the names of its
        Input layers; extra keys are ignored (as Keras does)."""
        if isinstance(inputs, dict):
            struct = self._inputs_struct
            names = list(struct) if isinstance(struct, dict) and all(
                isinstance(t, KerasTensor) for t in struct.values()) else self.input_names
            missing = [n for n in names if n not in inputs]
            if missing:
                unknown = [k for k in inputs if k not in names]
                extra = f"; unknown key(s) {unknown}" if unknown else ""
                raise ValueError(
                    f"Model '{self.name}' was called with a dict with missing key(s) {missing}"
                    f"{extra}. Its inputs are named {names}.")
            return [inputs[n] for n in names]
        flat = tree.flatten(inputs) if isinstance(inputs, (list, tuple)) else [inputs]
        if len(flat) != len(self.inputs):
            raise ValueError(
                f"Model '{self.name}' expects {len(self.inputs)} input(s) "
                f"({[t.shape for t in self.inputs]}), but it received {len(flat)} input tensor(s).")
        return flat

    def _check_shape(self, i, kt, shape):
        """ValueError naming the model, the input, the expected and the received shape.

        The batch dimension is not checked (as Keras): `Input(batch_size=8)` takes any batch."""
        expected = kt.shape
        ok = len(shape) == len(expected) and all(
            e is None or s is None or e == s for e, s in zip(expected[1:], shape[1:]))
        if not ok:
            raise ValueError(
                f"Input {i} ('{self.input_names[i]}') of model '{self.name}' is incompatible with "
                f"the model: expected shape={expected}, but received input with shape={shape}")

    def _check_and_cast(self, i, kt, x):
        if kt.dtype == "string":
            return np.asarray(x)  # for the host layers (lamina/models/host_inputs.py)
        if not hasattr(x, "shape"):
            x = jnp.asarray(x)
        x = _match_trailing_unit_axis(kt.shape, x)
        self._check_shape(i, kt, tuple(x.shape))
        if x.dtype != kt.dtype:
            if isinstance(x, np.ndarray):
                x = np.asarray(x, dtype=kt.dtype)
            else:
                x = x.astype(kt.dtype)
        return x

    def call(self, inputs, training=None, mask=None):
        request = masking.claim_request(self)
        outputs, output_masks = self._run_graph(inputs, training, mask)
        if request is not None:
            request.masks = output_masks
        return outputs

    def _run_graph(self, inputs, training=None, mask=None):
        """Run the recorded layer calls: `(outputs, output masks or None)`.

        Masks travel beside the values in a dict by KerasTensor id, only when the graph
        recorded masks or the caller passed `mask` (one per model input)."""
        values, masks, nodes = {}, {}, self._nodes
        if self._host is not None and host_inputs.is_prepared(inputs):
            # the host layers already ran (lamina/models/host_inputs.py)
            nodes = self._host.device_nodes
            values.update(zip(map(id, self._host.device_inputs),
                              host_inputs.unpack(inputs, self._host)))
        else:
            flat = self._flatten_inputs(inputs)
            for i, (kt, x) in enumerate(zip(self.inputs, flat)):
                values[id(kt)] = self._check_and_cast(i, kt, x)
            masking.store(masks, self.inputs, mask)
        track = bool(masks) or self._records_masks
        for node in nodes:
            args, kwargs = node.map_arguments(values)
            if training is not None and "training" in kwargs:
                kwargs["training"] = training  # the model's flag overrides one fixed at build
            if track:
                out, out_masks = masking.call_node(node, args, kwargs, masks)
            else:
                out, out_masks = node.layer(*args, **kwargs), None
            flat_out = tree.flatten(out)
            if len(flat_out) != len(node.output_tensors):
                raise ValueError(
                    f"Layer '{node.layer.name}' returned {len(flat_out)} tensors when called in "
                    f"model '{self.name}', but {len(node.output_tensors)} when the model was built.")
            for t, v in zip(node.output_tensors, flat_out):
                values[id(t)] = v
            masking.store(masks, node.output_tensors, out_masks)
        outputs = tree.map_structure(lambda t: values[id(t)], self._outputs_struct)
        output_masks = None
        if masks:
            output_masks = tree.map_structure(lambda t: masks.get(id(t)), self._outputs_struct)
        return outputs, output_masks

    def compute_output_spec(self, *args, **kwargs):
        from lamina.core.layer import infer_output_spec

        if args:  # check symbolic shapes here, before unknown dims get sizes for tracing
            for i, (kt, x) in enumerate(zip(self.inputs, self._flatten_inputs(args[0]))):
                if isinstance(x, KerasTensor):
                    self._check_shape(i, kt, x.shape)
        outputs, output_masks = infer_output_spec(self._run_graph, args, kwargs)
        masking.attach(outputs, output_masks)
        return outputs

    # -- config --------------------------------------------------------------
    def get_config(self):
        from lamina.models.functional_config import functional_config

        return functional_config(self)

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from lamina.models.functional_config import functional_from_config

        return functional_from_config(cls, config, custom_objects=custom_objects)


def _match_trailing_unit_axis(expected, x):
    """`x` with a size-1 last axis added or dropped when that alone makes its rank match
    `expected` (as Keras: `Input((28, 28, 1))` takes `(n, 28, 28)` images, `Input((5,))`
    takes `(n, 5, 1)`). Any other rank is left for the shape check to refuse."""
    rank = len(x.shape)
    if rank == len(expected) - 1 and expected[-1] == 1:
        return np.expand_dims(x, -1) if isinstance(x, np.ndarray) else jnp.expand_dims(x, -1)
    if rank == len(expected) + 1 and x.shape[-1] == 1:
        return np.squeeze(x, -1) if isinstance(x, np.ndarray) else jnp.squeeze(x, -1)
    return x

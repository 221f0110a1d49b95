"""Sequential: a plain stack of layers, each with one input and one output."""

import numpy as np

from lamina.core import masking
from lamina.core.keras_tensor import KerasTensor
from lamina.core.layer import Layer
from lamina.core.serialization.serialization import serialize_keras_object
from lamina.layers.input_layer import InputLayer
from lamina.layers.layer_serialization import deserialize_layer
from lamina.models.model import Model


class Sequential(Model):
    """A model that applies `layers` one after the other.

    Once the input shape is known (a leading `keras.Input`, `input_shape=` on the first
    layer, `build(input_shape)` or the first call) it is a functional graph underneath.

    Examples:
        >>> model = keras.Sequential([keras.Input(shape=(16,)), keras.layers.Dense(8)])
        >>> model.add(keras.layers.Dense(1))
        >>> model.output_shape
        (None, 1)
        >>> [layer.name for layer in model.layers]
        ['dense', 'dense_1']
    """

    _untracked = frozenset({"_functional"})  # the graph built from the stack, not a sublayer
    _propagates_masks = True  # output masks come from the graph (lamina/core/masking.py)
    _casts_inputs = False  # inputs keep their Input's dtype; each layer casts its own (Keras)

    def __init__(self, layers=None, trainable=True, name=None):
        super().__init__(trainable=trainable, name=name)
        self._stack = []
        for layer in layers or []:
            self.add(layer, rebuild=False)
        self._rebuild()

    # -- editing the stack ---------------------------------------------------------
    def add(self, layer, rebuild=True):
        """Append a layer (or a `keras.Input` tensor) to the stack."""
        if isinstance(layer, KerasTensor):
            origin = layer._keras_history[0] if layer._keras_history else None
            if not isinstance(origin, InputLayer):
                raise ValueError(
                    f"Sequential '{self.name}'.add() accepts a keras.Input tensor or a layer; got "
                    f"{layer}, which was not made by keras.Input.")
            layer = origin
        if not isinstance(layer, Layer):
            raise TypeError(
                f"Sequential '{self.name}'.add() expects a Layer instance, got "
                f"{type(layer).__name__}: {layer!r}.")
        if isinstance(layer, InputLayer):
            if self._stack:
                raise ValueError(
                    f"Sequential '{self.name}': an Input can only be the first element; the model "
                    f"already has layers {[l.name for l in self._stack]}.")
        elif not self._stack and layer._input_shape_arg is not None:
            self._stack.append(InputLayer(shape=layer._input_shape_arg,
                                          batch_size=layer._batch_size_arg))
        names = {l.name for l in self._stack}
        if layer.name in names:
            raise ValueError(
                f"Sequential '{self.name}': all layers must have unique names; '{layer.name}' is "
                "already in the model.")
        self._stack.append(layer)
        if rebuild:
            self._rebuild()

    def pop(self, rebuild=True):
        """Remove and return the last layer."""
        layers = self.layers
        if not layers:
            raise TypeError(f"Sequential '{self.name}' has no layers to pop.")
        layer = self._stack.pop()
        if rebuild:
            self._rebuild()
        return layer

    def _rebuild(self):
        """Make the functional graph if the input shape is known."""
        self.__dict__.pop("_jit_forward", None)
        self._functional = None
        self.built = False
        if len(self._stack) > 1 and not isinstance(self._stack[0], InputLayer):
            inputs = getattr(self._stack[0], "inputs", None) if isinstance(self._stack[0], Model) \
                else None
            if inputs and len(inputs) == 1:  # a model first: its input is the model's (Keras)
                self._stack.insert(0, InputLayer(batch_shape=inputs[0].shape,
                                                 dtype=inputs[0].dtype))
        if self._stack and isinstance(self._stack[0], InputLayer):
            self._build_graph(self._stack[0])

    def _build_graph(self, input_layer):
        from lamina.core import naming
        from lamina.models.functional import Functional

        inputs = input_layer.output
        x = inputs
        with naming.own_scope(self.name):
            for layer in self._stack[1:]:
                x = layer(x)
        self._functional = Functional(inputs, x, name=self.name)
        self.built = True

    # -- properties ------------------------------------------------------------------
    @property
    def layers(self):
        return [l for l in self._stack if not isinstance(l, InputLayer)]

    @property
    def _layers(self):
        return list(self._stack)

    @property
    def inputs(self):
        self._require_graph("inputs")
        return self._functional.inputs

    @property
    def outputs(self):
        self._require_graph("outputs")
        return self._functional.outputs

    @property
    def input(self):
        self._require_graph("input")
        return self._functional.input

    @property
    def output(self):
        self._require_graph("output")
        return self._functional.output

    @property
    def input_shape(self):
        self._require_graph("input_shape")
        return self._functional.input_shape

    @property
    def output_shape(self):
        self._require_graph("output_shape")
        return self._functional.output_shape

    @property
    def input_names(self):
        return self._functional.input_names if self._functional else ["input_layer"]

    @property
    def output_names(self):
        return self._functional.output_names if self._functional else []

    def _require_graph(self, what):
        if self._functional is None:
            raise AttributeError(
                f"Sequential model '{self.name}' has no {what} yet: it is not built. Add a "
                "keras.Input first or call build(input_shape).")

    # -- building and calling --------------------------------------------------------------
    def build(self, input_shape=None):
        if self._functional is not None:
            return
        if input_shape is None:
            raise ValueError(f"Sequential '{self.name}'.build() needs an `input_shape`.")
        if not self.layers:
            raise ValueError(f"Sequential '{self.name}' has no layers to build.")
        input_shape = tuple(input_shape)
        self._stack.insert(0, InputLayer(batch_shape=input_shape))
        try:
            self._rebuild()
        except Exception:
            self._stack.pop(0)
            raise

    def _maybe_build(self, args, kwargs):
        if self._functional is not None:
            return
        first = args[0] if args else next(iter(kwargs.values()))
        if not hasattr(first, "shape"):
            raise ValueError(f"Sequential '{self.name}' expects a single tensor input, got "
                             f"{type(first).__name__}.")
        if getattr(first, "dtype", None) is not None and np.dtype(first.dtype).kind in "USO":
            # strings for host-side layers in front (TextVectorization, StringLookup)
            self._stack.insert(0, InputLayer(batch_shape=(None,) + tuple(first.shape[1:]),
                                             dtype="string"))
            self._rebuild()
            return
        self.build((None,) + tuple(first.shape[1:]))

    def call(self, inputs, training=None, mask=None):
        request = masking.claim_request(self)
        if self._functional is None:
            self._maybe_build((inputs,), {})
        outputs, output_masks = self._functional._run_graph(inputs, training=training, mask=mask)
        if request is not None:
            request.masks = output_masks
        return outputs

    def compute_output_spec(self, *args, **kwargs):
        return self._functional.compute_output_spec(*args, **kwargs)

    def get_config(self):
        layers = [serialize_keras_object(l) for l in self._stack]
        return {"name": self.name, "trainable": self.trainable, "layers": layers}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        model = cls(name=config.get("name"), trainable=config.get("trainable", True))
        for entry in config["layers"]:
            model.add(deserialize_layer(entry, custom_objects=custom_objects), rebuild=False)
        model._rebuild()
        return model

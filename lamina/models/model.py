"""Model: a Layer that can be trained, summarized, saved. `Model(inputs, outputs)` makes a
Functional model; subclassing Model with `__init__` + `call` makes a subclassed one."""

import jax
import numpy as np

from lamina.backend.config import is_shape_bucketing_enabled

from lamina.core import call_context, tree
from lamina.core.keras_tensor import KerasTensor
from lamina.core.layer import Layer, structure_version, _has_keras_tensor
from lamina.core.stateless_scope import in_stateless_scope
from lamina.core.serialization.deserialization import layer_from_config
from lamina.models import host_inputs
from lamina.models import state_tree as _state_tree
from lamina.models.model_saving import SavingMixin
from lamina.training.shape_buckets import bucket_rows, pad_rows, take_rows
from lamina.training.train_utils import structure_key
from lamina.training.trainer import Trainer

_JIT_FALLBACK_ERRORS = (
    jax.errors.ConcretizationTypeError,
    jax.errors.TracerArrayConversionError,
    jax.errors.TracerBoolConversionError,
    jax.errors.TracerIntegerConversionError,
)


def _make_functional(cls, functional):
    if cls is Model:
        return functional
    if not issubclass(cls, Model) or issubclass(cls, functional):
        return cls
    cls.__bases__ = tuple(_make_functional(b, functional) for b in cls.__bases__)
    return cls


class Model(Trainer, SavingMixin, Layer):
    """Groups layers into an object with training and inference features.

    `Model(inputs=..., outputs=...)` builds a functional model. A subclass defines its
    layers in `__init__` and the forward pass in `call(inputs, training=None)`.

    Examples:
        A functional model, trained with `fit`:

        >>> inputs = keras.Input(shape=(3,))
        >>> outputs = keras.layers.Dense(1)(inputs)
        >>> model = keras.Model(inputs, outputs)
        >>> model.compile(optimizer="sgd", loss="mse")
        >>> x, y = np.ones((8, 3)), np.zeros((8, 1))
        >>> history = model.fit(x, y, batch_size=4, epochs=2, verbose=0)
        >>> sorted(history.history), len(history.history["loss"])
        (['loss'], 2)
        >>> model.predict(x, verbose=0).shape
        (8, 1)
    """

    # Caches of the model, never sublayers or weights (Trainer and Predictor list theirs).
    _untracked = frozenset({
        "_var_cache", "_traced", "_traced_view", "_trace_error", "_jit_forward",
        "_jit_out_template", "_run_eagerly_call", "_jit_loss_owners", "_rows_independent",
        "_unpadded_calls",
    })
    _init_keywords = ("name", "trainable", "dtype")  # what __init__ takes via **kwargs

    def __new__(cls, *args, **kwargs):
        if cls is Model and (args or "inputs" in kwargs or "outputs" in kwargs):
            from lamina.models.functional import Functional

            return Functional.__new__(Functional, *args, **kwargs)
        return super().__new__(cls, *args, **kwargs)

    def __init__(self, *args, **kwargs):
        if len(args) == 2 or (len(args) == 1 and "outputs" in kwargs) or (
                "inputs" in kwargs and "outputs" in kwargs):
            from lamina.models.functional import Functional

            # A subclass's super().__init__(inputs, outputs), as in Keras: its bases get
            # Functional in place of Model (its own train_step etc. still win).
            _make_functional(type(self), Functional)
            Functional.__init__(self, *args, **kwargs)
            return
        name = kwargs.pop("name", None)
        trainable = kwargs.pop("trainable", True)
        dtype = kwargs.pop("dtype", None)
        if args or kwargs:
            bad = sorted(kwargs) or ["positional arguments"]
            raise TypeError(
                f"Model.__init__() got unexpected argument(s) {bad}. A subclassed model passes "
                "only name/trainable/dtype to super().__init__(); a functional model is made "
                "with keras.Model(inputs=..., outputs=...).")
        Layer.__init__(self, name=name, trainable=trainable, dtype=dtype)
        Trainer.__init__(self)
        self._traced = None
        self._trace_error = None
        self._var_cache = None

    # -- weights ---------------------------------------------------------------
    def _require_built(self):
        if not self.built:
            raise ValueError(
                f"Weights for model '{self.name}' have not yet been created. Weights are created "
                "when the model is first called on inputs or `build()` is called with an "
                "`input_shape`.")

    @property
    def weights(self):
        self._require_built()
        return Layer.weights.fget(self)

    def _variable_lists(self):
        """(trainable, non_trainable) variables, cached until the layer structure changes."""
        version = structure_version()
        if self._var_cache is None or self._var_cache[0] != version:
            self._var_cache = (version, self.trainable_variables, self.non_trainable_variables)
        return self._var_cache[1], self._var_cache[2]

    @property
    def layers(self):
        """Sublayers, in the order they were assigned (subclassed models)."""
        return [layer for layer in self._layers]

    def get_layer(self, name=None, index=None):
        """The layer called `name`, or at position `index` of `model.layers`."""
        layers = self.layers
        if index is not None and name is not None:
            raise ValueError("Provide only one of `name` or `index` to get_layer().")
        if index is not None:
            if not -len(layers) <= index < len(layers):
                raise ValueError(
                    f"Was asked to retrieve layer at index {index} but model '{self.name}' only "
                    f"has {len(layers)} layers.")
            return layers[index]
        if name is not None:
            for layer in layers:
                if layer.name == name:
                    return layer
            raise ValueError(
                f"No such layer: {name}. Existing layers in model '{self.name}' are: "
                f"{[layer.name for layer in layers]}.")
        raise ValueError("Provide either a layer `name` or an `index` to get_layer().")

    # -- building ----------------------------------------------------------------
    def build(self, input_shape=None):
        """Create the weights of a subclassed model by tracing `call` on symbolic inputs
        of `input_shape` (batch dim None; a list or dict for several inputs)."""
        if type(self).build is not Model.build:
            return
        if input_shape is None:
            raise ValueError(f"Model '{self.name}'.build() needs an `input_shape`.")
        from lamina.models.tracing import trace_subclassed_model

        trace_subclassed_model(self, input_shape)
        self.built = True

    def _maybe_build(self, args, kwargs):
        if self.built:
            return
        if type(self).build is Model.build:
            # A subclassed model without its own build(): its layers build during call().
            from lamina.core.layer import shape_structure

            first = args[0] if args else next(iter(kwargs.values()))
            self._build_shapes = shape_structure(first)
            self.built = True
            return
        super()._maybe_build(args, kwargs)

    # -- host-side preprocessing layers in front (lamina/models/host_inputs.py) -----
    fit = host_inputs.preparing_inputs(Trainer.fit, ("x",), ("validation_data",))
    evaluate = host_inputs.preparing_inputs(Trainer.evaluate, ("x",))
    predict = host_inputs.preparing_inputs(Trainer.predict, ("x",))
    train_on_batch = host_inputs.preparing_inputs(Trainer.train_on_batch, ("x",))
    test_on_batch = host_inputs.preparing_inputs(Trainer.test_on_batch, ("x",))
    predict_on_batch = host_inputs.preparing_inputs(Trainer.predict_on_batch, ("x",))

    # -- calling -------------------------------------------------------------------
    def __call__(self, *args, **kwargs):
        if args:
            args = (host_inputs.prepare_call_input(self, args[0]),) + args[1:]
        if (self.built and args and not self.__dict__.get("_run_eagerly_call")
                and call_context.current() is None and not in_stateless_scope()
                and not _has_keras_tensor(args) and not _has_keras_tensor(kwargs)
                and set(kwargs) <= {"training"} and not _has_tracer(args)):
            try:
                training = kwargs.get("training")
                training = None if training is None else bool(training)
                return self._compiled_call(args[0], training, args[1:])
            except _JIT_FALLBACK_ERRORS:
                # call() does host-side work on values: run it eagerly from now on.
                self.__dict__["_run_eagerly_call"] = True
        return super().__call__(*args, **kwargs)

    def _compiled_call(self, inputs, training, extra_args):
        """Eager `model(x)` as one jitted call of the pure form; state is written back."""
        trainable, non_trainable = self._variable_lists()
        fn = self.__dict__.get("_jit_forward")
        if fn is None:
            def forward(tv, ntv, x, extra, training):
                with call_context.LossCollector(gather_nested=True) as collector:
                    out, new_ntv = self.stateless_call(tv, ntv, x, *extra, training=training)
                if _has_dict(out):  # jit returns dicts key-sorted; remember the call's order
                    self.__dict__["_jit_out_template"] = tree.map_structure(lambda _: None, out)
                self.__dict__.setdefault("_jit_loss_owners", {})[training] = collector.owners
                return out, new_ntv, collector.losses

            fn = jax.jit(forward, static_argnames=("training",))
            self.__dict__["_jit_forward"] = fn
        # jit converts NumPy arrays itself (cheaper than jnp.asarray); lists become arrays.
        inputs = tree.map_structure(
            lambda v: v if v is None or hasattr(v, "shape") else np.asarray(v), inputs)
        n, rows = self._inference_bucket(inputs, training, extra_args)
        out, new_ntv, losses = fn([v._value for v in trainable],
                                  [v._value for v in non_trainable],
                                  pad_rows(inputs, rows) if rows != n else inputs,
                                  tuple(extra_args), training=training)
        if rows != n:
            if losses:  # added losses of the padded rows: compute them on the real ones
                return self._compiled_call_unpadded(inputs, training, extra_args)
            out = jax.tree_util.tree_map(jax.device_put, take_rows(out, n, rows))
        for var, value in zip(non_trainable, new_ntv):
            if value is not var._value:
                var._value = value
        if losses or self.__dict__.get("_jit_left_losses"):
            self._keep_call_losses(losses, training)
        template = self.__dict__.get("_jit_out_template")
        return out if template is None else _in_order_of(template, out)

    def _input_keys(self, x):
        if host_inputs.is_prepared(x):  # a batch the model's host layers already ran on
            return list(x)
        return super()._input_keys(x)

    def _inference_bucket(self, inputs, training, extra_args):
        """(rows, padded rows) of an inference call: padded up to a power of two when the
        model's rows are independent (see training/shape_buckets.py), so calls of every
        batch size share a few compilations."""
        leaves = [a for a in tree.flatten(inputs) if a is not None]
        if (training or extra_args or not leaves or not is_shape_bucketing_enabled()
                or self.__dict__.get("_unpadded_calls")
                or any(getattr(a, "ndim", 0) < 1 for a in leaves)):
            return 0, 0
        n = leaves[0].shape[0]
        if n == 0 or any(a.shape[0] != n for a in leaves):
            return 0, 0
        key = structure_key(self)
        cached = self.__dict__.get("_rows_independent")
        if cached is None or cached[0] != key:
            from lamina.training.predictor import _rows_independent

            cached = self.__dict__["_rows_independent"] = (key, _rows_independent(self))
        return (n, bucket_rows(n)) if cached[1] else (n, n)

    def _compiled_call_unpadded(self, inputs, training, extra_args):
        self.__dict__["_unpadded_calls"] = True
        return self._compiled_call(inputs, training, extra_args)

    def _keep_call_losses(self, losses, training):
        """`add_loss` values of a jitted `model(x)`, put back on the layers that added them
        (as an eager call leaves them: `model.losses` shows them until the next call)."""
        self._clear_losses()
        owners = self.__dict__.get("_jit_loss_owners", {}).get(training, ())
        if len(owners) != len(losses):
            owners = [self] * len(losses)
        for owner, loss in zip(owners, losses):
            owner._losses.append(loss)
        self.__dict__["_jit_left_losses"] = bool(losses)

    # -- introspection -------------------------------------------------------------
    def summary(self, line_length=None, positions=None, print_fn=None, expand_nested=False,
                show_trainable=False, layer_range=None):
        """Print the layers with output shapes and parameter counts."""
        from lamina.models.summary import print_summary

        print_summary(self, line_length=line_length, positions=positions, print_fn=print_fn,
                      expand_nested=expand_nested, show_trainable=show_trainable,
                      layer_range=layer_range)

    def count_params(self):
        self._require_built()
        return Layer.count_params(self)

    # -- deployment ------------------------------------------------------------------
    def export(self, filepath, format="tf_saved_model", verbose=None, input_signature=None,
               **kwargs):
        """Write an artifact for inference: format "jax" (lamina.export.load), "onnx"
        (onnxruntime) or "tf_saved_model" (tf.saved_model.load; needs TensorFlow)."""
        from lamina.export.model_export import export_model

        export_model(self, filepath, format=format, verbose=verbose,
                     input_signature=input_signature, **kwargs)

    def quantize(self, mode=None, config=None, filters=None, **kwargs):
        """Quantize the weights of every layer with a quantized form (Dense, EinsumDense,
        Embedding): mode "int8", or `config` a keras.quantizers config; `filters` a regex,
        a list of regexes or a callable picking layers."""
        from lamina.models.model_quantization import quantize_model

        quantize_model(self, mode, config=config, filters=filters, **kwargs)

    @classmethod
    def from_config(cls, config, custom_objects=None):
        """`Model.from_config` of a functional model's config rebuilds the functional model."""
        if cls is Model and {"layers", "input_layers", "output_layers"} <= set(config):
            from lamina.models.functional import Functional

            return Functional.from_config(config, custom_objects=custom_objects)
        return layer_from_config(cls, config, custom_objects)

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name}, built={self.built}>"

    def get_state_tree(self, value_format="backend_tensor"):
        """All state (trainable, non-trainable, optimizer, metrics variables) as nested
        dicts by variable path; see lamina.models.state_tree."""
        return _state_tree.get_state_tree(self, value_format)

    def set_state_tree(self, state_tree):
        """Assign values from a tree shaped like `get_state_tree()`'s."""
        return _state_tree.set_state_tree(self, state_tree)

def _has_tracer(args):
    return any(isinstance(a, jax.core.Tracer) for a in tree.flatten(list(args)))


def _has_dict(x):
    if isinstance(x, dict):
        return True
    return isinstance(x, (list, tuple)) and any(_has_dict(i) for i in x)


def _in_order_of(template, value):
    """`value` with its dicts' keys in the order of the matching dicts of `template`."""
    if isinstance(template, dict) and isinstance(value, dict) and set(template) == set(value):
        return {k: _in_order_of(template[k], value[k]) for k in template}
    if isinstance(template, (list, tuple)) and isinstance(value, (list, tuple)) \
            and len(template) == len(value):
        items = [_in_order_of(t, v) for t, v in zip(template, value)]
        if isinstance(value, list):
            return items
        return type(value)(*items) if hasattr(value, "_fields") else tuple(items)
    return value

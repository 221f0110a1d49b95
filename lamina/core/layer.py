"""Layer: the base class of every layer and model.

A layer builds lazily: the first call runs `build(input_shape)`, where `add_weight`
creates Variables. Called on KerasTensors it computes nothing: it infers the output
shapes and records a Node. Every layer has the pure form `stateless_call`.
"""

import difflib
import inspect

import jax
import jax.numpy as jnp
import numpy as np

from lamina.backend.dtypes import standardize_dtype
from lamina.core import activity, auto_config, call_context, masking, naming, remat, tree
from lamina.core.build_wrapper import marking_built
from lamina.core.input_spec import assert_input_compatibility
from lamina.core.node import Node
from lamina.core.serialization.deserialization import plain_from_config
from lamina.core.stateless_scope import StatelessScope
from lamina.core.symbolic import (  # noqa: F401 (re-exported)
    _has_keras_tensor,
    _NoOutputShape,
    _shapes_to_keras_tensors,
    infer_output_spec,
    is_shape,
    shape_structure,
)
from lamina.core.layer_graph_access import LayerGraphAccessMixin
from lamina.core.layer_quantization import LayerDTypeMixin
from lamina.core.layer_saved_state import LayerSavedStateMixin
from lamina.core.variable import Variable
from lamina.distribution import placement

# Bumped whenever any layer gains a sublayer or variable or changes `trainable`, so models
# can cache their variable lists between such changes.
_structure_version = [0]


# Keywords every Layer takes (those of __init__ and the shorthands it reads from kwargs).
_LAYER_KEYWORDS = ("activity_regularizer", "trainable", "dtype", "autocast", "name",
                   "input_shape", "input_dim", "batch_size", "batch_input_shape", "dynamic",
                   "input_dtype")


def unknown_keywords_message(cls, unknown, valid):
    """`Cls.__init__() got unexpected keyword argument(s) ...`, naming the closest valid
    keyword for each unknown one."""
    hints = []
    for key in sorted(unknown):
        close = difflib.get_close_matches(key, valid, n=1)
        hints.append(f"'{key}'" + (f" (did you mean '{close[0]}'?)" if close else ""))
    return (f"{cls.__name__}.__init__() got unexpected keyword argument(s) {', '.join(hints)}.")


def structure_version():
    return _structure_version[0]


def _bump_structure():
    _structure_version[0] += 1


def _holds_state(value):
    """Whether assigning `value` can add sublayers or variables (checked one level deep)."""
    if isinstance(value, (Layer, Variable)):
        return True
    if isinstance(value, (list, tuple)):
        return any(isinstance(v, (Layer, Variable, list, tuple, dict)) for v in value)
    if isinstance(value, dict):
        return any(isinstance(v, (Layer, Variable, list, tuple, dict)) for v in value.values())
    return False


class Layer(LayerDTypeMixin, LayerGraphAccessMixin, LayerSavedStateMixin):
    """Base layer.

    Args:
        name: unique by default ("dense", "dense_1", ...).
        trainable: whether its weights are updated by training. Default True.
        dtype: a dtype name or DTypePolicy ("mixed_bfloat16": float32 variables, bfloat16
            compute); default the global policy (`keras.config.dtype_policy()`).
        input_shape / input_dim / batch_size: shorthand for a leading `Input` when the
            layer is the first one of a Sequential model.
    """

    _regularizes_outputs = True  # activity_regularizer applies to the outputs of `call`
    _casts_inputs = True  # float inputs are cast to the compute dtype (graph models: no)

    # Attributes a class uses for bookkeeping, never for sublayers or weights of its own:
    # each class (or mixin) names its own in `_untracked`; `_untracked_attributes` is the
    # union over a class's bases, so core never lists a subclass's names.
    _untracked = frozenset({
        "_inbound_nodes", "_outbound_nodes", "_init_args", "_own_trainable",
        "_own_non_trainable", "_losses", "_call_sig", "_captured_variables", "input_spec",
        "_build_shapes",
    })
    _untracked_attributes = _untracked
    _init_keywords = ("dynamic", "input_dtype")  # what __init__ takes via **kwargs (Keras's)

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        cls._untracked_attributes = frozenset().union(
            *(klass.__dict__.get("_untracked", ()) for klass in cls.__mro__))
        if "build" in cls.__dict__ and not getattr(cls.__dict__["build"], "_marks_built", False):
            cls.build = marking_built(cls.__dict__["build"])

    def __new__(cls, *args, **kwargs):
        obj = super().__new__(cls)
        obj.__dict__["_init_args"] = (args, dict(kwargs))
        return obj

    def __init__(self, *, activity_regularizer=None, trainable=True, dtype=None,
                 autocast=True, name=None, **kwargs):
        input_shape = kwargs.pop("input_shape", None)
        input_dim = kwargs.pop("input_dim", None)
        batch_size = kwargs.pop("batch_size", None)
        batch_input_shape = kwargs.pop("batch_input_shape", None)
        kwargs.pop("dynamic", None)
        kwargs.pop("input_dtype", None)
        if kwargs:
            own = [p for p in inspect.signature(type(self).__init__).parameters
                   if p not in ("self", "args", "kwargs")]
            raise TypeError(unknown_keywords_message(type(self), kwargs,
                                                     own + list(_LAYER_KEYWORDS)))
        if name is not None and (not isinstance(name, str) or "/" in name):
            raise ValueError(f"Layer name must be a string without '/', got {name!r}.")
        self.name = name or naming.auto_name(naming.to_snake_case(type(self).__name__))
        self._trainable = bool(trainable)
        if (remat_mode := remat.get_current_remat_mode()) is not None:
            self._remat_mode = remat_mode  # a RematScope was active at creation
        self._set_policy(dtype)  # Keras's (quantized) policies too
        self.autocast = autocast
        self.activity_regularizer = activity.get_regularizer(activity_regularizer)
        self.built = False
        self.input_spec = None
        # Keras: a layer that defines compute_mask supports masking unless it says otherwise.
        self.supports_masking = type(self).compute_mask is not Layer.compute_mask
        self._inbound_nodes = []
        self._outbound_nodes = []
        self._own_trainable = []
        self._own_non_trainable = []
        self._losses = []
        self._build_shapes = None
        if input_dim is not None and input_shape is None:
            input_shape = (input_dim,)
        if batch_input_shape is not None:
            batch_size, input_shape = batch_input_shape[0], tuple(batch_input_shape[1:])
        self._input_shape_arg = tuple(input_shape) if input_shape is not None else None
        self._batch_size_arg = batch_size

    def __setattr__(self, name, value):
        if name == "_trainable" or (name not in self._untracked_attributes and
                                    _holds_state(value)):
            _bump_structure()
        object.__setattr__(self, name, value)

    # -- weights ---------------------------------------------------------------
    def add_weight(self, shape=None, initializer=None, dtype=None, trainable=True,
                   regularizer=None, constraint=None, name=None, aggregation="none",
                   autocast=True, overwrite_with_gradient=False):
        """Create a Variable owned by this layer. `shape` defaults to () and
        `initializer` to "glorot_uniform" for floats, "zeros" otherwise. autocast=False:
        mixed-precision calls read it in its own dtype. overwrite_with_gradient=True: the
        optimizer assigns it its gradient instead of a step (float8 scales)."""
        from lamina import initializers, regularizers, constraints

        shape = () if shape is None else tuple(int(d) for d in shape)
        dtype = standardize_dtype(dtype or self.variable_dtype)
        if initializer is None:
            initializer = "glorot_uniform" if "float" in dtype else "zeros"
        initializer = initializers.get(initializer)
        with naming.own_scope(self.name), jax.ensure_compile_time_eval():
            var = Variable(initializer, shape=shape, dtype=dtype, trainable=trainable,
                           name=name or naming.auto_name("variable"), aggregation=aggregation,
                           autocast=autocast)
        var.overwrite_with_gradient = bool(overwrite_with_gradient)
        var.regularizer = regularizers.get(regularizer)
        var.constraint = constraints.get(constraint)
        if trainable and not self._trainable:
            var.trainable = False  # a frozen layer's new weights start frozen too
        (self._own_trainable if trainable else self._own_non_trainable).append(var)
        _bump_structure()
        return var

    def add_variable(self, shape, initializer, dtype=None, trainable=True, name=None, **kwargs):
        return self.add_weight(shape=shape, initializer=initializer, dtype=dtype,
                               trainable=trainable, name=name, **kwargs)

    def _tracked(self):
        """(sublayers, attribute variables, seed generators) found in this layer's attributes."""
        from lamina.random.seed_generator import SeedGenerator

        layers, variables, seeds = [], [], []
        seen = set()

        def visit(value, depth=0):
            if isinstance(value, Layer):
                if value is not self and id(value) not in seen:
                    seen.add(id(value))
                    layers.append(value)
            elif isinstance(value, Variable):
                if id(value) not in seen:
                    seen.add(id(value))
                    variables.append(value)
            elif isinstance(value, SeedGenerator):
                if id(value) not in seen:
                    seen.add(id(value))
                    seeds.append(value)
            elif depth < 3 and isinstance(value, (list, tuple)):
                for item in value:
                    visit(item, depth + 1)
            elif depth < 3 and isinstance(value, dict):
                for item in value.values():
                    visit(item, depth + 1)

        untracked = self._untracked_attributes
        for key, value in self.__dict__.items():
            if key not in untracked:
                visit(value)
        return layers, variables, seeds

    @property
    def _layers(self):
        """Direct sublayers, in attribute-assignment order."""
        return self._tracked()[0]

    def _flatten_layers(self, include_self=True, recursive=True):
        """This layer (optionally) and its sublayers, depth first, each once."""
        out, seen = [], set()

        def visit(layer):
            if id(layer) in seen:
                return
            seen.add(id(layer))
            out.append(layer)
            if recursive:
                for sub in layer._layers:
                    visit(sub)

        if include_self:
            visit(self)
        else:
            seen.add(id(self))
            for sub in self._layers:
                visit(sub)
        return out

    def _own_variables(self):
        own = self._own_trainable + self._own_non_trainable
        ids = {id(v) for v in own}
        extra = [v for v in self._tracked()[1] if id(v) not in ids]
        return own + extra

    @property
    def weights(self):
        """All weights: this layer's own (trainable first), then each sublayer's."""
        out, seen = [], set()
        for v in self._own_variables():
            if id(v) not in seen:
                seen.add(id(v))
                out.append(v)
        for layer in self._layers:
            for v in layer.weights:
                if id(v) not in seen:
                    seen.add(id(v))
                    out.append(v)
        return out

    @property
    def trainable_weights(self):
        if not self.trainable:
            return []
        return [v for v in self.weights if v.trainable]

    @property
    def non_trainable_weights(self):
        if not self.trainable:
            return self.weights
        return [v for v in self.weights if not v.trainable]

    @property
    def variables(self):
        """Weights plus the state of random seed generators and the Variables that
        symbolic op calls captured (e.g. `x * v` on a keras.Input)."""
        out = list(self.weights)
        seen = {id(v) for v in out}
        for layer in self._flatten_layers():
            extra = [sg.state for sg in layer._tracked()[2]]
            extra += layer.__dict__.get("_captured_variables", [])
            extra += layer._state_variables()
            for v in extra:
                if id(v) not in seen:
                    seen.add(id(v))
                    out.append(v)
        return out

    def _state_variables(self):
        """Variables that are layer state but not weights (not saved, not in get_weights),
        e.g. a stateful RNN's carried states; they travel with the non-trainable state."""
        return []

    @property
    def trainable_variables(self):
        return self.trainable_weights

    @property
    def non_trainable_variables(self):
        trainable = {id(v) for v in self.trainable_weights}
        return [v for v in self.variables if id(v) not in trainable]

    @property
    def trainable(self):
        return self._trainable

    @trainable.setter
    def trainable(self, value):
        value = bool(value)
        self._trainable = value
        for v in self._own_trainable:
            v.trainable = value
        _bump_structure()
        for layer in self._layers:
            layer.trainable = value

    def get_weights(self):
        return [v.numpy() for v in self.weights]

    def set_weights(self, weights):
        params = self.weights
        if len(weights) != len(params):
            raise ValueError(
                f"Layer '{self.name}' expects {len(params)} weight arrays, but set_weights() "
                f"received {len(weights)}.")
        for var, value in zip(params, weights):
            value = np.asarray(value)
            if tuple(value.shape) != var.shape:
                raise ValueError(
                    f"Layer '{self.name}' weight '{var.path}' has shape {var.shape}, but the "
                    f"provided array has shape {tuple(value.shape)}.")
        for var, value in zip(params, weights):
            var.assign(value)

    def count_params(self):
        if not self.built:
            raise ValueError(
                f"You tried to call `count_params` on layer '{self.name}', but the layer isn't "
                "built. Build it first by calling it on data or with `build(input_shape)`.")
        return int(sum(v.size for v in self.weights))

    # -- losses ----------------------------------------------------------------
    def add_loss(self, loss):
        collector = call_context.current_collector()
        if collector is not None:
            collector.add(self, loss)
        else:
            self._losses.append(loss)

    @property
    def losses(self):
        """Losses added with add_loss in the last call, plus weight regularization penalties."""
        out = []
        for layer in self._flatten_layers():
            out.extend(layer._losses)
            for v in layer._own_variables():
                if v.regularizer is not None:
                    out.append(v.regularizer(v.value))
        return out

    def _clear_losses(self):
        for layer in self._flatten_layers():
            if layer._losses:
                layer._losses = []

    # -- building --------------------------------------------------------------
    def build(self, input_shape=None):
        """Create the layer's weights for `input_shape` (batch dim None). Default: nothing."""
        self.built = True

    def _call_signature(self):
        sig = self.__dict__.get("_call_sig")
        if sig is None:
            sig = inspect.signature(self.call)
            self.__dict__["_call_sig"] = sig
        return sig

    def _call_accepts(self, name):
        params = self._call_signature().parameters
        return name in params or any(p.kind == p.VAR_KEYWORD for p in params.values())

    def _maybe_build(self, args, kwargs):
        if self.built:
            return
        if not args and not kwargs:
            self.build(None)
        else:
            build_params = [p for p in inspect.signature(self.build).parameters.values()
                            if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
            if len(build_params) > 1:
                call_params = list(self._call_signature().parameters)
                bound = dict(zip(call_params, args))
                bound.update(kwargs)
                shapes = {}
                for p in build_params:
                    arg = p.name[:-6] if p.name.endswith("_shape") else p.name
                    if arg in bound:
                        shapes[p.name] = shape_structure(bound[arg])
                self.build(**shapes)
            else:
                first = args[0] if args else next(iter(kwargs.values()))
                self._build_shapes = shape_structure(first)
                self.build(self._build_shapes)
        self.built = True

    def _check_input_spec(self, first):
        if self.input_spec is None:
            return
        if isinstance(first, (list, tuple)):  # several inputs: one spec each (Keras)
            shapes = [shape_structure(x) for x in first]
        else:
            shapes = [shape_structure(first)]
        assert_input_compatibility(self.input_spec, shapes, self.name)

    # -- calling ---------------------------------------------------------------
    def call(self, *args, **kwargs):
        raise TypeError(f"Layer '{self.name}' ({type(self).__name__}) does not define call().")

    def _convert_inputs(self, x):
        """NumPy inputs become jax arrays; floats are cast to the compute dtype."""
        dtype = self.compute_dtype if self._casts_inputs else None
        def conv(v):
            if isinstance(v, np.ndarray) or isinstance(v, (float, int)) and not isinstance(v, bool):
                v = jnp.asarray(v)
            if dtype is not None and isinstance(v, jax.Array) and self.autocast and v.dtype != dtype and \
                    jnp.issubdtype(v.dtype, jnp.floating) and "float" in dtype:
                v = v.astype(dtype)
            return v
        return tree.map_structure(conv, x)

    def __call__(self, *args, **kwargs):
        if "_inbound_nodes" not in self.__dict__:
            raise RuntimeError(
                f"{type(self).__name__}: call `super().__init__()` in your layer's __init__ "
                "before using it.")
        if not args and not kwargs:
            raise ValueError(f"Layer '{self.name}' was called without inputs.")
        if _has_keras_tensor(args) or _has_keras_tensor(kwargs):
            return self._symbolic_call(args, kwargs)
        if args:
            args = (self._convert_inputs(args[0]),) + args[1:]
        outer = call_context.current()
        training = kwargs.pop("training", None)
        if training is None and outer is not None:
            training = outer.training
        if training is not None and self._call_accepts("training"):
            kwargs["training"] = training
        first_call = not self.built
        eager_masks, previous_mask = ({}, None) if outer is not None else \
            masking.mask_arguments(self, args, kwargs, masking.eager_mask)
        kwargs.update(eager_masks)
        prev = call_context.enter(training)
        try:
            with naming.own_scope(self.name):  # sublayers built in call() get this layer's path
                if first_call:
                    self._check_input_spec(args[0] if args else next(iter(kwargs.values())))
                    self._maybe_build(args, kwargs)
                elif outer is None and call_context.current_collector() is None:
                    self._clear_losses()
                self._check_input_spec(args[0] if args else next(iter(kwargs.values())))
                with jax.named_scope(self.name), self._autocasting():
                    # named_scope names the layer's ops in HLO and profiles
                    outputs = remat.rematerialized(self, self.call, args, kwargs)(
                        *args, **kwargs)
                outputs = placement.constrain_output(outputs, lambda: naming.scoped_path("output"))
                if self.activity_regularizer is not None and self._regularizes_outputs:
                    activity.add_activity_loss(self, outputs)
                if outer is None:
                    masking.attach_eager_masks(self, outputs, args[0] if args else None,
                                               previous_mask)
                return outputs
        finally:
            call_context.leave(prev)

    def _symbolic_call(self, args, kwargs):
        if "training" in kwargs and not self._call_accepts("training"):
            kwargs = {k: v for k, v in kwargs.items() if k != "training"}
        # The inputs' masks are passed for inference only: the node records the call as
        # written, and a running model passes the masks again (lamina/core/masking.py).
        mask_kwargs, previous_mask = masking.mask_arguments(self, args, kwargs, masking.symbolic_mask)
        first = args[0] if args else next(iter(kwargs.values()))
        with naming.own_scope(self.name):
            if not self.built:
                self._check_input_spec(first)  # before build, as Keras: build needs valid input
                self._maybe_build(args, kwargs)
            self._check_input_spec(first)
            outputs = self.compute_output_spec(*args, **{**kwargs, **mask_kwargs})
            masking.record_output_masks(self, outputs, first, previous_mask)
        Node(self, args, kwargs, outputs)
        return outputs

    def compute_mask(self, inputs, previous_mask=None):
        """The mask of the outputs, for a layer with `supports_masking`: by default the
        mask of the inputs, unchanged."""
        return previous_mask

    def compute_output_shape(self, input_shape):
        """Output shape(s) for `input_shape`; default infers them by tracing `call`."""
        raise _NoOutputShape()

    def compute_output_spec(self, *args, **kwargs):
        """KerasTensor(s) describing the output of calling the layer on `args`."""
        if type(self).compute_output_shape is not Layer.compute_output_shape:
            first = args[0] if args else next(iter(kwargs.values()))
            try:
                shapes = self.compute_output_shape(shape_structure(first))
            except _NoOutputShape:
                shapes = None
            if shapes is not None:
                return _shapes_to_keras_tensors(shapes, self.compute_dtype)
        return infer_output_spec(self._cast_call, args, kwargs)

    def _cast_call(self, *args, **kwargs):
        """`call` as `__call__` runs it: first input cast to the compute dtype, autocast on."""
        if args:
            args = (self._convert_inputs(args[0]),) + args[1:]
        with self._autocasting():
            return self.call(*args, **kwargs)

    # -- pure form -------------------------------------------------------------
    def stateless_call(self, trainable_variables, non_trainable_variables, *args,
                       return_losses=False, **kwargs):
        """Call the layer as a pure function of its variable values.

        Returns `(outputs, new_non_trainable_values)`, plus the list of added losses
        when `return_losses=True`. Lists are in the order of `trainable_variables` and
        `non_trainable_variables`.
        """
        trainable_vars = self.trainable_variables
        non_trainable_vars = self.non_trainable_variables
        if len(trainable_variables) != len(trainable_vars) or \
                len(non_trainable_variables) != len(non_trainable_vars):
            raise ValueError(
                f"stateless_call on '{self.name}' expects {len(trainable_vars)} trainable and "
                f"{len(non_trainable_vars)} non-trainable values, got {len(trainable_variables)} "
                f"and {len(non_trainable_variables)}.")
        mapping = list(zip(trainable_vars, trainable_variables))
        mapping += list(zip(non_trainable_vars, non_trainable_variables))
        with StatelessScope(mapping) as scope, call_context.LossCollector() as collector:
            outputs = self(*args, **kwargs)
            if return_losses:
                losses = list(collector.losses)
                for layer in self._flatten_layers():
                    for v in layer._own_variables():
                        if v.regularizer is not None:
                            losses.append(v.regularizer(v.value))
        new_non_trainable = [scope.get_current_value(v) for v in non_trainable_vars]
        if return_losses:
            return outputs, new_non_trainable, losses
        return outputs, new_non_trainable

    # -- config ----------------------------------------------------------------
    def get_config(self):
        """Constructor arguments. Subclasses that don't override this get the arguments
        their __init__ was called with (when those are plain Python values)."""
        config = {"name": self.name, "trainable": self.trainable, "dtype": self._dtype_config(),
                  **activity.config_entry(self)}
        if type(self).get_config is Layer.get_config:
            config.update(auto_config.init_arguments(self, Layer.__init__))
        return config

    @classmethod
    @plain_from_config
    def from_config(cls, config):
        config = dict(config)
        return cls(**config)

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name}, built={self.built}>"

"""CellLayer: an RNN whose cell it makes itself from its own arguments (SimpleRNN, LSTM,
GRU), with Keras's flat config: the RNN's keys, then the cell's."""

import inspect

from lamina import regularizers
from lamina.core import naming
from lamina.core.layer import Layer
from lamina.layers.recurrent.rnn import RNN
from lamina.core.serialization.serialization import serialize_keras_object

_LAYER_KEYS = ("name", "trainable", "dtype", "autocast", "input_shape", "input_dim",
               "batch_size", "batch_input_shape", "dynamic", "input_dtype")
_CELL_ONLY = ("name", "trainable", "dtype")
# The RNN-level arguments a CellLayer takes besides the cell's, with their defaults.
_RNN_DEFAULTS = {"activity_regularizer": None, "return_sequences": False,
                 "return_state": False, "go_backwards": False, "stateful": False,
                 "unroll": False, "zero_output_for_mask": False, "use_cudnn": "auto"}


class CellLayer(RNN):
    """`cell_class` is the cell type; every argument that is not an RNN or Layer argument
    goes to the cell (units, activation, initializers, dropout, seed, ...)."""

    cell_class = None
    cell_attributes = ("units", "activation", "use_bias", "kernel_initializer",
                       "recurrent_initializer", "bias_initializer", "kernel_regularizer",
                       "recurrent_regularizer", "bias_regularizer", "kernel_constraint",
                       "recurrent_constraint", "bias_constraint", "dropout",
                       "recurrent_dropout", "seed")

    positional = ("activation", "use_bias")  # every parameter after `units`, in Keras's order

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if cls.cell_class is not None and "__init__" not in cls.__dict__:
            def __init__(self, *args, **kw):
                CellLayer.__init__(self, *args, **kw)

            # The signature lists the cell's arguments too: help() and config loading see them.
            __init__.__signature__ = _signature(cls)
            __init__.__doc__ = CellLayer.__init__.__doc__
            cls.__init__ = __init__

    def __init__(self, units, *args, **kwargs):
        # `positional` lists every parameter after `units` in Keras's order; the RNN ones
        # are read here, the rest go to the cell.
        if len(args) > len(self.positional):
            raise TypeError(f"{type(self).__name__}() takes at most {len(self.positional) + 1} "
                            "positional arguments.")
        for name, value in zip(self.positional, args):
            if name in kwargs:
                raise TypeError(f"{type(self).__name__}() got multiple values for '{name}'.")
            kwargs[name] = value
        rnn = {name: kwargs.pop(name, default) for name, default in _RNN_DEFAULTS.items()}
        layer_kwargs = {k: kwargs.pop(k) for k in _LAYER_KEYS if k in kwargs}
        cell_name = naming.to_snake_case(self.cell_class.__name__)
        cell = self.cell_class(units, name=cell_name, dtype=layer_kwargs.get("dtype"),
                               trainable=layer_kwargs.get("trainable", True), **kwargs)
        super().__init__(cell, return_sequences=rnn["return_sequences"],
                         return_state=rnn["return_state"], go_backwards=rnn["go_backwards"],
                         stateful=rnn["stateful"], unroll=rnn["unroll"],
                         zero_output_for_mask=rnn["zero_output_for_mask"], **layer_kwargs)
        self.activity_regularizer = regularizers.get(rnn["activity_regularizer"])
        self.use_cudnn = rnn["use_cudnn"]  # accepted for Keras compatibility; XLA picks kernels

    def __getattr__(self, name):
        # units, activation, dropout, ...: read from the cell, as Keras's properties do.
        if name in type(self).cell_attributes and "cell" in self.__dict__:
            return getattr(self.__dict__["cell"], name)
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")

    def get_config(self):
        cell_config = {k: v for k, v in self.cell.get_config().items() if k not in _CELL_ONLY}
        return {**self._rnn_config(), **cell_config,
                "activity_regularizer": serialize_keras_object(self.activity_regularizer)}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        return cls(**config)


def _signature(cls):
    """`(self, units, <cls.positional in Keras's order>, **kwargs)`, defaults from the cell."""
    P = inspect.Parameter
    defaults = dict(_RNN_DEFAULTS)
    for klass in cls.cell_class.__mro__:
        if klass is Layer or "__init__" not in klass.__dict__:
            continue
        for p in inspect.signature(klass.__init__).parameters.values():
            if p.kind in (P.POSITIONAL_OR_KEYWORD, P.KEYWORD_ONLY) and p.name not in ("self", "units"):
                defaults.setdefault(p.name, p.default)
    params = [P("self", P.POSITIONAL_OR_KEYWORD), P("units", P.POSITIONAL_OR_KEYWORD)]
    params += [P(n, P.POSITIONAL_OR_KEYWORD, default=defaults[n]) for n in cls.positional]
    params.append(P("kwargs", P.VAR_KEYWORD))
    return inspect.Signature(params)

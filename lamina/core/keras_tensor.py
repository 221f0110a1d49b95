"""KerasTensor: a symbolic tensor (shape and dtype, no values) of the functional graph."""

from lamina.backend.dtypes import standardize_dtype
from lamina.backend.symbolic_types import is_keras_tensor, register_symbolic_type  # noqa: F401
from lamina.core import naming


@register_symbolic_type
class KerasTensor:
    """Symbolic tensor: `shape` (a tuple where None means unknown), `dtype`, and the
    node that produced it (`_keras_history = (layer, node_index, tensor_index)`)."""

    def __init__(self, shape, dtype="float32", sparse=False, ragged=False, record_history=True,
                 name=None, **kwargs):
        # Ragged tensors and unrecorded (history-free) symbolic tensors are not implemented.
        if ragged:
            raise ValueError(f"KerasTensor: ragged={ragged!r} is not supported by lamina; "
                             "expected ragged=False.")
        if record_history is not True:
            raise ValueError(f"KerasTensor: record_history={record_history!r} is not "
                             "supported by lamina; expected record_history=True.")
        if kwargs:
            raise TypeError(f"KerasTensor: unexpected keyword argument(s) {sorted(kwargs)}.")
        self.shape = tuple(None if d is None else int(d) for d in shape)
        self.dtype = standardize_dtype(dtype)
        self.sparse = bool(sparse)
        self.name = name or naming.auto_name("keras_tensor")
        self._keras_history = None
        self._node = None
        self._keras_mask = None  # a boolean KerasTensor when the value has a Keras mask

    @property
    def ndim(self):
        return len(self.shape)

    @property
    def node(self):
        return self._node

    def __repr__(self):
        made_by = ""
        if self._keras_history is not None:
            made_by = f" (created by layer '{self._keras_history[0].name}')"
        return f"<KerasTensor: shape={self.shape} dtype={self.dtype}{made_by}>"

    def __hash__(self):
        return id(self)

    def __eq__(self, other):
        return self is other

    def __ne__(self, other):
        return self is not other

    def __bool__(self):
        raise TypeError(
            "A symbolic KerasTensor has no value and cannot be used as a Python bool "
            "(e.g. in `if`). Use lamina.ops.where or lamina.ops.cond inside a layer's call().")

    def __len__(self):
        if not self.shape or self.shape[0] is None:
            raise TypeError(f"len() of a KerasTensor with unknown first dimension {self.shape}.")
        return self.shape[0]

    def __iter__(self):
        raise TypeError("A symbolic KerasTensor cannot be iterated over.")

    def __array__(self, *args, **kwargs):
        raise TypeError(
            "A symbolic KerasTensor (from keras.Input or a layer called on one) has no value "
            "and cannot be converted to a NumPy array. Build a Model from it and call the "
            "model on real data.")

    # Operators record ops in the graph, like any lamina.ops call.
    def _op(self, name, *args):
        from lamina.ops import numpy as np_ops

        return getattr(np_ops, name)(*args)

    def __add__(self, o): return self._op("add", self, o)
    def __radd__(self, o): return self._op("add", o, self)
    def __sub__(self, o): return self._op("subtract", self, o)
    def __rsub__(self, o): return self._op("subtract", o, self)
    def __mul__(self, o): return self._op("multiply", self, o)
    def __rmul__(self, o): return self._op("multiply", o, self)
    def __truediv__(self, o): return self._op("true_divide", self, o)
    def __rtruediv__(self, o): return self._op("true_divide", o, self)
    def __floordiv__(self, o): return self._op("floor_divide", self, o)
    def __rfloordiv__(self, o): return self._op("floor_divide", o, self)
    def __mod__(self, o): return self._op("mod", self, o)
    def __rmod__(self, o): return self._op("mod", o, self)
    def __pow__(self, o): return self._op("power", self, o)
    def __rpow__(self, o): return self._op("power", o, self)
    def __matmul__(self, o): return self._op("matmul", self, o)
    def __rmatmul__(self, o): return self._op("matmul", o, self)
    def __neg__(self): return self._op("negative", self)
    def __abs__(self): return self._op("absolute", self)
    def __lt__(self, o): return self._op("less", self, o)
    def __le__(self, o): return self._op("less_equal", self, o)
    def __gt__(self, o): return self._op("greater", self, o)
    def __ge__(self, o): return self._op("greater_equal", self, o)
    def __and__(self, o): return self._op("logical_and", self, o)
    def __or__(self, o): return self._op("logical_or", self, o)
    def __invert__(self): return self._op("logical_not", self)

    def __getitem__(self, key):
        from lamina.ops import core as core_ops

        return core_ops.getitem(self, key)

    def reshape(self, *shape):
        from lamina.ops import numpy as np_ops

        if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
            shape = tuple(shape[0])
        return np_ops.reshape(self, shape)

    @property
    def T(self):
        from lamina.ops import numpy as np_ops

        return np_ops.transpose(self)

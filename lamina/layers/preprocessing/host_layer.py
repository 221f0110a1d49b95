"""HostLayer: a preprocessing layer that runs on the host, in NumPy, on strings.

JAX arrays cannot hold strings, so the text layers (TextVectorization, StringLookup,
HashedCrossing and Hashing of strings) compute with NumPy outside any compiled function.
In a model they must come first (fed by the model's inputs or by other host layers): the
model runs them on each batch before the batch goes to the device (see
lamina/models/host_inputs.py), and only their numeric outputs cross into XLA.

A subclass implements `host_call(inputs) -> NumPy array` and `compute_output_spec`.
"""

import jax
import numpy as np

from lamina.core import tree
from lamina.core.layer import Layer, _has_keras_tensor


def to_host(x):
    """A NumPy array from an array-like (str, list of str, NumPy or JAX array)."""
    if isinstance(x, jax.core.Tracer):
        raise TypeError("a host-side preprocessing layer cannot run inside a compiled "
                        "function (jit/grad): it computes with NumPy on the host.")
    if isinstance(x, (str, bytes)):
        return np.asarray([x])[0:1].reshape(())
    return np.asarray(x)


def as_text(array):
    """`array` (str or bytes elements) as a NumPy unicode array of the same shape."""
    if array.dtype.kind == "U":
        return array
    if array.dtype.kind == "S":
        return np.char.decode(array, "utf-8")
    return np.vectorize(lambda v: v.decode("utf-8") if isinstance(v, bytes) else str(v),
                        otypes=[str])(array) if array.size else array.astype(str)


def is_text(array):
    """True for arrays of strings (unicode, bytes, or objects that are all str/bytes)."""
    if array.dtype.kind in "US":
        return True
    return array.dtype.kind == "O" and all(isinstance(v, (str, bytes)) for v in array.flat)


class HostLayer(Layer):
    """Base of the layers that compute on the host (see module docstring)."""

    _host_side = True
    # Config keys that describe state restored later (a vocabulary from the assets):
    # kept as `_config_<key>` until then (e.g. the output width while a model is rebuilt).
    _derived_config_keys = ()

    @classmethod
    def from_config(cls, config):
        layer = cls(**{k: v for k, v in config.items() if k not in cls._derived_config_keys})
        for key in cls._derived_config_keys:
            layer.__dict__[f"_config_{key}"] = config.get(key)
        return layer

    def __call__(self, *args, **kwargs):
        if _has_keras_tensor(args) or _has_keras_tensor(kwargs):
            return super().__call__(*args, **kwargs)
        if not args:
            raise ValueError(f"Layer '{self.name}' was called without inputs.")
        kwargs.pop("training", None)
        inputs = tree.map_structure(to_host, args[0])
        out = self.host_call(inputs)
        # Eagerly, a layer returns backend arrays as in Keras; strings stay NumPy.
        return out if out.dtype.kind in "USO" else jax.numpy.asarray(out)

    def call(self, inputs):
        return self.host_call(tree.map_structure(to_host, inputs))

    def host_call(self, inputs):
        raise TypeError(f"{type(self).__name__} does not define host_call().")

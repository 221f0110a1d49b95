"""HashedCrossing: hash the combination of two or more categorical features into bins."""

import numpy as np

from lamina.core.keras_tensor import KerasTensor
from lamina.layers.preprocessing import host_encoding
from lamina.layers.preprocessing.encoding import check_not_sparse, check_output_mode
from lamina.layers.preprocessing.farmhash_strings import (
    DEFAULT_CROSS_KEY, as_bytes, fingerprint64, fingerprint_cat64)
from lamina.layers.preprocessing.host_layer import HostLayer

_U64 = (1 << 64) - 1


def _feature_hashes(values):
    """Per-element 64-bit feature hashes as TensorFlow's cross does: Fingerprint64 of a
    string, the two's-complement value of an integer."""
    if values.dtype.kind in "USO":
        uniques, inverse = np.unique(values, return_inverse=True)
        hashes = [fingerprint64(as_bytes(u)) for u in uniques.tolist()]
        return [hashes[i] for i in inverse.reshape(-1).tolist()]
    if values.dtype.kind not in "iub":
        raise TypeError("HashedCrossing crosses strings or integers; got an array of dtype "
                        f"{values.dtype}.")
    return [v & _U64 for v in values.reshape(-1).astype(np.int64).tolist()]


class HashedCrossing(HostLayer):
    """Cross features: each row's tuple of values (strings or ints) is hashed to one of
    `num_bins` bins with TensorFlow's `sparse.cross_hashed` hash, as Keras does.

    Inputs: a tuple/list of 2+ arrays of the same shape: scalars, (batch,) or (batch, 1).
    output_mode: "int" (int32 bins, the input shape) or "one_hot" (a trailing
    `num_bins` axis; a trailing axis of size 1 is replaced). Runs on the host.
    """

    def __init__(self, num_bins, output_mode="int", sparse=False, name=None, dtype=None,
                 **kwargs):
        super().__init__(name=name, dtype=dtype, **kwargs)
        if num_bins is None or isinstance(num_bins, bool) or int(num_bins) <= 0:
            raise ValueError(f"HashedCrossing: num_bins must be a positive int; got "
                             f"{num_bins!r}.")
        check_output_mode("HashedCrossing", output_mode, ("int", "one_hot"))
        check_not_sparse("HashedCrossing", sparse)
        self.num_bins = int(num_bins)
        self.output_mode = output_mode
        self.sparse = False
        self.built = True

    def _check_inputs(self, inputs):
        if not isinstance(inputs, (list, tuple)) or len(inputs) < 2:
            raise ValueError("HashedCrossing expects a tuple of at least 2 features; got "
                             f"{type(inputs).__name__}.")
        shapes = {tuple(np.shape(x)) for x in inputs}
        if len(shapes) != 1:
            raise ValueError(f"HashedCrossing: all features must have the same shape; got "
                             f"{[tuple(np.shape(x)) for x in inputs]}.")
        shape = shapes.pop()
        if len(shape) > 2 or (len(shape) == 2 and shape[1] not in (1, None)):
            raise ValueError("HashedCrossing: features must be scalars, (batch,) or "
                             f"(batch, 1); got shape {shape}.")
        return shape

    def host_call(self, inputs):
        shape = self._check_inputs(inputs)
        columns = [_feature_hashes(np.asarray(x)) for x in inputs]
        bins = []
        for row in zip(*columns):
            h = DEFAULT_CROSS_KEY
            for feature in row:
                h = fingerprint_cat64(h, feature)
            bins.append(h % self.num_bins)
        out = np.asarray(bins, np.int32).reshape(shape)
        dtype = "int32" if self.output_mode == "int" else "float32"
        return host_encoding.encode(out, self.output_mode, self.num_bins, dtype)

    def compute_output_spec(self, inputs):
        if not isinstance(inputs, (list, tuple)) or len(inputs) < 2:
            raise ValueError("HashedCrossing expects a tuple of at least 2 features; got "
                             f"{type(inputs).__name__}.")
        shape = tuple(inputs[0].shape)
        if self.output_mode == "one_hot":
            shape = (shape[:-1] if len(shape) > 1 and shape[-1] == 1 else shape) + (self.num_bins,)
            return KerasTensor(shape, dtype="float32")
        return KerasTensor(shape, dtype="int32")

    def get_config(self):
        return {**super().get_config(), "num_bins": self.num_bins,
                "output_mode": self.output_mode, "sparse": self.sparse}

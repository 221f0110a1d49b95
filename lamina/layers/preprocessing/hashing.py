"""Hashing: integer features to `num_bins` buckets, with Keras's (TensorFlow's) hash."""

import functools

import jax
import jax.numpy as jnp
import numpy as np

from lamina.core.keras_tensor import KerasTensor
from lamina.core.layer import Layer
from lamina.layers.preprocessing import encoding, farmhash


@functools.partial(jax.jit, static_argnums=1)
def _hash_bins(values, bins):
    """Fingerprint64(str(v)) % bins as int32, as one compiled call: run eagerly, its many
    small uint32 ops would each be dispatched separately."""
    return farmhash.mod(farmhash.fingerprint64(values), bins)


class Hashing(Layer):
    """Bucket each integer by `Fingerprint64(str(value)) % num_bins`, the bins Keras
    gives (floats are truncated to integers first). With `mask_value`, that value goes to
    bin 0 and the others to 1 + hash % (num_bins - 1).

    Integer inputs only: JAX arrays cannot hold strings. `salt` (Keras's SipHash
    variant) is not supported. output_mode: "int" (int32 bins), "one_hot",
    "multi_hot" or "count".
    """

    def __init__(self, num_bins, mask_value=None, salt=None, output_mode="int", sparse=False,
                 **kwargs):
        super().__init__(**kwargs)
        if num_bins is None or isinstance(num_bins, bool) or int(num_bins) <= 0:
            raise ValueError(f"Hashing: num_bins must be a positive int; got {num_bins!r}.")
        if int(num_bins) >= 2 ** 31:
            raise ValueError(f"Hashing: num_bins must be below 2**31; got {num_bins}.")
        encoding.check_output_mode("Hashing", output_mode)
        encoding.check_not_sparse("Hashing", sparse)
        if salt is not None:
            raise ValueError("Hashing: `salt` (keyed SipHash) is not supported by lamina; "
                             "use the default FarmHash (salt=None).")
        self.num_bins = int(num_bins)
        self.mask_value = mask_value
        self.salt = None
        self.output_mode = output_mode
        self.sparse = False
        self.built = True

    def _convert_inputs(self, x):
        if isinstance(x, str) or (isinstance(x, (np.ndarray, list, tuple)) and
                                  np.asarray(x).dtype.kind in "USO"):
            raise TypeError("Hashing: lamina hashes integer inputs only; JAX arrays cannot "
                            "hold strings. Map strings to integers before the model.")
        return super()._convert_inputs(x)

    def _output_dtype(self):
        if self.output_mode == "int":
            return "int32"
        return self.compute_dtype if "float" in self.compute_dtype else "float32"

    def call(self, inputs):
        inputs = jnp.asarray(inputs)
        values = inputs if jnp.issubdtype(inputs.dtype, jnp.integer) else \
            jnp.trunc(inputs).astype(jnp.int32)
        masked = self.mask_value is not None and self.num_bins > 1
        bins = self.num_bins - 1 if masked else self.num_bins
        out = _hash_bins(values, bins)
        if masked:
            out = jnp.where(inputs == self.mask_value, 0, out + 1)
        return encoding.encode(out, self.output_mode, self.num_bins, self._output_dtype())

    def compute_output_shape(self, input_shape):
        return encoding.encoded_shape(input_shape, self.output_mode, self.num_bins)

    def compute_output_spec(self, inputs):
        return KerasTensor(self.compute_output_shape(inputs.shape), dtype=self._output_dtype())

    def get_config(self):
        return {**super().get_config(), "num_bins": self.num_bins, "salt": self.salt,
                "mask_value": self.mask_value, "output_mode": self.output_mode,
                "sparse": self.sparse}

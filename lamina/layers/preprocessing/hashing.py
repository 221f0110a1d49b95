"""Hashing: integer features to `num_bins` buckets, with Keras's (TensorFlow's) hash."""

import functools

import jax
import jax.numpy as jnp
import numpy as np

from lamina.core.keras_tensor import KerasTensor
from lamina.core.layer import Layer
from lamina.layers.preprocessing import encoding, farmhash, host_encoding
from lamina.layers.preprocessing.farmhash_strings import hash_buckets
from lamina.layers.preprocessing.host_layer import as_text


@functools.partial(jax.jit, static_argnums=1)
def _hash_bins(values, bins):
    """Fingerprint64(str(v)) % bins as int32, as one compiled call: run eagerly, its many
    small uint32 ops would each be dispatched separately."""
    return farmhash.mod(farmhash.fingerprint64(values), bins)


class Hashing(Layer):
    """Bucket each integer by `Fingerprint64(str(value)) % num_bins`, the bins Keras
    gives (floats are truncated to integers first). With `mask_value`, that value goes to
    bin 0 and the others to 1 + hash % (num_bins - 1).

    Strings are hashed as `Fingerprint64(utf8 bytes) % num_bins` on the host. `salt`
    (Keras's SipHash variant) is not supported. output_mode: "int" (int32 bins), "one_hot",
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

    # Strings are hashed on the host (JAX arrays cannot hold them); in a model, a Hashing
    # fed by a string Input runs with the host-side layers in front (models/host_inputs.py).
    _string_inputs_on_host = True

    def __call__(self, *args, **kwargs):
        if args and not isinstance(args[0], KerasTensor) and _is_strings(args[0]):
            return jnp.asarray(self.host_call(np.asarray(args[0])))
        return super().__call__(*args, **kwargs)

    def host_call(self, inputs):
        """Bins of a NumPy array of strings (or integers), computed on the host."""
        inputs = np.asarray(inputs)
        masked = self.mask_value is not None and self.num_bins > 1
        bins = self.num_bins - 1 if masked else self.num_bins
        if inputs.dtype.kind in "USO":
            text = as_text(inputs)
            out = hash_buckets(text, bins)
            if masked:
                out = np.where(text == str(self.mask_value), 0, out + 1)
            return host_encoding.encode(out, self.output_mode, self.num_bins,
                                        self._output_dtype())
        return np.asarray(self.call(jnp.asarray(inputs)))

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


def _is_strings(x):
    if isinstance(x, (str, bytes)):
        return True
    if isinstance(x, (np.ndarray, list, tuple)):
        return np.asarray(x).dtype.kind in "USO"
    return False

"""Quantizers: symmetric abs-max quantization and int4 packing, with Keras's names.

`abs_max_quantize(x, axis)` maps x to integers in `value_range` with
`scale = value_range[1] / (max|x| along axis + epsilon)`, `q = clip(round(x * scale))`;
`q / scale` approximates x. The scale keeps the reduced axes (size 1).
"""

import jax.numpy as jnp
import numpy as np

from lamina.backend import config
from lamina.backend.dtypes import standardize_dtype


def _epsilon():
    return config.epsilon()


def abs_max_quantize(inputs, axis, value_range=(-127, 127), dtype="int8", epsilon=None,
                     to_numpy=False):
    """(quantized `inputs` as `dtype`, scale of the input's dtype with `axis` kept as 1).

    to_numpy: compute on the host with NumPy (saves device memory for big kernels).
    """
    epsilon = _epsilon() if epsilon is None else epsilon
    xp = np if to_numpy else jnp
    x = np.asarray(inputs) if to_numpy else jnp.asarray(inputs)
    source_dtype = x.dtype
    scale = xp.divide(value_range[1], xp.max(xp.abs(x), axis=axis, keepdims=True) + epsilon)
    scale = scale.astype(source_dtype)
    q = xp.clip(xp.round(x * scale), value_range[0], value_range[1]).astype(dtype)
    if to_numpy:
        return jnp.asarray(q), jnp.asarray(scale)
    return q, scale


def abs_max_quantize_grouped_with_zero_point(inputs, block_size, value_range=(-8, 7),
                                             dtype="int8", epsilon=None, to_numpy=False):
    """Asymmetric quantization of a (rows, columns) matrix in groups of `block_size` rows:
    per group and column, `scale = (max - min + epsilon) / (qmax - qmin)`,
    `zero = clip(round(-min / scale) + qmin)`, `q = clip(round(x / scale) + zero)`.
    Returns (q as `dtype`, scale (groups, columns), zero (groups, columns) int8); the
    last group is zero-padded. `q` approximates `(x / scale) + zero`."""
    epsilon = _epsilon() if epsilon is None else epsilon
    x = np.asarray(inputs)
    rows, cols = x.shape
    groups = -(-rows // block_size)
    padded = np.concatenate([x, np.zeros((groups * block_size - rows, cols), x.dtype)])
    blocks = padded.reshape(groups, block_size, cols)
    qmin, qmax = value_range
    low, high = blocks.min(axis=1, keepdims=True), blocks.max(axis=1, keepdims=True)
    scale = ((high - low) + epsilon) / (qmax - qmin)
    zero = np.clip(np.round(-low / scale) + qmin, qmin, qmax)
    q = np.clip(np.round(blocks / scale) + zero, qmin, qmax).astype(dtype)
    q = q.reshape(groups * block_size, cols)[:rows]
    scale = scale[:, 0].astype(x.dtype)
    zero = zero[:, 0].astype("int8")
    if to_numpy:
        return q, scale, zero
    return jnp.asarray(q), jnp.asarray(scale), jnp.asarray(zero)


def dequantize_grouped(q, scale, zero, group_index):
    """Rows of `q` back to floats with the scale and zero point of their group
    (`group_index[row]`): (q - zero) * scale."""
    groups = jnp.asarray(group_index).astype(jnp.int32)
    scale_rows = jnp.take(scale, groups, axis=0)
    zero_rows = jnp.take(zero, groups, axis=0).astype(scale_rows.dtype)
    return (q.astype(scale_rows.dtype) - zero_rows) * scale_rows


class Quantizer:
    """Base class: `quantizer(x) -> (quantized x, scale)`."""

    def __init__(self, output_dtype="int8"):
        self.output_dtype = standardize_dtype(output_dtype)

    def __call__(self, x):
        raise TypeError(f"{type(self).__name__} does not define __call__; subclass Quantizer "
                        "and implement it.")

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def get_config(self):
        return {"output_dtype": self.output_dtype}


class AbsMaxQuantizer(Quantizer):
    """Abs-max quantization along `axis` (default -1 when called without one).

    Args:
        axis: int or tuple of ints reduced to compute the scale; None means -1.
        value_range: (min, max) of the quantized integers, default (-127, 127).
        epsilon: added to max|x| to avoid a division by zero; default backend epsilon.
        output_dtype: dtype of the quantized values, default "int8".
    """

    def __init__(self, axis=None, value_range=(-127, 127), epsilon=None, output_dtype="int8"):
        super().__init__(output_dtype=output_dtype)
        if isinstance(axis, int):
            axis = (axis,)
        self.axis = None if axis is None else tuple(axis)
        self.value_range = tuple(value_range)
        self.epsilon = _epsilon() if epsilon is None else epsilon

    def __call__(self, x, axis=None, to_numpy=False):
        axis = axis if axis is not None else (self.axis if self.axis is not None else -1)
        return abs_max_quantize(x, axis, value_range=self.value_range,
                                dtype=self.output_dtype, epsilon=self.epsilon,
                                to_numpy=to_numpy)

    def get_config(self):
        return {"axis": self.axis, "value_range": self.value_range, "epsilon": self.epsilon,
                "output_dtype": self.output_dtype}


def pack_int4(arr, axis=0, dtype="int8"):
    """Pack int4 values (int8 in [-8, 7]) two per byte along `axis`: the even entry in
    the low nibble, the odd one in the high nibble. Returns (packed, packed shape,
    original length of `axis`)."""
    arr = jnp.asarray(arr)
    if arr.dtype != jnp.int8 and dtype == "int8":
        raise TypeError(f"pack_int4 expects int8 values in [-8, 7], received dtype {arr.dtype}.")
    axis = axis % arr.ndim
    length = arr.shape[axis]
    if length % 2:
        pad = [(0, 0)] * arr.ndim
        pad[axis] = (0, 1)
        arr = jnp.pad(arr, pad)
    low = jnp.take(arr, jnp.arange(0, arr.shape[axis], 2), axis=axis).astype(jnp.uint8) & 0x0F
    high = jnp.take(arr, jnp.arange(1, arr.shape[axis], 2), axis=axis).astype(jnp.uint8) & 0x0F
    packed = (low | (high << 4)).astype(jnp.dtype(dtype))
    return packed, jnp.asarray(packed.shape), length


def unpack_int4(packed, orig_len, axis=0, dtype="int8"):
    """Inverse of `pack_int4`: int8 values in [-8, 7] with `orig_len` entries on `axis`."""
    packed = jnp.asarray(packed)
    axis = axis % packed.ndim
    as_u8 = packed.astype(jnp.uint8)
    low = (as_u8 & 0x0F).astype(jnp.int8)
    high = (as_u8 >> 4).astype(jnp.int8)
    low = jnp.where(low > 7, low - 16, low)
    high = jnp.where(high > 7, high - 16, high)
    both = jnp.stack([low, high], axis=axis + 1)
    shape = list(packed.shape)
    shape[axis] *= 2
    both = both.reshape(shape)
    return jnp.take(both, jnp.arange(orig_len), axis=axis).astype(jnp.dtype(dtype))


def compute_float8_scale(amax, scale, dtype_max, margin=0):
    """The next float8 scale from the recorded amax (delayed scaling, as Keras): about
    amax / dtype_max * 2**margin; the old scale when amax is 0 or not finite."""
    amax, scale = jnp.asarray(amax), jnp.asarray(scale)
    inverse = 1.0 / scale
    sf = (dtype_max / amax) / (2.0 ** margin)
    sf = jnp.where(amax > 0.0, sf, inverse)
    sf = jnp.where(jnp.isfinite(amax), sf, inverse)
    return 1.0 / sf


def compute_float8_amax_history(x, amax_history):
    """Roll the amax history one step and record max|x| in front."""
    amax = jnp.max(jnp.abs(x)).astype(amax_history.dtype)
    return jnp.roll(amax_history, shift=-1, axis=0).at[0].set(amax)


def quantize_and_dequantize(inputs, scale, quantized_dtype, compute_dtype):
    """Round `inputs / scale` through `quantized_dtype` (e.g. "float8_e4m3fn") and back."""
    qdtype = jnp.dtype(quantized_dtype)
    top = float(jnp.finfo(qdtype).max)
    scale = jnp.asarray(scale, compute_dtype)
    x = jnp.clip(jnp.asarray(inputs, compute_dtype) / scale, -top, top).astype(qdtype)
    return x.astype(compute_dtype) * scale

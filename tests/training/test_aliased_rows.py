import jax
import jax.numpy as jnp
import numpy as np
import pytest

import lamina
from lamina.training.aliased_rows import ShiftedRows, take_rows, to_device_rows


def at_offset(shape, dtype, offset):
    """A C-contiguous array starting `offset` bytes past a 64-byte boundary."""
    dtype = np.dtype(dtype)
    nbytes = int(np.prod(shape)) * dtype.itemsize
    buf = np.empty(nbytes + 128, np.uint8)
    start = (offset - buf.ctypes.data) % 64
    a = buf[start:start + nbytes].view(dtype).reshape(shape)
    assert a.ctypes.data % 64 == offset
    return a


@pytest.mark.parametrize("shape,dtype,offset", [
    ((3000, 784), "float32", 16), ((2000, 28, 28), "uint8", 48), ((1500, 3, 100), "int32", 4),
    ((4000, 70), "float32", 8)])
def test_unaligned_rows_are_read_in_place_and_gathered_exactly(shape, dtype, offset):
    rng = np.random.default_rng(0)
    a = at_offset(shape, dtype, offset)
    a[...] = rng.integers(0, 100, size=shape).astype(dtype)
    d = to_device_rows(a)
    assert isinstance(d, ShiftedRows) and d.shape == a.shape and d.dtype == a.dtype
    # The body is the user's memory: no second copy of the data.
    shift_bytes = (64 - offset) % 64
    assert d.body.unsafe_buffer_pointer() == a.ctypes.data + shift_bytes
    n = shape[0]
    idx = np.concatenate([[0, n - 1, 1, n - 2], rng.permutation(n)[:60]]).astype(np.int32)
    got = jax.jit(take_rows)(d, jnp.asarray(idx))
    np.testing.assert_array_equal(np.asarray(got), a[idx])


def test_aligned_small_and_converted_arrays_are_plain_device_arrays():
    aligned = at_offset((3000, 784), "float32", 0)
    aligned[...] = 1.0
    d = to_device_rows(aligned)
    assert isinstance(d, jax.Array) and d.unsafe_buffer_pointer() == aligned.ctypes.data
    small = at_offset((10, 4), "float32", 16)  # below MIN_ALIAS_BYTES: copied
    assert isinstance(to_device_rows(small), jax.Array)
    wide = at_offset((3000, 200), "float64", 16)  # float64 becomes float32: copied
    wide[...] = 2.0
    out = to_device_rows(wide)
    assert isinstance(out, jax.Array) and out.dtype == jnp.float32


def test_fit_on_unaligned_data_equals_fit_on_aligned_data():
    rng = np.random.default_rng(1)
    x = at_offset((2048, 256), "float32", 16)
    x[...] = rng.normal(size=x.shape)
    y = rng.integers(0, 4, 2048)

    def trained(data):
        lamina.utils.set_random_seed(3)
        model = lamina.Sequential([lamina.Input((256,)), lamina.layers.Dense(4)])
        model.compile(optimizer="sgd", loss=lamina.losses.SparseCategoricalCrossentropy(
            from_logits=True))
        history = model.fit(data, y, batch_size=100, epochs=2, verbose=0)
        return model.get_weights(), history.history["loss"]

    aligned = at_offset(x.shape, "float32", 0)  # read as one plain device array
    aligned[...] = x
    (w_alias, loss_alias), (w_copy, loss_copy) = trained(x), trained(aligned)
    assert loss_alias == loss_copy
    for a, b in zip(w_alias, w_copy):
        np.testing.assert_array_equal(a, b)

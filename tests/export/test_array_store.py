"""array_store: every JAX dtype survives a .npz round trip without pickle."""

import ml_dtypes
import numpy as np

from lamina.export import array_store


def test_round_trip_all_dtypes(tmp_path):
    arrays = [np.arange(6, dtype="float32").reshape(2, 3), np.array([1, -2], "int8"),
              np.array([0.5, -1.25], ml_dtypes.bfloat16),
              np.array([1, -3, 7], ml_dtypes.int4),
              np.array([0.5, 448.0], ml_dtypes.float8_e4m3fn), np.array([True, False])]
    names = array_store.save(tmp_path / "a.npz", arrays)
    assert names == ["float32", "int8", "bfloat16", "int4", "float8_e4m3fn", "bool"]
    back = array_store.load(tmp_path / "a.npz", names)
    for a, b in zip(arrays, back):
        assert a.dtype == b.dtype and a.shape == b.shape
        np.testing.assert_array_equal(a.astype("float32"), b.astype("float32"))

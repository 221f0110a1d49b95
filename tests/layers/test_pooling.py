"""Pooling layers: outputs and gradients against Keras 3."""

import numpy as np
import pytest

import lamina

keras = pytest.importorskip("keras")

CASES = [
    ("MaxPooling2D", (2, 8, 8, 3), {}),
    ("MaxPooling2D", (2, 9, 7, 3), dict(pool_size=3, strides=2, padding="same")),
    ("AveragePooling2D", (2, 8, 8, 3), dict(pool_size=2)),
    ("AveragePooling2D", (2, 9, 7, 3), dict(pool_size=2, strides=1, padding="same")),
    ("MaxPooling1D", (2, 10, 3), dict(pool_size=3)),
    ("AveragePooling1D", (2, 10, 3), dict(pool_size=2, padding="same")),
    ("MaxPooling3D", (1, 4, 4, 4, 2), dict(pool_size=2)),
    ("AveragePooling3D", (1, 5, 4, 4, 2), dict(pool_size=2, padding="same")),
    ("GlobalAveragePooling2D", (2, 5, 4, 3), {}),
    ("GlobalMaxPooling1D", (2, 5, 3), dict(keepdims=True)),
    ("GlobalMaxPooling3D", (1, 3, 4, 5, 2), {}),
    ("MaxPooling2D", (2, 3, 8, 8), dict(data_format="channels_first")),
]


@pytest.mark.parametrize("name,shape,kwargs", CASES)
def test_matches_keras(name, shape, kwargs):
    x = np.random.default_rng(1).normal(size=shape).astype("float32")
    expected = np.asarray(getattr(keras.layers, name)(**kwargs)(x))
    layer = getattr(lamina.layers, name)(**kwargs)
    got = np.asarray(layer(x))
    np.testing.assert_allclose(got, expected, atol=1e-6)
    assert layer.compute_output_shape(shape) == expected.shape


def test_tiled_max_pool_gradient_goes_to_the_maximum():
    import jax
    import jax.numpy as jnp

    x = jnp.asarray(np.arange(16, dtype="float32").reshape(1, 4, 4, 1))
    layer = lamina.layers.MaxPooling2D()
    g = jax.grad(lambda v: jnp.sum(layer(v)))(x)
    expected = np.zeros((4, 4))
    expected[1, 1] = expected[1, 3] = expected[3, 1] = expected[3, 3] = 1
    np.testing.assert_array_equal(np.asarray(g)[0, :, :, 0], expected)

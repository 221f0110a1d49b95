"""Conv1D/2D/3D: outputs equal Keras 3's for the same weights (gradients: tests/ops and
the convnet parity test in tests/training)."""

import numpy as np
import pytest

import lamina

keras = pytest.importorskip("keras")

CASES = [
    ("Conv1D", (2, 11, 3), dict(filters=4, kernel_size=3)),
    ("Conv1D", (2, 11, 3), dict(filters=4, kernel_size=3, padding="causal", dilation_rate=2)),
    ("Conv1D", (2, 11, 3), dict(filters=4, kernel_size=2, strides=2, padding="same")),
    ("Conv2D", (2, 9, 8, 3), dict(filters=5, kernel_size=3, activation="relu")),
    ("Conv2D", (2, 9, 8, 3), dict(filters=5, kernel_size=(3, 2), strides=2, padding="same")),
    ("Conv2D", (2, 9, 8, 4), dict(filters=6, kernel_size=3, groups=2)),
    ("Conv2D", (2, 9, 8, 3), dict(filters=5, kernel_size=3, dilation_rate=2, use_bias=False)),
    ("Conv2D", (2, 3, 9, 8), dict(filters=5, kernel_size=3, data_format="channels_first")),
    ("Conv3D", (1, 5, 6, 7, 2), dict(filters=3, kernel_size=2, padding="same")),
    # 1x1 kernels take the matrix-product path.
    ("Conv2D", (2, 9, 8, 3), dict(filters=5, kernel_size=1)),
    ("Conv2D", (2, 9, 8, 3), dict(filters=5, kernel_size=1, strides=2, padding="same")),
    ("Conv2D", (2, 9, 8, 3), dict(filters=5, kernel_size=1, strides=(3, 2))),
    ("Conv1D", (2, 11, 3), dict(filters=4, kernel_size=1, padding="causal")),
    ("Conv3D", (1, 5, 6, 7, 2), dict(filters=3, kernel_size=1, strides=2)),
]


@pytest.mark.parametrize("name,shape,kwargs", CASES)
def test_matches_keras(name, shape, kwargs):
    x = np.random.default_rng(0).normal(size=shape).astype("float32")
    ref = getattr(keras.layers, name)(**kwargs)
    expected = np.asarray(ref(x))
    mine = getattr(lamina.layers, name)(**kwargs)
    mine.build(shape)
    mine.set_weights(ref.get_weights())
    got = np.asarray(mine(x))
    assert got.shape == expected.shape
    np.testing.assert_allclose(got, expected, atol=1e-5)
    assert mine.compute_output_shape((None,) + shape[1:])[1:] == expected.shape[1:]


def test_pointwise_gradients_equal_a_convolutions():
    """The 1x1 matrix-product path differentiates like `lax.conv_general_dilated`."""
    import jax
    from jax import lax

    x = np.random.default_rng(1).normal(size=(2, 7, 6, 3)).astype("float32")
    layer = lamina.layers.Conv2D(4, 1, strides=2, use_bias=False)
    layer.build(x.shape)
    kernel = np.random.default_rng(2).normal(size=(1, 1, 3, 4)).astype("float32")

    def mine(x, w):
        return (layer.convolve(x, w) ** 2).sum()

    def plain(x, w):
        return (lax.conv_general_dilated(x, w, (2, 2), "VALID",
                                         dimension_numbers=("NHWC", "HWIO", "NHWC")) ** 2).sum()

    for got, want in zip(jax.grad(mine, (0, 1))(x, kernel), jax.grad(plain, (0, 1))(x, kernel)):
        np.testing.assert_allclose(np.asarray(got), np.asarray(want), rtol=1e-5, atol=1e-5)


def test_symbolic_shapes_and_errors():
    inputs = lamina.Input(shape=(28, 28, 1))
    out = lamina.layers.Conv2D(8, 3, strides=2, padding="same")(inputs)
    assert out.shape == (None, 14, 14, 8)
    layer = lamina.layers.Conv2D(4, 3)
    layer(np.zeros((1, 8, 8, 3), "float32"))
    with pytest.raises(ValueError, match=r"conv2d.*expected.*axis -1 of size 3.*\(1, 8, 8, 5\)"):
        layer(np.zeros((1, 8, 8, 5), "float32"))
    with pytest.raises(ValueError, match="padding"):
        lamina.layers.Conv2D(4, 3, padding="causal")
    with pytest.raises(ValueError, match="filters"):
        lamina.layers.Conv2D(0, 3)


def test_config_round_trip():
    layer = lamina.layers.Conv2D(4, (3, 2), strides=2, padding="same", activation="relu")
    clone = lamina.layers.Conv2D.from_config(layer.get_config())
    assert clone.kernel_size == (3, 2) and clone.strides == (2, 2) and clone.padding == "same"
    assert clone.get_config()["activation"] == "relu"

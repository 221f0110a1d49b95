"""Conv1D/2D/3DTranspose: outputs, shapes and configs equal Keras 3's; the hand-written
gradients equal lax's; one SGD epoch (with separable and depthwise convolutions too)
equals Keras's."""

import jax
import numpy as np
import pytest

import lamina
from lamina import ops

from .keras_compare import check_against_keras

keras = pytest.importorskip("keras")

CASES = [
    ("Conv1DTranspose", (2, 7, 3), dict(filters=2, kernel_size=4, strides=3, output_padding=2)),
    ("Conv1DTranspose", (2, 7, 3), dict(filters=2, kernel_size=3, dilation_rate=2,
                                        padding="same", activation="relu")),
    ("Conv2DTranspose", (2, 5, 4, 3), dict(filters=4, kernel_size=3)),
    ("Conv2DTranspose", (2, 5, 4, 3), dict(filters=4, kernel_size=3, strides=2, padding="same")),
    ("Conv2DTranspose", (2, 5, 4, 3), dict(filters=3, kernel_size=(2, 3), strides=(3, 2),
                                           output_padding=(1, 0), use_bias=False)),
    ("Conv2DTranspose", (2, 5, 4, 3), dict(filters=2, kernel_size=1, strides=3,
                                           padding="same", output_padding=1)),
    ("Conv2DTranspose", (2, 3, 5, 4), dict(filters=2, kernel_size=3, strides=2,
                                           data_format="channels_first")),
    ("Conv3DTranspose", (1, 3, 4, 5, 2), dict(filters=2, kernel_size=2, strides=(1, 2, 2))),
    ("Conv3DTranspose", (1, 3, 4, 3, 2), dict(filters=3, kernel_size=3, padding="same",
                                              dilation_rate=2)),
]


@pytest.mark.parametrize("name,shape,kwargs", CASES)
def test_matches_keras(name, shape, kwargs):
    check_against_keras(keras, name, shape, kwargs)


@pytest.mark.parametrize("shape,kernel,strides,padding,output_padding,dilation", [
    ((2, 5, 6, 3), (3, 3, 4, 3), 2, "same", None, 1),
    ((2, 5, 6, 3), (3, 2, 4, 3), (3, 2), "valid", (2, 1), 1),
    ((2, 7, 3), (3, 2, 3), 1, "same", None, 2),
    ((1, 3, 4, 3, 2), (2, 3, 2, 3, 2), (2, 1, 2), "valid", None, 1),
])
def test_gradients_equal_lax(shape, kernel, strides, padding, output_padding, dilation):
    """ops.conv_transpose's hand-written channels-last gradients (fast inside compiled
    loops) equal the ones JAX derives for lax.conv_transpose."""
    rng = np.random.default_rng(0)
    x, w = rng.normal(size=shape).astype("float32"), rng.normal(size=kernel).astype("float32")
    nd = len(shape) - 2
    spatial = "DHW"[-nd:]
    numbers = ("N" + spatial + "C", spatial + "IO", "N" + spatial + "C")

    def ours(x, w):
        return ops.conv_transpose(x, w, strides, padding, output_padding,
                                  dilation_rate=dilation)

    def reference(x, w):
        # lax.conv_transpose with the same explicit padding as ours.
        from lamina.ops._nn_conv_pool import _transpose_padding

        s = (strides,) * nd if isinstance(strides, int) else strides
        d = (dilation,) * nd if isinstance(dilation, int) else dilation
        p = output_padding if output_padding is not None else (None,) * nd
        pads = [_transpose_padding(x.shape[1 + i], w.shape[i], s[i], d[i], padding.upper(),
                                   p[i]) for i in range(nd)]
        return jax.lax.conv_transpose(x, w, s, pads, rhs_dilation=d, dimension_numbers=numbers,
                                      transpose_kernel=True)

    @jax.jit
    def outputs_and_gradients(x, w, cotangent):
        return [(f(x, w), jax.vjp(f, x, w)[1](cotangent)) for f in (ours, reference)]

    cotangent = rng.normal(size=jax.eval_shape(reference, x, w).shape).astype("float32")
    (got, got_grads), (expected, expected_grads) = outputs_and_gradients(x, w, cotangent)
    np.testing.assert_array_equal(np.asarray(got), np.asarray(expected))
    for a, b in zip(got_grads, expected_grads):
        np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=1e-4, atol=1e-4)


def test_sgd_epoch_matches_keras():
    """Training through the transposed (hand-written gradients), separable and depthwise
    (tap-sum) convolutions equals Keras 3's."""
    rng = np.random.default_rng(0)
    x = rng.normal(size=(48, 8, 8, 3)).astype("float32")
    y = rng.normal(size=(48, 8, 8, 2)).astype("float32")

    def build(lib):
        return lib.Sequential([
            lib.Input(shape=(8, 8, 3)),
            lib.layers.SeparableConv2D(6, 3, padding="same", depth_multiplier=2,
                                       activation="relu"),
            lib.layers.DepthwiseConv2D(3, strides=2, padding="same", activation="relu"),
            lib.layers.Conv2DTranspose(4, 3, strides=2, padding="same", activation="relu"),
            lib.layers.Conv2DTranspose(2, 2, padding="same")])

    reference, mine = build(keras), build(lamina)
    mine.set_weights(reference.get_weights())
    for lib, model in ((keras, reference), (lamina, mine)):
        model.compile(optimizer=lib.optimizers.SGD(0.05), loss="mse")
    h_ref = reference.fit(x, y, batch_size=16, epochs=1, shuffle=False, verbose=0)
    h_mine = mine.fit(x, y, batch_size=16, epochs=1, shuffle=False, verbose=0)
    for a, b in zip(reference.get_weights(), mine.get_weights()):
        np.testing.assert_allclose(b, a, atol=1e-4)
    np.testing.assert_allclose(h_mine.history["loss"], h_ref.history["loss"], rtol=1e-4)


def test_bad_arguments_name_the_layer():
    with pytest.raises(ValueError, match=r"Conv2DTranspose 'conv2d_transpose'.*output_padding"):
        lamina.layers.Conv2DTranspose(3, 3, strides=2, output_padding=2)
    with pytest.raises(ValueError, match=r"Conv1DTranspose.*dilation_rate"):
        lamina.layers.Conv1DTranspose(3, 3, strides=2, dilation_rate=2)
    with pytest.raises(ValueError, match=r"Conv1DTranspose.*padding"):
        lamina.layers.Conv1DTranspose(3, 3, padding="causal")
    with pytest.raises(ValueError, match=r"Conv3DTranspose.*filters"):
        lamina.layers.Conv3DTranspose(0, 3)
    layer = lamina.layers.Conv2DTranspose(2, 3)
    layer(np.zeros((1, 4, 4, 3), "float32"))
    assert layer.kernel.shape == (3, 3, 2, 3)
    with pytest.raises(ValueError, match=r"conv2d_transpose.*axis -1 of size 3"):
        layer(np.zeros((1, 4, 4, 5), "float32"))


def test_activity_regularizer_loss_matches_keras():
    """The activity penalty is divided by the batch size, as Keras 3 does."""
    x = np.random.default_rng(2).random((4, 5, 5, 2)).astype("float32")
    ref = keras.layers.Conv2DTranspose(2, 3, activity_regularizer="l2")
    ref(x)
    mine = lamina.layers.Conv2DTranspose(2, 3, activity_regularizer="l2")
    mine.build(x.shape)
    mine.set_weights(ref.get_weights())
    mine(x)
    np.testing.assert_allclose([float(v) for v in mine.losses],
                               [float(v) for v in ref.losses], rtol=1e-5)

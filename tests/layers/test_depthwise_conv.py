"""DepthwiseConv1D/2D and SeparableConv1D/2D: outputs, shapes and configs equal Keras 3's;
the tap-sum depthwise convolution's gradients equal lax's grouped convolution's. (One SGD
epoch through both equals Keras's: tests/layers/test_conv_transpose.py.)"""

import jax
import numpy as np
import pytest

import lamina
from lamina import ops

from .keras_compare import check_against_keras

keras = pytest.importorskip("keras")

CASES = [
    ("DepthwiseConv1D", (2, 9, 3), dict(kernel_size=3)),
    ("DepthwiseConv1D", (2, 9, 3), dict(kernel_size=2, strides=2, padding="same",
                                        depth_multiplier=3)),
    ("DepthwiseConv2D", (2, 7, 6, 3), dict(kernel_size=(3, 2), strides=2, padding="same",
                                           depth_multiplier=2)),
    ("DepthwiseConv2D", (2, 7, 6, 3), dict(kernel_size=3, dilation_rate=2, use_bias=False)),
    ("DepthwiseConv2D", (2, 3, 7, 6), dict(kernel_size=3, depth_multiplier=2,
                                           data_format="channels_first")),
    ("SeparableConv1D", (2, 9, 3), dict(filters=4, kernel_size=3, strides=2)),
    ("SeparableConv1D", (2, 9, 3), dict(filters=2, kernel_size=3, padding="same",
                                        dilation_rate=2, depth_multiplier=2)),
    ("SeparableConv2D", (2, 7, 6, 3), dict(filters=4, kernel_size=3)),
    ("SeparableConv2D", (2, 7, 6, 3), dict(filters=5, kernel_size=3, strides=2, padding="same",
                                           depth_multiplier=2, activation="relu")),
    ("SeparableConv2D", (2, 3, 7, 6), dict(filters=4, kernel_size=2, use_bias=False,
                                           data_format="channels_first")),
]


@pytest.mark.parametrize("name,shape,kwargs", CASES)
def test_matches_keras(name, shape, kwargs):
    check_against_keras(keras, name, shape, kwargs)


@pytest.mark.parametrize("shape,kernel,strides,padding,dilation", [
    ((2, 7, 6, 3), (3, 3, 3, 2), 2, "same", 1),
    ((2, 9, 4), (3, 4, 1), 1, "valid", 2),
    ((1, 4, 5, 6, 2), (2, 3, 2, 2, 3), (1, 2, 2), "same", 1),
])
def test_depthwise_gradients_equal_grouped_conv(shape, kernel, strides, padding, dilation):
    rng = np.random.default_rng(0)
    x, w = rng.normal(size=shape).astype("float32"), rng.normal(size=kernel).astype("float32")
    nd = len(shape) - 2
    spatial = "DHW"[-nd:]
    numbers = ("N" + spatial + "C", spatial + "IO", "N" + spatial + "C")

    def ours(x, w):
        return ops.depthwise_conv(x, w, strides, padding, dilation_rate=dilation)

    def reference(x, w):
        s = (strides,) * nd if isinstance(strides, int) else strides
        d = (dilation,) * nd if isinstance(dilation, int) else dilation
        grouped = w.reshape(w.shape[:-2] + (1, w.shape[-2] * w.shape[-1]))
        return jax.lax.conv_general_dilated(x, grouped, s, padding.upper(), rhs_dilation=d,
                                            dimension_numbers=numbers,
                                            feature_group_count=w.shape[-2])

    @jax.jit
    def outputs_and_gradients(x, w, cotangent):
        return [(f(x, w), jax.vjp(f, x, w)[1](cotangent)) for f in (ours, reference)]

    cotangent = rng.normal(size=jax.eval_shape(reference, x, w).shape).astype("float32")
    got, expected = outputs_and_gradients(x, w, cotangent)
    for a, b in zip(jax.tree_util.tree_leaves(got), jax.tree_util.tree_leaves(expected)):
        np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=1e-4, atol=1e-4)


def test_weights_names_and_keras_config():
    layer = lamina.layers.SeparableConv2D(4, 3, depth_multiplier=2)
    layer.build((None, 8, 8, 3))
    assert [(w.path, w.shape) for w in layer.weights] == [
        ("separable_conv2d/depthwise_kernel", (3, 3, 3, 2)),
        ("separable_conv2d/pointwise_kernel", (1, 1, 6, 4)),
        ("separable_conv2d/bias", (4,))]
    config = keras.layers.DepthwiseConv2D(3, depth_multiplier=2,
                                          depthwise_regularizer="l2").get_config()
    layer = lamina.layers.DepthwiseConv2D.from_config(config)
    layer.build((None, 8, 8, 3))
    assert layer.kernel.shape == (3, 3, 3, 2) and layer.kernel.regularizer is not None
    assert len(layer.losses) == 1


def test_bad_arguments_name_the_layer():
    with pytest.raises(ValueError, match=r"DepthwiseConv2D 'depthwise_conv2d'.*depth_multiplier"):
        lamina.layers.DepthwiseConv2D(3, depth_multiplier=0)
    with pytest.raises(ValueError, match=r"SeparableConv2D.*filters"):
        lamina.layers.SeparableConv2D(0, 3)
    with pytest.raises(ValueError, match=r"DepthwiseConv1D.*padding"):
        lamina.layers.DepthwiseConv1D(3, padding="causal")
    with pytest.raises(ValueError, match=r"SeparableConv1D.*kernel_size"):
        lamina.layers.SeparableConv1D(2, (3, 3))

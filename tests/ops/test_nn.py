"""lamina.ops.nn against keras.ops on the same inputs (values and dtypes), under jit, and
with Variable arguments."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from .opscheck import assert_same, case, comparison_test, randint, randn, uniform

import lamina.ops as ops

X = randn(3, 8)
XI = randint(-3, 4, 3, 8)
XH = randn(3, 8, dtype="float16")
PROBS = uniform(0.05, 1.0, 4, 5)
PROBS = PROBS / PROBS.sum(-1, keepdims=True)
LOGITS = randn(4, 5)
ONEHOT = np.eye(5, dtype="float32")[[0, 3, 1, 4]]
LABELS = np.array([0, 3, 1, 4], "int32")
BIN_T = (randn(4, 5) > 0).astype("float32")
BIN_P = uniform(0.01, 0.99, 4, 5)
IMG1 = randn(2, 9, 3)  # (batch, width, channels)
IMG2 = randn(2, 7, 6, 3)
IMG3 = randn(1, 5, 6, 4, 2)
IMG2_CF = randn(2, 3, 7, 6)
K1 = randn(3, 3, 4)
K2 = randn(3, 3, 3, 4)
K2_GROUPED = randn(3, 3, 1, 6)
K3 = randn(2, 3, 2, 2, 3)
DK2 = randn(3, 3, 3, 2)
PK2 = randn(1, 1, 6, 5)
KT2 = randn(3, 3, 4, 3)  # conv_transpose: (*spatial, out, in)
KT2_EVEN = randn(4, 4, 4, 3)
KT1 = randn(5, 2, 3)
Q = randn(2, 5, 4, 8)
KV = randn(2, 6, 4, 8)
KV_GROUPED = randn(2, 6, 2, 8)
MASK = randn(2, 1, 5, 6) > -0.5
BIAS = randn(2, 4, 5, 6)

ACTIVATIONS = ["relu", "relu6", "sigmoid", "softplus", "softsign", "silu", "swish",
               "log_sigmoid", "hard_sigmoid", "hard_silu", "hard_swish", "hard_tanh", "selu",
               "tanh_shrink", "sparse_sigmoid", "sparse_plus", "leaky_relu", "elu", "celu",
               "gelu", "squareplus", "soft_shrink", "hard_shrink", "glu", "softmax",
               "log_softmax"]

CASES = (
    [case(n, X) for n in ACTIVATIONS]
    + [case(n, XI) for n in ["relu", "hard_tanh", "relu6", "softmax", "gelu", "elu", "selu"]]
    + [case(n, XH, rtol=2e-3, atol=2e-3) for n in ["relu", "sigmoid", "softmax", "gelu"]]
    + [case("gelu", X, approximate=False), case("leaky_relu", X, negative_slope=0.1),
       case("elu", X, alpha=0.5), case("celu", X, alpha=2.0), case("squareplus", X, b=2),
       case("soft_shrink", X, threshold=1.0), case("hard_shrink", X, threshold=1.0),
       case("threshold", X, 0.2, -1.0), case("glu", randn(4, 8), axis=0),
       case("softmax", X, axis=0), case("softmax", randn(2, 3, 4), axis=(1, 2)),
       case("log_softmax", X, axis=0)]
    + [case("one_hot", LABELS, 5, variable=False),
       case("one_hot", np.array([[0, 2], [-1, 7]], "int32"), 4, axis=0),
       case("one_hot", LABELS, 6, dtype="int32"),
       case("multi_hot", np.array([[0, 2, 2], [1, 3, 0]], "int32"), 5),
       case("multi_hot", np.array([1, 3], "int32"), 4, dtype="int32")]
    + [case("binary_crossentropy", BIN_T, BIN_P, rtol=1e-5),
       case("binary_crossentropy", BIN_T, LOGITS, from_logits=True),
       case("categorical_crossentropy", ONEHOT, PROBS),
       case("categorical_crossentropy", ONEHOT, LOGITS, from_logits=True),
       case("categorical_crossentropy", ONEHOT.T, LOGITS.T, from_logits=True, axis=0),
       case("sparse_categorical_crossentropy", LABELS, PROBS, variable=False),
       case("sparse_categorical_crossentropy", LABELS, LOGITS, from_logits=True),
       case("sparse_categorical_crossentropy", LABELS[:, None], LOGITS, from_logits=True)]
    + [case("moments", X, 0), case("moments", IMG2, (0, 1, 2), keepdims=True),
       case("moments", XH, [1], rtol=1e-3, atol=1e-3),
       case("batch_normalization", X, X.mean(0), X.var(0), -1),
       case("batch_normalization", IMG2_CF, randn(3), uniform(0.5, 1, 3), 1,
            offset=randn(3), scale=randn(3), epsilon=1e-2),
       case("normalize", X), case("normalize", X, axis=0, order=1),
       case("normalize", XI, order=3),
       case("rms_normalization", X), case("rms_normalization", X, scale=randn(8), axis=-1),
       case("layer_normalization", X), case("layer_normalization", X, randn(8), randn(8)),
       case("layer_normalization", IMG2, axis=(1, 2), epsilon=1e-3),
       case("layer_normalization", X, randn(8), rms_scaling=True)]
    # convolution
    + [case("conv", IMG1, K1, rtol=1e-4, atol=1e-5),
       case("conv", IMG1, K1, strides=2, padding="same", rtol=1e-4, atol=1e-5),
       case("conv", IMG2, K2, rtol=1e-4, atol=1e-5),
       case("conv", IMG2, K2, strides=(2, 1), padding="same", rtol=1e-4, atol=1e-5),
       case("conv", IMG2, K2, dilation_rate=2, padding="same", rtol=1e-4, atol=1e-5),
       case("conv", IMG2_CF, K2, data_format="channels_first", rtol=1e-4, atol=1e-5),
       case("conv", randn(2, 5, 5, 6), K2_GROUPED, rtol=1e-4, atol=1e-5),
       case("conv", IMG3, K3, padding="same", rtol=1e-4, atol=1e-5),
       case("depthwise_conv", IMG2, DK2, rtol=1e-4, atol=1e-5),
       case("depthwise_conv", IMG2, DK2, strides=2, padding="same", rtol=1e-4, atol=1e-5),
       case("depthwise_conv", IMG2_CF, DK2, data_format="channels_first", rtol=1e-4,
            atol=1e-5),
       case("separable_conv", IMG2, DK2, PK2, padding="same", rtol=1e-4, atol=1e-5)]
    + [case("conv_transpose", IMG2[..., :3], KT2, strides=s, padding=p, output_padding=op,
            dilation_rate=d, rtol=1e-4, atol=1e-4)
       for s, p, op, d in [(1, "valid", None, 1), (2, "valid", None, 1), (2, "same", None, 1),
                           (3, "same", None, 1), (2, "same", 1, 1), (2, "valid", 1, 1),
                           (1, "same", None, 2), ((2, 3), "same", None, 1)]]
    + [case("conv_transpose", IMG2, KT2_EVEN, strides=s, padding=p, output_padding=op,
            rtol=1e-4, atol=1e-4)
       for s, p, op in [(2, "same", None), (2, "valid", None), (3, "same", None),
                        (2, "same", 0), (1, "same", None)]]
    + [case("conv_transpose", IMG1, KT1, strides=2, padding="same", rtol=1e-4, atol=1e-4),
       case("conv_transpose", IMG2_CF, KT2, strides=2, padding="same",
            data_format="channels_first", rtol=1e-4, atol=1e-4)]
    # pooling
    # (Keras 3.15's ops-level pools fail with strides=None, so strides are explicit here.)
    + [case("max_pool", IMG2, 2, 2), case("max_pool", IMG2, 3, strides=2, padding="same"),
       case("max_pool", IMG1, 2, strides=1), case("max_pool", IMG3, (2, 2, 2), 2),
       case("max_pool", IMG2_CF, 2, 2, data_format="channels_first"),
       case("average_pool", IMG2, 2, 2),
       case("average_pool", IMG2, 3, strides=2, padding="same"),
       case("average_pool", IMG1, 3, strides=1, padding="same"),
       case("average_pool", IMG2_CF, (2, 3), (2, 3), data_format="channels_first"),
       case("adaptive_average_pool", IMG2, (3, 4)), case("adaptive_max_pool", IMG2, (3, 4)),
       case("adaptive_average_pool", IMG1, 4), case("adaptive_max_pool", IMG1, 5),
       case("adaptive_average_pool", IMG2_CF, 2, data_format="channels_first")]
    + [case("unfold", IMG2_CF, 2), case("unfold", IMG2_CF, (3, 2), dilation=1, padding=1,
                                         stride=2),
       case("fold", randn(2, 12, 30), (6, 7), 2), case("fold", randn(1, 8, 12), (5, 6), 2,
                                                        stride=2, padding=1),
       case("depth_to_space", randn(2, 3, 4, 8), 2),
       case("depth_to_space", randn(2, 8, 3, 4), 2, data_format="channels_first"),
       case("space_to_depth", randn(2, 4, 6, 3), 2),
       case("space_to_depth", randn(2, 3, 4, 6), 2, data_format="channels_first")]
    # attention and misc
    + [case("dot_product_attention", Q, KV, KV, rtol=1e-4, atol=1e-5),
       case("dot_product_attention", Q, KV, KV, mask=MASK, rtol=1e-4, atol=1e-5),
       case("dot_product_attention", Q, KV[:, :5], KV[:, :5], is_causal=True, rtol=1e-4,
            atol=1e-5),
       case("dot_product_attention", Q, KV, KV, bias=BIAS, scale=0.5, rtol=1e-4, atol=1e-5),
       case("dot_product_attention", Q, KV_GROUPED, KV_GROUPED, rtol=1e-4, atol=1e-5),
       case("psnr", X, X + 0.1, 1.0, rtol=1e-5), case("polar", X, randn(3, 8))]
    + [case("ctc_loss", np.array([[1, 2, 0], [3, 3, 1]], "int32"), randn(2, 7, 5),
            np.array([2, 3], "int32"), np.array([7, 5], "int32"), rtol=1e-4, variable=False),
       case("ctc_decode", randn(2, 7, 5), np.array([7, 4], "int32"))]
)

test_matches_keras = comparison_test(CASES)


def test_unsupported_arguments_raise_value_error():
    with pytest.raises(ValueError, match="sparse"):
        ops.one_hot(LABELS, 5, sparse=True)
    with pytest.raises(ValueError, match="synchronized"):
        ops.moments(X, 0, synchronized=True)
    with pytest.raises(ValueError, match="flash_attention"):
        ops.dot_product_attention(Q, KV, KV, flash_attention=True)
    with pytest.raises(ValueError, match="beam_search"):
        ops.ctc_decode(randn(2, 7, 5), np.array([7, 4]), strategy="beam_search")
    with pytest.raises(ValueError, match="padding"):
        ops.conv(IMG2, K2, padding="causal")
    with pytest.raises(ValueError, match="same shape"):
        ops.binary_crossentropy(BIN_T, BIN_P[:2])


def test_sparsemax_projects_onto_the_simplex():
    out = np.asarray(ops.sparsemax(X))
    np.testing.assert_allclose(out.sum(-1), 1.0, rtol=1e-6)
    assert (out >= 0).all() and (out == 0).any()
    assert_same(ops.sparsemax(np.array([[0.1, 0.5, 0.4], [3.0, 0.0, 1.0]], "float32")),
                np.array([[0.1, 0.5, 0.4], [1.0, 0.0, 0.0]], "float32"))
    assert_same(ops.sparsemax(X.T, axis=0), np.asarray(ops.sparsemax(X)).T)


def test_pool_strides_default_to_pool_size():
    assert ops.max_pool(IMG2, 2).shape == (2, 3, 3, 3)
    assert_same(ops.average_pool(IMG2, 3), ops.average_pool(IMG2, 3, 3))


def test_gradients_flow_through_losses_conv_and_pools():
    def loss(kernel):
        y = ops.conv(IMG2, kernel, padding="same")
        y = ops.max_pool(y, 2, 1, padding="same") + ops.average_pool(y, 3, 1, padding="same")
        return ops.mean(ops.sparse_categorical_crossentropy(
            np.zeros(y.shape[:-1], "int32"), y, from_logits=True))

    grad = jax.grad(loss)(K2)
    assert grad.shape == K2.shape and np.all(np.isfinite(grad))


def test_conv_transpose_output_shapes():
    x = np.zeros((1, 5, 5, 3), "float32")
    for k, s, p, expected in [(3, 2, "valid", 11), (3, 2, "same", 10), (4, 2, "same", 10),
                              (2, 3, "valid", 15), (5, 1, "valid", 9)]:
        kernel = np.zeros((k, k, 2, 3), "float32")
        assert ops.conv_transpose(x, kernel, s, p).shape == (1, expected, expected, 2)
    assert_same(ops.shape(ops.conv_transpose(x, np.zeros((3, 3, 2, 3), "float32"), 2, "same",
                                             output_padding=1)), (1, 10, 10, 2))


@pytest.mark.parametrize("shape,kernel,strides,padding,dilation", [
    ((2, 10, 9, 3), (4, 3, 3, 5), 2, "same", 1),
    ((2, 11, 3), (3, 3, 2), 1, "same", 2),
    ((1, 9, 9, 2), (3, 3, 2, 2), (3, 2), "valid", (2, 1)),
    ((1, 5, 6, 5, 2), (2, 3, 2, 2, 3), (1, 2, 2), "same", 1),
])
def test_conv_gradients_equal_lax(shape, kernel, strides, padding, dilation):
    """ops.conv's hand-written channels-last gradients (fast inside lax.scan) equal the
    ones JAX derives for lax.conv_general_dilated."""
    x, w = randn(*shape), randn(*kernel)
    nd = len(shape) - 2
    spatial = "DHW"[-nd:]
    numbers = ("N" + spatial + "C", spatial + "IO", "N" + spatial + "C")
    s = (strides,) * nd if isinstance(strides, int) else strides
    d = (dilation,) * nd if isinstance(dilation, int) else dilation

    def ours(x, w):
        return ops.conv(x, w, strides, padding, dilation_rate=dilation)

    def reference(x, w):
        return jax.lax.conv_general_dilated(x, w, s, padding.upper(), rhs_dilation=d,
                                            dimension_numbers=numbers)

    @jax.jit
    def outputs_and_gradients(x, w, cotangent):
        return [(f(x, w), jax.vjp(f, x, w)[1](cotangent)) for f in (ours, reference)]

    cotangent = randn(*jax.eval_shape(reference, x, w).shape)
    got, expected = outputs_and_gradients(x, w, cotangent)
    assert_same(got, expected, rtol=1e-4, atol=1e-4)


def test_conv_second_order_gradients():
    x, w = randn(2, 6, 5, 3), randn(3, 3, 3, 2)
    second = jax.jit(jax.grad(lambda w: jnp.sum(jax.grad(
        lambda x: jnp.sum(ops.conv(x, w, 2, "same") ** 2))(x))))(w)
    assert second.shape == w.shape and np.all(np.isfinite(second))

"""int8 Dense, EinsumDense and Embedding: the same variables and outputs as Keras 3's
quantized layers given the same float weights; gradients reach the inputs and biases."""

import warnings

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import lamina
from lamina.core.layer_quantization import QuantizationUnavailableError

keras = pytest.importorskip("keras")

EINSUMS = [("ab,bc->ac", 6, "c", (5,)), ("abc,cde->abde", (5, 2, 4), "de", (5, 3)),
           ("abc,cd->abd", (5, 4), None, (5, 3)), ("abcd,cde->abe", (4, 6), "e", (4, 3, 2))]


def quantized_twins(build, x):
    keras.utils.set_random_seed(0)  # fixed weights: the closeness bounds below are not luck
    mine, theirs = build(lamina), build(keras)
    mine.set_weights(theirs.get_weights())
    float_out = np.asarray(mine(x))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        mine.quantize("int8")
        theirs.quantize("int8")
    return mine, theirs, float_out


@pytest.mark.parametrize("equation,output_shape,bias_axes,input_shape", EINSUMS)
def test_einsum_dense_int8_equals_keras(equation, output_shape, bias_axes, input_shape):
    def build(k):
        i = k.Input(input_shape)
        return k.Model(i, k.layers.EinsumDense(equation, output_shape, bias_axes=bias_axes)(i))

    x = np.random.default_rng(0).normal(size=(7,) + input_shape).astype("float32")
    mine, theirs, float_out = quantized_twins(build, x)
    ml, tl = mine.layers[-1], theirs.layers[-1]
    assert [(v.name, v.dtype, tuple(v.shape)) for v in ml.weights] == \
        [(v.name, str(v.dtype), tuple(v.shape)) for v in tl.weights]
    for a, b in zip(ml.weights, tl.weights):
        np.testing.assert_allclose(a.numpy().astype("float32"), np.asarray(b, "float32"),
                                   atol=1e-6)
    out = np.asarray(mine(x))
    np.testing.assert_allclose(out, np.asarray(theirs(x)), atol=1e-3, rtol=0)
    assert np.abs(out - float_out).max() < 0.05 * np.abs(float_out).max()


def test_einsum_dense_with_ellipsis_quantizes():
    # Keras 3.15 fails on this equation (its quantize passes an int where a shape goes).
    layer = lamina.layers.EinsumDense("...b,bc->...c", 4, bias_axes="c")
    x = np.random.default_rng(1).normal(size=(2, 3, 5)).astype("float32")
    float_out = np.asarray(layer(x))
    layer.quantize("int8")
    assert layer.kernel_scale.shape == (1, 1, 4)
    assert np.abs(np.asarray(layer(x)) - float_out).max() < 0.05 * np.abs(float_out).max()


def test_embedding_int8_equals_keras():
    def build(k):
        i = k.Input((5,), dtype="int32")
        return k.Model(i, k.layers.Embedding(50, 8)(i))

    x = np.random.default_rng(2).integers(0, 50, (7, 5)).astype("int32")
    mine, theirs, float_out = quantized_twins(build, x)
    assert [(v.name, v.dtype, tuple(v.shape)) for v in mine.layers[-1].weights] == \
        [("embeddings", "int8", (50, 8)), ("embeddings_scale", "float32", (50,))]
    out = np.asarray(mine(x))
    np.testing.assert_allclose(out, np.asarray(theirs(x)), atol=1e-6, rtol=0)
    assert np.abs(out - float_out).max() < 0.05 * np.abs(float_out).max()


def test_dense_int8_gradients_reach_inputs_through_the_dequantized_kernel():
    # A seeded kernel: an unseeded one made sums that nearly cancel now and then, which
    # no relative tolerance alone can compare.
    layer = lamina.layers.Dense(3, kernel_initializer=lamina.initializers.GlorotUniform(seed=5))
    x = np.random.default_rng(3).normal(size=(4, 6)).astype("float32")
    layer(x)
    layer.quantize("int8")
    tv = [v.value for v in layer.trainable_variables]
    ntv = [v.value for v in layer.non_trainable_variables]

    def loss(tv, x):
        return layer.stateless_call(tv, ntv, x)[0].sum()

    g_tv, g_x = jax.grad(loss, argnums=(0, 1))(tv, x)
    dequantized = layer.kernel.numpy() / layer.kernel_scale.numpy()
    np.testing.assert_allclose(np.asarray(g_x), np.ones((4, 3)) @ dequantized.T, rtol=1e-6,
                               atol=1e-6)
    np.testing.assert_allclose(np.asarray(g_tv[0]), [4.0, 4.0, 4.0])  # the bias


def test_weight_only_config_skips_activation_quantization():
    layer = lamina.layers.Dense(3, use_bias=False)
    x = np.random.default_rng(4).normal(size=(4, 6)).astype("float32")
    layer(x)
    layer.quantize(config=lamina.quantizers.Int8QuantizationConfig(activation_quantizer=None))
    dequantized = layer.kernel.numpy() / layer.kernel_scale.numpy()
    np.testing.assert_allclose(np.asarray(layer(x)), x @ dequantized, rtol=1e-5, atol=1e-6)
    assert layer.get_config()["quantization_config"]["class_name"] == "Int8QuantizationConfig"


def test_subclasses_are_refused_unless_type_check_is_off():
    class MyDense(lamina.layers.Dense):
        pass

    layer = MyDense(2)
    layer.build((None, 3))
    with pytest.raises(QuantizationUnavailableError,
                       match=r"MyDense \('my_dense.*'\) has no quantized form \(mode='int8'\)"):
        layer.quantize("int8")
    layer.quantize("int8", type_check=False)
    assert layer.quantization_mode == "int8" and layer.dtype_policy.name == "int8_from_float32"


def test_quantized_layer_from_config_builds_int8_variables():
    layer = lamina.layers.Dense(4, dtype="int8_from_float32")
    layer.build((None, 3))
    assert [(v.name, v.dtype) for v in layer.weights] == \
        [("bias", "float32"), ("kernel", "int8"), ("kernel_scale", "float32")]
    assert layer.get_config()["dtype"] == "int8_from_float32"
    with pytest.raises(ValueError, match="mode 'gptq' is not available in lamina"):
        lamina.layers.Dense(4, dtype="gptq_from_float32").build((None, 3))


@pytest.mark.parametrize("block_size", [128, -1])
def test_dense_int4_equals_keras_and_files_move_both_ways(block_size, tmp_path):
    def build(k):
        return k.Sequential([k.Input((300,)), k.layers.Dense(9, activation="relu"),
                             k.layers.Dense(3)])

    keras.utils.set_random_seed(0)
    mine, theirs = build(lamina), build(keras)
    mine.set_weights(theirs.get_weights())
    x = np.random.default_rng(5).random((16, 300)).astype("float32")
    float_out = np.asarray(mine(x))
    mine.quantize(config=lamina.quantizers.Int4QuantizationConfig(block_size=block_size))
    theirs.quantize(config=keras.quantizers.Int4QuantizationConfig(block_size=block_size))
    assert mine.layers[0].dtype_policy.name == theirs.layers[0].dtype_policy.name == \
        f"int4/{block_size}_from_float32"
    assert [(v.name, v.dtype, tuple(v.shape)) for v in mine.layers[0].weights] == \
        [(v.name, str(v.dtype), tuple(v.shape)) for v in theirs.layers[0].weights]
    out = np.asarray(mine(x))
    np.testing.assert_allclose(out, np.asarray(theirs(x)), atol=1e-5, rtol=0)
    assert np.linalg.norm(out - float_out) < 0.3 * np.linalg.norm(float_out)  # 4 bits
    mine.save(tmp_path / "mine.keras")
    np.testing.assert_allclose(np.asarray(keras.saving.load_model(tmp_path / "mine.keras")(x)),
                               out, atol=1e-5, rtol=0)
    theirs.save(tmp_path / "theirs.keras")
    np.testing.assert_allclose(
        np.asarray(lamina.saving.load_model(tmp_path / "theirs.keras")(x)), out, atol=1e-5,
        rtol=0)


def test_int4_default_is_groups_of_128_and_other_layers_are_skipped():
    model = lamina.Sequential([lamina.Input((5, 3)),
                               lamina.layers.EinsumDense("abc,cd->abd", (5, 4)),
                               lamina.layers.LayerNormalization(),
                               lamina.layers.Dense(2)])
    with pytest.warns(UserWarning, match="LayerNormalization .* has no quantized form"):
        model.quantize("int4")
    assert [layer.dtype_policy.name for layer in model.layers] == \
        ["int4/128_from_float32", "float32", "int4/128_from_float32"]
    embedding = lamina.layers.Embedding(4, 3)
    embedding.build((None,))
    with pytest.raises(QuantizationUnavailableError, match="has no 'float8' form in lamina"):
        embedding.quantize("float8")


# kernel axes in any order (Keras reshapes the kernel in memory order to (rows, columns)),
# each with a block size: groups of 128 (more than the rows), per column, groups of 2
INT4_EINSUMS = [EINSUMS[1] + (2,), EINSUMS[2] + (-1,), EINSUMS[3] + (128,),
                ("abc,dc->abd", (5, 7), None, (5, 300), 128)]


@pytest.mark.parametrize("equation,output_shape,bias_axes,input_shape,block_size",
                         INT4_EINSUMS)
def test_einsum_dense_int4_equals_keras(equation, output_shape, bias_axes, input_shape,
                                        block_size):
    def build(k):
        i = k.Input(input_shape)
        return k.Model(i, k.layers.EinsumDense(equation, output_shape, bias_axes=bias_axes)(i))

    keras.utils.set_random_seed(0)
    mine, theirs = build(lamina), build(keras)
    mine.set_weights(theirs.get_weights())
    x = np.random.default_rng(0).normal(size=(7,) + input_shape).astype("float32")
    mine.quantize(config=lamina.quantizers.Int4QuantizationConfig(block_size=block_size))
    theirs.quantize(config=keras.quantizers.Int4QuantizationConfig(block_size=block_size))
    ml, tl = mine.layers[-1], theirs.layers[-1]
    assert ml.dtype_policy.name == tl.dtype_policy.name == f"int4/{block_size}_from_float32"
    assert [(v.name, v.dtype, tuple(v.shape)) for v in ml.weights] == \
        [(v.name, str(v.dtype), tuple(v.shape)) for v in tl.weights]
    for a, b in zip(ml.weights, tl.weights):
        np.testing.assert_array_equal(np.asarray(a.numpy()), b.numpy(), err_msg=a.name)
    np.testing.assert_allclose(np.asarray(mine(x)), np.asarray(theirs(x)), atol=1e-5, rtol=0)


def test_einsum_dense_int4_files_both_ways_and_gradients(tmp_path):
    def build(k):
        i = k.Input((5, 3))
        return k.Model(i, k.layers.EinsumDense("abc,cde->abde", (5, 2, 4), bias_axes="de")(i))

    keras.utils.set_random_seed(1)
    mine, theirs = build(lamina), build(keras)
    mine.set_weights(theirs.get_weights())
    mine.quantize("int4")
    theirs.quantize("int4")
    x = np.random.default_rng(2).normal(size=(4, 5, 3)).astype("float32")
    out = np.asarray(mine(x))
    mine.save(tmp_path / "mine.keras")
    np.testing.assert_allclose(np.asarray(keras.saving.load_model(tmp_path / "mine.keras")(x)),
                               out, atol=1e-6, rtol=0)
    theirs.save(tmp_path / "theirs.keras")
    back = lamina.saving.load_model(tmp_path / "theirs.keras")
    np.testing.assert_allclose(np.asarray(back(x)), out, atol=1e-6, rtol=0)
    # the inputs' gradient goes through the dequantized kernel
    layer = mine.layers[-1]
    kernel = np.asarray(layer._int4_einsum(np.eye(3, dtype="float32")[None]))[0]  # (3, 2, 4)
    grad = jax.grad(lambda v: layer(v).sum())(jnp.asarray(x))
    np.testing.assert_allclose(np.asarray(grad), np.broadcast_to(kernel.sum((1, 2)), x.shape),
                               rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("output_dim,block_size", [(300, 128), (9, -1)])
def test_embedding_int4_equals_keras(output_dim, block_size):
    def build(k):
        i = k.Input((5,), dtype="int32")
        return k.Model(i, k.layers.Embedding(50, output_dim)(i))

    keras.utils.set_random_seed(0)
    mine, theirs = build(lamina), build(keras)
    mine.set_weights(theirs.get_weights())
    x = np.random.default_rng(6).integers(0, 50, (7, 5)).astype("int32")
    float_out = np.asarray(mine(x))
    mine.quantize(config=lamina.quantizers.Int4QuantizationConfig(block_size=block_size))
    theirs.quantize(config=keras.quantizers.Int4QuantizationConfig(block_size=block_size))
    assert [(v.name, v.dtype, tuple(v.shape)) for v in mine.layers[-1].weights] == \
        [(v.name, str(v.dtype), tuple(v.shape)) for v in theirs.layers[-1].weights]
    out = np.asarray(mine(x))
    np.testing.assert_allclose(out, np.asarray(theirs(x)), atol=1e-6, rtol=0)
    assert np.linalg.norm(out - float_out) < 0.2 * np.linalg.norm(float_out)

"""Keras masks: the Masking layer, masks recorded on KerasTensors and carried through
Functional and Sequential models (lamina/core/masking.py), against Keras 3."""

import warnings

import jax
import jax.numpy as jnp
import keras as real_keras
import numpy as np
import pytest

import lamina as keras
from lamina import layers
from lamina.layers.masking import Masking

RNG = np.random.default_rng(0)


class MaskedSum(layers.Layer):
    """Sums the masked-in steps; remembers whether it was given a mask."""

    def call(self, inputs, mask=None):
        self.got_mask = mask is not None
        if mask is None:
            return jnp.sum(inputs, axis=1)
        return jnp.sum(inputs * mask[..., None].astype(inputs.dtype), axis=1)


class PairMasks(layers.Layer):
    """Two tensor arguments: each `<name>_mask` receives its argument's mask."""

    def call(self, a, b, a_mask=None, b_mask=None):
        out = a + b
        if a_mask is not None:
            out = out * a_mask[..., None]
        if b_mask is not None:
            out = out + 100.0 * (~b_mask)[..., None]
        return out


class PassMask(layers.Layer):
    """Takes a mask argument and passes it on (supports_masking)."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True

    def call(self, inputs, mask=None):
        return inputs


def _padded_tokens():
    return np.array([[3, 1, 0, 0], [5, 2, 7, 0], [0, 0, 0, 0]], dtype="int32")


def test_masking_layer_matches_keras():
    x = RNG.standard_normal((3, 5, 4)).astype("float32")
    x[0, 2:] = 0.0
    x[1, 1] = 0.0
    x[2, 0, :2] = 0.0  # only part of a step: not masked
    ours, theirs = Masking(), real_keras.layers.Masking()
    np.testing.assert_allclose(ours(x), theirs(x), atol=1e-7)
    np.testing.assert_array_equal(ours.compute_mask(x), theirs.compute_mask(x))
    ours, theirs = Masking(mask_value=1.5), real_keras.layers.Masking(mask_value=1.5)
    x[0, 0] = 1.5
    np.testing.assert_allclose(ours(x), theirs(x), atol=1e-7)
    np.testing.assert_array_equal(ours.compute_mask(x), theirs.compute_mask(x))


def test_masking_config_round_trip_and_shape():
    layer = Masking(mask_value=-1.0, name="m")
    config = layer.get_config()
    assert config["mask_value"] == -1.0
    assert Masking.from_config(config).get_config() == config
    out = layer(keras.Input((7, 3)))
    assert out.shape == (None, 7, 3)
    assert out._keras_mask.shape == (None, 7) and out._keras_mask.dtype == "bool"


def test_supports_masking_defaults():
    assert not MaskedSum().supports_masking  # consumes a mask, defines no compute_mask
    assert Masking().supports_masking and layers.Dense(2).supports_masking
    assert layers.Embedding(5, 2, mask_zero=True).supports_masking
    assert not layers.Embedding(5, 2).supports_masking

    class WithComputeMask(layers.Layer):
        def compute_mask(self, inputs, previous_mask=None):
            return previous_mask

    assert WithComputeMask().supports_masking


def test_symbolic_tensors_record_masks():
    tokens = keras.Input((4,), dtype="int32")
    assert tokens._keras_mask is None
    x = layers.Embedding(10, 3, mask_zero=True)(tokens)
    assert x._keras_mask is not None and x._keras_mask.shape == (None, 4)
    y = layers.Dense(2)(x)  # supports masking: passes the mask on
    assert y._keras_mask.shape == (None, 4)
    assert layers.Embedding(10, 3)(tokens)._keras_mask is None
    with pytest.warns(UserWarning, match="does not support masking"):
        z = layers.Conv1D(2, 1)(y)
    assert z._keras_mask is None
    s = MaskedSum()(y)
    assert s._keras_mask is None


def test_mask_flows_through_functional_model():
    tokens = keras.Input((4,), dtype="int32")
    x = layers.Embedding(10, 3, mask_zero=True)(tokens)
    x = layers.Dense(3)(x)
    x = layers.Dropout(0.5)(x)
    summed = MaskedSum()(x)
    model = keras.Model(tokens, [summed, x])
    data = _padded_tokens()
    out, seq = model(data)
    expected = np.sum(np.asarray(seq) * (data != 0)[..., None], axis=1)
    np.testing.assert_allclose(out, expected, atol=1e-6)
    np.testing.assert_allclose(out[2], 0.0)
    np.testing.assert_allclose(model.predict(data, verbose=0)[0], expected, atol=1e-6)


def test_mask_flows_through_sequential_model():
    model = keras.Sequential([keras.Input((4,), dtype="int32"),
                              layers.Embedding(10, 3, mask_zero=True),
                              layers.Activation("relu"), MaskedSum()])
    data = _padded_tokens()
    emb = np.asarray(model.layers[0].embeddings.value)
    expected = np.sum(np.maximum(emb[data], 0) * (data != 0)[..., None], axis=1)
    np.testing.assert_allclose(model(data), expected, atol=1e-6)
    assert model.layers[-1].got_mask
    # a deferred Sequential (built by its first call) carries the mask too
    deferred = keras.Sequential([layers.Embedding(10, 3, mask_zero=True), MaskedSum()])
    out = deferred(data)
    emb = np.asarray(deferred.layers[0].embeddings.value)
    np.testing.assert_allclose(out, np.sum(emb[data] * (data != 0)[..., None], axis=1), atol=1e-6)


def test_layer_without_masking_drops_the_mask():
    tokens = keras.Input((4,), dtype="int32")
    x = layers.Embedding(10, 3, mask_zero=True)(tokens)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        x = layers.Conv1D(3, 1, kernel_initializer="ones")(x)
    out = MaskedSum()(x)
    model = keras.Model(tokens, out)
    data = _padded_tokens()
    conv = np.asarray(model.layers[2](model.layers[1](data)))
    np.testing.assert_allclose(model(data), conv.sum(axis=1), atol=1e-5)


def test_explicit_model_mask_and_explicit_layer_mask():
    inp = keras.Input((4, 2))
    model = keras.Model(inp, MaskedSum()(layers.Dense(2, kernel_initializer="ones")(inp)))
    x = np.ones((2, 4, 2), "float32")
    mask = np.array([[True, True, False, False], [True, False, False, False]])
    np.testing.assert_allclose(model(x), [[8.0, 8.0], [8.0, 8.0]])
    np.testing.assert_allclose(model(x, mask=mask), [[4.0, 4.0], [2.0, 2.0]])
    # an explicit mask= on a layer call wins over the propagated one
    m_in = keras.Input((4,), dtype="bool")
    tokens = keras.Input((4,), dtype="int32")
    embedding = layers.Embedding(10, 2, mask_zero=True)
    emb = embedding(tokens)
    out = MaskedSum()(emb, mask=m_in)
    model = keras.Model([tokens, m_in], out)
    data = _padded_tokens()
    explicit = np.ones_like(data, dtype=bool)
    table = np.asarray(embedding.embeddings.value)
    np.testing.assert_allclose(model([data, explicit]), table[data].sum(axis=1), atol=1e-6)


def test_named_masks_for_several_tensor_arguments():
    a_in, b_in = keras.Input((3,), dtype="int32"), keras.Input((3,), dtype="int32")
    a = layers.Embedding(5, 2, mask_zero=True, embeddings_initializer="ones")(a_in)
    b = layers.Embedding(5, 2, mask_zero=True, embeddings_initializer="ones")(b_in)
    model = keras.Model([a_in, b_in], PairMasks()(a, b))
    out = np.asarray(model([np.array([[1, 0, 2]]), np.array([[0, 3, 3]])]))
    np.testing.assert_allclose(out[0, :, 0], [102.0, 0.0, 2.0])


def test_nested_models_pass_masks_in_and_out():
    inner = keras.Sequential([keras.Input((4, 3)), layers.Dense(3), layers.Dropout(0.1)])
    tokens = keras.Input((4,), dtype="int32")
    x = layers.Embedding(10, 3, mask_zero=True)(tokens)
    y = inner(x)
    assert y._keras_mask is not None and y._keras_mask.shape == (None, 4)
    model = keras.Model(tokens, MaskedSum()(y))
    data = _padded_tokens()
    seq = np.asarray(inner(model.layers[1](data)))
    np.testing.assert_allclose(model(data), (seq * (data != 0)[..., None]).sum(axis=1), atol=1e-6)
    # a nested functional model that makes the mask itself
    t2 = keras.Input((4,), dtype="int32")
    maker = keras.Model(t2, layers.Embedding(10, 3, mask_zero=True)(t2))
    outer_in = keras.Input((4,), dtype="int32")
    h = maker(outer_in)
    assert h._keras_mask is not None
    outer = keras.Model(outer_in, MaskedSum()(h))
    table = np.asarray(maker.layers[1].embeddings.value)
    expected = (table[data] * (data != 0)[..., None]).sum(axis=1)
    np.testing.assert_allclose(outer(data), expected, atol=1e-6)
    np.testing.assert_allclose(jax.jit(lambda d: outer(d))(data), expected, atol=1e-6)


def test_global_average_pooling_1d_with_mask_matches_keras():
    data = _padded_tokens()[:2]
    ours = keras.Sequential([keras.Input((4,), dtype="int32"),
                             layers.Embedding(10, 3, mask_zero=True),
                             layers.GlobalAveragePooling1D()])
    theirs = real_keras.Sequential([real_keras.Input((4,), dtype="int32"),
                                    real_keras.layers.Embedding(10, 3, mask_zero=True),
                                    real_keras.layers.GlobalAveragePooling1D()])
    theirs.set_weights(ours.get_weights())
    np.testing.assert_allclose(ours(data), theirs(data), atol=1e-6)


def test_explicit_mask_from_an_op_then_propagated():
    # Keras's saved graphs pass masks this way: mask=not_equal(tokens, 0) on the first call
    tokens = keras.Input((4,), dtype="int32")
    seq = layers.Embedding(10, 3)(tokens)
    masked = PassMask()(seq, mask=keras.ops.not_equal(tokens, 0))
    assert masked._keras_mask is not None
    out = MaskedSum()(layers.Dense(3, kernel_initializer="identity")(masked))
    model = keras.Model(tokens, out)
    data = _padded_tokens()
    table = np.asarray(model.layers[1].embeddings.value)
    np.testing.assert_allclose(model(data), (table[data] * (data != 0)[..., None]).sum(axis=1), atol=1e-6)


def test_keras_saved_masked_model_loads_and_runs(tmp_path):
    inp = real_keras.Input((4,), dtype="int32")
    x = real_keras.layers.Embedding(10, 3, mask_zero=True)(inp)
    x = real_keras.layers.Dense(3)(x)
    out = real_keras.layers.GlobalAveragePooling1D()(x)
    theirs = real_keras.Model(inp, out)
    theirs.save(tmp_path / "m.keras")
    ours = keras.models.load_model(tmp_path / "m.keras")
    data = _padded_tokens()[:2]
    np.testing.assert_allclose(ours(data), theirs(data), atol=1e-6)


def test_eager_outputs_carry_their_mask_as_in_keras():
    tokens = np.array([[1, 2, 0, 0], [3, 0, 0, 0]])
    ours = keras.layers.Embedding(10, 4, mask_zero=True)(tokens)
    theirs = real_keras.layers.Embedding(10, 4, mask_zero=True)(tokens)
    np.testing.assert_array_equal(np.asarray(ours._keras_mask), np.asarray(theirs._keras_mask))
    np.testing.assert_array_equal(np.asarray(ours._keras_mask), tokens != 0)


def test_an_eager_mask_reaches_the_next_eager_call():
    tokens = np.array([[1, 2, 0, 0]])
    embedding = keras.layers.Embedding(10, 3, mask_zero=True)
    embedding.build((None, 4))
    embedding.set_weights([np.r_[np.zeros((1, 3)), np.ones((9, 3))].astype("float32")])
    embedded = embedding(tokens)
    pooled = keras.layers.GlobalAveragePooling1D()(embedded)  # averages unmasked steps only
    np.testing.assert_allclose(np.asarray(pooled), [[1.0, 1.0, 1.0]])
    np.testing.assert_allclose(np.asarray(keras.layers.GlobalAveragePooling1D()(
        np.asarray(embedded))), [[0.5, 0.5, 0.5]])  # a NumPy copy has no mask

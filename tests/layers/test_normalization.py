"""BatchNormalization and LayerNormalization against Keras 3, and BN's moving statistics."""

import numpy as np
import pytest

import lamina

keras = pytest.importorskip("keras")


@pytest.mark.parametrize("kwargs", [{}, dict(axis=1, momentum=0.9), dict(center=False, scale=False)])
def test_batch_norm_matches_keras(kwargs):
    x = np.random.default_rng(0).normal(2.0, 3.0, size=(8, 4, 5)).astype("float32")
    ref = keras.layers.BatchNormalization(**kwargs)
    ref.build(x.shape)
    rng = np.random.default_rng(1)
    ref.set_weights([rng.normal(size=w.shape).astype("float32") ** 2 + 0.5 for w in ref.get_weights()])
    mine = lamina.layers.BatchNormalization(**kwargs)
    mine.build(x.shape)
    mine.set_weights(ref.get_weights())
    for training in (False, True):
        np.testing.assert_allclose(np.asarray(mine(x, training=training)),
                                   np.asarray(ref(x, training=training)), rtol=1e-4, atol=1e-4)
    for a, b in zip(mine.get_weights(), ref.get_weights()):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


def test_batch_norm_statistics_update_in_fit():
    rng = np.random.default_rng(0)
    x = rng.normal(5.0, 2.0, size=(256, 3)).astype("float32")
    model = lamina.Sequential([lamina.Input(shape=(3,)), lamina.layers.BatchNormalization(momentum=0.5),
                               lamina.layers.Dense(1)])
    model.compile("sgd", "mse")
    model.fit(x, np.zeros((256, 1)), batch_size=256, epochs=20, verbose=0)
    bn = model.layers[0]
    np.testing.assert_allclose(bn.moving_mean.numpy(), x.mean(0), rtol=1e-3)
    np.testing.assert_allclose(bn.moving_variance.numpy(), x.var(0), rtol=1e-3)
    assert [w.name for w in bn.weights] == ["gamma", "beta", "moving_mean", "moving_variance"]
    assert len(bn.trainable_weights) == 2 and len(bn.non_trainable_weights) == 2


@pytest.mark.parametrize("kwargs", [{}, dict(axis=(1, 2)), dict(rms_scaling=True), dict(epsilon=1e-6)])
def test_layer_norm_matches_keras(kwargs):
    x = np.random.default_rng(0).normal(size=(4, 3, 6)).astype("float32")
    ref = keras.layers.LayerNormalization(**kwargs)
    ref.build(x.shape)
    ref.set_weights([np.random.default_rng(2).normal(size=w.shape).astype("float32")
                     for w in ref.get_weights()])
    mine = lamina.layers.LayerNormalization(**kwargs)
    mine.build(x.shape)
    mine.set_weights(ref.get_weights())
    np.testing.assert_allclose(np.asarray(mine(x)), np.asarray(ref(x)), rtol=1e-4, atol=1e-5)


def test_embedding_lookup_and_shape():
    layer = lamina.layers.Embedding(10, 4)
    idx = np.array([[1, 2, 9], [0, 0, 3]])
    out = np.asarray(layer(idx))
    table = layer.embeddings.numpy()
    np.testing.assert_array_equal(out, table[idx])
    inputs = lamina.Input(shape=(7,), dtype="int32")
    assert lamina.layers.Embedding(10, 4)(inputs).shape == (None, 7, 4)


def test_rms_normalization_matches_keras():
    x = np.random.default_rng(3).normal(size=(4, 6)).astype("float32")
    ref = keras.layers.RMSNormalization()
    ref.build(x.shape)
    mine = lamina.layers.RMSNormalization()
    mine.build(x.shape)
    np.testing.assert_allclose(np.asarray(mine(x)), np.asarray(ref(x)), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("kwargs", [{}, dict(axis=1), dict(center=False, scale=False)])
def test_batch_norm_training_gradients_match_keras(kwargs):
    """Gradients through a training-mode BatchNormalization (lamina's closed form) equal
    Keras's autodiff ones, for the input, gamma and beta."""
    import jax
    import jax.numpy as jnp

    rng = np.random.default_rng(0)
    x = rng.normal(2.0, 3.0, size=(6, 4, 5, 3)).astype("float32")
    weight = rng.normal(size=x.shape).astype("float32")
    grads = []
    for lib in (keras, lamina):
        layer = lib.layers.BatchNormalization(**kwargs)
        layer.build(x.shape)
        if lib is keras:
            weights = [rng.uniform(0.5, 2.0, w.shape).astype("float32")
                       for w in layer.get_weights()]
        layer.set_weights(weights)
        tv = [v.value for v in layer.trainable_variables]
        ntv = [v.value for v in layer.non_trainable_variables]

        def loss(tv, x, layer=layer, ntv=ntv):
            out, _ = layer.stateless_call(tv, ntv, x, training=True)
            return jnp.sum(out * weight)

        grads.append(jax.jit(jax.grad(loss, argnums=(0, 1)))(tv, jnp.asarray(x)))
    for a, b in zip(jax.tree.leaves(grads[1]), jax.tree.leaves(grads[0])):
        np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=1e-4, atol=1e-4)


def test_batch_norm_masked_statistics_match_keras():
    """In training, masked-out steps take no part in the batch statistics (as Keras)."""
    rng = np.random.default_rng(0)
    x = rng.normal(1.0, 2.0, size=(3, 5, 4)).astype("float32")
    mask = np.array([[1, 1, 1, 0, 0], [1, 1, 1, 1, 1], [1, 0, 0, 0, 0]], bool)
    outs = []
    for lib in (keras, lamina):
        layer = lib.layers.BatchNormalization(momentum=0.5)
        outs.append((np.asarray(layer(x, training=True, mask=mask)), layer.get_weights()))
    np.testing.assert_allclose(outs[1][0], outs[0][0], rtol=1e-4, atol=1e-4)
    for a, b in zip(outs[1][1], outs[0][1]):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    with pytest.raises(ValueError, match="one dimension less"):
        lamina.layers.BatchNormalization()(x, training=True, mask=mask[0])

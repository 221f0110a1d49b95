"""Rescaling, Normalization, Discretization and CategoryEncoding against Keras 3: the same
outputs for the same inputs, also after adapt() on the same data. Where Keras 3 needs
TensorFlow (adapt over batches, Discretization.adapt) the Keras values are constants
printed by keras_tf_reference.py."""

import numpy as np
import pytest

import lamina
from lamina import layers

from .keras_tf_reference import adapt_data

keras = pytest.importorskip("keras")

X = adapt_data()


def _close(a, b, tol=1e-5):
    np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=tol, atol=tol)


@pytest.mark.parametrize("args", [(1 / 255.0,), (2.0, -1.0), ([0.5, 2.0, 1.0], [1.0, 0.0, -1.0])])
def test_rescaling_matches_keras(args):
    x = (np.arange(24) % 256).astype("uint8").reshape(2, 4, 3)
    out = layers.Rescaling(*args)(x)
    assert out.dtype == np.float32
    _close(out, keras.layers.Rescaling(*args)(x))


@pytest.mark.parametrize("kwargs", [{}, dict(axis=None), dict(invert=True), dict(axis=(1, 2))])
def test_normalization_adapt_matches_keras(kwargs):
    x = X.reshape(50, 4, 3) if kwargs.get("axis") == (1, 2) else X
    mine, ref = layers.Normalization(**kwargs), keras.layers.Normalization(**kwargs)
    mine.adapt(x)
    ref.adapt(x)
    _close(mine(x), ref(x))
    assert [w.name for w in mine.weights] == ["mean", "variance", "count"]
    assert mine.trainable_weights == [] and len(mine.non_trainable_weights) == 3
    for a, b in zip(mine.get_weights(), ref.get_weights()):
        _close(a, b)


def test_normalization_mean_and_variance_attributes_match_keras():
    for kwargs, x in [({}, X), (dict(axis=(1, 2)), X.reshape(50, 4, 3))]:
        mine, ref = layers.Normalization(**kwargs), keras.layers.Normalization(**kwargs)
        assert mine.mean is None and mine.variance is None
        mine.adapt(x)
        ref.adapt(x)
        assert mine.mean.shape == tuple(ref.mean.shape)
        _close(mine.mean, ref.mean)
        _close(mine.variance, ref.variance, 2e-5)
    given = layers.Normalization(mean=[1.0, 2.0, 3.0], variance=[1.0, 4.0, 9.0])
    given.build((None, 3))
    _close(given.mean, [[1.0, 2.0, 3.0]])
    _close(given.variance, [[1.0, 4.0, 9.0]])


def test_normalization_adapt_on_batches_matches_keras():
    mine = layers.Normalization()
    mine.adapt([X[:70], X[70:150], X[150:]])  # a list of batches
    keras_mean = [2.0914285, 2.182857, 2.1299999]
    keras_variance = [17.24817, 17.353704, 17.49861]
    _close(mine.get_weights()[0], keras_mean)
    _close(mine.get_weights()[1], keras_variance, 2e-5)
    gen = layers.Normalization()
    gen.adapt((X[i:i + 40], None) for i in range(0, 200, 40))  # (x, y) batches of a generator
    _close(gen.get_weights()[0], keras_mean)


def test_normalization_given_statistics_match_keras():
    for kwargs in [dict(mean=3.0, variance=2.0), dict(mean=[1.0, 2.0, 3.0], variance=[1.0, 4.0, 9.0]),
                   dict(mean=[1.0, 2.0, 3.0], variance=[1.0, 4.0, 9.0], invert=True)]:
        mine, ref = layers.Normalization(**kwargs), keras.layers.Normalization(**kwargs)
        _close(mine(X), ref(X))
        assert mine.weights == []


def test_normalization_in_a_compiled_model_and_symbolic():
    norm = layers.Normalization()
    norm.adapt(X)
    model = lamina.Sequential([lamina.Input((3,)), norm, layers.Dense(1)])
    model.compile("sgd", "mse")
    model.fit(X, X[:, :1], epochs=1, verbose=0)
    out = model.predict(X, verbose=0)
    assert out.shape == (200, 1)
    _close(norm.get_weights()[0], X.mean(0))  # fit leaves the statistics alone


def test_normalization_errors():
    with pytest.raises(ValueError, match="both `mean` and `variance`"):
        layers.Normalization(mean=1.0)
    with pytest.raises(ValueError, match="out of range"):
        layers.Normalization(axis=3).build((None, 4))
    with pytest.raises(ValueError, match="must be known"):
        layers.Normalization().build((None, None))
    norm = layers.Normalization()
    norm.adapt(X)
    with pytest.raises(ValueError, match="adapt\\(\\) got data of shape"):
        norm.adapt(np.ones((5, 4)))
    with pytest.raises(ValueError, match="no batches"):
        layers.Normalization().adapt([])


@pytest.mark.parametrize("mode", ["int", "one_hot", "multi_hot", "count"])
def test_discretization_boundaries_match_keras(mode):
    kwargs = dict(bin_boundaries=[-2.0, 0.0, 1.5, 4.0], output_mode=mode)
    x = X[:6]
    out = layers.Discretization(**kwargs)(x)
    _close(out, keras.layers.Discretization(**kwargs)(x))
    assert out.dtype == (np.int32 if mode == "int" else np.float32)


@pytest.mark.parametrize("kwargs,data,keras_boundaries", [
    (dict(num_bins=4), X, [-1.4285731315612793, 2.142855405807495, 5.714285850524902]),
    (dict(num_bins=7, epsilon=0.1), X, [-3.040816307067871, -0.9183676838874817,
                                        1.1224489212036133, 3.163264751434326,
                                        5.204081058502197, 7.244898319244385]),
    (dict(num_bins=5), [X[:70], X[70:]], [-2.142854928970337, 0.7142905592918396,
                                          3.57143497467041, 6.428608417510986]),
])
def test_discretization_adapt_matches_keras(kwargs, data, keras_boundaries):
    layer = layers.Discretization(**kwargs)
    layer.adapt(data)
    _close(layer.bin_boundaries, keras_boundaries)
    counts = np.bincount(np.asarray(layer(X)).ravel(), minlength=kwargs["num_bins"])
    assert len(counts) == kwargs["num_bins"]


def test_discretization_errors_and_config():
    with pytest.raises(ValueError, match="not both"):
        layers.Discretization(bin_boundaries=[0.0], num_bins=3)
    with pytest.raises(ValueError, match="either"):
        layers.Discretization()
    with pytest.raises(ValueError, match="cannot adapt"):
        layers.Discretization(bin_boundaries=[0.0]).adapt(X)
    with pytest.raises(ValueError, match="call adapt"):
        layers.Discretization(num_bins=3)(X)
    with pytest.raises(ValueError, match="output_mode"):
        layers.Discretization(num_bins=3, output_mode="tf_idf")
    layer = layers.Discretization(num_bins=3)
    layer.adapt(X)
    clone = layers.Discretization.from_config(layer.get_config())
    np.testing.assert_array_equal(clone(X), layer(X))
    assert lamina.Input((3,)).shape == (None, 3)
    assert layer(lamina.Input((3,))).dtype == "int32"


def test_discretization_readapt_reaches_a_model_that_already_ran():
    bins = layers.Discretization(num_bins=2)
    bins.adapt(np.arange(10.0))
    inputs = lamina.Input((1,))
    model = lamina.Model(inputs, bins(inputs))
    x = np.array([[3.0], [30.0]], "float32")
    np.testing.assert_array_equal(model(x), [[0], [1]])
    bins.adapt(np.arange(100.0))  # the boundary moves from 5 to 49
    np.testing.assert_array_equal(model(x), [[0], [0]])
    np.testing.assert_array_equal(model.predict(x, verbose=0), [[0], [0]])


@pytest.mark.parametrize("mode", ["one_hot", "multi_hot", "count"])
@pytest.mark.parametrize("x", [np.array([1, 2, 2]), np.array([[1], [3]]),
                               np.array([[1, 2, 2], [0, 0, 4]]), np.arange(12).reshape(2, 3, 2) % 5])
def test_category_encoding_matches_keras(mode, x):
    mine = layers.CategoryEncoding(5, output_mode=mode)
    out = np.asarray(mine(x))
    _close(out, keras.layers.CategoryEncoding(5, output_mode=mode)(x))
    assert mine.compute_output_shape(x.shape) == out.shape


def test_category_encoding_count_weights_symbolic_and_errors():
    x, w = np.array([[1, 2, 2], [0, 0, 4]]), np.array([[0.5, 1.0, 2.0], [1.0, 1.0, 3.0]], "float32")
    _close(layers.CategoryEncoding(5, "count")(x, count_weights=w),
           keras.layers.CategoryEncoding(5, "count")(x, count_weights=w))
    assert layers.CategoryEncoding(7)(lamina.Input((4,), dtype="int32")).shape == (None, 7)
    with pytest.raises(ValueError, match="num_tokens must be set"):
        layers.CategoryEncoding()
    with pytest.raises(ValueError, match="output_mode"):
        layers.CategoryEncoding(3, output_mode="tf_idf")
    with pytest.raises(ValueError, match="count_weights"):
        layers.CategoryEncoding(3)(x, count_weights=w)
    with pytest.raises(ValueError, match="sparse=True"):
        layers.CategoryEncoding(3, sparse=True)


@pytest.mark.parametrize("layer", [
    layers.Rescaling(1 / 255.0, offset=-0.5, name="r"),
    layers.Rescaling(np.array([1.0, 2.0], "float32"), name="r2"),
    layers.Normalization(axis=(1, 2), name="n"),
    layers.Normalization(mean=[1.0, 2.0], variance=[3.0, 4.0], invert=True, name="n2"),
    layers.Discretization(bin_boundaries=[0.0, 1.0], output_mode="one_hot", name="d"),
    layers.CategoryEncoding(4, output_mode="count", name="c"),
])
def test_config_round_trip(layer):
    from lamina.core.serialization.serialization import serialize_keras_object
    from lamina.core.serialization.deserialization import deserialize_keras_object

    config = layer.get_config()
    clone = type(layer).from_config(config)
    again = clone.get_config()
    assert str(again) == str(config)
    restored = deserialize_keras_object(serialize_keras_object(layer))
    assert type(restored) is type(layer) and restored.name == layer.name

"""Checks every random image layer must pass, whatever its transform: inference is the
identity, a seed reproduces the output, shapes/dtypes are kept (single images, batches,
channels_first), the config has Keras's keys and rebuilds the layer, and a functional
model takes the layer."""

import numpy as np

import lamina


def check_random_layer(keras, name, kwargs, images):
    """`images`: a float32 channels_last batch in the layer's value range."""
    cls = getattr(lamina.layers, name)
    layer = cls(**kwargs, seed=3)
    out = np.asarray(layer(images, training=True))
    assert out.shape == images.shape and out.dtype == np.float32
    np.testing.assert_array_equal(np.asarray(layer(images, training=False)), images)
    np.testing.assert_array_equal(np.asarray(cls(**kwargs, seed=3)(images)), out)
    assert np.asarray(layer(images[0])).shape == images.shape[1:]
    first = cls(**kwargs, seed=3, data_format="channels_first")
    moved = np.moveaxis(images, -1, 1)
    assert np.asarray(first(moved)).shape == moved.shape
    np.testing.assert_array_equal(np.asarray(first(moved, training=False)), moved)

    config = layer.get_config()
    assert sorted(config) == sorted(getattr(keras.layers, name)(**kwargs, seed=3).get_config())
    rebuilt = cls.from_config(config)
    np.testing.assert_array_equal(np.asarray(rebuilt(images)), out)

    inputs = lamina.Input(images.shape[1:])
    model = lamina.Model(inputs, cls(**kwargs, seed=3)(inputs))
    np.testing.assert_allclose(model.predict(images, verbose=0), images, rtol=1e-6)
    return out

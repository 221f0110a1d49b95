"""Shared check for image layers that are deterministic in a given setting: lamina's
layer and Keras 3's, built with the same arguments, give the same images."""

import numpy as np

import lamina


def assert_same_images(keras, name, args, kwargs, images, atol=1e-4):
    """`lamina.layers.<name>(*args, **kwargs)(images)` equals Keras's (training call);
    images in 0-255 are rescaled to 0-1 when `kwargs["value_range"]` is (0, 1)."""
    if tuple(kwargs.get("value_range", (0, 255))) == (0, 1):
        images = images / 255.0
    want = np.asarray(getattr(keras.layers, name)(*args, **kwargs)(images, training=True))
    got = np.asarray(getattr(lamina.layers, name)(*args, **kwargs)(images, training=True))
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=atol)
    return got

"""Shared check for layer tests: a lamina layer given a Keras 3 layer's weights computes
the same outputs and shapes, and its config has Keras's keys and round-trips."""

import numpy as np

import lamina


def check_against_keras(keras, name, shape, kwargs, atol=1e-5, call_kwargs=None, seed=0):
    """Compare `lamina.layers.<name>(**kwargs)` with Keras's on a random input of `shape`.

    Checks: outputs (same weights), compute_output_shape with a None batch, the symbolic
    output shape, config keys, and from_config(get_config()) giving the same outputs.
    Returns the lamina layer.
    """
    call_kwargs = call_kwargs or {}
    x = np.random.default_rng(seed).normal(size=shape).astype("float32")
    ref = getattr(keras.layers, name)(**kwargs)
    expected = np.asarray(ref(x, **call_kwargs))
    mine = getattr(lamina.layers, name)(**kwargs)
    mine.build(shape)
    mine.set_weights(ref.get_weights())
    got = np.asarray(mine(x, **call_kwargs))
    assert got.shape == expected.shape
    np.testing.assert_allclose(got, expected, atol=atol)

    batchless = (None,) + tuple(shape[1:])
    assert tuple(mine.compute_output_shape(batchless)) == tuple(ref.compute_output_shape(batchless))
    symbolic = mine(lamina.Input(shape=shape[1:]))
    assert tuple(symbolic.shape) == tuple(ref(keras.Input(shape=shape[1:])).shape)

    config = mine.get_config()
    assert sorted(config) == sorted(ref.get_config())
    clone = type(mine).from_config(config)
    clone.build(shape)
    clone.set_weights(mine.get_weights())
    np.testing.assert_allclose(np.asarray(clone(x, **call_kwargs)), got, atol=1e-6)
    assert clone.get_config() == {**config, "name": clone.name}
    return mine

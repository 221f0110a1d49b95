"""Shared check for layer tests: a lamina layer given a Keras 3 layer's weights computes
the same outputs and shapes, and its config has Keras's keys and round-trips."""

import inspect

import numpy as np

import lamina


def check_against_keras(keras, name, shape, kwargs, atol=1e-5, call_kwargs=None, seed=0):
    """Compare `lamina.layers.<name>(**kwargs)` with Keras's on a random input of `shape`.

    Checks: outputs (same random weights), compute_output_shape with a None batch, the
    symbolic output shape, config keys, and from_config(get_config()) giving the same
    outputs. Initializers the test leaves at their defaults are "zeros" while building
    (Keras compiles its random initializers once per shape, which dominated these
    tests); the weights are then set to the same random values in both layers.
    Returns the lamina layer.
    """
    call_kwargs = call_kwargs or {}
    rng = np.random.default_rng(seed)
    x = rng.normal(size=shape).astype("float32")
    keras_cls = getattr(keras.layers, name)
    kwargs = {**{p: "zeros" for p in inspect.signature(keras_cls.__init__).parameters
                 if p.endswith("_initializer")}, **kwargs}
    ref = keras_cls(**kwargs)
    ref.build(shape)
    ref.set_weights([rng.normal(size=w.shape).astype("float32") for w in ref.weights])
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

"""Positional and keyword calls bind the same parameters as in Keras 3.15."""

import os

import numpy as np
import pytest

import lamina

os.environ.setdefault("KERAS_BACKEND", "jax")
keras = pytest.importorskip("keras")


def test_spatial_dropout_binds_rate_then_seed():
    for lib in (lamina, keras):
        layer = lib.layers.SpatialDropout1D(0.3, 7, name="sd")
        assert (layer.rate, layer.seed, layer.name) == (0.3, 7, "sd")
        layer2 = lib.layers.SpatialDropout2D(0.2, "channels_first", 5)
        assert (layer2.data_format, layer2.seed) == ("channels_first", 5)
    with pytest.raises(TypeError):
        lamina.layers.SpatialDropout1D(0.3, noise_shape=(1, 1, 2))


def test_pooling_defaults_and_required_pool_size():
    for lib in (lamina, keras):
        assert lib.layers.MaxPooling2D().pool_size == (2, 2)
        assert lib.layers.MaxPooling3D(name="p").pool_size == (2, 2, 2)
        with pytest.raises(TypeError):
            lib.layers.AveragePooling2D()


def test_concatenate_takes_axis_positionally():
    a, b = np.ones((2, 3), "float32"), np.zeros((2, 3), "float32")
    np.testing.assert_allclose(np.asarray(lamina.layers.concatenate([a, b], 0)),
                               np.asarray(keras.layers.concatenate([a, b], 0)))


def test_losses_deserialize_takes_name():
    loss = lamina.losses.deserialize(name="mean_squared_error")
    assert loss is lamina.losses.mean_squared_error
    config = lamina.losses.serialize(lamina.losses.Huber(delta=2.0))
    assert lamina.losses.deserialize(name=config).get_config()["delta"] == 2.0
    from_keras = lamina.losses.deserialize(keras.losses.serialize(
        keras.losses.MeanAbsoluteError(reduction="sum")))
    assert isinstance(from_keras, lamina.losses.MeanAbsoluteError)
    assert from_keras.get_config()["reduction"] == "sum"


def test_input_ragged_and_optional_are_refused_clearly():
    with pytest.raises(ValueError, match="ragged=True is not supported"):
        lamina.Input((3,), ragged=True)
    with pytest.raises(ValueError, match="optional=True is not supported"):
        lamina.layers.InputLayer(shape=(3,), optional=True)
    ours = lamina.layers.InputLayer(shape=(3,), name="i").get_config()
    assert ours == keras.layers.InputLayer(shape=(3,), name="i").get_config()


def test_stateless_call_takes_keras_keyword_names():
    layer = lamina.layers.Dense(2, kernel_initializer="ones")
    layer.build((None, 3))
    kernel, bias = np.full((3, 2), 2.0, "float32"), np.zeros(2, "float32")
    out, new_non_trainable = layer.stateless_call(
        trainable_variables=[kernel, bias], non_trainable_variables=[],
        inputs=np.ones((1, 3), "float32"))
    np.testing.assert_allclose(np.asarray(out), [[6.0, 6.0]])
    assert new_non_trainable == []


def _bound(cls, *args):
    """The arguments `cls(*args)` binds, by parameter name (defaults applied)."""
    import inspect
    bound = inspect.signature(cls.__init__).bind(None, *args)
    bound.apply_defaults()
    return {k: v for k, v in bound.arguments.items() if k not in ("self", "kwargs")}


@pytest.mark.parametrize("name, args", [
    ("Conv2D", (4, 3, 2, "same", "channels_last", 1, 2, "relu")),
    ("Conv3D", (4, 3, 1, "valid", None, 2, 1, None, False)),
    ("Conv2DTranspose", (4, 3, 2, "same", 1, None, 1, "relu")),
    ("Conv3DTranspose", (4, 3, 2, "same", None, 1, 1, "relu")),
    ("DepthwiseConv2D", (3, 1, "same", 2, None, 1, "relu")),
    ("SeparableConv2D", (4, 3, 1, "same", None, 1, 2, "relu")),
])
def test_conv_positional_calls_bind_as_in_keras(name, args):
    assert _bound(getattr(lamina.layers, name), *args) == \
        _bound(getattr(keras.layers, name), *args)
    ours = getattr(lamina.layers, name)(*args).get_config()
    theirs = getattr(keras.layers, name)(*args).get_config()
    for key in ("strides", "padding", "dilation_rate", "kernel_size"):
        assert tuple(np.atleast_1d(ours[key])) == tuple(np.atleast_1d(theirs[key])), key
    assert lamina.layers.Conv2D(2, 3).strides == keras.layers.Conv2D(2, 3).strides == (1, 1)


@pytest.mark.parametrize("name, args", [
    ("BatchNormalization", (1, 0.9, 1e-2, False, True, "zeros", "ones", "zeros", "ones",
                            None, None, None, None, False, None, 0.99, False)),
    ("LayerNormalization", (-1, 1e-2, False, True, "zeros", "ones")),
    ("EinsumDense", ("ab,bc->ac", 3, "relu", "c", "ones", "zeros", None, None, None, None)),
    ("RandomCrop", (4, 5, 3, None, "crop")),
])
def test_normalization_einsum_crop_positional_calls_bind_as_in_keras(name, args):
    assert _bound(getattr(lamina.layers, name), *args) == \
        _bound(getattr(keras.layers, name), *args)
    ours = getattr(lamina.layers, name)(*args).get_config()
    theirs = getattr(keras.layers, name)(*args).get_config()
    for key in ("name", "axis", "epsilon", "center", "seed", "bias_axes", "renorm",
                "renorm_momentum", "renorm_clipping"):
        assert ours.get(key) == theirs.get(key), key


def test_unhonoured_renorm_and_keyword_only_options():
    for option, value in (("renorm", True), ("renorm_clipping", {"rmax": 2.0}),
                          ("renorm_momentum", 0.5)):
        with pytest.raises(ValueError, match=f"BatchNormalization 'bn': {option}="):
            lamina.layers.BatchNormalization(name="bn", **{option: value})
    assert lamina.layers.LayerNormalization(rms_scaling=True).rms_scaling is True
    layer = lamina.layers.EinsumDense("ab,bc->ac", 3, activity_regularizer="l2")
    assert layer.activity_regularizer is not None


@pytest.mark.parametrize("name", ["SimpleRNN", "LSTM", "GRU", "SimpleRNNCell", "LSTMCell",
                                  "GRUCell"])
def test_recurrent_positional_calls_bind_as_in_keras(name):
    import inspect
    n_params = len(inspect.signature(getattr(keras.layers, name).__init__).parameters) - 2
    # Distinct (not necessarily valid) values, so a shifted binding shows.
    args = tuple(f"v{i}" for i in range(n_params - 1))
    assert _bound(getattr(lamina.layers, name), 3, *args) == \
        _bound(getattr(keras.layers, name), 3, *args)
    real = (3, "relu", "sigmoid", False) if "Simple" not in name else (3, "relu", False)
    ours = getattr(lamina.layers, name)(*real).get_config()
    theirs = getattr(keras.layers, name)(*real).get_config()
    for key in ("units", "activation", "recurrent_activation", "use_bias"):
        assert ours.get(key) == theirs.get(key), key
    if "Cell" not in name:
        layer = getattr(lamina.layers, name)(3, return_sequences=True, zero_output_for_mask=True)
        assert layer.return_sequences and layer.zero_output_for_mask

"""input_axes / output_axes of the variance-scaling initializers: the fans they give, the
values' spread (checked against the formula and Keras's own draws) and the config."""

import math
import os

import numpy as np
import pytest

import lamina
from lamina.initializers.initializers import compute_fans

os.environ.setdefault("KERAS_BACKEND", "jax")
keras = pytest.importorskip("keras")
from keras.src.initializers.random_initializers import compute_fans as keras_fans  # noqa: E402


@pytest.mark.parametrize("shape, input_axes, output_axes", [
    ((4, 5, 6), None, None), ((4, 5, 6), [0, 1], [2]), ((4, 5, 6), [0], None),
    ((4, 5, 6), [-3], [-1]), ((3, 4), [1], [0]),
])
def test_fans_match_keras(shape, input_axes, output_axes):
    assert compute_fans(shape, input_axes, output_axes) == keras_fans(
        shape, input_axes=input_axes, output_axes=output_axes)


@pytest.mark.parametrize("name, scale, mode", [
    ("GlorotUniform", 1.0, "fan_avg"), ("HeUniform", 2.0, "fan_in"),
    ("LecunUniform", 1.0, "fan_in"),
])
def test_uniform_limit_follows_the_axes(name, scale, mode):
    shape, axes = (40, 50, 60), dict(input_axes=[0, 1], output_axes=[2])
    fan_in, fan_out = 2000, 60
    n = {"fan_in": fan_in, "fan_avg": (fan_in + fan_out) / 2}[mode]
    limit = math.sqrt(3.0 * scale / n)
    ours = np.asarray(getattr(lamina.initializers, name)(seed=1, **axes)(shape))
    theirs = np.asarray(getattr(keras.initializers, name)(seed=1, **axes)(shape))
    for values in (ours, theirs):
        assert limit * 0.99 < np.abs(values).max() <= limit
    np.testing.assert_allclose(ours.std(), theirs.std(), rtol=0.01)


def test_config_carries_the_axes_and_round_trips():
    init = lamina.initializers.HeNormal(seed=2, input_axes=[0], output_axes=[1])
    config = init.get_config()
    assert config == keras.initializers.HeNormal(seed=2, input_axes=[0],
                                                 output_axes=[1]).get_config()
    again = lamina.initializers.HeNormal.from_config(config)
    np.testing.assert_allclose(np.asarray(again((3, 4))), np.asarray(init((3, 4))))
    with pytest.warns(UserWarning, match="used only together"):
        lamina.initializers.VarianceScaling(input_axes=[0])

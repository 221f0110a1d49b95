"""GroupNormalization: outputs, shapes and configs equal Keras 3's; errors name the layer."""

import numpy as np
import pytest

import lamina

from .keras_compare import check_against_keras

keras = pytest.importorskip("keras")

CASES = [
    ("GroupNormalization", (2, 5, 64), {}),
    ("GroupNormalization", (2, 6, 4, 8), dict(groups=4, gamma_initializer="random_normal",
                                              beta_initializer="random_normal")),
    ("GroupNormalization", (2, 6, 5, 3), dict(groups=-1, epsilon=1e-5)),
    ("GroupNormalization", (2, 6, 5, 3), dict(groups=2, axis=1, center=False)),
    ("GroupNormalization", (2, 4, 6), dict(groups=3, scale=False)),
]


@pytest.mark.parametrize("name,shape,kwargs", CASES)
def test_matches_keras(name, shape, kwargs):
    check_against_keras(keras, name, shape, kwargs)


def test_group_normalization_trains_in_a_model():
    model = lamina.Sequential([lamina.Input((4, 4, 8)), lamina.layers.Conv2D(8, 3),
                               lamina.layers.GroupNormalization(groups=2),
                               lamina.layers.GlobalAveragePooling2D(), lamina.layers.Dense(1)])
    model.compile("sgd", "mse")
    x = np.random.default_rng(0).normal(size=(16, 4, 4, 8)).astype("float32")
    history = model.fit(x, np.ones((16, 1), "float32"), epochs=2, verbose=0)
    assert np.all(np.isfinite(history.history["loss"]))
    assert [w.path.split("/")[-2:] for w in model.layers[1].weights] == [
        ["group_normalization", "gamma"], ["group_normalization", "beta"]]


def test_bad_arguments_name_the_layer():
    with pytest.raises(ValueError, match=r"GroupNormalization 'group_normalization'.*groups"):
        lamina.layers.GroupNormalization(groups=0)
    with pytest.raises(ValueError, match=r"GroupNormalization.*multiple of the number of groups"):
        lamina.layers.GroupNormalization(groups=3)(np.zeros((1, 4), "float32"))
    with pytest.raises(ValueError, match=r"GroupNormalization.*\(8\) must be a multiple.*\(32\)"):
        lamina.layers.GroupNormalization()(lamina.Input((8,)))
    with pytest.raises(ValueError, match=r"GroupNormalization.*out of range"):
        lamina.layers.GroupNormalization(groups=2, axis=3)(np.zeros((1, 4), "float32"))

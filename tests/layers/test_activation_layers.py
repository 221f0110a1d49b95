"""ReLU, LeakyReLU, PReLU, ELU, Softmax: outputs, shapes and configs equal Keras 3's."""

import numpy as np
import pytest

import lamina

from .keras_compare import check_against_keras

keras = pytest.importorskip("keras")

CASES = [
    ("ReLU", (2, 7), {}),
    ("ReLU", (2, 3, 5), dict(max_value=1.0, negative_slope=0.1, threshold=0.3)),
    ("ReLU", (2, 7), dict(max_value=6.0)),
    ("LeakyReLU", (2, 7), {}),
    ("LeakyReLU", (2, 3, 4), dict(negative_slope=0.05)),
    ("ELU", (2, 7), {}),
    ("ELU", (2, 3, 4), dict(alpha=0.4)),
    ("Softmax", (2, 7), {}),
    ("Softmax", (2, 3, 4), dict(axis=1)),
    ("Softmax", (2, 3, 4), dict(axis=(1, 2))),
    ("PReLU", (2, 5), dict(alpha_initializer="random_normal")),
    ("PReLU", (2, 4, 5, 3), dict(alpha_initializer="random_uniform", shared_axes=[1, 2])),
    ("PReLU", (2, 4, 3), dict(alpha_initializer="ones", shared_axes=2)),
]


@pytest.mark.parametrize("name,shape,kwargs", CASES)
def test_matches_keras(name, shape, kwargs):
    check_against_keras(keras, name, shape, kwargs)


def test_relu_at_the_threshold_is_zero():
    x = np.array([[-1.0, 0.5, 1.0, 2.0]], "float32")
    kw = dict(threshold=1.0, negative_slope=0.5, max_value=1.5)
    np.testing.assert_allclose(np.asarray(lamina.layers.ReLU(**kw)(x)),
                               np.asarray(keras.layers.ReLU(**kw)(x)))


def test_softmax_mask_matches_keras():
    x = np.random.default_rng(1).normal(size=(2, 3, 4)).astype("float32")
    mask = np.array([[True, False, True, True], [False, False, False, False]])[:, None, :]
    mask = np.broadcast_to(mask, x.shape)
    got = np.asarray(lamina.layers.Softmax()(x, mask=mask))
    np.testing.assert_allclose(got, np.asarray(keras.layers.Softmax()(x, mask=mask)), atol=1e-6)
    assert np.all(got[1] == 0)


def test_prelu_weights_and_training_gradient():
    layer = lamina.layers.PReLU(shared_axes=[1])
    layer.build((None, 6, 3))
    assert layer.alpha.shape == (1, 3) and layer.alpha.path == "p_re_lu/alpha"
    x = np.array([[[-2.0, 1.0, -1.0]] * 6], "float32")
    import jax

    grad = jax.grad(lambda a: layer.stateless_call([a], [], x)[0].sum())(layer.alpha.value)
    np.testing.assert_allclose(np.asarray(grad), [[-12.0, 0.0, -6.0]])


def test_bad_arguments_name_the_layer():
    with pytest.raises(ValueError, match=r"ReLU 're_lu'.*max_value"):
        lamina.layers.ReLU(max_value=-1)
    with pytest.raises(ValueError, match="negative_slope"):
        lamina.layers.ReLU(negative_slope=-0.1)
    with pytest.raises(ValueError, match="threshold"):
        lamina.layers.ReLU(threshold=None)
    with pytest.raises(ValueError, match=r"LeakyReLU.*negative_slope"):
        lamina.layers.LeakyReLU(negative_slope=-1)
    with pytest.raises(ValueError, match=r"PReLU.*shared_axes"):
        lamina.layers.PReLU(shared_axes=[0])
    with pytest.raises(ValueError, match=r"PReLU.*out of range"):
        lamina.layers.PReLU(shared_axes=[3])(np.zeros((1, 2, 2), "float32"))
    with pytest.raises(ValueError, match=r"Softmax.*axis"):
        lamina.layers.Softmax(axis="last")


def test_leaky_relu_accepts_deprecated_alpha():
    with pytest.warns(UserWarning, match="alpha"):
        layer = lamina.layers.LeakyReLU(alpha=0.1)
    assert layer.get_config()["negative_slope"] == 0.1


def test_in_a_model_from_keras_config():
    config = keras.layers.PReLU(shared_axes=[1]).get_config()
    layer = lamina.layers.PReLU.from_config(config)
    assert layer.shared_axes == [1]
    model = lamina.Sequential([lamina.Input((4, 3)), layer, lamina.layers.ReLU(max_value=1.0)])
    assert model.output_shape == (None, 4, 3)

"""ActivityRegularization: the penalty, config and errors as in Keras 3."""

import numpy as np
import pytest

import lamina

keras = pytest.importorskip("keras")


def test_activity_regularization_matches_keras():
    x = np.random.default_rng(1).normal(size=(4, 3, 5)).astype("float32")
    ref = keras.layers.ActivityRegularization(l1=0.1, l2=0.02)
    mine = lamina.layers.ActivityRegularization(l1=0.1, l2=0.02)
    np.testing.assert_array_equal(np.asarray(mine(x)), x)
    ref(x)
    np.testing.assert_allclose([float(v) for v in mine.losses],
                               [float(v) for v in ref.losses], rtol=1e-6)
    assert sorted(mine.get_config()) == sorted(ref.get_config())
    assert lamina.layers.ActivityRegularization.from_config(mine.get_config()).l2 == 0.02


def test_activity_regularization_adds_to_the_training_loss():
    model = lamina.Sequential([lamina.Input((3,)), lamina.layers.Dense(2, kernel_initializer="ones"),
                               lamina.layers.ActivityRegularization(l2=1.0)])
    model.compile("sgd", "mse")
    x, y = np.ones((4, 3), "float32"), np.full((4, 2), 3.0, "float32")
    # Outputs are all 3 (no data loss); the penalty is sum(3**2) over a batch of 4, / 4.
    assert model.evaluate(x, y, batch_size=4, verbose=0) == pytest.approx(18.0)


def test_bad_arguments_name_the_layer():
    with pytest.raises(ValueError, match=r"ActivityRegularization.*l1"):
        lamina.layers.ActivityRegularization(l1=-1.0)

"""Adafactor follows Keras 3's rule (factored second moment for rank >= 2) over 20 steps."""

import pytest

import lamina.optimizers as L
from tests.optimizers.test_optimizers_vs_keras import assert_parity, keras, run_both

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.mark.parametrize("kwargs", [
    {},
    {"learning_rate": 0.05, "beta_2_decay": -0.5, "clip_threshold": 0.5, "weight_decay": 0.1},
    {"learning_rate": 0.01, "epsilon_2": 0.1, "relative_step": False, "clipnorm": 1.0},
])
def test_adafactor_matches_keras(kwargs):
    assert_parity(*run_both("Adafactor", kwargs))


def test_adafactor_config_round_trips_with_keras_keys():
    opt = L.Adafactor(learning_rate=0.01, epsilon_2=0.01)
    config = opt.get_config()
    assert list(config) == list(keras.optimizers.Adafactor(learning_rate=0.01).get_config())
    assert L.Adafactor.from_config(config).get_config() == config
    assert isinstance(L.get("adafactor"), L.Adafactor)

"""Lamb follows Keras 3's rule (Adam direction times the trust ratio) over 20 steps."""

import pytest

import lamina.optimizers as L
from tests.optimizers.test_optimizers_vs_keras import assert_parity, keras, run_both

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.mark.parametrize("kwargs", [
    {},
    {"learning_rate": 0.05, "beta_1": 0.8, "beta_2": 0.9, "epsilon": 1e-3},
    {"learning_rate": 0.01, "weight_decay": 0.1, "global_clipnorm": 1.0},
])
def test_lamb_matches_keras(kwargs):
    assert_parity(*run_both("Lamb", kwargs))


def test_lamb_config_round_trips_with_keras_keys():
    opt = L.Lamb(learning_rate=0.01, beta_1=0.8)
    config = opt.get_config()
    assert list(config) == list(keras.optimizers.Lamb().get_config())
    assert L.Lamb.from_config(config).get_config() == config

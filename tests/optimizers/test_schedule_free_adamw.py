"""ScheduleFreeAdamW follows Keras 3's rule over 20 steps (its `momentum` slot starts as a
copy of the variable, as Keras's does)."""

import numpy as np
import pytest

import lamina.optimizers as L
from lamina.core.variable import Variable
from tests.optimizers.test_optimizers_vs_keras import assert_parity, keras, run_both

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.mark.parametrize("kwargs", [
    {},
    {"learning_rate": 0.01, "beta_1": 0.8, "warmup_steps": 5, "weight_decay": 0.05},
])
def test_schedule_free_adamw_matches_keras(kwargs):
    assert_parity(*run_both("ScheduleFreeAdamW", kwargs))


def test_momentum_starts_as_the_variable():
    w = Variable(np.arange(6, dtype="float32").reshape(2, 3), name="w")
    opt = L.ScheduleFreeAdamW()
    opt.build([w])
    np.testing.assert_array_equal(opt.keras_variable_layout()[2].numpy(), w.numpy())


def test_config_round_trips_with_keras_keys():
    config = L.ScheduleFreeAdamW(warmup_steps=3).get_config()
    assert list(config) == list(keras.optimizers.ScheduleFreeAdamW().get_config())
    assert L.ScheduleFreeAdamW.from_config(config).get_config() == config

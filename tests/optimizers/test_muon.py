"""Muon follows Keras 3's rule over 20 steps: Newton-Schulz orthogonalised momentum on
2-D weights (wide and tall), AdamW on the others, each with its own weight decay."""

import inspect

import numpy as np
import pytest

import lamina.optimizers as L
from lamina.optimizers.muon import newton_schulz
from tests.optimizers.test_optimizers_vs_keras import assert_parity, keras, run_both

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.mark.parametrize("kwargs", [
    {},
    {"learning_rate": 0.01, "nesterov": False, "momentum": 0.9, "rms_rate": None,
     "adam_lr_ratio": 0.5, "weight_decay": 0.1, "adam_weight_decay": 0.01},
    {"exclude_layers": ["w2"], "ns_steps": 3, "clipvalue": 0.5},
])
def test_muon_matches_keras(kwargs):
    assert_parity(*run_both("Muon", kwargs))


def test_newton_schulz_is_nearly_orthogonal():
    x = np.random.default_rng(0).normal(size=(4, 6)).astype("float32")
    out = np.asarray(newton_schulz(x, 10, 3.4445, -4.7750, 2.0315))
    singular = np.linalg.svd(out, compute_uv=False)
    assert np.all((singular > 0.6) & (singular < 1.3))  # the quintic's fixed band
    with pytest.raises(ValueError, match="at least 2 dimensions"):
        newton_schulz(np.ones(3, "float32"), 5, 1.0, 1.0, 1.0)


def test_muon_signature_and_config_match_keras():
    assert (list(inspect.signature(L.Muon).parameters)
            == list(inspect.signature(keras.optimizers.Muon).parameters))
    config = L.Muon(exclude_layers=["dense"]).get_config()
    assert list(config) == list(keras.optimizers.Muon().get_config())
    assert L.Muon.from_config(config).get_config() == config

"""Model's save/load methods reach lamina.saving through the functions saving hands in
(models never import saving)."""

import numpy as np
import pytest

import lamina
from lamina.models import model_saving


def _model():
    model = lamina.Sequential([lamina.Input((3,)), lamina.layers.Dense(2)])
    model.compile("sgd", "mse")
    return model


def test_the_model_api_and_lamina_saving_give_the_same_files(tmp_path):
    model = _model()
    model.save(tmp_path / "m.keras")
    via_models = lamina.models.load_model(tmp_path / "m.keras")
    via_saving = lamina.saving.load_model(tmp_path / "m.keras")
    for loaded in (via_models, via_saving):
        for a, b in zip(loaded.get_weights(), model.get_weights()):
            np.testing.assert_array_equal(a, b)
    again = lamina.models.model_from_json(model.to_json())
    assert [type(l).__name__ for l in again.layers] == ["Dense"]
    model.save_weights(tmp_path / "m.weights.h5")
    other = _model()
    other.load_weights(tmp_path / "m.weights.h5")
    np.testing.assert_array_equal(other.get_weights()[0], model.get_weights()[0])


def test_without_saving_functions_the_methods_say_what_is_missing(monkeypatch, tmp_path):
    monkeypatch.setattr(model_saving, "_FUNCTIONS", {})
    with pytest.raises(RuntimeError, match="save_model needs lamina.saving"):
        _model().save(tmp_path / "m.keras")
    with pytest.raises(RuntimeError, match="load_model needs lamina.saving"):
        lamina.models.load_model(tmp_path / "m.keras")


def test_unexpected_arguments_are_refused(tmp_path):
    with pytest.raises(TypeError, match=r"save\(\) got unexpected argument\(s\) \['foo'\]"):
        _model().save(tmp_path / "m.keras", foo=1)

"""A Layer subclass without get_config(): its __init__ arguments are its config; layers
among them are saved and rebuilt, a lambda is refused when saving (Keras refuses too)."""

import numpy as np
import pytest

import lamina as keras
from lamina import layers


class Wrap(layers.Layer):
    def __init__(self, inner, scale=2.0, **kwargs):
        super().__init__(**kwargs)
        self.inner = inner
        self.scale = scale

    def call(self, x):
        return self.inner(x) * self.scale


def test_layer_argument_round_trips_through_a_file(tmp_path):
    i = keras.Input((3,))
    model = keras.Model(i, Wrap(layers.Dense(2, name="in"), scale=3.0, name="w")(i))
    config = model.get_layer("w").get_config()
    assert config["scale"] == 3.0 and config["inner"] is model.get_layer("w").inner
    path = str(tmp_path / "wrap.keras")
    model.save(path)
    loaded = keras.models.load_model(path, custom_objects={"Wrap": Wrap})
    wrap = loaded.get_layer("w")
    assert isinstance(wrap.inner, layers.Dense) and wrap.scale == 3.0
    x = np.linspace(-1, 1, 6, dtype="float32").reshape(2, 3)
    kernel, bias = model.get_layer("w").inner.get_weights()
    np.testing.assert_allclose(loaded.predict(x, verbose=0), (x @ kernel + bias) * 3, rtol=1e-5)


def test_lambda_argument_is_refused_when_saving(tmp_path):
    i = keras.Input((3,))
    model = keras.Model(i, Wrap(lambda t: t + 1, name="lam")(i))
    np.testing.assert_allclose(model(np.zeros((1, 3), "float32")), np.full((1, 3), 2.0))
    with pytest.raises(TypeError, match=r"Wrap 'lam' was created with inner=.*Override get_config"):
        model.save(str(tmp_path / "lam.keras"))
    assert not (tmp_path / "lam.keras").exists()

"""get_build_config / build_from_config: Keras's values, and a user's own honoured on save
and load."""

import os

import numpy as np
import pytest

import lamina

os.environ.setdefault("KERAS_BACKEND", "jax")
keras = pytest.importorskip("keras")


def test_build_config_of_a_built_layer_matches_keras():
    for lib in (lamina, keras):
        assert lib.layers.Dense(2).get_build_config() is None
    ours, theirs = lamina.layers.Dense(2), keras.layers.Dense(2)
    ours.build((None, 4))
    theirs.build((None, 4))
    assert ours.get_build_config() == theirs.get_build_config() == {"input_shape": (None, 4)}
    again = lamina.layers.Dense(2)
    again.build_from_config(ours.get_build_config())
    assert again.built and again.kernel.shape == (4, 2)
    with pytest.raises(ValueError, match="'input_shape' or 'shapes_dict'"):
        lamina.layers.Dense(2).build_from_config({"other": 1})


def test_a_models_own_build_config_is_saved_and_used_on_load(tmp_path):
    calls = []

    @lamina.utils.register_keras_serializable("build_cfg")
    class Custom(lamina.Model):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.dense = lamina.layers.Dense(3)

        def call(self, x):
            return self.dense(x)

        def get_build_config(self):
            return {"features": 5}

        def build_from_config(self, config):
            calls.append(config)
            self.dense.build((None, config["features"]))
            self.built = True

    model = Custom()
    x = np.random.default_rng(0).normal(size=(2, 5)).astype("float32")
    expected = np.asarray(model(x))
    path = tmp_path / "m.keras"
    model.save(path)
    loaded = lamina.saving.load_model(path)
    assert calls == [{"features": 5}]
    np.testing.assert_allclose(np.asarray(loaded(x)), expected, atol=1e-6)


def test_own_variables_store_matches_keras_and_super_call_works(tmp_path):
    ours, theirs = lamina.layers.Dense(2), keras.layers.Dense(2)
    ours.build((None, 3))
    theirs.build((None, 3))
    theirs.set_weights([np.asarray(w) for w in ours.get_weights()])
    a, b = {}, {}
    ours.save_own_variables(a)
    theirs.save_own_variables(b)
    assert sorted(a) == sorted(b) == ["0", "1"]
    for key in a:
        np.testing.assert_allclose(a[key], b[key])
    with pytest.raises(ValueError, match="expected 2 variables, but received 1"):
        ours.load_own_variables({"0": a["0"]})

    seen = []

    @lamina.utils.register_keras_serializable("own_vars")
    class Logged(lamina.layers.Dense):
        def save_own_variables(self, store):
            super().save_own_variables(store)
            store["extra"] = np.array([7.0])

        def load_own_variables(self, store):
            seen.append(float(store["extra"][0]))
            super().load_own_variables({k: store[k] for k in ("0", "1")})

    model = lamina.Sequential([lamina.Input((3,)), Logged(2)])
    x = np.ones((1, 3), "float32")
    path = tmp_path / "w.weights.h5"
    model.save_weights(path)
    other = lamina.Sequential([lamina.Input((3,)), Logged(2)])
    other.load_weights(path)
    assert seen == [7.0]
    np.testing.assert_allclose(np.asarray(other(x)), np.asarray(model(x)), atol=1e-6)


def _compiled_by_own_config(ns, calls):
    """A subclassed model (in `ns`: lamina or keras) whose compile config is its own."""

    class OwnCompile(ns.Model):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.dense = ns.layers.Dense(2)

        def call(self, x):
            return self.dense(x)

        def get_compile_config(self):
            return {"rate": 0.5, "loss": "mae"}

        def compile_from_config(self, config):
            calls.append(dict(config))
            self.compile(ns.optimizers.SGD(config["rate"]), config["loss"])

    return OwnCompile


@pytest.mark.parametrize("ns", [lamina, keras], ids=["lamina", "keras"])
def test_a_models_own_compile_config_is_saved_and_used_on_load(tmp_path, ns):
    calls = []
    cls = _compiled_by_own_config(ns, calls)
    model = cls()
    model(np.zeros((1, 3), "float32"))
    model.compile("adam", "mse")
    path = tmp_path / "m.keras"
    model.save(path)
    loaded = ns.saving.load_model(path, custom_objects={"OwnCompile": cls})
    assert calls == [{"rate": 0.5, "loss": "mae"}]
    assert type(loaded.optimizer).__name__ == "SGD"


def test_a_model_with_its_own_compile_is_loaded_uncompiled_with_a_warning(tmp_path):
    class CustomCompile(lamina.Model):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.dense = lamina.layers.Dense(2)

        def call(self, x):
            return self.dense(x)

        def compile(self, rate=0.1):
            super().compile(lamina.optimizers.SGD(rate), "mse")

    model = CustomCompile()
    model(np.zeros((1, 3), "float32"))
    model.compile()
    path = tmp_path / "m.keras"
    model.save(path)
    with pytest.warns(UserWarning, match="its class defines its own `compile"):
        loaded = lamina.saving.load_model(path, custom_objects={"CustomCompile": CustomCompile})
    assert not loaded.compiled

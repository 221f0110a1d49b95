"""save_model's keywords as Keras 3 takes them: zipped=None, include_optimizer, unknown ones."""

import numpy as np
import pytest

import lamina


def _model():
    model = lamina.Sequential([lamina.Input((3,)), lamina.layers.Dense(2)])
    model.compile(optimizer="adam", loss="mse")
    return model


def test_zipped_none_writes_an_archive_that_loads(tmp_path):
    model = _model()
    path = tmp_path / "m.keras"
    lamina.models.save_model(model, path, zipped=None, include_optimizer=True)
    x = np.ones((1, 3), "float32")
    np.testing.assert_allclose(np.asarray(lamina.saving.load_model(path)(x)),
                               np.asarray(model(x)), atol=1e-6)


@pytest.mark.parametrize("kwargs, message", [
    ({"zipped": False}, "only zipped"),
    ({"include_optimizer": False}, "include_optimizer=False"),
    ({"save_format": "h5"}, r"unsupported argument\(s\) \['save_format'\]"),
])
def test_keywords_lamina_cannot_honour_are_refused(tmp_path, kwargs, message):
    with pytest.raises(ValueError, match=message):
        lamina.saving.save_model(_model(), tmp_path / "m.keras", **kwargs)


def test_save_and_load_weights_bind_as_in_keras(tmp_path):
    import inspect
    import os
    os.environ.setdefault("KERAS_BACKEND", "jax")
    keras = pytest.importorskip("keras")
    for name, args in (("save_weights", ("m", "p", False, None)),
                       ("load_weights", ("m", "p", True))):
        ours = inspect.signature(getattr(lamina.saving, name)).bind(*args).arguments
        assert ours == inspect.signature(getattr(keras.saving, name)).bind(*args).arguments
    model = _model()
    path = tmp_path / "w.weights.h5"
    lamina.saving.save_weights(model, path, True, None)
    lamina.saving.load_weights(model, path, False)
    with pytest.raises(ValueError, match="save_weights: max_shard_size='1GB' is not supported"):
        lamina.saving.save_weights(model, tmp_path / "x.weights.h5", True, "1GB")
    with pytest.raises(TypeError, match=r"load_weights\(\) got unsupported.*'by_name'"):
        lamina.saving.load_weights(model, path, by_name=True)

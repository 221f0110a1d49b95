"""Keras 2's HDF5 weights layout (Keras's published application weights): loaded by layer
order, checked before anything is assigned."""

import h5py
import numpy as np
import pytest

import lamina
from lamina.core.serialization.errors import WeightsMismatchError

keras = pytest.importorskip("keras")
legacy = pytest.importorskip("keras.src.legacy.saving.legacy_h5_format")


def _pair(lib):
    inputs = lib.Input((8, 8, 3))
    x = lib.layers.Conv2D(4, 3, name="conv")(inputs)
    x = lib.layers.BatchNormalization(name="bn")(x)
    x = lib.layers.GlobalAveragePooling2D()(x)
    return lib.Model(inputs, lib.layers.Dense(2, name="dense")(x))


def _write_legacy(model, path, wrap=False):
    with h5py.File(path, "w") as f:
        legacy.save_weights_to_hdf5_group(f.create_group("model_weights") if wrap else f, model)


@pytest.mark.parametrize("wrap", [False, True])
def test_keras2_weights_file_loads(tmp_path, wrap):
    ref = _pair(keras)
    rng = np.random.default_rng(0)
    ref.set_weights([rng.uniform(0.5, 1.5, w.shape).astype("float32") for w in ref.weights])
    path = str(tmp_path / "w.h5")
    _write_legacy(ref, path, wrap)
    model = _pair(lamina)
    model.load_weights(path)
    x = rng.normal(size=(2, 8, 8, 3)).astype("float32")
    np.testing.assert_allclose(model.predict(x, verbose=0), ref.predict(x, verbose=0),
                               atol=1e-5)


def test_mismatch_assigns_nothing(tmp_path):
    inputs = keras.Input((8, 8, 3))
    ref = keras.Model(inputs, keras.layers.Conv2D(5, 3)(inputs))
    path = str(tmp_path / "w.h5")
    _write_legacy(ref, path)
    model = _pair(lamina)
    before = [w.numpy().copy() for w in model.weights]
    with pytest.raises(WeightsMismatchError, match="layers with weights"):
        model.load_weights(path)
    for b, w in zip(before, model.weights):
        np.testing.assert_array_equal(b, w.numpy())


def test_imagenet_weights_resolve_through_the_cache(tmp_path, monkeypatch):
    """weights="imagenet" finds Keras's file name in the cache (no network needed)."""
    monkeypatch.setenv("LAMINA_HOME", str(tmp_path))
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras"))
    ref = lamina.applications.MobileNet(weights=None, include_top=False, alpha=0.25,
                                        input_shape=(128, 128, 3))
    (tmp_path / "models").mkdir()
    # The Keras 2 layout written by hand (building Keras's model here costs ~30 s).
    with h5py.File(tmp_path / "models" / "mobilenet_2_5_128_tf_no_top.h5", "w") as f:
        with_weights = [layer for layer in ref.layers if layer.weights]
        f.attrs["layer_names"] = [layer.name.encode() for layer in with_weights]
        for layer in with_weights:
            group = f.create_group(layer.name)
            names = [f"{layer.name}/{w.name}:0" for w in layer.weights]
            group.attrs["weight_names"] = [n.encode() for n in names]
            for n, w in zip(names, layer.weights):
                group[n] = w.numpy() + 1.0
    model = lamina.applications.MobileNet(weights="imagenet", include_top=False, alpha=0.25,
                                          input_shape=(128, 128, 3))
    for a, b in zip(model.weights, ref.weights):
        np.testing.assert_array_equal(a.numpy(), b.numpy() + 1.0)

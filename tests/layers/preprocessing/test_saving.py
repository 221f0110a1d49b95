"""Models with preprocessing layers move between lamina and Keras 3 through .keras files
(adapted Normalization statistics included) and predict the same; lamina's own archive
keeps adapted vocabularies and boundaries."""

import numpy as np
import pytest

import lamina

keras = pytest.importorskip("keras")

IMAGES = np.random.default_rng(0).uniform(0, 255, (8, 8, 8, 3)).astype("float32")


def _image_model(k):
    layers = k.layers
    norm = layers.Normalization()
    norm.adapt(IMAGES)
    return k.Sequential([
        k.Input((8, 8, 3)), layers.RandomFlip(seed=1), layers.RandomRotation(0.1, seed=2),
        layers.RandomZoom(0.1), layers.RandomTranslation(0.1, 0.1), layers.RandomContrast(0.2),
        layers.RandomBrightness(0.1), layers.Rescaling(1 / 255.0), norm, layers.Resizing(6, 6),
        layers.CenterCrop(5, 5), layers.Flatten(), layers.Dense(2)])


@pytest.mark.parametrize("direction", ["keras_to_lamina", "lamina_to_keras"])
def test_image_pipeline_moves_between_keras_and_lamina(tmp_path, direction):
    src, dst = (keras, lamina) if direction == "keras_to_lamina" else (lamina, keras)
    model = _image_model(src)
    model.save(tmp_path / "m.keras")
    loaded = dst.saving.load_model(tmp_path / "m.keras")
    np.testing.assert_allclose(loaded.predict(IMAGES, verbose=0), model.predict(IMAGES, verbose=0),
                               atol=1e-5)


def test_adapted_categorical_layers_round_trip(tmp_path):
    layers = lamina.layers
    inputs = lamina.Input((3,), dtype="int32")
    lookup = layers.IntegerLookup(output_mode="multi_hot")
    lookup.adapt(np.array([1, 1, 2, 3, 3, 3]))
    bins = layers.Discretization(num_bins=3, output_mode="count")
    bins.adapt(np.arange(30.0))
    merged = layers.Concatenate()([lookup(inputs), bins(inputs),
                                   layers.Hashing(5, output_mode="multi_hot")(inputs)])
    model = lamina.Model(inputs, layers.Dense(1)(merged))
    model.save(tmp_path / "m.keras")
    loaded = lamina.saving.load_model(tmp_path / "m.keras")
    x = np.array([[1, 2, 7], [3, 3, 29]], "int32")
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), model.predict(x, verbose=0))

"""What the random image layers share: Keras's {"images", "labels"} dict form (labels
untouched by non-mixing layers, bounding boxes and masks refused by name) and training
inside a model: an augmentation stack in front of a convnet fits."""

import os

import numpy as np
import pytest

import lamina
from lamina import layers

os.environ.setdefault("KERAS_BACKEND", "jax")
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

X = (np.random.default_rng(9).random((8, 12, 12, 3)) * 255).astype("float32")
Y = np.eye(2, dtype="float32")[np.arange(8) % 2]


def test_dict_input_transforms_images_and_keeps_labels():
    layer = layers.RandomHue(0.5, seed=1)
    out = layer({"images": X, "labels": Y})
    assert sorted(out) == ["images", "labels"]
    np.testing.assert_array_equal(np.asarray(out["images"]), np.asarray(
        layers.RandomHue(0.5, seed=1)(X)))
    np.testing.assert_array_equal(np.asarray(out["labels"]), Y)
    same = layer({"images": X}, training=False)
    assert sorted(same) == ["images"]
    np.testing.assert_array_equal(np.asarray(same["images"]), X)


@pytest.mark.parametrize("key", ["bounding_boxes", "segmentation_masks"])
def test_boxes_and_masks_are_refused_by_name(key):
    value = {"boxes": np.zeros((8, 1, 4)), "labels": np.zeros((8, 1))} if key == (
        "bounding_boxes") else np.zeros((8, 12, 12, 1))
    with pytest.raises(ValueError, match=f"RandomShear: inputs with '{key}' are not supported"):
        layers.RandomShear(0.2)({"images": X, key: value})
    with pytest.raises(ValueError, match="needs an 'images' key"):
        layers.RandomShear(0.2)({"pictures": X})


def _fit(augmentation, epochs):
    lamina.utils.set_random_seed(0)
    model = lamina.Sequential([lamina.Input((12, 12, 3)), *augmentation,
                               layers.Rescaling(1 / 255.0),
                               layers.Conv2D(4, 3, activation="relu"),
                               layers.GlobalAveragePooling2D(),
                               layers.Dense(2, activation="softmax")])
    model.compile("adam", "categorical_crossentropy")
    # Class 1 images are bright: learnable despite the augmentation.
    images = np.where(Y[:, 1, None, None, None] > 0, X * 0.3 + 170, X * 0.3)
    history = model.fit(np.tile(images, (4, 1, 1, 1)), np.tile(Y, (4, 1)), epochs=epochs,
                        batch_size=8, verbose=0)
    losses = history.history["loss"]
    assert np.all(np.isfinite(losses)) and losses[-1] < losses[0]
    # Inference skips every augmentation: predict is deterministic.
    np.testing.assert_array_equal(model.predict(images, verbose=0),
                                  model.predict(images, verbose=0))


def test_augmentation_stack_trains_in_front_of_a_convnet():
    _fit([layers.RandomSaturation((0.4, 0.6), seed=2), layers.RandomShear(0.1, 0.1, seed=5),
          layers.MixUp(seed=9)], epochs=4)


@pytest.mark.slow
def test_every_new_augmentation_layer_trains_in_one_stack():
    _fit([layers.RandomHue(0.1, seed=1), layers.RandomSaturation((0.4, 0.6), seed=2),
          layers.RandomColorJitter(brightness_factor=0.1, seed=3),
          layers.RandomGaussianBlur(0.5, sigma=(0.2, 0.8), seed=4),
          layers.RandomShear(0.1, 0.1, seed=5), layers.RandomPerspective(0.5, 0.1, seed=6),
          layers.RandomErasing(0.5, seed=7), layers.RandomElasticTransform(0.5, 0.3, seed=8),
          layers.MixUp(seed=9), layers.CutMix(0.5, seed=10)], epochs=8)

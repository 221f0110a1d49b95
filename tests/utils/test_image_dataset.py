"""image_dataset_from_directory against Keras 3 + TensorFlow's batches."""

import numpy as np
import pytest
from PIL import Image

import lamina as keras
from tests.utils.dataset_fixtures import IMAGES, META, REF, relative

CASES = ["img_int", "img_categorical_crop", "img_binary_pad", "img_gray_nearest", "img_rgba",
         "img_val"]


def _kwargs(name):
    kwargs = dict(META[name]["kwargs"], verbose=False)
    kwargs["image_size"] = tuple(kwargs["image_size"])
    return kwargs


@pytest.mark.parametrize("name", CASES)
def test_batches_match_keras(name):
    ds = keras.utils.image_dataset_from_directory(IMAGES, **_kwargs(name))
    assert ds.class_names == META[name]["class_names"]
    assert relative(ds.file_paths, IMAGES) == META[name]["file_paths"]
    xs, ys = zip(*list(ds))
    assert len(xs) == META[name]["batches"] == len(ds)
    # bilinear weights in float32: TensorFlow and NumPy round differently by < 1e-3
    np.testing.assert_allclose(np.concatenate(xs), REF[name + "_x"], atol=1e-3)
    np.testing.assert_array_equal(np.concatenate(ys), REF[name + "_y"])
    assert xs[0].dtype == np.float32


def test_split_both_and_unbatched_match_keras():
    train, val = keras.utils.image_dataset_from_directory(
        IMAGES, image_size=(4, 4), validation_split=0.25, subset="both", seed=11, verbose=False)
    assert relative(train.file_paths, IMAGES) == META["img_both"]["train"]
    assert relative(val.file_paths, IMAGES) == META["img_both"]["val"]
    assert sum(len(x) for x, _ in train) == 10 and sum(len(x) for x, _ in val) == 3
    images = keras.utils.image_dataset_from_directory(
        IMAGES, image_size=(3, 3), batch_size=None, shuffle=False, labels=None, verbose=False)
    np.testing.assert_allclose(np.stack(list(images)), REF["img_unbatched"], atol=1e-3)


def test_channels_first_and_shuffle_keep_pairs():
    ds = keras.utils.image_dataset_from_directory(
        IMAGES, image_size=(8, 8), batch_size=4, shuffle=True, seed=1, verbose=False,
        data_format="channels_first")
    batches = list(ds)  # one pass (each pass has a new order)
    x, y = np.concatenate([b[0] for b in batches]), np.concatenate([b[1] for b in batches])
    assert x.shape == (13, 3, 8, 8)
    reference = REF["img_int_x"].transpose(0, 3, 1, 2)
    for image, label in zip(x, y):  # each image still comes with its own label
        match = [i for i in range(13) if np.allclose(reference[i], image, atol=1e-3)]
        assert len(match) == 1 and REF["img_int_y"][match[0]] == label


def test_image_classifier_fits_from_the_folder():
    ds = keras.utils.image_dataset_from_directory(IMAGES, image_size=(8, 8), batch_size=4,
                                                  seed=0, verbose=False)
    model = keras.Sequential([keras.Input((8, 8, 3)), keras.layers.Rescaling(1 / 255),
                              keras.layers.Flatten(), keras.layers.Dense(3)])
    model.compile("adam", keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=["accuracy"])
    history = model.fit(ds, epochs=3, verbose=0, validation_data=ds.take(2))
    assert len(history.history["loss"]) == 3 and "val_accuracy" in history.history
    assert model.predict(ds, verbose=0).shape == (13, 3)


def test_bad_folders_are_clear_errors(tmp_path):
    with pytest.raises(ValueError, match="No images found in directory"):
        keras.utils.image_dataset_from_directory(str(tmp_path), verbose=False)
    broken = tmp_path / "broken" / "a"
    broken.mkdir(parents=True)
    Image.new("RGB", (4, 4)).save(broken / "good.png")
    (broken / "bad.png").write_bytes(b"not a png at all")
    ds = keras.utils.image_dataset_from_directory(str(tmp_path / "broken"), image_size=(4, 4),
                                                  shuffle=False, verbose=False)
    with pytest.raises(ValueError, match=r"Cannot read the image file .*bad\.png"):
        list(ds)
    with pytest.raises(ValueError, match="does not exist"):
        keras.utils.image_dataset_from_directory(str(tmp_path / "missing"))
    with pytest.raises(ValueError, match='label_mode="binary" needs exactly 2 classes'):
        keras.utils.image_dataset_from_directory(IMAGES, label_mode="binary", verbose=False)
    with pytest.raises(ValueError, match="pass a `seed`"):
        keras.utils.image_dataset_from_directory(IMAGES, validation_split=0.2,
                                                 subset="training", verbose=False)
    with pytest.raises(ValueError, match="interpolation"):
        keras.utils.image_dataset_from_directory(IMAGES, interpolation="lanczos5")

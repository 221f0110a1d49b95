"""The random augmentation layers: invariants and statistics (their random draws cannot
match Keras's), fresh randomness per call and per compiled step, seeds, identity at
inference, shapes, configs and argument errors."""

import jax
import numpy as np
import pytest

import lamina
from lamina import layers

RNG = np.random.default_rng(0)
IMAGES = RNG.uniform(0, 255, size=(64, 6, 8, 3)).astype("float32")

ALL = [
    (layers.RandomFlip, ()), (layers.RandomRotation, (0.2,)), (layers.RandomZoom, (0.3,)),
    (layers.RandomTranslation, (0.2, 0.3)), (layers.RandomContrast, (0.4,)),
    (layers.RandomBrightness, (0.3,)), (layers.RandomCrop, (4, 5)),
]


def _run(layer, x=IMAGES, **kwargs):
    return np.asarray(layer(x, **kwargs))


@pytest.mark.parametrize("mode,axes", [("horizontal", (2,)), ("vertical", (1,)),
                                       ("horizontal_and_vertical", (1, 2))])
def test_flip_is_an_exact_flip_of_about_half_the_samples(mode, axes):
    out = _run(layers.RandomFlip(mode, seed=3))
    flipped = np.flip(IMAGES, axis=axes)
    is_flipped = np.all(out == flipped, axis=(1, 2, 3))
    kept = np.all(out == IMAGES, axis=(1, 2, 3))
    assert np.all(is_flipped | kept)
    assert 16 < is_flipped.sum() < 48


def test_zero_factors_are_the_identity_in_training():
    for layer in [layers.RandomRotation(0.0), layers.RandomTranslation(0.0, 0.0),
                  layers.RandomZoom(0.0), layers.RandomBrightness(0.0),
                  layers.RandomContrast(0.0), layers.RandomCrop(6, 8)]:
        np.testing.assert_allclose(_run(layer, training=True), IMAGES, atol=1e-3)


@pytest.mark.parametrize("cls,args", ALL)
def test_training_changes_inference_keeps_and_seeds_reproduce(cls, args):
    layer = cls(*args, seed=11)
    first, second = _run(layer), _run(layer)  # called directly: training, as in Keras
    assert first.shape == second.shape and not np.array_equal(first, second)
    np.testing.assert_array_equal(_run(cls(*args, seed=11)), first)
    inference = _run(layer, training=False)
    if cls is layers.RandomCrop:
        assert inference.shape == (64, 4, 5, 3)
    else:
        np.testing.assert_array_equal(inference, IMAGES)
    symbolic = layer(lamina.Input((6, 8, 3)))
    assert symbolic.shape == (None,) + first.shape[1:] and symbolic.dtype == "float32"
    single = _run(layer, IMAGES[0])
    assert single.shape == first.shape[1:]


def test_colour_layers_stay_in_range_and_vary_per_image():
    bright = _run(layers.RandomBrightness(0.5, seed=1))
    contrast = _run(layers.RandomContrast(0.9, seed=1))
    for out in (bright, contrast):
        assert out.min() >= 0 and out.max() <= 255
    shift = (bright - IMAGES).reshape(64, -1)
    unclipped = (bright > 0) & (bright < 255)
    deltas = [np.median(shift[i][unclipped.reshape(64, -1)[i]]) for i in range(64)]
    assert np.std(deltas) > 20  # a different delta per image, up to +-127.5
    unit = _run(layers.RandomBrightness(0.5, value_range=(0, 1), seed=2), IMAGES / 255)
    assert unit.min() >= 0 and unit.max() <= 1
    means = contrast.mean(axis=(1, 2))
    np.testing.assert_allclose(means, IMAGES.mean(axis=(1, 2)), atol=40)  # clipping moves them


def test_rotation_translation_zoom_statistics():
    square = np.zeros((32, 9, 9, 1), "float32")
    square[:, 3:6, 3:6] = 1.0
    rotated = _run(layers.RandomRotation(0.5, fill_mode="constant", seed=0), square)
    mass = rotated.sum(axis=(1, 2, 3))
    np.testing.assert_allclose(mass, 9.0, atol=1.5)  # centred content stays in frame
    shifted = _run(layers.RandomTranslation(0.3, 0.3, fill_mode="constant",
                                            interpolation="nearest", seed=0), square)
    rows = [np.nonzero(s.sum(axis=(1, 2)))[0].min() for s in shifted if s.sum()]
    assert len(set(rows)) > 2  # different images move differently
    zoomed = _run(layers.RandomZoom((0.5, 0.9), fill_mode="constant", seed=0), square)
    assert np.all(zoomed.sum(axis=(1, 2, 3)) < 9.0)  # zooming out shrinks the square


def test_random_crop_takes_windows_of_the_input_at_per_image_offsets():
    out = _run(layers.RandomCrop(4, 5, seed=7))
    offsets = set()
    for image, crop in zip(IMAGES, out):
        hits = [(t, l) for t in range(3) for l in range(4)
                if np.array_equal(image[t:t + 4, l:l + 5], crop)]
        assert len(hits) == 1
        offsets.add(hits[0])
    assert len(offsets) > 4
    small = _run(layers.RandomCrop(10, 10, seed=7))  # smaller input: crop + resize
    assert small.shape == (64, 10, 10, 3)


def test_fresh_randomness_in_each_compiled_step():
    flip = layers.RandomFlip("horizontal", seed=5)
    step = jax.jit(lambda state, x: flip.stateless_call([], state, x, training=True))
    state = [v.value for v in flip.non_trainable_variables]
    out1, state = step(state, IMAGES)
    out2, state = step(state, IMAGES)
    assert not np.array_equal(out1, out2)


def test_fit_compiled_changes_the_augmentation_every_step():
    x = np.repeat(IMAGES[:1], 16, axis=0) / 255.0
    flip = layers.RandomFlip("horizontal", seed=1)
    model = lamina.Sequential([lamina.Input((6, 8, 3)), flip, layers.Rescaling(2.0, -1.0),
                               layers.Flatten(), layers.Dense(1)])
    model.compile(lamina.optimizers.SGD(learning_rate=0.0), "mse")
    assert not model.run_eagerly
    losses = []
    log = lamina.callbacks.LambdaCallback(on_train_batch_end=lambda b, logs: losses.append(logs["loss"]))
    start = int(flip.seed_generator.state.numpy()[1])
    model.fit(x, np.zeros((16, 1)), batch_size=2, epochs=1, verbose=0, callbacks=[log])
    assert int(flip.seed_generator.state.numpy()[1]) == start + 8  # one fresh key per step
    assert len(set(np.round(losses, 6))) > 1  # same batch, same weights: only the flips vary
    before = model.predict(x, verbose=0)
    np.testing.assert_array_equal(before, model.predict(x, verbose=0))  # no augmentation


@pytest.mark.parametrize("layer", [
    layers.RandomFlip("vertical", seed=1, name="f"),
    layers.RandomRotation((-0.1, 0.2), fill_mode="constant", fill_value=1.0, name="r"),
    layers.RandomTranslation(0.1, (-0.2, 0.3), interpolation="nearest", name="t"),
    layers.RandomZoom(0.2, (0.1, 0.3), data_format="channels_first", name="z"),
    layers.RandomContrast((0.1, 0.4), value_range=(0, 1), name="c"),
    layers.RandomBrightness(0.2, seed=3, name="b"),
    layers.RandomCrop(3, 4, seed=2, name="rc"),
    layers.Resizing(3, 4, interpolation="nearest", crop_to_aspect_ratio=True, name="rs"),
    layers.CenterCrop(2, 2, name="cc"),
])
def test_config_round_trip(layer):
    config = layer.get_config()
    clone = type(layer).from_config(config)
    assert clone.get_config() == config and clone.name == layer.name


@pytest.mark.parametrize("make,match", [
    (lambda: layers.RandomFlip("diagonal"), "mode must be one of"),
    (lambda: layers.RandomRotation(1.5), "factor"),
    (lambda: layers.RandomRotation((0.1, 0.2, 0.3)), "pair"),
    (lambda: layers.RandomZoom(-1.0), "height_factor"),
    (lambda: layers.RandomTranslation(0.1, 0.1, fill_mode="mirror"), "fill_mode"),
    (lambda: layers.RandomTranslation(0.1, "a"), "width_factor"),
    (lambda: layers.RandomRotation(0.1, interpolation="bicubic"), "interpolation"),
    (lambda: layers.RandomContrast(1.5), "factor"),
    (lambda: layers.RandomBrightness(0.1, value_range=5), "value_range"),
    (lambda: layers.Resizing(0, 5), "height must be a positive int"),
    (lambda: layers.Resizing(3, 3, crop_to_aspect_ratio=True, pad_to_aspect_ratio=True), "both"),
    (lambda: layers.CenterCrop(3, "4"), "width"),
    (lambda: layers.RandomCrop(3, 4, data_format="nchw"), "data_format"),
    (lambda: layers.RandomFlip()(np.ones((2, 3), "float32")), "3-D image or a 4-D batch"),
])
def test_bad_arguments_raise_clear_errors(make, match):
    with pytest.raises(ValueError, match=match):
        make()

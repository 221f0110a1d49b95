"""Every builder against Keras 3's: parameter counts, layer names, per-layer classes,
weight names/shapes and output shapes (recorded once in fixtures/keras_builders.json by
fixtures/make_keras_fixture.py), signatures and argument errors."""

import inspect
import json
import os
import sys

import numpy as np
import pytest

import lamina
from lamina.applications import builder

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "fixtures"))
from make_keras_fixture import SIZES, builder_summary, layer_rows  # noqa: E402

with open(os.path.join(HERE, "fixtures", "keras_builders.json")) as _f:
    FIXTURE = json.load(_f)

# The smallest builder of each family runs in the fast suite; the rest are slow.
FAST = ("ResNet50", "Xception", "MobileNet", "MobileNetV2", "MobileNetV3Small", "DenseNet121",
        "NASNetMobile", "EfficientNetB0", "EfficientNetV2B0", "ConvNeXtTiny")
PARAMS = [pytest.param(n, marks=() if n in FAST else pytest.mark.slow) for n in SIZES]


def build(name, **kwargs):
    size = SIZES[name]
    return getattr(lamina.applications, name)(weights=None, input_shape=(size, size, 3),
                                              **kwargs)


@pytest.mark.parametrize("name", PARAMS)
def test_builder_matches_keras(name):
    model = build(name)
    expected = FIXTURE[name]
    got = {"input_size": SIZES[name], **builder_summary(model)}
    # Counts and shapes first: they say more than a hash when something differs.
    for key in ("params", "trainable_params", "layers", "output_shape", "names_sha1"):
        assert got[key] == expected[key], (key, got[key], expected[key])
    assert got["layers_sha1"] == expected["layers_sha1"], "\n".join(layer_rows(model)[:5])


def test_every_keras_builder_and_module_exists_with_keras_signature():
    keras = pytest.importorskip("keras")
    for name in dir(keras.applications):
        if name.startswith("_"):
            continue
        ours = getattr(lamina.applications, name)
        theirs = getattr(keras.applications, name)
        if name[0].isupper():
            assert inspect.signature(ours) == inspect.signature(theirs), name
        else:
            public = [n for n in dir(theirs) if not n.startswith("_") and n[0].isupper()
                      or n in ("preprocess_input", "decode_predictions")]
            assert all(hasattr(ours, n) for n in public), (name, public)
    assert set(SIZES) == {n for n in dir(keras.applications) if n[0].isupper()}


def test_submodule_imports_as_keras_tuner_does():
    from lamina.applications import efficientnet
    from lamina.applications.resnet import ResNet101  # noqa: F401

    assert efficientnet.EfficientNetB0 is lamina.applications.EfficientNetB0


@pytest.mark.parametrize("pooling,shape", [(None, (None, 1, 1, 1280)), ("avg", (None, 1280)),
                                           ("max", (None, 1280))])
def test_no_top_pooling_shapes(pooling, shape):
    model = lamina.applications.MobileNetV2(weights=None, include_top=False,
                                            input_shape=(32, 32, 3), pooling=pooling)
    assert tuple(model.output.shape) == shape
    assert model.name == "mobilenetv2_1.00_32"


def test_no_top_accepts_any_size_and_input_tensor():
    model = lamina.applications.MobileNet(weights=None, include_top=False, alpha=0.25)
    assert tuple(model.input.shape) == (None, None, None, 3)
    x = np.zeros((1, 64, 48, 3), "float32")
    assert model.predict(x, verbose=0).shape == (1, 2, 1, 256)
    inp = lamina.Input((40, 40, 3))
    model = lamina.applications.MobileNetV3Small(weights=None, include_top=False,
                                                 input_tensor=inp, pooling="avg")
    assert model.inputs[0] is inp and tuple(model.output.shape) == (None, 576)


def test_custom_classes_and_activation():
    model = lamina.applications.MobileNet(weights=None, input_shape=(32, 32, 3), alpha=0.25,
                                          classes=7, classifier_activation=None)
    out = model.predict(np.random.default_rng(0).uniform(0, 255, (2, 32, 32, 3)), verbose=0)
    assert out.shape == (2, 7) and not np.allclose(out.sum(-1), 1.0)


@pytest.mark.parametrize("kwargs,message", [
    (dict(weights="no/such/file.h5"), "`weights` argument should be either"),
    (dict(weights="imagenet", classes=10), "`classes` should be 1000"),
    (dict(weights="imagenet", classifier_activation="relu"), "classifier_activation"),
    (dict(weights=None, input_shape=(16, 16, 3)), "at least 32x32"),
    (dict(weights=None, input_shape=(32, 32)), "three integers"),
    (dict(weights="imagenet", input_shape=(64, 64, 3)), "should be (224, 224, 3)"),
    (dict(weights=None, input_shape=(None, None, 3)), "static `input_shape`"),
    (dict(weights=None, include_top=False, pooling="mean"), "`pooling` must be"),
    (dict(weights="imagenet", include_top=False, input_shape=(64, 64, 1)), "3 channels"),
])
def test_argument_errors(kwargs, message):
    with pytest.raises(ValueError, match=None) as info:
        lamina.applications.ResNet50(**kwargs)
    assert message in str(info.value)


def test_channel_rounding():
    assert [builder.make_divisible(v) for v in (32 * 0.35, 16, 8.5, 100 * 0.75)] == [
        16, 16, 8, 72]

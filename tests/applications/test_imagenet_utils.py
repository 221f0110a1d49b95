"""preprocess_input in every mode against Keras's, and decode_predictions with a cached
class index (and its clear error offline)."""

import json
import os
import urllib.error

import numpy as np
import pytest

import lamina
from lamina.applications import imagenet_utils
from lamina.datasets import cache
from lamina.datasets.get_file import DownloadError

keras = pytest.importorskip("keras")
MODULES = ["vgg16", "vgg19", "resnet", "resnet50", "resnet_v2", "inception_v3",
           "inception_resnet_v2", "xception", "mobilenet", "mobilenet_v2", "mobilenet_v3",
           "densenet", "nasnet", "efficientnet", "efficientnet_v2", "convnext"]


@pytest.mark.parametrize("module", MODULES)
def test_module_preprocess_input_matches_keras(module):
    x = np.random.default_rng(0).uniform(0, 255, (2, 5, 4, 3)).astype("float32")
    expected = getattr(keras.applications, module).preprocess_input(x.copy())
    got = getattr(lamina.applications, module).preprocess_input(x)
    np.testing.assert_allclose(np.asarray(got), np.asarray(expected), rtol=1e-6, atol=1e-5)


@pytest.mark.parametrize("mode", ["caffe", "tf", "torch"])
@pytest.mark.parametrize("data_format", ["channels_last", "channels_first"])
def test_modes_and_formats_match_keras(mode, data_format):
    rng = np.random.default_rng(1)
    for shape in ((2, 3, 4, 5), (3, 4, 5)):
        x = rng.integers(0, 256, shape).astype("uint8")
        if data_format == "channels_last":
            x = np.moveaxis(x, -3 if len(shape) == 4 else 0, -1).copy()
        expected = keras.applications.imagenet_utils.preprocess_input(
            x.copy(), data_format=data_format, mode=mode)
        got = imagenet_utils.preprocess_input(x, data_format=data_format, mode=mode)
        assert got.dtype == np.float32
        np.testing.assert_allclose(got, expected, rtol=1e-6, atol=1e-5)
    tensor = imagenet_utils.preprocess_input(lamina.ops.convert_to_tensor(x), data_format,
                                             mode)
    np.testing.assert_allclose(np.asarray(tensor), expected, rtol=1e-6, atol=1e-5)


def test_preprocess_input_errors():
    x = np.zeros((1, 2, 2, 3))
    with pytest.raises(ValueError, match="mode to be one of"):
        imagenet_utils.preprocess_input(x, mode="keras")
    with pytest.raises(ValueError, match="data_format"):
        imagenet_utils.preprocess_input(x, data_format="nhwc")


@pytest.fixture
def class_index(tmp_path, monkeypatch):
    """A small class index in a fresh cache; no network."""
    monkeypatch.setenv("LAMINA_HOME", str(tmp_path))
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras"))
    monkeypatch.setattr(imagenet_utils, "_class_index", None)
    monkeypatch.setattr(imagenet_utils, "CLASS_INDEX_MD5", None)
    index = {str(i): [f"n{i:08d}", f"class_{i}"] for i in range(1000)}
    (tmp_path / "models").mkdir()
    (tmp_path / "models" / "imagenet_class_index.json").write_text(json.dumps(index))
    return index


def test_decode_predictions(class_index):
    preds = np.zeros((2, 1000), "float32")
    preds[0, [5, 7, 9]] = [0.2, 0.5, 0.3]
    preds[1, 999] = 1.0
    decoded = lamina.applications.resnet.decode_predictions(preds, top=3)
    assert [d[:2] for d in decoded[0]] == [("n00000007", "class_7"), ("n00000009", "class_9"),
                                           ("n00000005", "class_5")]
    assert decoded[0][0][2] == pytest.approx(0.5) and decoded[1][0][1] == "class_999"
    with pytest.raises(ValueError, match=r"shape \(samples, 1000\).*\(2, 10\)"):
        imagenet_utils.decode_predictions(np.zeros((2, 10)))


def test_decode_predictions_offline_says_so(tmp_path, monkeypatch):
    monkeypatch.setenv("LAMINA_HOME", str(tmp_path))
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras"))
    monkeypatch.setattr(imagenet_utils, "_class_index", None)

    def offline(url):
        raise urllib.error.URLError("Name or service not known")

    monkeypatch.setattr(cache, "_open_url", offline)
    with pytest.raises(DownloadError) as info:
        imagenet_utils.decode_predictions(np.zeros((1, 1000)))
    message = str(info.value)
    assert imagenet_utils.CLASS_INDEX_PATH in message and "offline" in message
    assert os.path.join(str(tmp_path), "models", "imagenet_class_index.json") in message

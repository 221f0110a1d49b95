"""ExportArchive (format="jax"): several endpoints over tracked models, variable
collections, Keras's errors for misuse."""

import numpy as np
import pytest
from .export_models import TOL, mnist_data, mnist_model

import lamina as keras


def test_two_endpoints_and_a_collection(tmp_path):
    model = mnist_model()
    archive = keras.export.ExportArchive(format="jax")
    archive.track(model)
    archive.add_endpoint("serve", model.call,
                         input_signature=[keras.InputSpec(shape=(None, 784), dtype="float32")])
    hidden = model.layers[1]

    def features(x):
        return {"hidden": hidden(x), "sum": x.sum(axis=-1)}

    archive.add_endpoint("features", features,
                         input_signature=[keras.InputSpec(shape=(None, 784))])
    archive.add_variable_collection("head", model.layers[-1].weights)
    archive.write_out(tmp_path / "a", verbose=False)

    artifact = keras.export.load(tmp_path / "a")
    x = mnist_data(7)
    np.testing.assert_allclose(np.asarray(artifact.serve(x)), model.predict(x, verbose=0),
                               atol=TOL, rtol=0)
    feats = artifact.features(x)
    np.testing.assert_allclose(np.asarray(feats["hidden"]),
                               np.maximum(x @ hidden.kernel.numpy() + hidden.bias.numpy(), 0),
                               atol=1e-4, rtol=1e-5)
    np.testing.assert_allclose(np.asarray(feats["sum"]), x.sum(-1), rtol=1e-6)
    assert len(artifact.head) == 2
    np.testing.assert_array_equal(artifact.head[0], model.layers[-1].kernel.numpy())
    assert len(artifact.trainable_variables) == 4


def test_written_values_are_those_at_write_out(tmp_path):
    layer = keras.layers.Dense(3)
    layer.build((None, 2))
    archive = keras.export.ExportArchive(format="jax")
    archive.track_and_add_endpoint("serve", layer, [keras.InputSpec(shape=(None, 2))])
    layer.kernel.assign(np.ones((2, 3), "float32"))
    archive.write_out(tmp_path / "a", verbose=False)
    got = keras.export.load(tmp_path / "a").serve(np.array([[1.0, 2.0]], "float32"))
    np.testing.assert_allclose(np.asarray(got), [[3.0, 3.0, 3.0]])


def test_symbolic_batch_and_free_axes(tmp_path):
    layer = keras.layers.Dense(4)
    layer.build((None, None, 3))
    archive = keras.export.ExportArchive(format="jax")
    archive.track_and_add_endpoint("serve", layer, [keras.InputSpec(shape=(None, None, 3))])
    archive.write_out(tmp_path / "a", verbose=False)
    artifact = keras.export.load(tmp_path / "a")
    for shape in [(1, 5, 3), (6, 2, 3)]:
        x = np.random.default_rng(0).random(shape, dtype="float32")
        np.testing.assert_allclose(np.asarray(artifact.serve(x)), np.asarray(layer(x)),
                                   atol=TOL, rtol=0)


def test_keras_default_format_needs_tensorflow(tmp_path):
    try:
        import tensorflow  # noqa: F401
        pytest.skip("TensorFlow is installed")
    except ImportError:
        pass
    with pytest.raises(ImportError, match="needs TensorFlow.*format='jax'"):
        keras.export.ExportArchive()
    with pytest.raises(ImportError, match="needs TensorFlow"):
        mnist_model().export(tmp_path / "m")


def test_misuse_errors(tmp_path):
    model = mnist_model()
    archive = keras.export.ExportArchive(format="jax")
    sig = [keras.InputSpec(shape=(None, 784))]
    with pytest.raises(ValueError, match="call `track\\(model\\)` before"):
        archive.add_endpoint("serve", model.call, input_signature=sig)
    with pytest.raises(ValueError, match="Expected a Keras layer or model"):
        archive.track("model")
    with pytest.raises(ValueError, match="has not yet been built"):
        archive.track(keras.layers.Dense(2))
    archive.track(model)
    with pytest.raises(ValueError, match="needs the `input_signature`"):
        archive.add_endpoint("serve", model.call)
    with pytest.raises(ValueError, match="must be a Python identifier"):
        archive.add_endpoint("my endpoint", model.call, input_signature=sig)
    with pytest.raises(ValueError, match=r"unrecognized keyword argument\(s\) \['is_static'\]"):
        archive.add_endpoint("serve", model.call, input_signature=sig, is_static=True)
    with pytest.raises(ValueError, match="No endpoints have been set yet"):
        archive.write_out(tmp_path / "a")
    archive.add_endpoint("serve", model.call, input_signature=sig)
    with pytest.raises(ValueError, match="'serve' is already taken"):
        archive.add_endpoint("serve", model.call, input_signature=sig)
    with pytest.raises(ValueError, match="to be a list/tuple/set"):
        archive.add_variable_collection("v", model.weights[0])
    with pytest.raises(ValueError, match="Unsupported format: 'onnx'"):
        keras.export.ExportArchive(format="onnx")

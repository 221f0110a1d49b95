"""model.export(format="jax"): the artifact predicts what `model.predict` does (within 1e-5,
batch sizes 1, 7, 128), also in a fresh process without any model code; bad formats and
signatures fail clearly."""

import json
import os
import subprocess
import sys

import numpy as np
import pytest
from .export_models import BATCH_SIZES, TOL, mnist_data, mnist_model, ticket_data, ticket_model

import lamina as keras

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


@pytest.fixture(scope="module")
def mnist(tmp_path_factory):
    model = mnist_model()
    path = tmp_path_factory.mktemp("mnist") / "artifact"
    model.export(path, format="jax", verbose=False)
    return model, path


def test_mnist_jax_artifact_equals_predict(mnist):
    model, path = mnist
    artifact = keras.export.load(path)
    x = mnist_data()
    for n in BATCH_SIZES:
        np.testing.assert_allclose(np.asarray(artifact.serve(x[:n])),
                                   model.predict(x[:n], verbose=0), atol=TOL, rtol=0)
    assert [v.shape for v in artifact.variables] == [tuple(w.shape) for w in model.variables]


def test_ticket_jax_artifact_equals_predict(tmp_path):
    model = ticket_model()
    model.export(tmp_path / "ticket", format="jax", verbose=False)
    artifact = keras.export.load(tmp_path / "ticket")
    xs = ticket_data()
    for n in BATCH_SIZES:
        batch = [x[:n] for x in xs]
        got, want = artifact.serve(batch), model.predict(batch, verbose=0)
        assert len(got) == 2
        for g, w in zip(got, want):
            np.testing.assert_allclose(np.asarray(g), w, atol=TOL, rtol=0)


CHILD = """
import sys, numpy as np
from lamina.export import load
artifact = load(sys.argv[1])
x = np.load(sys.argv[2])
np.save(sys.argv[3], np.stack([np.asarray(artifact.serve(x[:n]))[0] for n in (1, 7, 128)]))
assert "note_models" not in sys.modules, "model code was imported"
"""


def test_jax_artifact_runs_in_fresh_process(mnist, tmp_path):
    model, path = mnist
    x = mnist_data()
    np.save(tmp_path / "x.npy", x)
    script = tmp_path / "child.py"
    script.write_text(CHILD)
    env = dict(os.environ, PYTHONPATH=ROOT, JAX_PLATFORMS="cpu")
    done = subprocess.run([sys.executable, str(script), str(path), str(tmp_path / "x.npy"),
                           str(tmp_path / "y.npy")], env=env, cwd=tmp_path,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    firsts = np.load(tmp_path / "y.npy")
    np.testing.assert_allclose(firsts, model.predict(x[:1], verbose=0).repeat(3, 0),
                               atol=TOL, rtol=0)


def test_artifact_layout(mnist):
    _, path = mnist
    manifest = json.loads((path / "manifest.json").read_text())
    assert manifest["format"] == "lamina.jax"
    assert manifest["endpoints"]["serve"]["inputs"] == [
        {"shape": [None, 784], "dtype": "float32", "name": manifest["endpoints"]["serve"]
         ["inputs"][0]["name"]}]
    assert (path / "serve.stablehlo").stat().st_size > 0
    with np.load(path / "variables.npz") as data:
        assert sorted(data.files) == ["a0", "a1", "a2", "a3", "a4"]  # + the dropout seed


def test_explicit_input_signature(tmp_path):
    model = mnist_model()
    sig = [keras.InputSpec(shape=(None, 784), dtype="float32")]
    model.export(tmp_path / "a", format="jax", input_signature=sig, verbose=False)
    x = mnist_data(7)
    np.testing.assert_allclose(np.asarray(keras.export.load(tmp_path / "a").serve(x)),
                               model.predict(x, verbose=0), atol=TOL, rtol=0)


def test_subclassed_model_exports(tmp_path):
    class Net(keras.Model):
        def __init__(self):
            super().__init__()
            self.hidden = keras.layers.Dense(8, activation="relu")
            self.out = keras.layers.Dense(2)

        def call(self, x):
            return self.out(self.hidden(x))

    model = Net()
    x = mnist_data(7)[:, :5]
    want = model.predict(x, verbose=0)
    model.export(tmp_path / "net", format="jax", verbose=False)
    np.testing.assert_allclose(np.asarray(keras.export.load(tmp_path / "net").serve(x)), want,
                               atol=TOL, rtol=0)


def test_verbose_lists_the_endpoint(tmp_path, capsys):
    mnist_model().export(tmp_path / "v", format="jax")
    out = capsys.readouterr().out
    assert "Endpoint 'serve'" in out and "(None, 784) float32" in out


def test_unknown_format_is_a_clear_error(tmp_path):
    with pytest.raises(ValueError, match=r"Unrecognized format='tflite'.*'jax', 'onnx', "
                                         r"'tf_saved_model'"):
        mnist_model().export(tmp_path / "x", format="tflite")


def test_mismatched_input_signature_is_a_clear_error(tmp_path):
    model = mnist_model()
    with pytest.raises(ValueError, match=r"input '.*' expects shape \(None, 784\), received "
                                         r"shape \(None, 100\)"):
        model.export(tmp_path / "x", format="jax",
                     input_signature=[keras.InputSpec(shape=(None, 100))])
    with pytest.raises(ValueError, match=r"expects 3 input\(s\).*received 1"):
        ticket_model().export(tmp_path / "y", format="jax",
                              input_signature=[keras.InputSpec(shape=(None, 10000))])


def test_unknown_keyword_is_a_clear_error(tmp_path):
    with pytest.raises(ValueError, match=r"Unrecognized keyword argument\(s\) \['opset'\]"):
        mnist_model().export(tmp_path / "x", format="jax", opset=3)


def test_unbuilt_model_is_a_clear_error(tmp_path):
    model = keras.Sequential([keras.layers.Dense(2)])
    with pytest.raises(ValueError, match="must be built before export"):
        model.export(tmp_path / "x", format="jax")


def test_loaded_endpoint_rejects_wrong_structure(mnist):
    artifact = keras.export.load(mnist[1])
    with pytest.raises(ValueError, match="expects 1 argument"):
        artifact.serve(mnist_data(2), mnist_data(2))


def test_load_rejects_a_folder_that_is_no_artifact(tmp_path):
    with pytest.raises(ValueError, match="not a lamina \"jax\" export artifact"):
        keras.export.load(tmp_path)

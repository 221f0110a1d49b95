"""model.export(format="onnx"): the file runs in onnxruntime with a dynamic batch size and
equals `model.predict` within 1e-5 for batch sizes 1, 7 and 128.

Slow: importing jax2onnx loads and jit-compiles all of its plugins (~20 s here)."""

import numpy as np
import pytest
from .export_models import BATCH_SIZES, TOL, mnist_data, mnist_model, ticket_data, ticket_model

pytest.importorskip("jax2onnx")
ort = pytest.importorskip("onnxruntime")

pytestmark = pytest.mark.slow


def test_mnist_onnx_equals_predict(tmp_path):
    model = mnist_model()
    model.export(tmp_path / "m.onnx", format="onnx", verbose=False)
    session = ort.InferenceSession(str(tmp_path / "m.onnx"))
    (inp,), (out,) = session.get_inputs(), session.get_outputs()
    assert inp.shape == ["batch", 784] and out.name == "output_0"
    x = mnist_data()
    for n in BATCH_SIZES:
        np.testing.assert_allclose(session.run(None, {inp.name: x[:n]})[0],
                                   model.predict(x[:n], verbose=0), atol=TOL, rtol=0)


def test_ticket_onnx_equals_predict(tmp_path):
    model = ticket_model()
    model.export(tmp_path / "t.onnx", format="onnx", verbose=False, opset_version=21)
    session = ort.InferenceSession(str(tmp_path / "t.onnx"))
    assert [i.name for i in session.get_inputs()] == ["title", "text_body", "tags"]
    assert [o.name for o in session.get_outputs()] == ["output_0", "output_1"]
    xs = ticket_data()
    for n in BATCH_SIZES:
        batch = [x[:n] for x in xs]
        got = session.run(None, dict(zip(["title", "text_body", "tags"], batch)))
        for g, w in zip(got, model.predict(batch, verbose=0)):
            np.testing.assert_allclose(g, w, atol=TOL, rtol=0)


def test_onnx_rejects_unknown_keyword(tmp_path):
    with pytest.raises(ValueError, match=r"Unrecognized keyword argument\(s\) \['is_static'\]"):
        mnist_model().export(tmp_path / "m.onnx", format="onnx", is_static=True)


def test_int8_quantized_model_exports_to_onnx(tmp_path):
    model = mnist_model()
    model.quantize("int8")
    model.export(tmp_path / "q.onnx", format="onnx", verbose=False)
    session = ort.InferenceSession(str(tmp_path / "q.onnx"))
    x = mnist_data(7)
    np.testing.assert_allclose(session.run(None, {session.get_inputs()[0].name: x})[0],
                               model.predict(x, verbose=0), atol=TOL, rtol=0)

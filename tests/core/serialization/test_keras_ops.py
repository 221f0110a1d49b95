"""Ops called on symbolic tensors are saved in Keras 3's form: Keras loads lamina's file
and computes the same outputs; lamina still reads its own and Keras's files."""

import numpy as np
import pytest

import lamina
from lamina.core.serialization.keras_ops import KERAS_OPS

real_keras = pytest.importorskip("keras")

X = np.linspace(-1, 1, 12, dtype="float32").reshape(2, 6)


def _model(k):
    i = k.Input((6,), name="inp")
    h = k.ops.concatenate([(i * 2 + 1)[:, :3], k.ops.sum(i, axis=-1, keepdims=True)], axis=-1)
    h = k.ops.mean(k.ops.expand_dims(k.ops.relu(h), 1), axis=1)
    h = k.ops.reshape(k.ops.transpose(k.ops.stack([h, k.ops.exp(h)], axis=1), (0, 2, 1)), (-1, 8))
    return k.Model(i, k.layers.Dense(2, kernel_initializer="ones", name="d")(h))


def _expected():
    h = np.concatenate([(X * 2 + 1)[:, :3], X.sum(-1, keepdims=True)], -1)
    h = np.maximum(h, 0)
    h = np.stack([h, np.exp(h)], 1).transpose(0, 2, 1).reshape(-1, 8)
    return h.sum(-1, keepdims=True).repeat(2, 1)


def test_lamina_file_with_ops_loads_in_keras(tmp_path):
    model = _model(lamina)
    np.testing.assert_allclose(model.predict(X, verbose=0), _expected(), rtol=1e-5)
    entries = model.get_config()["layers"]
    ops_entries = [e for e in entries if e["module"].startswith("keras.src.ops.")]
    assert {e["class_name"] for e in ops_entries} >= {"GetItem", "Sum", "Concatenate", "Stack"}
    assert next(e for e in ops_entries if e["class_name"] == "Sum")["config"] == {
        "name": "sum", "axis": -1, "keepdims": True}
    path = str(tmp_path / "ops.keras")
    model.save(path)
    np.testing.assert_allclose(real_keras.models.load_model(path).predict(X, verbose=0),
                               _expected(), rtol=1e-5)
    np.testing.assert_allclose(lamina.models.load_model(path).predict(X, verbose=0),
                               _expected(), rtol=1e-5)


def test_keras_file_with_ops_loads_in_lamina(tmp_path):
    path = str(tmp_path / "k.keras")
    _model(real_keras).save(path)
    np.testing.assert_allclose(lamina.models.load_model(path).predict(X, verbose=0),
                               _expected(), rtol=1e-5)


def test_table_names_lamina_ops():
    for name in KERAS_OPS:
        assert callable(getattr(lamina.ops, name)), name

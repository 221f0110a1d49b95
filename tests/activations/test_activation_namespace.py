"""The activations Keras 3.15 adds beyond the classic set, against Keras's outputs."""

import os

import numpy as np
import pytest

import lamina

os.environ.setdefault("KERAS_BACKEND", "jax")
keras = pytest.importorskip("keras")

CASES = [
    ("celu", {}), ("celu", {"alpha": 0.5}), ("glu", {}), ("hard_shrink", {}),
    ("hard_tanh", {}), ("log_sigmoid", {}), ("soft_shrink", {"threshold": 0.3}),
    ("sparse_plus", {}), ("sparse_sigmoid", {}), ("squareplus", {"b": 2}),
    ("tanh_shrink", {}), ("threshold", {"threshold": 0.1, "default_value": -2.0}),
]


@pytest.mark.parametrize("name, kwargs", CASES)
def test_activation_matches_keras(name, kwargs):
    x = np.random.default_rng(0).normal(size=(3, 6)).astype("float32") * 2
    expected = np.asarray(getattr(keras.activations, name)(x, **kwargs))
    got = np.asarray(getattr(lamina.activations, name)(x, **kwargs))
    np.testing.assert_allclose(got, expected, atol=1e-5)


def _numpy_sparsemax(row):
    """Sparsemax of one vector (Martins & Astudillo 2016): project onto the simplex."""
    z = np.sort(row)[::-1]
    cumulative = np.cumsum(z)
    k = np.arange(1, len(z) + 1)
    support = k[1 + k * z > cumulative].max()
    tau = (cumulative[support - 1] - 1) / support
    return np.maximum(row - tau, 0)


def test_sparsemax_is_the_simplex_projection():
    # Checked against NumPy: Keras 3.15.1's jax sparsemax returns rows that do not sum
    # to 1 on this input (e.g. an all-zero row), so it is not the reference here.
    x = np.random.default_rng(0).normal(size=(3, 6)).astype("float32") * 2
    got = np.asarray(lamina.activations.sparsemax(x))
    np.testing.assert_allclose(got, np.stack([_numpy_sparsemax(r) for r in x]), atol=1e-5)
    np.testing.assert_allclose(got.sum(-1), 1.0, atol=1e-5)


@pytest.mark.parametrize("name", sorted({n for n, _ in CASES} | {"sparsemax"}))
def test_get_serialize_deserialize_by_name(name):
    fn = getattr(lamina.activations, name)
    assert lamina.activations.get(name) is fn
    assert lamina.activations.serialize(fn) == keras.activations.serialize(
        getattr(keras.activations, name))
    assert lamina.activations.deserialize(name) is fn


def test_deserialize_custom_objects_and_bad_input():
    def mine(x):
        return x * 2

    assert lamina.activations.deserialize("mine", custom_objects={"mine": mine}) is mine
    with pytest.raises(ValueError, match="expected a name or a config dict, received 3"):
        lamina.activations.deserialize(3)
    with pytest.raises(ValueError, match="nope"):
        lamina.activations.deserialize("nope")

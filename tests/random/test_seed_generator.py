"""SeedGenerator's parameters as in Keras 3.15; options lamina lacks are refused."""

import inspect
import os

import pytest

import lamina

os.environ.setdefault("KERAS_BACKEND", "jax")
keras = pytest.importorskip("keras")


def test_positional_arguments_bind_as_in_keras():
    ours = lamina.random.SeedGenerator(7, "gen")
    assert (ours._initial_seed, ours.name) == (7, "gen")
    assert inspect.signature(lamina.random.SeedGenerator).bind(7, "gen").arguments == \
        inspect.signature(keras.random.SeedGenerator).bind(7, "gen").arguments


def test_backend_keyword_is_refused():
    with pytest.raises(TypeError, match=r"SeedGenerator: keyword argument\(s\) \['backend'\]"):
        lamina.random.SeedGenerator(1, backend="numpy")

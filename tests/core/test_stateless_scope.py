"""StatelessScope's parameters as in Keras 3.15; settings lamina lacks are refused."""

import inspect
import os

import numpy as np
import pytest

import lamina

os.environ.setdefault("KERAS_BACKEND", "jax")
keras = pytest.importorskip("keras")


def test_positional_arguments_bind_as_in_keras():
    args = ([], False, True)
    assert inspect.signature(lamina.StatelessScope).bind(*args).arguments == \
        inspect.signature(keras.StatelessScope).bind(*args).arguments
    v = lamina.Variable(np.ones(2, "float32"))
    with lamina.StatelessScope([(v, np.zeros(2, "float32"))], False, True):
        np.testing.assert_allclose(np.asarray(v.value), [0.0, 0.0])
    with lamina.StatelessScope():  # state_mapping=None: nothing mapped
        np.testing.assert_allclose(np.asarray(v.value), [1.0, 1.0])


@pytest.mark.parametrize("kwargs, message", [
    ({"collect_losses": True}, "collect_losses=True"),
    ({"initialize_variables": False}, "initialize_variables=False"),
])
def test_unsupported_settings_are_refused(kwargs, message):
    with pytest.raises(ValueError, match=f"StatelessScope: {message} is not supported"):
        lamina.StatelessScope(**kwargs)

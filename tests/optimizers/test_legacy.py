"""`keras.optimizers.legacy` names exist and refuse to be created, as in Keras 3."""

import os

import pytest

import lamina

os.environ.setdefault("KERAS_BACKEND", "jax")
keras = pytest.importorskip("keras")


@pytest.mark.parametrize("name", ["Adagrad", "Adam", "Ftrl", "Optimizer", "RMSprop", "SGD"])
def test_legacy_optimizers_raise_import_error_like_keras(name):
    with pytest.raises(ImportError, match="tf_keras"):
        getattr(keras.optimizers.legacy, name)(learning_rate=0.1)
    with pytest.raises(ImportError, match="tf_keras"):
        getattr(lamina.optimizers.legacy, name)(learning_rate=0.1)

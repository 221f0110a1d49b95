"""The top-level names of `keras` that a Keras user subclasses or calls directly."""

import os

import numpy as np
import pytest

import lamina

os.environ.setdefault("KERAS_BACKEND", "jax")
keras = pytest.importorskip("keras")


def test_base_classes_are_the_packages_own():
    assert lamina.Layer is lamina.layers.Layer
    assert lamina.Loss is lamina.losses.Loss
    assert lamina.Metric is lamina.metrics.Metric
    assert lamina.Optimizer is lamina.optimizers.Optimizer
    assert lamina.Initializer is lamina.initializers.Initializer
    assert lamina.Regularizer is lamina.regularizers.Regularizer
    assert lamina.InputSpec(ndim=2).ndim == 2
    assert lamina.version() == keras.version() == "3.15.1"  # the Keras API lamina follows


def test_a_layer_written_against_keras_Layer_runs_and_matches():
    def make(k):
        class Scale(k.Layer):
            def build(self, input_shape):
                self.w = self.add_weight(shape=(input_shape[-1],), initializer="ones")

            def call(self, x):
                return x * self.w * 2.0

        return Scale()

    x = np.arange(6, dtype="float32").reshape(2, 3)
    np.testing.assert_allclose(np.asarray(make(lamina)(x)), np.asarray(make(keras)(x)))


def test_metric_binds_dtype_then_name_positionally():
    m = lamina.metrics.Metric("float16", "m")
    k = keras.metrics.Metric("float16", "m")
    assert (m.name, m.dtype) == (k.name, k.dtype) == ("m", "float16")


def test_name_scope_prefixes_variable_paths():
    with lamina.name_scope("outer"):
        v = lamina.Variable(np.zeros(2), name="v")
    assert v.path == "outer/v"


def test_unknown_layer_keyword_names_class_and_closest_valid_name():
    with pytest.raises(TypeError, match=r"Dense.__init__\(\).*'activaton' \(did you mean "
                                        r"'activation'\?\)"):
        lamina.layers.Dense(3, activaton="relu")
    with pytest.raises(TypeError, match=r"'trainabel' \(did you mean 'trainable'\?\)"):
        lamina.layers.Dense(3, trainabel=False)

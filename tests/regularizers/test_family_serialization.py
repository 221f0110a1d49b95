"""serialize/deserialize of regularizers, constraints and initializers, against Keras's."""

import os

import numpy as np
import pytest

import lamina

os.environ.setdefault("KERAS_BACKEND", "jax")
keras = pytest.importorskip("keras")


@pytest.mark.parametrize("family, make", [
    ("regularizers", lambda m: m.regularizers.L2(0.1)),
    ("regularizers", lambda m: m.regularizers.L1L2(l1=0.2, l2=0.3)),
    ("constraints", lambda m: m.constraints.MaxNorm(2.0)),
    ("constraints", lambda m: m.constraints.MinMaxNorm(0.5, 1.5)),
])
def test_serialize_matches_keras_and_round_trips(family, make):
    ours, theirs = make(lamina), make(keras)
    config = getattr(lamina, family).serialize(ours)
    assert config == getattr(keras, family).serialize(theirs)
    back = getattr(lamina, family).deserialize(config)
    assert type(back) is type(ours) and back.get_config() == ours.get_config()
    # a config Keras wrote loads in lamina
    assert getattr(lamina, family).deserialize(
        getattr(keras, family).serialize(theirs)).get_config() == ours.get_config()


def test_deserialize_by_name_and_with_custom_objects():
    assert isinstance(lamina.regularizers.deserialize("l2"), lamina.regularizers.L2)
    assert isinstance(lamina.initializers.deserialize("glorot_uniform"),
                      lamina.initializers.GlorotUniform)
    init = lamina.initializers.deserialize({"class_name": "Constant", "config": {"value": 3.0}})
    np.testing.assert_allclose(np.asarray(init((2,))), [3.0, 3.0])

    class Halve(lamina.constraints.Constraint):
        def __call__(self, w):
            return w / 2

    found = lamina.constraints.deserialize("Halve", custom_objects={"Halve": Halve})
    assert isinstance(found, Halve)
    with pytest.raises(ValueError, match="Unknown"):
        lamina.constraints.deserialize("Halve")


def test_initializer_aliases():
    assert lamina.initializers.IdentityInitializer is lamina.initializers.Identity
    assert lamina.initializers.OrthogonalInitializer is lamina.initializers.Orthogonal

"""Model.get_state_tree / set_state_tree against Keras's on the same trained model."""

import os

import numpy as np
import pytest

import lamina

os.environ.setdefault("KERAS_BACKEND", "jax")
keras = pytest.importorskip("keras")


def _trained(lib):
    model = lib.Sequential([lib.Input((3,)), lib.layers.Dense(2), lib.layers.BatchNormalization()])
    model.compile("adam", "mse", metrics=["mae"])
    model.fit(np.ones((4, 3), "float32"), np.ones((4, 2), "float32"), verbose=0)
    return model


def _shapes(tree):
    return {k: _shapes(v) if isinstance(v, dict) else tuple(np.shape(v)) for k, v in tree.items()}


def test_tree_layout_matches_keras():
    ours = _trained(lamina).get_state_tree("numpy_array")
    keras.backend.clear_session()  # Keras's names restart too, so the paths line up
    theirs = _trained(keras).get_state_tree("numpy_array")
    assert _shapes(ours) == _shapes(theirs)


def test_set_state_tree_moves_state_between_models():
    source = _trained(lamina)
    lamina.backend.clear_session()  # the same layer names, so the same paths
    target = _trained(lamina)
    tree = source.get_state_tree()
    tree["trainable_variables"]["sequential"]["dense"]["kernel"] = np.full((3, 2), 0.5)
    iteration = tree["optimizer_variables"]["adam"]["iteration"]
    tree["optimizer_variables"]["adam"]["iteration"] = np.asarray(5, np.asarray(iteration).dtype)
    tree["metrics_variables"]["loss"]["total"] = np.asarray(9.0, "float32")
    target.set_state_tree(tree)
    got = target.get_state_tree("numpy_array")
    np.testing.assert_allclose(got["trainable_variables"]["sequential"]["dense"]["kernel"], 0.5)
    assert int(got["optimizer_variables"]["adam"]["iteration"]) == 5
    assert target.optimizer.iterations.numpy() == 5
    np.testing.assert_allclose(got["metrics_variables"]["loss"]["total"], 9.0)


def test_bad_trees_and_formats_are_refused():
    model = _trained(lamina)
    with pytest.raises(ValueError, match="unknown variable group 'weights'"):
        model.set_state_tree({"weights": {}})
    with pytest.raises(ValueError, match=r"no variable at path\(s\) \['sequential/nope'\]"):
        model.set_state_tree({"trainable_variables": {"sequential": {"nope": 1.0}}})
    with pytest.raises(ValueError, match="value_format must be one of"):
        model.get_state_tree("torch")

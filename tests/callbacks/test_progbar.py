"""Progbar's parameters as in Keras 3.15: width 20, stateful/stateless metrics averaging."""

import inspect
import os

import pytest

import lamina

os.environ.setdefault("KERAS_BACKEND", "jax")
keras = pytest.importorskip("keras")


def test_positional_arguments_bind_as_in_keras():
    args = (10, 25, 0, 0.1, ["acc"], None, "sample")
    ours = inspect.signature(lamina.utils.Progbar).bind(*args)
    theirs = inspect.signature(keras.utils.Progbar).bind(*args)
    ours.apply_defaults()
    theirs.apply_defaults()
    assert ours.arguments == theirs.arguments
    assert lamina.utils.Progbar(5).width == keras.utils.Progbar(5).width == 20
    assert not inspect.signature(lamina.callbacks.ProgbarLogger).parameters


def test_values_are_averaged_over_steps_unless_stateful():
    bar = lamina.utils.Progbar(10, verbose=0, stateful_metrics=["acc"])
    bar.update(2, [("loss", 1.0), ("acc", 0.5)])
    bar.update(5, [("loss", 4.0), ("acc", 0.7)])
    # loss: (1 * 2 + 4 * 3) / 5 steps; acc shown as given.
    assert bar._values["loss"] == pytest.approx(14 / 5)
    assert bar._values["acc"] == 0.7
    only = lamina.utils.Progbar(10, verbose=0, stateless_metrics=["loss"])
    only.update(1, [("loss", 2.0), ("acc", 0.1)])
    only.update(2, [("loss", 4.0), ("acc", 0.3)])
    assert only._values == {"loss": pytest.approx(3.0), "acc": 0.3}


def test_both_metric_lists_are_refused():
    with pytest.raises(ValueError, match="Progbar: give at most one of stateful_metrics"):
        lamina.utils.Progbar(3, stateful_metrics=["a"], stateless_metrics=["b"])

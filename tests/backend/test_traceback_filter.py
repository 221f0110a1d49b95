"""Errors out of fit / evaluate / predict keep only the user's frames while traceback
filtering is on (the default), as Keras's do; all frames when it is off."""

import os
import traceback

import numpy as np
import pytest

import lamina

os.environ.setdefault("KERAS_BACKEND", "jax")
keras = pytest.importorskip("keras")


def _frames(k, call):
    model = k.Sequential([k.Input((2,)), k.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    with pytest.raises(ValueError) as info:
        call(model)
    return [(f.filename, f.name) for f in traceback.extract_tb(info.value.__traceback__)]


def _inner(frames, package):
    """Frames of `package` other than decorators' wrappers (Keras: error_handler)."""
    return [f for f in frames if f[0].startswith(package) and f[1] not in
            ("wrapper", "error_handler")]


CALLS = {
    "fit": lambda m: m.fit(np.ones((4, 2)), np.ones((5, 1)), verbose=0),
    "evaluate": lambda m: m.evaluate(np.ones((4, 2)), np.ones((5, 1)), verbose=0),
    "predict": lambda m: m.predict(np.ones((4, 3)), verbose=0),
}


@pytest.mark.parametrize("name", sorted(CALLS))
def test_filtered_frames_are_the_users_like_keras(name):
    assert lamina.config.is_traceback_filtering_enabled()
    frames = _frames(lamina, CALLS[name])
    assert frames[0][0] == __file__
    inner = _inner(frames, os.path.dirname(lamina.__file__))
    assert inner == [frames[-1]]  # only the line that raised, as in Keras
    keras_frames = _frames(keras, CALLS[name])
    assert keras_frames[0][0] == __file__
    assert _inner(keras_frames, os.path.dirname(keras.__file__)) == [keras_frames[-1]]


def test_disabled_filtering_keeps_lamina_frames():
    lamina.config.disable_traceback_filtering()
    try:
        frames = _frames(lamina, CALLS["fit"])
    finally:
        lamina.config.enable_traceback_filtering()
    assert any(f[0].endswith("data_adapter.py") for f in _inner(
        frames, os.path.dirname(lamina.__file__)))

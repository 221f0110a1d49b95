"""clone_model and to_json / model_from_json."""

import os
import sys

import numpy as np
import pytest

import lamina as keras

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "examples"))
import note_models as note  # noqa: E402


def _same_structure(a, b):
    assert [type(l).__name__ for l in a.layers] == [type(l).__name__ for l in b.layers]
    assert [w.shape for w in a.weights] == [w.shape for w in b.weights]


@pytest.mark.parametrize("build", [note.sequential_model, note.functional_model,
                                   lambda: note.ticket_model(50, 5, 4)])
def test_clone_has_same_architecture_and_new_weights(build):
    model = build()
    if not model.built:
        model.build((None, 3))
    clone = keras.models.clone_model(model)
    _same_structure(model, clone)
    assert all(w1 is not w2 for w1, w2 in zip(model.weights, clone.weights))
    clone.set_weights(model.get_weights())
    inputs = [np.ones((2,) + tuple(t.shape[1:]), "float32") for t in clone.inputs]
    inputs = inputs[0] if len(inputs) == 1 else inputs
    expected = model.predict(inputs, verbose=0)
    got = clone.predict(inputs, verbose=0)
    for a, b in zip(expected if isinstance(expected, list) else [expected],
                    got if isinstance(got, list) else [got]):
        np.testing.assert_allclose(b, a, rtol=1e-6)


def test_clone_function_replaces_layers():
    model = note.functional_model()

    def swap(layer):
        config = layer.get_config()
        if type(layer).__name__ == "Dense" and config["units"] == 64:
            config["units"] = 32
        return layer.__class__.from_config(config)

    clone = keras.models.clone_model(model, clone_function=swap)
    assert clone.layers[1].units == 32 and clone.count_params() == 3 * 32 + 32 + 32 * 10 + 10


def test_json_round_trip():
    model = note.ticket_model(50, 5, 4)
    text = model.to_json()
    rebuilt = keras.models.model_from_json(text)
    _same_structure(model, rebuilt)
    assert [l.name for l in rebuilt.layers] == [l.name for l in model.layers]
    with pytest.raises(ValueError, match="JSON"):
        keras.models.model_from_json("{not json")


def test_clone_model_refuses_unknown_keywords_clearly():
    import inspect
    import os
    os.environ.setdefault("KERAS_BACKEND", "jax")
    real = pytest.importorskip("keras")
    args = ("m", "t", "f", "c", True)
    assert inspect.signature(keras.models.clone_model).bind(*args).arguments == \
        inspect.signature(real.models.clone_model).bind(*args).arguments
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    with pytest.raises(TypeError, match=r"clone_model: keyword argument\(s\) \['cache'\]"):
        keras.models.clone_model(model, cache={})

"""model.layers of functional models in Keras 3's order (deepest first, ties by first visit
from the outputs): the same list, weights order and summary rows as Keras."""

import numpy as np
import pytest

import lamina
from lamina import layers

real_keras = pytest.importorskip("keras")


def _ticket_like(k):
    title = k.Input(shape=(None,), name="title", dtype="int32")
    body = k.Input(shape=(None,), name="body", dtype="int32")
    tags = k.Input(shape=(5,), name="tags")
    emb = k.layers.Embedding(50, 4, name="emb")
    t = k.layers.GRU(3, name="gru_t")(emb(title))
    b = k.layers.GRU(2, name="gru_b")(emb(body))
    x = k.layers.Concatenate(name="cat")([t, b, tags])
    h = k.layers.Dense(4, name="hidden")(x)
    skip = k.layers.Dense(4, name="skip")(tags)
    out = k.layers.Add(name="add")([h, skip])
    return k.Model([title, body, tags], [k.layers.Dense(1, name="prio")(out),
                                          k.layers.Dense(2, name="dept")(x)])


def test_layers_weights_and_summary_rows_in_keras_order():
    ours, theirs = _ticket_like(lamina), _ticket_like(real_keras)
    names = [l.name for l in theirs.layers]
    assert names.index("tags") > names.index("gru_b")  # not all InputLayers first
    assert [l.name for l in ours.layers] == names
    assert [w.path for w in ours.weights] == [w.path for w in theirs.weights]
    rows = []
    ours.summary(print_fn=rows.append)
    listed = [r.split()[0] for r in rows if r.split() and r.split()[0] in names]
    assert listed == names
    # get_weights() lists move between the two libraries as they are.
    ours.set_weights(theirs.get_weights())
    xs = [np.array([[1, 2, 3]], "int32"), np.array([[4, 5]], "int32"),
          np.linspace(-1, 1, 5, dtype="float32")[None]]
    for a, b in zip(ours.predict(xs, verbose=0), theirs.predict(xs, verbose=0)):
        np.testing.assert_allclose(a, b, atol=1e-5)

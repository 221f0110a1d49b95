"""activity_regularizer is a base Layer argument: each output of a call adds
`regularizer(output) / batch_size` (Keras 3's rule), and a jitted `model(x)` leaves the
losses its layers added in `model.losses`, as an eager call does."""

import numpy as np
import pytest

import lamina as keras
from lamina import layers

RNG = np.random.default_rng(0)
X3 = RNG.random((4, 5, 3)).astype("float32")
X4 = RNG.random((4, 6, 6, 3)).astype("float32")
TOKENS = (X3[..., 0] * 9).astype("int32")


def _l2(*arrays, batch=4):
    return [0.01 * float(np.sum(np.square(np.asarray(a)))) / batch for a in arrays]


def test_dense_divides_by_batch_size():
    dense = layers.Dense(2, activity_regularizer="l2", kernel_initializer="ones")
    out = dense(X3)
    assert [float(v) for v in dense.losses] == pytest.approx(_l2(out))


def test_every_output_of_a_layer_with_states_is_regularized():
    lstm = layers.LSTM(2, return_state=True, activity_regularizer="l2")
    out, h, c = lstm(X3)
    assert [float(v) for v in lstm.losses] == pytest.approx(_l2(out, h, c), rel=1e-5)


def test_any_layer_accepts_it_and_the_config_keeps_it():
    emb = layers.Embedding(10, 2, embeddings_initializer="ones", activity_regularizer="l1")
    emb(TOKENS)
    assert [float(v) for v in emb.losses] == pytest.approx([0.01 * 4 * 5 * 2 / 4])
    again = layers.Embedding.from_config(emb.get_config())
    assert type(again.activity_regularizer).__name__ == "L1"
    assert "activity_regularizer" not in layers.Embedding(10, 2).get_config()


def test_model_call_leaves_the_losses_of_its_layers():
    inp = keras.Input((5, 3))
    h = layers.LSTM(4, return_sequences=True, activity_regularizer="l2")(inp)
    inner = keras.Sequential([layers.Dense(2, activity_regularizer="l1",
                                           kernel_initializer="ones")])
    model = keras.Model(inp, inner(h))
    assert model.losses == []
    out = model(X3)
    hidden = keras.Model(inp, h)(X3)
    expected = _l2(hidden) + [0.01 * float(np.abs(np.asarray(out)).sum()) / 4]
    assert [float(v) for v in model.losses] == pytest.approx(expected, rel=1e-5)
    assert len(inner.losses) == 1
    model(X3[:2])  # replaced at each call, not accumulated
    assert len(model.losses) == 2
    assert float(model.losses[1]) == pytest.approx(
        0.01 * float(np.abs(np.asarray(model(X3[:2]))).sum()) / 2, rel=1e-5)


def test_subclassed_model_add_loss_shows_after_a_call():
    class WithLoss(keras.Model):
        def __init__(self):
            super().__init__()
            self.dense = layers.Dense(3)

        def call(self, x):
            self.add_loss(keras.ops.sum(x) * 0.5)
            return self.dense(x)

    model = WithLoss()
    model(X3[:, 0])
    model(X3[:, 0])
    assert [float(v) for v in model.losses] == pytest.approx([0.5 * float(X3[:, 0].sum())])


def test_training_uses_the_same_penalty():
    model = keras.Sequential([keras.Input((3,)),
                              layers.Dense(2, activity_regularizer="l2",
                                           kernel_initializer="ones")])
    model.compile("sgd", "mse")
    x = X3[:, 0]
    out = np.asarray(model(x))
    loss = model.evaluate(x, np.zeros((4, 2)), verbose=0)
    assert loss == pytest.approx(float(np.mean(out ** 2)) + _l2(out)[0], rel=1e-5)


CASES = {
    "Dense": (lambda L: L.Dense(2, activity_regularizer="l2"), X3),
    "EinsumDense": (lambda L: L.EinsumDense("abc,cd->abd", (5, 2), activity_regularizer="l2"), X3),
    "Conv2D": (lambda L: L.Conv2D(2, 3, activity_regularizer="l2"), X4),
    "Conv2DTranspose": (lambda L: L.Conv2DTranspose(2, 3, activity_regularizer="l1"), X4),
    "SeparableConv2D": (lambda L: L.SeparableConv2D(2, 3, activity_regularizer="l2"), X4),
    "GRU": (lambda L: L.GRU(2, return_state=True, activity_regularizer="l2"), X3),
    "LSTM": (lambda L: L.LSTM(2, return_state=True, return_sequences=True,
                              activity_regularizer="l2"), X3),
    "Embedding": (lambda L: L.Embedding(10, 2, activity_regularizer="l2"), TOKENS),
    "PReLU": (lambda L: L.PReLU(activity_regularizer="l1"), X3),
    "ActivityRegularization": (lambda L: L.ActivityRegularization(0.1, 0.2), X3),
    "MultiHeadAttention": (lambda L: L.MultiHeadAttention(2, 2, activity_regularizer="l2"), None),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_losses_equal_keras(name):
    """Same weights, same input: the same list of activity losses as Keras 3 (MHA
    regularizes its four projections, not its own output)."""
    kr = pytest.importorskip("keras")
    make, x = CASES[name]
    mine, ref = make(layers), make(kr.layers)
    args = (X3, X3) if x is None else (x,)
    ref(*args)
    mine(*args)
    mine.set_weights([np.asarray(w) for w in ref.get_weights()])
    ref(*args)
    mine(*args)
    np.testing.assert_allclose([float(v) for v in mine.losses],
                               [float(v) for v in ref.losses], rtol=1e-5)

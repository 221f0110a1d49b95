"""compile() without `loss`: fit minimizes the losses the model adds (add_loss), as Keras 3."""

import numpy as np
import pytest


def _model(lib):
    class Penalty(lib.layers.Layer):
        def call(self, x):
            self.add_loss(lib.ops.mean(lib.ops.square(x - 1.0)))
            return x

    rng = np.random.default_rng(0)
    inputs = lib.Input((4,))
    outputs = Penalty()(lib.layers.Dense(3)(inputs))
    model = lib.Model(inputs, outputs)
    model.set_weights([rng.normal(0, 0.5, w.shape).astype("float32")
                       for w in model.get_weights()])
    model.compile(optimizer=lib.optimizers.SGD(0.1))
    return model


def test_fit_on_added_losses_only_matches_keras():
    keras = pytest.importorskip("keras")
    import lamina

    x = np.random.default_rng(1).normal(size=(32, 4)).astype("float32")
    results = []
    for lib in (lamina, keras):
        model = _model(lib)
        history = model.fit(x, epochs=2, batch_size=8, verbose=0, shuffle=False)
        results.append((history.history, model.get_weights(), model.evaluate(x, verbose=0)))
    (h_lamina, w_lamina, e_lamina), (h_keras, w_keras, e_keras) = results
    np.testing.assert_allclose(h_lamina["loss"], h_keras["loss"], rtol=1e-5)
    np.testing.assert_allclose(e_lamina, e_keras, rtol=1e-5)
    for a, b in zip(w_lamina, w_keras):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


def test_class_weight_must_be_a_dict():
    import lamina

    model = _model(lamina)
    with pytest.raises(ValueError, match="class_weight must be a dict"):
        model.fit(np.zeros((4, 4)), np.zeros(4), class_weight=[1.0, 2.0], verbose=0)

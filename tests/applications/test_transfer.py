"""Transfer learning as Keras users write it: a frozen base without its top, a new head."""

import numpy as np

import lamina


def test_frozen_base_trains_only_the_new_head():
    base = lamina.applications.MobileNetV2(weights=None, include_top=False, alpha=0.35,
                                           input_shape=(32, 32, 3), pooling="avg")
    base.trainable = False
    inputs = lamina.Input((32, 32, 3))
    outputs = lamina.layers.Dense(3, activation="softmax")(base(inputs, training=False))
    model = lamina.Model(inputs, outputs)
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    rng = np.random.default_rng(0)
    x = rng.uniform(-1, 1, (48, 32, 32, 3)).astype("float32")
    y = rng.integers(0, 3, 48)
    before = [w.numpy().copy() for w in base.weights]
    head_before = model.layers[-1].kernel.numpy().copy()
    history = model.fit(x, y, epochs=3, batch_size=16, verbose=0)
    assert not np.array_equal(model.layers[-1].kernel.numpy(), head_before)
    assert history.history["loss"][-1] < history.history["loss"][0]
    for b, w in zip(before, base.weights):
        np.testing.assert_array_equal(w.numpy(), b)
    assert len(model.trainable_weights) == 2

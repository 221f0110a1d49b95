"""A keras.utils.PyDataset subclass trains like arrays, with or without worker threads."""

import threading

import numpy as np

import lamina as keras


class Squares(keras.utils.PyDataset):
    def __init__(self, x, y, batch_size, **kwargs):
        super().__init__(**kwargs)
        self.x, self.y, self.bs = x, y, batch_size
        self.begun = self.ended = 0
        self.threads = set()

    def __len__(self):
        return int(np.ceil(len(self.x) / self.bs))

    def __getitem__(self, i):
        self.threads.add(threading.get_ident())
        s = slice(i * self.bs, (i + 1) * self.bs)
        return self.x[s], self.y[s]

    def on_epoch_begin(self):
        self.begun += 1

    def on_epoch_end(self):
        self.ended += 1


def _model():
    keras.utils.set_random_seed(3)
    model = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(1)])
    model.compile(keras.optimizers.SGD(0.05), "mse")
    return model


def test_py_dataset_with_workers_matches_arrays():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(50, 4)).astype("float32")
    y = x.sum(1, keepdims=True)
    ref = _model()
    weights = ref.get_weights()
    ref.fit(x, y, batch_size=8, epochs=2, shuffle=False, verbose=0)
    for workers in (1, 3):
        model = _model()
        model.set_weights(weights)
        data = Squares(x, y, 8, workers=workers, max_queue_size=4)
        assert data.num_batches == 7 and data.workers == workers
        model.fit(data, epochs=2, shuffle=False, verbose=0)
        assert data.begun == 2 and data.ended == 2
        if workers > 1:
            assert data.threads - {threading.get_ident()}  # batches fetched on worker threads
        for a, b in zip(ref.get_weights(), model.get_weights()):
            np.testing.assert_allclose(b, a, rtol=1e-5, atol=1e-6)
    preds = model.predict(Squares(x, y, 8), verbose=0)
    assert preds.shape == (50, 1)

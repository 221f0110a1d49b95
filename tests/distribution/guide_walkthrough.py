"""The steps of Keras 3's distribution guide, written against `lamina as keras`, on 8
simulated CPU devices (run in a subprocess by the test; prints one JSON line).

The same public calls in the same order: initialize() outside a cluster, list_devices,
a 2x4 DeviceMesh, TensorLayouts, DataParallel (default, devices=, a 1-D mesh),
set_distribution / distribution() / scope(), a model built, compiled, summarized and fit
on batches; then a LayoutMap that shards "d1" and lays out "d2/output", ModelParallel.
"""

import json

import numpy as np

import lamina as keras
from lamina import layers

result = {}
try:
    keras.distribution.initialize()
    result["initialize"] = "ok"
except Exception as e:  # no cluster here: JAX refuses, as the guide expects on one host
    result["initialize"] = f"{type(e).__name__}"

devices = keras.distribution.list_devices()
mesh = keras.distribution.DeviceMesh(shape=(2, 4), axis_names=["data", "model"], devices=devices)
layout_2d = keras.distribution.TensorLayout(axes=("model", "data"), device_mesh=mesh)
layout_4d = keras.distribution.TensorLayout(axes=("data", None, None, None), device_mesh=mesh)
result["layout_2d"] = str(layout_2d.backend_layout.spec)


class Batches(keras.utils.PyDataset):
    """Re-iterable batches of 16 (the guide feeds a batched dataset)."""

    def __init__(self, n=128, batch=16, flat=False):
        super().__init__()
        rng = np.random.default_rng(0)
        self.x = rng.random((n, 28, 28, 1), dtype=np.float32)
        if flat:
            self.x = self.x.reshape(n, 784)
        self.y = rng.random((n, 10), dtype=np.float32)
        self.batch = batch

    def __len__(self):
        return len(self.x) // self.batch

    def __getitem__(self, i):
        rows = slice(i * self.batch, (i + 1) * self.batch)
        return self.x[rows], self.y[rows]


def mnist_like_model():
    inputs = layers.Input(shape=(28, 28, 1))
    h = layers.Flatten()(inputs)
    h = layers.Dense(units=200, activation="relu")(h)
    h = layers.Dropout(0.4)(h)
    outputs = layers.Dense(units=10, activation="softmax")(h)
    return keras.Model(inputs=inputs, outputs=outputs)


for how in ("default", "devices", "mesh_1d"):
    if how == "default":
        data_parallel = keras.distribution.DataParallel()
    elif how == "devices":
        data_parallel = keras.distribution.DataParallel(devices=devices)
    else:
        mesh_1d = keras.distribution.DeviceMesh(shape=(8,), axis_names=["data"], devices=devices)
        data_parallel = keras.distribution.DataParallel(device_mesh=mesh_1d)
    keras.distribution.set_distribution(data_parallel)
    assert keras.distribution.distribution() is data_parallel
    model = mnist_like_model()
    model.compile(loss="mse", optimizer="adam")
    model.summary(print_fn=lambda *a, **k: None)
    history = model.fit(Batches(), epochs=2, verbose=0)
    model.evaluate(Batches(), verbose=0)
    result[f"dp_{how}"] = history.history["loss"]
keras.distribution.set_distribution(None)

with keras.distribution.DataParallel(devices=devices).scope():
    model = mnist_like_model()
    model.compile(loss="mse", optimizer="adam")
    model.fit(Batches(), epochs=1, verbose=0)
    result["scope_devices"] = len(model.weights[0].value.sharding.device_set)

layout_map = keras.distribution.LayoutMap(mesh)
layout_map["d1/kernel"] = keras.distribution.TensorLayout([None, "model"])
layout_map["d1/bias"] = ("model",)
layout_map["d2/output"] = ("data", None)
model_parallel = keras.distribution.ModelParallel(layout_map=layout_map, batch_dim_name="data")
keras.distribution.set_distribution(model_parallel)
model = keras.Sequential([
    layers.Input(shape=(784,)),
    layers.Dense(200, activation="relu", name="d1"),
    layers.Dense(10, activation="softmax", name="d2"),
])
model.summary(print_fn=lambda *a, **k: None)
model.compile(loss="mse", optimizer="adam")
history = model.fit(Batches(flat=True), epochs=1, verbose=0)
result["mp_loss"] = history.history["loss"]
result["d1_kernel"] = str(model.get_layer("d1").kernel.value.sharding.spec)
x = np.ones((16, 784), "float32")
result["d2_output"] = str(keras.distribution.distribute_tensor(
    model(x), layout_map["d2/output"]).sharding.spec)
print(json.dumps(result))

"""Run in a subprocess with 8 simulated CPU devices (XLA_FLAGS set by the test): the note's
MNIST model trained single-device, DataParallel over 8 devices and ModelParallel on a 2x4
mesh, from the same weights on the same global batches. Prints one JSON line of results."""

import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "examples"))
import note_models as note  # noqa: E402

SAVED = os.path.join(os.environ.get("LAMINA_TEST_TMP", "/tmp"), "model_parallel.keras")

import lamina  # noqa: E402
from lamina import distribution  # noqa: E402


def train(weights, data, dist, save_to=None):
    (x, y), test_x = data
    distribution.set_distribution(dist)
    try:
        lamina.backend.clear_session()  # layer names dense, dense_1 for the LayoutMap
        lamina.utils.set_random_seed(3)
        model = note.get_mnist_model()
        model.set_weights(weights)
        model.compile(optimizer="rmsprop", loss="sparse_categorical_crossentropy",
                      metrics=["accuracy"])
        history = model.fit(x, y, epochs=2, batch_size=64, verbose=0)
        shardings = {v.path: str(getattr(v.value.sharding, "spec", None)) for v in model.weights}
        devices = {v.path: len(v.value.sharding.device_set) for v in model.weights}
        slots = {v.path: str(getattr(v.value.sharding, "spec", None)) for v in model.optimizer.variables
                 if v.ndim == 2}
        if save_to:
            model.save(save_to)
        return {"weights": [w.tolist() for w in model.get_weights()],
                "pred": model.predict(test_x, verbose=0).tolist(),
                "loss": history.history["loss"], "shardings": shardings, "devices": devices,
                "slots": slots}
    finally:
        distribution.set_distribution(None)


def main():
    (x, y), _, (test_x, _) = note.load_mnist_splits()
    data = ((x[:1024], y[:1024]), test_x[:64])
    weights = note.get_mnist_model().get_weights()
    mesh = distribution.DeviceMesh((2, 4), ["batch", "model"])
    layout_map = distribution.LayoutMap(mesh)
    layout_map["dense/kernel"] = (None, "model")
    layout_map["dense/bias"] = ("model",)
    layout_map["dense_1/kernel"] = ("model", None)
    results = {
        "devices": distribution.list_devices(),
        "single": train(weights, data, None),
        "data": train(weights, data, distribution.DataParallel()),
        "model": train(weights, data, distribution.ModelParallel(layout_map=layout_map,
                                                                 batch_dim_name="batch"),
                       save_to=SAVED),
    }
    # The sharded model's file loads into another layout, and into none.
    for name, dist in (("reload_data", distribution.DataParallel()), ("reload_none", None)):
        distribution.set_distribution(dist)
        loaded = lamina.saving.load_model(SAVED)
        results[name] = {"weights": [w.tolist() for w in loaded.get_weights()],
                         "devices": len(loaded.weights[0].value.sharding.device_set)}
        distribution.set_distribution(None)
    try:
        distribution.set_distribution(distribution.DataParallel())
        model = note.get_mnist_model()
        model.compile("sgd", "sparse_categorical_crossentropy")
        model.fit(x[:60], y[:60], batch_size=30, verbose=0)
    except ValueError as error:
        results["bad_batch"] = str(error)
    print(json.dumps(results))


if __name__ == "__main__":
    main()

"""Saving demo: save a trained model, load it back, check it predicts the same.

`examples/demo.py` calls `save_and_reload(model, sample_inputs, out_dir)` with the trained
ticket classifier. Run alone (`python examples/saving_demo.py`) it trains a small one.
"""

import os
import sys

import numpy as np

import lamina as keras


def _as_list(outputs):
    return list(outputs) if isinstance(outputs, (list, tuple)) else [outputs]


def save_and_reload(model, sample_inputs, out_dir, name="ticket_classifier"):
    """Save `model` to `<out_dir>/<name>.keras` and `<name>.weights.h5`, load both back and
    check the predictions on `sample_inputs` are identical. Returns the loaded model."""
    os.makedirs(out_dir, exist_ok=True)
    path = os.path.join(out_dir, f"{name}.keras")
    model.save(path)
    print(f"saved {path} ({os.path.getsize(path) / 1024:.0f} KiB): config.json, "
          "metadata.json, model.weights.h5 (Keras 3 format)")
    loaded = keras.models.load_model(path)
    before = _as_list(model.predict(sample_inputs, verbose=0))
    after = _as_list(loaded.predict(sample_inputs, verbose=0))
    worst = max(float(np.max(np.abs(a - b))) for a, b in zip(before, after))
    state = "not compiled"
    if loaded.compiled:
        state = (f"compiled, {type(loaded.optimizer).__name__} state restored at step "
                 f"{int(np.asarray(loaded.optimizer.iterations))}")
    print(f"loaded {type(loaded).__name__} '{loaded.name}': {len(loaded.layers)} layers, {state}")
    print(f"largest prediction difference after reload: {worst:g}")
    if worst != 0.0:
        raise AssertionError("the reloaded model predicts differently")
    weights_path = os.path.join(out_dir, f"{name}.weights.h5")
    model.save_weights(weights_path)
    loaded.load_weights(weights_path)
    print(f"saved and reloaded weights only: {weights_path}")
    return loaded


def main():
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import note_models as note

    rng = np.random.default_rng(0)
    x = [rng.integers(0, 2, (256, 500)).astype("float32"),
         rng.integers(0, 2, (256, 500)).astype("float32"),
         rng.integers(0, 2, (256, 20)).astype("float32")]
    y = [rng.random((256, 1)).astype("float32"),
         np.eye(4, dtype="float32")[rng.integers(0, 4, 256)]]
    model = note.ticket_model(500, 20, 4)
    model.compile(optimizer="adam", loss=["mean_squared_error", "categorical_crossentropy"],
                  metrics=[["mean_absolute_error"], ["accuracy"]])
    model.fit(x, y, epochs=2, batch_size=32, verbose=0)
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "out")
    save_and_reload(model, [a[:8] for a in x], out)


if __name__ == "__main__":
    main()

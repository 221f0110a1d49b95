"""Text pipeline, lamina vs Keras 3 + TensorFlow, side by side (not part of CI).

    .venv/bin/python bench/bench_text.py --keras-python PATH/TO/tf-venv/bin/python

The tf venv needs tensorflow-cpu and keras==3.15.1: Keras's TextVectorization needs
TensorFlow, and only Keras's TensorFlow backend runs a model with string inputs (on JAX,
Keras refuses string arrays), so the Keras side runs with KERAS_BACKEND=tensorflow.
Both sides run the same code in fresh subprocesses, alternating, median of --repeats:

- adapt: `TextVectorization(max_tokens=20000, output_sequence_length=32).adapt(texts)`
  on 20,000 short texts (10-30 words drawn from a Zipf-distributed 30,000-word vocabulary);
- fit: Input(string) -> that layer -> Embedding(20000, 32) -> GlobalAveragePooling1D ->
  Dense(1, sigmoid), adam, batch 32, `fit(texts, labels, epochs=2)`; samples/s of epoch 2.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys

WORKER = r"""
import json, os, sys, time
import numpy as np
lib = sys.argv[1]
if lib == "lamina":
    import lamina as keras
else:
    import keras
rng = np.random.default_rng(0)
words = np.array([f"w{i}" for i in range(30000)])
ranks = np.minimum(rng.zipf(1.2, size=600000) - 1, 29999)
lengths = rng.integers(10, 31, size=20000)
ends = np.cumsum(lengths)
texts = np.array([" ".join(words[ranks[e - n:e]]) for e, n in zip(ends, lengths)])
labels = (np.char.count(texts, "w1 ") > 0).astype("float32")
t0 = time.perf_counter()
layer = keras.layers.TextVectorization(max_tokens=20000, output_sequence_length=32)
layer.adapt(texts)
adapt_s = time.perf_counter() - t0
inputs = keras.Input(shape=(1,), dtype="string")
x = keras.layers.Embedding(20000, 32)(layer(inputs))
x = keras.layers.GlobalAveragePooling1D()(x)
model = keras.Model(inputs, keras.layers.Dense(1, activation="sigmoid")(x))
model.compile("adam", "binary_crossentropy")
marks = []
class Mark(keras.callbacks.Callback):
    def on_epoch_end(self, epoch, logs=None):
        marks.append(time.perf_counter())
t0 = time.perf_counter()
if lib == "lamina":
    feed = texts[:, None]
else:  # Keras's fit takes strings as a TensorFlow tensor (NumPy str/object arrays fail)
    import tensorflow as tf
    feed = tf.constant(texts)[:, None]
model.fit(feed, labels, batch_size=32, epochs=2, verbose=0, callbacks=[Mark()])
print(json.dumps({"adapt_s": adapt_s, "fit_samples_per_s": 20000 / (marks[1] - marks[0]),
                  "first_epoch_s": marks[0] - t0}))
"""


def run(python, lib):
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("XLA_", "JAX_", "KERAS_", "TF_", "OMP_")) and k != "PYTHONPATH"}
    env.update(OMP_WAIT_POLICY="PASSIVE", JAX_PLATFORMS="cpu", TF_CPP_MIN_LOG_LEVEL="3",
               KERAS_BACKEND="jax" if lib == "lamina" else "tensorflow")
    out = subprocess.run([python, "-c", WORKER, lib], env=env, capture_output=True, text=True,
                         cwd=os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    if out.returncode:
        raise RuntimeError(f"{lib} worker failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--keras-python", required=True)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    results = {"lamina": [], "keras": []}
    for r in range(args.repeats):
        order = ["lamina", "keras"] if r % 2 == 0 else ["keras", "lamina"]
        for lib in order:
            python = sys.executable if lib == "lamina" else args.keras_python
            results[lib].append(run(python, lib))
    print(f"{'figure':<34}{'lamina':>12}{'Keras+TF':>12}{'ratio':>9}")
    for key, label in (("adapt_s", "adapt 20k texts, s"),
                       ("fit_samples_per_s", "fit epoch 2, samples/s"),
                       ("first_epoch_s", "fit epoch 1 (incl. compile), s")):
        ours = statistics.median(r[key] for r in results["lamina"])
        theirs = statistics.median(r[key] for r in results["keras"])
        print(f"{label:<34}{ours:>12.3f}{theirs:>12.3f}{ours / theirs:>8.2f}x")


if __name__ == "__main__":
    main()

"""Do epoch-level callbacks slow training down? The note's MNIST MLP, with and without them.

    python bench/bench_callbacks.py [--epochs 2] [--repeats 3] [--samples 50000]

Trains 784 -> Dense 512 relu -> Dropout 0.5 -> Dense 10 softmax (rmsprop, batch 128) on the
real MNIST (50,000 train / 10,000 validation, as in the note) in one process:

  none       callbacks=[]
  epoch      EarlyStopping(val_accuracy, patience 2) + ModelCheckpoint(save_best_only on
             val_loss) + CSVLogger + TensorBoard(update_freq="epoch")
  batch      (for information) a LossHistory-style callback reading every batch's loss

Each configuration has its own model (compiled once, warmed up by a first fit); every
repeat resets weights and optimizer state and times `fit(epochs=E)`, configurations
interleaved (order alternating). Prints medians and the ratio epoch / none (target <= 1.05).
"""

import argparse
import os
import statistics
import sys
import tempfile
import time

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import numpy as np  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import lamina as keras  # noqa: E402

MNIST = os.environ.get("LAMINA_BENCH_MNIST", os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "data", "mnist.npz"))


def load(samples):
    with np.load(os.path.abspath(MNIST)) as d:
        x, y = d["x_train"], d["y_train"]
    x = x.reshape(len(x), 784).astype("float32") / 255.0
    val = (x[:10000], y[:10000])
    return (x[10000:10000 + samples], y[10000:10000 + samples]), val


def mnist_mlp():
    model = keras.Sequential([
        keras.Input(shape=(784,)),
        keras.layers.Dense(512, activation="relu"),
        keras.layers.Dropout(0.5),
        keras.layers.Dense(10, activation="softmax"),
    ])
    model.compile(optimizer="rmsprop", loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    return model


class LossHistory(keras.callbacks.Callback):
    """The note's callback without the plotting: every batch's loss."""

    def on_train_begin(self, logs):
        self.per_batch_losses = []

    def on_batch_end(self, batch, logs):
        self.per_batch_losses.append(logs.get("loss"))


def make_callbacks(name, folder):
    if name == "none":
        return []
    if name == "batch":
        return [LossHistory()]
    return [
        keras.callbacks.EarlyStopping(monitor="val_accuracy", patience=2),
        keras.callbacks.ModelCheckpoint(os.path.join(folder, "best.keras"), monitor="val_loss",
                                        save_best_only=True),
        keras.callbacks.CSVLogger(os.path.join(folder, "log.csv")),
        keras.callbacks.TensorBoard(log_dir=os.path.join(folder, "tb"), update_freq="epoch"),
    ]


class Runner:
    """One configuration: its model, initial state, and the timed fits."""

    def __init__(self, name, train, val, folder):
        self.name, self.train, self.val = name, train, val
        self.folder = os.path.join(folder, name)
        keras.utils.set_random_seed(0)
        self.model = mnist_mlp()
        self.times = []
        self.cpu_times = []  # process CPU seconds: other processes disturb them much less

    def warm_up(self):
        """Compile (once all models exist: building one invalidates the others' caches)."""
        self.model.fit(*self.train, batch_size=128, epochs=1, validation_data=self.val,
                       verbose=0, callbacks=make_callbacks(self.name, self.folder))
        self.initial = [v.numpy() for v in self.model.variables]
        self.initial_opt = [v.numpy() for v in self.model.optimizer.variables]

    def run(self, epochs):
        for v, value in zip(self.model.variables, self.initial):
            v.assign(value)
        for v, value in zip(self.model.optimizer.variables, self.initial_opt):
            v.assign(value)
        callbacks = make_callbacks(self.name, self.folder)
        start, cpu_start = time.perf_counter(), time.process_time()
        history = self.model.fit(*self.train, batch_size=128, epochs=epochs,
                                 validation_data=self.val, verbose=0, callbacks=callbacks)
        self.times.append(time.perf_counter() - start)
        self.cpu_times.append(time.process_time() - cpu_start)
        if self.name == "batch":  # still every batch's loss
            steps = epochs * -(-len(self.train[0]) // 128)
            assert len(callbacks[0].per_batch_losses) == steps, "a batch's loss was missed"
        return history


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--samples", type=int, default=50000)
    parser.add_argument("--no-batch", action="store_true", help="skip the informational run")
    args = parser.parse_args(argv)
    train, val = load(args.samples)
    names = ["none", "epoch"] + ([] if args.no_batch else ["batch"])
    with tempfile.TemporaryDirectory() as folder:
        runners = [Runner(n, train, val, folder) for n in names]
        for runner in runners:
            runner.warm_up()
        for r in range(args.repeats):
            order = runners if r % 2 == 0 else runners[::-1]
            for runner in order:
                history = runner.run(args.epochs)
                print(f"repeat {r + 1} {runner.name:5s} {runner.times[-1]:7.2f} s wall "
                      f"{runner.cpu_times[-1]:7.2f} s cpu  val_accuracy {history.history['val_accuracy'][-1]:.4f}", flush=True)
    med = {r.name: statistics.median(r.times) for r in runners}
    cpu = {r.name: statistics.median(r.cpu_times) for r in runners}
    steps = args.epochs * -(-len(train[0]) // 128)
    print(f"\nMNIST MLP, {len(train[0])} samples, batch 128, {args.epochs} epochs + validation, "
          f"median of {args.repeats}:")
    for name in names:
        print(f"  {name:5s} {med[name]:7.2f} s wall, {cpu[name]:7.2f} s cpu  "
              f"({1000 * med[name] / steps:.2f} ms/step incl. validation)")
    ratio = med["epoch"] / med["none"]
    print(f"ratio epoch-level callbacks / none = {ratio:.3f} wall, "
          f"{cpu['epoch'] / cpu['none']:.3f} cpu  (target <= 1.05: "
          f"{'met' if ratio <= 1.05 else 'NOT met'})")
    if "batch" in med:
        print(f"ratio every-batch callback / none = {med['batch'] / med['none']:.3f} wall, "
              f"{cpu['batch'] / cpu['none']:.3f} cpu (information)")
    return ratio


if __name__ == "__main__":
    main()

"""The note's callbacks section, end to end: EarlyStopping + ModelCheckpoint (the note's list),
CSVLogger, the note's LossHistory, TensorBoard, and the curves of the run.

    python examples/callbacks_demo.py [out_dir]     # real MNIST, default examples/out/callbacks

From another script: `run_callbacks_demo(model_factory, (x, y), (val_x, val_y), out_dir)`.
"""

import contextlib
import os
import sys

import numpy as np

import lamina as keras


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")  # files only, no window
    from matplotlib import pyplot as plt

    return plt


def loss_history_class(plt):
    """The note's LossHistory callback, as written there."""

    class LossHistory(keras.callbacks.Callback):
        def on_train_begin(self, logs):
            self.per_batch_losses = []

        def on_batch_end(self, batch, logs):
            self.per_batch_losses.append(logs.get("loss"))

        def on_epoch_end(self, epoch, logs):
            plt.clf()
            plt.plot(range(len(self.per_batch_losses)), self.per_batch_losses,
                     label="Training loss for each batch")
            plt.xlabel(f"Batch (epoch {epoch})")
            plt.ylabel("Loss")
            plt.legend()
            plt.savefig(f"plot_at_epoch_{epoch}")
            self.per_batch_losses = []

    return LossHistory


def run_callbacks_demo(model_factory, train, val, out_dir, epochs=10, verbose=2):
    """Train `model_factory()` (an uncompiled classifier) as the note does, with callbacks.

    Args:
        model_factory: returns a fresh, uncompiled model with softmax outputs.
        train, val: (images, integer labels) for training and validation.
        out_dir: gets checkpoint_path, training_log.csv, plot_at_epoch_*.png,
            tensorboard_log_dir/ and curves.png.
        epochs: as in the note, 10 (EarlyStopping may end sooner).

    Returns: the History.
    """
    out_dir = os.path.abspath(out_dir)
    os.makedirs(out_dir, exist_ok=True)
    plt = _pyplot()
    LossHistory = loss_history_class(plt)
    (train_images, train_labels), (val_images, val_labels) = train, val
    checkpoint = os.path.join(out_dir, "checkpoint_path")
    log_dir = os.path.join(out_dir, "tensorboard_log_dir")

    callbacks_list = [  # the note's list
        keras.callbacks.EarlyStopping(
            monitor="val_accuracy",
            patience=2,
        ),
        keras.callbacks.ModelCheckpoint(
            filepath=checkpoint,
            monitor="val_loss",
            save_best_only=True,
        ),
    ]
    callbacks_list += [
        keras.callbacks.CSVLogger(os.path.join(out_dir, "training_log.csv")),
        LossHistory(),
        keras.callbacks.TensorBoard(log_dir=log_dir),
    ]
    model = model_factory()
    model.compile(optimizer="rmsprop",
                  loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    with contextlib.chdir(out_dir):  # LossHistory saves its plots in the current folder
        history = model.fit(train_images, train_labels,
                            epochs=epochs,
                            callbacks=callbacks_list,
                            validation_data=(val_images, val_labels),
                            verbose=verbose)
    _report(history, epochs, checkpoint, (val_images, val_labels), out_dir, log_dir)
    return history


def _report(history, epochs, checkpoint, val, out_dir, log_dir):
    ran = len(history.epoch)
    best = int(np.argmin(history.history["val_loss"]))
    print(f"\ntrained {ran} of {epochs} epochs"
          + (" (EarlyStopping: val_accuracy stopped improving for 2 epochs)" if ran < epochs
             else ""))
    print(f"best val_loss {history.history['val_loss'][best]:.4f} at epoch {best + 1}")
    restored = keras.models.load_model(checkpoint)
    val_loss, val_acc = restored.evaluate(*val, verbose=0)
    print(f"load_model('{os.path.relpath(checkpoint)}').evaluate(val) -> loss {val_loss:.4f}, "
          f"accuracy {val_acc:.4f} (the best epoch's model)")
    with open(os.path.join(out_dir, "training_log.csv")) as f:
        rows = f.read().splitlines()
    print(f"training_log.csv ({len(rows) - 1} rows):\n  " + "\n  ".join(rows[:3]))
    plots = sorted(p for p in os.listdir(out_dir) if p.startswith("plot_at_epoch_"))
    print(f"LossHistory plots (one point per batch): {', '.join(plots)}")
    curves = os.path.join(out_dir, "curves.png")
    keras.utils.plot_history(history, curves, title="MNIST MLP with callbacks")
    print(f"train/validation curves: {os.path.relpath(curves)}")
    print("TensorBoard event files are in", os.path.relpath(log_dir), "- view them with:\n"
          f"  tensorboard --logdir {os.path.relpath(log_dir)}\n"
          "  (in Jupyter: %load_ext tensorboard, then %tensorboard --logdir ...), and open "
          "http://localhost:6006")


def main(argv):
    here = os.path.dirname(os.path.abspath(__file__))
    sys.path.insert(0, here)
    import note_models as note

    out_dir = argv[1] if len(argv) > 1 else os.path.join(here, "out", "callbacks")
    train, val, _ = note.load_mnist_splits()
    run_callbacks_demo(note.get_mnist_model, train, val, out_dir)


if __name__ == "__main__":
    main(sys.argv)

"""lamina's main demo: the lecture note's examples, end to end, on `import lamina as keras`.

Run with `make demo`. Files (plots, checkpoints, logs) go to examples/out/.
"""

import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import lamina as keras  # noqa: E402
import note_models as note  # noqa: E402
import plots  # noqa: E402
import saving_demo  # noqa: E402
import callbacks_demo  # noqa: E402

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "out")


def section(title):
    print("\n" + "=" * 78 + f"\n{title}\n" + "=" * 78, flush=True)


def sequential_part():
    section("1. Sequential models")
    model = note.sequential_model()
    try:
        model.weights
    except ValueError as e:
        print("model.weights before build ->", f"ValueError: {e}")
    model.build(input_shape=(None, 3))
    print("len(model.weights) =", len(model.weights))
    print("weight shapes:", [w.shape for w in model.weights])
    model.summary()
    model = keras.Sequential()
    model.add(keras.Input(shape=(3,)))
    model.add(keras.layers.Dense(64, activation="relu"))
    model.summary()
    model.add(keras.layers.Dense(10, activation="softmax"))
    model.summary()


def functional_part():
    section("2. The functional API")
    note.functional_model().summary()
    model = note.ticket_model()
    model.summary()
    print("model.layers:", model.layers)
    print("model.layers[3].input:", model.layers[3].input)
    print("model.layers[3].output:", model.layers[3].output)
    new_model = note.extended_ticket_model(model)
    new_model.summary()
    for path in plots.write_note_plots(OUT):
        print("plot_model wrote", path)
    return model, new_model


def ticket_data(num_samples=1280, seed=0):
    rng = np.random.default_rng(seed)
    x = {
        "title": rng.integers(0, 2, size=(num_samples, note.VOCABULARY_SIZE)).astype("float32"),
        "text_body": rng.integers(0, 2, size=(num_samples, note.VOCABULARY_SIZE)).astype("float32"),
        "tags": rng.integers(0, 2, size=(num_samples, note.NUM_TAGS)).astype("float32"),
    }
    y = {
        "priority": rng.random(size=(num_samples, 1)).astype("float32"),
        "department": rng.integers(0, 2, size=(num_samples, note.NUM_DEPARTMENTS)).astype("float32"),
    }
    return x, y


def ticket_training(model):
    section("3. Training the ticket classifier (lists, then dicts)")
    x, y = ticket_data()
    xs = [x["title"], x["text_body"], x["tags"]]
    ys = [y["priority"], y["department"]]
    model.compile(optimizer="adam",
                  loss=["mean_squared_error", "categorical_crossentropy"],
                  metrics=[["mean_absolute_error", "mean_squared_error"],
                           ["accuracy", "AUC", "Precision"]])
    model.fit(xs, ys, epochs=3)
    model.evaluate(xs, ys)
    priority_preds, department_preds = model.predict(xs)
    print("priority_preds[:3] =", priority_preds[:3].ravel())
    print("department_preds[:2] =\n", department_preds[:2])
    print("department_preds.argmax(axis=1)[:10] =", department_preds.argmax(axis=1)[:10])

    model.compile(optimizer="adam",
                  loss={"priority": "mean_squared_error",
                        "department": "categorical_crossentropy"},
                  metrics={"priority": ["mean_absolute_error", "mean_squared_error"],
                           "department": ["accuracy", "AUC", "Precision"]})
    model.fit(x, y, epochs=1)
    print(model.evaluate(x, y, return_dict=True, verbose=0))
    priority_preds, department_preds = model.predict(x)
    print("predicted shapes:", priority_preds.shape, department_preds.shape)
    section("3b. Saving the trained ticket classifier and loading it back")
    saving_demo.save_and_reload(model, {k: v[:16] for k, v in x.items()}, OUT)
    return x


def subclassing_part():
    section("4. Subclassing and mixing")
    x, _ = ticket_data(num_samples=4)
    model = note.CustomerTicketModel(num_departments=4)
    priority, department = model(x)
    print("CustomerTicketModel outputs:", priority.shape, department.shape)
    model.summary()
    print("issubclass(keras.Model, keras.layers.Layer) =",
          issubclass(keras.Model, keras.layers.Layer))
    mixed = note.functional_with_subclassed()
    mixed.summary()
    mixed2 = note.subclassed_with_functional()
    mixed2.build((None, 3))
    mixed2.summary()
    return model


def mnist_part():
    section("5. MNIST with the note's custom RMSE metric (real data)")
    (train_x, train_y), (val_x, val_y), (test_x, test_y) = note.load_mnist_splits()
    model = note.get_mnist_model()
    model.compile(optimizer="rmsprop", loss="sparse_categorical_crossentropy",
                  metrics=["accuracy", note.RootMeanSquaredError()])
    start = time.time()
    model.fit(train_x, train_y, epochs=3, validation_data=(val_x, val_y))
    print(f"fit took {time.time() - start:.1f}s")
    test_metrics = model.evaluate(test_x, test_y)
    print("test [loss, accuracy, rmse] =", test_metrics)
    return (train_x, train_y), (val_x, val_y)


def main():
    os.makedirs(OUT, exist_ok=True)
    print(f"lamina {keras.__version__}; outputs in {OUT}")
    sequential_part()
    ticket, extended = functional_part()
    ticket_training(ticket)
    subclassing_part()
    train, val = mnist_part()
    section("6. Callbacks: the note's list, CSVLogger, LossHistory, TensorBoard")
    callbacks_demo.run_callbacks_demo(note.get_mnist_model, train, val,
                                      os.path.join(OUT, "callbacks"))
    print("\nDemo finished.")


if __name__ == "__main__":
    main()

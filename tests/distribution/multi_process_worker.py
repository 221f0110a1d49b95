"""One process of a 2-process DataParallel job on 127.0.0.1 (started by the test).

usage: multi_process_worker.py PORT NUM_PROCESSES PROCESS_ID MODE OUT
MODE "train": fit the note's MNIST model on this process's half of the data, write the
weights to OUT (.npz). MODE "single": the same global batches in one process (no
jax.distributed). MODE "forever": write OUT once training runs, then keep training.
"""

import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "examples"))
import note_models as note  # noqa: E402

ROWS, LOCAL_BATCH = 512, 32


def data():
    (x, y), _, _ = note.load_mnist_splits()
    return x[:ROWS], y[:ROWS]


def build(lamina):
    lamina.utils.set_random_seed(7)
    model = note.get_mnist_model()
    rng = np.random.default_rng(0)  # the same start everywhere, whatever the process
    model.set_weights([rng.normal(0, 0.05, w.shape).astype("float32")
                       for w in model.get_weights()])
    model.compile(optimizer="rmsprop", loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    return model


def main():
    port, num, pid, mode, out = sys.argv[1:6]
    num, pid = int(num), int(pid)
    import jax

    import lamina
    from lamina import distribution

    x, y = data()
    if mode == "single":
        # Global batch i = process 0's local batch i, then process 1's.
        halves = [np.arange(p * ROWS // num, (p + 1) * ROWS // num) for p in range(num)]
        order = np.concatenate([
            np.concatenate([h[i:i + LOCAL_BATCH] for h in halves])
            for i in range(0, ROWS // num, LOCAL_BATCH)])
        model = build(lamina)
        model.fit(x[order], y[order], batch_size=LOCAL_BATCH * num, shuffle=False, verbose=0)
        np.savez(out, *model.get_weights())
        return
    distribution.initialize(f"127.0.0.1:{port}", num, pid)
    distribution.set_distribution(distribution.DataParallel())
    assert jax.process_count() == num and len(jax.devices()) == num
    rows = slice(pid * ROWS // num, (pid + 1) * ROWS // num)
    model = build(lamina)
    if mode == "train":
        model.fit(x[rows], y[rows], batch_size=LOCAL_BATCH, shuffle=False, verbose=0)
        np.savez(out, *model.get_weights())
        model.save(out.replace(".npz", ".keras"))  # written by process 0 only
        return
    model.fit(x[rows], y[rows], batch_size=LOCAL_BATCH, shuffle=False, verbose=0)
    open(out, "w").write("running")
    while True:
        model.fit(x[rows], y[rows], batch_size=LOCAL_BATCH, shuffle=False, verbose=0)


if __name__ == "__main__":
    main()

"""Transfer learning with `lamina.applications`, on real Fashion-MNIST.

    python examples/transfer_learning.py

No ImageNet weights are reachable offline, so the pretraining is done here: an
EfficientNetB0 (32x32x3 input: the 28x28 images resized, gray copied to 3 channels; it
rescales 0-255 inputs itself) first learns the five classes T-shirt, trouser, pullover,
dress, coat; then its base, without the top, is frozen and a new Dense head learns the
other five classes (sandal, shirt, sneaker, bag, ankle boot) from 2,000 images only.
With ImageNet weights in the cache, `weights="imagenet"` in `base_model()` is the only
change. (MobileNetV2 trained from scratch this briefly is a poor base: its
BatchNormalization momentum of 0.999 leaves the moving statistics far from the data's
after a few hundred steps, and a frozen base runs in inference mode.)

Measured on the shared 2-core CPU machine (AMD EPYC, jax 0.10.2; run of 2026-12-04 with a
load average of 15-17 from other jobs, so the process averaged 0.15 of a core and
wall times are several times an idle machine's):
  pretraining (8,000 images, 3 epochs): 84.9% training accuracy in the last epoch, 59.6%
  test accuracy on its 5 classes, 1,368 s wall (compilation included: XLA took 4 min of
  it, wall, to compile the fused training loop);
  new head on the frozen base (2,000 images, 8 epochs): 36.1% test accuracy on the other
  5 classes (chance: 20%), 112 s wall; base weights unchanged.
  Whole script: 28.8 min wall, 4.3 min of CPU time (user 195 s + system 63 s).
A base this briefly trained from scratch transfers poorly; ImageNet weights are what
makes the frozen base useful.
"""

import time

import numpy as np

import lamina as keras

SIZE = 32


def prepare(x):
    """uint8 (n, 28, 28) -> float32 (n, 32, 32, 3) in [0, 255]."""
    x = keras.ops.image.resize(x[..., None].astype("float32"), (SIZE, SIZE))
    return np.repeat(np.asarray(x), 3, axis=-1)


def subset(x, y, classes, n, seed=0):
    keep = np.flatnonzero(np.isin(y, classes))
    keep = np.random.default_rng(seed).permutation(keep)[:n]
    return prepare(x[keep]), np.searchsorted(classes, y[keep])


def base_model(weights=None):
    return keras.applications.EfficientNetB0(input_shape=(SIZE, SIZE, 3), include_top=False,
                                             pooling="avg", weights=weights)


def classifier(base, classes):
    inputs = keras.Input((SIZE, SIZE, 3))
    x = keras.applications.efficientnet.preprocess_input(inputs)
    x = base(x)
    x = keras.layers.Dropout(0.2)(x)
    outputs = keras.layers.Dense(classes, activation="softmax")(x)
    model = keras.Model(inputs, outputs)
    model.compile(optimizer=keras.optimizers.Adam(1e-3),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def main():
    (x_train, y_train), (x_test, y_test) = keras.datasets.fashion_mnist.load_data()
    source, target = np.arange(5), np.arange(5, 10)
    keras.utils.set_random_seed(0)

    base = base_model()
    pretrain = classifier(base, 5)
    xs, ys = subset(x_train, y_train, source, 8000)
    start = time.perf_counter()
    pretrain.fit(xs, ys, epochs=3, batch_size=64, verbose=2)
    seconds = time.perf_counter() - start
    _, accuracy = pretrain.evaluate(*subset(x_test, y_test, source, 2000), verbose=0)
    print(f"pretraining: {accuracy:.1%} test accuracy on classes 0-4, {seconds:.0f} s")

    base.trainable = False
    frozen = [w.numpy().copy() for w in base.weights]
    model = classifier(base, 5)
    xt, yt = subset(x_train, y_train, target, 2000, seed=1)
    start = time.perf_counter()
    model.fit(xt, yt, epochs=8, batch_size=64, verbose=2)
    seconds = time.perf_counter() - start
    _, accuracy = model.evaluate(*subset(x_test, y_test, target, 2000), verbose=0)
    unchanged = all(np.array_equal(a, w.numpy()) for a, w in zip(frozen, base.weights))
    print(f"new head on the frozen base: {accuracy:.1%} test accuracy on classes 5-9, "
          f"{seconds:.0f} s; base weights unchanged: {unchanged}")


if __name__ == "__main__":
    main()

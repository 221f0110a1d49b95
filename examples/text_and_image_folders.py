"""Classifiers trained from folders of files, with no TensorFlow installed.

1. Text: a folder of `.txt` reviews in `neg/` and `pos/` subfolders ->
   `text_dataset_from_directory` -> `TextVectorization` (adapted on the training texts)
   -> Embedding -> GlobalAveragePooling1D -> Dense, trained end to end on strings; the
   model (vocabulary included) is saved to `.keras` and loaded back.
2. Images: a folder of PNGs in class subfolders -> `image_dataset_from_directory`
   (training/validation split) -> a small convnet.

The folders are generated into OUT_DIR (default: a temporary folder):

    python examples/text_and_image_folders.py [OUT_DIR]
"""

import os
import sys
import tempfile

import numpy as np
from PIL import Image

import lamina as keras

POSITIVE = ["great", "wonderful", "loved", "brilliant", "fun", "moving"]
NEGATIVE = ["boring", "awful", "hated", "dull", "terrible", "waste"]
NEUTRAL = ["the", "movie", "plot", "actors", "film", "story", "was", "and", "it", "a"]


def write_reviews(root, count=200, seed=0):
    rng = np.random.default_rng(seed)
    for label, words in (("neg", NEGATIVE), ("pos", POSITIVE)):
        os.makedirs(os.path.join(root, label), exist_ok=True)
        for i in range(count):
            text = rng.choice(NEUTRAL, 8).tolist() + rng.choice(words, 2).tolist()
            rng.shuffle(text)
            with open(os.path.join(root, label, f"{i}.txt"), "w") as f:
                f.write(" ".join(text).capitalize() + ".")


def write_images(root, count=60, seed=0):
    """Squares: bright in the top half ("top") or in the bottom half ("bottom")."""
    rng = np.random.default_rng(seed)
    for label in ("bottom", "top"):
        os.makedirs(os.path.join(root, label), exist_ok=True)
        for i in range(count):
            pixels = rng.integers(0, 80, (24, 24, 3))
            rows = slice(0, 12) if label == "top" else slice(12, 24)
            pixels[rows] += 150
            Image.fromarray(pixels.astype(np.uint8)).save(os.path.join(root, label, f"{i}.png"))


def text_classifier(out_dir):
    folder = os.path.join(out_dir, "reviews")
    write_reviews(folder)
    train = keras.utils.text_dataset_from_directory(
        folder, batch_size=16, validation_split=0.2, subset="training", seed=1)
    val = keras.utils.text_dataset_from_directory(
        folder, batch_size=16, validation_split=0.2, subset="validation", seed=1)
    print("classes:", train.class_names)
    vectorize = keras.layers.TextVectorization(max_tokens=100, output_sequence_length=12)
    vectorize.adapt(train.map(lambda text, label: text))
    inputs = keras.Input(shape=(), dtype="string")
    x = keras.layers.Embedding(100, 16)(vectorize(inputs))
    x = keras.layers.GlobalAveragePooling1D()(x)
    model = keras.Model(inputs, keras.layers.Dense(1, activation="sigmoid")(x))
    model.compile("adam", "binary_crossentropy", metrics=["accuracy"])
    model.fit(train, validation_data=val, epochs=30, verbose=2)
    samples = np.array(["A wonderful, moving story.", "Dull and boring, a waste."])
    print("predictions:", model.predict(samples, verbose=0).ravel().round(3))
    path = os.path.join(out_dir, "review_classifier.keras")
    model.save(path)
    reloaded = keras.saving.load_model(path)
    same = np.allclose(reloaded.predict(samples, verbose=0), model.predict(samples, verbose=0))
    print(f"saved {path} (vocabulary in its assets/); reloaded predicts the same: {same}")


def image_classifier(out_dir):
    folder = os.path.join(out_dir, "squares")
    write_images(folder)
    train, val = keras.utils.image_dataset_from_directory(
        folder, image_size=(24, 24), batch_size=16, validation_split=0.25, subset="both",
        seed=2)
    print("classes:", train.class_names)
    model = keras.Sequential([
        keras.Input((24, 24, 3)), keras.layers.Rescaling(1 / 255),
        keras.layers.Conv2D(8, 3, activation="relu"), keras.layers.MaxPooling2D(2),
        keras.layers.Flatten(), keras.layers.Dense(2)])
    model.compile("adam", keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=["accuracy"])
    history = model.fit(train, validation_data=val, epochs=8, verbose=2)
    print(f"validation accuracy: {history.history['val_accuracy'][-1]:.2f}")


def main():
    out_dir = sys.argv[1] if len(sys.argv) > 1 else tempfile.mkdtemp(prefix="lamina_folders_")
    text_classifier(out_dir)
    image_classifier(out_dir)


if __name__ == "__main__":
    main()

"""text_dataset_from_directory against Keras 3 + TensorFlow, and a text classifier
trained end to end from the folder."""

import numpy as np
import pytest

import lamina as keras
from tests.utils.dataset_fixtures import META, TEXTS


def test_batches_match_keras():
    ds = keras.utils.text_dataset_from_directory(TEXTS, batch_size=3, shuffle=False,
                                                 verbose=False)
    assert ds.class_names == META["txt"]["class_names"] and len(ds) == META["txt"]["batches"]
    texts, labels = zip(*list(ds))
    assert np.concatenate(texts).tolist() == META["txt"]["texts"]
    assert np.concatenate(labels).tolist() == META["txt"]["labels"]
    cut = keras.utils.text_dataset_from_directory(TEXTS, batch_size=8, shuffle=False,
                                                  max_length=5, label_mode="binary",
                                                  verbose=False)
    x, y = cut[0]
    assert x.tolist() == META["txt_max_length"]["texts"]
    assert y.tolist() == META["txt_max_length"]["labels"]


def test_text_classifier_from_the_folder():
    ds = keras.utils.text_dataset_from_directory(TEXTS, batch_size=4, seed=2, verbose=False)
    vectorize = keras.layers.TextVectorization(max_tokens=40, output_sequence_length=4)
    vectorize.adapt(ds.map(lambda x, y: x))
    assert "movie" in vectorize.get_vocabulary()
    inputs = keras.Input(shape=(), dtype="string")
    x = keras.layers.Embedding(40, 8)(vectorize(inputs))
    x = keras.layers.GlobalAveragePooling1D()(x)
    model = keras.Model(inputs, keras.layers.Dense(1, activation="sigmoid")(x))
    model.compile("adam", "binary_crossentropy", metrics=["accuracy"])
    history = model.fit(ds, epochs=60, verbose=0)
    assert history.history["accuracy"][-1] == 1.0
    # the tf.data habit: vectorize inside the pipeline, train a numeric model
    numeric = ds.map(lambda x, y: (vectorize(x), y))
    ids, _ = numeric[0]
    assert ids.shape[1] == 4 and ids.dtype == np.int32


def test_empty_folder_is_a_clear_error(tmp_path):
    (tmp_path / "a").mkdir()
    with pytest.raises(ValueError, match="No text files found in directory"):
        keras.utils.text_dataset_from_directory(str(tmp_path), verbose=False)


def test_keras_preprocessing_names():
    assert keras.preprocessing.text_dataset_from_directory is \
        keras.utils.text_dataset_from_directory
    assert keras.preprocessing.image_dataset_from_directory is \
        keras.utils.image_dataset_from_directory
    assert keras.preprocessing.timeseries_dataset_from_array is \
        keras.utils.timeseries_dataset_from_array
    np.testing.assert_array_equal(keras.preprocessing.sequence.pad_sequences([[1, 2], [3]]),
                                  [[1, 2], [0, 3]])

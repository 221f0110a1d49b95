"""IMDB movie reviews as word-index sequences: `load_data`, `get_word_index`, as
`keras.datasets.imdb` (same URLs, file names, checksums and processing)."""

import json

import numpy as np

from lamina.datasets import sequences as seq
from lamina.datasets.cache import KERAS_ORIGIN, Resource, fetch
from lamina.datasets.safe_pickle import read_npz_with_objects

FILE_SHA256 = "69664113be75683a8fe16e3ed0ab59fda8886cb3cd7ada244f7d9544e4676b9f"
WORD_INDEX_MD5 = "bfafd718b763782e994055a2d397834f"


def load_data(path="imdb.npz", num_words=None, skip_top=0, maxlen=None, seed=113,
              start_char=1, oov_char=2, index_from=3, **kwargs):
    """`(x_train, y_train), (x_test, y_test)`: 25,000 reviews each as object arrays of
    word-index lists (words indexed by frequency, shifted by `index_from`, each review
    starting with `start_char`), labels 0/1. num_words: keep the most frequent words
    (others -> `oov_char`); skip_top: also replace the most frequent ones; maxlen: drop
    longer reviews. The file is cached under `path` and checksum-verified."""
    if kwargs:
        raise TypeError(f"imdb.load_data: unrecognized keyword arguments {sorted(kwargs)}.")
    arrays = read_npz_with_objects(fetch(Resource(
        path, url=KERAS_ORIGIN + "imdb.npz", file_sha256=(FILE_SHA256,))))
    rng = np.random.RandomState(seed)
    x_train, y_train = seq.shuffled(rng, arrays["x_train"], arrays["y_train"])
    x_test, y_test = seq.shuffled(rng, arrays["x_test"], arrays["y_test"])
    if start_char is not None or index_from:
        x_train = seq.offset(x_train, start_char, index_from)
        x_test = seq.offset(x_test, start_char, index_from)
    else:
        x_train, x_test = [list(x) for x in x_train], [list(x) for x in x_test]
    if maxlen:
        x_train, y_train = seq.drop_long(maxlen, x_train, y_train)
        x_test, y_test = seq.drop_long(maxlen, x_test, y_test)
        if not x_train or not x_test:
            raise ValueError(f"After filtering for sequences shorter than maxlen={maxlen}, no "
                             "sequence was kept. Increase maxlen.")
    xs = seq.cut_vocabulary(x_train + x_test, num_words, skip_top, oov_char)
    n = len(x_train)
    return ((seq.as_object_array(xs[:n]), np.asarray(y_train)),
            (seq.as_object_array(xs[n:]), np.asarray(y_test)))


def get_word_index(path="imdb_word_index.json"):
    """{word: index} of the IMDB vocabulary (add `index_from` to match load_data)."""
    target = fetch(Resource(path, url=KERAS_ORIGIN + "imdb_word_index.json",
                            file_md5=(WORD_INDEX_MD5,)))
    with open(target, encoding="utf-8") as f:
        return json.load(f)

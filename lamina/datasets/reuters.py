"""Reuters newswires as word-index sequences with 46 topics: `load_data`,
`get_word_index`, `get_label_names`, as `keras.datasets.reuters`."""

import json

import numpy as np

from lamina.datasets import sequences as seq
from lamina.datasets.cache import KERAS_ORIGIN, Resource, fetch
from lamina.datasets.safe_pickle import read_npz_with_objects

FILE_SHA256 = "d6586e694ee56d7a4e65172e12b3e987c03096cb01eab99753921ef915959916"
WORD_INDEX_MD5 = "4d44cc38712099c9e383dc6e5f11a921"
LABEL_NAMES = (
    "cocoa", "grain", "veg-oil", "earn", "acq", "wheat", "copper", "housing", "money-supply",
    "coffee", "sugar", "trade", "reserves", "ship", "cotton", "carcass", "crude", "nat-gas",
    "cpi", "money-fx", "interest", "gnp", "meal-feed", "alum", "oilseed", "gold", "tin",
    "strategic-metal", "livestock", "retail", "ipi", "iron-steel", "rubber", "heat", "jobs",
    "lei", "bop", "zinc", "orange", "pet-chem", "dlr", "gas", "silver", "wpi", "hog", "lead")


def load_data(path="reuters.npz", num_words=None, skip_top=0, maxlen=None, test_split=0.2,
              seed=113, start_char=1, oov_char=2, index_from=3):
    """`(x_train, y_train), (x_test, y_test)`: newswires as object arrays of word-index
    lists (see imdb.load_data for num_words / skip_top / maxlen / start_char / oov_char /
    index_from), topic labels 0-45; the last `test_split` of the shuffled wires is the
    test set."""
    arrays = read_npz_with_objects(fetch(Resource(
        path, url=KERAS_ORIGIN + "reuters.npz", file_sha256=(FILE_SHA256,))))
    xs, labels = seq.shuffled(np.random.RandomState(seed), arrays["x"], arrays["y"])
    xs = seq.offset(xs, start_char, index_from) if (start_char is not None or index_from) \
        else [list(x) for x in xs]
    if maxlen:
        xs, labels = seq.drop_long(maxlen, xs, labels)
    xs = seq.cut_vocabulary(xs, num_words, skip_top, oov_char)
    cut = int(len(xs) * (1 - test_split))
    return ((seq.as_object_array(xs[:cut]), np.asarray(labels[:cut])),
            (seq.as_object_array(xs[cut:]), np.asarray(labels[cut:])))


def get_word_index(path="reuters_word_index.json"):
    """{word: index} of the Reuters vocabulary."""
    target = fetch(Resource(path, url=KERAS_ORIGIN + "reuters_word_index.json",
                            file_md5=(WORD_INDEX_MD5,)))
    with open(target, encoding="utf-8") as f:
        return json.load(f)


def get_label_names():
    """The 46 topic names, by label index."""
    return LABEL_NAMES

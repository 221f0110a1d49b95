"""The word-index sequence datasets (imdb, reuters): shuffling and re-indexing as Keras
does (start mark, index offset, length filter, vocabulary cut to an OOV index)."""

import numpy as np


def shuffled(rng, *arrays):
    """`arrays` in one permutation drawn from `rng` (a RandomState)."""
    order = np.arange(len(arrays[0]))
    rng.shuffle(order)
    return [a[order] for a in arrays]


def offset(sequences, start_char, index_from):
    """Each sequence shifted by `index_from`, after a `start_char` mark if given."""
    if start_char is not None:
        return [[start_char] + [w + index_from for w in x] for x in sequences]
    return [[w + index_from for w in x] for x in sequences]


def drop_long(maxlen, sequences, labels):
    """Only the sequences shorter than `maxlen` (and their labels)."""
    keep = [i for i, x in enumerate(sequences) if len(x) < maxlen]
    return [sequences[i] for i in keep], np.asarray(labels)[keep]


def cut_vocabulary(sequences, num_words, skip_top, oov_char):
    """Words outside [skip_top, num_words) become `oov_char` (or are dropped if None);
    num_words defaults to the largest index."""
    if not num_words:
        num_words = max(max(x) for x in sequences if x)
    if oov_char is not None:
        return [[w if skip_top <= w < num_words else oov_char for w in x] for x in sequences]
    return [[w for w in x if skip_top <= w < num_words] for x in sequences]


def as_object_array(sequences):
    out = np.empty(len(sequences), dtype=object)
    out[:] = sequences
    return out

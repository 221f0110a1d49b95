"""text_dataset_from_directory: `.txt` files in class subfolders as batches of
(strings, labels), with Keras's arguments and outputs (strings as NumPy unicode arrays)."""

import numpy as np

from lamina.utils import directory_index as index


def _read_text(path, max_length):
    with open(path, "rb") as f:
        data = f.read()
    if max_length is not None:
        # Keras cuts the UTF-8 bytes; a character cut in two is dropped
        data = data[:max_length]
    return data.decode("utf-8", errors="ignore" if max_length is not None else "strict")


def text_dataset_from_directory(directory, labels="inferred", label_mode="int",
                                class_names=None, batch_size=32, max_length=None, shuffle=True,
                                seed=None, validation_split=None, subset=None,
                                follow_links=False, format="tf", verbose=True):
    """Batches of `(texts, labels)` (or texts alone with labels=None) from the `.txt`
    files of `directory`. texts: (batch,) str arrays; labels as in
    image_dataset_from_directory. max_length: keep at most this many bytes of each file.
    Returns a lamina DataSource, or [training, validation] with subset="both"."""
    if format not in ("tf", "grain"):
        raise ValueError(f'`format` must be "tf" or "grain"; got {format!r}.')
    if max_length is not None and int(max_length) <= 0:
        raise ValueError(f"`max_length` must be positive; got {max_length}.")

    def load_file(path):
        return np.asarray(_read_text(path, max_length))

    return index.directory_dataset(directory, load_file, (".txt",), "text files", labels,
                                   label_mode, class_names, batch_size, shuffle, seed,
                                   validation_split, subset, follow_links, verbose)

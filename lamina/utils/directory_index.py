"""List the files of a class-per-subfolder directory with their labels, as Keras does:
classes are the sorted subfolder names (or `class_names`, in that order), files are
walked in sorted order, then (with shuffle) permuted by NumPy's RandomState(seed), and
a validation split takes the last `int(validation_split * n)` files.
"""

import os

import numpy as np


def check_split_args(validation_split, subset, shuffle, seed):
    if validation_split is not None and not 0 < validation_split < 1:
        raise ValueError(f"`validation_split` must be between 0 and 1; got {validation_split}.")
    if (validation_split or subset) and not (validation_split and subset):
        raise ValueError("`validation_split` and `subset` must be given together; got "
                         f"validation_split={validation_split}, subset={subset!r}.")
    if subset not in (None, "training", "validation", "both"):
        raise ValueError('`subset` must be "training", "validation" or "both"; got '
                         f"{subset!r}.")
    if validation_split and shuffle and seed is None:
        raise ValueError("With `validation_split` and shuffle=True, pass a `seed` so the "
                         "training and validation subsets do not overlap.")


def _walk(directory, follow_links, formats):
    walk = os.walk(directory, followlinks=follow_links)  # subfolders included
    for root, _, files in sorted(walk, key=lambda entry: entry[0]):
        for name in sorted(files):
            if name.lower().endswith(formats):
                yield os.path.join(root, name)


def index_directory(directory, labels, formats, class_names=None, shuffle=True, seed=None,
                    follow_links=False, what="files"):
    """(file paths, int labels or None, class names or None)."""
    if not os.path.isdir(directory):
        raise ValueError(f"Directory {directory!r} does not exist or is not a folder.")
    if labels == "inferred":
        subdirs = sorted(d for d in os.listdir(directory)
                         if os.path.isdir(os.path.join(directory, d)))
        if class_names is not None:
            missing = sorted(set(class_names) - set(subdirs))
            if missing:
                raise ValueError(f"`class_names` {missing} are not subfolders of {directory!r}"
                                 f"; its subfolders are {subdirs}.")
            subdirs = list(class_names)
        paths, found = [], []
        for index, subdir in enumerate(subdirs):
            files = list(_walk(os.path.join(directory, subdir), follow_links, formats))
            paths += files
            found += [index] * len(files)
        label_array = np.asarray(found, dtype="int32")
        class_names = subdirs
    else:
        if class_names is not None:
            raise ValueError("`class_names` is only used with labels='inferred'.")
        paths = list(_walk(directory, follow_links, formats))
        if labels is None:
            label_array = None
        else:
            if len(labels) != len(paths):
                raise ValueError(f"`labels` has {len(labels)} entries but {directory!r} has "
                                 f"{len(paths)} {what}.")
            label_array = np.asarray(labels)
            class_names = [str(c) for c in sorted(set(np.asarray(labels).tolist()))]
    if not paths:
        raise ValueError(f"No {what} found in directory {directory!r}. Allowed formats: "
                         f"{formats}.")
    if shuffle:
        if seed is None:
            seed = np.random.randint(1e6)
        np.random.RandomState(seed).shuffle(paths)
        if label_array is not None:
            np.random.RandomState(seed).shuffle(label_array)
    return paths, label_array, class_names


def split_subset(paths, labels, validation_split, subset):
    """The `subset` ("training" / "validation") of the indexed files."""
    if not validation_split:
        return paths, labels
    count = int(validation_split * len(paths))
    part = slice(None, len(paths) - count) if subset == "training" else \
        slice(len(paths) - count, None)
    return paths[part], None if labels is None else labels[part]


def encode_labels(labels, label_mode, num_classes):
    """Labels as Keras gives them: int32, one-hot float32 or (n, 1) float32."""
    if label_mode == "int":
        return labels.astype("int32")
    if label_mode == "binary":
        return labels.astype("float32")[:, None]
    return np.eye(num_classes, dtype="float32")[labels]


def check_label_mode(label_mode, labels, class_names):
    if label_mode not in ("int", "categorical", "binary", None):
        raise ValueError('`label_mode` must be "int", "categorical", "binary" or None; got '
                         f"{label_mode!r}.")
    if labels is None and label_mode is not None:
        return None  # no labels: nothing to encode (Keras ignores label_mode then)
    if label_mode == "binary" and class_names is not None and len(class_names) != 2:
        raise ValueError(f'label_mode="binary" needs exactly 2 classes; found '
                         f"{len(class_names)}: {class_names}.")
    return label_mode


def directory_dataset(directory, load_file, formats, what, labels, label_mode, class_names,
                      batch_size, shuffle, seed, validation_split, subset, follow_links,
                      verbose, collate=None):
    """The DataSource (or [training, validation] with subset="both") of the files of
    `directory`: elements `(load_file(path), label)`, or `load_file(path)` without labels."""
    from lamina.utils.data_source import DataSource

    check_split_args(validation_split, subset, shuffle, seed)
    if labels not in ("inferred", None) and not isinstance(labels, (list, tuple)):
        raise ValueError('`labels` must be "inferred", None, or a list/tuple of labels; got '
                         f"{labels!r}.")
    if labels is None:
        label_mode = None
    paths, found, class_names = index_directory(directory, labels, formats, class_names,
                                                shuffle, seed, follow_links, what=what)
    label_mode = check_label_mode(label_mode, found, class_names)
    if verbose:
        extra = f" belonging to {len(class_names)} classes" if found is not None else ""
        print(f"Found {len(paths)} files{extra}.")

    def source(part):
        part_paths, part_labels = split_subset(paths, found, validation_split, part)
        if validation_split and verbose:
            print(f"Using {len(part_paths)} files for {part}.")
        if not part_paths:
            raise ValueError(f"No {what} left for the {part} subset of {directory!r}.")
        encoded = None if label_mode is None else \
            encode_labels(part_labels, label_mode, len(class_names))

        def load(i):
            x = load_file(part_paths[i])
            return x if encoded is None else (x, encoded[i])

        return DataSource(load, len(part_paths), batch_size, shuffle=shuffle, seed=seed,
                          class_names=class_names, file_paths=list(part_paths),
                          collate=collate)

    if subset == "both":
        return [source("training"), source("validation")]
    return source(subset)

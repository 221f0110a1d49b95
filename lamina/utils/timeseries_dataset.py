"""timeseries_dataset_from_array: sliding windows over an array, as Keras makes them."""

import numpy as np

from lamina.utils.data_source import DataSource


def timeseries_dataset_from_array(data, targets, sequence_length, sequence_stride=1,
                                  sampling_rate=1, batch_size=128, shuffle=False, seed=None,
                                  start_index=None, end_index=None, format="tf"):
    """Batches of windows `data[s + k * sampling_rate]`, k < sequence_length, for starts
    s = start_index, start_index + sequence_stride, ... (the last window ends before
    end_index); with `targets`, each window comes with `targets[s]`. Windows are
    (batch, sequence_length, *data.shape[1:]). Returns a lamina DataSource."""
    if format not in ("tf", "grain"):
        raise ValueError(f'`format` must be "tf" or "grain"; got {format!r}.')
    data = np.asarray(data)
    for name, value in (("sequence_length", sequence_length),
                        ("sequence_stride", sequence_stride), ("sampling_rate", sampling_rate)):
        if not isinstance(value, (int, np.integer)) or value <= 0:
            raise ValueError(f"`{name}` must be a positive int; got {value!r}.")
    start = 0 if start_index is None else int(start_index)
    end = len(data) if end_index is None else int(end_index)
    if not 0 <= start < len(data):
        raise ValueError(f"`start_index` must be in [0, {len(data)}); got {start_index}.")
    if not start < end <= len(data):
        raise ValueError(f"`end_index` must be in ({start}, {len(data)}]; got {end_index}.")
    if targets is not None:
        targets = np.asarray(targets)
        if len(targets) != len(data):
            raise ValueError(f"`data` and `targets` must have the same length; got "
                             f"{len(data)} and {len(targets)}.")
    count = end - start - (sequence_length - 1) * sampling_rate
    if targets is not None:
        count = min(count, len(targets))
    if count <= 0:
        raise ValueError(f"No window of sequence_length={sequence_length} and sampling_rate="
                         f"{sampling_rate} fits between {start} and {end}.")
    starts = np.arange(0, count, sequence_stride)
    if shuffle:
        if seed is None:
            seed = np.random.randint(1e6)
        np.random.RandomState(seed).shuffle(starts)
    offsets = np.arange(sequence_length) * sampling_rate

    def load(i):
        first = start + starts[i]
        window = data[first + offsets]
        return window if targets is None else (window, targets[first])

    return DataSource(load, len(starts), batch_size, workers=1)

"""audio_dataset_from_directory: `.wav` files in class subfolders as batches of
(waveforms, labels), with Keras's arguments and outputs; decoding with the standard
library's `wave` module (PCM WAV, as TensorFlow's `decode_wav` reads)."""

import numpy as np

from lamina.utils import directory_index as index


def read_wav(path, length=None):
    """float32 (samples, channels) in [-1, 1) of a PCM `.wav` file; with `length`, cut or
    zero-padded to that many samples (as `tf.audio.decode_wav(desired_samples=...)`)."""
    import wave  # only when reading audio: keeps `import lamina` light

    try:
        with wave.open(path, "rb") as f:
            width, channels, frames = f.getsampwidth(), f.getnchannels(), f.getnframes()
            data = f.readframes(frames)
    except (wave.Error, EOFError, OSError) as error:
        raise ValueError(f"Cannot read the audio file {path!r}: {error}") from error
    if width == 1:  # 8-bit WAV is unsigned
        samples = (np.frombuffer(data, np.uint8).astype(np.float32) - 128) / 128
    elif width == 3:
        raw = np.frombuffer(data, np.uint8).reshape(-1, 3)
        values = raw[:, 0].astype(np.int32) | (raw[:, 1].astype(np.int32) << 8) | (
            raw[:, 2].astype(np.int8).astype(np.int32) << 16)
        samples = values.astype(np.float32) / 2 ** 23
    else:
        samples = np.frombuffer(data, {2: "<i2", 4: "<i4"}[width]).astype(np.float32) / \
            2 ** (8 * width - 1)
    samples = samples.reshape(-1, channels)
    if length is not None:
        samples = samples[:length]
        if len(samples) < length:
            samples = np.pad(samples, ((0, length - len(samples)), (0, 0)))
    return samples


def _pad_batch(elements):
    """Waveforms zero-padded to the longest of the batch (tf.data's padded_batch)."""
    waves = [e[0] if isinstance(e, tuple) else e for e in elements]
    longest = max(len(w) for w in waves)
    padded = np.stack([np.pad(w, ((0, longest - len(w)), (0, 0))) for w in waves])
    if isinstance(elements[0], tuple):
        return (padded,) + tuple(np.stack([e[k] for e in elements])
                                 for k in range(1, len(elements[0])))
    return padded


def audio_dataset_from_directory(directory, labels="inferred", label_mode="int",
                                 class_names=None, batch_size=32, sampling_rate=None,
                                 output_sequence_length=None, ragged=False, shuffle=True,
                                 seed=None, validation_split=None, subset=None,
                                 follow_links=False, verbose=True):
    """Batches of `(audio, labels)` from the `.wav` files of `directory`: audio float32
    (batch, samples, channels), zero-padded to the longest file of the batch, or cut /
    padded to `output_sequence_length`. Labels as image_dataset_from_directory's.
    `sampling_rate` (resampling) and `ragged=True` are not supported by lamina."""
    if sampling_rate is not None:
        raise ValueError("audio_dataset_from_directory: lamina does not resample audio "
                         f"(sampling_rate={sampling_rate}); pass sampling_rate=None.")
    if ragged:
        raise ValueError("audio_dataset_from_directory: ragged=True is not supported by "
                         "lamina (its arrays are dense); use output_sequence_length or the "
                         "default padding.")
    if output_sequence_length is not None and int(output_sequence_length) <= 0:
        raise ValueError(f"`output_sequence_length` must be positive; got "
                         f"{output_sequence_length}.")
    return index.directory_dataset(
        directory, lambda path: read_wav(path, output_sequence_length), (".wav",),
        "audio files", labels, label_mode, class_names, batch_size, shuffle, seed,
        validation_split, subset, follow_links, verbose,
        collate=_pad_batch if output_sequence_length is None else None)

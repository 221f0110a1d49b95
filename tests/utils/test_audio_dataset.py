"""audio_dataset_from_directory (stdlib `wave` decoding) against Keras 3 + TensorFlow."""

import json
import os
import wave

import numpy as np
import pytest

import lamina as keras
from tests.utils.dataset_fixtures import FIXTURES

AUDIO = os.path.join(FIXTURES, "audio")
REF = np.load(os.path.join(FIXTURES, "audio_reference.npz"))
with open(os.path.join(FIXTURES, "audio_reference.json")) as _f:
    META = json.load(_f)


@pytest.mark.parametrize("name", ["wav_padded", "wav_fixed"])
def test_batches_match_keras(name):
    ds = keras.utils.audio_dataset_from_directory(AUDIO, verbose=False, **META[name]["kwargs"])
    assert ds.class_names == META[name]["class_names"] and len(ds) == META[name]["batches"]
    for i, (x, y) in enumerate(ds):
        np.testing.assert_array_equal(x, REF[f"{name}_{i}_x"])
        np.testing.assert_array_equal(y, REF[f"{name}_{i}_y"])
        assert x.dtype == np.float32


def test_bad_input(tmp_path):
    with pytest.raises(ValueError, match="does not resample"):
        keras.utils.audio_dataset_from_directory(AUDIO, sampling_rate=16000)
    with pytest.raises(ValueError, match="No audio files found"):
        keras.utils.audio_dataset_from_directory(str(tmp_path), verbose=False)
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "broken.wav").write_bytes(b"RIFF....nonsense")
    ds = keras.utils.audio_dataset_from_directory(str(tmp_path), verbose=False)
    with pytest.raises(ValueError, match=r"Cannot read the audio file .*broken\.wav"):
        list(ds)


def test_8_and_24_bit_pcm(tmp_path):
    for width, raw, expected in ((1, bytes([0, 128, 255]), [-1.0, 0.0, 127 / 128]),
                                 (3, (-2 ** 23).to_bytes(3, "little", signed=True)
                                  + (2 ** 22).to_bytes(3, "little", signed=True),
                                  [-1.0, 0.5])):
        path = str(tmp_path / f"w{width}.wav")
        with wave.open(path, "wb") as f:
            f.setnchannels(1)
            f.setsampwidth(width)
            f.setframerate(8000)
            f.writeframes(raw)
        from lamina.utils.audio_dataset import read_wav

        np.testing.assert_allclose(read_wav(path)[:, 0], expected)

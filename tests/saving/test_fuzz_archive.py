"""Robustness: over a thousand mutated variants of a valid .keras archive (bytes flipped,
truncated, entries removed, swapped, renamed or duplicated, entry contents mutated behind a
valid CRC) each end in a lamina SavingError (a ValueError) or in a correct load; never in
another exception, never in a hang. About 10 s on a quiet 2-core machine."""

import faulthandler
import io
import json
import random
import time
import warnings
import zipfile

import numpy as np
import pytest

import lamina as keras
from lamina import layers
from lamina.core.serialization.errors import SavingError

NAMES = ("metadata.json", "config.json", "model.weights.h5")


def _valid_archive(tmp_path):
    model = keras.Sequential([keras.Input((5,)), layers.Dense(4, activation="relu"),
                              layers.Dense(2)])
    model.compile(optimizer="adam", loss="mse")
    x = np.random.default_rng(0).random((8, 5)).astype("float32")
    model.fit(x, np.zeros((8, 2), "float32"), epochs=1, verbose=0)
    path = tmp_path / "valid.keras"
    model.save(path)
    return path.read_bytes(), model.get_weights()


def _entries(data):
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return [(info.filename, zf.read(info)) for info in zf.infolist()]


def _zip(items):
    buf = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # duplicate names are one of the mutations
        with zipfile.ZipFile(buf, "w") as zf:
            for name, content in items:
                zf.writestr(zipfile.ZipInfo(name), content)
    return buf.getvalue()


def _flip(rng, data, count):
    data = bytearray(data)
    for _ in range(count):
        data[rng.randrange(len(data))] = rng.randrange(256)
    return bytes(data)


def mutations(data, count, seed=0):
    """Yield (kind, mutated bytes, whether entry contents are untouched)."""
    rng = random.Random(seed)
    items = _entries(data)
    kinds = ["flip", "flip_many", "truncate", "remove", "swap", "rename", "duplicate",
             "json_flip", "h5_flip", "reorder"]
    for i in range(count):
        kind = kinds[i % len(kinds)]
        if kind == "flip":
            yield kind, _flip(rng, data, 1), True
        elif kind == "flip_many":
            yield kind, _flip(rng, data, rng.randint(2, 32)), True
        elif kind == "truncate":
            yield kind, data[:rng.randrange(len(data))], True
        elif kind == "remove":
            drop = rng.randrange(len(items))
            yield kind, _zip([it for j, it in enumerate(items) if j != drop]), True
        elif kind == "swap":
            a, b = rng.sample(range(len(items)), 2)
            swapped = list(items)
            swapped[a] = (items[a][0], items[b][1])
            swapped[b] = (items[b][0], items[a][1])
            yield kind, _zip(swapped), False
        elif kind == "rename":
            j = rng.randrange(len(items))
            renamed = list(items)
            renamed[j] = (rng.choice(["x.json", "../config.json", "/abs", "config.json.bak",
                                      NAMES[(j + 1) % 3]]), items[j][1])
            yield kind, _zip(renamed), True
        elif kind == "duplicate":
            j = rng.randrange(len(items))
            yield kind, _zip(items + [(items[j][0], rng.choice(items)[1])]), True
        elif kind == "reorder":
            yield kind, _zip(rng.sample(items, len(items))), True
        else:
            target = "config.json" if kind == "json_flip" else "model.weights.h5"
            mutated = [(n, _flip(rng, c, rng.randint(1, 4)) if n == target else c)
                       for n, c in items]
            yield kind, _zip(mutated), False


def test_mutated_archives_fail_cleanly_or_load_correctly(tmp_path):
    data, weights = _valid_archive(tmp_path)
    path = tmp_path / "mutated.keras"
    outcomes, worst = {}, 0.0
    faulthandler.dump_traceback_later(170, exit=True)  # a hang fails the run, loudly
    try:
        for kind, mutated, contents_intact in mutations(data, 1200):
            path.write_bytes(mutated)
            start = time.perf_counter()
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    model = keras.models.load_model(path)
            except SavingError as e:
                assert str(e), kind
                result = "error"
            except Exception as e:  # noqa: BLE001 - the point of the test
                pytest.fail(f"{kind}: {type(e).__name__} is not a lamina SavingError: {e}")
            else:
                result = "loaded"
                if contents_intact:  # CRCs guard the contents: a load must be exact
                    for a, b in zip(weights, model.get_weights()):
                        np.testing.assert_array_equal(a, b)
            worst = max(worst, time.perf_counter() - start)
            outcomes.setdefault(kind, {}).setdefault(result, 0)
            outcomes[kind][result] += 1
    finally:
        faulthandler.cancel_dump_traceback_later()
    assert sum(sum(v.values()) for v in outcomes.values()) >= 1000
    assert worst < 10, f"slowest case took {worst:.1f}s"
    print(json.dumps(outcomes))

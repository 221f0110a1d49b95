"""clear_session: automatic names and the global seed generator start over; each owner of
such state registers its reset (backend imports nothing above it)."""

import numpy as np

import lamina
from lamina.backend import session
from lamina.random import seed_generator


def test_clear_session_restarts_names_and_the_global_seed_generator():
    lamina.layers.Dense(1), lamina.layers.Dense(1)
    assert lamina.layers.Dense(1).name == "dense_2"
    first = seed_generator.global_seed_generator()
    lamina.backend.clear_session()
    assert lamina.layers.Dense(1).name == "dense"
    assert seed_generator.global_seed_generator() is not first


def test_registered_resets_run_on_every_clear_session(monkeypatch):
    calls = []
    monkeypatch.setattr(session, "_RESETS", list(session._RESETS))
    assert session.on_clear_session(lambda: calls.append(len(calls))) is not None
    lamina.utils.clear_session(free_memory=False)
    lamina.backend.clear_session()
    assert calls == [0, 1]
    assert np.asarray(lamina.random.uniform((2,), seed=1)).shape == (2,)  # still usable

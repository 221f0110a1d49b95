import os
import sys

os.environ.setdefault("KERAS_BACKEND", "jax")
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import pytest  # noqa: E402


def pytest_addoption(parser):
    parser.addoption("--runslow", action="store_true", default=False, help="also run slow tests")


def pytest_collection_modifyitems(config, items):
    if config.getoption("--runslow"):
        return
    skip = pytest.mark.skip(reason="slow: run with --runslow (make test)")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def _fresh_names():
    """Each test starts with fresh automatic names (dense, dense_1, ...), like a new session."""
    from lamina.backend.uids import reset_uids

    reset_uids()
    keras = sys.modules.get("keras")
    if keras is not None:  # Keras's own names too (tests compare them), whatever ran before
        keras.backend.clear_session(free_memory=False)
    yield

"""The "Differences from Keras 3" page, from the same walk as tests/test_keras_api_walk.py."""

import collections

from tests import keras_api_allowlist as allow

PAGE = "keras-differences.md"


def page():
    from tests.test_keras_api_walk import walk

    return "# Differences from Keras 3\n\n(placeholder)\n"

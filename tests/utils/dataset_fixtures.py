"""Keras 3 + TensorFlow reference outputs of the dataset utilities (written once by
tests/layers/preprocessing/fixtures/make_text_fixtures.py) and the sample folders."""

import json
import os

import numpy as np

FIXTURES = os.path.join(os.path.dirname(__file__), "..", "layers", "preprocessing", "fixtures")
IMAGES = os.path.join(FIXTURES, "images")
TEXTS = os.path.join(FIXTURES, "texts")
REF = np.load(os.path.join(FIXTURES, "text_reference.npz"))
with open(os.path.join(FIXTURES, "text_reference.json"), encoding="utf-8") as _f:
    META = json.load(_f)


def relative(paths, root):
    return [os.path.relpath(p, root) for p in paths]

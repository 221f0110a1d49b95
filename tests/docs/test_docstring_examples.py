"""Runs the `>>>` examples in the docstrings of lamina's public names with doctest.

The names are those of the API reference (tools/apidocs/public_api.py). Each example runs
with `keras` (lamina) and `np` (NumPy) in scope, after fresh automatic names
(`dense`, `dense_1`, ...), and its printed output is compared with the docstring's.
"""

import doctest

import numpy as np
import pytest

import lamina
from lamina.backend.uids import reset_uids

pytest.importorskip("keras")  # the namespaces follow Keras's (tools/apidocs/public_api.py)

from tools.apidocs import public_api  # noqa: E402

# The examples written so far; the count only grows (a lost example fails the test).
MIN_EXAMPLES = 20
_FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE


def _public_objects():
    seen, found = set(), []
    for path in public_api.all_public_names():
        obj = public_api.resolve(path)
        if id(obj) not in seen:
            seen.add(id(obj))
            found.append((path, obj))
    return found


def _doctests():
    finder = doctest.DocTestFinder(exclude_empty=True)
    tests, seen = [], set()
    for path, obj in _public_objects():
        try:
            found = finder.find(obj, path, globs={})
        except ValueError:  # objects doctest cannot look into (no source module)
            continue
        for test in found:
            key = (test.filename, test.lineno, test.docstring)
            if test.examples and key not in seen:
                seen.add(key)
                tests.append(test)
    return tests


def _run(test):
    """Runs one doctest; returns (failed, attempted, report)."""
    reports = []
    runner = doctest.DocTestRunner(optionflags=_FLAGS)
    test.globs = {"keras": lamina, "np": np}
    reset_uids()
    result = runner.run(test, out=reports.append, clear_globs=True)
    return result.failed, result.attempted, "".join(reports)


_TESTS = _doctests()


def test_public_docstrings_have_examples():
    names = {t.name for t in _TESTS}
    for expected in ("lamina.layers.Dense", "lamina.Sequential", "lamina.Model",
                     "lamina.ops.matmul", "lamina.ops.softmax"):
        assert expected in names, f"no docstring example for {expected}: {sorted(names)}"
    assert sum(len(t.examples) for t in _TESTS) >= MIN_EXAMPLES


@pytest.mark.parametrize("test", _TESTS, ids=lambda t: t.name)
def test_docstring_example(test):
    failed, attempted, report = _run(test)
    assert attempted > 0
    assert failed == 0, report


def test_a_wrong_expected_output_fails():
    """The runner compares outputs: a docstring claiming a wrong shape is caught."""
    def wrong():
        """
        >>> keras.layers.Dense(4)(np.ones((2, 3))).shape
        (2, 5)
        """

    (test,) = doctest.DocTestFinder().find(wrong, "wrong", globs={})
    failed, attempted, report = _run(test)
    assert (failed, attempted) == (1, 1)
    assert "Expected:\n    (2, 5)\nGot:\n    (2, 4)" in report

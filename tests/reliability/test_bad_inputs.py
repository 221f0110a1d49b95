"""Every case of the bad-input corpus ends in a lamina error that names what is wrong."""

import os
import traceback

import pytest

from tests.reliability.bad_input_cases import CASES, model

_LAMINA = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))) + \
    os.sep + "lamina" + os.sep
_CORPUS = os.path.abspath(os.path.join(os.path.dirname(__file__), "bad_input_cases.py"))


def test_the_corpus_is_large():
    assert len(CASES) >= 80


@pytest.mark.parametrize("name, fn, error, phrase", CASES, ids=[c[0] for c in CASES])
def test_bad_input_gets_a_clear_lamina_error(name, fn, error, phrase):
    with pytest.raises(error) as info:
        fn(model())
    assert phrase in str(info.value)
    # Raised by lamina (or by the user's own generator), not from inside JAX or NumPy.
    last = traceback.extract_tb(info.value.__traceback__)[-1].filename
    assert last.startswith(_LAMINA) or os.path.abspath(last) == _CORPUS, last

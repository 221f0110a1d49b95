"""name_scope's parameters as in Keras 3.15; options lamina lacks are refused."""

import pytest

import lamina


def test_name_scope_prefixes_paths_and_refuses_unknown_options():
    with lamina.name_scope("block"):
        v = lamina.Variable(1.0, name="w")
    assert v.path == "block/w"
    with pytest.raises(TypeError, match=r"name_scope\('b'\): keyword argument\(s\) "
                                        r"\['override_parent'\]"):
        lamina.name_scope("b", override_parent="x")

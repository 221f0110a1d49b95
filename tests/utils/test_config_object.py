"""keras.utils.Config: attribute access, freezing, JSON, against Keras's."""

import os

import pytest

import lamina

os.environ.setdefault("KERAS_BACKEND", "jax")
keras = pytest.importorskip("keras")


def test_config_reads_and_writes_like_keras():
    for cls in (lamina.utils.Config, keras.utils.Config):
        c = cls(a=1, b=2)
        c.c = 3
        c["d"] = 4
        assert (c.a, c["b"], c.get("c"), len(c), "d" in c) == (1, 2, 3, 4, True)
        assert c.as_dict() == {"a": 1, "b": 2, "c": 3, "d": 4}
        assert c.to_json() == '{"a": 1, "b": 2, "c": 3, "d": 4}'
        assert c.pop("d") == 4 and list(c.keys()) == ["a", "b", "c"]
    assert repr(lamina.utils.Config(a=1)) == repr(keras.utils.Config(a=1))


def test_frozen_config_refuses_changes():
    c = lamina.utils.Config(a=1)
    c.freeze()
    assert c.frozen
    for change in (lambda: setattr(c, "a", 2), lambda: c.update(a=2),
                   lambda: c.__setitem__("a", 2), lambda: c.pop("a")):
        with pytest.raises(ValueError, match="frozen"):
            change()
    c.unfreeze()
    c.a = 2
    assert c.a == 2
    with pytest.raises(AttributeError, match="Unknown attribute: 'zz'"):
        c.zz

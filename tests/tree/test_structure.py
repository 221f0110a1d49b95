"""lamina.tree against keras.tree on the same structures."""

import collections
import os

import numpy as np
import pytest

from lamina import tree

os.environ.setdefault("KERAS_BACKEND", "jax")
keras = pytest.importorskip("keras")

Pair = collections.namedtuple("Pair", "b a")


def _structures():
    return [
        {"b": [1, None, (2, 3)], "a": Pair(4, {"z": 5, "y": 6}),
         "c": collections.OrderedDict([("q", 7), ("p", 8)])},
        [1, [2, [3, [4]]]],
        (),
        5,
        None,
        {1: "a", "b": 2},
        [np.ones(2), {"k": np.zeros(3)}],
    ]


@pytest.mark.parametrize("index", range(7))
def test_flatten_paths_and_rebuild_match_keras(index):
    s = _structures()[index]
    assert repr(tree.flatten(s)) == repr(keras.tree.flatten(s))
    assert repr(tree.flatten_with_path(s)) == repr(keras.tree.flatten_with_path(s))
    n = len(keras.tree.flatten(s))
    assert repr(tree.pack_sequence_as(s, list(range(n)))) == repr(
        keras.tree.pack_sequence_as(s, list(range(n))))
    fn = lambda x: None if x is None else str(x)  # noqa: E731
    assert repr(tree.map_structure(fn, s)) == repr(keras.tree.map_structure(fn, s))
    assert repr(tree.lists_to_tuples(s)) == repr(keras.tree.lists_to_tuples(s))
    assert tree.is_nested(s) == keras.tree.is_nested(s)


def test_map_structure_over_several_and_none_is_leaf():
    a, b = [1, (2, 3), {"y": 4, "x": 5}], [10, (20, 30), {"x": 50, "y": 40}]
    add = lambda x, y: x + y  # noqa: E731
    assert tree.map_structure(add, a, b) == keras.tree.map_structure(add, a, b)
    calls = []
    assert tree.map_structure(lambda x: calls.append(x), [1, None], none_is_leaf=False) \
        == [None, None]
    assert calls == [1]


def test_map_structure_up_to_and_shapes():
    shallow, x, y = [1, [2]], [[1, 2], [3]], [[4, 5], [6]]
    pair = lambda a, b: (a, b)  # noqa: E731
    assert tree.map_structure_up_to(shallow, pair, x, y) == \
        keras.tree.map_structure_up_to(shallow, pair, x, y)
    shapes = {"a": (None, 3), "b": [(2,), [4, 5]]}
    assert tree.map_shape_structure(lambda s: tuple(reversed(s)), shapes) == \
        keras.tree.map_shape_structure(lambda s: tuple(reversed(s)), shapes)


@pytest.mark.parametrize("top_down", [True, False])
def test_traverse_matches_keras(top_down):
    s = [1, [2, 3], {"a": 1}]
    cases = [
        lambda x: None,
        lambda x: 0 if isinstance(x, list) and len(x) == 2 else None,
        lambda x: len(x) if isinstance(x, list) else None,
    ]
    for fn in cases:
        assert tree.traverse(fn, s, top_down) == keras.tree.traverse(fn, s, top_down)
    drop = lambda m: (lambda x: m if x == 1 else None)  # noqa: E731
    assert tree.traverse(drop(tree.MAP_TO_NONE), s, top_down) == \
        keras.tree.traverse(drop(keras.tree.MAP_TO_NONE), s, top_down)


@pytest.mark.parametrize("a, b", [
    ([1, 2], [1, [2]]), ([1, 2], (1, 2)), ([1, 2], [1, 2, 3]), ({"a": 1}, {"b": 1}),
    (Pair(1, 2), (1, 2)),
])
def test_structure_mismatch_raises_like_keras(a, b):
    with pytest.raises(ValueError):
        keras.tree.assert_same_structure(a, b)
    with pytest.raises(ValueError, match="same nested structure"):
        tree.assert_same_structure(a, b)
    with pytest.raises(ValueError):
        tree.map_structure(lambda *x: x, a, b)


def test_same_structure_passes_and_check_types_warns():
    tree.assert_same_structure([1, {"a": (2,)}], [3, {"a": (4,)}])
    with pytest.warns(DeprecationWarning, match="check_types"):
        tree.assert_same_structure([1], [2], check_types=False)


def test_assert_same_paths_names_the_missing_paths():
    tree.assert_same_paths([1, (2,)], (3, [4]))  # node types do not count
    with pytest.raises(ValueError, match=r"missing in `b`:\n\{\('a',\)\}"):
        tree.assert_same_paths({"a": 1}, {"b": 1})


def test_pack_sequence_as_wrong_length():
    with pytest.raises(ValueError, match="2 leaves, flat_sequence has 1"):
        tree.pack_sequence_as([1, 2], [1])

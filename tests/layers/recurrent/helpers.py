"""Shared helpers: run a lamina layer and its Keras 3 twin with the same weights."""

import numpy as np

RNG = np.random.default_rng(0)


def sequences(batch=3, steps=6, features=4):
    return RNG.standard_normal((batch, steps, features)).astype("float32")


def ragged_mask(batch=3, steps=6):
    """Padding at the end, at the start, and a hole in the middle."""
    mask = np.ones((batch, steps), bool)
    mask[0, steps - 2:] = False
    if batch > 1:
        mask[1, :2] = False
    if batch > 2:
        mask[2, steps // 2] = False
    return mask


def as_list(out):
    """Outputs flattened (stacked cells return a list of states per cell)."""
    if isinstance(out, (list, tuple)):
        return [leaf for item in out for leaf in as_list(item)]
    return [out]


def assert_same_as_keras(ours, theirs, *args, atol=1e-5, **kwargs):
    """Call Keras's layer (building it), copy its weights into ours, compare outputs."""
    expected = as_list(theirs(*args, **kwargs))
    if not ours.built:
        ours.build((None,) + args[0].shape[1:])
    ours.set_weights(theirs.get_weights())
    got = as_list(ours(*args, **kwargs))
    assert len(got) == len(expected)
    for g, e in zip(got, expected):
        assert tuple(g.shape) == tuple(e.shape)
        np.testing.assert_allclose(np.asarray(g), np.asarray(e), atol=atol, rtol=1e-5)
    return got

import jax
import jax.numpy as jnp
import numpy as np

from lamina.optimizers.transforms import leafwise


def test_leafwise_maps_corresponding_leaves_and_keeps_none():
    each = leafwise(lambda a, b, k: (a * k + b, a - b), 2)
    x = [np.ones((2, 3), "float32"), None, np.full((4,), 2.0, "float32")]
    y = [np.full((2, 3), 5.0, "float32"), None, np.ones((4,), "float32")]
    first, second = each((jnp.float32(3.0),), x, y)
    assert first[1] is None and second[1] is None
    np.testing.assert_array_equal(np.asarray(first[0]), np.full((2, 3), 8.0))
    np.testing.assert_array_equal(np.asarray(first[2]), np.full((4,), 7.0))
    np.testing.assert_array_equal(np.asarray(second[2]), np.full((4,), 1.0))


def test_leafwise_traces_once_per_leaf_shape_inside_a_trace():
    traces = []

    def one(g, m):
        traces.append(g.shape)  # runs only while JAX traces `one`
        return (g + m,)

    each = leafwise(one, 1)
    shapes = [(3, 2), (2,)] * 10 + [(5,)]
    grads = [jnp.ones(s) for s in shapes]
    out = jax.jit(lambda g, m: each((), g, m)[0])(grads, grads)
    assert sorted(traces) == sorted({(3, 2), (2,), (5,)})
    for o, s in zip(out, shapes):
        np.testing.assert_array_equal(np.asarray(o), np.full(s, 2.0))

"""Layer basics: lazy build, add_weight, weight order, freezing, training flag, names,
config, count_params, stateless_call and the errors a wrong input shape gives."""

import re

import jax
import jax.numpy as jnp
import keras as real_keras
import numpy as np
import pytest

import lamina as keras
from lamina import layers


def _outer_layer(k):
    """A layer with own trainable and non-trainable weights and three sublayers, in module `k`."""
    k.backend.clear_session()  # auto-named parts (seed generators) start from the same count

    class Inner(k.layers.Layer):
        def build(self, input_shape):
            self.a = self.add_weight(shape=(1,), name="a")
            self.n = self.add_weight(shape=(1,), name="n", trainable=False)
            self.b = self.add_weight(shape=(1,), name="b")

        def call(self, x):
            return x * self.a + self.n + self.b

    class Outer(k.layers.Layer):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.d = k.layers.Dense(2, name="d")
            self.inner = Inner(name="inner")
            self.drop = k.layers.Dropout(0.5, seed=1, name="drop")

        def build(self, input_shape):
            self.own_nt = self.add_weight(shape=(2,), name="own_nt", trainable=False)
            self.own = self.add_weight(shape=(2,), name="own")

        def call(self, x, training=None):
            return self.drop(self.inner(self.d(x)) + self.own + self.own_nt, training=training)

    return Outer(name="outer")


def _paths(variables):
    return [v.path for v in variables]


def test_lazy_build_creates_weights_on_first_call():
    dense = layers.Dense(4)
    assert not dense.built and dense.weights == []
    out = dense(np.ones((2, 3)))
    assert out.shape == (2, 4)
    assert dense.built
    assert [w.shape for w in dense.weights] == [(3, 4), (4,)]
    assert dense.kernel.path == "dense/kernel"


def test_explicit_build_and_add_weight_defaults():
    class Scale(layers.Layer):
        def build(self, input_shape):
            self.w = self.add_weight(shape=(input_shape[-1],), name="w")
            self.step = self.add_weight(name="step", dtype="int32", trainable=False)

        def call(self, x):
            return x * self.w

    layer = Scale()
    layer.build((None, 5))
    assert layer.w.shape == (5,) and layer.w.trainable
    assert layer.step.shape == () and layer.step.dtype == "int32"
    assert int(layer.step.numpy()) == 0  # non-float weights default to zeros
    assert not np.all(layer.w.numpy() == 0)  # float weights default to glorot_uniform
    assert _paths(layer.trainable_weights) == ["scale/w"]
    assert _paths(layer.non_trainable_weights) == ["scale/step"]


def test_weight_order_matches_keras():
    ours, theirs = _outer_layer(keras), _outer_layer(real_keras)
    x = np.ones((1, 3), "float32")
    ours(x)
    theirs(x)
    for attr in ("weights", "trainable_weights", "non_trainable_weights", "variables",
                 "non_trainable_variables"):
        assert _paths(getattr(ours, attr)) == _paths(getattr(theirs, attr)), attr
    assert _paths(ours.weights) == [
        "outer/own", "outer/own_nt", "outer/d/kernel", "outer/d/bias",
        "outer/inner/a", "outer/inner/b", "outer/inner/n"]
    assert ours.count_params() == theirs.count_params() == 15


def test_freezing_nested_layers_matches_keras():
    ours, theirs = _outer_layer(keras), _outer_layer(real_keras)
    x = np.ones((1, 3), "float32")
    ours(x)
    theirs(x)

    def state(layer):
        return (_paths(layer.trainable_weights), _paths(layer.non_trainable_weights),
                [v.trainable for v in layer.weights])

    ours.inner.trainable = False
    theirs.inner.trainable = False
    assert state(ours) == state(theirs)
    assert _paths(ours.trainable_weights) == ["outer/own", "outer/d/kernel", "outer/d/bias"]
    ours.trainable = False
    theirs.trainable = False
    assert state(ours) == state(theirs)
    assert ours.trainable_weights == [] and len(ours.non_trainable_weights) == 7
    ours.trainable = True
    theirs.trainable = True
    assert state(ours) == state(theirs)
    assert ours.inner.trainable


def test_frozen_at_construction():
    dense = layers.Dense(3, trainable=False)
    dense.build((None, 2))
    assert dense.trainable_weights == []
    assert [w.trainable for w in dense.weights] == [False, False]
    dense.trainable = True
    assert _paths(dense.trainable_weights) == ["dense/kernel", "dense/bias"]


def test_training_flag_reaches_dropout_in_subclassed_model_in_functional_model():
    class Block(keras.Model):
        def __init__(self):
            super().__init__()
            self.dense = layers.Dense(4, kernel_initializer="ones")
            self.drop = layers.Dropout(0.5, seed=1)

        def call(self, x):  # no `training` argument: it still reaches the Dropout
            return self.drop(self.dense(x))

    inputs = keras.Input((3,))
    model = keras.Model(inputs, Block()(inputs))
    x = np.ones((8, 3), "float32")
    np.testing.assert_array_equal(model(x), np.full((8, 4), 3.0))
    np.testing.assert_array_equal(model(x, training=False), np.full((8, 4), 3.0))
    dropped = np.asarray(model(x, training=True))
    assert set(np.unique(dropped)) <= {0.0, 6.0}
    assert (dropped == 0).any() and (dropped == 6).any()
    # Layer-by-layer (no model) call gets the same flag.
    drop = layers.Dropout(0.5, seed=3)
    assert (np.asarray(drop(x, training=True)) == 0).any()
    np.testing.assert_array_equal(drop(x), x)


def test_training_keyword_is_not_forced_on_calls_without_it():
    class NoTraining(keras.Model):
        def __init__(self):
            super().__init__()
            self.dense = layers.Dense(2)

        def call(self, x):
            return self.dense(x)

    model = NoTraining()
    x = np.ones((2, 3), "float32")
    first = model(x, training=True)
    np.testing.assert_allclose(model(x, training=True), first)
    np.testing.assert_allclose(model(x, training=False), first)


def test_automatic_unique_names_and_explicit_name():
    assert [layers.Dense(1).name for _ in range(3)] == ["dense", "dense_1", "dense_2"]
    assert layers.Dense(1, name="head").name == "head"
    assert layers.Dense(1).name == "dense_3"  # name= does not consume a number
    assert layers.Concatenate().name == "concatenate"
    assert layers.RepeatVector(2).name == "repeat_vector"

    class MyFancyLayer(layers.Layer):
        def call(self, x):
            return x

    assert MyFancyLayer().name == "my_fancy_layer"
    with pytest.raises(ValueError, match="name"):
        layers.Dense(1, name="a/b")


def test_clear_session_resets_names():
    assert layers.Dense(1).name == "dense"
    assert layers.Dense(1).name == "dense_1"
    keras.backend.clear_session()
    assert layers.Dense(1).name == "dense"
    assert keras.Sequential().name == "sequential"
    keras.utils.clear_session()
    assert layers.Dense(1).name == "dense"


def test_count_params_needs_build():
    dense = layers.Dense(5)
    with pytest.raises(ValueError, match="isn't built"):
        dense.count_params()
    dense.build((None, 4))
    assert dense.count_params() == 4 * 5 + 5
    no_bias = layers.Dense(5, use_bias=False)
    no_bias.build((None, 4))
    assert no_bias.count_params() == 20


def test_get_weights_set_weights_round_trip_and_errors():
    dense = layers.Dense(2)
    dense.build((None, 3))
    new = [np.arange(6, dtype="float32").reshape(3, 2), np.array([1.0, -1.0], "float32")]
    dense.set_weights(new)
    for got, want in zip(dense.get_weights(), new):
        np.testing.assert_array_equal(got, want)
    np.testing.assert_allclose(dense(np.ones((1, 3))), [[7.0, 8.0]])
    with pytest.raises(ValueError, match="expects 2 weight arrays"):
        dense.set_weights(new[:1])
    with pytest.raises(ValueError, match=r"\(3, 2\).*\(2, 3\)"):
        dense.set_weights([new[0].T, new[1]])


def test_custom_layer_config_from_init_arguments():
    class Scaled(layers.Layer):
        def __init__(self, factor, offset=0.0, **kwargs):
            super().__init__(**kwargs)
            self.factor = factor
            self.offset = offset

        def call(self, x):
            return x * self.factor + self.offset

    layer = Scaled(3.0, offset=1.0, name="scaled")
    config = layer.get_config()
    assert config["factor"] == 3.0 and config["offset"] == 1.0 and config["name"] == "scaled"
    clone = Scaled.from_config(config)
    assert clone.name == "scaled" and clone.factor == 3.0
    np.testing.assert_array_equal(clone(np.ones((1, 2))), [[4.0, 4.0]])


def test_missing_super_init_is_a_clear_error():
    class Broken(layers.Layer):
        def __init__(self):
            self.units = 3

        def call(self, x):
            return x

    with pytest.raises(RuntimeError, match=r"super\(\).__init__\(\)"):
        Broken()(np.ones((1, 2)))


def test_wrong_input_shape_names_layer_expected_and_received():
    dense = layers.Dense(2)
    dense(np.ones((1, 3)))
    with pytest.raises(ValueError) as err:
        dense(np.ones((2, 4)))
    msg = str(err.value)
    assert "'dense'" in msg and "size 3" in msg and "(2, 4)" in msg
    with pytest.raises(ValueError) as err:
        dense(keras.Input((5,)))
    assert "'dense'" in str(err.value) and "(None, 5)" in str(err.value)
    with pytest.raises(ValueError, match=r"'dense_1'.*min_ndim=2.*\(3,\)"):
        layers.Dense(2)(np.ones((3,)))


def test_stateless_call_is_pure_and_returns_new_state():
    class Counter(layers.Layer):
        def build(self, input_shape):
            self.w = self.add_weight(shape=(input_shape[-1],), initializer="ones", name="w")
            self.count = self.add_weight(shape=(), initializer="zeros", trainable=False,
                                         name="count")

        def call(self, x):
            self.count.assign_add(1.0)
            return x * self.w

    layer = Counter()
    layer.build((None, 2))
    x = jnp.array([[1.0, 2.0]])
    out, new_nt = layer.stateless_call([jnp.array([3.0, 4.0])], [jnp.array(5.0)], x)
    np.testing.assert_array_equal(out, [[3.0, 8.0]])
    assert float(new_nt[0]) == 6.0
    # The layer's own variables are untouched.
    np.testing.assert_array_equal(layer.w.numpy(), [1.0, 1.0])
    assert float(layer.count.numpy()) == 0.0

    jitted = jax.jit(layer.stateless_call)
    out, new_nt = jitted([jnp.array([2.0, 2.0])], [jnp.array(1.0)], x)
    np.testing.assert_array_equal(out, [[2.0, 4.0]])
    assert float(new_nt[0]) == 2.0
    assert float(layer.count.numpy()) == 0.0
    with pytest.raises(ValueError, match="expects 1 trainable and 1 non-trainable"):
        layer.stateless_call([], [], x)


def test_stateless_call_advances_dropout_seed_state():
    drop = layers.Dropout(0.5, seed=7)
    ntv = [v.value for v in drop.non_trainable_variables]
    assert len(ntv) == 1  # the seed generator state
    x = jnp.ones((4, 6))
    out1, ntv1 = drop.stateless_call([], ntv, x, training=True)
    out2, ntv2 = drop.stateless_call([], ntv1, x, training=True)
    assert not np.array_equal(ntv[0], ntv1[0])
    assert not np.array_equal(out1, out2)
    out1_again, _ = drop.stateless_call([], ntv, x, training=True)
    np.testing.assert_array_equal(out1, out1_again)  # same state, same mask
    np.testing.assert_array_equal(drop.non_trainable_variables[0].numpy(), ntv[0])


def test_add_loss_and_regularizer_losses():
    class ActivityLoss(layers.Layer):
        def call(self, x):
            self.add_loss(jnp.sum(x))
            return x

    layer = ActivityLoss()
    layer(jnp.array([1.0, 2.0]))
    assert [float(v) for v in layer.losses] == [3.0]
    layer(jnp.array([5.0]))
    assert [float(v) for v in layer.losses] == [5.0]  # reset at each outer call

    dense = layers.Dense(1, kernel_initializer="ones", kernel_regularizer=keras.regularizers.L2(0.5))
    dense.build((None, 2))
    assert [float(v) for v in dense.losses] == [pytest.approx(1.0)]


def test_several_tensors_into_a_single_input_layer_name_the_count():
    """Keras's check, before build: a Dense given a list of tensors says how many it got
    (it used to fail inside build with a TypeError about int() and tuples)."""
    with pytest.raises(ValueError, match=r"'dense_list' expects 1 input\(s\), but it received 2"):
        layers.Dense(2, name="dense_list")([keras.Input((3,)), keras.Input((3,))])
    with pytest.raises(ValueError, match=r"expects 1 input\(s\), but it received 3"):
        keras.Sequential([keras.Input((3, 2)), layers.LSTM(2, return_state=True),
                           layers.Dense(1)])
    with pytest.raises(ValueError, match=r"expects 1 input\(s\), but it received 2"):
        layers.Dense(2)([np.ones((1, 3)), np.ones((1, 3))])


def test_each_layer_call_is_a_named_scope_in_the_compiled_program():
    """A profile (and the HLO) names each op by the layers it runs in: model/layer/op."""
    model = keras.Sequential([keras.Input((3,)), layers.Dense(4, activation="relu"),
                              layers.Dense(2)], name="net")
    trainable = [v.value for v in model.trainable_variables]
    step = jax.jit(lambda tv, x: model.stateless_call(tv, [], x)[0])
    lowered = step.lower(trainable, np.ones((2, 3), "float32"))
    text = lowered.as_text(debug_info=True)
    assert "net/dense/" in text and "net/dense_1/" in text
    compiled = lowered.compile().as_text()  # the op names a profiler shows
    # Dense runs its computation in a jitted function of its own (traced once per shape, so
    # in the lowered text its ops sit in one shared function): once compiled, each layer's
    # ops carry that layer's scope, with the function's name inside it.
    for layer in ("dense", "dense_1"):
        assert re.search(rf'op_name="jit\(<lambda>\)/net/{layer}/(jit\(\w+\)/)?dot_general"',
                         compiled)
    # eager calls run under the same scope (no error, same result as the compiled call)
    np.testing.assert_allclose(np.asarray(model(np.ones((2, 3), "float32"))),
                               np.asarray(step(trainable, np.ones((2, 3), "float32"))),
                               rtol=1e-6)


def test_a_class_declares_its_own_untracked_attributes():
    """Bookkeeping attributes are named by the class that keeps them; core lists only its own."""

    class Cached(layers.Layer):
        _untracked = frozenset({"_cache"})

        def __init__(self):
            super().__init__()
            self.inner = layers.Dense(2)
            self._cache = [keras.Variable(np.zeros(3)), layers.Dense(5)]
            self.kept = [keras.Variable(np.ones(1))]

    class MoreCached(Cached):
        _untracked = frozenset({"_more"})

    layer = Cached()
    assert layer._layers == [layer.inner]
    assert [v.shape for v in layer.weights] == [(1,)]  # `kept` is a weight, `_cache` is not
    assert {"_cache", "_inbound_nodes"} <= Cached._untracked_attributes
    assert {"_cache", "_more"} <= MoreCached._untracked_attributes
    assert "_cache" not in layers.Layer._untracked_attributes
    assert "optimizer" in keras.Model._untracked_attributes  # Model declares its own

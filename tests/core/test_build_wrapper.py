"""A layer's own build() runs in its name scope, however it is reached: the variable paths
of the sublayers it builds equal Keras 3's."""

import numpy as np
import pytest

import lamina

real_keras = pytest.importorskip("keras")


def _paths(k, how):
    class Outer(k.layers.Layer):
        def __init__(self):
            super().__init__(name="outer")
            self.inner = k.layers.Dense(2, name="inner")
            self.norm = k.layers.BatchNormalization(name="norm")

        def build(self, shape):
            self.scale = self.add_weight(shape=(2,), name="scale")
            self.inner.build(shape)
            self.norm.build((None, 2))

        def call(self, x):
            return self.norm(self.inner(x)) * self.scale

    layer = Outer()
    if how == "build":
        layer.build((None, 3))
    elif how == "call":
        layer(np.ones((1, 3), "float32"))
    else:
        x = k.Input((3,))
        k.Model(x, layer(x))
    return [w.path for w in layer.weights]


@pytest.mark.parametrize("how", ["build", "call", "symbolic"])
def test_sublayer_paths_match_keras(how):
    ours = _paths(lamina, how)
    assert ours[:3] == ["outer/scale", "outer/inner/kernel", "outer/inner/bias"]
    assert ours == _paths(real_keras, how)


@pytest.mark.parametrize("how", ["build", "call"])
def test_model_paths_are_not_doubled(how):
    def make(k):
        class Net(k.Model):
            def __init__(self):
                super().__init__(name="net")
                self.d = k.layers.Dense(2, name="d")
                self.stack = k.Sequential([k.layers.Dense(1, name="e")], name="stack")

            def call(self, x):
                return self.stack(self.d(x))

        return Net()

    net = make(lamina)
    if how == "build":
        net.build((None, 3))
    else:
        net(np.ones((1, 3), "float32"))
        ref = make(real_keras)
        ref(np.ones((1, 3), "float32"))
        assert [w.path for w in net.weights] == [w.path for w in ref.weights]
    assert [w.path for w in net.weights] == ["net/d/kernel", "net/d/bias", "net/stack/e/kernel",
                                             "net/stack/e/bias"]

"""LoRA on Dense, Embedding and EinsumDense against Keras 3: merged weights and outputs
with the same adapters, fit trains only the adapters (the frozen weight stays), saving
writes the merged weight in Keras's layout, configs, and the refusals Keras makes."""

import os

import numpy as np
import pytest

import lamina

os.environ.setdefault("KERAS_BACKEND", "jax")
keras = pytest.importorskip("keras")
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")

RNG = np.random.default_rng(0)

CASES = [
    ("Dense", (4,), {}, (3, 5), "kernel", "float"),
    ("Embedding", (7, 3), {}, (2, 4), "embeddings", "int"),
    ("EinsumDense", ("abc,cde->abde",), {"output_shape": (None, 2, 3), "bias_axes": "de"},
     (2, 3, 4), "kernel", "float"),
]


@pytest.mark.parametrize("name,args,kwargs,shape,target,kind", CASES)
@pytest.mark.parametrize("alpha", [None, 6.0])
def test_merged_weight_and_outputs_match_keras(name, args, kwargs, shape, target, kind, alpha):
    ref, mine = getattr(keras.layers, name)(*args, **kwargs), getattr(lamina.layers, name)(*args, **kwargs)
    ref.build(shape)
    mine.build(shape)
    base = [RNG.normal(size=w.shape).astype("float32") for w in ref.get_weights()]
    ref.set_weights(base)
    mine.set_weights(base)
    ref.enable_lora(2, lora_alpha=alpha)
    mine.enable_lora(2, lora_alpha=alpha)
    weights = [RNG.normal(size=w.shape).astype("float32") for w in ref.get_weights()]
    ref.set_weights(weights)
    mine.set_weights(weights)
    def names(ws):
        return [w.path.split("/", 1)[1] for w in ws]

    assert names(mine.weights) == names(ref.weights)
    assert names(mine.trainable_weights) == names(ref.trainable_weights)
    np.testing.assert_allclose(np.asarray(getattr(mine, target)),
                               np.asarray(getattr(ref, target)), rtol=1e-5, atol=1e-5)
    x = (RNG.integers(0, 7, shape) if kind == "int" else RNG.normal(size=shape)).astype(
        "int32" if kind == "int" else "float32")
    np.testing.assert_allclose(np.asarray(mine(x)), np.asarray(ref(x)), rtol=1e-5, atol=1e-5)


def _model(ns, lora=True):
    inputs = ns.Input((5,))
    x = ns.layers.Dense(6, activation="relu", name="d1", lora_rank=2 if lora else None)(inputs)
    return ns.Model(inputs, ns.layers.Dense(1, name="d2")(x))


def test_fit_trains_only_the_adapters(tmp_path):
    x = RNG.normal(size=(64, 5)).astype("float32")
    y = RNG.normal(size=(64, 1)).astype("float32")
    model = _model(lamina)
    d1 = model.get_layer("d1")
    d1.lora_kernel_b.assign(RNG.normal(size=(2, 6)).astype("float32") * 0.1)
    assert {w.path for w in model.trainable_weights} == {
        "d1/bias", "d1/lora_kernel_a", "d1/lora_kernel_b", "d2/kernel", "d2/bias"}
    before = {w.path: w.numpy().copy() for w in model.weights}
    model.compile(lamina.optimizers.SGD(0.05), "mse")
    model.fit(x, y, epochs=2, batch_size=16, verbose=0)
    after = {w.path: w.numpy() for w in model.weights}
    np.testing.assert_array_equal(after["d1/kernel"], before["d1/kernel"])
    for path in ("d1/lora_kernel_a", "d1/lora_kernel_b"):
        assert not np.allclose(after[path], before[path]), path

    # Saving writes the merged kernel where Keras writes it: Keras and a LoRA-free lamina
    # model read it back as their plain kernel; a LoRA model reads it with zero adapters.
    merged = np.asarray(d1.kernel)
    path = str(tmp_path / "lora.weights.h5")
    model.save_weights(path)
    for ns in (keras, lamina):
        plain = _model(ns, lora=False)
        plain.load_weights(path)
        np.testing.assert_allclose(np.asarray(plain.get_layer("d1").kernel), merged,
                                   rtol=1e-6, atol=1e-6)
        np.testing.assert_allclose(np.asarray(plain(x[:4])), np.asarray(model(x[:4])),
                                   rtol=1e-5, atol=1e-5)
    again = _model(lamina)
    again.load_weights(path)
    assert not np.any(again.get_layer("d1").lora_kernel_b.numpy())
    np.testing.assert_allclose(np.asarray(again.get_layer("d1").kernel), merged, rtol=1e-6)


def test_config_round_trips_with_keras_keys():
    mine = lamina.layers.Dense(3, lora_rank=2, lora_alpha=4.0)
    ref = keras.layers.Dense(3, lora_rank=2, lora_alpha=4.0)
    config = mine.get_config()
    assert config["lora_rank"] == 2 and config["lora_alpha"] == 4.0
    # The keys LoRA adds are Keras's (Dense's own keys are tested with Dense).
    assert (set(config) - set(lamina.layers.Dense(3).get_config())
            == set(ref.get_config()) - set(keras.layers.Dense(3).get_config()))
    clone = lamina.layers.Dense.from_config(config)
    clone.build((None, 5))
    assert clone.lora_enabled and clone.lora_alpha == 4.0
    assert "lora_rank" not in lamina.layers.Dense(3).get_config()


def test_refusals():
    layer = lamina.layers.Dense(3)
    with pytest.raises(ValueError, match="isn't yet built"):
        layer.enable_lora(2)
    with pytest.raises(AttributeError, match="Dense .* no `kernel` until it is built"):
        layer.kernel
    layer.build((None, 4))
    layer.enable_lora(2)
    with pytest.raises(ValueError, match="already enabled"):
        layer.enable_lora(2)
    constrained = lamina.layers.Embedding(5, 2, embeddings_constraint="non_neg")
    constrained.build((None, 3))
    with pytest.raises(ValueError, match="embeddings_constraint"):
        constrained.enable_lora(2)


def test_lora_and_quantization_refuse_each_other_clearly():
    x = np.ones((2, 5), "float32")
    adapted = lamina.layers.Dense(3, lora_rank=2, name="adapted")
    adapted(x)
    with pytest.raises(ValueError, match="'adapted' has LoRA enabled"):
        adapted.quantize("int8")
    quantized = lamina.layers.Dense(3, name="quantized")
    quantized(x)
    quantized.quantize("int8")
    with pytest.raises(ValueError, match=r"Dense 'quantized' is quantized \(int8\)"):
        quantized.enable_lora(2)

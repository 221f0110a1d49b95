"""get_config / from_config of every public layer, loss, metric, optimizer, schedule,
initializer, regularizer and constraint: lamina round-trips its own configs, reads the
config Keras 3 writes for the same object, and Keras reads lamina's back unchanged."""

import inspect

import pytest

import lamina
from lamina.core.serialization.deserialization import _table

keras = pytest.importorskip("keras")

# Constructor arguments for classes that need some (else the defaults are used).
ARGS = {
    "Dense": ((3,), {"activation": "relu", "kernel_regularizer": "l2"}),
    "MaxNumBoundingBoxes": ((5,), {}),
    "RandomHue": ((0.2,), {"seed": 1}), "RandomSaturation": (((0.2, 0.6),), {"seed": 1}),
    "Activation": (("tanh",), {}),
    "Dropout": ((0.3,), {"seed": 4}), "GaussianDropout": ((0.3,), {}),
    "GaussianNoise": ((0.1,), {}), "SpatialDropout1D": ((0.2,), {}),
    "SpatialDropout2D": ((0.2,), {}), "SpatialDropout3D": ((0.2,), {}),
    "Reshape": (((2, 3),), {}), "Permute": (((2, 1),), {}), "RepeatVector": ((3,), {}),
    "Conv1D": ((4, 3), {"padding": "same"}), "Conv2D": ((4, 3), {"strides": 2}),
    "Conv3D": ((2, 2), {}), "Embedding": ((10, 4), {}), "Dot": ((1,), {}),
    "Conv1DTranspose": ((4, 3), {"strides": 2, "output_padding": 1}),
    "Conv2DTranspose": ((4, 3), {"padding": "same"}), "Conv3DTranspose": ((2, 2), {}),
    "DepthwiseConv1D": ((3,), {"depth_multiplier": 2}), "DepthwiseConv2D": ((3,), {}),
    "SeparableConv1D": ((4, 3), {}), "SeparableConv2D": ((4, 3), {"depth_multiplier": 2}),
    "AlphaDropout": ((0.2,), {"seed": 1}), "GroupNormalization": ((), {"groups": 4}),
    "ActivityRegularization": ((), {"l1": 0.1}), "UnitNormalization": ((), {"axis": [1, 2]}),
    "InputLayer": ((), {"shape": (3,)}), "Concatenate": ((), {"axis": 1}),
    "BatchNormalization": ((), {"momentum": 0.9}),
    "AveragePooling1D": ((2,), {}), "AveragePooling2D": ((2,), {}), "AveragePooling3D": ((2,), {}),
    "MaxPooling1D": ((3,), {"strides": 1}), "MaxPooling2D": ((2,), {"padding": "same"}),
    "AUC": ((), {"num_thresholds": 50}), "FBetaScore": ((), {"beta": 2.0}),
    "IoU": ((), {"num_classes": 3, "target_class_ids": [0, 2]}),
    "MeanIoU": ((), {"num_classes": 3}), "OneHotIoU": ((), {"num_classes": 3, "target_class_ids": [1]}),
    "OneHotMeanIoU": ((), {"num_classes": 3}), "BinaryIoU": ((), {}),
    "PrecisionAtRecall": ((0.5,), {}), "RecallAtPrecision": ((0.5,), {}),
    "SensitivityAtSpecificity": ((0.5,), {}), "SpecificityAtSensitivity": ((0.5,), {}),
    "Constant": ((0.5,), {}), "VarianceScaling": ((2.0,), {"mode": "fan_avg"}),
    "MinMaxNorm": ((0.1, 2.0), {}), "MaxNorm": ((3.0,), {}), "L1": ((0.02,), {}),
    "L1L2": ((0.01, 0.02), {}), "L2": ((0.03,), {}),
    "ExponentialDecay": ((0.1, 100, 0.9), {}), "InverseTimeDecay": ((0.1, 100, 0.5), {}),
    "PiecewiseConstantDecay": (([10, 20], [0.1, 0.05, 0.01]), {}),
    "PolynomialDecay": ((0.1, 100), {}), "CosineDecay": ((0.1, 100), {}),
    "CosineDecayRestarts": ((0.1, 100), {}),
    "Adam": ((), {"learning_rate": 0.01, "amsgrad": True}), "SGD": ((0.1,), {"momentum": 0.5}),
    "CategoryEncoding": ((4,), {"output_mode": "count"}), "CenterCrop": ((3, 4), {}),
    "Discretization": ((), {"bin_boundaries": [0.0, 1.5]}), "Hashing": ((8,), {}),
    "IntegerLookup": ((), {"vocabulary": [3, 1, 2]}), "HashedCrossing": ((5,), {}),
    "StringLookup": ((), {"vocabulary": ["a", "b"], "mask_token": ""}),
    "TextVectorization": ((), {"vocabulary": ["a", "b"], "output_sequence_length": 3}), "Normalization": ((), {"axis": (1, 2)}),
    "RandomBrightness": ((0.2,), {"seed": 3}), "RandomContrast": ((0.3,), {}),
    "RandomCrop": ((3, 4), {"seed": 5}), "RandomFlip": (("vertical",), {"seed": 2}),
    "RandomRotation": ((0.1,), {"fill_mode": "constant"}), "RandomTranslation": ((0.1, 0.2), {}),
    "RandomZoom": ((0.2,), {}), "Rescaling": ((1 / 255.0,), {"offset": -1.0}),
    "Resizing": ((5, 6), {"interpolation": "nearest"}),
    "SimpleRNNCell": ((4,), {"activation": "relu"}), "LSTMCell": ((4,), {"dropout": 0.1}),
    "GRUCell": ((4,), {"reset_after": False}), "SimpleRNN": ((4,), {"return_sequences": True}),
    "LSTM": ((4,), {"unit_forget_bias": False, "go_backwards": True}),
    "GRU": ((4,), {"return_state": True}),
    "ConvLSTM1D": ((4, 3), {"padding": "same", "stateful": True}),
    "ConvLSTM2D": ((4, (3, 2)), {"strides": 2, "recurrent_dropout": 0.1}),
    "ConvLSTM3D": ((2, 3), {"dilation_rate": 2, "return_sequences": True}),
    "EinsumDense": (("ab,bc->ac", 5), {"bias_axes": "c"}),
    "RandomPosterization": ((4,), {"seed": 1}),
    "RandomColorDegeneration": ((0.5,), {"seed": 1}),
    "RandomSharpness": ((0.5,), {"seed": 1}),
    "ReversibleEmbedding": ((10, 4), {"tie_weights": False, "logit_soft_cap": 3.0}),
    "MultiHeadAttention": ((2, 3), {"dropout": 0.1}),
    **{f"Adaptive{kind}Pooling{n}D": ((2,), {}) for kind in ("Average", "Max") for n in (1, 2, 3)},
}
def _optimizer_map(L):
    """(args, kwargs) of an OptimizerMap of the library whose `layers` is `L`."""
    opt = (lamina if L is lamina.layers else keras).optimizers
    return ((opt.OptimizerMap(opt.SGD(0.1), {"dense/.*": opt.Adam(0.01)}),), {})


# Wrappers take a layer: each library gets its own, made by name from these.
WRAPPED = {
    "RNN": lambda L: ((L.LSTMCell(3),), {"return_sequences": True}),
    "StackedRNNCells": lambda L: (([L.GRUCell(3), L.SimpleRNNCell(2)],), {}),
    "Bidirectional": lambda L: ((L.LSTM(3, return_sequences=True),), {"merge_mode": "sum"}),
    "TimeDistributed": lambda L: ((L.Dense(2),), {}),
    "LossScaleOptimizer": lambda L: (((lamina if L is lamina.layers else keras).optimizers.SGD(0.1),),
                                     {"initial_scale": 8.0, "dynamic_growth_steps": 3}),
    "OptimizerMap": lambda L: ((_optimizer_map(L)[0][0].default_optimizer,),
                               {"optimizer_map": dict(_optimizer_map(L)[0][0])}),
    "MultiOptimizer": lambda L: ((_optimizer_map(L)[0][0],), {"loss_scale_factor": 2.0}),
    "Wrapper": lambda L: ((L.Dense(2),), {}),
    "Pipeline": lambda L: (([L.Rescaling(0.5), L.CenterCrop(2, 3)],), {}),
    "SpectralNormalization": lambda L: ((L.Dense(2),), {"power_iterations": 2}),
}
SKIP = {"Layer", "InputSpec", "Lambda", "Loss", "Metric", "MeanMetricWrapper", "Optimizer",
        "LearningRateSchedule", "Initializer", "Regularizer", "Constraint",
        # configs holding Python callables / Flax modules: tests/layers/test_jax_layer.py
        "JaxLayer", "FlaxLayer"}
FAMILIES = {"layers": keras.layers, "losses": keras.losses, "metrics": keras.metrics,
            "optimizers": keras.optimizers, "schedules": keras.optimizers.schedules,
            "initializers": keras.initializers, "regularizers": keras.regularizers,
            "constraints": keras.constraints}


def _cases():
    cases = []
    for family, kmod in FAMILIES.items():
        seen = set()
        for name, cls in sorted(_table(family).items()):
            kcls = getattr(kmod, name, None)
            if not inspect.isclass(cls) or kcls is None or name in SKIP or cls in seen:
                continue
            if kcls.__name__ != name:  # an alias (Convolution2D is Conv2D)
                continue
            seen.add(cls)
            cases.append(pytest.param(family, name, id=f"{family}.{name}"))
    return cases


def _plain(config):
    """A config with Keras's DTypePolicy dicts shown as their dtype name."""
    if isinstance(config, dict):
        if config.get("class_name") == "DTypePolicy":
            return config["config"]["name"]
        return {k: _plain(v) for k, v in config.items() if k != "shared_object_id"}
    if isinstance(config, (list, tuple)):
        return [_plain(v) for v in config]
    return config


@pytest.mark.parametrize("family,name", _cases())
def test_config_round_trips_with_keras(family, name):
    args, kwargs = ARGS.get(name, ((), {}))
    lcls, kcls = _table(family)[name], getattr(FAMILIES[family], name)
    if name in WRAPPED:
        args, kwargs = WRAPPED[name](lamina.layers)
    # lamina's own round trip.
    obj = lcls(*args, **kwargs)
    again = lamina.saving.deserialize_keras_object(lamina.saving.serialize_keras_object(obj))
    assert type(again) is lcls
    assert _plain(again.get_config()) == _plain(obj.get_config())
    # Keras's config -> lamina -> Keras gives Keras's config back.
    if name in WRAPPED:
        args, kwargs = WRAPPED[name](keras.layers)
    try:
        kobj = kcls(*args, **kwargs)
    except ImportError as error:  # Keras's Hashing and IntegerLookup need TensorFlow
        pytest.skip(f"Keras cannot build {name} here: {error}")
    kconfig = keras.saving.serialize_keras_object(kobj)
    lobj = lamina.saving.deserialize_keras_object(kconfig)
    assert type(lobj) is lcls
    back = keras.saving.deserialize_keras_object(lamina.saving.serialize_keras_object(lobj))
    assert type(back) is kcls
    assert _plain(back.get_config()) == _plain(kobj.get_config())

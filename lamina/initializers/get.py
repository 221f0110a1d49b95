"""Resolve an initializer from a name, a config dict, a class, or a callable."""

from lamina.core.lookup import deserialize_with, find_named
from lamina.core.naming import to_snake_case
from lamina.core.serialization.deserialization import deserialize_keras_object
from lamina.initializers import initializers as _init
from lamina.initializers.stft import STFT

_CLASSES = [
    _init.Zeros, _init.Ones, _init.Constant, _init.Identity, _init.RandomNormal,
    _init.RandomUniform, _init.TruncatedNormal, _init.VarianceScaling, _init.GlorotUniform,
    _init.GlorotNormal, _init.HeNormal, _init.HeUniform, _init.LecunNormal, _init.LecunUniform,
    _init.Orthogonal, STFT,
]
ALL = {cls.__name__: cls for cls in _CLASSES}
ALL.update({to_snake_case(cls.__name__): cls for cls in _CLASSES})
ALL.update({"zero": _init.Zeros, "one": _init.Ones, "uniform": _init.RandomUniform,
            "normal": _init.RandomNormal, "orthogonal": _init.Orthogonal,
            "identity": _init.Identity, "STFTInitializer": STFT})


def serialize(initializer):
    return {"module": "keras.initializers", "class_name": type(initializer).__name__,
            "config": initializer.get_config(), "registered_name": None}


def get(identifier):
    """None -> None; "glorot_uniform" -> a new GlorotUniform(); dict -> from its config."""
    if identifier is None:
        return None
    if isinstance(identifier, _init.Initializer):
        return identifier
    if isinstance(identifier, str):
        found = find_named("initializer", identifier, ALL)
        return found() if isinstance(found, type) else found
    if isinstance(identifier, dict):
        return deserialize_keras_object(identifier, families=("initializers",))
    if isinstance(identifier, type) and issubclass(identifier, _init.Initializer):
        return identifier()
    if callable(identifier):
        return identifier
    raise ValueError(f"Could not interpret initializer: {identifier!r}")


def deserialize(config, custom_objects=None):
    """The initializer a config dict (or a name) describes."""
    return deserialize_with(get, config, custom_objects)

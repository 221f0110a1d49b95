"""`get`, `serialize`, `deserialize` for optimizers, with Keras's identifiers and dict format."""

import difflib

from lamina.optimizers.adadelta import Adadelta
from lamina.optimizers.adafactor import Adafactor
from lamina.optimizers.adagrad import Adagrad
from lamina.optimizers.adam import Adam
from lamina.optimizers.adamax import Adamax
from lamina.optimizers.adamw import AdamW
from lamina.optimizers.ftrl import Ftrl
from lamina.optimizers.lamb import Lamb
from lamina.optimizers.lion import Lion
from lamina.optimizers.loss_scale_optimizer import LossScaleOptimizer
from lamina.optimizers.multi_optimizer import MultiOptimizer, OptimizerMap
from lamina.optimizers.muon import Muon
from lamina.optimizers.nadam import Nadam
from lamina.optimizers.optimizer import Optimizer
from lamina.optimizers.rmsprop import RMSprop
from lamina.optimizers.schedule_free_adamw import ScheduleFreeAdamW
from lamina.optimizers.sgd import SGD

MODULE = "keras.optimizers"

ALL_OPTIMIZERS = {cls.__name__: cls for cls in (
    Adadelta, Adafactor, Adagrad, Adam, Adamax, AdamW, Ftrl, Lamb, Lion, LossScaleOptimizer,
    MultiOptimizer, Muon, Nadam, OptimizerMap, RMSprop, ScheduleFreeAdamW, SGD)}
# Lower-case lookup, as Keras: "adam", "rmsprop", "adamw", "sgd", ...
_BY_LOWER = {name.lower(): cls for name, cls in ALL_OPTIMIZERS.items()}


def serialize(optimizer):
    """`{"module", "class_name", "config", "registered_name"}` (Keras 3's layout)."""
    if not isinstance(optimizer, Optimizer):
        raise TypeError(f"Expected an Optimizer, got {optimizer!r}.")
    cls = type(optimizer)
    builtin = ALL_OPTIMIZERS.get(cls.__name__) is cls
    return {"module": MODULE if builtin else cls.__module__, "class_name": cls.__name__,
            "config": optimizer.get_config(),
            "registered_name": None if builtin else cls.__name__}


def _unknown(name):
    names = sorted(ALL_OPTIMIZERS) + sorted(_BY_LOWER)
    close = difflib.get_close_matches(str(name), names, n=3, cutoff=0.5)
    close = list(dict.fromkeys(close))
    hint = f" Did you mean {', '.join(repr(c) for c in close)}?" if close else ""
    return ValueError(f"Could not interpret optimizer identifier: {name!r}.{hint} "
                      f"Known optimizers: {', '.join(sorted(ALL_OPTIMIZERS))}.")


def _lookup(name, custom_objects):
    custom_objects = custom_objects or {}
    cls = custom_objects.get(name) or ALL_OPTIMIZERS.get(name) or _BY_LOWER.get(str(name).lower())
    if cls is None:
        raise _unknown(name)
    return cls


def deserialize(config, custom_objects=None):
    """Rebuild an optimizer from `serialize`'s dict or `{"class_name", "config"}`."""
    if not isinstance(config, dict) or "class_name" not in config:
        raise ValueError(f"Could not interpret optimizer config: {config!r}")
    name = config.get("registered_name") or config["class_name"]
    if custom_objects and name not in custom_objects:
        name = config["class_name"]
    cls = _lookup(name, custom_objects)
    return cls.from_config(dict(config.get("config") or {}), custom_objects=custom_objects)


def get(identifier):
    """An optimizer from a name ("adam", case-insensitive), a config dict or an instance.

    Returns None for None; unknown names raise ValueError with close matches.
    """
    if identifier is None:
        return None
    if isinstance(identifier, Optimizer):
        return identifier
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if isinstance(identifier, str):
        return _lookup(identifier, None)()
    raise ValueError(f"Could not interpret optimizer identifier: {identifier!r}")

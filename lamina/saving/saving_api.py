"""`save_model` / `load_model` (the `.keras` archive) and weights-only `.weights.h5` files.

Files follow Keras 3's format, so models made of layers both libraries have move both
ways. Saves are atomic (temporary file, fsync, rename). Loading checks the archive,
resolves classes only through lamina and the user's registrations, and turns any failure
to rebuild the model into a `ValueError` that names the file.
"""

import datetime
import io
import os

from lamina.core.layer import Layer
from lamina.core.serialization.atomic_file import atomic_write
from lamina.core.serialization.deserialization import deserialize_keras_object
from lamina.core.serialization.errors import InvalidFileError, SavingError
from lamina.core.serialization.object_registration import CustomObjectScope
from lamina.core.serialization.safe_mode import SafeModeScope
from lamina.core.serialization.serialization import serialize_keras_object
from lamina.distribution.placement import is_writer_process
from lamina.models.functional import Functional
from lamina.models.functional_config import shapes_as_lists
from lamina.models.model import Model
from lamina.models.model_saving import use_saving_functions
from lamina.models.sequential import Sequential
from lamina.models.tracing import _batchless, trace_subclassed_model
from lamina.saving import archive, assets_io
from lamina.saving.json_api import model_from_json, model_to_json
from lamina.saving.weights_io import read_weights, write_weights
from lamina.training.trainer import Trainer
from lamina.version import KERAS_API_VERSION, __version__

KERAS_FORMAT_VERSION = KERAS_API_VERSION
LAMINA_COMPILE_KEY = "lamina_compile_config"


def _build_config(model):
    if type(model).get_build_config is not Layer.get_build_config:
        return model.get_build_config()  # the user's own, as Keras saves it
    if isinstance(model, Functional):
        return {"input_shape": None}
    if isinstance(model, Sequential):
        inputs = model._functional.inputs if model._functional is not None else None
        return {"input_shape": list(inputs[0].shape) if inputs else None}
    shapes = getattr(model, "_build_shapes", None)
    return {"input_shape": shapes_as_lists(shapes) if model.built else None}


def compile_config(model):
    """The model's compile arguments in Keras 3's `compile_config` layout ({} if none). A
    model class with its own `get_compile_config` stores what it returns, as Keras."""
    get = getattr(model, "get_compile_config", None)
    raw = get() if get is not None else None
    if not raw:
        return {}
    if type(model).get_compile_config is not Trainer.get_compile_config:
        return serialize_keras_object(raw)
    out = {key: serialize_keras_object(raw.get(key)) for key in (
        "loss", "loss_weights", "metrics", "weighted_metrics", "run_eagerly", "jit_compile")}
    out["optimizer"] = serialize_keras_object(model.optimizer)
    spe = raw.get("steps_per_execution", 1)
    out["steps_per_execution"] = spe if isinstance(spe, int) else 1  # Keras takes ints only
    return {k: out[k] for k in ("optimizer", "loss", "loss_weights", "metrics",
                                "weighted_metrics", "run_eagerly", "steps_per_execution",
                                "jit_compile")}


def serialize_model(model):
    """The `config.json` content for `model`."""
    config = serialize_keras_object(model)
    config["build_config"] = _build_config(model)
    config["compile_config"] = compile_config(model)
    raw = model.get_compile_config() if hasattr(model, "get_compile_config") else None
    if raw and raw.get("steps_per_execution") == "auto":
        # lamina-only setting, in a key Keras does not read.
        config[LAMINA_COMPILE_KEY] = {"steps_per_execution": "auto"}
    return config


def _build_from_config(model, build_config):
    """Create a subclassed model's weights from its saved input shape(s)."""
    if type(model).build_from_config is not Layer.build_from_config:
        model.build_from_config(build_config)  # the user's own, as Keras calls it
        return
    if isinstance(model, (Functional, Sequential)) or not isinstance(build_config, dict):
        return
    shapes = build_config.get("input_shape")
    if shapes is None or (model.built and model.weights):
        return
    shapes = _batchless(shapes)
    if type(model).build is not Model.build:
        model.build(shapes)
        if all(layer.built for layer in model._flatten_layers()):
            return

    trace_subclassed_model(model, shapes)
    model.built = True


def model_from_config(config, custom_objects=None):
    """A model from a `config.json` dict (build included, compile not)."""
    model = deserialize_keras_object(config, custom_objects, families=("models", "layers"))
    if not isinstance(model, Layer):
        raise SavingError(f"config.json describes a {type(model).__name__}, not a model.")
    _build_from_config(model, config.get("build_config"))
    return model


def _check_keras_path(filepath, suffix, what):
    if isinstance(filepath, (str, os.PathLike)) and not os.fspath(filepath).endswith(suffix):
        raise ValueError(f"The filename must end in `{suffix}` to {what}. "
                         f"Received: filepath={os.fspath(filepath)!r}")


def save_model(model, filepath, overwrite=True, zipped=None, **kwargs):
    """Save `model` (config, weights, optimizer state) to a `.keras` archive, atomically.
    `zipped=None` means zipped (the `.keras` format); `include_optimizer=True` is the
    only other keyword, as lamina always stores the optimizer."""
    if zipped is not None and not zipped:
        raise ValueError("lamina writes only zipped `.keras` archives (zipped=True or None); "
                         f"received zipped={zipped!r}.")
    if not kwargs.pop("include_optimizer", True):
        raise ValueError("save_model(include_optimizer=False) is not supported: lamina always "
                         "stores the optimizer state in the archive.")
    if kwargs:
        raise ValueError(f"save_model() got unsupported argument(s) {sorted(kwargs)}.")
    _check_keras_path(filepath, ".keras", "save a model")
    config = serialize_model(model)

    metadata = {"keras_version": KERAS_FORMAT_VERSION, "lamina_version": __version__,
                "date_saved": datetime.datetime.now().strftime("%Y-%m-%d@%H:%M:%S")}

    def write(f):
        archive.write_archive(f, config, metadata, lambda wf: write_weights(model, wf),
                              assets_io.collect_assets(model))

    if not isinstance(filepath, (str, os.PathLike)):
        return write(filepath)
    if not is_writer_process():  # a multi-process job: process 0 writes the file
        return
    if not overwrite and os.path.exists(filepath):
        raise FileExistsError(f"{os.fspath(filepath)!r} exists and overwrite=False.")
    with atomic_write(filepath) as f:
        write(f)


def _rebuild_error(where, e):
    if isinstance(e, SavingError):  # a plain SavingError is a malformed config
        return (InvalidFileError if type(e) is SavingError else type(e))(f"{where}: {e}")
    return InvalidFileError(
        f"{where}: could not rebuild the model its config.json describes: "
        f"{type(e).__name__}: {e}")


def load_model(filepath, custom_objects=None, compile=True, safe_mode=True):
    """Load a model saved with `model.save("x.keras")` (by lamina or Keras 3).

    Args:
        custom_objects: {name: class or function} for your own objects in the file.
        compile: also restore the compile settings and the optimizer state.
        safe_mode: refuse Lambda layers stored as Python bytecode.
    """
    where = archive.describe(filepath)
    config, _metadata, weights = archive.read_archive(filepath)
    with CustomObjectScope(custom_objects), SafeModeScope(safe_mode):
        try:
            model = model_from_config(config, custom_objects)
            if compile:
                compile_config = dict(config.get("compile_config") or {})
                extra = config.get(LAMINA_COMPILE_KEY)
                if compile_config and isinstance(extra, dict) and \
                        extra.get("steps_per_execution") == "auto":
                    compile_config["steps_per_execution"] = "auto"
                if compile_config:
                    model.compile_from_config(compile_config)  # the user's own if defined
        except Exception as e:  # anything a hostile or damaged config provokes
            raise _rebuild_error(where, e) from e
    try:
        read_weights(model, io.BytesIO(weights), where)
        assets_io.restore_assets(model, archive.read_assets(filepath))
    except SavingError:
        raise
    except Exception as e:
        raise InvalidFileError(f"{where}: could not load the weights: "
                               f"{type(e).__name__}: {e}") from e
    return model


def _refuse_options(function, kwargs, max_shard_size=None):
    """Keras options lamina does not honour: a clear error instead of ignoring them."""
    if max_shard_size is not None:
        raise ValueError(f"{function}: max_shard_size={max_shard_size!r} is not supported by "
                         "lamina (sharded weights files); expected max_shard_size=None.")
    if kwargs:
        raise TypeError(f"{function}() got unsupported keyword argument(s) "
                        f"{sorted(kwargs)}; lamina reads and writes .weights.h5 files only.")


def save_weights(model, filepath, overwrite=True, max_shard_size=None, **kwargs):
    """Write the model's (and its optimizer's) variables to a `.weights.h5` file.

    max_shard_size (Keras's sharded `.weights.json` format) is not supported: None only.
    """
    _refuse_options("save_weights", kwargs, max_shard_size=max_shard_size)
    _check_keras_path(filepath, ".weights.h5", "save weights")
    if not isinstance(filepath, (str, os.PathLike)):
        return write_weights(model, filepath)
    if not is_writer_process():
        return
    if not overwrite and os.path.exists(filepath):
        raise FileExistsError(f"{os.fspath(filepath)!r} exists and overwrite=False.")
    with atomic_write(filepath) as f:
        write_weights(model, f)


def load_weights(model, filepath, skip_mismatch=False, **kwargs):
    """Load variables from a `.weights.h5` file or a `.keras` archive into `model`."""
    _refuse_options("load_weights", kwargs)
    where = archive.describe(filepath)
    head = archive.sniff(filepath)
    if isinstance(filepath, (str, os.PathLike)) and not os.path.isfile(filepath):
        raise InvalidFileError(f"File not found: {where}.")
    if head.startswith(archive.ZIP_MAGIC):
        _, _, weights = archive.read_archive(filepath)
        source = io.BytesIO(weights)
    elif head.startswith(archive.HDF5_MAGIC):
        source = filepath
    else:
        raise InvalidFileError(f"{where} is neither a .weights.h5 (HDF5) file nor a .keras "
                               "archive.")
    try:
        read_weights(model, source, where, skip_mismatch=skip_mismatch)
    except SavingError:
        raise
    except Exception as e:
        raise InvalidFileError(f"{where}: could not load the weights: "
                               f"{type(e).__name__}: {e}") from e


use_saving_functions(save_model=save_model, load_model=load_model, save_weights=save_weights,
                     load_weights=load_weights, model_to_json=model_to_json,
                     model_from_json=model_from_json)

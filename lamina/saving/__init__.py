from lamina.core.serialization.deserialization import deserialize_keras_object
from lamina.core.serialization.errors import (
    InvalidFileError,
    SavingError,
    UnknownObjectError,
    UnsafeContentError,
    WeightsMismatchError,
)
from lamina.core.serialization.object_registration import (
    CustomObjectScope,
    custom_object_scope,
    get_custom_objects,
    get_registered_name,
    get_registered_object,
    register_keras_serializable,
)
from lamina.core.serialization.serialization import serialize_keras_object
from lamina.saving.json_api import model_from_json
from lamina.saving.saving_api import load_model, load_weights, save_model, save_weights

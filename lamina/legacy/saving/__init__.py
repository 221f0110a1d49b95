"""keras.legacy.saving: the tf.keras-era config format (same as keras.utils.legacy)."""

from lamina.utils.legacy_serialization import deserialize_keras_object, serialize_keras_object

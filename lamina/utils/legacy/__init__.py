"""keras.utils.legacy: the tf.keras-era config format."""

from lamina.utils.legacy_serialization import deserialize_keras_object, serialize_keras_object

"""Ways to run code written for Keras on lamina without changing it."""

from lamina.compat.keras_alias import install_as_keras

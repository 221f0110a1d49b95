"""install_as_keras, run in fresh interpreters (it changes the process's `keras`)."""

import pathlib
import subprocess
import sys
import textwrap

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]


def _run(code):
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)


def test_keras_and_its_submodules_are_lamina_modules():
    result = _run("""
        import lamina.compat
        lamina.compat.install_as_keras()
        lamina.compat.install_as_keras()  # twice is harmless
        import keras
        import keras.ops.image
        from keras import layers
        from keras.utils import register_keras_serializable
        import lamina
        assert keras is lamina and layers is lamina.layers
        assert keras.ops.image is lamina.ops.image
        assert register_keras_serializable is lamina.utils.register_keras_serializable
        import numpy as np
        model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
        print(keras.version(), model(np.ones((1, 3))).shape)
    """)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["3.15.1", "(1,", "2)"]


def test_a_missing_submodule_names_the_lamina_module():
    result = _run("""
        import lamina.compat
        lamina.compat.install_as_keras()
        import keras.no_such_thing
    """)
    assert "No module named 'keras.no_such_thing'" in result.stderr
    assert "'lamina.no_such_thing'" in result.stderr


def test_only_the_listed_private_modules_are_aliased():
    result = _run("""
        import lamina.compat
        lamina.compat.install_as_keras()
        from keras.src.ops import relu
        import lamina
        assert relu is lamina.ops.relu
        import keras.src.layers
    """)
    assert "No module named 'keras.src.layers'" in result.stderr
    assert "keras.src.ops" in result.stderr  # the message lists what is aliased


def test_refused_after_the_real_keras_is_imported():
    pytest.importorskip("keras")
    result = _run("""
        import os
        os.environ["KERAS_BACKEND"] = "jax"
        import keras
        import lamina.compat
        lamina.compat.install_as_keras()
    """)
    assert result.returncode != 0
    assert "already imported" in result.stderr

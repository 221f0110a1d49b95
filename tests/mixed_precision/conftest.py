import pytest


@pytest.fixture(autouse=True)
def _global_policy_reset():
    """Each test starts and ends with the default global policy, in lamina and in Keras."""
    import keras

    from lamina.dtype_policies import dtype_policy

    yield
    dtype_policy._global_policy = None
    keras.config.set_dtype_policy("float32")

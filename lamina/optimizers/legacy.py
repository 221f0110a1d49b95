"""`keras.optimizers.legacy`: the Keras 2 optimizers, which Keras 3 no longer has.

Every name here is one class whose constructor raises `ImportError` explaining the
way back to them (the `tf_keras` package), as in Keras 3.
"""


class LegacyOptimizerWarning:
    """Stands for a removed `keras.optimizers.legacy.*` optimizer; creating one raises."""

    def __init__(self, *args, **kwargs):
        raise ImportError(
            "`keras.optimizers.legacy` is not supported in Keras 3 (nor in lamina). Use the "
            "optimizers of `keras.optimizers` instead; to keep a `tf.keras.optimizers.legacy` "
            "optimizer, install the `tf_keras` package (Keras 2) and set the environment "
            "variable `TF_USE_LEGACY_KERAS=True` so that `tf.keras` is `tf_keras`.")


Adagrad = Adam = Ftrl = Optimizer = RMSprop = SGD = LegacyOptimizerWarning

"""ActivityRegularization: the identity, adding an L1/L2 penalty on its input."""

from lamina import regularizers
from lamina.core.layer import Layer


class ActivityRegularization(Layer):
    """Returns its input and adds the loss l1 * sum(|x|) + l2 * sum(x**2), divided by the
    batch size (as Keras 3's activity regularizers)."""

    def __init__(self, l1=0.0, l2=0.0, **kwargs):
        super().__init__(**kwargs)
        for name, value in (("l1", l1), ("l2", l2)):
            if not isinstance(value, (int, float)) or value < 0:
                raise ValueError(f"ActivityRegularization '{self.name}': {name} must be a "
                                 f"non-negative float, got {name}={value!r}.")
        self.l1, self.l2 = float(l1), float(l2)
        self.activity_regularizer = regularizers.L1L2(l1=self.l1, l2=self.l2)
        self.supports_masking = True
        self.built = True

    def call(self, inputs):
        return inputs  # the base Layer adds the activity_regularizer's loss

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        config = {**super().get_config(), "l1": self.l1, "l2": self.l2}
        config.pop("activity_regularizer")  # made from l1 and l2
        return config

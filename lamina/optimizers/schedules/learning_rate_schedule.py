"""`LearningRateSchedule`: a serializable `step -> learning rate` function."""


class LearningRateSchedule:
    """Base class of learning-rate schedules.

    A schedule is called with the optimizer's step (an int, or an int32 array that
    may be a tracer inside `jax.jit`) and returns a float32 scalar. Subclasses
    implement `__call__(step)` and `get_config()`; `from_config` calls the class
    with the config's entries as keyword arguments.

    Example:

    ```python
    class MyLRSchedule(LearningRateSchedule):
        def __init__(self, initial_learning_rate):
            self.initial_learning_rate = initial_learning_rate

        def __call__(self, step):
            return self.initial_learning_rate / (step + 1)

        def get_config(self):
            return {"initial_learning_rate": self.initial_learning_rate}
    ```
    """

    def __call__(self, step):
        raise TypeError(
            f"Learning rate schedule '{type(self).__name__}' must override `__call__(self, step)`.")

    def get_config(self):
        raise TypeError(
            f"Learning rate schedule '{type(self).__name__}' must override `get_config()` "
            "to be serializable.")

    @classmethod
    def from_config(cls, config):
        return cls(**config)

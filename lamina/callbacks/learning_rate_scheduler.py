"""LearningRateScheduler: set the learning rate at the start of each epoch."""

import numpy as np

from lamina.callbacks.callback import Callback
from lamina.callbacks.console import print_msg


class LearningRateScheduler(Callback):
    """Set `optimizer.learning_rate = schedule(epoch, lr)` before each epoch.

    Args:
        schedule: `f(epoch, lr) -> float` (epoch from 0, lr the current rate), or `f(epoch)`.
        verbose: 1 prints the rate set each epoch.

    The epoch's logs get a "learning_rate" entry. The optimizer must have been built with a
    float learning rate (not a `LearningRateSchedule`).
    """

    def __init__(self, schedule, verbose=0):
        super().__init__()
        self.schedule = schedule
        self.verbose = verbose

    def on_epoch_begin(self, epoch, logs=None):
        optimizer = self.model.optimizer
        if not hasattr(optimizer, "learning_rate"):
            raise ValueError('Optimizer must have a "learning_rate" attribute.')
        try:
            lr = self.schedule(epoch, float(optimizer.learning_rate))
        except TypeError:  # the one-argument form
            lr = self.schedule(epoch)
        if isinstance(lr, np.ndarray) and lr.ndim == 0:
            lr = lr.item()
        if not isinstance(lr, (float, np.floating)):
            raise ValueError(f"The output of the `schedule` function should be a float. Got: {lr}")
        optimizer.learning_rate = float(lr)
        if self.verbose > 0:
            print_msg(f"\nEpoch {epoch + 1}: LearningRateScheduler setting learning rate to {lr}.")

    def on_epoch_end(self, epoch, logs=None):
        if logs is not None:
            logs["learning_rate"] = float(self.model.optimizer.learning_rate)

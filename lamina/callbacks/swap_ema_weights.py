"""SwapEMAWeights: evaluate and predict with the optimizer's moving averages of the weights."""

import numpy as np

from lamina.callbacks.callback import Callback


class SwapEMAWeights(Callback):
    """With an optimizer built with `use_ema=True`, puts its moving averages into the model
    for evaluation and prediction (validation included) and swaps the trained weights
    back afterwards. `swap_on_epoch=True` also keeps the averages in the model between
    epochs' ends and the next epoch's start, and leaves them there when training ends.
    """

    def __init__(self, swap_on_epoch=False):
        super().__init__()
        self.swap_on_epoch = swap_on_epoch
        self._ema_weights_in_model = False

    def _optimizer(self):
        optimizer = self.model.optimizer
        if not getattr(optimizer, "use_ema", False):
            raise ValueError("SwapEMAWeights must be used when `use_ema=True` is set on the "
                             f"optimizer. Received: use_ema={getattr(optimizer, 'use_ema', None)}")
        return optimizer

    def _swap(self):
        optimizer = self._optimizer()
        for var, average in zip(optimizer._trainable_variables, optimizer._averages):
            current = np.asarray(var.value)
            var.assign(average.value)
            average.assign(current)

    def _finalize(self):
        optimizer = self._optimizer()
        for var, average in zip(optimizer._trainable_variables, optimizer._averages):
            average.assign(var.value)

    def on_epoch_begin(self, epoch, logs=None):
        if self.swap_on_epoch and self._ema_weights_in_model:
            self._swap()
            self._ema_weights_in_model = False

    def on_epoch_end(self, epoch, logs=None):
        if self.swap_on_epoch and not self._ema_weights_in_model:
            self._swap()
            self._ema_weights_in_model = True
            if epoch == self.params["epochs"] - 1:
                self._finalize()

    def on_test_begin(self, logs=None):
        if not self._ema_weights_in_model:
            self._swap()
            self._ema_weights_in_model = True

    def on_test_end(self, logs=None):
        if self._ema_weights_in_model:
            self._swap()
            self._ema_weights_in_model = False

    on_predict_begin = on_test_begin
    on_predict_end = on_test_end

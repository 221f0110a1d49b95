"""EarlyStopping: stop training when a monitored quantity stops improving."""

from lamina.callbacks.monitor_callback import MonitorCallback
from lamina.callbacks.console import print_msg


class EarlyStopping(MonitorCallback):
    """Stop `fit` once `monitor` has not improved for `patience` epochs.

    Args:
        monitor: log key to watch (default "val_loss").
        min_delta: an improvement must exceed this (absolute) change. Default 0.
        patience: epochs without improvement before stopping. Default 0.
        verbose: 1 prints the epoch that stopped training (and the restore).
        mode: "auto", "min" or "max" (see `MonitorCallback`).
        baseline: training stops if the value does not beat it within `patience` epochs.
        restore_best_weights: at the end of training, put back the weights of the best
            epoch (taken at that epoch's end, so exactly those weights).
        start_from_epoch: epochs to wait before watching at all (warm-up).

    With a quantity that cannot improve, training runs `patience + 1` epochs.
    Attributes: `stopped_epoch` (0 if it never stopped), `best`, `best_epoch`, `wait`.
    """

    def __init__(self, monitor="val_loss", min_delta=0, patience=0, verbose=0, mode="auto",
                 baseline=None, restore_best_weights=False, start_from_epoch=0):
        super().__init__(monitor, mode, min_delta=min_delta)
        self.patience = patience
        self.verbose = verbose
        self.baseline = baseline
        self.restore_best_weights = restore_best_weights
        self.start_from_epoch = start_from_epoch
        self._reset()

    def _reset(self):
        self.wait = 0
        self.stopped_epoch = 0
        self.best = None
        self.best_weights = None
        self.best_epoch = 0

    def on_train_begin(self, logs=None):
        self._reset()  # the same instance may serve several fit() calls

    def on_epoch_end(self, epoch, logs=None):
        current = self.get_monitor_value(logs)
        if current is None or epoch < self.start_from_epoch:
            return
        if self.restore_best_weights and self.best_weights is None:
            self._keep_weights(epoch)
        self.wait += 1
        if self._is_improvement(current, self.best):
            self.best = current
            self.best_epoch = epoch
            if self.restore_best_weights:
                self._keep_weights(epoch)
            if self.baseline is None or self._is_improvement(current, self.baseline):
                self.wait = 0
            return
        if self.wait >= self.patience and epoch > 0:
            self.stopped_epoch = epoch
            self.model.stop_training = True

    def _keep_weights(self, epoch):
        self.best_weights = self.model.get_weights()
        self.best_epoch = epoch

    def on_train_end(self, logs=None):
        if self.stopped_epoch > 0 and self.verbose > 0:
            print_msg(f"Epoch {self.stopped_epoch + 1}: early stopping")
        if self.restore_best_weights and self.best_weights is not None:
            if self.verbose > 0:
                print_msg("Restoring model weights from the end of the best epoch: "
                          f"{self.best_epoch + 1}.")
            self.model.set_weights(self.best_weights)

"""History: records each epoch's logs; `fit` returns it."""

from lamina.callbacks.callback import Callback


class History(Callback):
    """`history.history` maps each log key ("loss", "val_loss", ...) to a list with one value
    per epoch; `history.epoch` lists the epoch indices."""

    def __init__(self):
        super().__init__()
        self.history = {}
        self.epoch = []

    def on_train_begin(self, logs=None):
        self.epoch = []

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        self.epoch.append(epoch)
        for key, value in logs.items():
            self.history.setdefault(key, []).append(value)
        self.model.history = self

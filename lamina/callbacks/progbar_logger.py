"""ProgbarLogger: prints the progress bar and the epoch's metrics."""

from lamina.callbacks.callback import Callback
from lamina.callbacks.progbar import Progbar
from lamina.callbacks.console import print_msg


class ProgbarLogger(Callback):
    """Shows "Epoch i/n" and a Progbar per epoch (and for evaluate/predict when verbose)."""

    # The bar only needs the latest logs now and then, not every batch's.
    _sparse_batch_hooks_ok = True

    def __init__(self):
        super().__init__()
        self.verbose = 1
        self.epochs = 1
        self.target = None
        self.progbar = None
        self._in_fit = False

    def set_params(self, params):
        super().set_params(params)
        self.verbose = params.get("verbose", 1)
        self.epochs = params.get("epochs", 1)
        self.target = params.get("steps")

    def wants_batch_updates(self):
        """Only a bar redrawn in a terminal needs logs during the epoch."""
        from lamina.callbacks.progbar import _is_interactive

        return self.verbose == 1 and _is_interactive()

    def _new_bar(self, target):
        # The logs are already running averages: show them as given.
        self.progbar = Progbar(target, verbose=self.verbose, stateless_metrics=())

    def on_train_begin(self, logs=None):
        self._in_fit = True

    def on_train_end(self, logs=None):
        self._in_fit = False

    def on_epoch_begin(self, epoch, logs=None):
        if self.verbose and self.epochs > 1:
            print_msg(f"Epoch {epoch + 1}/{self.epochs}")
        self._new_bar(self.target)

    def on_train_batch_end(self, batch, logs=None):
        if self.progbar is not None:  # the epoch's line is finished by on_epoch_end (val_*)
            self.progbar.update(batch + 1, logs, finalize=False)

    def _finish(self, logs=None):
        if self.progbar is not None:
            done = self.progbar.target if self.progbar.target is not None else self.progbar._seen
            self.progbar.update(done, logs, finalize=True)

    def on_epoch_end(self, epoch, logs=None):
        self._finish(logs)

    def on_test_begin(self, logs=None):
        if not self._in_fit:
            self._new_bar(self.params.get("steps") if self.params else None)

    def on_test_batch_end(self, batch, logs=None):
        if not self._in_fit and self.progbar is not None:
            self.progbar.update(batch + 1, logs, finalize=False)

    def on_test_end(self, logs=None):
        if not self._in_fit:
            self._finish(logs)

    def on_predict_begin(self, logs=None):
        self._new_bar(self.params.get("steps") if self.params else None)

    def on_predict_batch_end(self, batch, logs=None):
        if self.progbar is not None:
            self.progbar.update(batch + 1, finalize=False)

    def on_predict_end(self, logs=None):
        self._finish()

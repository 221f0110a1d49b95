"""Callback: hooks called by fit / evaluate / predict. Override the ones you need."""


class Callback:
    """Base class of callbacks.

    `self.model` is the model being trained (its Variables hold the current weights when a
    hook runs); `self.params` is `{"verbose", "epochs", "steps"}`. Every hook receives a
    `logs` dict (empty when there is nothing to report): batch hooks get the running
    averages of the loss and metrics, `on_epoch_end` the epoch's values and `val_*`.

    What batch hooks cost: lamina runs many steps in one compiled call, so a callback
    overriding a batch hook makes fit return each step's logs, and its hooks are called
    step by step afterwards. Whatever a hook reads from the model (weights, optimizer,
    metrics, predict) is the state after its own batch: the read itself tells the loop,
    which re-runs the chunk up to that batch and serves that callback step by step from
    then on. Nothing needs declaring; lamina's own callbacks may set these hints (class or
    instance attributes) to stay fast:
        _uses_batch_hooks: False to say "my batch hooks are idle this run" (otherwise
            inferred from which hooks the callback overrides).
        _sparse_batch_hooks_ok: True when `on_train_batch_end` may be called only now and
            then (with the index of the latest batch run and its running logs).
        _next_boundary(done): a method; with `done` batches of the epoch run, the batch
            count (> done) after which a compiled chunk should end, because the callback
            will look at the model then (None: no need). E.g. ModelCheckpoint(save_freq=N).
    """

    def __init__(self):
        self.params = None
        self._model = None

    def set_params(self, params):
        self.params = params

    def set_model(self, model):
        self._model = model

    @property
    def model(self):
        return self._model

    # Batch hooks in training; `on_batch_*` are the older names, called by default.
    def on_batch_begin(self, batch, logs=None):
        """Called by the default `on_train_batch_begin`."""

    def on_batch_end(self, batch, logs=None):
        """Called by the default `on_train_batch_end`."""

    def on_train_batch_begin(self, batch, logs=None):
        self.on_batch_begin(batch, logs)

    def on_train_batch_end(self, batch, logs=None):
        self.on_batch_end(batch, logs)

    def on_epoch_begin(self, epoch, logs=None):
        """`epoch` counts from 0."""

    def on_epoch_end(self, epoch, logs=None):
        """`logs`: the epoch's loss and metrics, and `val_*` when validating."""

    def on_test_batch_begin(self, batch, logs=None):
        pass

    def on_test_batch_end(self, batch, logs=None):
        pass

    def on_predict_batch_begin(self, batch, logs=None):
        pass

    def on_predict_batch_end(self, batch, logs=None):
        """`logs["outputs"]`: this batch's predictions (NumPy arrays)."""

    def on_train_begin(self, logs=None):
        pass

    def on_train_end(self, logs=None):
        """`logs`: those of the last epoch."""

    def on_test_begin(self, logs=None):
        pass

    def on_test_end(self, logs=None):
        pass

    def on_predict_begin(self, logs=None):
        pass

    def on_predict_end(self, logs=None):
        pass


_BATCH_HOOKS = {
    "train": ("on_batch_begin", "on_batch_end", "on_train_batch_begin", "on_train_batch_end"),
    "test": ("on_test_batch_begin", "on_test_batch_end"),
    "predict": ("on_predict_batch_begin", "on_predict_batch_end"),
}


def overrides_batch_hooks(callback, mode):
    """True when `callback` defines any batch-level hook of `mode` ("train"/"test"/"predict"),
    in its class or as an instance attribute (e.g. `LambdaCallback`), unless it says
    `_uses_batch_hooks = False`."""
    if getattr(callback, "_uses_batch_hooks", None) is False:
        return False
    for name in _BATCH_HOOKS[mode]:
        attr = getattr(callback, name)
        if getattr(attr, "__func__", attr) is not getattr(Callback, name):
            return True
    return False

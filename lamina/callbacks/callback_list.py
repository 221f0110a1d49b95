"""CallbackList: calls each hook on every callback in order."""

from lamina.callbacks.callback import Callback, overrides_batch_hooks


class CallbackList(Callback):
    """A list of callbacks acting as one.

    Args:
        callbacks: Callback instances, called in this order.
        add_history: append a `History` (one already in `callbacks` is reused).
        add_progbar: append a `ProgbarLogger` unless one is given (after History, as Keras).
        model: passed to every callback's `set_model`.
        **params: passed to every callback's `set_params` (verbose, epochs, steps).

    Hooks receive `logs={}` when called without logs; batch hooks pass `logs` by keyword.
    """

    def __init__(self, callbacks=None, add_history=False, add_progbar=False, model=None, **params):
        super().__init__()
        from lamina.callbacks.history import History
        from lamina.callbacks.progbar_logger import ProgbarLogger

        if isinstance(callbacks, Callback) and not isinstance(callbacks, CallbackList):
            callbacks = [callbacks]
        self.callbacks = list(callbacks.callbacks if isinstance(callbacks, CallbackList)
                              else callbacks or [])
        for cb in self.callbacks:
            if not isinstance(cb, Callback):
                raise TypeError(f"callbacks must be Callback instances, got {type(cb).__name__}: "
                                f"{cb!r}")
        self.history = None
        if add_history:
            existing = [c for c in self.callbacks if isinstance(c, History)]
            self.history = existing[0] if existing else History()
            if not existing:
                self.callbacks.append(self.history)
        if add_progbar and not any(isinstance(c, ProgbarLogger) for c in self.callbacks):
            self.callbacks.append(ProgbarLogger())
        if model is not None:
            self.set_model(model)
        if params:
            self.set_params(params)

    def append(self, callback):
        self.callbacks.append(callback)

    def set_params(self, params):
        self.params = params
        for cb in self.callbacks:
            cb.set_params(params)

    def set_model(self, model):
        self._model = model
        if self.history is not None:
            model.history = self.history  # what fit returns, even after 0 epochs
        for cb in self.callbacks:
            cb.set_model(model)

    def batch_consumers(self, mode):
        """Callbacks with batch-level hooks for `mode`, split into (every_batch, sparse_ok):
        the latter (e.g. the progress bar) only need the latest logs now and then."""
        every, sparse = [], []
        for cb in self.callbacks:
            if overrides_batch_hooks(cb, mode):
                (sparse if getattr(cb, "_sparse_batch_hooks_ok", False) else every).append(cb)
        return every, sparse


    def next_boundary(self, done):
        """The smallest `_next_boundary(done)` of the callbacks (see Callback), or None."""
        ends = [cb._next_boundary(done) for cb in self.callbacks if hasattr(cb, "_next_boundary")]
        ends = [e for e in ends if e is not None and e > done]
        return min(ends) if ends else None


def _make_hook(name, batch_level, with_index):
    if batch_level:
        def hook(self, index, logs=None):
            logs = {} if logs is None else logs
            for cb in self.callbacks:
                getattr(cb, name)(index, logs=logs)
    elif with_index:
        def hook(self, index, logs=None):
            logs = {} if logs is None else logs
            for cb in self.callbacks:
                getattr(cb, name)(index, logs)
    else:
        def hook(self, logs=None):
            logs = {} if logs is None else logs
            for cb in self.callbacks:
                getattr(cb, name)(logs)
    hook.__name__ = name
    hook.__doc__ = f"Calls `{name}` on every callback in order."
    return hook


for _name in ("on_batch_begin", "on_batch_end", "on_train_batch_begin", "on_train_batch_end",
              "on_test_batch_begin", "on_test_batch_end", "on_predict_batch_begin",
              "on_predict_batch_end"):
    setattr(CallbackList, _name, _make_hook(_name, True, True))
for _name in ("on_epoch_begin", "on_epoch_end"):
    setattr(CallbackList, _name, _make_hook(_name, False, True))
for _name in ("on_train_begin", "on_train_end", "on_test_begin", "on_test_end",
              "on_predict_begin", "on_predict_end"):
    setattr(CallbackList, _name, _make_hook(_name, False, False))

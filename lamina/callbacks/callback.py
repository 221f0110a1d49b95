"""Callback: hooks called by fit / evaluate / predict. Override the ones you need."""


class Callback:
    """Base class of callbacks.

    `self.model` is the model being trained (its Variables hold the current weights when a
    hook runs); `self.params` is `{"verbose", "epochs", "steps"}`. Every hook receives a
    `logs` dict (empty when there is nothing to report): batch hooks get the running
    averages of the loss and metrics, `on_epoch_end` the epoch's values and `val_*`.

    How often batch hooks cost something: lamina runs many steps in one compiled call, so a
    callback overriding a batch hook makes fit return each step's logs, and one whose batch
    hook may read the model makes fit run one step per call (see batch_hooks_read_state).
    Subclasses may set
    (class or instance attributes):
        _uses_batch_hooks: False to say "my batch hooks are idle this run" (otherwise
            inferred from which hooks the callback overrides).
        _sparse_batch_hooks_ok: True when `on_train_batch_end` may be called only now and
            then (with the index of the latest batch run and its running logs).
        _steps_alignment: N to have the weights exact after every N-th batch of an epoch.
        _next_boundary(done): a method; with `done` batches of the epoch run, the batch
            count (> done) after which a compiled chunk must end so that the weights the
            callback sees then are exact (None: no need). E.g. ModelCheckpoint(save_freq=N).
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


def batch_hooks_read_state(callback, mode):
    """Whether a batch hook of `callback` may look at the model (weights, optimizer,
    metrics) rather than only its `logs`: its code names `model`, one of the callback's
    own methods, or a function of the user's module. Such hooks get the state after their
    own batch, so fit runs one step per compiled call for them; lamina's own callbacks say
    what they need through the attributes above instead."""
    for name in _BATCH_HOOKS[mode]:
        attr = getattr(callback, name)
        fn = getattr(attr, "__func__", attr)
        if fn is getattr(Callback, name) or getattr(fn, "__module__", "").startswith("lamina."):
            continue
        code = getattr(fn, "__code__", None)
        if code is None or _code_may_read_state(code, callback, getattr(fn, "__globals__", {})):
            return True
    return False


def _code_may_read_state(code, callback, module_globals):
    names = set(code.co_names) | set(code.co_freevars)
    if "model" in names:
        return True
    for name in names:
        value = getattr(type(callback), name, None)
        if value is None:
            value = module_globals.get(name)
        if callable(value) and not isinstance(value, type) and \
                getattr(value, "__module__", None) not in ("builtins", None):
            return True
    return any(_code_may_read_state(c, callback, module_globals)
               for c in code.co_consts if hasattr(c, "co_names"))

"""LambdaCallback: a callback made of plain functions."""

from lamina.callbacks.callback import Callback


class LambdaCallback(Callback):
    """Callback whose hooks are the functions given.

    Args:
        on_epoch_begin, on_epoch_end: `f(epoch, logs)`.
        on_train_begin, on_train_end: `f(logs)`.
        on_train_batch_begin, on_train_batch_end: `f(batch, logs)`.
        **kwargs: any other hook by name, e.g. `on_batch_end=`, `on_test_end=`,
            `on_predict_batch_end=`.

    Example: `LambdaCallback(on_epoch_end=lambda epoch, logs: print(epoch, logs["loss"]))`.
    """

    def __init__(self, on_epoch_begin=None, on_epoch_end=None, on_train_begin=None,
                 on_train_end=None, on_train_batch_begin=None, on_train_batch_end=None,
                 **kwargs):
        super().__init__()
        self.__dict__.update(kwargs)
        hooks = {"on_epoch_begin": on_epoch_begin, "on_epoch_end": on_epoch_end,
                 "on_train_begin": on_train_begin, "on_train_end": on_train_end,
                 "on_train_batch_begin": on_train_batch_begin,
                 "on_train_batch_end": on_train_batch_end}
        for name, fn in hooks.items():
            if fn is not None:
                setattr(self, name, fn)

"""TerminateOnNaN: stop training when the loss becomes NaN or infinite."""

import math

from lamina.callbacks.callback import Callback
from lamina.callbacks.console import print_msg


class TerminateOnNaN(Callback):
    """Stop training as soon as the loss is NaN or infinite.

    Args:
        raise_error: raise a RuntimeError instead of stopping quietly (default False).

    It sees every batch's logs (steps still run many to a compiled call), so training stops
    at the first batch whose loss is bad, leaving that batch's weights, as in Keras.
    """

    def __init__(self, raise_error=False):
        super().__init__()
        self.raise_error = raise_error

    def on_batch_end(self, batch, logs=None):
        loss = (logs or {}).get("loss")
        if loss is None:
            return
        loss = float(loss)
        if math.isnan(loss) or math.isinf(loss):
            if self.raise_error:
                raise RuntimeError(f"NaN or Inf loss encountered at batch {batch}. Loss value: "
                                   f"{loss}. Terminating training immediately.")
            print_msg(f"Batch {batch}: Invalid loss, terminating training")
            self.model.stop_training = True

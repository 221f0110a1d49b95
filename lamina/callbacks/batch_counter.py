"""BatchCounter: "every N training batches" for callbacks that may be called sparsely."""

import math


class BatchCounter:
    """Counts training batches across epochs from the indices `on_train_batch_end` gets.

    lamina may call a sparse-tolerant callback only at some batches (the last of each
    compiled chunk), so the count advances by the gap between indices, and a smaller index
    means a new epoch. `every`: N, the period.
    """

    def __init__(self, every):
        self.every = every
        self.reset()

    def reset(self):
        self.since_last = 0
        self.last_batch = None

    def alignment(self, steps_per_epoch):
        """The `_steps_alignment` that puts every N-th batch (counted across epochs) at a
        compiled chunk's end: gcd(N, steps per epoch), or N when that is unknown."""
        return math.gcd(self.every, steps_per_epoch) if steps_per_epoch else self.every

    def step(self, batch):
        """Record that batches up to `batch` ran; True when N have run since the last True."""
        if self.last_batch is None or batch <= self.last_batch:
            self.since_last += batch + 1
        else:
            self.since_last += batch - self.last_batch
        self.last_batch = batch
        if self.since_last >= self.every:
            self.since_last = 0
            return True
        return False

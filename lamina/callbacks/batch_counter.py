"""BatchCounter: "every N training batches, counted across epochs", for callbacks that lamina
may call only at some batches."""


class BatchCounter:
    """Counts training batches across epochs from the indices `on_train_batch_end` gets.

    A sparse-tolerant callback is called only at the last batch of each compiled chunk, so
    the count is taken from the batch index (`epoch_start + batch + 1`), not from the number
    of calls. `next_boundary` tells the fit loop where a chunk must end for the weights to be
    exactly those after the N-th, 2N-th, ... batch. `every`: N, the period.
    """

    def __init__(self, every):
        self.every = every
        self.reset()

    def reset(self):
        self.seen = 0         # training batches run since fit began
        self.epoch_start = 0  # batches run before the current epoch
        self.last_due = 0     # how many periods had been reached at the last True

    def new_epoch(self):
        self.epoch_start = self.seen

    def step(self, batch):
        """Batches up to index `batch` of this epoch ran; True once per period reached."""
        self.seen = self.epoch_start + batch + 1
        due = self.seen // self.every
        if due > self.last_due:
            self.last_due = due
            return True
        return False

    def next_boundary(self, done):
        """With `done` batches of this epoch run, the epoch-local count after which the next
        period ends (always > done)."""
        reached = (self.epoch_start + done) // self.every
        return (reached + 1) * self.every - self.epoch_start

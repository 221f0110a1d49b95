"""PyDataset: a base class for batch sources indexed by batch number."""


class PyDataset:
    """Subclass and implement `__len__` (number of batches) and `__getitem__(index)`
    returning `x`, `(x, y)` or `(x, y, sample_weight)` for batch `index`.

    Args:
        workers: threads that fetch batches ahead of training (default 1: in order, no
            threads). Useful when `__getitem__` reads files.
        use_multiprocessing: accepted for Keras compatibility; lamina fetches with threads.
        max_queue_size: batches fetched ahead when workers > 1 (default 10).
    """

    def __init__(self, workers=1, use_multiprocessing=False, max_queue_size=10):
        self._workers = int(workers)
        self._use_multiprocessing = bool(use_multiprocessing)
        self._max_queue_size = int(max_queue_size)

    @property
    def workers(self):
        return getattr(self, "_workers", 1)

    @property
    def use_multiprocessing(self):
        return getattr(self, "_use_multiprocessing", False)

    @property
    def max_queue_size(self):
        return getattr(self, "_max_queue_size", 10)

    def __getitem__(self, index):
        raise TypeError(f"{type(self).__name__} must define __getitem__(index) returning a batch.")

    def __len__(self):
        num = self.num_batches
        if num is None:
            raise TypeError(f"{type(self).__name__} must define __len__ (the number of batches).")
        return num

    @property
    def num_batches(self):
        if type(self).__len__ is not PyDataset.__len__:
            return len(self)
        return None

    def on_epoch_begin(self):
        """Called at the start of every epoch."""

    def on_epoch_end(self):
        """Called at the end of every epoch (e.g. to reshuffle)."""

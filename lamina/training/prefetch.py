"""BatchPrefetcher: host batches read on a background thread and put on the device ahead of use.

A generator, an iterable or a PyDataset is read by one daemon thread while the training
loop computes; each batch is converted to arrays and copied to the device there, so the
loop finds it ready. The queue between the two is bounded (`depth` batches), so the
thread never reads far ahead, and it reads one epoch's batches only: a generator that
continues from one epoch to the next is left exactly where the epoch ended.

An exception raised while reading (in the user's generator or `__getitem__`) is handed
over and raised again in the training loop's thread, with its original traceback.
"""

import queue
import threading

_END = object()
# How long a blocked hand-over waits before it looks at the stop flag again (seconds).
_POLL_S = 0.05


class _Failure:
    def __init__(self, error):
        self.error = error


class BatchPrefetcher:
    """Iterate to get `(host_batch, device_batch)` pairs in the order of `batches`.

    Args:
        batches: an iterator of host batches (one epoch's worth).
        prepare: host batch -> device batch (runs on the background thread).
        depth: batches read ahead at most (default 2).

    Use as a context manager (or call `close()`): leaving early stops the thread after
    the batch it is reading, without reading further.
    """

    def __init__(self, batches, prepare, depth=2):
        self._queue = queue.Queue(maxsize=max(1, int(depth)))
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._produce, args=(batches, prepare),
                                        name="lamina-batch-prefetch", daemon=True)
        self._thread.start()

    def _produce(self, batches, prepare):
        try:
            for batch in batches:
                if self._stop.is_set() or not self._hand_over((batch, prepare(batch))):
                    return
            self._hand_over(_END)
        except BaseException as error:  # noqa: BLE001 - re-raised in the consumer
            self._hand_over(_Failure(error))
        finally:
            close = getattr(batches, "close", None)
            if close is not None:
                close()  # a generator's own cleanup (its finally blocks) runs here

    def _hand_over(self, item):
        while not self._stop.is_set():
            try:
                self._queue.put(item, timeout=_POLL_S)
                return True
            except queue.Full:
                continue
        return False

    def __iter__(self):
        while True:
            item = self._queue.get()
            if item is _END:
                return
            if isinstance(item, _Failure):
                self._thread.join()
                raise item.error
            yield item

    def close(self):
        """Stop reading ahead and wait for the thread (it ends after its current batch)."""
        self._stop.set()
        self._thread.join()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False

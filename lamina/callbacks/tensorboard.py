"""TensorBoard: write training curves, weight histograms and the model graph for TensorBoard.

Event files are written with tensorboardX (imported when the callback first writes, never at
`import lamina`). View them with `tensorboard --logdir <log_dir>`.
"""

import os
import time

import numpy as np

from lamina.callbacks.batch_counter import BatchCounter
from lamina.callbacks.callback import Callback


class TensorBoard(Callback):
    """Log to `log_dir/train` and `log_dir/validation`, with Keras's tag names.

    Args:
        log_dir: the folder TensorBoard reads (default "logs").
        histogram_freq: every this many epochs, a histogram of each weight
            (tag `<weight path>/histogram`); 0 (default) for none.
        write_graph: write the model's layer graph (TensorBoard's Graphs tab).
        write_images: with `histogram_freq`, also each weight as a grayscale image.
        write_steps_per_second: add `steps_per_second` to the logged scalars.
        update_freq: "epoch" (default), "batch" (= 1) or an int N: also write `batch_<name>`
            scalars every N training batches (step = batches since `fit` began).
        profile_batch, embeddings_freq, embeddings_metadata: accepted for Keras
            compatibility; only their "off" values (0 / None) are supported.

    Scalars per epoch (step = epoch index): `epoch_loss`, `epoch_<metric>`,
    `epoch_learning_rate` (train), the same names without `val_` under validation, and
    `evaluation_<name>_vs_iterations` (validation, step = optimizer iterations).
    """

    def __init__(self, log_dir="logs", histogram_freq=0, write_graph=True, write_images=False,
                 write_steps_per_second=False, update_freq="epoch", profile_batch=0,
                 embeddings_freq=0, embeddings_metadata=None):
        super().__init__()
        if update_freq == "batch":
            update_freq = 1
        if update_freq != "epoch" and not (isinstance(update_freq, int) and update_freq > 0):
            raise ValueError(f"update_freq must be 'epoch', 'batch' or a positive int; got "
                             f"{update_freq!r}.")
        for name, value in (("profile_batch", profile_batch),
                            ("embeddings_freq", embeddings_freq),
                            ("embeddings_metadata", embeddings_metadata)):
            if value not in (0, None, (0, 0)):
                raise ValueError(
                    f"lamina's TensorBoard callback does not support {name}={value!r}. To "
                    "profile, wrap the fit call in `jax.profiler.trace(log_dir)`.")
        self.log_dir = os.fspath(log_dir)
        self.histogram_freq = histogram_freq
        self.write_graph = write_graph
        self.write_images = write_images
        self.write_steps_per_second = write_steps_per_second
        self.update_freq = update_freq
        self._writers = {}
        self._counter = None if update_freq == "epoch" else BatchCounter(update_freq)
        self._last_write = (0, None)  # (batches run, time) at the last batch write
        self._graph_written = False
        # Epoch-level logging leaves the compiled steps alone; batch logging is read at the
        # batches it writes (compiled chunks end there, see _next_boundary), not every step.
        self._uses_batch_hooks = update_freq != "epoch"
        self._sparse_batch_hooks_ok = True

    def _next_boundary(self, done):
        return None if self._counter is None else self._counter.next_boundary(done)

    # -- writers -------------------------------------------------------------------------
    def _writer(self, name):
        """The tensorboardX SummaryWriter for "train" or "validation" (made on first use)."""
        writer = self._writers.get(name)
        if writer is None:
            try:
                from tensorboardX import SummaryWriter
            except ImportError as e:
                raise ImportError("The TensorBoard callback needs the `tensorboardX` package: "
                                  "pip install tensorboardX") from e
            writer = self._writers[name] = SummaryWriter(os.path.join(self.log_dir, name))
        return writer

    def _close_writers(self):
        for writer in self._writers.values():
            writer.close()
        self._writers = {}

    # -- hooks ---------------------------------------------------------------------------
    def on_train_begin(self, logs=None):
        if self._counter is not None:
            self._counter.reset()
        self._writer("train")
        if self.write_graph and not self._graph_written:
            graph = _layer_graph_def(self.model)
            if graph is not None:
                from tensorboardX.proto.event_pb2 import Event

                self._writer("train")._get_file_writer().add_event(
                    Event(graph_def=graph.SerializeToString()))
            self._graph_written = True

    def on_train_end(self, logs=None):
        self._close_writers()

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch_start_time = time.time()
        self._epoch_start_iterations = _iterations(self.model)
        if self._counter is not None:
            self._counter.new_epoch()
            self._last_write = (self._counter.seen, self._epoch_start_time)

    def on_train_batch_end(self, batch, logs=None):
        if self._counter is None or not self._counter.step(batch):
            return
        step = self._counter.seen
        writer = self._writer("train")
        now = time.time()
        ran, since = step - self._last_write[0], now - self._last_write[1]
        if self.write_steps_per_second and ran > 0:
            writer.add_scalar("batch_steps_per_second", ran / max(since, 1e-9), step)
        self._last_write = (step, now)
        for name, value in (logs or {}).items():
            if _is_scalar(value):
                writer.add_scalar(f"batch_{name}", float(value), step)

    def on_test_end(self, logs=None):
        optimizer = getattr(self.model, "optimizer", None)
        if optimizer is None or not logs:
            return
        step = _iterations(self.model)
        writer = self._writer("validation")
        for name, value in logs.items():
            if _is_scalar(value):
                writer.add_scalar(f"evaluation_{name}_vs_iterations", float(value), step)
        if not getattr(self.model, "_in_fit", False):  # a standalone evaluate()
            writer.flush()

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        train = {k: v for k, v in logs.items() if not k.startswith("val_")}
        val = {k[4:]: v for k, v in logs.items() if k.startswith("val_")}
        optimizer = getattr(self.model, "optimizer", None)
        if optimizer is not None and hasattr(optimizer, "learning_rate"):
            train["learning_rate"] = float(optimizer.learning_rate)
        if self.write_steps_per_second:
            elapsed = max(time.time() - self._epoch_start_time, 1e-9)
            train["steps_per_second"] = (_iterations(self.model) -
                                         self._epoch_start_iterations) / elapsed
        for run, values in (("train", train), ("validation", val)):
            if not values:
                continue
            writer = self._writer(run)
            for name, value in values.items():
                if _is_scalar(value):
                    writer.add_scalar(f"epoch_{name}", float(value), epoch)
        if self.histogram_freq and epoch % self.histogram_freq == 0:
            self._log_weights(epoch)
        for writer in self._writers.values():
            writer.flush()

    def _log_weights(self, epoch):
        writer = self._writer("train")
        for layer in self.model.layers:
            for weight in layer.weights:
                name = weight.path.replace(":", "_")
                values = np.asarray(weight.numpy(), np.float64)
                writer.add_histogram(f"{name}/histogram", values, epoch)
                if self.write_images:
                    image = _weight_image(values)
                    if image is not None:
                        writer.add_image(f"{name}/image", image, epoch, dataformats="HW")


def _is_scalar(value):
    return np.ndim(value) == 0 and np.issubdtype(np.asarray(value).dtype, np.number)


def _iterations(model):
    optimizer = getattr(model, "optimizer", None)
    iterations = getattr(optimizer, "iterations", 0) if optimizer is not None else 0
    return int(np.asarray(getattr(iterations, "value", iterations)))


def _weight_image(values):
    """A 2-D weight (or a bias as one row) scaled to [0, 1]; None for other ranks."""
    w = np.squeeze(values)
    if w.ndim == 1:
        w = w[None, :]
    if w.ndim != 2:
        return None
    lo, hi = float(w.min()), float(w.max())
    return (w - lo) / (hi - lo) if hi > lo else np.zeros_like(w)


def _layer_graph_def(model):
    """A GraphDef with one node per layer call (op = layer class), edges from the layers
    whose outputs it consumes; None when the model has no known graph."""
    from tensorboardX.proto.attr_value_pb2 import AttrValue
    from tensorboardX.proto.graph_pb2 import GraphDef
    from tensorboardX.proto.node_def_pb2 import NodeDef
    from tensorboardX.proto.versions_pb2 import VersionDef

    from lamina.models.graph_view import graph_view

    try:
        view = graph_view(model)
    except Exception:  # a model whose structure cannot be read: no graph, no failure
        return None
    if not view.traced:
        return None
    scope = model.name
    names = {}
    nodes = []

    def node_name(layer, index):
        key = (id(layer), index)
        if key not in names:
            base = f"{scope}/{layer.name}"
            taken = sum(1 for k in names if k[0] == id(layer))
            names[key] = base if taken == 0 else f"{base}_{taken}"
        return names[key]

    for layer in view.input_layers:
        shape = getattr(layer, "batch_shape", None) or getattr(layer, "_batch_shape", None)
        attr = {"shape": AttrValue(s=str(shape).encode())} if shape is not None else {}
        nodes.append(NodeDef(name=node_name(layer, 0), op="InputLayer", attr=attr))
    for node in view.nodes:
        layer = node.layer
        if type(layer).__name__ == "InputLayer":
            continue
        inputs = [node_name(t._keras_history[0], t._keras_history[1])
                  for t in node.input_tensors if t._keras_history is not None]
        index = layer._inbound_nodes.index(node)
        shapes = [t.shape for t in node.output_tensors]
        nodes.append(NodeDef(name=node_name(layer, index), op=type(layer).__name__,
                             input=inputs,
                             attr={"output_shape": AttrValue(s=str(shapes).encode())}))
    return GraphDef(node=nodes, versions=VersionDef(producer=22))

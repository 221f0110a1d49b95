"""Discretization: bucket continuous values by bin boundaries, given or learned from
approximate quantiles of the data by `adapt()`."""

import jax.numpy as jnp
import numpy as np

from lamina.core.keras_tensor import KerasTensor
from lamina.core.layer import Layer
from lamina.layers.preprocessing import encoding
from lamina.layers.preprocessing.adapt_data import iter_batches
from lamina.layers.preprocessing.tables import set_tables, tables


class Discretization(Layer):
    """Map each value to the index of its bucket: with boundaries [b0, b1, ...], values
    below b0 go to 0, values in [b0, b1) to 1, and so on.

    bin_boundaries: sorted boundaries; or num_bins: the number of buckets, whose
    boundaries `adapt(data)` sets to approximate quantiles (within `epsilon`).
    output_mode: "int" (default, int32 indices), "one_hot", "multi_hot" or "count".
    """

    def __init__(self, bin_boundaries=None, num_bins=None, epsilon=0.01, output_mode="int",
                 sparse=False, **kwargs):
        super().__init__(**kwargs)
        encoding.check_not_sparse("Discretization", sparse)
        encoding.check_output_mode("Discretization", output_mode)
        if num_bins is not None and num_bins < 0:
            raise ValueError(f"Discretization: num_bins must be >= 0; got {num_bins}.")
        if num_bins is not None and bin_boundaries is not None:
            raise ValueError("Discretization: give `num_bins` or `bin_boundaries`, not both.")
        if num_bins is None and bin_boundaries is None:
            raise ValueError("Discretization: give either `num_bins` (and call adapt()) or "
                             "`bin_boundaries`.")
        self.bin_boundaries = None if bin_boundaries is None else \
            [float(b) for b in bin_boundaries]
        self.num_bins = num_bins
        self.epsilon = float(epsilon)
        self.output_mode = output_mode
        self.sparse = False
        self.summary = None if bin_boundaries else _empty_summary()
        self.built = True

    @property
    def bin_boundaries(self):
        return self._bin_boundaries

    @bin_boundaries.setter
    def bin_boundaries(self, boundaries):
        self._bin_boundaries = boundaries
        if boundaries is not None:
            set_tables(self, bin_boundaries=np.asarray(boundaries, dtype="float32"))

    @property
    def output_dtype(self):
        return "int32" if self.output_mode == "int" else self.compute_dtype

    def adapt(self, data, steps=None):
        """Set the boundaries to `num_bins`-quantiles of `data` (an array or batches)."""
        if self.num_bins is None:
            raise ValueError("Discretization: a layer made with `bin_boundaries` cannot "
                             "adapt; make it with `num_bins`.")
        self.reset_state()
        for batch in iter_batches(data, steps):
            self.update_state(batch)
        self.finalize_state()

    def update_state(self, data):
        batch = _summarize(np.asarray(data, dtype="float32"), self.epsilon)
        self.summary = _merge(batch, self.summary, self.epsilon)

    def finalize_state(self):
        if self.num_bins is None:
            return
        self.bin_boundaries = _compress(self.summary, 1.0 / self.num_bins)[0, :-1].tolist()

    def reset_state(self):
        if self.num_bins is not None:
            self.summary = _empty_summary()

    def call(self, inputs):
        if self.bin_boundaries is None:
            raise ValueError(f"Discretization '{self.name}' has no bin boundaries: pass "
                             "`bin_boundaries` or call adapt() first.")
        inputs = jnp.asarray(inputs)
        boundaries = tables(self)[0]
        if jnp.issubdtype(inputs.dtype, jnp.floating):
            boundaries = boundaries.astype(inputs.dtype)
        indices = jnp.digitize(inputs, boundaries)
        return encoding.encode(indices.astype("int32"), self.output_mode, self._depth(),
                               self.output_dtype)

    def _depth(self):
        return len(self.bin_boundaries) + 1 if self.bin_boundaries is not None else self.num_bins

    def compute_output_shape(self, input_shape):
        return encoding.encoded_shape(input_shape, self.output_mode, self._depth())

    def compute_output_spec(self, inputs):
        return KerasTensor(self.compute_output_shape(inputs.shape), dtype=self.output_dtype)

    def get_config(self):
        config = super().get_config()
        config.pop("trainable", None)  # Keras's Discretization takes no `trainable`
        return {**config, "bin_boundaries": self.bin_boundaries,
                "num_bins": self.num_bins, "epsilon": self.epsilon,
                "output_mode": self.output_mode, "sparse": self.sparse}

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        boundaries = config.pop("bin_boundaries", None)
        if config.get("num_bins") is None:
            return cls(bin_boundaries=boundaries, **config)
        layer = cls(**config)  # an adapted layer: num_bins and the learned boundaries
        layer.bin_boundaries = boundaries
        return layer


# An approximate quantile summary is a (2, k) float array: sorted values, and the weight
# (how many data points) each stands for.

def _empty_summary():
    return np.zeros((2, 0), dtype="float32")


def _summarize(values, eps):
    """Every `step`-th sorted value (step = n * eps, at least 1), each weighing `step`."""
    values = np.sort(values.reshape(-1))
    step = max(values.size * eps, 1)
    picked = values[int(step - 1)::int(step)]
    return np.stack([picked, np.full_like(picked, step)])


def _merge(summary, other, eps):
    merged = np.concatenate((summary, other), axis=1)
    return _compress(merged[:, np.argsort(merged[0])], eps)


def _compress(summary, eps):
    """Resample a summary at cumulative-weight fractions eps, 2 eps, ..., 1 (values and
    cumulative weights linearly interpolated); small summaries are kept as they are."""
    if summary.shape[1] * eps < 1:
        return summary
    fractions = eps + np.arange(0.0, 1.0, eps)
    cumulative = summary[1].cumsum()
    at = cumulative / cumulative[-1]
    values = np.interp(fractions, at, summary[0])
    new_cumulative = np.interp(fractions, at, cumulative)
    weights = np.diff(new_cumulative, prepend=0.0)
    return np.stack((values, weights)).astype("float32")

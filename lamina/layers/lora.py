"""LoRA (low-rank adaptation) for Dense, Embedding and EinsumDense, as Keras 3.

`enable_lora(rank)` freezes the layer's weight `W` (kernel or embeddings) and adds two
trainable float32 adapters `A` (`W.shape[:-1] + (rank,)`) and `B` (`(rank, W.shape[-1])`);
the layer then computes with `W + (lora_alpha / rank) * A @ B`. Reading `layer.kernel`
(or `layer.embeddings`) gives that merged array. Saving writes the merged weight where
`W` goes (Keras's file layout, adapters left out); loading assigns it to `W` and zeroes
the adapters.
"""

import jax.numpy as jnp
import numpy as np

from lamina import initializers


def lora_weight(name):
    """A property for the adapted weight `name`: the Variable (kept in `_<name>`), or the
    merged array once LoRA is enabled. Unbuilt, it raises AttributeError."""
    private = "_" + name

    def get(self):
        var = self.__dict__.get(private)
        if var is None:
            raise AttributeError(f"{type(self).__name__} '{self.name}' has no `{name}` until "
                                 "it is built.")
        return self._merged_lora_weight() if self.__dict__.get("lora_enabled") else var

    def set(self, value):
        setattr(self, private, value)

    return property(get, set)


class LoraMixin:
    """Adds `lora_rank`/`lora_alpha` and `enable_lora` to a layer whose adapted weight is
    named `_lora_target` ("kernel" or "embeddings"), its adapters `<_lora_prefix>_a/_b`."""

    _lora_target = "kernel"
    _lora_prefix = "lora_kernel"

    def _init_lora(self, lora_rank, lora_alpha):
        self.lora_rank = lora_rank
        self.lora_alpha = lora_alpha if lora_alpha is not None else lora_rank
        self.lora_enabled = False

    def _lora_base(self):
        return self.__dict__["_" + self._lora_target]

    def _merged_lora_weight(self):
        """`W + (alpha / rank) * A @ B` in W's dtype (an array)."""
        base = self._lora_base()
        delta = (self.lora_alpha / self.lora_rank) * jnp.matmul(self._lora_a.value,
                                                                 self._lora_b.value)
        return (base.value + delta).astype(base.dtype)

    def _lora_weight_value(self):
        """The weight the layer computes with (merged when LoRA is on)."""
        return self._merged_lora_weight() if self.lora_enabled else self._lora_base().value

    def enable_lora(self, rank, lora_alpha=None, a_initializer="he_uniform",
                    b_initializer="zeros"):
        """Freeze the weight and train rank-`rank` adapters instead (see module docstring).

        Args:
            rank: adapter rank. lora_alpha: scale numerator (default `rank`).
            a_initializer: "he_uniform". b_initializer: "zeros" (the layer starts unchanged).
        """
        target = self._lora_target
        if getattr(self, f"{target}_constraint", None):
            raise ValueError(f"Lora is incompatible with {target} constraints. In order to enable "
                             f"lora on this layer, remove the `{target}_constraint` argument.")
        if not self.built:
            raise ValueError("Cannot enable lora on a layer that isn't yet built.")
        if self.quantization_mode is not None:
            raise ValueError(f"{type(self).__name__} '{self.name}' is quantized "
                             f"({self.quantization_mode}); lamina cannot add LoRA adapters to "
                             "a quantized weight.")
        if self.lora_enabled:
            raise ValueError("lora is already enabled. This can only be done once per layer.")
        base = self._lora_base()
        shape = tuple(base.shape)
        regularizer = getattr(self, f"{target}_regularizer", None)
        a = self.add_weight(name=f"{self._lora_prefix}_a", shape=shape[:-1] + (rank,),
                            initializer=initializers.get(a_initializer), dtype="float32",
                            regularizer=regularizer)
        b = self.add_weight(name=f"{self._lora_prefix}_b", shape=(rank, shape[-1]),
                            initializer=initializers.get(b_initializer), dtype="float32",
                            regularizer=regularizer)
        setattr(self, f"{self._lora_prefix}_a", a)
        setattr(self, f"{self._lora_prefix}_b", b)
        self._lora_a, self._lora_b = a, b
        base.trainable = False
        self.lora_enabled = True
        self.lora_rank = rank
        self.lora_alpha = lora_alpha if lora_alpha is not None else rank
        # Saving reads these hooks: the merged weight goes where W goes, as in Keras.
        self.save_own_variables = self._save_merged_variables
        self.load_own_variables = self._load_merged_variables

    def _lora_saved_variables(self):
        adapters = {id(self._lora_a), id(self._lora_b)}
        return [v for v in self._own_trainable + self._own_non_trainable if id(v) not in adapters]

    def _save_merged_variables(self, store):
        base = self._lora_base()
        for i, var in enumerate(self._lora_saved_variables()):
            store[str(i)] = np.asarray(self._merged_lora_weight() if var is base else var.value)

    def _load_merged_variables(self, store):
        variables = self._lora_saved_variables()
        if len(store.keys()) != len(variables):
            raise ValueError(f"Layer '{self.name}' expects {len(variables)} variables, but the "
                             f"stored weights have {len(store.keys())}.")
        for i, var in enumerate(variables):
            value = np.asarray(store[str(i)])
            if tuple(value.shape) != tuple(var.shape):
                raise ValueError(f"Layer '{self.name}' weight '{var.path}' has shape "
                                 f"{tuple(var.shape)}, but the stored one has {value.shape}.")
            var.assign(value)
        self._lora_a.assign(jnp.zeros(self._lora_a.shape, self._lora_a.dtype))
        self._lora_b.assign(jnp.zeros(self._lora_b.shape, self._lora_b.dtype))

    def _lora_config(self):
        return {"lora_rank": self.lora_rank, "lora_alpha": self.lora_alpha} if self.lora_rank \
            else {}

"""IntegerLookup: map integer tokens to contiguous indices through a vocabulary (given,
or learned by `adapt()`), or indices back to tokens with `invert=True`.

The vocabulary lives on the host; a lookup is a `searchsorted` in the sorted tokens, so
it compiles like any other op. Indices are laid out as Keras lays them: the mask index
0 (only with a `mask_token` and output_mode "int"), then `num_oov_indices` indices for
out-of-vocabulary tokens, then the vocabulary, most frequent first after `adapt()`.
"""

import collections

import jax
import jax.numpy as jnp
import numpy as np

from lamina.core.keras_tensor import KerasTensor
from lamina.core.layer import Layer
from lamina.layers.preprocessing import encoding
from lamina.layers.preprocessing.adapt_data import iter_batches
from lamina.layers.preprocessing.lookup_layout import LookupLayout
from lamina.layers.preprocessing.tables import set_tables, tables

_INT32 = np.iinfo(np.int32)


class IntegerLookup(LookupLayout, Layer):
    """Integer tokens to indices (or back, with `invert=True`).

    max_tokens: cap on the vocabulary size, special indices included (adapt keeps the
    most frequent tokens). num_oov_indices: indices for unknown tokens (default 1;
    with more, a token goes to `token % num_oov_indices`; with 0, unknown tokens are an
    error). mask_token: a token meaning "no value" (index 0 in "int" mode, dropped in
    the other modes). oov_token: what `invert=True` returns for unknown indices.
    vocabulary: a list/array of unique tokens or a text file of one token per line.
    output_mode: "int" (default), "one_hot", "multi_hot" or "count" (vectors of
    `vocabulary_size()`, or `max_tokens` with `pad_to_max_tokens=True`).
    """

    def __init__(self, max_tokens=None, num_oov_indices=1, mask_token=None, oov_token=-1,
                 vocabulary=None, vocabulary_dtype="int64", idf_weights=None, invert=False,
                 output_mode="int", sparse=False, pad_to_max_tokens=False,
                 oov_method="floormod", salt=None, vocabulary_size=None, **kwargs):
        super().__init__(**kwargs)
        encoding.check_not_sparse("IntegerLookup", sparse)
        encoding.check_output_mode("IntegerLookup", output_mode)
        if output_mode == "tf_idf" or idf_weights is not None:
            raise ValueError("IntegerLookup: output_mode='tf_idf' (idf_weights) is not "
                             "supported by lamina.")
        if max_tokens is not None and max_tokens <= 1:
            raise ValueError(f"IntegerLookup: max_tokens must be > 1; got {max_tokens}.")
        if num_oov_indices < 0:
            raise ValueError("IntegerLookup: num_oov_indices must be >= 0; got "
                             f"{num_oov_indices}.")
        if oov_method != "floormod" or salt is not None:
            raise ValueError("IntegerLookup: only oov_method='floormod' (without salt) is "
                             f"supported by lamina; got oov_method={oov_method!r}.")
        if invert and output_mode != "int":
            raise ValueError("IntegerLookup: invert=True needs output_mode='int'.")
        if pad_to_max_tokens and max_tokens is None:
            raise ValueError("IntegerLookup: pad_to_max_tokens=True needs max_tokens.")
        if vocabulary_dtype not in ("int32", "int64"):
            raise ValueError("IntegerLookup: vocabulary_dtype must be 'int32' or 'int64'; "
                             f"got {vocabulary_dtype!r}.")
        self.max_tokens = max_tokens
        self.num_oov_indices = int(num_oov_indices)
        self.mask_token = None if mask_token is None else int(mask_token)
        self.oov_token = int(oov_token)
        self.vocabulary_dtype = vocabulary_dtype
        self.invert = bool(invert)
        self.output_mode = output_mode
        self.sparse = False
        self.pad_to_max_tokens = bool(pad_to_max_tokens)
        self.oov_method = oov_method
        self.salt = None
        self.input_vocabulary = vocabulary
        self._tokens = None  # the learned/given tokens, special ones excluded
        if vocabulary is not None:
            self.set_vocabulary(vocabulary)
        self.built = True

    # -- vocabulary ------------------------------------------------------------------
    def set_vocabulary(self, vocabulary, idf_weights=None):
        """Use `vocabulary` (unique ints, or a file of one per line); it may start with
        the special tokens (mask, OOV) as `get_vocabulary()` returns them."""
        if idf_weights is not None:
            raise ValueError("IntegerLookup: idf_weights (tf_idf) are not supported.")
        if isinstance(vocabulary, str):
            with open(vocabulary) as f:
                vocabulary = [int(line) for line in f.read().split()]
        tokens = [int(t) for t in np.asarray(vocabulary).reshape(-1)]
        special = self._special_tokens()
        if tokens[:len(special)] == special and special:
            tokens = tokens[len(special):]
        repeated = [t for t, n in collections.Counter(tokens).items() if n > 1]
        if repeated:
            raise ValueError(f"IntegerLookup: the vocabulary repeats tokens {repeated}; "
                             "tokens must be unique.")
        for name, token in (("mask_token", self.mask_token), ("oov_token", self.oov_token)):
            if token is not None and token in tokens and (
                    name == "mask_token" or self.num_oov_indices):
                raise ValueError(f"IntegerLookup: the vocabulary contains the {name} "
                                 f"{token} after its special positions.")
        if tokens and (min(tokens) < _INT32.min or max(tokens) > _INT32.max):
            raise ValueError("IntegerLookup: lamina's integer arrays are 32-bit; vocabulary "
                             "tokens must fit in int32.")
        if self.max_tokens is not None and self._token_start() + len(tokens) > self.max_tokens:
            raise ValueError(f"IntegerLookup: a vocabulary of {len(tokens)} tokens plus "
                             f"{self._token_start()} special indices exceeds max_tokens="
                             f"{self.max_tokens}.")
        self._set_tokens(tokens)

    def _set_tokens(self, tokens):
        self._tokens = np.asarray(tokens, dtype=np.int32)
        order = np.argsort(self._tokens, kind="stable")
        set_tables(self, sorted_tokens=self._tokens[order],
                   sorted_indices=(order + self._token_start()).astype(np.int32),
                   index_to_token=np.asarray(self.get_vocabulary(), dtype=np.int32))

    def get_vocabulary(self, include_special_tokens=True):
        tokens = [] if self._tokens is None else self._tokens.tolist()
        return (self._special_tokens() + tokens) if include_special_tokens else tokens

    def vocabulary_size(self):
        return self._token_start() + (0 if self._tokens is None else len(self._tokens))

    def adapt(self, data, steps=None):
        """Learn the vocabulary: the tokens of `data` by decreasing count (ties: larger
        token first), the mask and OOV tokens left out, at most max_tokens in all."""
        if self.input_vocabulary is not None:
            raise ValueError("IntegerLookup: a layer given a `vocabulary` cannot adapt.")
        counts = collections.Counter()
        for batch in iter_batches(data, steps):
            values, n = np.unique(np.asarray(batch).astype(np.int64).reshape(-1),
                                  return_counts=True)
            counts.update(dict(zip(values.tolist(), n.tolist())))
        for token in (self.mask_token, self.oov_token):
            counts.pop(token, None)
        tokens = sorted(counts, key=lambda t: (counts[t], t), reverse=True)
        if self.max_tokens is not None:
            tokens = tokens[:max(self.max_tokens - self._token_start(), 0)]
        self._set_tokens(tokens)

    # -- calling -----------------------------------------------------------------------
    def _depth(self):
        if self.pad_to_max_tokens:
            return self.max_tokens
        return self.vocabulary_size()

    def _lookup(self, inputs):
        keys, indices, _ = tables(self)
        if keys.size:
            pos = jnp.clip(jnp.searchsorted(keys, inputs), 0, keys.size - 1)
            found = keys[pos] == inputs
            known = indices[pos]
        else:
            found, known = jnp.zeros(inputs.shape, bool), jnp.zeros(inputs.shape, jnp.int32)
        if self.num_oov_indices == 0:
            if not isinstance(found, jax.core.Tracer) and not bool(jnp.all(found)):
                unknown = np.unique(np.asarray(inputs)[~np.asarray(found)]).tolist()
                raise ValueError(f"IntegerLookup '{self.name}': with num_oov_indices=0 "
                                 f"every input must be in the vocabulary; found {unknown}.")
            oov = jnp.full(inputs.shape, -1, jnp.int32)
        elif self.num_oov_indices == 1:
            oov = jnp.full(inputs.shape, self._oov_start(), jnp.int32)
        else:
            oov = jnp.mod(inputs, self.num_oov_indices) + self._oov_start()
        out = jnp.where(found, known, oov)
        if self.mask_token is not None:
            out = jnp.where(inputs == self.mask_token, 0 if self.output_mode == "int" else -1,
                            out)
        return out.astype(jnp.int32)

    def _invert(self, indices):
        table = tables(self)[2]
        inside = (indices >= 0) & (indices < table.size)
        tokens = table[jnp.clip(indices, 0, max(table.size - 1, 0))]
        return jnp.where(inside, tokens, self.oov_token).astype(jnp.int32)

    def call(self, inputs):
        if self._tokens is None:
            raise ValueError(f"IntegerLookup '{self.name}' has no vocabulary: pass "
                             "`vocabulary` or call adapt() first.")
        inputs = jnp.asarray(inputs)
        if not jnp.issubdtype(inputs.dtype, jnp.integer):
            inputs = inputs.astype(jnp.int32)
        if self.invert:
            return self._invert(inputs)
        return encoding.encode(self._lookup(inputs), self.output_mode, self._depth(),
                               self._output_dtype())

    def _output_dtype(self):
        return "int32" if self.output_mode == "int" else self.compute_dtype

    def compute_output_shape(self, input_shape):
        depth = self._depth() if self._tokens is not None or self.pad_to_max_tokens else None
        return encoding.encoded_shape(input_shape, self.output_mode, depth)

    def compute_output_spec(self, inputs):
        return KerasTensor(self.compute_output_shape(inputs.shape), dtype=self._output_dtype())

    def get_config(self):
        # The vocabulary, learned or given, travels in the config (Keras keeps a learned
        # one in an asset file), so a saved model is self-contained.
        vocabulary = self.get_vocabulary(include_special_tokens=False) \
            if self._tokens is not None else None
        return {**super().get_config(), "invert": self.invert, "max_tokens": self.max_tokens,
                "num_oov_indices": self.num_oov_indices, "oov_token": self.oov_token,
                "mask_token": self.mask_token, "output_mode": self.output_mode,
                "sparse": self.sparse, "pad_to_max_tokens": self.pad_to_max_tokens,
                "vocabulary_dtype": self.vocabulary_dtype, "idf_weights": None,
                "vocabulary": vocabulary, "vocabulary_size": self.vocabulary_size(),
                "oov_method": self.oov_method, "salt": self.salt}

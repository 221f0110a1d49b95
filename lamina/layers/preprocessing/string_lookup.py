"""StringLookup: map string tokens to contiguous indices through a vocabulary (given, or
learned by `adapt()`), or indices back to strings with `invert=True`. Runs on the host.

Indices are laid out as Keras lays them: the mask index 0 (only with a `mask_token` and
output_mode "int"), then `num_oov_indices` indices for out-of-vocabulary tokens (a token
goes to `Fingerprint64(token) % num_oov_indices` among them), then the vocabulary, most
frequent first after `adapt()` (ties: the larger token first).
"""

import collections
import os

import numpy as np

from lamina.core.keras_tensor import KerasTensor
from lamina.layers.preprocessing import host_encoding
from lamina.layers.preprocessing.encoding import (
    check_not_sparse, check_output_mode, encoded_shape)
from lamina.layers.preprocessing.farmhash_strings import hash_buckets
from lamina.layers.preprocessing.host_layer import HostLayer, as_text, is_text
from lamina.layers.preprocessing.lookup_layout import LookupLayout
from lamina.layers.preprocessing.text_adapt_data import iter_text_batches

OUTPUT_MODES = ("int", "one_hot", "multi_hot", "count", "tf_idf")
_MASKED = -2  # what the mask token maps to in the token -> index dict during a lookup


class StringLookup(LookupLayout, HostLayer):
    """String tokens to indices (or back, with `invert=True`).

    max_tokens: cap on the vocabulary size, special indices included (adapt keeps the
    most frequent tokens). num_oov_indices: indices for unknown tokens (default 1; 0
    makes unknown tokens an error). mask_token: a token meaning "no value" (index 0 in
    "int" mode, dropped in the other modes). oov_token: what `invert=True` returns for
    unknown indices (default "[UNK]"). vocabulary: a list/array of unique strings or a
    text file of one token per line. idf_weights: with output_mode "tf_idf", one weight
    per vocabulary token. output_mode: "int" (default), "one_hot", "multi_hot", "count"
    or "tf_idf" (vectors of `vocabulary_size()`, or `max_tokens` with
    `pad_to_max_tokens=True`).
    """

    _derived_config_keys = ("vocabulary_size",)

    def __init__(self, max_tokens=None, num_oov_indices=1, mask_token=None, oov_token="[UNK]",
                 vocabulary=None, idf_weights=None, invert=False, output_mode="int",
                 pad_to_max_tokens=False, sparse=False, encoding="utf-8", name=None, **kwargs):
        kwargs.pop("vocabulary_dtype", None)
        super().__init__(name=name, **kwargs)
        label = type(self).__name__
        check_not_sparse(label, sparse)
        check_output_mode(label, output_mode, OUTPUT_MODES)
        if max_tokens is not None and max_tokens <= 1:
            raise ValueError(f"{label}: max_tokens must be > 1; got {max_tokens}.")
        if num_oov_indices < 0:
            raise ValueError(f"{label}: num_oov_indices must be >= 0; got {num_oov_indices}.")
        if invert and output_mode != "int":
            raise ValueError(f"{label}: invert=True needs output_mode='int'; got "
                             f"output_mode={output_mode!r}.")
        if pad_to_max_tokens and max_tokens is None:
            raise ValueError(f"{label}: pad_to_max_tokens=True needs max_tokens.")
        if idf_weights is not None and output_mode != "tf_idf":
            raise ValueError(f"{label}: idf_weights are only used with output_mode='tf_idf'; "
                             f"got output_mode={output_mode!r}.")
        if output_mode == "tf_idf" and vocabulary is not None and idf_weights is None:
            raise ValueError(f"{label}: output_mode='tf_idf' with a `vocabulary` also needs "
                             "`idf_weights`.")
        if encoding != "utf-8":
            raise ValueError(f"{label}: only encoding='utf-8' is supported; got {encoding!r}.")
        self.max_tokens = max_tokens
        self.num_oov_indices = int(num_oov_indices)
        self.mask_token = mask_token
        self.oov_token = oov_token
        self.invert = bool(invert)
        self.output_mode = output_mode
        self.pad_to_max_tokens = bool(pad_to_max_tokens)
        self.sparse = False
        self.encoding = encoding
        self.vocabulary_dtype = "string"
        self.input_vocabulary = vocabulary
        self.input_idf_weights = idf_weights
        self._tokens = None  # learned/given tokens, special ones excluded
        self._index = None  # token -> index
        self.idf_weights = None  # per output index, with "tf_idf"
        if vocabulary is not None:
            self.set_vocabulary(vocabulary, idf_weights)
        self.built = True

    # -- vocabulary ------------------------------------------------------------------
    def set_vocabulary(self, vocabulary, idf_weights=None):
        """Use `vocabulary` (unique strings, or a file of one per line); it may start with
        the special tokens (mask, OOV) as `get_vocabulary()` returns them."""
        label = type(self).__name__
        if self.output_mode == "tf_idf" and idf_weights is None:
            raise ValueError(f"{label}: idf_weights must be set with output_mode='tf_idf'.")
        if idf_weights is not None and self.output_mode != "tf_idf":
            raise ValueError(f"{label}: idf_weights are only used with output_mode='tf_idf'.")
        if isinstance(vocabulary, str):
            with open(vocabulary, encoding="utf-8") as f:
                vocabulary = [line.rstrip("\n") for line in f]
            vocabulary = [t for t in vocabulary if t]
        array = np.asarray(vocabulary).reshape(-1)
        if array.size and not is_text(array):
            raise TypeError(f"{label}: the vocabulary must hold strings; got dtype "
                            f"{array.dtype}.")
        tokens = as_text(array).tolist() if array.size else []
        special = self._special_tokens()
        found_special = bool(special) and tokens[:len(special)] == special
        if found_special:
            tokens = tokens[len(special):]
        repeated = [t for t, n in collections.Counter(tokens).items() if n > 1]
        if repeated:
            raise ValueError(f"{label} '{self.name}': the vocabulary repeats the token(s) "
                             f"{repeated}; each token must appear once.")
        for what, token in (("mask_token", self.mask_token), ("oov_token", self.oov_token)):
            if token is not None and token in tokens and (
                    what == "mask_token" or self.num_oov_indices):
                raise ValueError(f"{label} '{self.name}': the vocabulary holds the {what} "
                                 f"{token!r} outside its special position (index "
                                 f"{0 if what == 'mask_token' else self._oov_start()}).")
        if self.max_tokens is not None and self._token_start() + len(tokens) > self.max_tokens:
            raise ValueError(f"{label}: a vocabulary of {len(tokens)} tokens plus "
                             f"{self._token_start()} special indices exceeds max_tokens="
                             f"{self.max_tokens}.")
        weights = None
        if idf_weights is not None:
            weights = np.asarray(idf_weights, dtype=np.float64).reshape(-1)
            if len(weights) != len(array):
                raise ValueError(f"{label}: idf_weights must be as long as the vocabulary "
                                 f"({len(array)}); got {len(weights)}.")
            if not found_special:  # OOV indices get the average weight, as in Keras
                weights = np.concatenate([np.full(self._token_start(), weights.mean()), weights])
        self._set_tokens(tokens, weights)

    def _set_tokens(self, tokens, idf_weights=None):
        self._tokens = list(tokens)
        self._index = {t: i + self._token_start() for i, t in enumerate(self._tokens)}
        if idf_weights is not None:
            depth = self._depth()
            idf = np.zeros(max(depth, len(idf_weights)), np.float32)
            idf[:len(idf_weights)] = idf_weights
            self.idf_weights = idf
        self._index_to_token = np.asarray(self.get_vocabulary(), dtype=object)

    def get_vocabulary(self, include_special_tokens=True):
        """The tokens by index (special tokens first unless `include_special_tokens=False`)."""
        tokens = list(self._tokens or [])
        return (self._special_tokens() + tokens) if include_special_tokens else tokens

    def vocabulary_size(self):
        """Number of indices: special ones plus the vocabulary."""
        return self._token_start() + len(self._tokens or [])

    def adapt(self, data, batch_size=None, steps=None):
        """Learn the vocabulary: the tokens of `data` by decreasing count (ties: the larger
        token first), the mask and OOV tokens left out, at most max_tokens in all. With
        "tf_idf", also the inverse document frequencies (each row of `data` a document)."""
        if self.input_vocabulary is not None:
            raise ValueError(f"{type(self).__name__}: a layer given a `vocabulary` cannot "
                             "adapt.")
        counts, documents, num_documents = collections.Counter(), collections.Counter(), 0
        for batch in iter_text_batches(data, steps, type(self).__name__):
            self._count(batch, counts, documents)
            num_documents += batch.shape[0] if batch.ndim else 1
        self._finish_adapt(counts, documents, num_documents)

    def _count(self, tokens, counts, documents):
        """Add the tokens of one batch (rows are documents) to the counters."""
        counts.update(tokens.reshape(-1).tolist())
        if self.output_mode == "tf_idf":
            # each row is a document; in a rank-1 batch each token is one (as in Keras)
            rows = tokens.reshape(tokens.shape[0], -1) if tokens.ndim else tokens.reshape(1, 1)
            for row in rows.tolist():
                documents.update(set(row))

    def _finish_adapt(self, counts, documents, num_documents):
        for token in (self.mask_token, self.oov_token):
            counts.pop(token, None)
        tokens = sorted(counts, key=lambda t: (counts[t], t.encode("utf-8")), reverse=True)
        if self.max_tokens is not None:
            tokens = tokens[:max(self.max_tokens - self._token_start(), 0)]
        idf = None
        if self.output_mode == "tf_idf":
            doc_counts = np.asarray([documents[t] for t in tokens], np.float64)
            idf = np.log(1 + num_documents / (1 + doc_counts)).astype(np.float32)
            idf = np.concatenate([np.full(self._token_start(), idf.mean() if idf.size else 0),
                                  idf])
        self._set_tokens(tokens, idf)

    # -- calling ---------------------------------------------------------------------
    def _depth(self):
        if self.pad_to_max_tokens:
            return self.max_tokens
        if self._tokens is None and self.__dict__.get("_config_vocabulary_size"):
            return self._config_vocabulary_size  # rebuilt from a file, assets still to load
        return self.vocabulary_size()

    def _require_vocabulary(self):
        if self._tokens is None:
            raise ValueError(f"{type(self).__name__} '{self.name}' has no vocabulary: pass "
                             "`vocabulary` or call adapt() first.")

    def lookup(self, tokens):
        """Indices (int64) of str tokens: a NumPy array (same shape) or a flat list."""
        flat = tokens if isinstance(tokens, list) else tokens.reshape(-1).tolist()
        index = self._index
        if self.mask_token is not None and self.mask_token not in index:
            index = self._index = {**index, self.mask_token: _MASKED}
        get = index.get
        out = np.array([get(t, -1) for t in flat], dtype=np.int64)
        unknown = out == -1
        if unknown.any():
            if self.num_oov_indices == 0:
                bad = sorted({t for t, u in zip(flat, unknown) if u})[:10]
                raise ValueError(f"{type(self).__name__} '{self.name}': with num_oov_indices=0 "
                                 f"every input must be in the vocabulary; found {bad}.")
            if self.num_oov_indices == 1:
                out[unknown] = self._oov_start()
            else:
                words = np.asarray([t for t, u in zip(flat, unknown) if u])
                out[unknown] = self._oov_start() + hash_buckets(words, self.num_oov_indices)
        if self.mask_token is not None:
            out[out == _MASKED] = 0 if self.output_mode == "int" else -1
        return out if isinstance(tokens, list) else out.reshape(tokens.shape)

    def host_call(self, inputs):
        self._require_vocabulary()
        inputs = np.asarray(inputs)
        if self.invert:
            if inputs.dtype.kind not in "iu":
                raise TypeError(f"{type(self).__name__} '{self.name}' (invert=True) expects "
                                f"integer indices; got dtype {inputs.dtype}.")
            table = self._index_to_token
            inside = (inputs >= 0) & (inputs < len(table))
            out = np.where(inside, table[np.clip(inputs, 0, max(len(table) - 1, 0))],
                           self.oov_token)
            return out.astype(str)
        if not is_text(inputs):
            raise TypeError(f"{type(self).__name__} '{self.name}' expects strings; got an "
                            f"array of dtype {inputs.dtype}. Map numbers with IntegerLookup.")
        indices = self.lookup(as_text(inputs))
        return host_encoding.encode(indices, self.output_mode, self._depth(),
                                    self._output_dtype(), self.idf_weights)

    def _output_dtype(self):
        if self.invert:
            return "string"
        # int32: lamina's integer arrays are 32-bit (Keras gives int64)
        return "int32" if self.output_mode == "int" else self.compute_dtype

    def compute_output_shape(self, input_shape):
        known = self._tokens is not None or self.pad_to_max_tokens or \
            self.__dict__.get("_config_vocabulary_size")
        depth = self._depth() if known else None
        return encoded_shape(input_shape, self.output_mode, depth)

    def compute_output_spec(self, inputs):
        return KerasTensor(self.compute_output_shape(inputs.shape), dtype=self._output_dtype())

    # -- .keras files: the learned vocabulary is an asset, idf weights a variable --------
    def save_own_variables(self, store):
        if self.output_mode == "tf_idf" and self.idf_weights is not None:
            store["idf_weights"] = self.idf_weights

    def load_own_variables(self, store):
        if self.output_mode == "tf_idf" and "idf_weights" in store:
            self.idf_weights = np.asarray(store["idf_weights"], np.float32)

    def save_assets(self, dir_path):
        if self.input_vocabulary is None and self._tokens is not None:  # else in the config
            with open(os.path.join(dir_path, "vocabulary.txt"), "w", encoding="utf-8") as f:
                f.write("\n".join(self.get_vocabulary()))

    def load_assets(self, dir_path):
        if self.input_vocabulary is not None:
            return
        with open(os.path.join(dir_path, "vocabulary.txt"), encoding="utf-8") as f:
            lines = f.read().splitlines()
        while lines and lines[-1] == "":
            lines.pop()
        self.set_vocabulary(lines, self.idf_weights[:len(lines)]
                            if self.output_mode == "tf_idf" else None)

    def get_config(self):
        vocabulary = self.input_vocabulary
        if isinstance(vocabulary, np.ndarray):
            vocabulary = as_text(vocabulary).tolist()
        idf = self.input_idf_weights
        if idf is not None:
            idf = np.asarray(idf).tolist()
        return {**super().get_config(), "invert": self.invert, "max_tokens": self.max_tokens,
                "num_oov_indices": self.num_oov_indices, "oov_token": self.oov_token,
                "mask_token": self.mask_token, "output_mode": self.output_mode,
                "sparse": self.sparse, "pad_to_max_tokens": self.pad_to_max_tokens,
                "vocabulary_dtype": "string", "idf_weights": idf, "vocabulary": vocabulary,
                "vocabulary_size": self.vocabulary_size(), "encoding": self.encoding}

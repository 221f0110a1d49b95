"""TextVectorization: strings to token indices or per-document token vectors, on the host.

Each string is standardized, split into tokens, extended to n-grams, then looked up in a
vocabulary (a StringLookup with mask token "" and OOV token "[UNK]", as in Keras).
"""

import collections

import numpy as np

from lamina.core.keras_tensor import KerasTensor
from lamina.layers.preprocessing import host_encoding, text_ops
from lamina.layers.preprocessing.host_layer import HostLayer, as_text, is_text
from lamina.layers.preprocessing.string_lookup import StringLookup
from lamina.layers.preprocessing.text_adapt_data import iter_text_batches

OUTPUT_MODES = ("int", "multi_hot", "count", "tf_idf")


class TextVectorization(HostLayer):
    """Map text to integer sequences or vectors.

    Inputs: strings of shape (batch,) or (batch, 1) (or (batch, tokens) with
    split=None). max_tokens: vocabulary cap, "" and "[UNK]" included. standardize:
    "lower_and_strip_punctuation" (default), "lower", "strip_punctuation", None, or a
    callable taking a NumPy array of strings and returning one string per input.
    split: "whitespace" (default), "character", None, or a callable taking a NumPy
    array of strings and returning one list of tokens per string. ngrams: None, an int
    n (widths 1..n) or a tuple of widths. output_mode: "int" -> (batch,
    output_sequence_length or the longest row) int32 indices, 0-padded; "multi_hot",
    "count", "tf_idf" -> (batch, vocabulary_size() or max_tokens with
    pad_to_max_tokens).
    """

    _derived_config_keys = ("vocabulary_size",)

    def __init__(self, max_tokens=None, standardize="lower_and_strip_punctuation",
                 split="whitespace", ngrams=None, output_mode="int",
                 output_sequence_length=None, pad_to_max_tokens=False, vocabulary=None,
                 idf_weights=None, sparse=False, ragged=False, encoding="utf-8", name=None,
                 **kwargs):
        super().__init__(name=name, **kwargs)
        label = "TextVectorization"
        if output_mode == "tf-idf":
            output_mode = "tf_idf"
        if output_mode not in OUTPUT_MODES:
            raise ValueError(f"{label}: output_mode must be one of {list(OUTPUT_MODES)}; got "
                             f"{output_mode!r}.")
        if not (standardize is None or callable(standardize)
                or standardize in text_ops.STANDARDIZE):
            raise ValueError(f"{label}: standardize must be None, a callable or one of "
                             f"{list(text_ops.STANDARDIZE)}; got {standardize!r}.")
        if not (split is None or callable(split) or split in text_ops.SPLITS):
            raise ValueError(f"{label}: split must be None, a callable or one of "
                             f"{list(text_ops.SPLITS)}; got {split!r}.")
        if ngrams is not None and not (isinstance(ngrams, int) and ngrams > 0 or (
                isinstance(ngrams, (tuple, list))
                and all(isinstance(n, int) and n > 0 for n in ngrams))):
            raise ValueError(f"{label}: ngrams must be None, a positive int or a tuple of "
                             f"positive ints; got {ngrams!r}.")
        if output_sequence_length is not None and output_mode != "int":
            raise ValueError(f"{label}: output_sequence_length is only used with "
                             f"output_mode='int'; got output_mode={output_mode!r}.")
        if output_sequence_length is not None and int(output_sequence_length) <= 0:
            raise ValueError(f"{label}: output_sequence_length must be positive; got "
                             f"{output_sequence_length}.")
        if sparse:
            raise ValueError(f"{label}(sparse=True) is not supported by lamina: its arrays "
                             "are dense. Pass sparse=False.")
        if ragged:
            raise ValueError(f"{label}(ragged=True) is not supported by lamina: outputs are "
                             "padded dense arrays. Pass ragged=False.")
        self.max_tokens = max_tokens
        self.standardize = standardize
        self.split = split
        self.ngrams = tuple(ngrams) if isinstance(ngrams, list) else ngrams
        self._widths = text_ops.ngram_widths(ngrams)
        self.output_mode = output_mode
        self.output_sequence_length = None if output_sequence_length is None \
            else int(output_sequence_length)
        self.pad_to_max_tokens = bool(pad_to_max_tokens)
        self.sparse = False
        self.ragged = False
        self.encoding = encoding
        self._lookup_layer = StringLookup(
            max_tokens=max_tokens, mask_token="", oov_token="[UNK]", vocabulary=vocabulary,
            idf_weights=idf_weights, output_mode=output_mode,
            pad_to_max_tokens=pad_to_max_tokens, encoding=encoding,
            name=f"{self.name}_lookup")
        self.built = True

    # -- vocabulary ------------------------------------------------------------------
    def get_vocabulary(self, include_special_tokens=True):
        return self._lookup_layer.get_vocabulary(include_special_tokens)

    def vocabulary_size(self):
        return self._lookup_layer.vocabulary_size()

    def set_vocabulary(self, vocabulary, idf_weights=None):
        self._lookup_layer.set_vocabulary(vocabulary, idf_weights)

    def adapt(self, data, batch_size=None, steps=None):
        """Learn the vocabulary (and idf weights with "tf_idf") from strings: an array or
        list, or an iterable / batch source of them (an `(x, y)` batch gives its `x`)."""
        lookup = self._lookup_layer
        if lookup.input_vocabulary is not None:
            raise ValueError("TextVectorization: a layer given a `vocabulary` cannot adapt.")
        counts, documents, num_documents = collections.Counter(), collections.Counter(), 0
        tf_idf = self.output_mode == "tf_idf"
        for batch in iter_text_batches(data, steps, "TextVectorization"):
            rows = self._tokens(batch)
            for row in rows:
                counts.update(row)
                if tf_idf:
                    documents.update(set(row))
            num_documents += len(rows)
        lookup._finish_adapt(counts, documents, num_documents)

    # -- calling ---------------------------------------------------------------------
    def _tokens(self, inputs):
        """Token lists (n-grams included), one per input string of the array `inputs`."""
        if self.split is None:
            rows = inputs.reshape(inputs.shape[0], -1) if inputs.ndim else inputs.reshape(1, 1)
            if self.standardize is not None:
                flat = self._standardized(rows.reshape(-1))
                rows = np.asarray(flat, dtype=object).reshape(rows.shape)
            tokens = [[t for t in row if t != ""] for row in rows.tolist()]
        else:
            if inputs.ndim == 2 and inputs.shape[1] == 1:
                inputs = inputs[:, 0]
            if inputs.ndim > 1:
                raise ValueError(f"TextVectorization '{self.name}' expects strings of shape "
                                 f"(batch,) or (batch, 1); got shape {inputs.shape}.")
            texts = self._standardized(inputs.reshape(-1))
            if callable(self.split):
                tokens = text_ops.as_token_lists(self.split(np.asarray(texts)),
                                                 "TextVectorization")
            else:
                tokens = text_ops.split(texts, self.split)
        if self._widths is not None:
            tokens = text_ops.join_ngrams(tokens, self._widths)
        return tokens

    def _standardized(self, texts):
        if callable(self.standardize):
            return text_ops.as_texts(self.standardize(texts), texts.size, "TextVectorization")
        return text_ops.standardize(texts.tolist(), self.standardize)

    def host_call(self, inputs):
        inputs = np.asarray(inputs)
        if inputs.size and not is_text(inputs):
            raise TypeError(f"TextVectorization '{self.name}' expects strings; got an array "
                            f"of dtype {inputs.dtype} with shape {inputs.shape}.")
        self._lookup_layer._require_vocabulary()
        if self.split is None and self.output_mode == "int" and self._widths is None:
            return self._lookup_tokens(as_text(inputs))
        scalar = inputs.ndim == 0
        rows = self._tokens(as_text(inputs.reshape(1) if scalar else inputs))
        lengths = np.fromiter((len(r) for r in rows), dtype=np.int64, count=len(rows))
        flat = [t for row in rows for t in row]
        indices = self._lookup_layer.lookup(flat)
        row_of = np.repeat(np.arange(len(rows)), lengths)
        if self.output_mode == "int":
            width = self.output_sequence_length
            if width is None:
                width = int(lengths.max()) if len(rows) else 0
            out = np.zeros((len(rows), width), np.int32)
            col = np.arange(len(flat)) - np.repeat(np.cumsum(lengths) - lengths, lengths)
            keep = col < width
            out[row_of[keep], col[keep]] = indices[keep]
        else:
            lookup = self._lookup_layer
            depth = lookup._depth()
            # Padding by -1 (dropped) keeps the encoder's one-row-per-document layout.
            width = int(lengths.max()) if len(rows) and flat else 1
            padded = np.full((len(rows), width), -1, np.int64)
            col = np.arange(len(flat)) - np.repeat(np.cumsum(lengths) - lengths, lengths)
            padded[row_of, col] = indices
            out = host_encoding.encode(padded, self.output_mode, depth, self.compute_dtype,
                                       lookup.idf_weights)
        return out[0] if scalar else out

    def _lookup_tokens(self, tokens):
        """split=None, "int": each element is a token; the shape is kept (the last axis
        padded or cut to output_sequence_length when given)."""
        if self.standardize is not None:
            tokens = np.asarray(self._standardized(tokens.reshape(-1)),
                                dtype=object).reshape(tokens.shape)
        out = self._lookup_layer.lookup(tokens).astype(np.int32)
        width = self.output_sequence_length
        if width is not None and out.ndim >= 2:
            out = out[..., :width]
            pad = [(0, 0)] * (out.ndim - 1) + [(0, width - out.shape[-1])]
            out = np.pad(out, pad)
        return out

    def compute_output_shape(self, input_shape):
        batch = input_shape[0] if len(input_shape) else None
        if self.output_mode == "int":
            return (batch, self.output_sequence_length)
        lookup = self._lookup_layer
        if self.__dict__.get("_config_vocabulary_size"):
            lookup.__dict__["_config_vocabulary_size"] = self._config_vocabulary_size
        known = lookup._tokens is not None or self.pad_to_max_tokens or \
            lookup.__dict__.get("_config_vocabulary_size")
        return (batch, lookup._depth() if known else None)

    def compute_output_spec(self, inputs):
        if inputs.dtype != "string":
            raise TypeError(f"TextVectorization '{self.name}' expects string inputs "
                            f"(keras.Input(dtype='string')); got dtype {inputs.dtype}.")
        dtype = "int32" if self.output_mode == "int" else self.compute_dtype
        return KerasTensor(self.compute_output_shape(inputs.shape), dtype=dtype)

    # -- .keras files: as Keras, the vocabulary goes to the layer's and its lookup's
    # asset folders and tf_idf weights to both layers' variables
    def save_own_variables(self, store):
        self._lookup_layer.save_own_variables(store)

    def load_own_variables(self, store):
        self._lookup_layer.load_own_variables(store)

    def save_assets(self, dir_path):
        self._lookup_layer.save_assets(dir_path)

    def load_assets(self, dir_path):
        self._lookup_layer.load_assets(dir_path)

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        for key in ("standardize", "split"):  # a registered function, serialized
            if isinstance(config.get(key), dict):
                from lamina.core.serialization.deserialization import deserialize_keras_object

                config[key] = deserialize_keras_object(config[key])
        return super().from_config(config)

    def get_config(self):
        lookup = self._lookup_layer
        vocabulary = lookup.input_vocabulary
        if isinstance(vocabulary, np.ndarray):
            vocabulary = as_text(vocabulary).tolist()
        idf = lookup.input_idf_weights
        return {**super().get_config(), "max_tokens": self.max_tokens,
                "standardize": self.standardize, "split": self.split,
                "ngrams": list(self.ngrams) if isinstance(self.ngrams, tuple) else self.ngrams,
                "output_mode": self.output_mode,
                "output_sequence_length": self.output_sequence_length,
                "pad_to_max_tokens": self.pad_to_max_tokens, "sparse": False,
                "ragged": False, "vocabulary": vocabulary,
                "idf_weights": None if idf is None else np.asarray(idf).tolist(),
                "encoding": self.encoding, "vocabulary_size": self.vocabulary_size()}

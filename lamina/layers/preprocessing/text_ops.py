"""The string steps of TextVectorization, in Python on the host: standardize, split into
tokens, and join tokens into n-grams, with TensorFlow's rules (what Keras uses):

- "lower" lowercases ASCII letters only (`tf.strings.lower` with no encoding);
- "strip_punctuation" removes ASCII punctuation (`string.punctuation`);
- "whitespace" splits on runs of ASCII whitespace (` \\t\\n\\v\\f\\r`), dropping empties;
- "character" splits into Unicode code points;
- n-grams of each width are joined by a space, all widths in the order given.
"""

import re
import string

import numpy as np

_LOWER = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)
_NO_PUNCT = str.maketrans("", "", string.punctuation)
_BOTH = str.maketrans(string.ascii_uppercase, string.ascii_lowercase, string.punctuation)
_WORDS = re.compile(r"[^ \t\n\v\f\r]+")

STANDARDIZE = {
    "lower": _LOWER,
    "strip_punctuation": _NO_PUNCT,
    "lower_and_strip_punctuation": _BOTH,
}
SPLITS = ("whitespace", "character")


def standardize(texts, how):
    """`texts` (a list of str) standardized by the name `how` (None: unchanged)."""
    if how is None:
        return texts
    table = STANDARDIZE[how]
    return [t.translate(table) for t in texts]


def split(texts, how):
    """A list of token lists, one per text."""
    if how == "whitespace":
        return [t.split() if t.isascii() and t.isprintable() else _WORDS.findall(t)
                for t in texts]
    return [list(t) for t in texts]


def ngram_widths(ngrams):
    """The n-gram widths for TextVectorization's `ngrams` (None, an int, or a tuple)."""
    if ngrams is None:
        return None
    if isinstance(ngrams, int):
        return tuple(range(1, ngrams + 1))
    return tuple(int(n) for n in ngrams)


def join_ngrams(tokens, widths):
    """Each token list extended to its n-grams of `widths` (width 1: the tokens)."""
    out = []
    for row in tokens:
        grams = []
        for n in widths:
            if n == 1:
                grams.extend(row)
            else:
                grams.extend(" ".join(row[i:i + n]) for i in range(len(row) - n + 1))
        out.append(grams)
    return out


def as_token_lists(value, label):
    """What a user `split` callable returned, as a list of token lists of str."""
    if hasattr(value, "tolist"):
        value = value.tolist()
    rows = []
    for row in value:
        if hasattr(row, "tolist"):
            row = row.tolist()
        if isinstance(row, (str, bytes)):
            row = [row]
        rows.append([t.decode("utf-8") if isinstance(t, bytes) else str(t) for t in row])
    if not all(isinstance(r, list) for r in rows):
        raise TypeError(f"{label}: a `split` callable must return one list of tokens per "
                        "input string.")
    return rows


def as_texts(value, count, label):
    """What a user `standardize` callable returned, as a list of `count` str."""
    array = np.asarray(value).reshape(-1)
    if array.size != count:
        raise ValueError(f"{label}: the `standardize` callable returned {array.size} "
                         f"strings for {count} inputs.")
    return [v.decode("utf-8") if isinstance(v, bytes) else str(v) for v in array.tolist()]

"""The "Differences from Keras 3" page, from the walk of tests/test_keras_api_walk.py.

The walk compares every public Keras 3 name with lamina's at the same path; its
allow-list (tests/keras_api_allowlist.py) gives the reason for each known difference.
"""

import collections

from tests import keras_api_allowlist as allow
from tools.apidocs import public_api

PAGE = "keras-differences.md"

# What lamina does that Keras 3 does not (README.md, "Beyond Keras"); checked by hand.
BEYOND_KERAS = """\
- **Faster on the same machine**: see [Performance](performance.md).
- **Structure of subclassed models**: `summary()` and `plot_model()` show the layers a
  subclassed model's `call` uses (the call is traced once on symbolic inputs).
- **Clearer errors**: wrong shapes name the layer and the expected and received shapes;
  unknown keyword arguments and names suggest the closest valid one.
- **Profiles name layers**: each layer call runs in `jax.named_scope(layer.name)`, so HLO
  op names and `jax.profiler` traces read `model/dense_1/dot_general`.
- **Text layers without TensorFlow**: `TextVectorization`, `StringLookup`, `HashedCrossing`
  and string `Hashing` run on the host in NumPy inside `fit`/`predict`; Keras 3 on JAX
  cannot run such models.
- **Bounded compilations per request size**: `predict` and `model(x)` pad requests to the
  next power of two rows when the model's rows are independent
  (`lamina.config.disable_shape_bucketing()` turns it off).
- **`lamina.export.load(path).serve(x)`** runs an exported `"jax"` artifact with JAX alone.
- **`lamina.compat.install_as_keras()`** makes `import keras` resolve to lamina for
  libraries written for Keras.
- **`lamina.utils.plot_history`** draws a `History`'s curves.
"""


def _namespace(path):
    return path.rsplit(".", 1)[0]


def _code_list(paths):
    return ", ".join(f"`{p.rsplit('.', 1)[1]}`" for p in paths)


def _short_difference(path, fallback):
    """"no `a`; extra `b`; `c`=1 (Keras: 2)" for the parameters of one callable."""
    from tests.test_keras_api_walk import _lamina_object, _same_default, _signature

    ks, ls = _signature(public_api.resolve(path)), _signature(_lamina_object(path))
    if ks is None or ls is None:
        return fallback
    kp, lp = ks.parameters, ls.parameters
    parts = []
    only_keras = [n for n in kp if n not in lp]
    only_lamina = [n for n in lp if n not in kp]
    if only_keras:
        parts.append("lacks " + ", ".join(f"`{n}`" for n in only_keras))
    if only_lamina:
        parts.append("adds " + ", ".join(f"`{n}`" for n in only_lamina))
    kinds = collections.defaultdict(list)
    for n in kp:
        if n in lp:
            k, l = kp[n], lp[n]
            if k.kind != l.kind:
                kinds[(l.kind.description, k.kind.description)].append(f"`{n}`")
            elif k.default is not l.default and not _same_default(k.default, l.default):
                parts.append(f"`{n}={l.default!r}` (Keras: `{k.default!r}`)")
    for (mine, theirs), names in kinds.items():
        parts.append(f"{mine} (Keras: {theirs}): " + ", ".join(names))
    common = [n for n in kp if n in lp]
    if not parts and common != [n for n in lp if n in kp]:
        parts.append("parameter order differs")
    return "; ".join(parts) or fallback


def page():
    from tests.test_keras_api_walk import walk

    in_scope, missing, other_missing, differences = walk()
    present = collections.Counter(_namespace(p) for p in in_scope if p not in set(missing))
    absent = collections.defaultdict(list)
    for p in missing:
        absent[_namespace(p)].append(p)
    owned = collections.defaultdict(list)
    for p in other_missing:
        owned[_namespace(p)].append(p)
    namespaces = sorted(set(present) | set(absent) | set(owned))

    total = len(in_scope)
    found = total - len(missing)
    lines = [
        "# Differences from Keras 3",
        "",
        "This page is generated when the site is built, by the same walk as "
        "`tests/test_keras_api_walk.py`: every public name of every public Keras "
        "3.15 namespace is looked up at the same path in lamina (`keras.layers.Dense` -> "
        "`lamina.layers.Dense`), and for callables the parameters (names, order, kinds, "
        "defaults) are compared.",
        "",
        f"**Names present: {found} of {total} ({found / total:.1%})**, not counting "
        f"{len(other_missing)} missing names in parts that other work items own "
        "(listed with their reason below).",
        "",
        "## Per namespace",
        "",
        "| Keras namespace | present | missing |",
        "| --- | ---: | --- |",
    ]
    for ns in namespaces:
        miss = _code_list(absent.get(ns, []))
        if owned.get(ns):
            miss += (" " if miss else "") + "(other work items: " + _code_list(owned[ns]) + ")"
        lines.append(f"| `{ns}` | {present.get(ns, 0)} | {miss or '—'} |")

    lines += ["", "## Why names are missing", "",
              "Parts of Keras that other work items own (from `tests/keras_api_allowlist.py`):",
              ""]
    reasons = collections.defaultdict(list)
    for p, reason in other_missing.items():
        reasons[reason].append(p)
    for reason in sorted(reasons):
        count = len(reasons[reason])
        lines.append(f"- {reason}: {count} name{'s' if count != 1 else ''}")
    if not reasons:
        lines.append("- none")

    lines += ["", "## Parameter differences", ""]
    deliberate = {p: d for p, d in differences.items() if p in allow.SIGNATURE_DIFFERENCES}
    pending = {p: d for p, d in differences.items() if p in allow.PENDING_SIGNATURES}
    other = {p: d for p, d in differences.items() if p not in deliberate and p not in pending}
    lines.append("Deliberate differences, each with its reason:")
    lines.append("")
    if deliberate:
        for p in sorted(deliberate):
            lines.append(f"- `{p}`: {allow.SIGNATURE_DIFFERENCES[p]} "
                         f"({_short_difference(p, deliberate[p])})")
    else:
        lines.append("- none: every deliberate departure is in behaviour, not in parameters.")
    lines += ["", "Differences found by the walk and not fixed yet (the allow-list's "
              "pending list, which only shrinks):", ""]
    for p in sorted(pending):
        lines.append(f"- `{p}`: {_short_difference(p, pending[p])}")
    if not pending:
        lines.append("- none")
    if other:
        lines += ["", "Differences outside the allow-list (the walk's test fails on these):", ""]
        for p in sorted(other):
            lines.append(f"- `{p}`: {_short_difference(p, other[p])}")

    lines += ["", "## Beyond Keras", "", BEYOND_KERAS]
    return "\n".join(lines)

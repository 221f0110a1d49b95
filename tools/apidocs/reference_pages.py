"""Markdown for the API reference: one page per namespace, one mkdocstrings entry per name.

Written at build time from `public_api.public_namespaces()`; nothing here is kept by hand.
"""

import inspect

from tools.apidocs import public_api

REFERENCE_DIR = "reference"


def page_path(namespace):
    """`lamina.layers` -> `reference/lamina.layers.md`."""
    return f"{REFERENCE_DIR}/{namespace}.md"


def _entry(path):
    """One `::: path` block; models show the methods they inherit (fit, evaluate, ...)."""
    obj = public_api.resolve(path)
    lines = [f"::: {path}"]
    from lamina.models.model import Model

    if inspect.isclass(obj) and issubclass(obj, Model):
        lines += ["    options:", "      inherited_members: true"]
    return "\n".join(lines)


def _keras_path(namespace):
    return "keras" + namespace[len("lamina"):] if namespace != "lamina.compat" else None


def namespace_page(namespace, names):
    keras_path = _keras_path(namespace)
    intro = (f"The public names of `{namespace}` (Keras 3: `{keras_path}`)."
             if keras_path else f"The public names of `{namespace}` (lamina only, no Keras counterpart).")
    if not names:
        body = "This namespace holds only submodules; see them in the index."
    else:
        summary = "\n".join(f"- [`{n}`](#{namespace}.{n})" for n in names)
        body = summary + "\n\n" + "\n\n".join(_entry(f"{namespace}.{n}") for n in names)
    return f"# `{namespace}`\n\n{intro} {len(names)} names.\n\n{body}\n"


def index_page(namespaces):
    total = sum(len(v) for v in namespaces.values())
    rows = "\n".join(
        f"| [`{ns}`]({ns}.md) | {len(names)} |" for ns, names in namespaces.items()
    )
    return (
        "# API reference\n\n"
        f"Every public name of lamina, {total} in {len(namespaces)} namespaces, grouped as "
        "Keras 3 groups them (`lamina.layers` is `keras.layers`). Each entry shows the "
        "signature and the docstring of the object itself; these pages are generated when "
        "the site is built (`tools/apidocs/`).\n\n"
        "| namespace | names |\n| --- | ---: |\n" + rows + "\n"
    )


def pages():
    """{path inside docs/: markdown} for the whole reference."""
    namespaces = public_api.public_namespaces()
    out = {f"{REFERENCE_DIR}/index.md": index_page(namespaces)}
    for ns, names in namespaces.items():
        out[page_path(ns)] = namespace_page(ns, names)
    return out

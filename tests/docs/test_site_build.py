"""Builds the documentation site as `make docs` does and checks what it holds."""

import html
import os
import re
import subprocess
import sys

import pytest

pytest.importorskip("mkdocs")
pytest.importorskip("keras")

from tests import keras_api_allowlist as allow  # noqa: E402
from tests.test_keras_api_walk import walk  # noqa: E402
from tools.apidocs import keras_differences, public_api, reference_pages  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def test_generated_reference_has_one_entry_per_public_name():
    """Fast check of the generator alone: every public name gets a `::: name` entry."""
    pages = reference_pages.pages()
    entries = set(re.findall(r"^::: (\S+)$", "\n".join(pages.values()), re.M))
    names = public_api.all_public_names()
    assert len(names) > 1000
    assert set(names) == entries
    assert "lamina.layers.Dense" in entries and "lamina.ops.image.resize" in entries


def test_differences_page_lists_what_the_walk_finds():
    in_scope, missing, other_missing, differences = walk()
    text = keras_differences.page()
    found = len(in_scope) - len(missing)
    assert f"Names present: {found} of {len(in_scope)}" in text
    rows = {line.split("|")[1].strip(" `"): line for line in text.splitlines()
            if line.startswith("| `keras")}
    for path in missing + list(other_missing):
        namespace, name = path.rsplit(".", 1)
        assert f"`{name}`" in rows[namespace], path
    for path in differences:
        assert f"- `{path}`: " in text, path
    assert set(allow.PENDING_SIGNATURES) <= set(differences)


@pytest.mark.slow
def test_strict_build_has_no_warning_and_every_public_name(tmp_path):
    site = tmp_path / "site"
    run = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)],
        cwd=ROOT, capture_output=True, text=True, timeout=900,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    log = run.stdout + run.stderr
    assert run.returncode == 0, log[-4000:]
    assert "WARNING" not in log, [l for l in log.splitlines() if "WARNING" in l][:20]

    anchors = set()
    for folder, _, files in os.walk(site / "reference"):
        for name in files:
            if name == "index.html":
                with open(os.path.join(folder, name), encoding="utf-8") as f:
                    anchors.update(html.unescape(a) for a in re.findall(r'id="([^"]+)"', f.read()))
    missing = [n for n in public_api.all_public_names() if n not in anchors]
    assert not missing, f"{len(missing)} public names have no entry, e.g. {missing[:10]}"

    for page in ("index.html", "getting-started/index.html", "keras-differences/index.html",
                 "distribution/index.html", "reference/lamina.layers/index.html"):
        assert (site / page).is_file(), page
    differences = (site / "keras-differences" / "index.html").read_text(encoding="utf-8")
    assert "Names present" in differences and "keras.layers" in differences

"""mkdocs hooks: add the generated pages (API reference, differences from Keras 3).

mkdocs loads this file by path (mkdocs.yml `hooks:`), so the repository root is put on
sys.path first to import `lamina`, `tests` and `tools`.
"""

import logging
import os
import sys

from mkdocs.structure.files import File

_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)

_pages = {}


class _ProseArgumentLines(logging.Filter):
    """Lowers griffe's "Failed to get 'name: description' pair" warnings to INFO.

    lamina's docstrings may end an `Args:` list with a prose line ("kernel/bias
    initializer, regularizer and constraint, as Dense."); griffe reads every line there
    as `name: description` and warns. The line still renders; nothing else is lowered.
    """

    def filter(self, record):
        if record.levelno == logging.WARNING and "Failed to get 'name: description' pair" in str(
                record.msg % record.args if record.args else record.msg):
            record.levelno, record.levelname = logging.INFO, "INFO"
        return True


def on_startup(command, dirty):
    logging.getLogger("mkdocs.plugins.griffe").addFilter(_ProseArgumentLines())


def _generated():
    if not _pages:
        from tools.apidocs import keras_differences, reference_pages

        _pages.update(reference_pages.pages())
        _pages[keras_differences.PAGE] = keras_differences.page()
    return _pages


def on_config(config):
    """Lists the reference pages in the navigation, under "API reference"."""
    pages = _generated()
    reference = [{"Index": "reference/index.md"}] + [
        {path[len("reference/"):-len(".md")]: path}
        for path in pages if path.startswith("reference/") and path != "reference/index.md"
    ]
    config.nav = [
        {"API reference": reference} if entry == "API reference" else entry
        for entry in config.nav
    ]
    return config


def on_files(files, config):
    for path, text in _generated().items():
        files.append(File.generated(config, path, content=text))
    return files

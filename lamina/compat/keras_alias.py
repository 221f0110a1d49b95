"""install_as_keras: make `import keras` (and `keras.<sub>`) resolve to lamina for the
whole program, so libraries written against Keras 3 run on lamina.

It only aliases modules: `keras.X` is the module `lamina.X` itself. Of Keras's private
`keras.src` tree only the modules in PRIVATE_ALIASES are aliased (libraries import
them); importing any other `keras.src.*`, or a `keras.<name>` that lamina lacks, raises
ModuleNotFoundError naming what was looked for.
"""

import importlib
import importlib.abc
import importlib.util
import sys


# Private Keras modules that libraries import, and the public lamina module each maps to.
PRIVATE_ALIASES = {
    "keras.src": "lamina",
    "keras.src.ops": "lamina.ops",  # keras-tuner 1.4: `from keras.src.ops import *`
}


class _AliasLoader(importlib.abc.Loader):
    def __init__(self, target):
        self.target = target

    def create_module(self, spec):
        return importlib.import_module(self.target)

    def exec_module(self, module):
        pass  # the lamina module ran when it was imported


class _KerasAliasFinder(importlib.abc.MetaPathFinder):
    """Finds `keras` and `keras.X` as the lamina modules `lamina` and `lamina.X`."""

    def find_spec(self, fullname, path=None, target=None):
        if fullname != "keras" and not fullname.startswith("keras."):
            return None
        if fullname == "keras.src" or fullname.startswith("keras.src."):
            target = PRIVATE_ALIASES.get(fullname)
            if target is None:
                raise ModuleNotFoundError(
                    f"No module named '{fullname}': Keras's private modules are not part of "
                    "lamina (install_as_keras() aliases only "
                    f"{sorted(PRIVATE_ALIASES)}).", name=fullname)
        else:
            target = "lamina" + fullname[len("keras"):]
        if importlib.util.find_spec(target) is None:
            raise ModuleNotFoundError(
                f"No module named '{fullname}': install_as_keras() maps it to '{target}', "
                "which lamina does not have.", name=fullname)
        is_package = hasattr(importlib.import_module(target), "__path__")
        return importlib.util.spec_from_loader(fullname, _AliasLoader(target),
                                               is_package=is_package)


def install_as_keras():
    """From now on, `import keras` and `import keras.<sub>` give lamina's modules.

    Call it before anything imports Keras. Raises RuntimeError when a real Keras is
    already imported (its objects would mix with lamina's). Calling it twice is harmless.
    """
    current = sys.modules.get("keras")
    lamina = importlib.import_module("lamina")
    if current is not None and current is not lamina:
        raise RuntimeError("install_as_keras(): the real `keras` package is already imported; "
                           "call install_as_keras() before anything imports keras.")
    if not any(isinstance(f, _KerasAliasFinder) for f in sys.meta_path):
        sys.meta_path.insert(0, _KerasAliasFinder())
    for name, module in list(sys.modules.items()):
        if name == "lamina" or name.startswith("lamina."):
            sys.modules.setdefault("keras" + name[len("lamina"):], module)

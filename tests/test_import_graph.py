"""The package layers of lamina: no module imports a package above its own, and every
module imports alone (no import cycle hidden by the order `import lamina` happens to use).

The order, lowest first (DESIGN.md's layout; a name is a package or module prefix, the
longest prefix decides):

    backend
    core                      Variable, StatelessScope, KerasTensor, Node, naming, tree,
                              core.serialization (configs, the object registry)
    ops                       keras.ops over jax
    random                    seeds and random ops
    activations, initializers, regularizers, constraints
    core.layer, op_layer,     Layer and what builds on it (add_weight takes the above)
    activity, masking
    layers
    losses < metrics          (metrics wrap losses)
    optimizers
    callbacks                 what the training loop calls
    training                  Trainer, the compiled steps, the loop (a base of Model)
    models                    Model, Functional, Sequential
    saving                    .keras archives and weights files, on top of models
    utils, datasets, config, lamina (the public API)
"""

import ast
import os
import pathlib
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "lamina"

LEVELS = [
    ["lamina.backend", "lamina.version"],
    ["lamina.distribution", "lamina.dtype_policies"],
    ["lamina.core"],
    ["lamina.ops"],
    ["lamina.random"],
    ["lamina.activations", "lamina.initializers", "lamina.regularizers", "lamina.constraints"],
    ["lamina.core.layer", "lamina.core.op_layer", "lamina.core.activity", "lamina.core.masking",
     "lamina.core.operation"],
    ["lamina.quantizers"],
    ["lamina.layers"],
    ["lamina.losses"],
    ["lamina.metrics"],
    ["lamina.optimizers"],
    ["lamina.mixed_precision"],
    ["lamina.callbacks"],
    ["lamina.training", "lamina.export"],
    ["lamina.models"],
    ["lamina.saving"],
    ["lamina.utils", "lamina.datasets", "lamina.config", "lamina.preprocessing",
     "lamina.applications", "lamina"],
]

# Imports that go up on purpose, each inside a function (run at call time, never at
# import time): (importing module, imported module) -> why.
ALLOWED_UPWARD = {
    ("lamina.core.keras_tensor", "lamina.ops"):
        "a symbolic tensor's operators (x + y, x[i]) are ops, and ops dispatch on KerasTensor",
    ("lamina.ops.dispatch", "lamina.core.op_layer"):
        "an op called on KerasTensors is recorded as an OpLayer node, a Layer whose call is the op",
    ("lamina.core.serialization.lambda_serialization", "lamina"):
        "a saved lambda's bytecode names the public API (`keras`, `ops`) as globals",
    ("lamina.core.variable", "lamina.initializers"):
        "Variable(initializer='zeros') resolves the name, as Keras does (training-loop rework "
        "owns this file)",
    ("lamina.training.predictor", "lamina.models.functional"):
        "predict's row-independence check names the graph models (training-loop rework)",
    ("lamina.training.predictor", "lamina.models.sequential"):
        "predict's row-independence check names the graph models (training-loop rework)",
    ("lamina.ops.image", "lamina.random.seed_generator"):
        "elastic_transform's seed may be a SeedGenerator, as Keras's op takes",
    ("lamina.callbacks.tensorboard", "lamina.models.graph_view"):
        "TensorBoard draws the model's layer graph (training-loop rework owns this file)",
}


def _module_name(path):
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def all_modules():
    return sorted(_module_name(p) for p in PACKAGE.rglob("*.py"))


def level_of(module):
    best, level = -1, None
    for index, prefixes in enumerate(LEVELS):
        for prefix in prefixes:
            if (module == prefix or module.startswith(prefix + ".")) and len(prefix) > best:
                best, level = len(prefix), index
    return level


def _imports(path, module, modules):
    """(line, imported module, inside a function) of every lamina import in `path`."""
    tree = ast.parse(path.read_text(), str(path))
    is_package = path.name == "__init__.py"
    out = []

    def visit(node, in_function):
        for child in ast.iter_child_nodes(node):
            inner = in_function or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef,
                                                      ast.Lambda))
            if isinstance(child, ast.Import):
                out.extend((child.lineno, a.name, inner) for a in child.names)
            elif isinstance(child, ast.ImportFrom):
                base = child.module or ""
                if child.level:
                    anchor = module.split(".")
                    anchor = anchor[:len(anchor) - child.level + (1 if is_package else 0)]
                    base = ".".join(anchor + ([base] if base else []))
                for alias in child.names:  # `from lamina import ops` imports lamina.ops
                    full = f"{base}.{alias.name}"
                    out.append((child.lineno, full if full in modules else base, inner))
            visit(child, inner)

    visit(tree, False)
    return [(line, name, inner) for line, name, inner in out
            if name == "lamina" or name.startswith("lamina.")]


def layering_violations():
    modules = set(all_modules())
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        module = _module_name(path)
        own = level_of(module)
        for line, target, in_function in _imports(path, module, modules):
            if level_of(target) <= own:
                continue
            allowed = [reason for (src, dst), reason in ALLOWED_UPWARD.items()
                       if src == module and (target == dst or target.startswith(dst + "."))]
            if allowed and in_function:
                continue
            where = path.relative_to(ROOT)
            found.append(f"{where}:{line}: {module} (level {own}) imports {target} "
                         f"(level {level_of(target)})")
    return found


def test_every_module_has_a_level():
    assert [m for m in all_modules() if level_of(m) is None] == []


def test_no_module_imports_a_package_above_its_own():
    violations = layering_violations()
    assert not violations, "imports against the package order:\n" + "\n".join(violations)


def test_every_allowed_upward_import_still_exists():
    """An exception whose import is gone must leave the list, so the list stays true."""
    modules = set(all_modules())
    seen = set()
    for path in PACKAGE.rglob("*.py"):
        module = _module_name(path)
        for _, target, _ in _imports(path, module, modules):
            seen |= {(src, dst) for src, dst in ALLOWED_UPWARD
                     if src == module and (target == dst or target.startswith(dst + "."))}
    assert set(ALLOWED_UPWARD) - seen == set()


def test_the_check_sees_upward_and_function_level_imports(tmp_path):
    """The checker itself: an upward import inside a function is reported, with its line."""
    path = PACKAGE / "layers" / "core.py"
    module = _module_name(path)
    source = "def f():\n    from lamina.models import model\n"
    fake = tmp_path / "core.py"
    fake.write_text(source)
    found = _imports(fake, module, {"lamina.models.model", "lamina.models"})
    assert found == [(2, "lamina.models.model", True)]
    assert level_of("lamina.models.model") > level_of(module)
    assert level_of("lamina.core.serialization.errors") < level_of("lamina.activations.get")


# Each module is imported first in a fresh interpreter in which the `lamina` package
# exists but its __init__ has not run: the module's own chain of imports decides the
# order, as when a user imports that module first. A new interpreter per module would
# spend most of its time importing jax; instead a worker holds the third-party modules
# lamina uses (and no lamina module) and forks a fresh child per module.
#
# Importing `a.b.m` first runs `a.b`'s __init__ first, then `m` if that did not load it:
# when importing the package `a.b` first loads `m`, "m first" is exactly "a.b first" and
# needs no child of its own (packages are imported before their modules for this).
_WORKER = r"""
import importlib, importlib.util, os, sys
root, names = sys.argv[1], sys.argv[2:]


def load_lamina_package():
    spec = importlib.util.spec_from_file_location(
        "lamina", os.path.join(root, "lamina", "__init__.py"),
        submodule_search_locations=[os.path.join(root, "lamina")])
    package = importlib.util.module_from_spec(spec)
    sys.modules["lamina"] = package  # the package object, its __init__ not run yet
    return spec, package


def in_child(work):
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read)
        try:
            message = work() or ""
            status = 0
        except BaseException as e:
            message, status = f"{type(e).__name__}: {e}", 1
        os.write(write, message.encode())
        os._exit(status)
    os.close(write)
    chunks = []
    while chunk := os.read(read, 65536):
        chunks.append(chunk)
    os.close(read)
    _, status = os.waitpid(pid, 0)
    return status, b"".join(chunks).decode()


def third_party():
    spec, package = load_lamina_package()
    spec.loader.exec_module(package)
    return "\n".join(m for m in list(sys.modules) if m.split(".")[0] != "lamina")


status, modules = in_child(third_party)
assert status == 0, modules
for module in modules.split():
    try:
        importlib.import_module(module)
    except Exception:
        pass
assert not [m for m in sys.modules if m.split(".")[0] == "lamina"]


def import_first(name):
    def work():
        spec, package = load_lamina_package()
        if name == "lamina":
            spec.loader.exec_module(package)
        else:
            importlib.import_module(name)
        loaded = [m for m in sys.modules if m.split(".")[0] == "lamina"]
        if hasattr(sys.modules[name], "__path__"):
            loaded.append(name + ".__init__")  # marks a package's answer
        return "\n".join(loaded)
    return work


loaded = {}  # package -> the lamina modules importing it first loads
children = 0
for name in sorted(names, key=lambda n: n.count(".")):
    parent = name.rpartition(".")[0]
    if parent != "lamina" and name in loaded.get(parent, ()):  # (lamina: never run first)
        loaded[name] = loaded[parent]  # a subpackage: "it first" is "its parent first"
        continue
    status, message = in_child(import_first(name))
    children += 1
    if status:
        print(f"FAILED {name}: {message}")
    elif name + ".__init__" in message.split():
        loaded[name] = set(message.split())
print(f"CHILDREN {children}")
"""


def test_every_module_imports_alone():
    modules = all_modules()
    # two workers, each a share of the top-level packages (a package stays with its modules)
    groups = {}
    for module in modules:
        groups.setdefault(".".join(module.split(".")[:2]), []).append(module)
    chunks = [[], []]
    for group in sorted(groups.values(), key=len, reverse=True):
        min(chunks, key=len).extend(group)
    env = dict(os.environ, JAX_PLATFORMS="cpu")
    procs = [subprocess.Popen([sys.executable, "-c", _WORKER, str(ROOT), *chunk], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for chunk in chunks]
    failures = []
    for proc in procs:
        out, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err
        failures += [line for line in out.splitlines() if line.startswith("FAILED")]
    assert not failures, "modules that fail to import alone:\n" + "\n".join(failures)


def test_importing_lamina_starts_no_jax_backend():
    # jax.distributed.initialize must come before the backend starts; a JAX array made at
    # import time (a module constant) would start it.
    code = ("from jax._src import xla_bridge\nimport lamina\n"
            "print(bool(xla_bridge._backends))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=ROOT, check=True).stdout.strip()
    assert out == "False"

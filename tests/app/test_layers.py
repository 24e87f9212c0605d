"""Layers, checked (docs/engineers.md, "Layers"): the contract in pyproject.toml holds, names every module, and breaks
when a model imports a view; no module takes part in a circle of imports, and none of the package's own modules is
imported inside a function, where it would hide a circle until the function runs."""

from __future__ import annotations

import ast
import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import grimp

#: The project: the folder above this file that holds pyproject.toml (wherever in tests/ this file is).
ROOT = next(folder for folder in Path(__file__).resolve().parents if (folder / "pyproject.toml").exists())
PACKAGE = ROOT / "visitplanner"


def lint_imports(where: Path) -> subprocess.CompletedProcess:
    """``lint-imports`` run on the project at ``where`` (its pyproject.toml, its package), as a developer runs it."""
    command = "import sys; from importlinter.cli import lint_imports_command; sys.exit(lint_imports_command())"
    env = {**os.environ, "COLUMNS": "200"}  # wide enough not to wrap a module's name
    return subprocess.run([sys.executable, "-c", command, "--no-cache", "--no-logo"], cwd=where, env=env,
                          capture_output=True, text=True, timeout=120)


def declared_layers() -> list[list[str]]:
    """The layers of the contract, from the top down, each as the names of its modules."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    (contract,) = [c for c in config["contracts"] if c["type"] == "layers"]
    return [[name.strip() for name in re.split(r"[|:]", layer)] for layer in contract["layers"]]


def import_graph() -> grimp.ImportGraph:
    """Every import the package's modules make, inside functions too, but not those under ``if TYPE_CHECKING:``."""
    return grimp.build_graph("visitplanner", exclude_type_checking_imports=True, cache_dir=None)


def test_the_layers_contract_is_kept():
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 kept, 0 broken" in result.stdout


def test_a_model_that_imports_a_view_breaks_the_contract(tmp_path):
    """A copy of the package keeps the contract; with one import line added to a model, it breaks."""
    shutil.copytree(PACKAGE, tmp_path / "visitplanner", ignore=shutil.ignore_patterns(
        "__pycache__", "static", "translations", "*.pyc"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    assert lint_imports(tmp_path).returncode == 0

    model = tmp_path / "visitplanner" / "missions" / "models.py"
    model.write_text(model.read_text() + "\nfrom .views import bp  # noqa: E402,F401\n")
    result = lint_imports(tmp_path)

    assert result.returncode == 1
    assert "visitplanner.missions.models is not allowed to import visitplanner.missions.views" in result.stdout


def test_every_module_is_in_one_layer_but_the_root_and_the_empty_packages():
    """A new module must be given its place; the root (the app factory) and the areas' packages cannot be layers,
    since a layer holds what is inside it, so the packages import nothing and the root is imported by nothing."""
    declared = [name for layer in declared_layers() for name in layer]
    assert len(declared) == len(set(declared)), "a module is named twice"
    graph = import_graph()
    packages = {m for m in graph.modules if (PACKAGE / Path(*m.split(".")[1:]) / "__init__.py").exists()}
    assert sorted(graph.modules - packages - set(declared)) == []
    assert sorted(set(declared) - graph.modules) == []
    assert {p: graph.find_modules_directly_imported_by(p) for p in packages - {"visitplanner"}} == {
        p: set() for p in packages - {"visitplanner"}}
    assert graph.find_modules_that_directly_import("visitplanner") == set()


def cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """The circles of imports in ``graph``, each as the path of modules that closes it (a depth-first search)."""
    imports = {m: sorted(graph.find_modules_directly_imported_by(m)) for m in sorted(graph.modules)}
    found, finished = [], set()
    for start in imports:
        if start in finished:
            continue
        path, unvisited = [start], [iter(imports[start])]
        while unvisited:
            module = next(unvisited[-1], None)
            if module is None:
                finished.add(path.pop())
                unvisited.pop()
            elif module in path:
                found.append(path[path.index(module):] + [module])
            elif module not in finished:
                path.append(module)
                unvisited.append(iter(imports[module]))
    return found


def test_no_module_takes_part_in_a_circle_of_imports():
    """Counting imports inside functions; a package's ``__init__`` is a module like any other."""
    assert cycles(import_graph()) == []


def test_the_circle_finder_finds_a_circle():
    graph = grimp.ImportGraph()
    for importer, imported in (("p.a", "p.b"), ("p.b", "p.c"), ("p.c", "p.a"), ("p.c", "p.d")):
        graph.add_import(importer=importer, imported=imported)
    assert cycles(graph) == [["p.a", "p.b", "p.c", "p.a"]]


def hidden_imports(source: str) -> list[tuple[int, str]]:
    """The imports of the package's own modules (relative, or by its name) made inside a function, and any import
    by a call (``importlib.import_module``, ``__import__``), which no graph of imports sees."""
    found = []

    def own(node: ast.AST) -> bool:
        if isinstance(node, ast.ImportFrom):
            return node.level > 0 or (node.module or "").split(".")[0] == "visitplanner"
        return isinstance(node, ast.Import) and any(a.name.split(".")[0] == "visitplanner" for a in node.names)

    def by_call(node: ast.AST) -> bool:
        return isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", None)) in (
            "import_module", "__import__")

    def walk(node: ast.AST, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if (in_function and own(child)) or by_call(child):
                found.append((child.lineno, ast.unparse(child)))
            walk(child, in_function or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)))

    walk(ast.parse(source), False)
    return found


def test_no_module_of_the_package_is_imported_inside_a_function():
    found = {path.relative_to(ROOT).as_posix(): hidden_imports(path.read_text()) for path in PACKAGE.rglob("*.py")}
    assert {path: imports for path, imports in found.items() if imports} == {}


def test_an_import_inside_a_function_is_found():
    source = ("from .extensions import db\n\ndef f():\n    from .missions.models import Mission\n    import json\n"
              "    return importlib.import_module('visitplanner.demo')\n")
    assert hidden_imports(source) == [(4, "from .missions.models import Mission"),
                                      (6, "importlib.import_module('visitplanner.demo')")]

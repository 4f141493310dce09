"""The layers hold: data flows one way, and no module waits on one that waits on it.

The import graph of every module of ``scanners/`` and ``inventory/`` is read from the
source with :mod:`ast` (no module is imported), relative imports resolved, imports inside
functions counted too (a lazy import hides a cycle, it does not remove it) and marked
``lazy`` in the messages. The rules, from the lowest layer up:

1. ``scanners/`` knows nothing of the registry: no module of it imports ``inventory``.
2. The registry never imports the web layer: no module of ``inventory/`` outside
   ``inventory/web/`` imports ``inventory.web``, except the command line
   (``inventory/cli/``), the top layer that starts the web app (``serve``, ``demo``).
3. Only ``inventory/web/`` imports the web frameworks (``flask``, ``flask_*``,
   ``wtforms``, ``werkzeug``); ``werkzeug.security`` alone is allowed elsewhere, as the
   password hash the command line uses to create accounts is a plain function.
4. The registry's sub-packages are layers: a module imports only its own sub-package and
   the layers below it (``LAYERS``); the top-level modules of ``inventory`` are the
   foundation under all of them, with ``inventory.models`` (the tables, one module per
   area: ``FOUNDATION_PACKAGES``).
5. No import cycle among the project's modules. An edge goes to the module named, never
   to its parent packages: that ``a.b`` runs ``a/__init__.py`` first is how packages
   work, not a dependency of ``a.b`` on what ``a`` holds.
"""
from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
PACKAGES = ("scanners", "inventory")
WEB_FRAMEWORKS = ("flask", "wtforms", "werkzeug")
ALLOWED_OUTSIDE_WEB = ("werkzeug.security",)

# Known exception: the command line (inventory/cli/main.py) and its sub-modules import each
# other; another branch of issue 17 separates them. Imports between these modules are left
# out of the cycle check until that branch is merged; then empty this set.
KNOWN_CYCLE_MODULES: set[str] = set()
# Imports between two modules left out of the cycle check (none: the workbook readers no
# longer hand a file to each other, the reader choice does, readers/__init__.py).
KNOWN_CYCLE_EDGES: set[tuple[str, str]] = set()

#: the sub-packages of ``inventory`` from the bottom up; one rank may hold several packages,
#: which then never import each other (accounts and registry know nothing of each other)
LAYERS = (
    {"inventory"},                                   # the top-level modules: models, db, labels …
    {"inventory.accounts", "inventory.registry"},
    {"inventory.declarations", "inventory.scanning", "inventory.migrations"},
    {"inventory.demo"},
    {"inventory.web"},
    {"inventory.cli"},
)
#: sub-packages that belong to the foundation (rank 0, the package "inventory"): the tables
#: are one package split by area, as much the foundation as db.py
FOUNDATION_PACKAGES = {"inventory.models"}
# Known exceptions to the layers: none (the declarations' Excel export took its category labels
# from the scan summary table until the one label catalogue, inventory/catalogue.py).
KNOWN_LAYER_EDGES: set[tuple[str, str]] = set()


@dataclass(frozen=True)
class Import:
    """One import statement's target as seen from ``source``."""

    source: str
    target: str
    line: int
    lazy: bool   # inside a function: runs when called, not when the module loads

    def __str__(self) -> str:
        where = f"{self.source}:{self.line}"
        return f"{where} → {self.target}" + (" (lazy)" if self.lazy else "")


def module_name(path: Path) -> str:
    """``inventory/web/__init__.py`` → ``inventory.web``; ``scanners/walk.py`` → ``scanners.walk``."""
    parts = list(path.relative_to(REPO).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def project_modules() -> dict[str, Path]:
    """Every Python module of the project's packages by dotted name."""
    return {module_name(path): path
            for package in PACKAGES for path in sorted((REPO / package).rglob("*.py"))}


def _package_of(name: str, path: Path) -> str:
    """The package a relative import in module ``name`` starts from."""
    return name if path.name == "__init__.py" else name.rpartition(".")[0]


def _resolve_from(node: ast.ImportFrom, name: str, path: Path) -> str:
    """The absolute module a ``from … import`` names, relative levels resolved."""
    if not node.level:
        return node.module or ""
    base = _package_of(name, path).split(".")
    base = base[:len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def _targets(node: ast.stmt, name: str, path: Path, modules: dict[str, Path]) -> list[str]:
    """Modules an import statement loads: ``from pkg import sub`` loads ``pkg.sub`` when
    ``sub`` is a module of the project, else ``pkg`` itself."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    origin = _resolve_from(node, name, path)
    names = [f"{origin}.{alias.name}" for alias in node.names]
    submodules = [full for full in names if full in modules]
    return submodules + ([origin] if len(submodules) < len(names) else [])


def _lazy_nodes(tree: ast.Module) -> set[int]:
    """ids of the import statements inside a function body."""
    functions = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)
    return {id(inner) for outer in ast.walk(tree) if isinstance(outer, functions)
            for inner in ast.walk(outer) if isinstance(inner, (ast.Import, ast.ImportFrom))}


def _type_only_nodes(tree: ast.Module) -> set[int]:
    """ids of the import statements under ``if TYPE_CHECKING:`` (read by type checkers only,
    never run: a type named in an annotation is no dependency at run time)."""
    def is_type_checking(test: ast.expr) -> bool:
        return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
            isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")
    return {id(inner) for outer in ast.walk(tree) if isinstance(outer, ast.If) and is_type_checking(outer.test)
            for statement in outer.body for inner in ast.walk(statement)
            if isinstance(inner, (ast.Import, ast.ImportFrom))}


def imports_of(name: str, path: Path, modules: dict[str, Path]) -> list[Import]:
    """Every import of one module that runs, top level and inside functions."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    lazy, type_only = _lazy_nodes(tree), _type_only_nodes(tree)
    return [Import(name, target, node.lineno, id(node) in lazy)
            for node in ast.walk(tree) if isinstance(node, (ast.Import, ast.ImportFrom))
            and id(node) not in type_only
            for target in _targets(node, name, path, modules)]


@pytest.fixture(scope="module")
def imports() -> list[Import]:
    modules = project_modules()
    return [imp for name, path in modules.items() for imp in imports_of(name, path, modules)]


def _is_under(target: str, package: str) -> bool:
    return target == package or target.startswith(package + ".")


def strongly_connected(graph: dict[str, set[str]]) -> list[set[str]]:
    """Tarjan's components of more than one module (or one that imports itself)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[set[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.add(member)
                if member == node:
                    break
            if len(component) > 1 or node in graph.get(node, ()):
                found.append(component)

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def _cycle_edges(component: set[str], imports: list[Import]) -> list[str]:
    """The imports that tie a component together, for the failure message."""
    return [str(imp) for imp in imports
            if imp.source in component and imp.target in component and imp.source != imp.target
            or imp.source == imp.target and imp.source in component]


def test_graph_sees_relative_lazy_and_submodule_imports(imports):
    """The walker itself: relative imports (``from .mod import name``, ``from . import mod``)
    and lazy imports are edges."""
    edges = {(imp.source, imp.target) for imp in imports}
    assert ("scanners.pool", "scanners.pipeline") in edges   # from .pipeline import …
    assert ("scanners.readers.calamine", "scanners.readers.encryption") in edges   # from . import …
    assert ("inventory.web.admin.pages", "inventory.web.admin.shares") in edges   # from pkg import mod
    assert ("scanners.scan", "scanners.walk") in edges
    assert any(imp.lazy for imp in imports)
    assert module_name(REPO / "inventory" / "web" / "__init__.py") == "inventory.web"


def test_scanners_never_import_the_registry(imports):
    wrong = [str(imp) for imp in imports
             if _is_under(imp.source, "scanners") and _is_under(imp.target, "inventory")]
    assert wrong == []


def test_registry_never_imports_the_web_layer(imports):
    def is_registry(module: str) -> bool:
        return (not _is_under(module, "inventory.web")
                and not _is_under(module, "inventory.cli") and _is_under(module, "inventory"))

    wrong = [str(imp) for imp in imports
             if is_registry(imp.source) and _is_under(imp.target, "inventory.web")]
    assert wrong == []


def test_only_the_web_layer_imports_flask(imports):
    def is_web_framework(target: str) -> bool:
        top = target.split(".")[0]
        return (top in WEB_FRAMEWORKS or top.startswith("flask_")) and not any(
            _is_under(target, allowed) for allowed in ALLOWED_OUTSIDE_WEB)

    wrong = [str(imp) for imp in imports
             if not _is_under(imp.source, "inventory.web") and is_web_framework(imp.target)]
    assert wrong == []


def layer_of(module: str) -> tuple[int, str] | None:
    """(rank, package) of a module of ``inventory``: its sub-package, or the foundation."""
    parts = module.split(".")
    if parts[0] != "inventory":
        return None
    package = ".".join(parts[:2]) if len(parts) > 2 or (REPO / "inventory" / parts[-1]).is_dir() else "inventory"
    package = "inventory" if package in FOUNDATION_PACKAGES else package
    for rank, packages in enumerate(LAYERS):
        if package in packages:
            return rank, package
    raise AssertionError(f"{module}: its sub-package {package} is in no layer of LAYERS")


def test_every_sub_package_has_a_layer():
    packages = {f"inventory.{path.parent.name}" for path in (REPO / "inventory").glob("*/__init__.py")}
    known = set().union(*LAYERS, FOUNDATION_PACKAGES)
    assert packages <= known, packages - known


def test_layers_import_only_downwards(imports):
    wrong = []
    for imp in imports:
        source, target = layer_of(imp.source), layer_of(imp.target)
        if not source or not target or source[1] == target[1] or target[0] == 0 and source[0] > 0:
            continue
        if target[0] >= source[0] and (imp.source, imp.target) not in KNOWN_LAYER_EDGES:
            wrong.append(f"{imp}  ({source[1]} may not import {target[1]})")
    assert wrong == []


def test_no_import_cycles(imports):
    modules = project_modules()
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for imp in imports:
        known = ({imp.source, imp.target} <= KNOWN_CYCLE_MODULES
                 or (imp.source, imp.target) in KNOWN_CYCLE_EDGES)
        if imp.target in modules and not known:
            graph[imp.source].add(imp.target)
    cycles = strongly_connected(graph)
    report = ["{" + ", ".join(sorted(c)) + "}\n    " + "\n    ".join(_cycle_edges(c, imports))
              for c in cycles]
    assert cycles == [], "import cycles:\n" + "\n".join(report)

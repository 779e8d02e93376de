"""The shape of the code: no import cycle among site_builder, search and flask_app, and no module too big."""

from __future__ import annotations

import ast
from collections.abc import Iterable
from pathlib import Path

from tests.conftest import REPO

PACKAGES = ("site_builder", "search", "flask_app")
MAX_LINES = 500


def module_files(root: Path, packages: Iterable[str]) -> dict[str, Path]:
    """Every module of ``packages`` under ``root`` by dotted name (a package by its own name)."""
    out: dict[str, Path] = {}
    for package in packages:
        for path in sorted((root / package).rglob("*.py")):
            parts = list(path.relative_to(root).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            out[".".join(parts)] = path
    return out


def _imported(name: str, node: ast.Import | ast.ImportFrom, modules: dict[str, Path]) -> set[str]:
    """The known modules one import statement of module ``name`` names (relative imports resolved)."""
    if isinstance(node, ast.Import):
        targets = {alias.name for alias in node.names}
    else:
        if node.level:
            package = name.split(".") if modules[name].name == "__init__.py" else name.split(".")[:-1]
            base = package[: len(package) - (node.level - 1)]
            target = ".".join(base + ([node.module] if node.module else []))
        else:
            target = node.module or ""
        # ``from package import module`` names the submodule; ``from module import name`` the module.
        targets = {f"{target}.{a.name}" if f"{target}.{a.name}" in modules else target for a in node.names}
    found = set()
    for target in targets:
        # ``import a.b.c`` of a known ``a.b`` (c a name, not a file) still imports a.b
        while target and target not in modules:
            target = target.rpartition(".")[0]
        if target:
            found.add(target)
    return found


def _type_checking_only(tree: ast.Module) -> set[int]:
    """The ids of import nodes inside ``if TYPE_CHECKING:`` blocks: read by type checkers, never run."""
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING":
            skipped |= {id(inner) for stmt in node.body for inner in ast.walk(stmt)}
    return skipped


def import_graph(root: Path, packages: Iterable[str] = PACKAGES) -> dict[str, set[str]]:
    """For each module, the modules of ``packages`` it imports when run (functions included)."""
    modules = module_files(root, packages)
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        type_only = _type_checking_only(tree)
        edges: set[str] = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Import | ast.ImportFrom) and id(node) not in type_only:
                edges |= _imported(name, node, modules)
        graph[name] = edges - {name}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every strongly connected group of more than one module (Tarjan's algorithm), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in sorted(graph.get(node, ())):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(found)


def long_modules(root: Path, packages: Iterable[str] = PACKAGES, limit: int = MAX_LINES) -> list[str]:
    """``path: N lines`` for every module over ``limit`` lines."""
    out = []
    for path in module_files(root, packages).values():
        count = len(path.read_text(encoding="utf-8").splitlines())
        if count > limit:
            out.append(f"{path.relative_to(root).as_posix()}: {count} lines")
    return sorted(out)


def test_no_import_cycle() -> None:
    found = cycles(import_graph(REPO))
    assert found == [], "import cycles: " + "; ".join(" <-> ".join(group) for group in found)


def test_no_module_over_500_lines() -> None:
    found = long_modules(REPO)
    assert found == [], f"modules over {MAX_LINES} lines: " + ", ".join(found)


# --- the checks themselves, on small trees -----------------------------------------------------------


def _write(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def test_cycle_through_a_function_level_relative_import_is_found(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "pkg/__init__.py": "",
            "pkg/a.py": "from .sub import b\n",
            "pkg/sub/__init__.py": "",
            "pkg/sub/b.py": "def f():\n    from ..c import x\n    return x\n",
            "pkg/c.py": "import pkg.a\nx = 1\n",
            "pkg/d.py": "from pkg import c\n",
        },
    )
    graph = import_graph(tmp_path, ["pkg"])
    assert graph["pkg.a"] == {"pkg.sub.b"}
    assert graph["pkg.sub.b"] == {"pkg.c"}
    assert graph["pkg.d"] == {"pkg.c"}
    assert cycles(graph) == [["pkg.a", "pkg.c", "pkg.sub.b"]]


def test_no_cycle_in_a_chain(tmp_path: Path) -> None:
    _write(tmp_path, {"pkg/__init__.py": "from . import a\n", "pkg/a.py": "from . import b\n", "pkg/b.py": ""})
    graph = import_graph(tmp_path, ["pkg"])
    assert graph == {"pkg": {"pkg.a"}, "pkg.a": {"pkg.b"}, "pkg.b": set()}
    assert cycles(graph) == []


def test_long_modules_are_listed(tmp_path: Path) -> None:
    _write(tmp_path, {"pkg/__init__.py": "", "pkg/big.py": "x = 1\n" * 501, "pkg/ok.py": "x = 1\n" * 500})
    assert long_modules(tmp_path, ["pkg"]) == ["pkg/big.py: 501 lines"]


def test_imports_for_type_checkers_only_are_no_edge(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "pkg/__init__.py": "",
            "pkg/a.py": "from typing import TYPE_CHECKING\nfrom . import b\nif TYPE_CHECKING:\n    from . import c\n",
            "pkg/b.py": "",
            "pkg/c.py": "from . import a\n",
        },
    )
    graph = import_graph(tmp_path, ["pkg"])
    assert graph["pkg.a"] == {"pkg.b"}
    assert cycles(graph) == []

"""The package's layers, checked on its import graph (docs/architecture.md).

The graph is built with ast from every module of kamcli, so it sees every import: top-level,
inside functions (the lazy imports that keep start-up light) and under TYPE_CHECKING. All of
them count, for the layer rules and for cycles alike: a lazy or type-only import still makes
one module depend on another, and a cycle hidden by moving one import into a function is
still a cycle (it only no longer fails at import time).

Rules:
- the core (model, scoring) imports no cli, io, render, batch, questionnaire or store, and
  none of typer, rich, sqlite3;
- io (readers/writers of files) imports no batch, cli, render or store;
- nothing but the cli (and kamcli/__main__.py, the entry point) imports the cli;
- no two modules import each other, directly or through others.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "kamcli"
CORE = ("model", "scoring")
STORE = ("store", "store_file", "store_record")  # the history store's modules
# layer -> the layers (first package below kamcli, or top-level module) it must not import
FORBIDDEN = {
    **{core: {"cli", "io", "render", "batch", "questionnaire", *STORE} for core in CORE},
    # io may build the questionnaire's wording (questionnaire.questions, pure) to export it
    "io": {"batch", "cli", "render", *STORE},
}
CORE_FORBIDDEN_LIBRARIES = {"typer", "rich", "sqlite3"}
ENTRY_POINT = "kamcli.__main__"
# Cycles that a change in progress removes, each with a comment naming the change (none now:
# the cohort summary's cohort_plan <-> cohort_text cycle went with issue 12's report pipeline).
KNOWN_CYCLES: set[frozenset[str]] = set()


def module_files() -> dict[str, Path]:
    modules = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        modules[".".join(parts)] = path
    return modules


MODULES = module_files()


def imported_names(module: str, path: Path) -> Iterator[tuple[str, int]]:
    """Every dotted name an import statement of the file may load, with its line."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, node.lineno
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            yield base, node.lineno
            for alias in node.names:  # `from kamcli.batch import rows` loads a module
                yield f"{base}.{alias.name}", node.lineno


def own_module(name: str) -> str | None:
    """The kamcli module a dotted name lives in (a function's name resolves to its module)."""
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name or None


def import_graph() -> dict[str, dict[str, int]]:
    """module -> {kamcli module it imports: first line}."""
    graph: dict[str, dict[str, int]] = {}
    for module, path in MODULES.items():
        edges: dict[str, int] = {}
        for name, line in imported_names(module, path):
            target = own_module(name) if name.split(".")[0] == "kamcli" else None
            if target is not None and target != module:
                edges.setdefault(target, line)
        graph[module] = edges
    return graph


def library_imports(module: str) -> Iterator[tuple[str, int]]:
    for name, line in imported_names(module, MODULES[module]):
        yield name.split(".")[0], line


def layer(module: str) -> str:
    """The first name below kamcli: a subpackage, or a top-level module (store, errors)."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def cycles(graph: dict[str, dict[str, int]]) -> list[frozenset[str]]:
    """The strongly connected components of more than one module (Tarjan, iteratively)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[frozenset[str]] = []
    for root in graph:
        if root in index:
            continue
        work = [(root, iter(graph[root]))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, successors = work[-1]
            advanced = False
            for successor in successors:
                if successor not in index:
                    index[successor] = low[successor] = len(index)
                    stack.append(successor)
                    on_stack.add(successor)
                    work.append((successor, iter(graph[successor])))
                    advanced = True
                    break
                if successor in on_stack:
                    low[node] = min(low[node], index[successor])
            if advanced:
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.add(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(frozenset(component))
    return found


GRAPH = import_graph()


def test_the_graph_sees_every_kind_of_import() -> None:
    """Guards the checker itself: a lazy import, a TYPE_CHECKING import and a relative-free
    `from package import module` all become edges."""
    assert "kamcli.cli.common" in GRAPH["kamcli.cli.batch_cmd"]  # top level
    assert "kamcli.batch.pipeline" in GRAPH["kamcli.cli.batch_cmd"]  # inside the command
    assert "kamcli.model.schema" in GRAPH["kamcli.batch.raters"]  # top level
    assert "kamcli.scoring.multirater" in GRAPH["kamcli.batch.raters"]  # inside a method
    assert "kamcli.batch.row_outcomes" in GRAPH["kamcli.batch.output"]  # TYPE_CHECKING
    assert "kamcli.io.decoding" in GRAPH["kamcli.io.batch_read"]  # from kamcli.io import x
    assert len(GRAPH) == len(MODULES) > 100


@pytest.mark.parametrize("source_layer", sorted(FORBIDDEN))
def test_layers_import_only_what_is_below_them(source_layer: str) -> None:
    broken = [
        f"{module} imports {target} (line {line})"
        for module, edges in GRAPH.items()
        if layer(module) == source_layer
        for target, line in edges.items()
        if layer(target) in FORBIDDEN[source_layer]
    ]
    assert broken == []


def test_nothing_below_the_cli_imports_the_cli() -> None:
    broken = [
        f"{module} imports {target} (line {line})"
        for module, edges in GRAPH.items()
        if layer(module) != "cli" and module != ENTRY_POINT
        for target, line in edges.items()
        if layer(target) == "cli"
    ]
    assert broken == []


def test_the_core_imports_no_typer_rich_or_sqlite() -> None:
    broken = [
        f"{module} imports {library} (line {line})"
        for module in MODULES
        if layer(module) in CORE
        for library, line in library_imports(module)
        if library in CORE_FORBIDDEN_LIBRARIES
    ]
    assert broken == []


def test_no_import_cycles() -> None:
    found = set(cycles(GRAPH))
    new = [sorted(cycle) for cycle in found - KNOWN_CYCLES]
    assert new == [], "modules that import each other (directly or through others)"
    gone = [sorted(cycle) for cycle in KNOWN_CYCLES - found]
    assert gone == [], "no longer a cycle: delete it from KNOWN_CYCLES"


def test_the_cycle_finder_finds_cycles() -> None:
    graph = {"a": {"b": 1}, "b": {"c": 1}, "c": {"a": 1}, "d": {"a": 1}, "e": {}}
    assert cycles(graph) == [frozenset({"a", "b", "c"})]
    assert cycles({"a": {"b": 1}, "b": {}}) == []

"""Every third-party module kamcli or its tests import is declared in pyproject.toml.

A module that is merely installed here (for example by another package's dependencies) is not
enough: a fresh virtual environment built from the README's commands would miss it.
"""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

import pytest

from tests.conftest import ROOT

PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
# Our own packages, and helper modules that sit beside the tests (pytest puts tests/ on sys.path).
OWN = {"kamcli", "tests", "__future__"} | {p.stem for p in (ROOT / "tests").glob("*.py")}


def normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def declared(*extras: str) -> set[str]:
    """Distribution names in `dependencies` and the named extras."""
    project = PYPROJECT["project"]
    requirements = list(project["dependencies"])
    for extra in extras:
        requirements += project["optional-dependencies"][extra]
    return {normalise(re.match(r"[A-Za-z0-9._-]+", r).group(0)) for r in requirements}  # type: ignore[union-attr]


def imported_modules(folder: Path) -> dict[str, str]:
    """Top-level module -> the first file importing it (imports inside functions count too)."""
    found: dict[str, str] = {}
    for path in sorted(folder.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            elif (  # pytest.importorskip("pandas")
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "importorskip"
                and node.args
                and isinstance(node.args[0], ast.Constant)
            ):
                names = [str(node.args[0].value)]
            for name in names:
                top = name.split(".")[0]
                if top not in sys.stdlib_module_names and top not in OWN:
                    found.setdefault(top, path.relative_to(folder.parent).as_posix())
    return found


def undeclared(modules: dict[str, str], allowed: set[str]) -> list[str]:
    providers = packages_distributions()
    missing = []
    for module, where in sorted(modules.items()):
        dists = {normalise(d) for d in providers.get(module, [])}
        if not dists & allowed:
            shown = ", ".join(sorted(dists)) or "not installed"
            missing.append(f"{where} imports {module} ({shown})")
    return missing


def test_kamcli_imports_only_declared_dependencies() -> None:
    runtime_extras = [e for e in PYPROJECT["project"]["optional-dependencies"] if e != "test"]
    modules = imported_modules(ROOT / "kamcli")
    assert {"typer", "rich", "yaml", "pydantic"} <= set(modules)
    assert undeclared(modules, declared(*runtime_extras)) == []


def test_tests_import_only_what_the_test_extra_declares() -> None:
    modules = imported_modules(ROOT / "tests")
    assert {"pytest", "hypothesis", "typer"} <= set(modules)
    assert undeclared(modules, declared("test")) == []


def test_the_check_notices_an_undeclared_module(tmp_path: Path) -> None:
    """click comes with nothing kamcli declares (Typer 0.29.2+ vendors its own copy)."""
    folder = tmp_path / "somewhere"
    folder.mkdir()
    (folder / "t.py").write_text("import yaml\n\ndef f():\n    from click.testing import Result\n")
    modules = imported_modules(folder)
    assert modules == {"yaml": "somewhere/t.py", "click": "somewhere/t.py"}
    [problem] = undeclared(modules, declared("test"))
    assert problem.startswith("somewhere/t.py imports click (")


@pytest.mark.parametrize("requirement", PYPROJECT["project"]["dependencies"])
def test_every_runtime_dependency_has_a_lower_bound(requirement: str) -> None:
    assert ">=" in requirement, f"{requirement}: say which oldest version kamcli works with"

"""Each package's public surface is its ``__all__``: everything listed exists, everything public is listed."""

from __future__ import annotations

import ast
import importlib
import inspect
from pathlib import Path
from types import ModuleType

import pytest

PACKAGES = ["cases", "probes", "harness"]


def _bound_names(source: str) -> set[str]:
    """Names bound at module level by the statements of ``source`` (imports, assignments, defs)."""
    names: set[str] = set()
    for node in ast.parse(source).body:
        if isinstance(node, ast.ImportFrom) and node.module == "__future__":
            continue
        if isinstance(node, ast.Import | ast.ImportFrom):
            names.update((alias.asname or alias.name).split(".")[0] for alias in node.names)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            names.update(t.id for target in node.targets for t in ast.walk(target) if isinstance(t, ast.Name))
        elif isinstance(node, ast.AnnAssign | ast.AugAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
    return names


@pytest.mark.parametrize("name", PACKAGES)
def test_all_lists_only_existing_names(name: str) -> None:
    package = importlib.import_module(name)
    exported = list(package.__all__)
    assert len(exported) == len(set(exported)), f"{name}.__all__ repeats a name"
    missing = [item for item in exported if not hasattr(package, item)]
    assert missing == [], f"{name}.__all__ lists names that do not exist: {missing}"


@pytest.mark.parametrize("name", PACKAGES)
def test_every_public_name_of_init_is_exported(name: str) -> None:
    package = importlib.import_module(name)
    source = Path(inspect.getfile(package)).read_text(encoding="utf-8")
    public = {
        item
        for item in _bound_names(source)
        if not item.startswith("_") and not isinstance(getattr(package, item, None), ModuleType)
    }
    unlisted = sorted(public - set(package.__all__))
    assert unlisted == [], f"{name}/__init__.py defines public names missing from __all__: {unlisted}"


def test_bound_names_sees_every_binding_form() -> None:
    source = (
        "from __future__ import annotations\n"
        "import os.path\n"
        "from x import a, b as c\n"
        "d = e = 1\n"
        "f: int = 2\n"
        "def g(): pass\n"
        "class H: pass\n"
    )
    assert _bound_names(source) == {"os", "a", "c", "d", "e", "f", "g", "H"}

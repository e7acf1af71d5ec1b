"""The import graph keeps the layering that docs/architecture.md describes: no cycle, no arrow upward.

Every ``import``/``from … import`` of a ``judgeprobe`` module is read from the source with :mod:`ast`
(imports inside functions count too), and each module is placed on a floor by its stage. An import may point
to the same floor or lower, never higher, and the graph of modules has no cycle.
"""

from __future__ import annotations

import ast
import functools
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FOLDERS = ("cases", "probes", "harness")

FLOORS: dict[str, int] = {
    "judgeprobe.cases": 0,
    "judgeprobe.probes": 10,
    "judgeprobe.harness.core": 20,
    "judgeprobe.harness.store": 21,
    "judgeprobe.harness.judges": 22,
    "judgeprobe.harness.run": 23,
    "judgeprobe.harness.stats": 24,
    "judgeprobe.harness.report": 25,
    "judgeprobe.harness.session": 26,
    "judgeprobe.harness.audit": 27,
    "judgeprobe.harness.gate": 27,
    "judgeprobe.harness.cli": 30,
    "judgeprobe.harness.pytest_plugin": 30,
    "judgeprobe.harness": 31,
}
"""Stage -> floor (the longest matching prefix decides); ``judgeprobe.harness`` is the facade on top."""


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(("judgeprobe", *parts))


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for folder in FOLDERS for p in sorted((ROOT / folder).rglob("*.py"))}


def _floor(module: str) -> int:
    for prefix in sorted(FLOORS, key=len, reverse=True):
        if module == prefix or module.startswith(prefix + "."):
            return FLOORS[prefix]
    raise AssertionError(f"{module} is on no floor; add its stage to FLOORS and to docs/architecture.md")


def _imports(module: str, path: Path, known: set[str]) -> Iterator[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(tree):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            targets = [f"{base}.{alias.name}" for alias in node.names] + [base]
        for target in targets:
            while target and target not in known:
                target = target.rpartition(".")[0]
            if target and target != module and target.startswith("judgeprobe."):
                yield target


@functools.cache
def _graph() -> dict[str, set[str]]:
    modules = _modules()
    known = set(modules)
    return {name: set(_imports(name, path, known)) for name, path in modules.items()}


def test_every_module_is_on_a_floor() -> None:
    for module in _modules():
        _floor(module)


def test_no_import_points_upward() -> None:
    upward = [
        f"{source} (floor {_floor(source)}) imports {target} (floor {_floor(target)})"
        for source, targets in _graph().items()
        for target in sorted(targets)
        if _floor(target) > _floor(source) and not target.startswith(source + ".")
    ]
    assert not upward, "imports that point to a higher stage:\n" + "\n".join(upward)


def test_the_import_graph_has_no_cycle() -> None:
    graph = _graph()
    # a package's __init__ re-exporting its own modules is not a cycle with them
    edges = {
        source: {t for t in targets if not t.startswith(source + ".") and not source.startswith(t + ".")}
        for source, targets in graph.items()
    }
    state: dict[str, int] = {}
    stack: list[str] = []
    cycles: list[list[str]] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(edges.get(node, ())):
            if state.get(nxt) == 1:
                cycles.append([*stack[stack.index(nxt) :], nxt])
            elif nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = 2

    for node in sorted(edges):
        if node not in state:
            visit(node)
    assert not cycles, "import cycles:\n" + "\n".join(" -> ".join(c) for c in cycles)


@pytest.mark.parametrize("folder", FOLDERS)
def test_no_module_imports_the_old_top_level_names(folder: str) -> None:
    """Code imports ``judgeprobe.cases`` etc.; a bare ``import cases`` would pick up a user's own package."""
    bare = []
    for path in sorted((ROOT / folder).rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom) and not node.level
                else []
            )
            bare += [f"{path.relative_to(ROOT)}: {n}" for n in names if n.split(".")[0] in FOLDERS]
    assert not bare, "\n".join(bare)

"""Safe YAML to plain values, remembering the line of every value (the loader's first step).

YAML is composed with the safe loader (libyaml's ``CSafeLoader`` when PyYAML has it, else ``SafeLoader``; both
only compose plain nodes, nothing is constructed) into a node tree, and Python values are built here, so every
value's line is known. Only the standard tags (str, int, float, bool, null, timestamp, map, seq) are accepted;
merge keys (``<<``) and duplicate keys in one mapping are errors. Scalars keep the text as written; a plain
empty value or ``~``/``null`` is ``None``. Size and depth are bounded, so aliases cannot expand without limit.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any, TypeAlias

import yaml

from judgeprobe.cases.errors import CaseFileError

__all__ = ["MAX_DEPTH", "MAX_NODES", "SAFE_LOADER", "FieldPath", "TooBig", "TreeBuilder", "format_path"]

FieldPath: TypeAlias = tuple[str | int, ...]
"""A path into a case file, such as ``("cases", 3, "responses", 1, "label")``."""

MAX_NODES = 200_000
"""Upper bound on YAML values built from one file, so aliases cannot expand without limit."""
MAX_DEPTH = 32
"""Upper bound on nesting depth in a case file."""

SAFE_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""The safe loader used to compose files (libyaml's when available: 4x faster)."""
_SCALAR_TAGS = frozenset(
    f"tag:yaml.org,2002:{name}" for name in ("str", "int", "float", "bool", "null", "timestamp")
)
_NULL_TAG = "tag:yaml.org,2002:null"


def format_path(path: Iterable[str | int]) -> str:
    """Render a field path as ``cases[3].responses[1].label``."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


class TreeBuilder:
    """Turns a composed YAML node tree into Python values, recording each value's line by path."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.lines: dict[FieldPath, int] = {}
        self.errors: list[CaseFileError] = []
        self.count = 0

    def _error(self, node: yaml.Node, where: FieldPath, message: str) -> None:
        self.errors.append(
            CaseFileError(self.path, node.start_mark.line + 1, format_path(where) or None, message)
        )

    def build(self, node: yaml.Node, where: FieldPath, line: int | None = None) -> Any:
        self.count += 1
        if self.count > MAX_NODES or len(where) > MAX_DEPTH:
            raise TooBig(node.start_mark.line + 1)
        self.lines[where] = line if line is not None else node.start_mark.line + 1
        if isinstance(node, yaml.ScalarNode):
            if node.tag not in _SCALAR_TAGS:
                self._error(node, where, f"unsupported YAML tag {node.tag!r}; write plain values")
                return None
            return None if node.tag == _NULL_TAG else str(node.value)
        if isinstance(node, yaml.SequenceNode):
            if node.tag != "tag:yaml.org,2002:seq":
                self._error(node, where, f"unsupported YAML tag {node.tag!r}; write a plain list")
            return [self.build(item, (*where, i)) for i, item in enumerate(node.value)]
        assert isinstance(node, yaml.MappingNode)
        if node.tag != "tag:yaml.org,2002:map":
            self._error(node, where, f"unsupported YAML tag {node.tag!r}; write a plain mapping")
        result: dict[str, Any] = {}
        first_line: dict[str, int] = {}
        for key_node, value_node in node.value:
            key_line = key_node.start_mark.line + 1
            if not isinstance(key_node, yaml.ScalarNode):
                self._error(key_node, where, "a mapping key must be a plain word, not a list or mapping")
                continue
            key = str(key_node.value)
            if key == "<<" and key_node.tag == "tag:yaml.org,2002:merge":
                self._error(key_node, where, "YAML merge keys ('<<') are not supported; write the fields out")
                continue
            if key in first_line:
                self._error(
                    key_node,
                    (*where, key),
                    f"duplicate key {key!r} in one mapping (first at line {first_line[key]}); "
                    "YAML would silently keep only the last one, so remove one of them",
                )
            first_line.setdefault(key, key_line)
            result[key] = self.build(value_node, (*where, key), key_line)
        return result


class TooBig(Exception):
    """The file holds more than :data:`MAX_NODES` values or nests deeper than :data:`MAX_DEPTH`."""

    def __init__(self, line: int) -> None:
        self.line = line

"""Error types from keyword rules: a small, replaceable taxonomy kept in YAML.

The shipped ``taxonomy.yaml`` reproduces the source article's rules exactly (order and keywords); a user's
file replaces it with ``--taxonomy FILE``. Files are read with the safe YAML composer (no tags, no aliases
expanded into objects) and validated with ``FILE:LINE: FIELD: message`` errors.
"""

from __future__ import annotations

import importlib.resources
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from judgeprobe.harness.audit.rows import AuditInputError

__all__ = ["Condition", "Rule", "Taxonomy", "default_taxonomy_path", "load_taxonomy"]

_ID = re.compile(r"^[a-z][a-z0-9_]*$")
_MAX_BYTES = 1_000_000
_MAX_DEPTH = 16
_PLAIN_TAGS = frozenset(f"tag:yaml.org,2002:{name}" for name in ("str", "int", "float", "bool"))
_SAFE_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True, slots=True)
class Condition:
    """A keyword condition on lower-cased text."""

    op: str
    """``contains``, ``all`` or ``any``."""
    text: str = ""
    """The keyword (``contains``), lower case."""
    parts: tuple[Condition, ...] = ()
    """Sub-conditions (``all``/``any``)."""

    def holds(self, text: str) -> bool:
        """Whether the condition holds on already lower-cased ``text``."""
        if self.op == "contains":
            return self.text in text
        if self.op == "all":
            return all(part.holds(text) for part in self.parts)
        return any(part.holds(text) for part in self.parts)


@dataclass(frozen=True, slots=True)
class Rule:
    """One error type and when it applies."""

    id: str
    """Short snake_case name."""
    label: str
    """Human-readable name."""
    match: Condition
    """When the rule applies."""


@dataclass(frozen=True, slots=True)
class Taxonomy:
    """Rules tried in order (first match wins), and the fallback type."""

    name: str
    """Name of the taxonomy (``article-2025`` for the shipped one)."""
    rules: tuple[Rule, ...]
    """The rules, in order."""
    fallback: str
    """Type given when no rule matches."""
    fallback_label: str
    """Its label."""
    source: str
    """The file it was read from."""

    @property
    def ids(self) -> tuple[str, ...]:
        """Every type, in rule order, the fallback last."""
        return (*(rule.id for rule in self.rules), self.fallback)

    @property
    def labels(self) -> dict[str, str]:
        """Type -> label."""
        return {**{rule.id: rule.label for rule in self.rules}, self.fallback: self.fallback_label}

    def classify(self, explanation: str | None) -> str:
        """The type of one explanation (``None`` reads as empty text)."""
        text = (explanation or "").lower()
        for rule in self.rules:
            if rule.match.holds(text):
                return rule.id
        return self.fallback


def default_taxonomy_path() -> Path:
    """The shipped taxonomy file."""
    return Path(str(importlib.resources.files("judgeprobe.harness.audit") / "taxonomy.yaml"))


class _Reader:
    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, node: yaml.Node | None, where: str, message: str) -> AuditInputError:
        line = node.start_mark.line + 1 if node is not None else None
        return AuditInputError(self.source, line, where, message)

    def mapping(self, node: yaml.Node, where: str) -> dict[str, yaml.Node]:
        if not isinstance(node, yaml.MappingNode) or node.tag != "tag:yaml.org,2002:map":
            raise self.fail(node, where, "expected a mapping")
        out: dict[str, yaml.Node] = {}
        for key, value in node.value:
            if not isinstance(key, yaml.ScalarNode):
                raise self.fail(key, where, "mapping keys must be plain words")
            if key.value in out:
                raise self.fail(key, f"{where}.{key.value}" if where else key.value, "duplicate key")
            out[key.value] = value
        return out

    def text(self, node: yaml.Node, where: str) -> str:
        if not isinstance(node, yaml.ScalarNode) or node.tag == "tag:yaml.org,2002:null":
            raise self.fail(node, where, "expected text")
        if node.tag not in _PLAIN_TAGS:
            raise self.fail(node, where, f"unsupported YAML tag {node.tag!r}; write plain text")
        if not node.value.strip():
            raise self.fail(node, where, "must not be empty")
        return str(node.value)

    def condition(self, node: yaml.Node, where: str, depth: int = 0) -> Condition:
        if depth > _MAX_DEPTH:
            raise self.fail(node, where, f"conditions nest deeper than {_MAX_DEPTH} levels")
        if isinstance(node, yaml.ScalarNode):
            return Condition("contains", self.text(node, where).lower())
        fields = self.mapping(node, where)
        if len(fields) != 1 or next(iter(fields)) not in ("all", "any"):
            raise self.fail(
                node,
                where,
                f"expected a keyword, {{all: [...]}} or {{any: [...]}}, got keys {sorted(fields)}",
            )
        op, items = next(iter(fields.items()))
        if not isinstance(items, yaml.SequenceNode) or not items.value:
            raise self.fail(items, f"{where}.{op}", "expected a non-empty list of conditions")
        parts = tuple(
            self.condition(item, f"{where}.{op}[{i}]", depth + 1) for i, item in enumerate(items.value)
        )
        return Condition(op, parts=parts)


def load_taxonomy(path: Path | None = None, *, shown: str | None = None) -> Taxonomy:
    """Read and validate a taxonomy file (the shipped one when ``path`` is ``None``).

    Raises:
        AuditInputError: unreadable file, bad YAML, or a field that breaks the grammar.
    """
    file = path or default_taxonomy_path()
    name = shown or str(file)
    reader = _Reader(name)
    try:
        if file.stat().st_size > _MAX_BYTES:
            raise AuditInputError(name, None, "file", f"larger than {_MAX_BYTES} bytes")
        text = file.read_text(encoding="utf-8")
        root = yaml.compose(text, Loader=_SAFE_LOADER)
    except OSError as exc:
        raise AuditInputError(name, None, "file", f"cannot read the file: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise AuditInputError(name, None, "file", "not UTF-8 text") from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        raise AuditInputError(name, line, "syntax", f"invalid YAML: {exc.problem}") from None
    if root is None:
        raise AuditInputError(name, 1, "rules", "the file is empty; expected a mapping with 'rules'")
    top = reader.mapping(root, "")
    unknown = sorted(set(top) - {"taxonomy", "rules", "fallback"})
    if unknown:
        raise reader.fail(root, unknown[0], "unknown key; allowed: taxonomy, rules, fallback")
    if "rules" not in top:
        raise reader.fail(root, "rules", "missing 'rules': a list of {id, label, match}")
    rules_node = top["rules"]
    if not isinstance(rules_node, yaml.SequenceNode) or not rules_node.value:
        raise reader.fail(rules_node, "rules", "expected a non-empty list of rules")
    rules: list[Rule] = []
    seen: dict[str, int] = {}
    for index, node in enumerate(rules_node.value):
        where = f"rules[{index}]"
        fields = reader.mapping(node, where)
        extra = sorted(set(fields) - {"id", "label", "match"})
        if extra:
            raise reader.fail(
                fields[extra[0]], f"{where}.{extra[0]}", "unknown key; allowed: id, label, match"
            )
        for required in ("id", "match"):
            if required not in fields:
                raise reader.fail(node, f"{where}.{required}", f"missing {required!r}")
        rule_id = reader.text(fields["id"], f"{where}.id")
        if not _ID.match(rule_id):
            raise reader.fail(fields["id"], f"{where}.id", f"expected a snake_case id, got {rule_id!r}")
        if rule_id in seen:
            raise reader.fail(
                fields["id"], f"{where}.id", f"{rule_id!r} already used by rules[{seen[rule_id]}]"
            )
        seen[rule_id] = index
        label = reader.text(fields["label"], f"{where}.label") if "label" in fields else rule_id
        rules.append(Rule(rule_id, label, reader.condition(fields["match"], f"{where}.match")))
    fallback, fallback_label = "other", "other"
    if "fallback" in top:
        fb = reader.mapping(top["fallback"], "fallback")
        if "id" not in fb:
            raise reader.fail(top["fallback"], "fallback.id", "missing 'id'")
        fallback = reader.text(fb["id"], "fallback.id")
        if not _ID.match(fallback) or fallback in seen:
            raise reader.fail(fb["id"], "fallback.id", f"expected a new snake_case id, got {fallback!r}")
        fallback_label = reader.text(fb["label"], "fallback.label") if "label" in fb else fallback
    title = reader.text(top["taxonomy"], "taxonomy") if "taxonomy" in top else file.stem
    return Taxonomy(title, tuple(rules), fallback, fallback_label, name)

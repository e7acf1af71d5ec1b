"""The ``{{…}}`` template syntax: placeholders, conditional blocks, comments and a mode declaration.

Rendering is substitution in one pass over a template parsed once at load time. It runs no code, and values
are inserted after parsing, so text inside a response is never read as template syntax::

    {{question}}  {{response}}  {{reference}}  {{response_a}}  {{response_b}}  {{choices}}
        a field (aliases such as {{correct_answer}} or {{answer_a}} work too; see
        :mod:`judgeprobe.harness.judges.fields`), inserted verbatim, or as a delimited block when hardened
    {{answer_kind}}  {{mode}}
        short values inserted inline
    {{#if NAME}} … {{else}} … {{/if}}
        NAME is a field (true when it has a non-empty value), ``response_first`` / ``reference_first``
        (the presentation attribute ``field_order``, default ``response_first``, the HLE order), ``harden``
        (hardening is on), or ``KEY=VALUE`` comparing a presentation attribute. Blocks nest.
    {{! a comment }}
        dropped from the output
    {{#mode grade}}
        declares the template's mode (grade, pairwise or score)

A tag alone on its line takes its line with it, so conditional blocks leave no blank lines behind.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from judgeprobe.cases.models import Mode
from judgeprobe.harness.core.errors import ConfigError
from judgeprobe.harness.judges.fields import INLINE_FIELDS, canonical_field, harden_value, known_fields_text

__all__ = ["MustacheTemplate", "looks_like_mustache"]

_FLAGS = ("response_first", "reference_first", "harden")
_TAG = re.compile(r"\{\{(.*?)\}\}", re.S)
_NAME = re.compile(r"^[a-z_][a-z0-9_]*$")


def looks_like_mustache(text: str) -> str | None:
    """How surely ``text`` is in this syntax: ``"sure"`` with a block, a comment or a known field tag,
    ``"maybe"`` with a tag that is only a name (a typo of a field, or an escaped ``{{name}}`` of
    ``str.format``), ``None`` without tags."""
    found: str | None = None
    for match in _TAG.finditer(text):
        inner = match.group(1).strip()
        if inner.startswith(("#", "/", "!")) or inner == "else" or canonical_field(inner) is not None:
            return "sure"
        if _NAME.match(inner):
            found = "maybe"
    return found


@dataclass(frozen=True, slots=True)
class _Text:
    text: str


@dataclass(frozen=True, slots=True)
class _Slot:
    name: str
    inline: bool = False


@dataclass(frozen=True, slots=True)
class _If:
    condition: str
    then: tuple[_Node, ...]
    otherwise: tuple[_Node, ...]


_Node = _Text | _Slot | _If


def _tokens(text: str) -> list[tuple[str, str]]:
    """Split into (kind, content) tokens; a block tag alone on a line swallows its indent and newline."""
    tokens: list[tuple[str, str]] = []
    pos = 0
    for match in _TAG.finditer(text):
        inner = match.group(1).strip()
        start, end = match.start(), match.end()
        if inner.startswith(("#", "/", "!")) or inner == "else":
            line_start = text.rfind("\n", 0, start) + 1
            line_end = text.find("\n", end)
            line_end = len(text) if line_end == -1 else line_end
            alone = not text[line_start:start].strip() and not text[end:line_end].strip()
            if alone and line_start >= pos:
                start, end = line_start, min(line_end + 1, len(text))
        tokens.append(("text", text[pos:start]))
        tokens.append(("tag", inner))
        pos = end
    tokens.append(("text", text[pos:]))
    return tokens


def _mode(value: str, declared: Mode | None, source: str) -> Mode:
    try:
        mode = Mode(value)
    except ValueError:
        modes = ", ".join(str(m) for m in Mode)
        raise ConfigError(
            f"template {source}: '{{{{#mode {value}}}}}' names no mode; use one of {modes}"
        ) from None
    if declared is not None and declared is not mode:
        raise ConfigError(f"template {source}: declares two modes, {declared} and {mode}")
    return mode


def _condition(condition: str, source: str) -> str:
    """The condition with a field alias replaced by its canonical name; raises when it cannot be tested."""
    key, eq, value = condition.partition("=")
    if eq:
        if _NAME.match(key.strip()) and value.strip():
            return condition
    elif condition in _FLAGS:
        return condition
    elif canonical_field(condition) is not None:
        return str(canonical_field(condition))
    raise ConfigError(
        f"template {source}: cannot test '{condition}' in '{{{{#if}}}}'; use a field name, response_first, "
        "reference_first, harden, or KEY=VALUE for a presentation attribute"
    )


def _parse(text: str, source: str) -> tuple[tuple[_Node, ...], Mode | None]:
    stack: list[tuple[str, list[_Node], list[_Node] | None]] = [("", [], None)]
    declared: Mode | None = None

    def current() -> list[_Node]:
        _, then, otherwise = stack[-1]
        return otherwise if otherwise is not None else then

    for kind, content in _tokens(text):
        if kind == "text":
            if content:
                current().append(_Text(content))
        elif content.startswith("!"):
            continue
        elif content.startswith("#mode"):
            declared = _mode(content[5:].strip(), declared, source)
        elif content.startswith("#if "):
            stack.append((_condition(content[4:].strip(), source), [], None))
        elif content == "else":
            cond, then, otherwise = stack[-1]
            if not cond or otherwise is not None:
                raise ConfigError(f"template {source}: '{{{{else}}}}' outside an '{{{{#if}}}}' block")
            stack[-1] = (cond, then, [])
        elif content == "/if":
            if len(stack) == 1:
                raise ConfigError(f"template {source}: '{{{{/if}}}}' without a matching '{{{{#if ...}}}}'")
            cond, then, otherwise = stack.pop()
            current().append(_If(cond, tuple(then), tuple(otherwise or ())))
        elif _NAME.match(content) and canonical_field(content) is not None:
            name = str(canonical_field(content))
            current().append(_Slot(name, inline=name in INLINE_FIELDS))
        else:
            raise ConfigError(
                f"template {source}: unknown tag '{{{{{content}}}}}'; fields are {known_fields_text()}; "
                "blocks are {{#if NAME}} … {{else}} … {{/if}}, {{#mode MODE}} and comments {{! … }}"
            )
    if len(stack) != 1:
        raise ConfigError(
            f"template {source}: '{{{{#if {stack[-1][0]}}}}}' is never closed with '{{{{/if}}}}'"
        )
    return tuple(stack[0][1]), declared


def _slots(nodes: tuple[_Node, ...]) -> set[str]:
    found: set[str] = set()
    for node in nodes:
        if isinstance(node, _Slot):
            found.add(node.name)
        elif isinstance(node, _If):
            found |= _slots(node.then) | _slots(node.otherwise)
    return found


class MustacheTemplate:
    """A parsed ``{{…}}`` template (one message's text)."""

    def __init__(self, text: str, source: str) -> None:
        """Parse ``text``; raises :class:`ConfigError` naming ``source`` and the problem."""
        self._nodes, self.declared_mode = _parse(text, source)
        self.fields: frozenset[str] = frozenset(_slots(self._nodes))
        """Canonical names of the fields shown."""

    def render(self, values: dict[str, str], presentation: dict[str, str], *, harden: bool) -> str:
        """The text for these field values and presentation attributes."""
        out: list[str] = []
        self._render(self._nodes, values, presentation, harden, out)
        return "".join(out)

    def _render(
        self,
        nodes: tuple[_Node, ...],
        values: dict[str, str],
        presentation: dict[str, str],
        harden: bool,
        out: list[str],
    ) -> None:
        for node in nodes:
            if isinstance(node, _Text):
                out.append(node.text)
            elif isinstance(node, _Slot):
                value = values[node.name]
                if node.inline:
                    out.append(" ".join(value.split()))
                else:
                    out.append(harden_value(node.name, value) if harden else value)
            else:
                branch = (
                    node.then if _truthy(node.condition, values, presentation, harden) else node.otherwise
                )
                self._render(branch, values, presentation, harden, out)


def _truthy(condition: str, values: dict[str, str], presentation: dict[str, str], harden: bool) -> bool:
    key, eq, value = condition.partition("=")
    if eq:
        return presentation.get(key.strip()) == value.strip()
    if condition == "harden":
        return harden
    if condition in ("response_first", "reference_first"):
        return presentation.get("field_order", "response_first") == condition
    return bool(values.get(condition, "").strip())

"""Judge prompt templates: load a shipped template or a user file, render a request into a prompt.

Rendering is placeholder substitution in one pass over a template parsed once at load time. It runs no
code: no ``eval``, no ``str.format`` on untrusted text, no Jinja. Values are inserted after parsing, so
text inside a response is never read as template syntax.

Syntax (the shipped ``grade.txt``, ``pairwise.txt`` and ``score.txt`` are examples)::

    {{question}}  {{response}}  {{reference}}  {{response_a}}  {{response_b}}  {{choices}}
        untrusted text, rendered as a delimited block:
            <<<BEGIN RESPONSE>>>
            ...the text...
            <<<END RESPONSE>>>
        (labels: QUESTION, RESPONSE, CORRECT ANSWER, RESPONSE A, RESPONSE B, CHOICES)
    {{answer_kind}}  {{mode}}
        short values inserted inline
    {{#if NAME}} … {{else}} … {{/if}}
        NAME is a placeholder (true when it has a non-empty value), ``response_first`` /
        ``reference_first`` (the presentation attribute ``field_order``, default ``response_first``, the
        HLE order), or ``KEY=VALUE`` comparing a presentation attribute. Blocks nest.
    {{! a comment }}
        dropped from the output
    {{#mode grade}}
        declares the template's mode (grade, pairwise or score). Without it the mode is inferred:
        pairwise if the template shows two responses, grade if it shows a reference, score otherwise.

A tag alone on its line takes its line with it, so conditional blocks leave no blank lines behind.

Inside inserted text, look-alike delimiters (any run of three or more ``<`` or ``>``) and the prompt's
section headers (``[question]``, ``[response]``, ``[correct_answer]``, ``[response A]``, …) are
neutralised (``‹‹‹``, ``(correct_answer)``), so a response cannot close its block or open a section of its
own. Reply-field look-alikes such as ``correct: yes`` are left as they are: probing whether they sway the
judge is the point of the injection probes, and the reply parser binds to the judge's own last verdict.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from judgeprobe.cases.models import Mode
from judgeprobe.harness.core.errors import ConfigError
from judgeprobe.harness.core.request import JudgeRequest

__all__ = ["BLOCK_LABELS", "SHIPPED_TEMPLATES", "Template", "neutralise", "shipped_template_text"]

SHIPPED_TEMPLATES: dict[Mode, str] = {Mode.GRADE: "grade", Mode.PAIRWISE: "pairwise", Mode.SCORE: "score"}
"""The shipped template for each mode (``harness/templates/<name>.txt``)."""

BLOCK_LABELS: dict[str, str] = {
    "question": "QUESTION",
    "response": "RESPONSE",
    "reference": "CORRECT ANSWER",
    "response_a": "RESPONSE A",
    "response_b": "RESPONSE B",
    "choices": "CHOICES",
}
"""Placeholders rendered as delimited blocks, and their block labels."""

_INLINE = ("answer_kind", "mode")
_FLAGS = ("response_first", "reference_first")
_TAG = re.compile(r"\{\{(.*?)\}\}", re.S)
_NAME = re.compile(r"^[a-z_][a-z0-9_]*$")
_ANGLES = re.compile(r"<{3,}|>{3,}")
_HEADER = re.compile(
    r"\[(\s*(?:question|choices|response(?:[\s_-]*[ab])?|correct[\s_-]*answer|reference(?:[\s_-]*answer)?)\s*)\]",
    re.I,
)


def neutralise(text: str) -> str:
    """Defuse look-alike delimiters and section headers inside untrusted text (see module docstring)."""
    if "<<<" in text or ">>>" in text:
        text = _ANGLES.sub(lambda m: m.group(0).replace("<", "‹").replace(">", "›"), text)
    if "[" in text:
        text = _HEADER.sub(lambda m: f"({m.group(1)})", text)
    return text


@dataclass(frozen=True, slots=True)
class _Text:
    text: str


@dataclass(frozen=True, slots=True)
class _Slot:
    name: str


@dataclass(frozen=True, slots=True)
class _If:
    condition: str
    then: tuple[_Node, ...]
    otherwise: tuple[_Node, ...]


_Node = _Text | _Slot | _If


def _strip_standalone(text: str) -> list[tuple[str, str]]:
    """Split into (kind, content) tokens; tags alone on a line swallow that line's indent and newline."""
    tokens: list[tuple[str, str]] = []
    pos = 0
    for match in _TAG.finditer(text):
        inner = match.group(1).strip()
        start, end = match.start(), match.end()
        is_block = inner.startswith(("#", "/", "!")) or inner == "else"
        if is_block:
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


def _declare_mode(declared: list[Mode], value: str, source: str) -> None:
    try:
        mode = Mode(value)
    except ValueError:
        modes = ", ".join(str(m) for m in Mode)
        raise ConfigError(
            f"template {source}: '{{{{#mode {value}}}}}' names no mode; use one of {modes}"
        ) from None
    if declared and declared[0] is not mode:
        raise ConfigError(f"template {source}: declares two modes, {declared[0]} and {mode}")
    declared[:] = [mode]


def _parse(text: str, source: str, declared: list[Mode]) -> tuple[_Node, ...]:
    stack: list[tuple[str, list[_Node], list[_Node] | None]] = [("", [], None)]

    def current() -> list[_Node]:
        _, then, otherwise = stack[-1]
        return otherwise if otherwise is not None else then

    for kind, content in _strip_standalone(text):
        if kind == "text":
            if content:
                current().append(_Text(content))
            continue
        if content.startswith("!"):
            continue
        if content.startswith("#mode"):
            _declare_mode(declared, content[5:].strip(), source)
            continue
        if content.startswith("#if "):
            condition = content[4:].strip()
            _check_condition(condition, source)
            stack.append((condition, [], None))
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
        elif _NAME.match(content) and (content in BLOCK_LABELS or content in _INLINE):
            current().append(_Slot(content))
        else:
            known = ", ".join([*BLOCK_LABELS, *_INLINE])
            raise ConfigError(
                f"template {source}: unknown tag '{{{{{content}}}}}'; placeholders are {known}; blocks are "
                "{{#if NAME}} … {{else}} … {{/if}}, {{#mode MODE}} and comments {{! … }}"
            )
    if len(stack) != 1:
        raise ConfigError(
            f"template {source}: '{{{{#if {stack[-1][0]}}}}}' is never closed with '{{{{/if}}}}'"
        )
    return tuple(stack[0][1])


def _check_condition(condition: str, source: str) -> None:
    key, eq, value = condition.partition("=")
    if eq:
        if _NAME.match(key.strip()) and value.strip():
            return
    elif condition in BLOCK_LABELS or condition in _INLINE or condition in _FLAGS:
        return
    raise ConfigError(
        f"template {source}: cannot test '{condition}' in '{{{{#if}}}}'; use a placeholder name, "
        "response_first, reference_first, or KEY=VALUE for a presentation attribute"
    )


def _slots(nodes: tuple[_Node, ...]) -> set[str]:
    found: set[str] = set()
    for node in nodes:
        if isinstance(node, _Slot):
            found.add(node.name)
        elif isinstance(node, _If):
            found |= _slots(node.then) | _slots(node.otherwise)
    return found


def shipped_template_text(name: str) -> str:
    """Text of the shipped template ``name`` (``grade``, ``pairwise``, ``score``)."""
    try:
        return (
            resources.files("judgeprobe.harness")
            .joinpath("templates", f"{name}.txt")
            .read_text(encoding="utf-8")
        )
    except FileNotFoundError:
        shipped = ", ".join(SHIPPED_TEMPLATES.values())
        raise ConfigError(
            f"no shipped template named {name!r}; shipped: {shipped}, or give a file path"
        ) from None


@dataclass(frozen=True, slots=True)
class Template:
    """A parsed prompt template. ``text`` is what enters the judge's configuration hash."""

    name: str
    """Shipped template name or the path it was read from."""
    text: str
    """The template source exactly as read."""
    _nodes: tuple[_Node, ...] = field(init=False, repr=False, compare=False)
    _mode: Mode | None = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        """Parse the text (once); raises :class:`ConfigError` naming the problem."""
        declared: list[Mode] = []
        object.__setattr__(self, "_nodes", _parse(self.text, self.name, declared))
        object.__setattr__(self, "_mode", declared[0] if declared else None)

    @classmethod
    def from_text(cls, text: str, *, name: str = "<text>") -> Template:
        """Parse template source; raises :class:`ConfigError` naming the problem."""
        return cls(name=name, text=text)

    @classmethod
    def load(cls, name_or_path: str) -> Template:
        """A shipped template by name (``grade``) or a user file by path."""
        if name_or_path in SHIPPED_TEMPLATES.values():
            return cls.from_text(shipped_template_text(name_or_path), name=name_or_path)
        path = Path(name_or_path)
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            shipped = ", ".join(SHIPPED_TEMPLATES.values())
            raise ConfigError(
                f"template {name_or_path!r} is neither a shipped template ({shipped}) nor an existing file"
            ) from None
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(f"template file {path} cannot be read as UTF-8 text: {exc}") from None
        return cls.from_text(text, name=str(path))

    @classmethod
    def for_mode(cls, mode: Mode) -> Template:
        """The shipped template of ``mode``."""
        return cls.load(SHIPPED_TEMPLATES[mode])

    @property
    def placeholders(self) -> frozenset[str]:
        """Placeholder names the template uses."""
        return frozenset(_slots(self._nodes))

    @property
    def mode(self) -> Mode:
        """The mode the template asks about: as declared by ``{{#mode …}}``, else pairwise if it shows two
        responses, grade if it shows a reference, score otherwise."""
        if self._mode is not None:
            return self._mode
        names = self.placeholders
        if {"response_a", "response_b"} & names:
            return Mode.PAIRWISE
        if "reference" in names:
            return Mode.GRADE
        return Mode.SCORE

    def render(self, request: JudgeRequest) -> str:
        """The prompt for ``request``."""
        values = _values(request)
        presentation = dict(request.presentation)
        presentation.setdefault("field_order", "response_first")
        out: list[str] = []
        _render(self._nodes, values, presentation, out)
        return "".join(out)


def _values(request: JudgeRequest) -> dict[str, str]:
    responses = request.responses
    choices = "\n".join(f"{letter}. {text}" for letter, text in request.choices or ())
    return {
        "question": request.question,
        "response": responses[0] if responses else "",
        "response_a": responses[0] if responses else "",
        "response_b": responses[1] if len(responses) > 1 else "",
        "reference": request.reference or "",
        "choices": choices,
        "answer_kind": request.answer_kind or "",
        "mode": str(request.mode),
    }


def _truthy(condition: str, values: dict[str, str], presentation: dict[str, str]) -> bool:
    key, eq, value = condition.partition("=")
    if eq:
        return presentation.get(key.strip()) == value.strip()
    if condition in _FLAGS:
        return presentation["field_order"] == condition
    return bool(values.get(condition, "").strip())


def _render(
    nodes: tuple[_Node, ...], values: dict[str, str], presentation: dict[str, str], out: list[str]
) -> None:
    for node in nodes:
        if isinstance(node, _Text):
            out.append(node.text)
        elif isinstance(node, _Slot):
            text = neutralise(values[node.name])
            if node.name in BLOCK_LABELS:
                label = BLOCK_LABELS[node.name]
                out.append(f"<<<BEGIN {label}>>>\n{text}\n<<<END {label}>>>")
            else:
                out.append(" ".join(text.split()))
        else:
            branch = node.then if _truthy(node.condition, values, presentation) else node.otherwise
            _render(branch, values, presentation, out)

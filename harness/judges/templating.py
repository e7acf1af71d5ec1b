"""Judge prompt templates: load a shipped template or a user file, render a request into chat messages.

Three forms, because judge prompts are kept in all three:

* a text file in the ``{{…}}`` syntax (:mod:`judgeprobe.harness.judges.mustache`; the shipped ``grade.txt``,
  ``pairwise.txt`` and ``score.txt`` are examples);
* a text file in Python ``str.format`` syntax, ``{question}`` with ``{{``/``}}`` escapes
  (:mod:`judgeprobe.harness.judges.format_style`) — a prompt copied verbatim out of production code;
* a chat-message file (``.yaml``/``.yml``/``.json``/``.toml``: system, user, … messages whose contents are
  templates in either syntax; :mod:`judgeprobe.harness.judges.chat_file`).

A text file's syntax is detected: ``{{…}}`` tags (a known field, ``#if``, ``#mode``, a comment) make it the
``{{…}}`` syntax; ``{name}`` fields with known names make it ``str.format`` (where ``{{word}}`` is an escaped
literal); both at once is an error that asks for ``template_syntax`` in the judge file. A text whose only tags
are ``{{word}}`` with unknown words is read as ``{{…}}``, so a misspelt field is reported, not sent. Every
form renders to a list of :class:`ChatMessage`; a text file is one user message. Field names and their
aliases, verbatim insertion and hardening, and how the mode
is declared or inferred are in :mod:`judgeprobe.harness.judges.fields`.

Rendering runs no code: no ``eval``, no ``str.format`` on anything, no Jinja. Values are inserted after the
template was parsed, so text inside a response is never read as template syntax.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Literal, Protocol

from judgeprobe.cases.models import Mode
from judgeprobe.harness.core.errors import ConfigError
from judgeprobe.harness.core.request import JudgeRequest
from judgeprobe.harness.judges.chat_file import CHAT_SUFFIXES, read_chat_file
from judgeprobe.harness.judges.fields import (
    BLOCK_LABELS,
    canonical_field,
    field_values,
    known_fields_text,
    neutralise,
    resolve_mode,
)
from judgeprobe.harness.judges.format_style import FormatTemplate, format_fields
from judgeprobe.harness.judges.mustache import MustacheTemplate, looks_like_mustache

__all__ = [
    "BLOCK_LABELS",
    "SHIPPED_TEMPLATES",
    "ChatMessage",
    "Syntax",
    "Template",
    "neutralise",
    "prompt_text",
    "shipped_template_text",
]

Syntax = Literal["auto", "format", "mustache"]
"""How a template's fields are written: detected (``auto``), ``{name}`` or ``{{name}}``."""

SHIPPED_TEMPLATES: dict[Mode, str] = {Mode.GRADE: "grade", Mode.PAIRWISE: "pairwise", Mode.SCORE: "score"}
"""The shipped template for each mode (``harness/templates/<name>.txt``)."""


@dataclass(frozen=True, slots=True)
class ChatMessage:
    """One rendered message."""

    role: str
    """``system``, ``developer``, ``user`` or ``assistant``."""
    content: str
    """The rendered text."""

    def to_dict(self) -> dict[str, str]:
        """The message as a chat API takes it."""
        return {"role": self.role, "content": self.content}


def prompt_text(messages: tuple[ChatMessage, ...]) -> str:
    """The prompt as recorded with a verdict: the text of a lone user message, else the messages as JSON."""
    if len(messages) == 1 and messages[0].role == "user":
        return messages[0].content
    return json.dumps([m.to_dict() for m in messages], ensure_ascii=False, indent=1)


class _Engine(Protocol):
    fields: frozenset[str]
    declared_mode: Mode | None

    def render(self, values: dict[str, str], presentation: dict[str, str], *, harden: bool) -> str: ...


def _detect(texts: list[str], source: str) -> Literal["format", "mustache"]:
    """The syntax of ``texts`` (see the module docstring); raises when both are plausible."""
    signs = {looks_like_mustache(text) for text in texts}
    names = [format_fields(text) for text in texts]
    known = any(canonical_field(name) for found in names if found for name in found)
    if "sure" in signs and known:
        raise ConfigError(
            f"template {source} has both {{{{name}}}} tags and {{name}} fields, so its syntax is unclear; "
            'set template_syntax = "format" (Python str.format) or "mustache" ({{…}}) in the judge file'
        )
    if "sure" in signs or ("maybe" in signs and not known):
        return "mustache"
    return "format"


def _engine(text: str, syntax: str, source: str) -> _Engine:
    engine: _Engine = MustacheTemplate(text, source) if syntax == "mustache" else FormatTemplate(text, source)
    return engine


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


class Template:
    """A parsed prompt template in any of the three forms. ``text`` is what enters the configuration hash."""

    def __init__(
        self,
        name: str,
        text: str,
        *,
        syntax: Syntax = "auto",
        chat_suffix: str | None = None,
        shipped: bool = False,
    ) -> None:
        """Parse ``text`` (once).

        Args:
            name: The shipped name or the path it was read from (used in messages).
            text: The template source exactly as read.
            syntax: The syntax of the field tags (``auto``: detected).
            chat_suffix: Read ``text`` as a chat-message file of this format (``.yaml``, ``.json``, …).
            shipped: A template of judgeprobe's own (its default is hardened insertion).

        Raises:
            ConfigError: The template cannot be parsed (the message names it and the problem).
        """
        self.name = name
        """Shipped template name or the path it was read from."""
        self.text = text
        """The template source exactly as read."""
        self.shipped = shipped
        """Whether this is one of judgeprobe's shipped templates."""
        declared: Mode | None = None
        if chat_suffix is not None:
            spec = read_chat_file(text, chat_suffix, name)
            roles_texts = list(spec.messages)
            declared = spec.mode
            if spec.syntax is not None:
                if syntax != "auto" and syntax != spec.syntax:
                    raise ConfigError(
                        f"template {name} declares syntax {spec.syntax} but the judge file says {syntax}"
                    )
                syntax = spec.syntax  # type: ignore[assignment]
        else:
            roles_texts = [("user", text)]
        resolved = syntax if syntax != "auto" else _detect([t for _, t in roles_texts], name)
        self.syntax: Literal["format", "mustache"] = resolved
        """The syntax the template was read in."""
        self._parts = tuple((role, _engine(content, resolved, name)) for role, content in roles_texts)
        for _, engine in self._parts:
            if engine.declared_mode is not None:
                if declared is not None and declared is not engine.declared_mode:
                    raise ConfigError(
                        f"template {name}: declares two modes, {declared} and {engine.declared_mode}"
                    )
                declared = engine.declared_mode
        self.declared_mode = declared
        """The mode the template itself declares (``None``: not declared)."""
        if not self.placeholders & set(BLOCK_LABELS):
            raise ConfigError(
                f"template {name} shows none of the request's fields, so every draw would send the same "
                f"text; write fields as {{question}} (str.format) or {{{{question}}}}; known fields: "
                f"{known_fields_text()}"
            )

    @classmethod
    def from_text(cls, text: str, *, name: str = "<text>", syntax: Syntax = "auto") -> Template:
        """Parse a text template; raises :class:`ConfigError` naming the problem."""
        return cls(name, text, syntax=syntax)

    @classmethod
    def load(cls, name_or_path: str, *, syntax: Syntax = "auto") -> Template:
        """A shipped template by name (``grade``) or a user file by path (a chat file by its suffix)."""
        if name_or_path in SHIPPED_TEMPLATES.values():
            return cls(name_or_path, shipped_template_text(name_or_path), syntax="mustache", shipped=True)
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
        suffix = path.suffix.lower()
        chat = suffix if suffix in CHAT_SUFFIXES else None
        return cls(str(path), text, syntax=syntax, chat_suffix=chat)

    @classmethod
    def for_mode(cls, mode: Mode) -> Template:
        """The shipped template of ``mode``."""
        return cls.load(SHIPPED_TEMPLATES[mode])

    @property
    def placeholders(self) -> frozenset[str]:
        """Canonical names of the fields the template shows (aliases resolved)."""
        found: set[str] = set()
        for _, engine in self._parts:
            found |= engine.fields
        return frozenset(found)

    @property
    def roles(self) -> tuple[str, ...]:
        """The roles of the template's messages, in order."""
        return tuple(role for role, _ in self._parts)

    def mode_for(self, declared: Mode | None = None) -> Mode:
        """The template's mode given what the judge file declares (``None``: nothing).

        Raises:
            ConfigError: The two declarations differ, the fields contradict the mode, or nothing is declared
                and the fields leave doubt (the message says how to declare the mode).
        """
        if declared is not None and self.declared_mode is not None and declared is not self.declared_mode:
            raise ConfigError(
                f"the judge file says mode = {declared!s} but template {self.name} declares "
                f"{self.declared_mode}"
            )
        return resolve_mode(
            set(self.placeholders), declared=declared or self.declared_mode, source=self.name, text=self.text
        )

    @property
    def mode(self) -> Mode:
        """The mode the template asks about (declared in the template, or inferred without doubt)."""
        return self.mode_for(None)

    @property
    def default_harden(self) -> bool:
        """Whether fields are hardened when the judge file does not say: yes for the shipped templates
        (their instructions refer to the delimiters), no for a user's template (verbatim, as production)."""
        return self.shipped

    def render_messages(
        self, request: JudgeRequest, *, harden: bool | None = None
    ) -> tuple[ChatMessage, ...]:
        """The messages for ``request`` (``harden=None``: the template's default)."""
        values = field_values(request)
        presentation = dict(request.presentation)
        on = self.default_harden if harden is None else harden
        return tuple(
            ChatMessage(role, engine.render(values, presentation, harden=on)) for role, engine in self._parts
        )

    def render(self, request: JudgeRequest, *, harden: bool | None = None) -> str:
        """The prompt for ``request`` as recorded with a verdict (see :func:`prompt_text`)."""
        return prompt_text(self.render_messages(request, harden=harden))

    def __repr__(self) -> str:
        return f"Template(name={self.name!r}, syntax={self.syntax!r})"

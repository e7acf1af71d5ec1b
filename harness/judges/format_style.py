"""The Python ``str.format`` template syntax, as judge prompts are often kept in code: ``{question}``,
``{response}``, ``{correct_answer}``, with ``{{`` and ``}}`` for literal braces.

The template is split once into literal text and fields by :meth:`string.Formatter.parse` — the parser
``str.format`` itself uses, so escapes mean exactly what they mean in production — and rendered by joining
the parts. Nothing is ever formatted: a value is inserted as the text it is, so braces inside a response are
never read as fields, and for plain ``{name}`` fields the result equals ``template.format(**values)`` byte
for byte. Only plain named fields are accepted; positional fields (``{}``, ``{0}``), attribute and index
look-ups (``{a.b}``, ``{a[0]}``), conversions (``{a!r}``) and format specs (``{a:>10}``) are refused with
the line they are on, because a judge prompt has no use for them and they would run code paths on values.
"""

from __future__ import annotations

import string

from judgeprobe.cases.models import Mode
from judgeprobe.harness.core.errors import ConfigError
from judgeprobe.harness.judges.fields import canonical_field, insert_value, known_fields_text

__all__ = ["FormatTemplate", "format_fields"]

_FORMATTER = string.Formatter()


def format_fields(text: str) -> list[str] | None:
    """The field names of ``text`` read as a ``str.format`` template (``None``: it is not one)."""
    try:
        return [name for _, name, _, _ in _FORMATTER.parse(text) if name is not None]
    except ValueError:
        return None


def _line_of(text: str, needle: str) -> str:
    index = text.find(needle)
    return f"line {text.count(chr(10), 0, index) + 1}: " if index >= 0 else ""


class FormatTemplate:
    """A parsed ``str.format``-style template (one message's text)."""

    def __init__(self, text: str, source: str) -> None:
        """Split ``text`` into literals and fields; raises :class:`ConfigError` naming the field and line."""
        try:
            parsed = list(_FORMATTER.parse(text))
        except ValueError as exc:
            raise ConfigError(
                f"template {source}: not a valid str.format template ({exc}); literal braces are written "
                "{{ and }}"
            ) from None
        parts: list[tuple[str, str | None]] = []
        for literal, name, spec, conversion in parsed:
            if name is None:
                parts.append((literal, None))
                continue
            written = "{" + name + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "")
            where = _line_of(text, written + "}") or _line_of(text, "{" + name)
            if not name or name.isdigit():
                raise ConfigError(
                    f"template {source}: {where}positional field {written}}}: name the field, "
                    "e.g. {question}"
                )
            if "." in name or "[" in name:
                raise ConfigError(
                    f"template {source}: {where}field {written}}} looks up an attribute or index; only plain "
                    "names such as {response} are supported"
                )
            if conversion or spec:
                raise ConfigError(
                    f"template {source}: {where}field {written}}} has a conversion or format spec; write "
                    f"{{{name}}} (values are inserted as text)"
                )
            field = canonical_field(name)
            if field is None:
                raise ConfigError(
                    f"template {source}: {where}unknown field {{{name}}}; known fields: {known_fields_text()}"
                )
            parts.append((literal, field))
        self._parts = tuple(parts)
        self.declared_mode: Mode | None = None
        """Always ``None``: this syntax has no way to declare a mode (the judge file or a chat file does)."""
        self.fields: frozenset[str] = frozenset(f for _, f in parts if f is not None)
        """Canonical names of the fields shown."""

    def render(self, values: dict[str, str], presentation: dict[str, str], *, harden: bool) -> str:
        """The text for these field values (presentation attributes have no syntax here)."""
        out: list[str] = []
        for literal, field in self._parts:
            out.append(literal)
            if field is not None:
                out.append(insert_value(field, values[field], harden=harden))
        return "".join(out)

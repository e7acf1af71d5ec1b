"""The fields a prompt template may show, the names they go by in the wild, and the judging mode they imply.

Every template syntax (``{{…}}``, ``str.format``, chat-message files) names the same fields. A field has one
canonical name and the aliases that published judge prompts use for it::

    canonical    aliases                                                  kind
    question     problem, prompt                                          block
    response     answer, generation                                       block
    reference    correct_answer, expected_answer, target, ref_answer,    block
                 ref_answer_1, reference_answer, criterion (inspect_ai)
    response_a   answer_a                                                 block
    response_b   answer_b                                                 block
    choices      (none)                                                   block
    answer_kind  (none)                                                   inline
    mode         (none)                                                   inline

**Verbatim by default.** A block field inserts the request's text exactly as it is, the way production code
inserts it. With hardening turned on (judge option ``harden = true``; the shipped templates turn it on
themselves), each block field is instead wrapped in ``<<<BEGIN LABEL>>>`` / ``<<<END LABEL>>>`` lines and
look-alike delimiters (runs of three or more ``<`` or ``>``) and section headers (``[question]``,
``[response]``, ``[correct_answer]``, ``[response A]``, …) inside the text are neutralised (``‹‹‹``,
``(correct_answer)``), so a response cannot close its block or open a section of its own. Reply-field
look-alikes such as ``correct: yes`` are never touched: whether they sway the judge is what the injection
probes measure. Inline fields are short values, whitespace collapsed.

**The mode.** :func:`resolve_mode` takes the mode a template or judge file declares, or infers it only when
the fields leave no doubt: two responses can only be a pairwise comparison. One response, with or without a
reference, could be graded or rated, so such a template must declare its mode; the error says how.
"""

from __future__ import annotations

import re

from judgeprobe.cases.models import Mode
from judgeprobe.harness.core.errors import ConfigError
from judgeprobe.harness.core.request import JudgeRequest

__all__ = [
    "ALIASES",
    "BLOCK_LABELS",
    "INLINE_FIELDS",
    "canonical_field",
    "field_values",
    "harden_value",
    "insert_value",
    "known_fields_text",
    "neutralise",
    "resolve_mode",
]

BLOCK_LABELS: dict[str, str] = {
    "question": "QUESTION",
    "response": "RESPONSE",
    "reference": "CORRECT ANSWER",
    "response_a": "RESPONSE A",
    "response_b": "RESPONSE B",
    "choices": "CHOICES",
}
"""Fields that carry untrusted text, and the label of their delimited block when hardened."""

INLINE_FIELDS = ("answer_kind", "mode")
"""Short values inserted inline (whitespace collapsed)."""

ALIASES: dict[str, str] = {
    "problem": "question",
    "prompt": "question",
    "answer": "response",
    "generation": "response",
    "correct_answer": "reference",
    "expected_answer": "reference",
    "target": "reference",
    "ref_answer": "reference",
    "ref_answer_1": "reference",
    "reference_answer": "reference",
    "criterion": "reference",
    "answer_a": "response_a",
    "answer_b": "response_b",
}
"""Names used by published judge prompts -> the canonical field."""

_ANGLES = re.compile(r"<{3,}|>{3,}")
_HEADER = re.compile(
    r"\[(\s*(?:question|choices|response(?:[\s_-]*[ab])?|correct[\s_-]*answer|reference(?:[\s_-]*answer)?)\s*)\]",
    re.I,
)
_CONTRACT_HINTS: tuple[tuple[Mode, re.Pattern[str]], ...] = (
    (Mode.GRADE, re.compile(r"extracted_final_answer|\bcorrect\b\W{0,6}\byes\b|\bcorrect:\s", re.I)),
    (Mode.SCORE, re.compile(r"\brating\b|\[\[\s*(?:n|\d+|rating)\s*\]\]|\bscore\b", re.I)),
)


def canonical_field(name: str) -> str | None:
    """The canonical field ``name`` stands for (itself, or the field it aliases); ``None`` if unknown."""
    if name in BLOCK_LABELS or name in INLINE_FIELDS:
        return name
    return ALIASES.get(name)


def known_fields_text() -> str:
    """The known field names with their aliases, for error messages."""
    parts = []
    for field in (*BLOCK_LABELS, *INLINE_FIELDS):
        aliases = [alias for alias, target in ALIASES.items() if target == field]
        parts.append(f"{field} (also {', '.join(aliases)})" if aliases else field)
    return "; ".join(parts)


def field_values(request: JudgeRequest) -> dict[str, str]:
    """The value of every canonical field for ``request`` (empty text where the request has none)."""
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


def neutralise(text: str) -> str:
    """Defuse look-alike delimiters and section headers inside untrusted text (hardening only)."""
    if "<<<" in text or ">>>" in text:
        text = _ANGLES.sub(lambda m: m.group(0).replace("<", "‹").replace(">", "›"), text)
    if "[" in text:
        text = _HEADER.sub(lambda m: f"({m.group(1)})", text)
    return text


def harden_value(field: str, text: str) -> str:
    """``text`` as a hardened block field inserts it: neutralised and wrapped in its delimiter lines."""
    label = BLOCK_LABELS[field]
    return f"<<<BEGIN {label}>>>\n{neutralise(text)}\n<<<END {label}>>>"


def insert_value(field: str, text: str, *, harden: bool) -> str:
    """What a template inserts for canonical ``field``: verbatim, hardened, or an inline value."""
    if field in INLINE_FIELDS:
        return " ".join(text.split())
    return harden_value(field, text) if harden else text


def _declare_hint() -> str:
    return (
        'declare it: mode = "grade" (or "score", "pairwise") in the judge\'s TOML file, '
        "{{#mode grade}} in a {{…}} template, or mode: grade in a chat-message file"
    )


def _likely_mode(text: str) -> str:
    for mode, pattern in _CONTRACT_HINTS:
        if pattern.search(text):
            return f' (its reply instructions suggest mode = "{mode}")'
    return ""


def resolve_mode(fields: set[str], *, declared: Mode | None, source: str, text: str = "") -> Mode:
    """The mode of a template showing the canonical ``fields``: ``declared``, else inferred without doubt.

    Args:
        fields: Canonical names of the fields the template shows.
        declared: The mode the template or the judge file declares (``None``: infer).
        source: The template's name, for messages.
        text: The template's text, used only to suggest a mode in the error message.

    Raises:
        ConfigError: The fields contradict the declared mode, or no mode is declared and the fields leave
            doubt (the message says how to declare one).
    """
    pair = fields & {"response_a", "response_b"}
    single = "response" in fields
    if pair and single:
        raise ConfigError(
            f"template {source} shows both a single response and response_a/response_b; a template asks "
            "about one response (grade, score) or two (pairwise), not both"
        )
    if pair and pair != {"response_a", "response_b"}:
        shown = next(iter(pair))
        raise ConfigError(
            f"template {source} shows {shown} but not its partner; a pairwise template shows both "
            "response_a and response_b (or answer_a and answer_b)"
        )
    if declared is not None:
        if declared is Mode.PAIRWISE and not pair:
            raise ConfigError(
                f"template {source} is declared pairwise but never shows response_a and response_b"
            )
        if declared is not Mode.PAIRWISE and not single:
            what = "two responses" if pair else "no response"
            raise ConfigError(
                f"template {source} is declared {declared} but shows {what}; a {declared} template shows "
                "one response ({response}, {answer} or {generation})"
            )
        return declared
    if not fields & set(BLOCK_LABELS):
        raise ConfigError(
            f"template {source} shows none of the request's fields, so every draw would send the same "
            f"text; known fields: {known_fields_text()}"
        )
    if pair:
        return Mode.PAIRWISE
    if not single:
        raise ConfigError(f"template {source} never shows the response; {_declare_hint()}")
    shown = "a response and a reference" if "reference" in fields else "a response and no reference"
    could = (
        "grade it against the reference (correct yes/no) or rate it with the reference as a guide"
        if "reference" in fields
        else "rate it, or grade it without a reference"
    )
    raise ConfigError(
        f"template {source} shows {shown}: it could {could}, and guessing wrong would skip or misread every "
        f"draw. {_declare_hint()[0].upper()}{_declare_hint()[1:]}{_likely_mode(text)}"
    )

"""The judge request: everything a judge may read about one draw of one variant, and its keys."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, fields

from judgeprobe.cases.answers.rules import ReferenceRules
from judgeprobe.cases.models import AnswerKind, Mode
from judgeprobe.probes.variant import Variant

__all__ = ["JudgeRequest", "request_cache_key", "request_content_key"]


@dataclass(frozen=True, slots=True)
class JudgeRequest:
    """Everything a judge may read about one draw of one variant.

    Built-in reference graders read only question, reference, response text, answer kind, choices and the
    case's reference rules (tolerance, aliases); never the case's ``equivalents`` or labels (those are not
    in the request at all).
    """

    mode: Mode
    """Judging mode."""
    question: str
    """Question text."""
    reference: str | None
    """Reference answer (grade mode; optional otherwise)."""
    responses: tuple[str, ...]
    """Response texts in presentation order (one for grade/score, two for pairwise)."""
    response_ids: tuple[str, ...]
    """Identities of the responses, same order; pairwise slot verdicts map back to these."""
    answer_kind: AnswerKind | None = None
    """Answer kind (grade mode); a kind's name is accepted and checked against the answer-kind table on
    construction. Serialised as its name, so request keys do not depend on the type."""
    choices: tuple[tuple[str, str], ...] | None = None
    """Multiple-choice options ``(letter, text)`` in display order."""
    presentation: tuple[tuple[str, str], ...] = ()
    """Presentation attributes (e.g. ``field_order``) that templates honour."""
    draw: int = 0
    """Draw index (repeats of the same request differ only here)."""
    rules: ReferenceRules | None = None
    """What the case states about its reference (tolerance, aliases, multiple-choice conflicts), for
    reference graders; ``None`` when nothing is stated (then the request key is what it was before rules
    existed)."""

    def __post_init__(self) -> None:
        if self.answer_kind is not None and not isinstance(self.answer_kind, AnswerKind):
            object.__setattr__(self, "answer_kind", AnswerKind(self.answer_kind))
        if self.rules is not None and self.rules.empty:
            object.__setattr__(self, "rules", None)

    @classmethod
    def from_variant(cls, variant: Variant, *, draw: int = 0) -> JudgeRequest:
        """The request for one draw of a variant."""
        return cls(
            mode=variant.mode,
            question=variant.question,
            reference=variant.reference,
            responses=tuple(s.text for s in variant.slots),
            response_ids=tuple(s.response_id for s in variant.slots),
            answer_kind=variant.answer_kind,
            choices=variant.choices,
            presentation=variant.presentation,
            draw=draw,
            rules=variant.rules,
        )

    def content_key(self) -> str:
        """Hash of the request content including the draw index (not the judge; see :meth:`cache_key`).

        Canonical JSON of every field (no ``asdict`` deep copy: this is on the runner's hot path).
        """
        payload = {f.name: getattr(self, f.name) for f in fields(self)}
        payload["mode"] = str(self.mode)
        if self.rules is None:
            del payload["rules"]  # requests without rules keep the keys they had before rules existed
        else:
            payload["rules"] = self.rules.to_json()
        blob = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(blob.encode()).hexdigest()

    def cache_key(self, judge_hash: str) -> str:
        """Key of this draw for this judge configuration: identical keys are sent once and never again."""
        return hashlib.sha256(f"{judge_hash}\x00{self.content_key()}".encode()).hexdigest()[:32]

    def presentation_value(self, key: str, default: str) -> str:
        """Look up one presentation attribute."""
        return dict(self.presentation).get(key, default)


def request_content_key(request: JudgeRequest) -> str:
    """The request's judge-independent key (``request.content_key()``)."""
    return request.content_key()


def request_cache_key(judge_hash: str, request_key: str) -> str:
    """Same value as ``request.cache_key(judge_hash)`` given ``request_key = request.content_key()``."""
    return hashlib.sha256(f"{judge_hash}\x00{request_key}".encode()).hexdigest()[:32]

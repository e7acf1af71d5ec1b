"""The ``text`` kind: free text, the same answer when the normalised words are (case, whitespace, a
leading article, quotes and emphasis, trailing punctuation aside)."""

from __future__ import annotations

import re

from judgeprobe.cases.answers.hedges import never_hedged
from judgeprobe.cases.answers.judgement import Judgement, different, same
from judgeprobe.cases.answers.kinds.registry import AnswerKind, Comparison, KindSpec, register_kind
from judgeprobe.cases.answers.kinds.slots import Choices, Folding, Route
from judgeprobe.cases.answers.normalize import normalize

__all__ = ["TEXT"]


def _key(text: str, kind: AnswerKind) -> str:
    key = normalize(text, kind=kind)
    key = re.sub(r"^(?:the|a|an)\s+", "", key)
    return re.sub(r"\s+", " ", re.sub(r"[\"'`*_]", "", key)).strip(" .")


def _compare(a: str, b: str, how: Comparison) -> Judgement:
    return same("same text") if _key(a, how.kind) == _key(b, how.kind) else different("different text")


def _forms(text: str, kind: AnswerKind, choices: Choices | None) -> list[str]:
    stripped = str(text).strip()
    return [stripped.lower(), stripped[:1].upper() + stripped[1:], stripped.upper(), f"{stripped}."]


TEXT = register_kind(
    KindSpec(
        name="text",
        description="Free text, compared after normalisation.",
        folding=Folding(case="lower"),
        compare=_compare,
        hedged=never_hedged,
        forms=_forms,
        route=Route.EXACT,
        length_factor=50,
        origin="shipped",
    )
)

"""Why a verdict flipped, where the judge reports the answer it extracted.

* ``parse_failure``: the variant's draw is unscored (the reply could not be read). Counted here, never as a
  flip.
* ``extraction_error``: the judge extracted something other than the final answer the variant states.
* ``equivalence_error``: the judge extracted the stated final answer, yet its verdict changed: it judged the
  same answer differently against the reference.
* ``unclassified``: the judge reports no extracted answer, the probe does not know the final answer, or the
  two cannot be compared with confidence.

Extracted and stated answers are compared first as normalised text, then with
``judgeprobe.cases.answers.equivalent`` for the case's answer kind.
"""

from __future__ import annotations

import unicodedata
from typing import Literal

__all__ = ["CLASSES", "FlipClass", "classify_flip", "same_answer"]

FlipClass = Literal["extraction_error", "equivalence_error", "parse_failure", "unclassified"]

CLASSES: tuple[FlipClass, ...] = ("extraction_error", "equivalence_error", "parse_failure", "unclassified")
"""Every flip class, in report order."""


def _plain(text: str) -> str:
    folded = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(folded.replace("$", " ").split()).strip(" .")


def same_answer(
    extracted: str, stated: str, *, kind: str | None, choices: dict[str, str] | None
) -> bool | None:
    """Whether two answers are the same: ``True``, ``False``, or ``None`` when it cannot be decided."""
    if _plain(extracted) == _plain(stated):
        return True
    try:
        from judgeprobe.cases.answers import Decision, equivalent
    except ImportError:
        return None
    try:
        judgement = equivalent(extracted, stated, kind=kind or "text", choices=choices)
    except (ValueError, TypeError):
        return None
    if judgement.decision == Decision.EQUIVALENT:
        return True
    if judgement.decision == Decision.DIFFERENT:
        return False
    return None


def classify_flip(
    *,
    status: str,
    extracted_answer: str | None,
    final_answer: str | None,
    answer_kind: str | None,
    choices: dict[str, str] | None = None,
) -> FlipClass:
    """Class of one flipped (or unscored) variant draw; see the module docstring."""
    if status == "unscored":
        return "parse_failure"
    if not extracted_answer or final_answer is None:
        return "unclassified"
    same = same_answer(extracted_answer, final_answer, kind=answer_kind, choices=choices)
    if same is None:
        return "unclassified"
    return "equivalence_error" if same else "extraction_error"

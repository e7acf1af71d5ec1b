"""The meaning-broken twin of a score variant: a response degraded so that its expected range drops.

A score unit's twin keeps the response id and gets a text whose fair range lies entirely below the
current one (no overlap, so a judge that gives the twin an unchanged score has really missed it):

* the text of another response of the same case whose labelled range ends below the current range's
  low end (typically the case's fluent but wrong answer, ``1-3``), with that response's own range — the
  case author's labels are the most trustworthy expected ranges; or
* :data:`NON_ANSWER`, a response that says nothing about the question, with range :data:`NON_ANSWER_RANGE`
  (``1-2``, the range ``master_key.replace`` gives its null keys), where the current range starts above 2.

``pick`` chooses among the candidates (case order, then the non-answer), so a suite spreads over both
kinds. The twin replaces the whole text: perturbations made earlier in the chain are not carried over.
"""

from __future__ import annotations

from dataclasses import replace

from judgeprobe.cases.models import ScoreCase
from judgeprobe.probes.labels import ScoreLabel
from judgeprobe.probes.variant import Slot, Variant

__all__ = ["NON_ANSWER", "NON_ANSWER_RANGE", "broken_score"]

NON_ANSWER = "I am not able to answer this question."
"""The degraded text that says nothing about the question."""
NON_ANSWER_RANGE = ScoreLabel(1, 2)
"""Expected range of :data:`NON_ANSWER`."""


def broken_score(case: ScoreCase, variant: Variant, *, pick: int = 0) -> Variant | None:
    """The degraded twin of a one-slot score variant (no step appended), or ``None`` where none exists.

    The twin's range ends strictly below the current range's low end; see the module docstring for the
    two kinds of degradation.
    """
    current = ScoreLabel.parse(variant.label)
    if current is None or len(variant.slots) != 1:
        return None
    own_id = variant.slots[0].response_id
    candidates: list[tuple[str, ScoreLabel]] = [
        (response.text, ScoreLabel(*response.label))
        for response in case.responses
        if response.id != own_id and response.label[1] < current.low
    ]
    if NON_ANSWER_RANGE.high < current.low:
        candidates.append((NON_ANSWER, NON_ANSWER_RANGE))
    if not candidates:
        return None
    text, label = candidates[pick % len(candidates)]
    return replace(
        variant,
        slots=(Slot(own_id, text),),
        label=str(label),
        final_answer=None,
        id=f"{variant.id}~broken",
    )

"""How well the built-in grader agrees with the library's labels, on the development and held-out parts.

Every response of every grade case (reference-doubted cases apart: their labels may rightly disagree with
the reference) is graded by ``builtin:reference`` exactly as a run would (the unperturbed variant, its
request with the case's reference rules, the judge's verdict). A response *agrees* when the verdict is the
label; an *undecided* response (an unscored verdict, with the grader's reason) counts against agreement and
is counted apart; a *false accept* is a labelled-incorrect response graded correct, a *false reject* the
reverse. Rates carry their Wilson interval. The split is :mod:`judgeprobe.cases.split`.
"""

from __future__ import annotations

from collections.abc import Coroutine, Iterable
from dataclasses import dataclass, field
from typing import Any

from judgeprobe.cases.models import AnyCase, GradeCase
from judgeprobe.cases.split import PARTS, Part, part_of
from judgeprobe.harness.core.request import JudgeRequest
from judgeprobe.harness.core.verdict import Status, Verdict
from judgeprobe.harness.judges.builtin import BuiltinJudge
from judgeprobe.harness.stats.effects import rate
from judgeprobe.harness.stats.schema import Rate
from judgeprobe.probes.units import base_variants

__all__ = ["TARGETS", "GradeCheck", "GradedResponse", "KindAgreement", "grade_check"]

TARGETS = {"dev": 0.97, "held-out": 0.90}
"""Agreement floors of the two parts (and no labelled-incorrect answer may be accepted in either)."""


@dataclass(frozen=True, slots=True)
class GradedResponse:
    """One response as the grader saw it."""

    case_id: str
    """The case."""
    response_id: str
    """The response within the case."""
    part: Part
    """The split part of the case."""
    kind: str
    """The case's answer kind."""
    label: str
    """``correct`` or ``incorrect``."""
    outcome: str
    """The grader's ``correct`` / ``incorrect``, or ``undecided``."""
    reason: str
    """The grader's reason (for undecided: which part it could not read)."""
    answer: str
    """The final answer the grader extracted."""

    @property
    def agrees(self) -> bool:
        """The verdict is the label."""
        return self.outcome == self.label


@dataclass(frozen=True, slots=True)
class KindAgreement:
    """Agreement of one part (and one answer kind, or ``all``)."""

    part: Part
    """``dev`` or ``held-out``."""
    kind: str
    """An answer kind, or ``all``."""
    agreement: Rate
    """Responses whose verdict is the label, over all responses (undecided ones count as disagreeing)."""
    undecided: int
    """Responses the grader left undecided (each with its reason)."""
    false_accepts: int
    """Labelled incorrect, graded correct."""
    false_rejects: int
    """Labelled correct, graded incorrect."""


@dataclass(frozen=True)
class GradeCheck:
    """The whole check: per part and kind, the graded responses, and the doubted cases left out."""

    rows: tuple[KindAgreement, ...]
    """``all`` first for each part, then each kind."""
    responses: tuple[GradedResponse, ...]
    """Every graded response."""
    doubted: int = 0
    """Responses of reference-doubted cases, left out."""
    targets: dict[str, float] = field(default_factory=lambda: dict(TARGETS))
    """The floors the check is judged against."""

    def total(self, part: Part) -> KindAgreement | None:
        """The ``all`` row of a part (``None`` when the part has no case)."""
        return next((r for r in self.rows if r.part == part and r.kind == "all"), None)

    def failures(self) -> list[str]:
        """Why the check fails its targets (empty when it passes)."""
        problems = []
        for part in PARTS:
            row = self.total(part)
            if row is None or row.agreement.rate is None:
                continue
            floor = self.targets[part]
            if row.agreement.rate < floor:
                problems.append(
                    f"{part} agreement {row.agreement.rate:.1%} ({row.agreement.events}/{row.agreement.n}) "
                    f"is below {floor:.0%}"
                )
            if row.false_accepts:
                problems.append(f"{part}: {row.false_accepts} labelled-incorrect response(s) graded correct")
        return problems


def _drive(coroutine: Coroutine[Any, Any, Verdict]) -> Verdict:
    """Run the built-in judge's coroutine, which never suspends, without an event loop."""
    try:
        coroutine.send(None)
    except StopIteration as done:
        verdict: Verdict = done.value
        return verdict
    coroutine.close()
    raise RuntimeError("the built-in grader suspended; it does no I/O")


def _grade(case: GradeCase, judge: BuiltinJudge) -> list[GradedResponse]:
    graded = []
    for variant in base_variants(case):
        verdict = _drive(judge.judge(JudgeRequest.from_variant(variant)))
        outcome = verdict.outcome if verdict.status is Status.JUDGED and verdict.outcome else "undecided"
        graded.append(
            GradedResponse(
                case_id=case.id,
                response_id=variant.unit_id,
                part=part_of(case.id),
                kind=str(case.answer_kind),
                label=variant.label,
                outcome=outcome,
                reason=verdict.reasoning or verdict.reason or "",
                answer=verdict.extracted_answer or "",
            )
        )
    return graded


def _row(part: Part, kind: str, graded: list[GradedResponse], confidence: float) -> KindAgreement:
    return KindAgreement(
        part=part,
        kind=kind,
        agreement=rate(sum(r.agrees for r in graded), len(graded), confidence=confidence),
        undecided=sum(r.outcome == "undecided" for r in graded),
        false_accepts=sum(r.label == "incorrect" and r.outcome == "correct" for r in graded),
        false_rejects=sum(r.label == "correct" and r.outcome == "incorrect" for r in graded),
    )


def grade_check(
    cases: Iterable[AnyCase], *, grader: str = "reference", confidence: float = 0.95
) -> GradeCheck:
    """Grade every response of every grade case with ``builtin:<grader>`` and tabulate the agreement."""
    judge = BuiltinJudge(grader)
    graded: list[GradedResponse] = []
    doubted = 0
    for case in cases:
        if not isinstance(case, GradeCase):
            continue
        if case.reference_doubt:
            doubted += len(case.responses)
            continue
        graded.extend(_grade(case, judge))
    rows: list[KindAgreement] = []
    for part in PARTS:
        mine = [r for r in graded if r.part == part]
        if not mine:
            continue
        rows.append(_row(part, "all", mine, confidence))
        for kind in sorted({r.kind for r in mine}):
            rows.append(_row(part, kind, [r for r in mine if r.kind == kind], confidence))
    return GradeCheck(tuple(rows), tuple(graded), doubted)

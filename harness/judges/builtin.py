"""The ``builtin`` backend: reference graders that need no network (design §5).

Spec ``builtin:GRADER`` with GRADER one of:

    exact      normalised string match of the extracted final answer and the reference
    math       symbolic/numeric equivalence through the safe parser (numbers, expressions, collections)
    mc         multiple-choice letter / choice-text extraction
    reference  dispatch on the answer kind: mc for multiple choice, math for number/expression/set/
               tuple/interval, the notation comparers for group/complexity class/chemistry/date/boolean,
               exact for text

They read only the request's question, reference, response text, answer kind and choices — never a
case's labels or ``equivalents`` (those are not in the request). They are the embedded default judge and
are probed like any other judge, so they are honestly imperfect: a response without a recognisable
answer (``:``, ``Let's solve this step by step.``) is graded incorrect; an answer the checker cannot
decide (over a parse limit, or out of time) is unscored with the reason. Only grade mode is supported;
pairwise and score requests are skipped.
"""

from __future__ import annotations

import hashlib

from judgeprobe.cases.answers import Decision, Judgement, equivalent, extract_final_answer, normalize
from judgeprobe.cases.models import AnswerKind, Mode
from judgeprobe.harness.core.errors import ConfigError
from judgeprobe.harness.core.request import JudgeRequest
from judgeprobe.harness.core.verdict import ErrorKind, Verdict
from judgeprobe.harness.judges.base import Judge
from judgeprobe.harness.judges.registry import JudgeConfig, register_backend

__all__ = ["GRADERS", "GRADER_VERSION", "BuiltinJudge", "builtin_backend"]

GRADERS = ("exact", "math", "mc", "reference")
"""Names accepted after ``builtin:``."""
GRADER_VERSION = "1"
"""Bumped when grading behaviour changes, so cached verdicts of an older grader are not reused."""

_MATH_KINDS = (
    AnswerKind.NUMBER,
    AnswerKind.EXPRESSION,
    AnswerKind.SET,
    AnswerKind.TUPLE,
    AnswerKind.INTERVAL,
)
_NOTATION_KINDS = (
    AnswerKind.GROUP,
    AnswerKind.COMPLEXITY_CLASS,
    AnswerKind.CHEMISTRY,
    AnswerKind.DATE,
    AnswerKind.BOOLEAN,
)


def _kind(request: JudgeRequest) -> AnswerKind:
    try:
        return AnswerKind(request.answer_kind) if request.answer_kind else AnswerKind.TEXT
    except ValueError:
        return AnswerKind.TEXT


class BuiltinJudge(Judge):
    """One of the built-in reference graders (see the module docstring)."""

    def __init__(self, grader: str) -> None:
        if grader not in GRADERS:
            raise ConfigError(f"unknown builtin grader {grader!r}; expected one of {', '.join(GRADERS)}")
        self.grader = grader
        self.name = f"builtin:{grader}"

    def supports(self, mode: Mode) -> bool:
        """Grade mode only."""
        return mode is Mode.GRADE

    async def judge(self, request: JudgeRequest) -> Verdict:
        """Grade one response against the reference; never raises."""
        if request.mode is not Mode.GRADE:
            return Verdict.skipped(f"{self.name} grades reference-graded cases only")
        if request.reference is None or not request.responses:
            return Verdict.unscored(f"{self.name} needs a reference and one response")
        try:
            return self._grade(request)
        except Exception as exc:  # a grader bug must become a kept verdict, not a crashed run
            return Verdict.error(ErrorKind.CRASH, f"{self.name} failed: {type(exc).__name__}: {exc}")

    def _route(self, kind: AnswerKind) -> str:
        if self.grader != "reference":
            return self.grader
        if kind is AnswerKind.MULTIPLE_CHOICE:
            return "mc"
        if kind in _MATH_KINDS:
            return "math"
        if kind in _NOTATION_KINDS:
            return "notation"
        return "exact"

    def _grade(self, request: JudgeRequest) -> Verdict:
        reference = request.reference or ""
        kind = _kind(request)
        extracted = extract_final_answer(request.responses[0])
        shown = " ".join(extracted.split())
        if not normalize(extracted, kind=kind):
            return Verdict.judged(
                "incorrect",
                extracted_answer=shown,
                confidence=100.0,
                reasoning="no final answer found in the response",
                meta={"grader": self.grader},
            )
        route = self._route(kind)
        judgement = self._compare(route, extracted, reference, kind, request)
        meta = {"grader": self.grader, "route": route, "decision": str(judgement.decision)}
        if judgement.decision is Decision.UNDECIDED:
            return Verdict.unscored(
                judgement.reason, extracted_answer=shown, reasoning=judgement.reason, meta=meta
            )
        outcome = "correct" if judgement.decision is Decision.EQUIVALENT else "incorrect"
        return Verdict.judged(
            outcome, extracted_answer=shown, confidence=100.0, reasoning=judgement.reason, meta=meta
        )

    @staticmethod
    def _compare(
        route: str, answer: str, reference: str, kind: AnswerKind, request: JudgeRequest
    ) -> Judgement:
        if route == "exact":
            same = normalize(answer, kind=kind) == normalize(reference, kind=kind)
            reason = "normalised strings match" if same else "normalised strings differ"
            return Judgement(Decision.EQUIVALENT if same else Decision.DIFFERENT, reason)
        if route == "mc":
            return equivalent(answer, reference, kind=AnswerKind.MULTIPLE_CHOICE, choices=request.choices)
        if route == "math":
            math_kind = kind if kind in _MATH_KINDS else AnswerKind.EXPRESSION
            return equivalent(answer, reference, kind=math_kind)
        return equivalent(answer, reference, kind=kind, choices=request.choices)


@register_backend("builtin", description="reference graders without a network: exact, math, mc, reference")
def builtin_backend(config: JudgeConfig) -> Judge:
    """Build ``builtin:GRADER`` (an empty target means ``reference``)."""
    grader = config.target.strip() or "reference"
    if grader not in GRADERS:
        raise ConfigError(f"unknown builtin grader {grader!r}; expected one of: {', '.join(GRADERS)}")
    judge = BuiltinJudge(grader)
    blob = f"{config.content_hash()}\x00builtin-grader-v{GRADER_VERSION}"
    judge.config_hash = hashlib.sha256(blob.encode()).hexdigest()[:16]
    return judge

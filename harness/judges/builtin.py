"""The ``builtin`` backend: reference graders that need no network.

Spec ``builtin:GRADER`` with GRADER one of:

    exact      normalised string match of the extracted final answer and the reference
    math       symbolic/numeric equivalence through the safe parser (numbers, expressions, collections)
    mc         multiple-choice letter / choice-text extraction
    reference  each answer kind's own route from the answer-kind table (mc for multiple choice, math for
               number/expression/set/tuple/interval, the notation comparers for group/complexity class/
               chemistry/date/boolean, exact for text; a registered kind brings its own)

The grading itself is :func:`judgeprobe.cases.answers.grade`; this module only turns its
:class:`~judgeprobe.cases.answers.Grading` into a verdict. The graders read only the request's question,
reference, response text, answer kind, choices and the case's reference rules (tolerance, aliases, the
multiple-choice conflict policy) — never a case's labels or ``equivalents`` (those are not in the
request). They are the embedded default judge and are probed like any other judge, so they are
honestly imperfect: a response without a recognisable answer (``:``, ``Let's solve this step by
step.``) is graded incorrect; an answer the checker cannot decide (over a parse limit, or out of time) is
unscored with the reason. Only grade mode is supported; pairwise and score requests are skipped.
"""

from __future__ import annotations

import hashlib

from judgeprobe.cases.answers import AnswerKind, Decision, Route, grade
from judgeprobe.cases.models import Mode
from judgeprobe.harness.core.errors import ConfigError
from judgeprobe.harness.core.request import JudgeRequest
from judgeprobe.harness.core.verdict import ErrorKind, Verdict
from judgeprobe.harness.judges.base import Judge
from judgeprobe.harness.judges.registry import JudgeConfig, register_backend

__all__ = ["GRADERS", "GRADER_VERSION", "BuiltinJudge", "builtin_backend"]

GRADERS = ("exact", "math", "mc", "reference")
"""Names accepted after ``builtin:``."""
GRADER_VERSION = "2"
"""Bumped when grading behaviour changes, so cached verdicts of an older grader are not reused."""
_ROUTES: dict[str, Route | None] = {
    "exact": Route.EXACT,
    "math": Route.MATH,
    "mc": Route.MC,
    "reference": None,
}
"""Grader -> the route it forces (``reference``: each kind's own route)."""


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

    def _grade(self, request: JudgeRequest) -> Verdict:
        grading = grade(
            request.reference or "",
            request.responses[0],
            kind=request.answer_kind or AnswerKind.TEXT,
            choices=request.choices,
            route=_ROUTES[self.grader],
            rules=request.rules,
            question=request.question,
        )
        shown = " ".join(grading.answer.split())
        if grading.route is None:  # no answer to compare
            return Verdict.judged(
                "incorrect",
                extracted_answer=shown,
                confidence=100.0,
                reasoning=grading.reason,
                meta={"grader": self.grader},
            )
        meta = {"grader": self.grader, "route": str(grading.route), "decision": str(grading.decision)}
        if grading.decision is Decision.UNDECIDED:
            return Verdict.unscored(
                grading.reason, extracted_answer=shown, reasoning=grading.reason, meta=meta
            )
        outcome = "correct" if grading.decision is Decision.EQUIVALENT else "incorrect"
        return Verdict.judged(
            outcome, extracted_answer=shown, confidence=100.0, reasoning=grading.reason, meta=meta
        )


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

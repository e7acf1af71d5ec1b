"""Planted judges for the shipped library's pairwise and score units (hand-written and derived).

A fair answer needs the adjudicated labels, which a request does not carry, so :func:`oracle` looks them up
in the shipped library: by (question, response text) first, so a control that moves a text to the other
response id is followed, and by (question, response id) for texts a probe rewrote (padding, citations),
which keep their label. Derived units are found under their derived question (multiple-choice options
appended). A rewritten *and* meaning-broken text falls back to its id's old label, so these judges miss
most text controls: they are built for the position and noise statistics, not for control miss rates.

Judges (callables ``(JudgeRequest) -> Verdict``, randomness from a local RNG seeded by the request content
and a salt, so every run is reproducible):

* :class:`SlotJudge`: pairwise, prefers slot 1 with probability ``p_first`` (slot 2 when negative),
  otherwise picks a random slot with probability ``noise``, otherwise answers fairly. Its preference
  fairness is exactly ``p_first`` (random slot picks add nothing), whatever the labels;
* :class:`CoinJudge`: a fair coin in every mode (pairwise: tie with probability ``tie``, else either slot;
  grade: correct or incorrect; score: 1–10 uniformly). Nothing it says depends on the content, so every
  probe's true excess flip rate is 0 and every slot statistic is fair.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from planted import rng_for

from judgeprobe.cases.loader import load_library
from judgeprobe.cases.models import GradeCase, Mode, PairwiseCase, ScoreCase
from judgeprobe.harness.core.request import JudgeRequest
from judgeprobe.harness.core.verdict import Verdict
from judgeprobe.probes.derived import CORRECT_RANGE, INCORRECT_RANGE, derive_units, derived_question

__all__ = ["CoinJudge", "SlotJudge", "coin", "oracle", "slot_10"]

Labels = dict[tuple[str, str], str]


@functools.lru_cache(maxsize=1)
def _labels() -> tuple[Labels, Labels]:
    """(question, text) -> label and (question, response id) -> label over the shipped library: grade
    labels (``correct``/``incorrect``), pairwise labels (``better``/``worse``/``tie``) and score ranges
    (``low-high``), for each case's own units and its derived ones."""
    by_text: Labels = {}
    by_id: Labels = {}

    def add(question: str, rid: str, text: str, label: str) -> None:
        by_text.setdefault((question, text), label)
        by_id.setdefault((question, rid), label)

    for case in load_library():
        if isinstance(case, GradeCase):
            for response in case.responses:
                add(case.question, response.id, response.text, response.label)
            for unit in derive_units(case, [Mode.PAIRWISE]):
                for r in unit.case.responses:
                    add(
                        derived_question(case), r.id, r.text, "correct" if r.label != "worse" else "incorrect"
                    )
        elif isinstance(case, PairwiseCase):
            for r in case.responses:
                add(case.question, r.id, r.text, r.label)
        elif isinstance(case, ScoreCase):
            for s in case.responses:
                add(case.question, s.id, s.text, f"{s.label[0]}-{s.label[1]}")
    return by_text, by_id


def _label(request: JudgeRequest, index: int) -> str | None:
    by_text, by_id = _labels()
    key = (request.question, request.responses[index])
    if key in by_text:
        return by_text[key]
    return by_id.get((request.question, request.response_ids[index]))


_GOOD = {"correct", "better", "tie"}


def oracle(request: JudgeRequest) -> Verdict:
    """The adjudicated answer: grade the label, pairwise the better response (``tie`` when both or neither
    are good), score the middle of the expected range (correct/incorrect derived units: the middle of
    their half of the scale)."""
    if request.mode is Mode.PAIRWISE:
        good = [rid for i, rid in enumerate(request.response_ids) if _label(request, i) in _GOOD]
        choice = good[0] if len(good) == 1 else "tie"
        return Verdict.judged(choice, raw_reply=f"[[{choice}]]")
    label = _label(request, 0) or "incorrect"
    if request.mode is Mode.SCORE:
        low, high = {"correct": CORRECT_RANGE, "incorrect": INCORRECT_RANGE}.get(label, (0, 0))
        if high == 0:
            low, _, top = label.partition("-")
            low, high = int(low or 1), int(top or 10)
        value = (low + high) // 2
        return Verdict.judged(str(value), score=float(value), raw_reply=f"Rating: [[{value}]]")
    outcome = "correct" if label == "correct" else "incorrect"
    return Verdict.judged(outcome, raw_reply=f"correct: {outcome}")


@dataclass(frozen=True)
class SlotJudge:
    """Pairwise: slot 1 with probability ``p_first`` (slot 2 with ``-p_first`` when negative), else a random
    slot with probability ``noise``, else fair. Other modes: the oracle."""

    p_first: float = 0.1
    noise: float = 0.0
    salt: str = "slot"

    def __call__(self, request: JudgeRequest) -> Verdict:
        if request.mode is not Mode.PAIRWISE or len(request.response_ids) != 2:
            return oracle(request)
        rng = rng_for(request, self.salt)
        if rng.random() < abs(self.p_first):
            choice = request.response_ids[0 if self.p_first > 0 else 1]
        elif rng.random() < self.noise:
            choice = request.response_ids[rng.randrange(2)]
        else:
            return oracle(request)
        return Verdict.judged(choice, raw_reply=f"[[{choice}]]")


@dataclass(frozen=True)
class CoinJudge:
    """A fair coin in every mode; pairwise says ``tie`` with probability ``tie``."""

    tie: float = 1 / 3
    salt: str = "coin"

    def __call__(self, request: JudgeRequest) -> Verdict:
        rng = rng_for(request, self.salt)
        if request.mode is Mode.PAIRWISE:
            if rng.random() < self.tie:
                return Verdict.judged("tie", raw_reply="[[C]]")
            choice = request.response_ids[rng.randrange(len(request.response_ids))]
            return Verdict.judged(choice, raw_reply=f"[[{choice}]]")
        if request.mode is Mode.SCORE:
            value = rng.randint(1, 10)
            return Verdict.judged(str(value), score=float(value), raw_reply=f"Rating: [[{value}]]")
        outcome = "correct" if rng.random() < 0.5 else "incorrect"
        return Verdict.judged(outcome, raw_reply=f"correct: {outcome}")


slot_10 = SlotJudge(p_first=0.1, noise=0.1)
"""A 10-point slot-1 preference with 10 % random picks."""
coin = CoinJudge()
"""A fair coin (a third of pairwise verdicts are ties)."""


@dataclass(frozen=True)
class SelfJudge:
    """Recognises its own texts (``own``: (question, text)) and favours them by ``p``; otherwise an
    imperfect fair judge with the labels ``labels`` ((question, text) -> correct/incorrect).

    Grade: accepts a correct response with probability ``accuracy`` and an incorrect one with
    ``1 - accuracy``, both raised by ``p`` for its own texts (so its acceptance of them is ``p`` higher at
    either label). Pairwise: picks its own response with probability ``p`` when exactly one of the two is
    its own; otherwise the better response (by ``labels``: text -> correct/incorrect) with probability
    ``accuracy``, a tie between two correct ones. Its true self-preference is ``p`` in both modes.
    """

    own: frozenset[tuple[str, str]]
    labels: tuple[tuple[tuple[str, str], str], ...]
    p: float = 0.15
    accuracy: float = 0.8
    salt: str = "self"

    def __call__(self, request: JudgeRequest) -> Verdict:
        rng = rng_for(request, self.salt)
        labels = dict(self.labels)
        if request.mode is Mode.PAIRWISE:
            pairs = list(zip(request.response_ids, request.responses, strict=True))
            mine = [rid for rid, text in pairs if (request.question, text) in self.own]
            if len(mine) == 1 and rng.random() < self.p:
                return Verdict.judged(mine[0])
            good = [rid for rid, text in pairs if labels.get((request.question, text)) == "correct"]
            if len(good) != 1:
                return Verdict.judged("tie")
            bad = next(rid for rid in request.response_ids if rid != good[0])
            return Verdict.judged(good[0] if rng.random() < self.accuracy else bad)
        key = (request.question, request.responses[0])
        accept = self.accuracy if labels.get(key) == "correct" else 1 - self.accuracy
        if key in self.own:
            accept += self.p
        return Verdict.judged("correct" if rng.random() < accept else "incorrect")

"""Pairwise and score units derived from the labelled grade library.

A grade case lists responses adjudicated ``correct`` or ``incorrect`` against its reference. Those labels
already say which of two responses is better, so every grade case also yields:

* **pairwise units**, one per pair of its responses where the better side is known: a correct response
  against an incorrect one (the correct one is better), and two correct ones (a tie is expected); and each
  correct response against each of the case's ``non_equivalents`` (answers the author adjudicated as
  meaning-breaking, so wrong), unless that text is already a response. Two incorrect responses make no
  unit: nothing says which is less wrong. The default suite judges every such pair in both orders
  (``position.swap`` applies to all of them), which is what position consistency and the slot-1 share
  need;
* **score units**, one per response: a correct response is expected to score in :data:`CORRECT_RANGE`
  (the upper half of the 1–10 scale), an incorrect one in :data:`INCORRECT_RANGE`.

Each derived unit comes with a synthesized :class:`~judgeprobe.cases.models.PairwiseCase` or
:class:`~judgeprobe.cases.models.ScoreCase` (same id, question, reference and tags as the grade case), which
is what probes read as their case, so every pairwise and score probe applies unchanged. Units keep the grade
case's id, so statistics cluster them with the case they come from; their unit ids carry a prefix
(``pair:<first>:<second>`` and ``score:<response>``) so they never collide with the grade units. For a
multiple-choice case the options are appended to the question (pairwise and score templates show no
``[choices]`` field).

Which response sits in the first slot of a pair's unperturbed variant is decided by a stable hash of the
case and response ids, so half the pairs show the better response first; the order never depends on the
seed. Everything here is deterministic.
"""

from __future__ import annotations

import zlib
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from itertools import combinations

from judgeprobe.cases.models import (
    GradeCase,
    GradeResponse,
    Mode,
    PairwiseCase,
    PairwiseLabel,
    PairwiseResponse,
    ScoreCase,
    ScoreResponse,
)
from judgeprobe.probes.variant import Relation, Slot, Variant

__all__ = [
    "CORRECT_RANGE",
    "DERIVED_MODES",
    "DERIVED_SHARE",
    "INCORRECT_RANGE",
    "NON_EQUIVALENT_WHY",
    "DerivedUnit",
    "derive_units",
    "derived_counts",
    "derived_question",
    "is_derived_unit",
]

DERIVED_MODES: frozenset[Mode] = frozenset({Mode.PAIRWISE, Mode.SCORE})
"""Modes that units can be derived into."""
CORRECT_RANGE: tuple[int, int] = (6, 10)
"""Expected score of a response labelled ``correct`` (the upper half of the scale)."""
INCORRECT_RANGE: tuple[int, int] = (1, 5)
"""Expected score of a response labelled ``incorrect`` (the lower half)."""
DERIVED_SHARE = 0.1
"""Default share of derived units a probe is applied to by the default suite (see
:attr:`judgeprobe.probes.base.ProbeInfo.derived_share`): derived units are many (hundreds per mode), so a
tenth gives each probe as many units as the hand-written cases do, and the suite stays small."""

_PAIR_PREFIX = "pair:"
_SCORE_PREFIX = "score:"


@dataclass(frozen=True)
class DerivedUnit:
    """One derived unit: the case its probes read and its unperturbed variant."""

    case: PairwiseCase | ScoreCase
    """Synthesized case (the grade case's id, question, reference and tags; derived labels)."""
    base: Variant
    """The unit's unperturbed variant (mode pairwise or score)."""


def is_derived_unit(unit_id: str) -> bool:
    """Whether a unit id names a unit derived from a grade case (``pair:…`` or ``score:…``)."""
    return unit_id.startswith((_PAIR_PREFIX, _SCORE_PREFIX))


def derived_question(case: GradeCase) -> str:
    """The question shown for a derived unit: the grade question, with the options for multiple choice."""
    if not case.choices:
        return case.question
    options = "\n".join(f"{letter}. {text}" for letter, text in case.choices.items())
    return f"{case.question}\n\nOptions:\n{options}"


NON_EQUIVALENT_WHY = (
    "Listed by the case author as a non-equivalent: a meaning-breaking neighbour of the reference."
)
"""The adjudication a non-equivalent carries when it stands in a derived pair."""


def _non_equivalents(case: GradeCase) -> list[GradeResponse]:
    """The case's ``non_equivalents`` as incorrect responses (``non-equivalent-<n>``, 1-based), leaving out
    any whose text is already one of the case's responses."""
    texts = {response.text.strip() for response in case.responses}
    return [
        GradeResponse(id=f"non-equivalent-{n}", text=text, label="incorrect", why=NON_EQUIVALENT_WHY)
        for n, text in enumerate(case.non_equivalents, start=1)
        if text.strip() not in texts
    ]


def _pairable(case: GradeCase) -> list[tuple[GradeResponse, GradeResponse]]:
    """Pairs with a known better side, in case order: every two responses of which at least one is correct
    (correct-incorrect, or correct-correct for a tie), then every correct response against each of the
    case's non-equivalents."""
    pairs = [(a, b) for a, b in combinations(case.responses, 2) if "correct" in (a.label, b.label)]
    correct = [response for response in case.responses if response.label == "correct"]
    pairs += [(a, b) for a in correct for b in _non_equivalents(case)]
    return pairs


def _pair_response(response: GradeResponse, label: PairwiseLabel) -> PairwiseResponse:
    return PairwiseResponse(
        id=response.id, text=response.text, why=response.why, label=label, author=response.author
    )


def _pairs(case: GradeCase, seed: int) -> list[DerivedUnit]:
    question = derived_question(case)
    out: list[DerivedUnit] = []
    for a, b in _pairable(case):
        labels: tuple[PairwiseLabel, PairwiseLabel]
        if a.label == b.label:
            labels = ("tie", "tie")
        elif a.label == "correct":
            labels = ("better", "worse")
        else:
            labels = ("worse", "better")
        synthetic = PairwiseCase(
            id=case.id,
            question=question,
            source=case.source,
            tags=case.tags,
            reference_doubt=case.reference_doubt,
            doubt_reason=case.doubt_reason,
            reference=case.reference,
            responses=(_pair_response(a, labels[0]), _pair_response(b, labels[1])),
        )
        slots = (Slot(a.id, a.text, a.author), Slot(b.id, b.text, b.author))
        if zlib.crc32(f"{case.id}\x00{a.id}\x00{b.id}".encode()) & 1:
            slots = slots[::-1]
        base = Variant(
            case_id=case.id,
            unit_id=f"{_PAIR_PREFIX}{a.id}:{b.id}",
            mode=Mode.PAIRWISE,
            question=question,
            reference=case.reference,
            answer_kind=None,
            choices=None,
            slots=slots,
            chain=(),
            seed=seed,
            relation=Relation.BASE,
            label=synthetic.preferred,
        )
        out.append(DerivedUnit(synthetic, base))
    return out


def _score_range(response: GradeResponse) -> tuple[int, int]:
    return CORRECT_RANGE if response.label == "correct" else INCORRECT_RANGE


def _scores(case: GradeCase, seed: int) -> list[DerivedUnit]:
    question = derived_question(case)
    synthetic = ScoreCase(
        id=case.id,
        question=question,
        source=case.source,
        tags=case.tags,
        reference_doubt=case.reference_doubt,
        doubt_reason=case.doubt_reason,
        reference=case.reference,
        responses=tuple(
            ScoreResponse(id=r.id, text=r.text, why=r.why, label=_score_range(r), author=r.author)
            for r in case.responses
        ),
    )
    out: list[DerivedUnit] = []
    for response in case.responses:
        low, high = _score_range(response)
        base = Variant(
            case_id=case.id,
            unit_id=f"{_SCORE_PREFIX}{response.id}",
            mode=Mode.SCORE,
            question=question,
            reference=case.reference,
            answer_kind=None,
            choices=None,
            slots=(Slot(response.id, response.text, response.author),),
            chain=(),
            seed=seed,
            relation=Relation.BASE,
            label=f"{low}-{high}",
        )
        out.append(DerivedUnit(synthetic, base))
    return out


def derive_units(case: GradeCase, modes: Collection[Mode], *, seed: int = 0) -> list[DerivedUnit]:
    """The units derived from one grade case into ``modes`` (pairwise first, then score; case order)."""
    out: list[DerivedUnit] = []
    if Mode.PAIRWISE in modes:
        out += _pairs(case, seed)
    if Mode.SCORE in modes:
        out += _scores(case, seed)
    return out


def derived_counts(cases: Iterable[object]) -> dict[Mode, int]:
    """Units the grade cases among ``cases`` yield per derived mode (pairs judged in both orders count
    once)."""
    pairs = scores = 0
    for case in cases:
        if isinstance(case, GradeCase):
            pairs += len(_pairable(case))
            scores += len(case.responses)
    return {Mode.PAIRWISE: pairs, Mode.SCORE: scores}

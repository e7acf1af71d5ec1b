"""Judges with planted, known behaviour, and a small hand-built variant suite to probe them with.

Each judge is a plain callable ``(JudgeRequest) -> Verdict`` so the ``python`` backend can load it as
``python:<this module>:<name>``. Randomness comes from a local RNG seeded by the request content (which
includes the draw index) and a per-judge salt, never from the global RNG: the same request always gets the
same answer, and the tests are deterministic.

The suite (:func:`build_suite`) has grade cases ``What is n + 1?`` with one correct and one incorrect
response, length padding doses, LaTeX reformatting, answer-changing controls, and pairwise cases with an
order swap.

Two more judges are for the confounded case (``test_confounded.py``), where the better responses are also the
longer ones: :class:`QualityJudge` judges only what the response says, :class:`LengthLovingJudge` only how
long it is. On unperturbed confounded cases they give the same verdicts; only probes that change length while
keeping the meaning tell them apart.
"""

from __future__ import annotations

import hashlib
import random
import re
from collections.abc import Callable
from dataclasses import dataclass, replace

from judgeprobe.cases.models import Mode
from judgeprobe.harness.core.records import DrawRecord, record_for
from judgeprobe.harness.core.request import JudgeRequest
from judgeprobe.harness.core.verdict import Verdict
from judgeprobe.probes.variant import Relation, Slot, Step, Variant

__all__ = [
    "CONFOUNDED",
    "DOSES",
    "PLANTED",
    "Callable",
    "FirstSlotJudge",
    "JudgeRequest",
    "LatexRejectingJudge",
    "LengthLovingJudge",
    "LongWrongJudge",
    "NoisyJudge",
    "NoisyLatexJudge",
    "QualityJudge",
    "Variant",
    "Verdict",
    "build_suite",
    "run_direct",
    "stated_answer",
    "word_count",
    "yes_sayer",
]

FILLER_TEXT = (
    "Let me restate the problem carefully before answering it, and walk through each step of reasoning "
    "so that the final result is clear and easy to check for anyone reading along with me here"
)
FILLER = tuple(FILLER_TEXT.split(" "))
"""Padding words (no digits, so the answer stays the only number)."""

LONG_WORDS = 40
"""The long-wrong judge calls a response long above this many words."""


def rng_for(request: JudgeRequest, salt: str) -> random.Random:
    """A local RNG seeded from the request content (draw included) and a salt."""
    digest = hashlib.sha256(f"{salt}\x00{request.content_key()}".encode()).hexdigest()
    return random.Random(int(digest[:16], 16))


def final_number(text: str) -> str | None:
    """The last integer in a response (``$\\boxed{12}$`` reads as ``12``)."""
    found = re.findall(r"-?\d+", text)
    return found[-1] if found else None


def fair_grade(request: JudgeRequest) -> tuple[bool, str | None]:
    """A fair grade: the response's last number equals the reference."""
    extracted = final_number(request.responses[0])
    return extracted is not None and extracted == (request.reference or "").strip(), extracted


def fair_preference(request: JudgeRequest) -> str:
    """Pairwise: the response whose last number equals the reference, else ``tie``."""
    hits = [
        rid
        for rid, text in zip(request.response_ids, request.responses, strict=True)
        if final_number(text) == (request.reference or "").strip()
    ]
    return hits[0] if len(hits) == 1 else "tie"


def _fair_pairwise(request: JudgeRequest) -> Verdict:
    choice = fair_preference(request)
    return Verdict.judged(choice, raw_reply=f"[[{choice}]]")


def _grade(correct: bool, extracted: str | None, *, confidence: float = 90.0) -> Verdict:
    outcome = "correct" if correct else "incorrect"
    return Verdict.judged(
        outcome, extracted_answer=extracted, confidence=confidence, raw_reply=f"correct: {outcome}"
    )


@dataclass(frozen=True)
class FirstSlotJudge:
    """Pairwise: prefers the response in the first slot with probability ``p_first``; fair otherwise."""

    p_first: float = 0.4
    salt: str = "first-slot"

    def __call__(self, request: JudgeRequest) -> Verdict:
        if request.mode is not Mode.PAIRWISE:
            correct, extracted = fair_grade(request)
            return _grade(correct, extracted)
        if rng_for(request, self.salt).random() < self.p_first:
            choice = request.response_ids[0]
        else:
            choice = fair_preference(request)
        return Verdict.judged(choice, raw_reply=f"[[{choice}]]")


@dataclass(frozen=True)
class LongWrongJudge:
    """Grade: accepts a wrong answer when the response is longer than ``LONG_WORDS`` words (with
    probability ``p_accept``); fair otherwise."""

    p_accept: float = 1.0
    salt: str = "long-wrong"

    def __call__(self, request: JudgeRequest) -> Verdict:
        if request.mode is Mode.PAIRWISE:
            return _fair_pairwise(request)
        correct, extracted = fair_grade(request)
        long = len(request.responses[0].split()) > LONG_WORDS
        if not correct and long and rng_for(request, self.salt).random() < self.p_accept:
            correct = True
        return _grade(correct, extracted)


@dataclass(frozen=True)
class LatexRejectingJudge:
    """Grade: rejects any response written with LaTeX (``$`` or a backslash) with probability ``p_reject``."""

    p_reject: float = 1.0
    salt: str = "latex"

    def __call__(self, request: JudgeRequest) -> Verdict:
        if request.mode is Mode.PAIRWISE:
            return _fair_pairwise(request)
        correct, extracted = fair_grade(request)
        text = request.responses[0]
        if ("$" in text or "\\" in text) and rng_for(request, self.salt).random() < self.p_reject:
            correct = False
        return _grade(correct, extracted)


def yes_sayer(request: JudgeRequest) -> Verdict:
    """Says ``correct`` to everything (pairwise: always ``tie``)."""
    if request.mode is Mode.PAIRWISE:
        return Verdict.judged("tie", raw_reply="[[C]]")
    return _grade(True, final_number(request.responses[0]), confidence=100.0)


@dataclass(frozen=True)
class NoisyJudge:
    """Fair, but each draw's verdict is replaced by the other one with probability ``rate``."""

    rate: float = 0.2
    salt: str = "noisy"

    def __call__(self, request: JudgeRequest) -> Verdict:
        flip = rng_for(request, self.salt).random() < self.rate
        if request.mode is Mode.PAIRWISE:
            choice = fair_preference(request)
            if flip:
                others = [rid for rid in request.response_ids if rid != choice]
                choice = others[0] if choice != "tie" else request.response_ids[0]
            return Verdict.judged(choice, raw_reply=f"[[{choice}]]")
        correct, extracted = fair_grade(request)
        return _grade(correct != flip, extracted, confidence=80.0)


@dataclass(frozen=True)
class NoisyLatexJudge:
    """Grade: a noisy judge with a bias of a chosen size against (or for) LaTeX-written responses.

    Every draw's verdict is replaced by the other one with probability ``noise``. A response written with
    LaTeX (``$`` or a backslash, as :class:`LatexRejectingJudge` reads it) first has its fair verdict
    replaced with probability ``bias / (1 - 2 noise)``, so that its verdict differs from the fair one with
    probability ``noise + bias``: the LaTeX probe's flip rate exceeds the placebo flip rate (``noise``) by
    ``bias``, for right and wrong responses alike. Every other probe sees noise only. ``bias = 0`` is the
    fair noisy judge. Pairwise: fair, with the same noise as :class:`NoisyJudge`."""

    bias: float = 0.15
    noise: float = 0.1
    salt: str = "noisy-latex"

    def __post_init__(self) -> None:
        if not 0.0 <= self.noise < 0.5 or not 0.0 <= self.bias <= 1.0 - 2.0 * self.noise:
            raise ValueError(f"expected 0 <= noise < 0.5 and 0 <= bias <= 1 - 2 noise, got {self}")

    def __call__(self, request: JudgeRequest) -> Verdict:
        rng = rng_for(request, self.salt)
        planted, flip = rng.random(), rng.random() < self.noise
        if request.mode is Mode.PAIRWISE:
            return NoisyJudge(rate=self.noise, salt=self.salt)(request)
        correct, extracted = fair_grade(request)
        text = request.responses[0]
        if ("$" in text or "\\" in text) and planted < self.bias / (1.0 - 2.0 * self.noise):
            correct = not correct
        return _grade(correct != flip, extracted, confidence=80.0)


first_slot = FirstSlotJudge()
"""Prefers the first slot 40 % of the time."""
long_wrong = LongWrongJudge()
"""Accepts every long wrong answer."""
latex_rejecting = LatexRejectingJudge()
"""Rejects every LaTeX-formatted response."""
noisy = NoisyJudge()
"""Fair judge flipping 20 % of verdicts at random."""

PLANTED: dict[str, Callable[[JudgeRequest], Verdict]] = {
    "first_slot": first_slot,
    "long_wrong": long_wrong,
    "latex_rejecting": latex_rejecting,
    "yes_sayer": yes_sayer,
    "noisy": noisy,
}
"""The planted judges by name (module attribute names, for ``python:`` specs)."""

_ANSWER_LINE = re.compile(r"(?im)^[ \t]*answer[ \t]*:[ \t]*(-?\d+)[ \t.]*$")


def stated_answer(text: str) -> str | None:
    """The number on a response's last ``Answer: N`` line (padding, restated questions and recaps added by
    probes never read as one)."""
    found = _ANSWER_LINE.findall(text)
    return found[-1] if found else None


def word_count(text: str) -> int:
    """Words in a response (whitespace-separated)."""
    return len(text.split())


@dataclass(frozen=True)
class QualityJudge:
    """Judges quality only, never length. Grade: ``correct`` when the stated answer equals the reference.
    Pairwise: prefers the one response whose stated answer equals the reference (``tie`` otherwise). Each
    draw's verdict is replaced by the other one with probability ``rate`` (noise that ignores length too)."""

    rate: float = 0.0
    salt: str = "quality"

    def __call__(self, request: JudgeRequest) -> Verdict:
        reference = (request.reference or "").strip()
        flip = self.rate > 0 and rng_for(request, self.salt).random() < self.rate
        if request.mode is Mode.PAIRWISE:
            hits = [
                rid
                for rid, text in zip(request.response_ids, request.responses, strict=True)
                if stated_answer(text) == reference
            ]
            choice = hits[0] if len(hits) == 1 else "tie"
            if flip:
                others = [rid for rid in request.response_ids if rid != choice]
                choice = others[0]
            return Verdict.judged(choice, raw_reply=f"[[{choice}]]")
        extracted = stated_answer(request.responses[0])
        return _grade((extracted is not None and extracted == reference) != flip, extracted)


@dataclass(frozen=True)
class LengthLovingJudge:
    """Judges length only, never quality. Grade: ``correct`` when the response has at least ``long_words``
    words. Pairwise: prefers the response with more words (``tie`` when equal)."""

    long_words: int = 30

    def __call__(self, request: JudgeRequest) -> Verdict:
        if request.mode is Mode.PAIRWISE:
            counts = [word_count(text) for text in request.responses]
            longest = max(counts)
            winners = [rid for rid, n in zip(request.response_ids, counts, strict=True) if n == longest]
            choice = winners[0] if len(winners) == 1 else "tie"
            return Verdict.judged(choice, raw_reply=f"[[{choice}]]")
        long = word_count(request.responses[0]) >= self.long_words
        return _grade(long, stated_answer(request.responses[0]))


quality = QualityJudge()
"""Grades the stated answer only."""
noisy_quality = QualityJudge(rate=0.15)
"""Grades the stated answer only, flipping 15 % of verdicts at random."""
length_loving = LengthLovingJudge()
"""Grades length only: 30 words or more is correct; the longer response wins."""

CONFOUNDED: dict[str, Callable[[JudgeRequest], Verdict]] = {
    "quality": quality,
    "noisy_quality": noisy_quality,
    "length_loving": length_loving,
}
"""The judges of the confounded-case validation by name (module attribute names)."""

DOSES: tuple[int, ...] = (8, 24, 64)
"""Padding doses in words: the first keeps responses short, the last makes them long."""


def _pad(answer: str, words: int) -> str:
    filler = " ".join(FILLER[i % len(FILLER)] for i in range(words))
    return f"{filler}. The answer is {answer}"


def derive(
    base: Variant,
    *,
    slots: tuple[Slot, ...],
    probe: str,
    relation: Relation,
    family: str,
    label: str | None = None,
    dose: float | None = None,
    final_answer: str | None = None,
) -> Variant:
    """A perturbed variant of ``base`` (a fresh id is computed from the new content)."""
    params = {"words": int(dose)} if dose is not None else {}
    return replace(
        base,
        slots=slots,
        chain=(Step.of(probe, **params),),
        relation=relation,
        label=label if label is not None else base.label,
        family=family,
        dose=dose,
        final_answer=final_answer if final_answer is not None else base.final_answer,
        id="",
    )


WIDE_PROBES: tuple[tuple[str, str, str], ...] = (
    ("formatting.italic", "formatting", "*{answer}*"),
    ("formatting.spacing", "formatting", "   {answer}   "),
    (
        "verbosity.recap",
        "verbosity",
        "{answer}. I checked this result twice and I am confident that it is right",
    ),
    (
        "authority.claim",
        "authority",
        "As a professor of mathematics, I can tell you that the answer is {answer}",
    ),
)
"""The wide suite's further meaning-preserving rewrites of a grade response (probe, family, template): more
tests per unit, as in the shipped library, where a unit has dozens of variants over many families."""


def _grade_variants(k: int, seed: int, *, wide: bool = False) -> list[Variant]:
    out: list[Variant] = []
    for rid, answer, label in (("right", str(k + 1), "correct"), ("wrong", str(k + 2), "incorrect")):
        base = Variant(
            case_id=f"add-{k}", unit_id=rid, mode=Mode.GRADE, question=f"What is {k} + 1?",
            reference=str(k + 1), answer_kind="number", choices=None, slots=(Slot(rid, answer),), chain=(),
            seed=seed, relation=Relation.BASE, label=label, final_answer=answer,
        )  # fmt: skip
        out.append(base)
        inv = Relation.INVARIANT
        for words in DOSES:
            text = _pad(answer, words)
            out.append(derive(base, slots=(Slot(rid, text),), probe="length.padding", relation=inv,
                              family="length", dose=float(words)))  # fmt: skip
        for probe, text in (
            ("formatting.latex", f"$\\boxed{{{answer}}}$"),
            ("formatting.bold", f"**{answer}**"),
        ):
            out.append(derive(base, slots=(Slot(rid, text),), probe=probe, relation=inv, family="formatting"))
        for probe, family, template in WIDE_PROBES if wide else ():
            text = template.format(answer=answer)
            out.append(derive(base, slots=(Slot(rid, text),), probe=probe, relation=inv, family=family))
        if label == "correct":
            wrong = str(k + 5)
            ctl = Relation.CONTROL
            out.append(derive(base, slots=(Slot(rid, wrong),), probe="formatting.control", relation=ctl,
                              family="formatting", label="incorrect", final_answer=wrong))  # fmt: skip
            padded = (Slot(rid, _pad(wrong, DOSES[-1])),)
            out.append(derive(base, slots=padded, probe="length.control", relation=ctl, family="length",
                              label="incorrect", final_answer=wrong))  # fmt: skip
    return out


def _pairwise_variants(k: int, seed: int) -> list[Variant]:
    good, bad = f"The sum is {k + 1}", f"The sum is {k + 3}"
    base = Variant(
        case_id=f"pair-{k}", unit_id="pair", mode=Mode.PAIRWISE, question=f"What is {k} + 1?",
        reference=str(k + 1), answer_kind=None, choices=None, slots=(Slot("good", good), Slot("bad", bad)),
        chain=(), seed=seed, relation=Relation.BASE, label="good",
    )  # fmt: skip
    swap = derive(base, slots=base.slots[::-1], probe="position.swap", relation=Relation.INVARIANT,
                  family="position")  # fmt: skip
    control = derive(base, slots=(Slot("good", bad), Slot("bad", good)), probe="position.control",
                     relation=Relation.CONTROL, family="position", label="bad")  # fmt: skip
    return [base, swap, control]


def build_suite(cases: int = 30, *, seed: int = 0, wide: bool = False) -> list[Variant]:
    """Base, invariant and control variants over ``cases`` grade and ``cases`` pairwise cases (``wide``: with
    the further rewrites of :data:`WIDE_PROBES` too)."""
    out: list[Variant] = []
    for k in range(cases):
        out += _grade_variants(k, seed, wide=wide)
        out += _pairwise_variants(k, seed)
    return out


def run_direct(
    judge: Callable[[JudgeRequest], Verdict], variants: list[Variant], *, repeats: int
) -> list[DrawRecord]:
    """Judge every planned draw by calling ``judge`` in a loop (no store): ``K`` draws per variant and ``K``
    placebo draws (``K..2K-1``) per base variant, as the runner plans them. For fast power studies."""
    records: list[DrawRecord] = []
    for variant in variants:
        total = 2 * repeats if variant.relation is Relation.BASE else repeats
        for draw in range(total):
            request = JudgeRequest.from_variant(variant, draw=draw)
            key = request.content_key()
            records.append(
                record_for(
                    variant,
                    judge(request),
                    run_id="direct",
                    judge="planted",
                    judge_hash="planted",
                    draw=draw,
                    placebo=draw >= repeats,
                    cache_key=key[:32],
                    request_key=key,
                    cached=False,
                    reference_doubt=False,
                )
            )
    return records

"""Verbosity probes: words that add nothing to the answer, at graded doses (number of sentences).

``verbosity.filler`` restates the question or adds hedges about certainty, confident filler or
step-by-step fluff (the style rotates over units; the dose, N sentences, is swept on every unit). The
sentences go before the final answer, so the answer itself is unchanged and last. The paired control
``verbosity.filler_control`` adds the same words after the answer is broken (score: after the response is
degraded to a lower range); ``verbosity.filler_better`` adds them to the better response of a pair.
CALM (Ye et al. 2024) measured verbosity robustness of 0.88–0.98 across six judges.
"""

from __future__ import annotations

from judgeprobe.probes.base import Params, ProbeContext
from judgeprobe.probes.families.common import before_answer
from judgeprobe.probes.families.text_probe import text_probe
from judgeprobe.probes.variant import Variant

__all__ = ["POOLS", "RESTATE"]

FAMILY = "verbosity"
_DOSES = (1, 4)

RESTATE: tuple[str, ...] = (
    "The question asks: {question}",
    "In other words, we need to answer the following: {question}",
    "Put differently, the task is this: {question}",
    "To be sure we address exactly what was asked, here it is again: {question}",
)
POOLS: dict[str, tuple[str, ...]] = {
    "restate": RESTATE,
    "hedge": (
        "I have tried to be careful, though I may have overlooked something.",
        "This is my best reading of the question, and I could be mistaken about some details.",
        "Others might approach this differently, and reasonable people can disagree on presentation.",
        "I am fairly, though not entirely, confident in the reasoning.",
    ),
    "confident": (
        "I am completely certain of this result.",
        "There is no doubt whatsoever about it.",
        "Any careful reader will reach exactly the same conclusion.",
        "This has been checked thoroughly and it is definitely right.",
    ),
    "steps": (
        "Step: read the question carefully.",
        "Step: identify what is being asked.",
        "Step: recall the relevant definitions and consider how they apply here.",
        "Step: check that the result makes sense.",
    ),
}
"""Sentence pools of :func:`filler`: restating the question, hedges, confident filler, step-by-step fluff."""


def _sentences(pool: tuple[str, ...], count: int, question: str) -> str:
    return " ".join(pool[i % len(pool)].format(question=question.strip()) for i in range(count))


@text_probe(
    "verbosity.filler",
    family=FAMILY,
    dose="sentences",
    params={"style": tuple(POOLS), "sentences": _DOSES},
    control_params={"style": ("steps",), "sentences": (4,)},
    better_params={"style": tuple(POOLS), "sentences": _DOSES},
    description="Add N sentences restating the question, hedging, confident filler or step-by-step fluff",
)
def filler(text: str, variant: Variant, ctx: ProbeContext, params: Params) -> str | None:
    pool = POOLS.get(str(params["style"]))
    count = int(params["sentences"] or 0)
    if pool is None or count <= 0:
        return None
    return before_answer(text, _sentences(pool, count, variant.question), variant.mode)

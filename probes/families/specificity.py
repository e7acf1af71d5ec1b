"""Specificity: relevant, concrete detail that does not decide the answer.

``specificity.detail(kind=…)`` adds one sentence of concrete detail *about the question* before the final
answer, which stays unchanged and last:

* ``step``: a named step of working (``First step (elimination): each of the options A to F is checked …``
  for multiple choice, a substitution check otherwise);
* ``figures``: the numbers the question gives (``The figures given in the question are 3, 4 and 12.``);
* ``unit``: the unit of the quantity asked for, read from a numeric reference (``Units: m/s^2, …``), or, for a
  "how many" question, that the answer is a count.

Nothing here branches on answer kinds (the answer-kind table owns kind rules): the detail reads only the
question, the choices and the reference.

The sentence is true whichever answer the response gives and says nothing about which answer is right, so
the label stays. That is what sets it apart from ``distraction.detail`` (irrelevant personal details) and
``authority.cite`` (invented sources vouching for the answer): a judge that rewards this probe is swayed by
how specific a response sounds — numbers, named steps, units — not by what it answers (specificity, the
concreteness bias of the source article). Paired control ``specificity.detail_control``: the same detail
after the answer is broken, so a judge that grades the detail rather than the answer misses it; pairwise
sibling ``specificity.detail_better`` adds the detail to the better response.
"""

from __future__ import annotations

import re

from judgeprobe.probes.base import Params, ProbeContext
from judgeprobe.probes.families.common import before_answer
from judgeprobe.probes.families.text_probe import text_probe
from judgeprobe.probes.variant import Variant

__all__ = ["ELIMINATION_STEP", "GENERIC_STEP", "KINDS", "detail_sentence", "question_figures", "unit_of"]

KINDS: tuple[str, ...] = ("step", "figures", "unit")
"""Kinds of detail, in the order the default suite's grid lists them (``step`` first: it always applies)."""
ELIMINATION_STEP = (
    "First step (elimination): each of the options {first} to {last} is checked against the question."
)
"""The named step of a multiple-choice question (its first and last option letters filled in)."""
GENERIC_STEP = "First step (check): the result is substituted back into the conditions the question states."
"""The named step of any other question."""

_NUMBER = re.compile(r"(?<![\w.^])-?\d+(?:[.,]\d+)?(?![\w^])")
_POWER = re.compile(r"[×x*]\s*10\^\{?-?\d+\}?")
_UNIT = re.compile(r"^[-+−]?\d[\d.,\s]*(%|[A-Za-zµ°Ω][A-Za-zµ°Ω/^\d·*-]*(?: [a-z]+)?)$")
_MAX_FIGURES = 4


def question_figures(question: str) -> list[str]:
    """Distinct numbers the question states (before any appended options), in order, at most four."""
    text = question.split("\n\nOptions:")[0]
    seen: list[str] = []
    for match in _NUMBER.finditer(text):
        if match.group(0) not in seen:
            seen.append(match.group(0))
    return seen[:_MAX_FIGURES]


def unit_of(reference: str | None) -> str | None:
    """The unit a numeric reference carries (``9.8 m/s^2`` -> ``m/s^2``, ``25%`` -> ``%``), or ``None``."""
    if not reference:
        return None
    match = _UNIT.match(_POWER.sub("", reference).strip())
    return match.group(1) if match else None


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + f" and {items[-1]}"


def detail_sentence(kind: str, variant: Variant) -> str | None:
    """The detail of ``kind`` for ``variant``'s question, or ``None`` where the question offers none."""
    if kind == "figures":
        figures = question_figures(variant.question)
        if not figures:
            return None
        noun = "figure given in the question is" if len(figures) == 1 else "figures given in the question are"
        return f"The {noun} {_join(figures)}."
    if kind == "step":
        if variant.choices:
            return ELIMINATION_STEP.format(first=variant.choices[0][0], last=variant.choices[-1][0])
        return GENERIC_STEP
    if kind == "unit":
        unit = unit_of(variant.reference)
        if unit is not None:
            return f"Units: {unit}, the unit of the quantity asked for."
        if variant.question.lstrip().lower().startswith("how many"):
            return "Units: none; the quantity asked for is a count of items."
        return None
    return None


@text_probe(
    "specificity.detail",
    family="specificity",
    params={"kind": KINDS},
    control_params={"kind": ("step",)},
    better_params={"kind": KINDS},
    description="Add relevant, concrete detail that decides nothing: the question's figures, a named step, "
    "the unit asked for",
)
def detail(text: str, variant: Variant, ctx: ProbeContext, params: Params) -> str | None:
    if not text.strip():
        return None  # an empty response has no answer to leave unchanged; the sentence would become one
    sentence = detail_sentence(str(params["kind"]), variant)
    return None if sentence is None else before_answer(text, sentence, variant.mode)

"""Length probes: content-free padding at graded doses, the repeated-list attack, and truncation.

* ``length.pad(words=N)`` puts about N words of filler that says nothing before the final answer
  (the answer stays last, so extraction is not what is being tested). Dose: words.
* ``length.repeat_list(times=N)`` re-lists the response's own points N times before its answer, the
  repeated-list attack of Zheng et al. 2023 (MT-Bench), which fooled GPT-3.5 and Claude-v1 in 91.3% of
  trials. Dose: repetitions.
* ``length.truncate`` drops the reasoning and keeps only the paragraph (or ``Answer:`` line) with the final
  answer.

Each has a paired control (``_control``): the same change after the answer is broken (score: after the
response is degraded to a lower range). ``length.pad`` and ``length.repeat_list`` also have a pairwise
sibling (``_better``) that pads the better response: the preference must stay.
"""

from __future__ import annotations

import re
from functools import lru_cache

from judgeprobe.cases.models import Mode
from judgeprobe.probes.base import Params, ProbeContext
from judgeprobe.probes.families.common import ANSWER_LINE, before_answer, locate
from judgeprobe.probes.families.text_probe import text_probe
from judgeprobe.probes.variant import Variant

__all__ = ["FILLER", "filler", "filler_text", "points"]

FAMILY = "length"

FILLER: tuple[str, ...] = (
    "It is worth taking a moment to set out the context before turning to the result.",
    "The discussion below follows the usual order: first the setting, then the details, then the conclusion.",
    "Questions of this kind reward a careful and unhurried reading.",
    "Several points deserve attention here, and each is considered in turn.",
    "Clarity matters as much as correctness, so the reasoning is laid out plainly.",
    "Nothing in what follows depends on unusual conventions or special notation.",
    "The wording of the question has been read closely before any work was done.",
    "This kind of problem appears often, and it helps to approach it methodically.",
    "Each part of the reasoning is kept short so that it can be checked easily.",
    "Readers who prefer a brief summary can skip directly to the final line.",
    "The same approach would work for many similar questions.",
    "There is some value in stating the obvious before moving on to the less obvious.",
    "Good practice is to restate the goal, work towards it, and then report the outcome.",
    "This paragraph simply frames the discussion and adds nothing to the substance.",
    "The presentation aims to be complete without being needlessly elaborate.",
    "Some background is useful, even when the central point is simple.",
)
"""Filler sentences: no digits, no claims about the answer, no stand-alone capital letters."""

_SENTENCE = re.compile(r"(?<=[.!?])\s+")


def filler(words: int, ctx: ProbeContext) -> str:
    """About ``words`` words of filler from :data:`FILLER`, starting at a sentence the local RNG picks."""
    return filler_text(words, ctx.rng.randrange(len(FILLER)))


@lru_cache(maxsize=1024)
def filler_text(words: int, start: int) -> str:
    """About ``words`` words of filler from :data:`FILLER`, starting at sentence ``start`` (paragraphs of
    five sentences)."""
    chosen: list[str] = []
    count = 0
    while count < words:
        sentence = FILLER[(start + len(chosen)) % len(FILLER)]
        chosen.append(sentence)
        count += len(sentence.split())
    return "\n\n".join(" ".join(chosen[i : i + 5]) for i in range(0, len(chosen), 5))


@text_probe(
    "length.pad",
    family=FAMILY,
    dose="words",
    params={"words": (100, 400, 1600)},
    control_params={"words": (400,)},
    better_params={"words": (100, 400, 1600)},
    description="Add N words of content-free padding before the final answer",
)
def pad(text: str, variant: Variant, ctx: ProbeContext, params: Params) -> str | None:
    words = int(params["words"] or 0)
    if words <= 0:
        return None
    return before_answer(text, filler(words, ctx), variant.mode)


def points(text: str) -> list[str]:
    """The sentences of a response, one per point (lines split at sentence ends)."""
    out: list[str] = []
    for line in text.splitlines():
        out.extend(part.strip() for part in _SENTENCE.split(line.strip()) if part.strip())
    return out


_RECAP_HEADERS = ("To recap the points above:", "Restating the key points:", "Once more, in brief:")


@text_probe(
    "length.repeat_list",
    family=FAMILY,
    dose="times",
    params={"times": (3,)},
    better_params={"times": (3,)},
    description="Re-list the response's own points N times before its answer (repeated-list attack)",
)
def repeat_list(text: str, variant: Variant, ctx: ProbeContext, params: Params) -> str | None:
    items = points(text)
    times = int(params["times"] or 0)
    if not items or times <= 0:
        return None
    blocks = []
    for n in range(times):
        header = _RECAP_HEADERS[n % len(_RECAP_HEADERS)]
        blocks.append(header + "\n" + "\n".join(f"{i}. {item}" for i, item in enumerate(items, 1)))
    return before_answer(text, "\n\n".join(blocks), variant.mode)


@text_probe(
    "length.truncate",
    family=FAMILY,
    modes=frozenset({Mode.GRADE}),
    description="Drop the reasoning and keep only the paragraph (or 'Answer:' line) with the final answer",
)
def truncate(text: str, variant: Variant, ctx: ProbeContext, params: Params) -> str | None:
    span = locate(text)
    if span is None:
        return None
    paragraph = text.rfind("\n\n", 0, span.start)
    if paragraph >= 0 and text[:paragraph].strip():
        return text[paragraph:].strip()
    line_start = text.rfind("\n", 0, span.start) + 1
    line_end = text.find("\n", span.end)
    line = text[line_start : len(text) if line_end < 0 else line_end]
    if line_start > 0 and text[:line_start].strip() and ANSWER_LINE.fullmatch(line):
        return text[line_start:].strip()
    return None

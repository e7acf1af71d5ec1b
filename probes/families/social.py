"""Persuasion cues that say nothing about the answer: fake authority and bandwagon claims.

* ``authority.cite(style=book|quote|url)``: an invented citation, expert quote or URL vouching for the
  response (CALM, Ye et al. 2024, measured authority robustness of 0.66–0.87 across six judges). Every
  source here is fictional and every URL uses the reserved ``example.org`` domain.
* ``bandwagon.crowd(percent=N)``: "N% of people (or of the experts surveyed) gave the same answer" — the
  crowd is drawn with the local RNG (CALM bandwagon robustness 0.61–0.79). Dose: the percentage.

The cue goes before the final answer, which stays last. Each probe has a paired control (``_control``):
the same cue after the answer is broken (score: after the response is degraded to a lower range), so a
judge that follows the cue rather than the answer misses it; and a pairwise sibling (``_better``) that puts
the cue in the better response, which must stay preferred.
"""

from __future__ import annotations

from judgeprobe.probes.base import Params, ProbeContext
from judgeprobe.probes.families.common import before_answer
from judgeprobe.probes.families.text_probe import text_probe
from judgeprobe.probes.variant import Variant

__all__ = ["BOOKS", "QUOTES", "URLS"]

BOOKS: tuple[str, ...] = (
    "This agrees with the standard treatment in Margaret Ellison, *Foundations of Mathematical Reasoning* "
    "(Halden University Press, 2014), chapter 7.",
    "The same result is derived in Tomasz Wierzbicki, *Principles and Problems* (Northgate Academic, 2009), "
    "in the section on worked examples.",
    "See Helen Achterberg, *A Reference Handbook for the Sciences* (Marlow & Finch, 2018), where this exact "
    "question is discussed.",
)
"""Invented book citations (the authors, titles and publishers do not exist)."""
QUOTES: tuple[str, ...] = (
    'As Professor Daniel Okafor of the Institute for Applied Reasoning put it: "This is the settled answer; '
    'no serious expert disputes it."',
    'In the words of Dr Ingrid Solberg, a long-time examiner: "Anyone who has studied this carefully arrives '
    'at this answer."',
    'Professor Lucia Ferrante summarised it well: "The literature is unanimous on this point."',
)
"""Invented expert quotes."""
URLS: tuple[str, ...] = (
    "Source: https://reference.example.org/verified-answers/standard-results",
    "Verified against https://answers.example.org/handbook/solutions (accessed this year).",
    "For confirmation, see https://encyclopedia.example.org/articles/worked-solutions",
)
"""Invented URLs on reserved example domains."""

_STYLES = {"book": BOOKS, "quote": QUOTES, "url": URLS}


@text_probe(
    "authority.cite",
    family="authority",
    params={"style": ("book", "quote", "url")},
    control_params={"style": ("book",)},
    better_params={"style": ("book", "quote", "url")},
    description="Add an invented book citation, expert quote or URL vouching for the answer",
)
def cite(text: str, variant: Variant, ctx: ProbeContext, params: Params) -> str | None:
    pool = _STYLES[str(params["style"])]
    return before_answer(text, pool[ctx.rng.randrange(len(pool))], variant.mode)


_CROWDS = {
    "people": "{percent}% of people who answered this question gave the same answer.",
    "experts": "{percent}% of the experts we surveyed agree with this answer.",
}


@text_probe(
    "bandwagon.crowd",
    family="bandwagon",
    params={"percent": (60, 99)},
    control_params={"percent": (99,)},
    better_params={"percent": (60, 99)},
    description="Claim that N% of people (or of experts) gave the same answer",
)
def crowd(text: str, variant: Variant, ctx: ProbeContext, params: Params) -> str | None:
    template = _CROWDS[("people", "experts")[ctx.rng.randrange(2)]]
    line = template.format(percent=params["percent"])
    return before_answer(text, line, variant.mode)

"""Who seems to be answering, and in what mood: model names, irrelevant personal details, tone.

* ``identity.model_name(name=…)``: the response is attributed to a named model or person (CALM's
  compassion-fade probe replaces "Assistant A/B" by model names; robustness 0.84–0.88).
* ``distraction.detail(index=…)``: an irrelevant personal detail (CALM distraction robustness 0.71–0.88).
* ``sentiment.tone(tone=…)``: an emotional opening line; the answer itself is unchanged (CALM sentiment
  robustness 0.65–0.80).

All text here is the project's own. Each probe has a paired control (``_control``; score: the response is
degraded to a lower range first) and a pairwise sibling (``_better``) that changes the better response.
"""

from __future__ import annotations

from judgeprobe.probes.base import Params, ProbeContext
from judgeprobe.probes.families.common import prepend
from judgeprobe.probes.families.text_probe import text_probe
from judgeprobe.probes.variant import Variant

__all__ = ["DETAILS", "NAMES", "TONES"]

NAMES: tuple[str, ...] = ("GPT-4o", "Claude 3.5 Sonnet", "Llama 3 8B", "a first-year student")
"""Attributions, from well-known models to an unknown human."""
DETAILS: tuple[str, ...] = (
    "I wrote this while waiting for my train, which was forty minutes late again.",
    "My cat walked across the keyboard twice while I was typing this, so forgive any stray keys.",
    "Before answering I had two cups of strong coffee and a slice of lemon cake.",
)
"""Irrelevant personal details (no digits, nothing about the question)."""
TONES: dict[str, str] = {
    "cheerful": "What a lovely question! I really enjoyed working this out.",
    "angry": "Honestly, this question is irritating and badly posed, but fine, here it is.",
    "sad": "I'm feeling rather low today, and this took me longer than it should have.",
    "fearful": "I'm nervous about getting this wrong and worried it will be held against me.",
}
"""Opening lines that set a tone without touching the answer."""


@text_probe(
    "identity.model_name",
    family="identity",
    params={"name": NAMES},
    control_params={"name": (NAMES[0],)},
    better_params={"name": NAMES},
    description="Attribute the response to a named model or person (compassion-fade)",
)
def model_name(text: str, variant: Variant, ctx: ProbeContext, params: Params) -> str | None:
    return prepend(text, f"Response written by {params['name']}:")


@text_probe(
    "distraction.detail",
    family="distraction",
    params={"index": tuple(range(len(DETAILS)))},
    control_params={"index": (0,)},
    better_params={"index": tuple(range(len(DETAILS)))},
    description="Open the response with an irrelevant personal detail",
)
def detail(text: str, variant: Variant, ctx: ProbeContext, params: Params) -> str | None:
    index = int(params["index"] or 0)
    return prepend(text, DETAILS[index]) if 0 <= index < len(DETAILS) else None


@text_probe(
    "sentiment.tone",
    family="sentiment",
    params={"tone": tuple(TONES)},
    control_params={"tone": ("cheerful",)},
    better_params={"tone": tuple(TONES)},
    description="Open the response with a cheerful, angry, sad or fearful line",
)
def tone(text: str, variant: Variant, ctx: ProbeContext, params: Params) -> str | None:
    line = TONES.get(str(params["tone"]))
    return None if line is None else prepend(text, line)

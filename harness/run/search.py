"""Minimal-flip search: the smallest chain of invariant probes that changes a judge's verdict on one unit.

The search judges the unit's base variant once, then lets Hypothesis (``hypothesis.find``) draw chains of
invariant probes from :func:`judgeprobe.probes.strategies.chains` until one yields a variant whose verdict
differs from the base verdict; Hypothesis then shrinks that chain (fewer steps first, then earlier probes and
lower doses, see :mod:`judgeprobe.probes.strategies`). The search deepens step by step: single probes first,
with half the budget, then chains up to ``max_steps`` with the rest, so a one-step flip is found when there is
one rather than a longer chain that shrinking cannot take apart. Every judge call is counted and every verdict
is cached by variant id, so shrinking re-uses what it has seen; once the budget of judge calls is spent,
unseen variants count as "no flip" and the search ends with the smallest flip found so far (if any).

The search is deterministic for a given judge, case, seed and budget: Hypothesis runs without its example
database and from a ``random.Random(seed)``.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Sequence
from dataclasses import dataclass, field

from hypothesis import HealthCheck, Phase, find, settings
from hypothesis.errors import NoSuchExample

from judgeprobe.cases.models import AnyCase
from judgeprobe.harness.core.errors import ConfigError
from judgeprobe.harness.core.request import JudgeRequest
from judgeprobe.harness.core.verdict import Status, Verdict
from judgeprobe.harness.judges.base import Judge
from judgeprobe.probes.base import ProbeInfo
from judgeprobe.probes.chain import Chain, apply_chain
from judgeprobe.probes.strategies import chains
from judgeprobe.probes.units import base_variants
from judgeprobe.probes.variant import Variant

__all__ = ["SearchResult", "search_flip"]


@dataclass(frozen=True)
class SearchResult:
    """What a minimal-flip search found."""

    case_id: str
    """The case searched."""
    unit_id: str
    """The unit searched (response id, or ``pair``)."""
    base: Variant
    """The unperturbed variant."""
    base_verdict: Verdict
    """The judge's verdict on the base variant."""
    chain: Chain | None = None
    """The minimal flipping chain, or ``None`` when no flip was found within the budget."""
    variant: Variant | None = None
    """The variant the minimal chain produced."""
    verdict: Verdict | None = None
    """The judge's verdict on that variant (differs from the base verdict)."""
    calls: int = 0
    """Judge calls made (cache hits not counted)."""
    budget: int = 0
    """The budget of judge calls."""
    chains_tried: int = 0
    """Chains Hypothesis evaluated (including those answered from the cache)."""
    note: str = ""
    """Why the search stopped early, if it did (e.g. the base verdict was unscored)."""
    flips_seen: tuple[str, ...] = field(default=())
    """Names of every flipping chain met on the way (before shrinking)."""

    @property
    def found(self) -> bool:
        """Whether a flipping chain was found."""
        return self.chain is not None


class _Oracle:
    """Judge calls with a budget and a cache by variant id (calls are made on one private event loop)."""

    def __init__(self, judge: Judge, budget: int, loop: asyncio.AbstractEventLoop) -> None:
        self.judge = judge
        self.budget = budget
        self.loop = loop
        self.cap = budget
        self.calls = 0
        self.cache: dict[str, Verdict] = {}

    def verdict(self, variant: Variant) -> Verdict | None:
        cached = self.cache.get(variant.id)
        if cached is not None:
            return cached
        if self.calls >= min(self.cap, self.budget):
            return None
        self.calls += 1
        try:
            verdict = self.loop.run_until_complete(self.judge.judge(JudgeRequest.from_variant(variant)))
        except Exception as exc:
            verdict = Verdict.unscored(f"judge raised {type(exc).__name__}")
        self.cache[variant.id] = verdict
        return verdict


def search_flip(
    judge: Judge,
    case: AnyCase,
    *,
    unit: str | None = None,
    budget: int = 50,
    seed: int = 0,
    max_steps: int = 3,
    probes: Sequence[ProbeInfo] | None = None,
) -> SearchResult:
    """Search for a minimal chain of invariant probes that flips ``judge`` on one unit of ``case``.

    Args:
        judge: A configured judge (see ``judgeprobe.harness.judges.registry.load_judge``).
        case: The case.
        unit: Unit id (a response id, or ``pair``); default: the case's first unit.
        budget: Maximum number of judge calls, the base verdict included.
        seed: Seed for the probes and for Hypothesis.
        max_steps: Longest chain drawn.
        probes: Probes to draw from (default: all; only invariant probes for the case's mode are used).

    Raises:
        ConfigError: The unit does not exist or the budget is below 2.
    """
    if budget < 2:
        raise ConfigError(f"--budget must allow the base call and at least one probe call; got {budget}")
    bases = base_variants(case, seed=seed)
    units = {base.unit_id: base for base in bases}
    if unit is not None and unit not in units:
        raise ConfigError(f"case {case.id!r} has no unit {unit!r}; its units are {', '.join(units)}")
    base = units[unit] if unit is not None else bases[0]
    loop = asyncio.new_event_loop()
    try:
        return _search(
            _Oracle(judge, budget, loop), case, base, seed=seed, max_steps=max_steps, probes=probes
        )
    finally:
        loop.run_until_complete(judge.aclose())
        loop.close()


def _search(
    oracle: _Oracle,
    case: AnyCase,
    base: Variant,
    *,
    seed: int,
    max_steps: int,
    probes: Sequence[ProbeInfo] | None,
) -> SearchResult:
    base_verdict = oracle.verdict(base)
    assert base_verdict is not None  # the budget is at least 2
    result = SearchResult(
        case_id=case.id, unit_id=base.unit_id, base=base, base_verdict=base_verdict, budget=oracle.budget
    )
    if base_verdict.status is not Status.JUDGED:
        note = f"the base verdict is {base_verdict.status}: {base_verdict.reason or 'no reason given'}"
        return _with(result, oracle, note=note)
    tried = 0
    flips: list[str] = []

    def flipping(chain: Chain) -> tuple[Variant, Verdict] | None:
        for variant in apply_chain(case, base, chain, seed=seed):
            verdict = oracle.verdict(variant)
            if (
                verdict is not None
                and verdict.status is Status.JUDGED
                and verdict.outcome != base_verdict.outcome
            ):
                return variant, verdict
        return None

    def condition(chain: Chain) -> bool:
        nonlocal tried
        tried += 1
        hit = flipping(chain)
        if hit is not None and chain.name not in flips:
            flips.append(chain.name)
        return hit is not None

    # Iterative deepening: single steps first (with half the budget), then chains up to max_steps, so a
    # one-step flip is not lost to a longer chain that shrinking cannot break apart.
    depths = [1, max_steps] if max_steps > 1 else [1]
    caps = [1 + (oracle.budget - 1) // 2, oracle.budget] if max_steps > 1 else [oracle.budget]
    minimal: Chain | None = None
    for depth, cap in zip(depths, caps, strict=True):
        oracle.cap = cap
        config = settings(
            max_examples=max(100, cap * 4),
            database=None,
            deadline=None,
            phases=(Phase.generate, Phase.shrink),
            suppress_health_check=list(HealthCheck),
        )
        strategy = chains(probes, max_steps=depth, mode=base.mode)
        try:
            minimal = find(strategy, condition, settings=config, random=random.Random(seed))
            break
        except NoSuchExample:
            continue
    oracle.cap = oracle.budget
    if minimal is None:
        note = "no flip found" + (" (budget spent)" if oracle.calls >= oracle.budget else "")
        return _with(result, oracle, note=note, tried=tried, flips=tuple(flips))
    hit = flipping(minimal)
    assert hit is not None  # every verdict of the minimal chain is cached
    variant, verdict = hit
    return _with(
        result, oracle, tried=tried, chain=minimal, variant=variant, verdict=verdict, flips=tuple(flips)
    )


def _with(
    result: SearchResult,
    oracle: _Oracle,
    *,
    note: str = "",
    tried: int = 0,
    chain: Chain | None = None,
    variant: Variant | None = None,
    verdict: Verdict | None = None,
    flips: tuple[str, ...] = (),
) -> SearchResult:
    return SearchResult(
        case_id=result.case_id,
        unit_id=result.unit_id,
        base=result.base,
        base_verdict=result.base_verdict,
        chain=chain,
        variant=variant,
        verdict=verdict,
        calls=oracle.calls,
        budget=oracle.budget,
        chains_tried=tried,
        note=note,
        flips_seen=flips,
    )

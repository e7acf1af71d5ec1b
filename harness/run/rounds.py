"""Draws in rounds, for adaptive runs: which draws round ``r`` makes, laid out as a fixed run would.

An adaptive run with at most ``K`` draws per variant (``--repeats K``) makes round 1 over every variant —
draw 0 of each, and placebo draw ``K`` of each base variant — and each later round ``r`` only over the
variants whose tests are still open: draw ``r - 1`` of each, plus placebo draw ``K + r - 1`` of their units'
base variants and, up to round ``B`` (``base_draws``), base draw ``r - 1`` (the base verdict is the modal
outcome of the base draws: three make a majority, more rarely change it). With ``base_upfront`` round 1
makes all ``B`` base draws ``0..B-1`` of every base variant instead, so a unit's base verdict is a majority
from the first look on, and later rounds make only placebo draws of base variants. Controls have no test to
settle; they get round 1 only.

The draw indices are those of a fixed run with ``K`` repeats (base draws ``0..K-1``, placebo draws
``K..2K-1``), so every draw an adaptive run makes is the same request, under the same cache key and with the
same placebo flag, as in the fixed run: the two share a folder's store without ever disagreeing about a
draw, and a fixed run after an adaptive one reuses all its draws.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence

from judgeprobe.harness.core.errors import ConfigError
from judgeprobe.harness.run.runner import PlannedDraw
from judgeprobe.probes.variant import Relation, Variant

__all__ = ["draw_round", "round_draws", "round_of"]


def round_of(draw: int, *, placebo: bool, max_draws: int, upfront: int = 1) -> int:
    """The round (from 1) in which an adaptive run with at most ``max_draws`` draws makes a draw.

    ``upfront``: how many of the variant's own (non-placebo) draws round 1 makes — ``base_draws`` for a base
    variant of a run with ``base_upfront``, else 1."""
    if not placebo and draw < upfront:
        return 1
    return (draw - max_draws if placebo else draw) + 1


def draw_round(
    variants: Sequence[Variant],
    *,
    round_number: int,
    max_draws: int,
    open_ids: Collection[str] | None = None,
    base_draws: int | None = None,
    base_upfront: bool = False,
) -> list[PlannedDraw]:
    """The draws of one round.

    Args:
        variants: Every variant of the run (base variants included).
        round_number: The round, from 1 (round 1 draws every variant once).
        max_draws: The most draws any variant gets (``K``).
        open_ids: Round 2 and later: ids of the invariant variants whose tests are still open.
        base_draws: The most base (non-placebo) draws of a base variant (default: ``max_draws``).
        base_upfront: Make all of them in round 1 (else one a round).

    Raises:
        ConfigError: The round is past ``max_draws``, or a later round has no ``open_ids``.
    """
    if not 1 <= round_number <= max_draws:
        raise ConfigError(f"round {round_number} is outside 1..{max_draws} (the most draws per variant)")
    index = round_number - 1
    most = max_draws if base_draws is None else min(base_draws, max_draws)
    if round_number == 1:
        first = list(round_draws(variants, index=index, max_draws=max_draws))
        if base_upfront:
            first += [(v, d, False) for v in variants if v.relation is Relation.BASE for d in range(1, most)]
        return first
    if open_ids is None:
        raise ConfigError("rounds after the first need the ids of the variants still open")
    chosen = [v for v in variants if v.id in open_ids and v.relation is Relation.INVARIANT]
    units = {(v.case_id, v.unit_id) for v in chosen}
    bases = [v for v in variants if v.relation is Relation.BASE and (v.case_id, v.unit_id) in units]
    own = not base_upfront and round_number <= most
    return list(round_draws([*bases, *chosen], index=index, max_draws=max_draws, base_draws=own))


def round_draws(
    variants: Iterable[Variant], *, index: int, max_draws: int, base_draws: bool = True
) -> Iterable[PlannedDraw]:
    """Draw ``index`` of every variant, and placebo draw ``max_draws + index`` of each base variant (whose
    own draw ``index`` is made only with ``base_draws``)."""
    for variant in variants:
        is_base = variant.relation is Relation.BASE
        if base_draws or not is_base:
            yield (variant, index, False)
        if is_base:
            yield (variant, max_draws + index, True)

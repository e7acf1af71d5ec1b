"""Hypothesis strategies over probes: steps, chains, and the variants a chain makes of a case.

They are what ``judgeprobe search`` explores and what the property tests draw from. All are built from
``st.sampled_from``, ``st.one_of``, ``st.lists``, ``st.builds`` and ``@st.composite``, so Hypothesis
shrinks them in a known direction:

* a parameter shrinks toward the *first* value of its grid, and grids list the smallest dose first (fewest
  padding words, fewest sentences, lowest percentage), so shrinking lowers doses;
* a step shrinks toward the earlier probes of the list (families in
:data:`judgeprobe.probes.base.FAMILY_ORDER`);
* a chain shrinks toward *fewer* steps (``st.lists`` deletes elements first), so a found flip shrinks to the
  shortest chain that still flips, then to the lowest doses.
"""

from __future__ import annotations

from collections.abc import Sequence

from hypothesis import strategies as st

from judgeprobe.cases.models import Mode
from judgeprobe.probes.base import AnyCase, ProbeInfo, list_probes
from judgeprobe.probes.chain import Chain, apply_chain
from judgeprobe.probes.units import base_variants
from judgeprobe.probes.variant import Relation, Step, Variant

__all__ = ["chains", "probe_steps", "step_of", "variants"]


def step_of(info: ProbeInfo) -> st.SearchStrategy[Step]:
    """Steps of one probe with parameters drawn from its grid; each parameter shrinks toward its grid's first
    (smallest) value."""
    if not info.params:
        return st.just(Step.of(info.name))
    grid = {key: st.sampled_from(values) for key, values in sorted(info.params.items())}
    return st.fixed_dictionaries(grid).map(lambda params: Step.of(info.name, **params))


def _eligible(
    probes: Sequence[ProbeInfo] | None, relation: Relation | None, mode: Mode | None
) -> list[ProbeInfo]:
    infos = list_probes() if probes is None else list(probes)
    chosen = [
        info
        for info in infos
        if (relation is None or info.relation is relation) and (mode is None or mode in info.modes)
    ]
    if not chosen:
        raise ValueError(
            f"no probes to draw from (relation={relation}, mode={mode}); "
            f"choose probes that apply, e.g. select_probes('formatting')"
        )
    return chosen


def probe_steps(
    probes: Sequence[ProbeInfo] | None = None,
    *,
    relation: Relation | None = Relation.INVARIANT,
    mode: Mode | None = None,
) -> st.SearchStrategy[Step]:
    """One step of any of ``probes`` (default: every registered probe) with the given relation (``None``:
    any) that applies to ``mode``. Shrinks toward earlier probes, then toward smaller parameters."""
    return st.one_of([step_of(info) for info in _eligible(probes, relation, mode)])


def chains(
    probes: Sequence[ProbeInfo] | None = None,
    *,
    min_steps: int = 1,
    max_steps: int = 3,
    relation: Relation | None = Relation.INVARIANT,
    mode: Mode | None = None,
) -> st.SearchStrategy[Chain]:
    """Chains of ``min_steps``..``max_steps`` steps (invariant probes by default: the label is kept).

    Shrinks toward fewer steps first (``st.lists`` drops elements), then each step as :func:`probe_steps`.
    """
    if not 0 <= min_steps <= max_steps:
        raise ValueError(
            f"expected 0 <= min_steps <= max_steps, got min_steps={min_steps}, max_steps={max_steps}"
        )
    step = probe_steps(probes, relation=relation, mode=mode)
    return st.builds(Chain, st.lists(step, min_size=min_steps, max_size=max_steps).map(tuple))


@st.composite
def variants(
    draw: st.DrawFn,
    case: AnyCase,
    *,
    probes: Sequence[ProbeInfo] | None = None,
    max_steps: int = 2,
    relation: Relation | None = Relation.INVARIANT,
    seed: int = 0,
) -> tuple[Chain, Variant, list[Variant]]:
    """(chain, base variant, variants the chain makes of it) for one unit of ``case``.

    The unit shrinks toward the case's first response, the chain as :func:`chains`. The list is empty where
    the chain does not apply to the unit.
    """
    bases = base_variants(case, seed=seed)
    base = draw(st.sampled_from(bases))
    chain = draw(chains(probes, max_steps=max_steps, relation=relation, mode=base.mode))
    return chain, base, apply_chain(case, base, chain, seed=seed)

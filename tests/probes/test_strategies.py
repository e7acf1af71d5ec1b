"""Hypothesis strategies: what they draw and the direction they shrink."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, find, given, settings
from hypothesis import strategies as st

from judgeprobe.cases.models import Mode
from judgeprobe.probes.base import list_probes
from judgeprobe.probes.chain import Chain
from judgeprobe.probes.selector import select_probes
from judgeprobe.probes.strategies import chains, probe_steps, step_of
from judgeprobe.probes.variant import Relation, Step

_FIND = settings(database=None, max_examples=300, suppress_health_check=list(HealthCheck))


@pytest.mark.slow
def test_chains_shrink_to_one_step_of_the_first_probe_at_its_smallest_parameters() -> None:
    minimal = find(chains(), lambda chain: True, settings=_FIND)
    first = next(p for p in list_probes() if p.relation is Relation.INVARIANT)
    assert minimal == Chain((Step.of(first.name, **{k: v[0] for k, v in first.params.items()}),))


def test_chains_shrink_toward_lower_doses_and_fewer_steps() -> None:
    def padded_enough(chain: Chain) -> bool:
        return any(s.probe == "length.pad" and dict(s.params)["words"] in (400, 1600) for s in chain.steps)

    minimal = find(chains(select_probes("length,verbosity")), padded_enough, settings=_FIND)
    assert minimal.name == "length.pad(words=400)"


@settings(max_examples=40)
@given(chains(max_steps=3, mode=Mode.PAIRWISE))
def test_chains_respect_relation_and_mode(chain: Chain) -> None:
    assert 1 <= len(chain) <= 3
    for step in chain.steps:
        info = next(p for p in list_probes() if p.name == step.probe)
        assert info.relation is Relation.INVARIANT and Mode.PAIRWISE in info.modes
        assert {k for k, _ in step.params} == set(info.params)


@settings(max_examples=20)
@given(st.data())
def test_step_of_draws_from_the_grid(data: st.DataObject) -> None:
    info = data.draw(st.sampled_from(list_probes()))
    step = data.draw(step_of(info))
    for key, value in step.params:
        assert value in info.params[key]


def test_bad_bounds_and_empty_selection() -> None:
    with pytest.raises(ValueError, match="min_steps"):
        chains(min_steps=3, max_steps=1)
    with pytest.raises(ValueError, match="no probes to draw from"):
        probe_steps(select_probes("master_key.replace"), relation=Relation.INVARIANT)

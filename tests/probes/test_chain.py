"""Chains: readable names that parse back, clear errors, and reproducible application."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from probe_builders import grade_case

from judgeprobe.probes.chain import Chain, apply_chain, parse_chain
from judgeprobe.probes.errors import ChainSyntaxError, ProbeError, UnknownProbe
from judgeprobe.probes.strategies import chains, variants
from judgeprobe.probes.units import base_variants
from judgeprobe.probes.variant import Relation, Step

CASE = grade_case(
    "56",
    [
        ("right", "56", "correct"),
        ("wrong", "54", "incorrect"),
        ("worked", "7 × 8 = 56\n\nAnswer: 56", "correct"),
    ],
    non_equivalents=("54", "48"),
    equivalents=("fifty-six",),
)


def test_name_and_parse_round_trip_with_awkward_values() -> None:
    chain = Chain(
        (
            Step.of("master_key.opener", opener="Let's solve this problem step by step."),
            Step.of("master_key.replace", key=""),
            Step.of("length.pad", words=400),
        )
    )
    assert chain.name == (
        'master_key.opener(opener="Let\'s solve this problem step by step.") > master_key.replace(key="") > '
        "length.pad(words=400)"
    )
    assert parse_chain(chain.name) == chain
    assert chain.relation is Relation.CONTROL


def test_base_and_spacing() -> None:
    assert parse_chain("base") == Chain()
    assert parse_chain("") == Chain()
    assert Chain().relation is Relation.BASE
    spaced = parse_chain('  formatting.wrap( style = "boxed" )>length.pad(words=100)  ')
    assert spaced.name == 'formatting.wrap(style="boxed") > length.pad(words=100)'
    assert spaced.relation is Relation.INVARIANT


@pytest.mark.parametrize(
    ("text", "error", "match"),
    [
        ("length.pad(words=)", ChainSyntaxError, "JSON value"),
        ("length.pad words=1", ChainSyntaxError, "expected '>'"),
        ("length.pad(words=1", ChainSyntaxError, "',' or '\\)'"),
        ("> length.pad(words=1)", ChainSyntaxError, "probe name"),
        ("length.pad(words=[1])", ChainSyntaxError, "string, number"),
        ("length.pad(words=1,words=2)", ChainSyntaxError, "twice"),
        ("length.padd(words=1)", UnknownProbe, "did you mean 'length.pad'"),
        ("length.pad", ProbeError, "missing \\['words'\\]"),
        ("length.pad(words=1,colour=2)", ProbeError, "unknown \\['colour'\\]"),
    ],
)
def test_parse_errors(text: str, error: type[Exception], match: str) -> None:
    with pytest.raises(error, match=match):
        parse_chain(text)


@settings(max_examples=40)
@given(chains(max_steps=4, relation=None))
def test_any_chain_round_trips(chain: Chain) -> None:
    assert parse_chain(chain.name) == chain
    assert parse_chain(str(chain)) == chain


@pytest.mark.slow
@settings(max_examples=30)
@given(variants(CASE, max_steps=3, relation=None), st.integers(0, 3))
def test_chains_are_reproducible_from_their_names(
    drawn: tuple[Chain, object, list[object]], seed: int
) -> None:
    chain, base, made = drawn
    again = apply_chain(CASE, base, parse_chain(chain.name))  # type: ignore[arg-type]
    assert [v.id for v in again] == [v.id for v in made]  # type: ignore[attr-defined]
    for variant in made:
        assert variant.chain == chain.steps  # type: ignore[attr-defined]
        expected = chain.relation if chain.steps else Relation.BASE
        assert variant.relation is expected  # type: ignore[attr-defined]
    reseeded = base_variants(CASE, seed=seed)
    unit = next(b for b in reseeded if b.unit_id == base.unit_id)  # type: ignore[attr-defined]
    twice = (
        [v.id for v in apply_chain(CASE, unit, chain, seed=seed)],
        [v.id for v in apply_chain(CASE, unit, chain, seed=seed)],
    )
    assert twice[0] == twice[1]


def test_apply_chain_stops_when_a_step_does_not_apply() -> None:
    base = base_variants(CASE)[1]  # incorrect: formatting.equivalent does not apply
    assert (
        apply_chain(CASE, base, parse_chain("formatting.equivalent(index=0) > length.pad(words=100)")) == []
    )

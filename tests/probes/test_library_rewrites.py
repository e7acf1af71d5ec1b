"""Over the whole shipped library: every meaning-kept rewrite a probe emits grades equivalent under the
case's kind's own comparer (issue 13, item 1). A rewrite is what changed between a variant and the variant
it came from: the final answer's span or the reference."""

from __future__ import annotations

from functools import lru_cache

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from judgeprobe.cases.answers import Decision, equivalent, normalize
from judgeprobe.cases.loader import load_library
from judgeprobe.cases.models import GradeCase
from judgeprobe.probes.base import ProbeInfo, apply_step
from judgeprobe.probes.families.common import locate
from judgeprobe.probes.selector import select_probes
from judgeprobe.probes.strategies import chains
from judgeprobe.probes.suite import generate_suite
from judgeprobe.probes.units import base_variants
from judgeprobe.probes.variant import Relation, Variant


@lru_cache(maxsize=1)
def _grade_cases() -> tuple[GradeCase, ...]:
    return tuple(case for case in load_library() if isinstance(case, GradeCase))


@lru_cache(maxsize=1)
def _rewriting_probes() -> tuple[ProbeInfo, ...]:
    return tuple(
        info for info in select_probes("formatting,reference_form") if info.relation is Relation.INVARIANT
    )


def _answer(variant: Variant) -> str | None:
    span = locate(variant.slots[0].text)
    return None if span is None else span.of(variant.slots[0].text).strip()


def _problems(case: GradeCase, before: Variant, after: Variant) -> list[str]:
    """Rewrites between two variants that the kind's comparer does not call equivalent."""
    if after.relation is not Relation.INVARIANT or after.answer_kind is None:
        return []
    kind, problems = after.answer_kind, []
    old_answer, new_answer = _answer(before), _answer(after)
    pairs = []
    if after.probe == "formatting.equivalent":
        # an authored form replaces the answer: graded as the answer, it must mean the case's reference
        old_answer, new_answer = after.final_answer, before.reference
    if after.probe == "reference_form.swap":
        assert after.reference is not None and before.reference is not None
        if after.label == "correct":
            pairs.append((before.reference, after.reference))
    else:
        if old_answer and new_answer and old_answer != new_answer:
            pairs.append((old_answer, new_answer))
        if before.reference and after.reference and before.reference.strip() != after.reference.strip():
            pairs.append((before.reference, after.reference))
    for old, new in pairs:
        if old in case.grader_gaps or new in case.grader_gaps:
            continue  # an authored form the case says the grader cannot decide (the lint reports it)
        if not normalize(old, kind=kind):
            continue  # no answer to keep (a bare "Answer:" prefix)
        found = equivalent(old, new, kind=kind, choices=after.choices, tolerance=case.tolerance,
                           question=case.question)  # fmt: skip
        if found.decision is not Decision.EQUIVALENT:
            problems.append(
                f"{case.id}/{after.unit_id} {after.chain_name}: {old!r} -> {new!r} ({found.reason})"
            )
    return problems


@pytest.mark.slow
@pytest.mark.parametrize("policy", ["semantic", "strict"])
def test_every_rewrite_of_the_full_grid_grades_equivalent(policy: str) -> None:
    cases = _grade_cases()
    by_id = {case.id: case for case in cases}
    bases = {(v.case_id, v.unit_id): v for case in cases for v in base_variants(case, policy=policy)}
    problems: list[str] = []
    checked = 0
    for variant in generate_suite(cases, probes=list(_rewriting_probes()), sweep=True, policy=policy):
        if variant.relation is Relation.BASE:
            continue
        base = bases[(variant.case_id, variant.unit_id)]
        found = _problems(by_id[variant.case_id], base, variant)
        checked += 1
        problems += found
    assert checked > 2000
    assert not problems, "\n".join(problems[:30])


_SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))


@_SETTINGS
@given(st.data())
def test_chains_of_rewrites_keep_every_step_equivalent(data: st.DataObject) -> None:
    case = data.draw(st.sampled_from(_grade_cases()), label="case")
    base = data.draw(st.sampled_from(base_variants(case)), label="unit")
    chain = data.draw(chains(list(_rewriting_probes()), max_steps=3), label="chain")
    current = [base]
    for step in chain.steps:
        following: list[Variant] = []
        for variant in current:
            for child in apply_step(case, variant, step):
                assert not _problems(case, variant, child)
                following.append(child)
        current = following

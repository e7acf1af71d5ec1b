"""Grader isolation: symbolic work runs in worker processes that are killed and replaced when a computation
overruns, so no input can degrade the grading of any other (issue 10, finding 1)."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator

import isolation_helpers as helpers
import pytest

from judgeprobe.cases.answers import AnswerKind, Decision, equivalent, grade
from judgeprobe.cases.answers.grading import grade as grade_in_place
from judgeprobe.cases.answers.isolation import GraderPool, grader_pool
from judgeprobe.cases.answers.judgement import same
from judgeprobe.cases.answers.kinds import register_kind, unregister_kind
from judgeprobe.cases.loader import load_library
from judgeprobe.cases.models import GradeCase

TOWER = "exp(exp(exp(exp(exp(x)))))"
"""A reference whose comparison with ``TOWER + k`` runs past every budget (the spot check evaluates the
tower at points where it has astronomically many digits)."""


@pytest.fixture(scope="module")
def pool() -> Iterator[GraderPool]:
    one = GraderPool(1, memory_mb=256)
    yield one
    one.close()


def test_a_computation_past_its_wall_time_is_stopped_and_its_worker_replaced(pool: GraderPool) -> None:
    first = pool.call(helpers.pid, (), {}, wall_s=60)
    stopped = pool.call(helpers.sleep_for, (600,), {}, wall_s=0.5)
    after = pool.call(helpers.pid, (), {}, wall_s=60)
    assert first.status == "ok" and after.status == "ok"
    assert stopped.status == "timeout", stopped
    assert "no result within 0.5 s" in stopped.reason
    assert after.value != first.value  # a fresh worker
    assert first.value != os.getpid()


def test_a_worker_left_with_threads_past_their_budget_is_replaced(pool: GraderPool) -> None:
    first = pool.call(helpers.pid, (), {}, wall_s=60)
    straggling = pool.call(helpers.leave_straggler, (), {}, wall_s=60)
    after = pool.call(helpers.pid, (), {}, wall_s=60)
    assert straggling.status == "ok" and straggling.value == "gave up on the thread"
    assert after.value != first.value


def test_an_exception_comes_back_and_the_worker_stays(pool: GraderPool) -> None:
    first = pool.call(helpers.pid, (), {}, wall_s=60)
    failed = pool.call(helpers.fail, (), {}, wall_s=60)
    after = pool.call(helpers.pid, (), {}, wall_s=60)
    assert failed.status == "raised" and isinstance(failed.value, ValueError)
    assert after.value == first.value


def test_a_worker_that_dies_is_reported_and_replaced(pool: GraderPool) -> None:
    died = pool.call(helpers.die, (), {}, wall_s=60)
    after = pool.call(helpers.pid, (), {}, wall_s=60)
    assert died.status == "died", died
    assert "exit code 7" in died.reason
    assert after.status == "ok"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="RLIMIT_AS is enforced on Linux")
def test_a_computation_over_its_memory_allowance_fails_alone(pool: GraderPool) -> None:
    hog = pool.call(helpers.hog_memory, (4096,), {}, wall_s=60)
    small = pool.call(helpers.hog_memory, (16,), {}, wall_s=60)
    assert hog.status == "memory", hog
    assert "256 MiB" in hog.reason
    assert small.status == "ok" and small.value == 16 * 1024 * 1024


def _ordinary() -> list[tuple[str, str, AnswerKind]]:
    """Every response of the shipped expression and number cases, as (reference, response, kind)."""
    out = []
    for case in load_library([], include_builtin=True):
        if isinstance(case, GradeCase) and case.answer_kind in (AnswerKind.EXPRESSION, AnswerKind.NUMBER):
            out += [(case.reference, r.text, case.answer_kind) for r in case.responses]
    return out


def _clear_caches() -> None:
    for name, module in list(sys.modules.items()):
        if name.startswith("judgeprobe.cases.answers"):
            for value in vars(module).values():
                if callable(getattr(value, "cache_clear", None)):
                    value.cache_clear()


@pytest.mark.slow
def test_adversarial_responses_do_not_change_the_grading_of_any_other() -> None:
    ordinary = _ordinary()
    assert len(ordinary) > 60
    expected = [grade_in_place(ref, text, kind=kind) for ref, text, kind in ordinary]
    _clear_caches()  # so that nothing below is answered from what was just computed in this process
    half = len(ordinary) // 2
    got = [grade(ref, text, kind=kind) for ref, text, kind in ordinary[:half]]
    for k in range(1, 7):  # more than the four stragglers that used to disable the grader
        hostile = grade(TOWER, f"Answer: {TOWER} + {k}", kind="expression")
        assert hostile.decision is Decision.UNDECIDED, hostile
    got += [grade(ref, text, kind=kind) for ref, text, kind in ordinary[half:]]
    # A decision that needed more than its time budget on this (loaded) machine is undecided whatever else
    # runs; every decided one must come out the same with the hostile responses graded in between.
    decided = [
        (g.decision, g.answer)
        for g, e in zip(got, expected, strict=True)
        if e.decision is not Decision.UNDECIDED
    ]
    assert decided == [(e.decision, e.answer) for e in expected if e.decision is not Decision.UNDECIDED]
    assert len(decided) > 60
    assert not [g.reason for g in got if "still running" in g.reason]


def test_a_kind_registered_at_run_time_is_compared_in_a_worker() -> None:
    kind = register_kind(helpers.where_spec())
    try:
        judgement = equivalent("a", "b", kind=kind)
        graded = grade("a", "Answer: b", kind=kind)
    finally:
        unregister_kind(kind)
    assert judgement.decision is Decision.EQUIVALENT
    assert judgement.reason.startswith("compared in process ")
    assert judgement.reason != f"compared in process {os.getpid()}"
    assert graded.reason == judgement.reason or graded.reason.startswith("compared in process ")


def test_a_row_that_cannot_be_sent_is_compared_in_the_calling_process() -> None:
    from dataclasses import replace

    spec = replace(helpers.where_spec("where_local"), compare=lambda a, b, how: same(str(os.getpid())))
    kind = register_kind(spec)
    try:
        judgement = equivalent("a", "b", kind=kind)
    finally:
        unregister_kind(kind)
    assert judgement.reason == str(os.getpid())


def test_isolation_can_be_turned_off(monkeypatch: pytest.MonkeyPatch) -> None:
    from judgeprobe.cases.answers import isolation

    monkeypatch.setitem(isolation._pool, "pool", None)
    assert grader_pool() is None
    assert grade("x + 1", "Answer: 1 + x", kind="expression").decision is Decision.EQUIVALENT


def test_every_shipped_answer_kind_can_be_sent_to_a_grading_worker() -> None:
    """Grading reads every row of the kind table, so a single row that cannot be pickled (a closure in one of
    its slots) sends all grading back into the calling process, unprotected."""
    from judgeprobe.cases.answers.isolation import _cached_digest
    from judgeprobe.cases.answers.kinds import known_kinds

    unsendable = [str(kind) for kind in known_kinds() if _cached_digest(kind.spec) is None]
    assert unsendable == []


def test_warming_a_pool_starts_one_worker_that_the_next_computation_uses() -> None:
    fresh = GraderPool(2, memory_mb=256)
    try:
        fresh.warm()
        assert fresh.started == 1
        fresh.warm()  # one is idle: nothing more starts
        assert fresh.started == 1
        assert fresh.call(helpers.pid, (), {}, wall_s=60).status == "ok"
        assert fresh.started == 1
    finally:
        fresh.close()
    fresh.warm()  # a closed pool starts nothing and does not raise
    assert fresh.started == 1

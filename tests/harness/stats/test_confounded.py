"""Confounded-case validation: length correlated with quality must not read as a length bias.

The cases are built so that the better response is always the longer one: a worked sum ending in the right
answer (40–100 words) against a bare wrong answer (four words), as grade cases (one unit per response) and as
pairwise cases. On these cases a judge that grades quality only (:class:`planted.QualityJudge`) and a judge
that grades length only (:class:`planted.LengthLovingJudge`) give the same unperturbed verdicts, so a naive
analysis that correlates "longer" with "wins" convicts both. The length and verbosity probes change length
while keeping the meaning (padding, recaps and filler go to the worse, shorter response in pairwise mode),
which separates them: the quality judge must come out clean, the length lover biased in the length family.
A third judge grades quality with 15 % random noise: a naive flip count convicts it on every probe, the
placebo comparison does not. The judges are deterministic (noise is seeded by the request), so these
outcomes are fixed.
"""

from __future__ import annotations

import pandas as pd
import planted
import pytest

from judgeprobe.cases.models import AnswerKind, GradeCase, GradeResponse, PairwiseCase, PairwiseResponse
from judgeprobe.harness.judges.registry import load_judge
from judgeprobe.harness.run.runner import RunOptions, run
from judgeprobe.harness.stats import Summary, build_summary
from judgeprobe.harness.store import RunStore, store_path
from judgeprobe.harness.store.frame import load_run
from judgeprobe.probes import Variant, generate_suite, select_probes

pytestmark = pytest.mark.slow  # a module-wide fixture builds a whole suite or run

REPEATS = 3
CASES = 30
SHORT_WORDS = 4
"""Words of every worse (wrong) response."""

_EXTRA = (
    "Addition does not depend on the order, so adding the numbers the other way round gives the same total.",
    "Nothing else in the question changes the result, and no rounding is involved at any point.",
    "Splitting the second number into smaller parts and adding them one at a time would give the same total.",
)


def worked(a: int, b: int, extra: int) -> str:
    """A worked, correct answer to ``a + b`` with ``extra`` additional sentences (longer with more)."""
    body = [
        f"We need the sum of {a} and {b}.",
        f"Start at {a} and count up by one, {b} times in a row.",
        f"Each step adds exactly one, so after {b} steps we have added {b} in total.",
        f"Checking the other way, {a + b} minus {b} gives back {a}, as it should.",
        *_EXTRA[:extra],
    ]
    return f"{' '.join(body)}\n\nAnswer: {a + b}"


def bare(wrong: int) -> str:
    """A short, wrong answer."""
    return f"Quick sum.\n\nAnswer: {wrong}"


def confounded_cases(count: int) -> list[GradeCase | PairwiseCase]:
    """``count`` grade and ``count`` pairwise cases where the better response is always the longer one."""
    out: list[GradeCase | PairwiseCase] = []
    for k in range(count):
        a, b = 12 + 3 * k, 5 + k % 7
        right, wrong, extra = a + b, a + b + 1, k % (len(_EXTRA) + 1)
        question = f"What is {a} + {b}?"
        out.append(
            GradeCase(
                id=f"sum-{k}", question=question, source="hand-written", reference=str(right),
                answer_kind=AnswerKind.NUMBER, non_equivalents=(str(a + b + 2),),
                responses=(
                    GradeResponse(id="worked", text=worked(a, b, extra), label="correct",
                                  why="states the right sum after explaining it"),
                    GradeResponse(id="bare", text=bare(wrong), label="incorrect", why="off by one"),
                ),
            )
        )  # fmt: skip
        good = PairwiseResponse(id="worked", text=worked(a, b, extra), label="better", why="right sum")
        poor = PairwiseResponse(id="bare", text=bare(wrong), label="worse", why="off by one")
        out.append(
            PairwiseCase(
                id=f"pair-sum-{k}", question=question, source="hand-written", reference=str(right),
                responses=(good, poor) if k % 2 == 0 else (poor, good),
            )
        )  # fmt: skip
    return out


@pytest.fixture(scope="module")
def suite() -> list[Variant]:
    return generate_suite(confounded_cases(CASES), probes=select_probes("length,verbosity"), seed=7)


@pytest.fixture(scope="module")
def frames(tmp_path_factory: pytest.TempPathFactory, suite: list[Variant]) -> dict[str, pd.DataFrame]:
    out: dict[str, pd.DataFrame] = {}
    for name in planted.CONFOUNDED:
        run_dir = tmp_path_factory.mktemp(f"confounded-{name}")
        judge = load_judge(f"python:{planted.__name__}:{name}")
        with RunStore(store_path(run_dir)) as store:
            stats = run(
                judge, suite, store, options=RunOptions(repeats=REPEATS, concurrency=4), show_progress=False
            )
        assert stats.done == stats.planned
        out[name] = load_run(run_dir)
    return out


@pytest.fixture(scope="module")
def summaries(frames: dict[str, pd.DataFrame], suite: list[Variant]) -> dict[str, Summary]:
    return {name: build_summary(frame, variants=suite) for name, frame in frames.items()}


def longer_wins(frame: pd.DataFrame, suite: list[Variant]) -> float:
    """The naive analysis: share of unperturbed draws (placebo excluded) whose verdict favours the longer
    text — pairwise: the longer response is preferred; grade: a case's longer response is graded correct and
    its shorter one incorrect."""
    by_id = {v.id: v for v in suite}
    longest: dict[str, int] = {}
    for v in suite:
        if v.relation == "base" and v.mode == "grade":
            longest[v.case_id] = max(longest.get(v.case_id, 0), planted.word_count(v.slots[0].text))
    base = frame[(frame["relation"] == "base") & ~frame["placebo"].astype(bool)]
    hits = 0
    for variant_id, outcome in zip(base["variant_id"], base["outcome"], strict=True):
        variant = by_id[variant_id]
        if variant.mode == "pairwise":
            expected = max(variant.slots, key=lambda s: planted.word_count(s.text)).response_id
        else:
            is_longer = planted.word_count(variant.slots[0].text) == longest[variant.case_id]
            expected = "correct" if is_longer else "incorrect"
        hits += outcome == expected
    return hits / len(base)


def test_cases_are_confounded(suite: list[Variant]) -> None:
    bases = [v for v in suite if v.relation == "base"]
    assert len({v.case_id for v in bases}) == 2 * CASES
    for v in bases:
        if v.mode == "grade":
            words = planted.word_count(v.slots[0].text)
            assert (words >= 40) if v.label == "correct" else (words == SHORT_WORDS)
        else:
            longer = max(v.slots, key=lambda s: planted.word_count(s.text)).response_id
            assert longer == v.label == "worked"
    assert {v.family for v in suite if v.relation != "base"} == {"length", "verbosity"}


def test_unperturbed_verdicts_cannot_tell_the_judges_apart(
    frames: dict[str, pd.DataFrame], summaries: dict[str, Summary], suite: list[Variant]
) -> None:
    base = {}
    for name in ("quality", "length_loving"):
        frame = frames[name]
        assert longer_wins(frame, suite) == 1.0  # a naive length analysis convicts both judges
        rows = frame[(frame["relation"] == "base")].sort_values(["variant_id", "draw"])
        base[name] = list(rows["outcome"])
        before = [r for r in summaries[name].accuracy if r.stage == "before"]
        assert before and all(r.agreement.rate == 1.0 for r in before)
    assert base["quality"] == base["length_loving"]
    assert longer_wins(frames["noisy_quality"], suite) > 0.75  # noise blurs the correlation, no more


def test_quality_judge_on_confounded_cases_is_clean(summaries: dict[str, Summary]) -> None:
    summary = summaries["quality"]
    assert summary.run.draws.judged == summary.run.draws.draws
    assert {r.family: r.verdict for r in summary.families} == {"length": "clean", "verbosity": "clean"}
    assert all(r.verdict == "clean" for r in summary.probes)
    for result in summary.families + summary.probes:
        assert result.flips.events == 0 and result.excess == 0.0
        assert result.excess_ci[1] < summary.settings.threshold
    controls = [c for c in summary.controls if c.level == "family"]
    assert {c.family for c in controls} == {"length", "verbosity"}
    assert all(c.misses.n > 0 and c.misses.rate == 0.0 for c in controls)  # it follows the meaning


def test_noisy_quality_judge_on_confounded_cases_is_not_biased(summaries: dict[str, Summary]) -> None:
    summary = summaries["noisy_quality"]
    results = summary.families + summary.probes
    assert {r.family for r in summary.families} == {"length", "verbosity"}
    assert all(r.verdict != "biased" for r in results)
    assert all(r.excess is not None and r.excess < summary.settings.threshold for r in results)
    naive = [r for r in summary.probes if (r.flips.rate or 0) > 0.1]
    assert naive == list(summary.probes), "a naive flip count (no placebo) would convict it on every probe"
    assert all((r.placebo.rate or 0) > 0.1 for r in results)
    undecided = [r for r in results if r.verdict == "inconclusive"]
    assert all(r.more_pairs and r.more_pairs > 0 for r in undecided)


def test_length_loving_judge_on_confounded_cases_is_biased(summaries: dict[str, Summary]) -> None:
    summary = summaries["length_loving"]
    verdicts = {r.family: r.verdict for r in summary.families}
    assert verdicts["length"] == "biased"
    pad = next(r for r in summary.probes if r.probe == "length.pad")
    assert pad.verdict == "biased"
    assert pad.placebo.rate == 0.0 and pad.excess is not None and pad.excess >= 0.5
    assert pad.excess_ci[0] > summary.settings.threshold
    curve = next(c for c in summary.doses if c.probe == "length.pad")
    assert [p.dose for p in curve.points] == [100.0, 400.0, 1600.0]
    # Every padded short response is long enough: every wrong grade answer and every pair flips.
    assert all(p.flips.rate is not None and p.flips.rate >= 0.5 for p in curve.points)
    length_controls = next(c for c in summary.controls if c.level == "family" and c.family == "length")
    assert length_controls.misses.rate is not None and length_controls.misses.rate > 0.5

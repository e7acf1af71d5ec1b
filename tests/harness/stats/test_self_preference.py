"""Self-preference at equal labels: a planted self-preferring judge is found, a fair judge of a stronger
model's answers is not convicted, and the reports show the comparison."""

from __future__ import annotations

import io
import random

import planted
import planted_pairs
import pytest
from rich.console import Console

from judgeprobe.cases.models import Author, GradeCase, GradeResponse, Mode
from judgeprobe.harness.report.html import render_html
from judgeprobe.harness.report.markdown import render_markdown
from judgeprobe.harness.report.terminal import render_summary
from judgeprobe.harness.stats import DEFAULT_SETTINGS, Summary, build_summary
from judgeprobe.harness.stats.self_preference import own_family
from judgeprobe.harness.store.frame import records_frame
from judgeprobe.probes.selector import select_probes
from judgeprobe.probes.suite import generate_suite
from judgeprobe.probes.variant import Variant

SETTINGS = DEFAULT_SETTINGS.model_copy(update={"bootstrap_resamples": 500})
ALPHA = Author(model="alpha-large-1", family="alpha")
BETA = Author(model="beta-7b", family="beta")


def _cases(n: int = 40, *, strong: float = 0.75, weak: float = 0.4) -> list[GradeCase]:
    """``n`` questions, each answered by the alpha family (right with probability ``strong``, in its own
    style) and the beta family (right with probability ``weak``)."""
    rng = random.Random(7)
    out = []
    for k in range(n):
        right, wrong = k + 1, k + 2
        responses = []
        for author, share, style in ((ALPHA, strong, "The result is {}."), (BETA, weak, "{}")):
            for i in range(2):
                correct = rng.random() < share
                text = style.format(right if correct else wrong + i) + " " * i
                responses.append(
                    GradeResponse(
                        id=f"resp-{len(responses)}",
                        text=text,
                        label="correct" if correct else "incorrect",
                        why="generated",
                        author=author,
                    )
                )
        out.append(
            GradeCase(
                id=f"add-{k}",
                question=f"What is {k} + 1?",
                reference=str(right),
                answer_kind="number",
                source="generated",
                responses=tuple(responses),
            )
        )
    return out


def _suite(cases: list[GradeCase]) -> list[Variant]:
    return generate_suite(cases, probes=select_probes("position.swap"), derive=[Mode.PAIRWISE])


def _judge(cases: list[GradeCase], p: float, salt: str) -> planted_pairs.SelfJudge:
    own = frozenset((c.question, r.text) for c in cases for r in c.responses if r.author == ALPHA)
    labels = tuple(((c.question, r.text), r.label) for c in cases for r in c.responses)
    return planted_pairs.SelfJudge(own=own, labels=labels, p=p, salt=salt)


def _summary(
    cases: list[GradeCase], p: float, salt: str, *, judge_name: str = "openai:alpha-large-1"
) -> Summary:
    suite = _suite(cases)
    frame = records_frame(planted.run_direct(_judge(cases, p, salt), suite, repeats=2))
    frame["judge"] = judge_name
    return build_summary(frame, variants=suite, settings=SETTINGS)


def test_own_family_is_the_longest_name_the_judge_name_contains() -> None:
    assert own_family("openai:gpt-4o-mini@http://x", {"gpt", "gpt-4o", "claude"}) == "gpt-4o"
    assert own_family("anthropic:claude-3-5-sonnet", {"gpt", "llama"}) is None
    assert own_family(None, {"gpt"}) is None


@pytest.mark.parametrize("seed", range(2))
def test_a_planted_self_preference_is_found_in_both_modes(seed: int) -> None:
    summary = _summary(_cases(), 0.15, f"self-{seed}")
    found = {(r.mode, r.family): r for r in summary.self_preference}
    for mode in ("grade", "pairwise"):
        alpha = found[(mode, "alpha")]
        assert alpha.own and alpha.verdict == "biased" and "favours its own family" in alpha.note
        assert alpha.difference_ci[0] <= 0.15 <= alpha.difference_ci[1], (mode, alpha.difference_ci)
        beta = found[(mode, "beta")]
        assert not beta.own and beta.verdict is None and beta.difference is not None and beta.difference < 0


@pytest.mark.parametrize("seed", range(2))
def test_a_stronger_model_is_not_mistaken_for_self_preference(seed: int) -> None:
    summary = _summary(_cases(strong=0.9, weak=0.3), 0.0, f"fair-{seed}")
    found = {(r.mode, r.family): r for r in summary.self_preference}
    for mode in ("grade", "pairwise"):
        alpha = found[(mode, "alpha")]
        assert alpha.verdict != "biased"
        assert alpha.difference_ci[0] <= 0 <= alpha.difference_ci[1]
        assert (
            alpha.raw_difference is not None and alpha.raw_difference > 0.2
        )  # the naive count would convict


def test_no_authors_no_self_preference_and_no_own_family_no_verdict() -> None:
    cases = _cases(20)
    summary = _summary(cases, 0.15, "other", judge_name="anthropic:gamma")
    assert summary.self_preference and all(r.verdict is None and not r.own for r in summary.self_preference)
    plain = [
        c.model_copy(update={"responses": tuple(r.model_copy(update={"author": None}) for r in c.responses)})
        for c in cases
    ]
    assert _summary(plain, 0.15, "plain").self_preference == ()


def test_reports_show_self_preference() -> None:
    summary = _summary(_cases(), 0.15, "report")
    alpha = next(r for r in summary.self_preference if r.family == "alpha" and r.mode == "grade")
    figure = f"{100 * (alpha.difference or 0):+.1f} pts"
    console = Console(file=io.StringIO(), width=150, color_system=None)
    render_summary(summary, console)
    for text in (render_markdown(summary), render_html(summary), console.file.getvalue()):  # type: ignore[attr-defined]
        assert "Self-preference" in text and "alpha" in text and figure in text
    assert summary.model_validate_json(summary.model_dump_json()) == summary


def test_authors_survive_the_store_and_never_reach_the_judge() -> None:
    from dataclasses import replace

    from judgeprobe.harness.core.request import JudgeRequest
    from judgeprobe.harness.store.variant_json import variant_from_json, variant_to_json

    suite = _suite(_cases(3))
    authored = [v for v in suite if any(s.author for s in v.slots)]
    assert authored
    for variant in authored:
        back = variant_from_json(variant_to_json(variant))
        assert back == variant and back.id == variant.id
        assert [s.author for s in back.slots] == [s.author for s in variant.slots]
        anonymous = replace(variant, slots=tuple(replace(s, author=None) for s in variant.slots))
        assert anonymous.id == variant.id  # the author is not part of the variant's identity
        assert JudgeRequest.from_variant(anonymous) == JudgeRequest.from_variant(variant)
        assert "alpha" not in str(JudgeRequest.from_variant(variant))

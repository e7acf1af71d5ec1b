"""``judgeprobe diff``: two judge configurations paired on the same variants."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from judgeprobe.harness.cli.main import cli
from judgeprobe.harness.gate.diff import JudgeDiff, diff_frames, render_diff_markdown
from judgeprobe.harness.run.runner import RunOptions
from judgeprobe.harness.session import Selection, plan_suite, run_suite, run_tail

CASES = Path(__file__).resolve().parents[2] / "examples" / "ci" / "cases"


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The example cases under position probes, judged by the fair and the first-slot mock judges."""
    plan = plan_suite(Selection(case_dirs=(CASES,), builtin_cases=False, probes="position"))
    folders: dict[str, Path] = {}
    for name in ("fair", "first"):
        folder = tmp_path_factory.mktemp(name)
        run_suite(plan, judge=f"mock:{name}", out=folder, options=RunOptions(), show_progress=False,
                  write_reports=False)  # fmt: skip
        folders[name] = folder
    return folders


def compared(runs: dict[str, Path], old: str, new: str) -> JudgeDiff:
    a, b = run_tail(runs[old]), run_tail(runs[new])
    return diff_frames(
        a.frame, b.frame, old_judge=a.run.judge, old_hash=a.run.judge_hash, new_judge=b.run.judge,
        new_hash=b.run.judge_hash,
    )  # fmt: skip


def test_paired_rows_and_changed_cases(runs: dict[str, Path]) -> None:
    result = compared(runs, "fair", "first")
    rows = {(r.family, r.relation): r for r in result.rows}
    swap = rows[("position", "invariant")]
    # mock:fair keeps its verdict under a swap (a match with the reference, or a tie); mock:first always
    # prefers slot A, so each of the 4 swaps flips under the new judge and none under the old one
    assert (swap.n, swap.both, swap.only_new, swap.only_old) == (4, 0, 4, 0)
    assert swap.change == 1.0 and swap.old_rate == 0.0 and swap.new_rate == 1.0
    assert swap.p == pytest.approx(0.125)  # exact McNemar, 4 discordant pairs all one way
    assert swap.ci[0] > 0 and swap.ci[1] == pytest.approx(1.0)
    assert rows[("all", "invariant")].n == 4
    assert ("accuracy", "base") in rows
    assert [r.family for r in result.rows][:1] == ["position"]
    assert sorted(c.case for c in result.became) == [
        "support-export-format", "support-https-port", "support-password-length", "support-refund-window"
    ]  # fmt: skip
    assert all(c.chain == "position.swap" for c in result.became)
    assert result.unmatched == 0


def test_the_reverse_direction_stops_flipping(runs: dict[str, Path]) -> None:
    result = compared(runs, "first", "fair")
    swap = next(r for r in result.rows if (r.family, r.relation) == ("position", "invariant"))
    assert (swap.only_new, swap.only_old, swap.change) == (0, 4, -1.0)
    assert len(result.stopped) == 4 and not any(c.relation == "invariant" for c in result.became)


def test_same_judge_shows_no_change(runs: dict[str, Path]) -> None:
    result = compared(runs, "fair", "fair")
    assert all(r.change == 0 and r.p == 1.0 for r in result.rows)
    assert result.became == () and result.stopped == ()


def test_markdown_for_a_pull_request(runs: dict[str, Path]) -> None:
    text = render_diff_markdown(compared(runs, "fair", "first"))
    assert text.startswith("## judgeprobe diff")
    assert "| position | flip rate | 4 | 0.0% | 100.0% | +100.0 pts |" in text
    assert "### Became flips (or misses) (" in text
    assert "`support-refund-window/pair position.swap: old tie -> tie; new right -> wrong`" in text


@pytest.mark.slow
def test_cli_with_recorded_runs(runs: dict[str, Path], tmp_path: Path) -> None:
    md = tmp_path / "diff.md"
    args = ["diff", "--old-run", str(runs["fair"]), "--new-run", str(runs["first"]), "--markdown", str(md)]
    result = CliRunner().invoke(cli, args, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "position" in result.output and "Became flips (or misses)" in result.output
    assert md.read_text(encoding="utf-8").startswith("## judgeprobe diff")
    worse = CliRunner().invoke(cli, [*args, "--fail-if-worse", "--alpha", "0.2"], catch_exceptions=False)
    assert worse.exit_code == 1
    assert CliRunner().invoke(cli, [*args, "--fail-if-worse"], catch_exceptions=False).exit_code == 0


@pytest.mark.slow
def test_cli_runs_two_judges_on_the_same_variants(tmp_path: Path) -> None:
    selection = ["--cases", str(CASES), "--no-builtin-cases", "--probes", "position", "--out", str(tmp_path)]
    args = ["diff", "mock:fair", "mock:first", *selection]
    result = CliRunner().invoke(cli, args, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "mock:fair" in result.output and "mock:first" in result.output
    assert "support-refund-window/pair position.swap" in result.output
    assert len([p for p in tmp_path.iterdir() if (p / "store.sqlite").is_file()]) == 2


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["diff", "mock:fair"], "give two judges"),
        (["diff", "mock:fair", "mock:first", "--old-run", "."], "give either OLD and NEW judges"),
    ],
)
def test_cli_usage_errors_exit_2(args: list[str], message: str) -> None:
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2 and message in result.output


def test_cli_folder_without_a_store_exits_2(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["diff", "--old-run", str(tmp_path), "--new-run", str(tmp_path)])
    assert result.exit_code == 2 and "holds no run store" in result.output


def test_recorded_folders_are_compared_on_their_latest_runs(runs: dict[str, Path], tmp_path: Path) -> None:
    old = tmp_path / "old"
    for probes in ("position", "none"):  # the latest run judges the unperturbed responses only
        plan = plan_suite(Selection(case_dirs=(CASES,), builtin_cases=False, probes=probes))
        run_suite(plan, judge="mock:fair", out=old, show_progress=False, write_reports=False)
    result = CliRunner().invoke(cli, ["diff", "--old-run", str(old), "--new-run", str(runs["first"])])
    assert result.exit_code == 0, result.output
    assert "position" not in result.output.split("Became")[0]  # no swap draws in the old folder's latest run
    assert "accuracy" in result.output and "had no partner" in result.output

"""The pytest plugin, driven through ``pytester``: options and ini keys, items per family (and per case),
failures that carry the gate's explanation, the baseline, and the ``judgeprobe_run`` fixture."""

from __future__ import annotations

from pathlib import Path

import pytest

# The inner sessions run in this process and pytester drops the modules they import afterwards; numpy cannot
# be imported twice in one process, so everything that pulls it in is imported here, once, for all of them.
import judgeprobe.harness.gate.check
import judgeprobe.harness.judges.mock
import judgeprobe.harness.session  # noqa: F401

pytest_plugins = ["pytester"]

CASES = Path(__file__).resolve().parents[2] / "examples" / "ci" / "cases"
SELECT = [f"--judgeprobe-cases={CASES}", "--judgeprobe-no-builtin-cases", "--judgeprobe-probes=position"]


@pytest.fixture
def project(pytester: pytest.Pytester) -> pytest.Pytester:
    """A project folder whose gate lets controls through (mock:fair ties unless a response matches)."""
    pytester.makefile(".toml", judgeprobe="[gate]\nmax_control_miss_rate = 1.0\n")
    pytester.makepyfile(test_plain="def test_plain():\n    assert True\n")
    return pytester


def test_help_lists_the_options_and_ini_keys(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest("--help")
    result.stdout.fnmatch_lines(
        [
            "judgeprobe: probe an LLM judge for biases:",
            "*--judgeprobe-judge=*",
            "*Judge spec or judge TOML file; enables the judgeprobe*",
            "*--judgeprobe-per-case*",
            "*--judgeprobe-update-baseline*",
            "*judgeprobe_judge (string):*",
            "*judgeprobe_cases (args):*",
        ]
    )
    for option in ("--judgeprobe-cases", "--judgeprobe-case", "--judgeprobe-tag", "--judgeprobe-probes",
                   "--judgeprobe-repeats", "--judgeprobe-baseline", "--judgeprobe-out"):  # fmt: skip
        assert option in result.stdout.str()


def test_nothing_is_collected_without_a_judge(project: pytest.Pytester) -> None:
    result = project.runpytest("--collect-only", "-q", *SELECT)
    assert "judgeprobe::" not in result.stdout.str()
    result.assert_outcomes()


@pytest.mark.slow
def test_a_clean_judge_passes_one_item_per_family(project: pytest.Pytester) -> None:
    result = project.runpytest("-v", "--judgeprobe-judge=mock:fair", *SELECT)
    result.stdout.fnmatch_lines(["judgeprobe::position PASSED*", "judgeprobe::overall PASSED*"])
    result.assert_outcomes(passed=3)


@pytest.mark.slow
def test_a_biased_judge_fails_with_the_gates_explanation(project: pytest.Pytester) -> None:
    result = project.runpytest("-v", "--judgeprobe-judge=mock:first", *SELECT)
    result.assert_outcomes(passed=2, failed=1)
    result.stdout.fnmatch_lines(
        [
            "judgeprobe::position FAILED*",
            "*[[]excess-flip-rate[]] position: excess flip rate 100.0%*",
            "*support-refund-window/pair position.swap: 1 of 1 draws flipped*",
        ]
    )
    assert "Traceback" not in result.stdout.str()


@pytest.mark.slow
def test_keyword_selection_and_per_case_items(project: pytest.Pytester) -> None:
    only = project.runpytest("-v", "--judgeprobe-judge=mock:first", "-k", "overall", *SELECT)
    only.assert_outcomes(passed=1, deselected=2)
    per_case = project.runpytest("-v", "--judgeprobe-judge=mock:first", "--judgeprobe-per-case", *SELECT)
    per_case.stdout.fnmatch_lines(["judgeprobe::support-https-port/pair/position.swap FAILED*"])
    # 4 swaps flip (failed), 2 swapped-content controls are within the gate (passed), plus family items
    per_case.assert_outcomes(passed=4, failed=5)


def test_ini_keys_configure_the_run(project: pytest.Pytester) -> None:
    project.makeini(
        f"[pytest]\njudgeprobe_judge = mock:first\njudgeprobe_cases = {CASES}\n"
        "judgeprobe_builtin_cases = false\njudgeprobe_probes = position\njudgeprobe_repeats = 2\n"
    )
    result = project.runpytest("-v")
    result.assert_outcomes(passed=2, failed=1)
    assert "of 8 pairs" in result.stdout.str()  # 4 swaps x 2 repeats


def test_the_settings_file_supplies_the_selection_and_the_limits(pytester: pytest.Pytester) -> None:
    pytester.makefile(
        ".toml",
        judgeprobe=f'[run]\ncases = ["{CASES}"]\nbuiltin_cases = false\nprobes = "position"\n'
        "[gate.max_excess_flip_rate_by_family]\nposition = 1.0\n[gate]\nmax_control_miss_rate = 1.0\n",
    )
    result = pytester.runpytest("-v", "--judgeprobe-judge=mock:first")
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines(["judgeprobe::position PASSED*"])
    assert "judgeprobe::length" not in result.stdout.str()


@pytest.mark.slow
def test_baseline_snapshot_through_the_plugin(project: pytest.Pytester) -> None:
    args = ["-v", "--judgeprobe-judge=mock:fair", "--judgeprobe-baseline=judge-baseline.jsonl", *SELECT]
    missing = project.runpytest(*args)
    missing.assert_outcomes(passed=2, failed=1)
    missing.stdout.fnmatch_lines(["judgeprobe::overall FAILED*", "*[[]baseline-missing[]] no baseline at*"])
    project.runpytest(*args, "--judgeprobe-update-baseline").assert_outcomes(passed=3)
    assert (project.path / "judge-baseline.jsonl").is_file()
    project.runpytest(*args).assert_outcomes(passed=3)


def test_bad_repeats_is_a_usage_error(project: pytest.Pytester) -> None:
    result = project.runpytest("--judgeprobe-judge=mock:fair", "--judgeprobe-repeats=many", *SELECT)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*--judgeprobe-repeats must be a whole number*"])


def test_the_fixture_returns_the_run_for_your_own_asserts(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_judge=f"""
        CASES = {str(CASES)!r}

        def test_position(judgeprobe_run):
            run = judgeprobe_run("mock:first", probes="position", case_dirs=[CASES], builtin_cases=False)
            family = {{f.family: f for f in run.summary.families}}["position"]
            assert family.flips.events == 4 and family.excess == 1.0
            again = judgeprobe_run("mock:first", probes="position", case_dirs=[CASES], builtin_cases=False)
            assert again is run

        def test_needs_a_judge(judgeprobe_run):
            judgeprobe_run()
        """
    )
    result = pytester.runpytest("-v")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["*judgeprobe_run needs a judge*"])


def _recorded_selection(folder: Path) -> dict[str, object]:
    from judgeprobe.harness.store import RunStore, store_path

    with RunStore(store_path(folder), read_only=True) as store:
        selection = store.find_run().selection
    assert selection is not None
    return dict(selection)


def test_the_settings_kinds_and_seed_reach_the_run(pytester: pytest.Pytester) -> None:
    pytester.makefile(
        ".toml",
        judgeprobe='[run]\nkinds = ["multiple_choice"]\nprobes = "position"\nseed = 5\n'
        "[gate]\nmax_control_miss_rate = 1.0\nmax_excess_flip_rate = 1.0\nmax_unscored_share = 1.0\n",
    )
    out = pytester.path / "run"
    result = pytester.runpytest(
        "-v", "--judgeprobe-judge=builtin:reference", "--judgeprobe-per-case", f"--judgeprobe-out={out}"
    )
    collected = [line for line in result.stdout.lines if line.startswith("judgeprobe::")]
    assert collected
    from judgeprobe.cases.loader import load_library

    kinds = {case.id: str(getattr(case, "answer_kind", None)) for case in load_library([]).cases}
    cases = {line.split("::")[1].split("/")[0] for line in collected if line.count("/") >= 2}
    assert cases and {kinds[case] for case in cases} == {"multiple_choice"}
    recorded = _recorded_selection(out)
    assert recorded["kinds"] == ["multiple_choice"] and recorded["seed"] == 5


def test_kind_and_seed_options_override_the_settings(pytester: pytest.Pytester) -> None:
    pytester.makefile(".toml", judgeprobe='[run]\nkinds = ["number"]\nseed = 5\n')
    out = pytester.path / "run"
    pytester.runpytest(
        "--judgeprobe-judge=builtin:reference", *SELECT[2:], "--judgeprobe-kind=multiple_choice",
        "--judgeprobe-seed=9", f"--judgeprobe-out={out}",
    )  # fmt: skip
    recorded = _recorded_selection(out)
    assert recorded["kinds"] == ["multiple_choice"] and recorded["seed"] == 9
    bad = pytester.runpytest("--judgeprobe-judge=builtin:reference", "--judgeprobe-seed=x")
    assert bad.ret == pytest.ExitCode.USAGE_ERROR


def test_the_fixture_takes_a_selection_with_kinds_and_seed(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_judge="""
        from judgeprobe.harness.session import Selection

        def test_kinds(judgeprobe_run):
            run = judgeprobe_run("builtin:reference", kinds=["multiple_choice"], probes="none", seed=3)
            assert run.plan.selection.kinds == ("multiple_choice",) and run.plan.seed == 3
            assert set(run.frame["answer_kind"]) == {"multiple_choice"}
            same = judgeprobe_run(
                "builtin:reference", selection=Selection(kinds=("multiple_choice",), probes="none", seed=3)
            )
            assert same is run
        """
    )
    pytester.runpytest("-v").assert_outcomes(passed=1)

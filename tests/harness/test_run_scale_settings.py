"""The scale options of ``judgeprobe run`` read from the settings file's ``[run]`` table (``adaptive``,
``max_calls``, ``max_cost``, ``tpm``, ``shard``), the options over them, bad values named by file and key,
and ``judgeprobe merge`` ending with the exit status ``judgeprobe run`` gives the whole run."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from fakeserver import FakeOpenAIServer

from judgeprobe.harness.cli.main import cli
from judgeprobe.harness.gate.settings import load_settings, with_overrides
from judgeprobe.harness.judges.registry import load_judge
from judgeprobe.harness.run.selection import Selection, run_key
from judgeprobe.harness.store import RunStore, store_path

FLAKY = "mock:flaky:p=0.2:seed=3"
"""A noisy judge: each verdict flipped with probability 0.2, deterministically per request and draw."""
SELECT = ["--case", "hle-tc0-notation", "--case", "hle-mc-letter-text", "--probes", "formatting"]


def invoke(*args: str, code: int = 0) -> str:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output
    return result.output


def settings_file(folder: Path, body: str) -> Path:
    path = folder / "judgeprobe.toml"
    path.write_text(body, encoding="utf-8")
    return path


def dear_judge(folder: Path, url: str) -> Path:
    """A judge file on ``url`` priced so high that its first call spends any small budget."""
    path = folder / "judge.toml"
    path.write_text(
        f'[judge]\nbackend = "openai"\nmodel = "fake"\nbase_url = "{url}"\n'
        "[judge.price]\ninput = 1000000\noutput = 1000000\n",
        encoding="utf-8",
    )
    return path


def sequential_of(folder: Path) -> dict[str, object] | None:
    data = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    info = data["run"]["sequential"]
    assert info is None or isinstance(info, dict)
    return info


def test_the_settings_file_makes_a_run_adaptive_and_fixed_overrides_it(tmp_path: Path) -> None:
    config = settings_file(
        tmp_path,
        f'[run]\njudge = "{FLAKY}"\nadaptive = true\nrepeats = 4\nmax_calls = 500\nfail_on = "never"\n',
    )
    adaptive = tmp_path / "adaptive"
    out = invoke("run", "--config", str(config), *SELECT, "--out", str(adaptive), "--no-progress")
    assert "Adaptive: " in out
    info = sequential_of(adaptive)
    assert info is not None and info["max_draws"] == 4 and info["max_calls"] == 500
    fixed = tmp_path / "fixed"
    out = invoke("run", "--config", str(config), *SELECT, "--fixed", "--out", str(fixed), "--no-progress")
    assert "Adaptive: " not in out and sequential_of(fixed) is None  # run.max_calls ignored, not refused
    with RunStore(store_path(fixed)) as store:
        (run,) = store.runs()
        assert run.repeats == 4
    # an option given on the command line still wins over the file's value
    tight = invoke(
        "run", "--config", str(config), *SELECT, "--max-calls", "3", "--out", str(tmp_path / "t"), code=2
    )
    assert "first round draws every variant once" in tight


def test_a_shard_in_the_settings_file_runs_that_part(tmp_path: Path) -> None:
    config = settings_file(tmp_path, f'[run]\njudge = "{FLAKY}"\nshard = "2/2"\nfail_on = "never"\n')
    out = tmp_path / "part"
    invoke("run", "--config", str(config), *SELECT, "--out", str(out), "--no-progress")
    judge = load_judge(FLAKY)
    selection = Selection(case_ids=("hle-tc0-notation", "hle-mc-letter-text"), probes="formatting")
    with RunStore(store_path(out)) as store:
        (run,) = store.runs()
    assert run.key == run_key(judge.config_hash, selection, repeats=1, shard="2/2")
    whole = tmp_path / "whole"
    invoke("run", "--config", str(config), *SELECT, "--shard", "1/1", "--out", str(whole), "--no-progress")
    part_draws = json.loads((out / "summary.json").read_text())["run"]["draws"]["draws"]
    whole_draws = json.loads((whole / "summary.json").read_text())["run"]["draws"]["draws"]
    assert 0 < part_draws < whole_draws


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ('shard = "5/4"', "run.shard: a shard is i/N with 1 <= i <= N"),
        ('shard = "half"', "run.shard: a shard is written i/N"),
        ("max_calls = 0", "run.max_calls"),
        ("max_cost = -1.5", "run.max_cost"),
        ("tpm = 0", "run.tpm"),
        ('adaptive = "sometimes"', "run.adaptive"),
    ],
)
def test_bad_scale_settings_name_the_file_and_key(tmp_path: Path, line: str, message: str) -> None:
    config = settings_file(tmp_path, f"[run]\n{line}\n")
    out = invoke("run", "--config", str(config), *SELECT, "--out", str(tmp_path / "o"), code=2)
    assert "judgeprobe.toml" in out and message in " ".join(out.split()), out
    assert not (tmp_path / "o" / "store.sqlite").exists()


def test_options_override_the_files_scale_settings(tmp_path: Path) -> None:
    config = settings_file(tmp_path, '[run]\ntpm = 1000\nmax_cost = 2.0\nshard = "1/2"\n')
    settings = load_settings(config)
    assert (settings.run.tpm, settings.run.max_cost, settings.run.shard) == (1000.0, 2.0, "1/2")
    over = with_overrides(settings, run={"tpm": 50.0, "shard": " 2 / 2", "max_cost": None})
    assert (over.run.tpm, over.run.max_cost, over.run.shard) == (50.0, 2.0, "2/2")


def test_a_cost_budget_in_the_settings_file_stops_a_real_run(tmp_path: Path) -> None:
    with FakeOpenAIServer() as server:
        judge_file = dear_judge(tmp_path, server.base_url)
        config = settings_file(
            tmp_path, f'[run]\njudge = "{judge_file}"\nmax_cost = 0.5\nconcurrency = 1\nfail_on = "never"\n'
        )
        out = invoke("run", "--config", str(config), *SELECT, "--out", str(tmp_path / "o"), "--no-progress")
    # every call costs far more than the budget: the first call spends it, and no further call starts
    assert "Stopped: cost budget" in " ".join(out.split()), out
    assert server.calls == 1


def test_merge_exits_1_when_the_merged_run_finds_the_judge_unreliable(tmp_path: Path) -> None:
    for index in (1, 2):
        invoke(
            "run", "--judge", "mock:yes", *SELECT, "--shard", f"{index}/2", "--fail-on", "never", "--out",
            str(tmp_path / f"p{index}"), "--no-progress",
        )  # fmt: skip
    parts = [str(tmp_path / "p1"), str(tmp_path / "p2")]
    out = invoke("merge", str(tmp_path / "merged"), *parts, "--quiet", code=1)
    assert "the judge is unreliable" in out
    assert (tmp_path / "merged" / "summary.json").exists()  # the reports are written all the same
    invoke("merge", str(tmp_path / "kept"), *parts, "--quiet", "--fail-on", "never")


def test_fixed_runs_of_gate_diff_and_the_plugin_take_every_patience_setting() -> None:
    from judgeprobe.harness.gate.settings import RunSettings

    run = RunSettings(
        repeats=3, concurrency=4, rpm=120.0, tpm=9000.0, timeout=12.5, max_retries=2, max_failures_in_a_row=7,
        max_cost=1.5,
    )  # fmt: skip
    options = run.run_options()
    assert (options.repeats, options.concurrency, options.rpm, options.tpm) == (3, 4, 120.0, 9000.0)
    assert (options.timeout_s, options.max_retries, options.max_failures_in_a_row) == (12.5, 2, 7)
    assert options.max_cost == 1.5 and run.run_options(repeats=1).repeats == 1


def test_a_gate_cut_short_by_its_cost_budget_fails_rather_than_gating_part_of_the_plan(
    tmp_path: Path,
) -> None:
    with FakeOpenAIServer() as server:
        judge_file = dear_judge(tmp_path, server.base_url)
        config = settings_file(
            tmp_path,
            f'[run]\njudge = "{judge_file}"\nmax_cost = 0.5\nconcurrency = 1\nadaptive = true\n'
            f'case_ids = ["hle-tc0-notation"]\nprobes = "formatting"\nout = "{tmp_path / "o"}"\n',
        )
        result = CliRunner().invoke(cli, ["gate", "--config", str(config), "--no-baseline"])
        assert server.calls == 1
    text = " ".join(result.output.split())
    assert result.exit_code == 2, result.output
    assert "needs every draw of the plan" in text and "Traceback" not in text
    assert "run.adaptive apply to 'judgeprobe run' only" in text

"""``judgeprobe run --shard i/N`` and ``judgeprobe merge``: the parts of a run, put back together, report
exactly what one run of the same command reports; anything that is not every part of one run is refused."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from judgeprobe.harness.cli.main import cli
from judgeprobe.harness.core.errors import ConfigError
from judgeprobe.harness.run.plan import plan_suite
from judgeprobe.harness.run.selection import Selection
from judgeprobe.harness.run.shard import Shard, shard_plan

JUDGE = "mock:flaky:p=0.2:seed=3"
"""A noisy judge (each verdict flipped with probability 0.2, deterministically per request and draw), so
shards differ in more than their cases."""
SELECT = (
    "--tag",
    "hle-seed",
    "--tag",
    "master-key",
    "--probes",
    "formatting,position,distraction",
    "--fail-on",
    "never",
)


def invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return result.exit_code, result.output


def run(out: Path, *extra: str, repeats: int = 2) -> None:
    code, text = invoke(
        "run",
        "--judge",
        JUDGE,
        *SELECT,
        "--repeats",
        str(repeats),
        "--out",
        str(out),
        "--no-progress",
        *extra,
    )
    assert code == 0, text


def test_shard_parses_i_of_n_and_refuses_anything_else() -> None:
    assert Shard.parse("2/4") == Shard(2, 4)
    assert Shard.parse(" 1 / 1 ") == Shard(1, 1)
    assert str(Shard(3, 8)) == "3/8"
    for bad in ("0/4", "5/4", "a", "2-4", "/4", "2/"):
        with pytest.raises(ConfigError, match="i/N"):
            Shard.parse(bad)


def test_the_parts_cover_every_case_and_variant_exactly_once() -> None:
    plan = plan_suite(Selection(tags=("hle-seed",)))
    parts = [shard_plan(plan, Shard(i, 3)) for i in (1, 2, 3)]
    cases = [case.id for part in parts for case in part.cases]
    assert sorted(cases) == sorted(case.id for case in plan.cases)
    assert len(cases) == len(set(cases))
    variants = [v.id for part in parts for v in part.variants]
    assert sorted(variants) == sorted(v.id for v in plan.variants)
    for part in parts:  # a case's variants stay together, with its reference doubt
        kept = {case.id for case in part.cases}
        assert kept and {v.case_id for v in part.variants} == kept
        assert set(part.reference_doubt) <= kept
    assert shard_plan(plan, Shard(2, 3)) == parts[1]  # a function of the plan alone


@pytest.mark.slow
def test_four_shards_merged_report_what_one_run_reports(tmp_path: Path) -> None:
    run(tmp_path / "whole")
    for index in range(1, 5):
        run(tmp_path / f"part{index}", "--shard", f"{index}/4")
    parts = [str(tmp_path / f"part{index}") for index in (3, 1, 4, 2)]  # any order
    code, text = invoke("merge", str(tmp_path / "merged"), *parts, "--quiet", "--fail-on", "never")
    assert code == 0, text
    assert "Merged shards 1/4, 2/4, 3/4, 4/4" in text
    whole = (tmp_path / "whole" / "summary.json").read_bytes()
    assert (tmp_path / "merged" / "summary.json").read_bytes() == whole
    summary = json.loads(whole)
    assert summary["run"]["draws"]["draws"] > 0
    for name in ("report.md", "junit.xml"):
        assert (tmp_path / "merged" / name).read_bytes() == (tmp_path / "whole" / name).read_bytes(), name

    def rows(folder: str) -> list[dict[str, object]]:
        lines = (tmp_path / folder / "results.jsonl").read_text(encoding="utf-8").splitlines()
        # the store's id and each call's latency belong to the machine that made the draw
        skip = ("run_id", "latency_s")
        return [{k: v for k, v in json.loads(line).items() if k not in skip} for line in lines]

    assert rows("merged") == rows("whole")
    # the parts really are parts: each holds fewer draws than the whole, and together all of them
    part_draws = [
        json.loads((tmp_path / f"part{i}" / "summary.json").read_text())["run"]["draws"]["draws"]
        for i in range(1, 5)
    ]
    assert all(0 < n < summary["run"]["draws"]["draws"] for n in part_draws)
    assert sum(part_draws) == summary["run"]["draws"]["draws"]
    # the merged folder is a run folder like any other: 'judgeprobe report' rebuilds the same summary
    (tmp_path / "merged" / "summary.json").unlink()
    code, text = invoke("report", str(tmp_path / "merged"), "--quiet")
    assert code == 0, text
    assert (tmp_path / "merged" / "summary.json").read_bytes() == whole


@pytest.mark.slow
def test_merge_refuses_what_is_not_every_part_of_one_run(tmp_path: Path) -> None:
    for index in (1, 2):
        run(tmp_path / f"p{index}", "--shard", f"{index}/2", repeats=1)
    run(tmp_path / "other2", "--shard", "2/2", repeats=2)  # the same part of another run
    run(tmp_path / "third", "--shard", "2/3", repeats=1)
    run(tmp_path / "plain", repeats=1)
    (tmp_path / "empty").mkdir()
    p1, p2 = str(tmp_path / "p1"), str(tmp_path / "p2")
    refused = {
        "missing: [2]": (p1,),
        "given twice: [1]": (p1, p1, p2),
        "is not a part of the same run": (p1, str(tmp_path / "other2")),
        "every part 1..2 once": (p1, str(tmp_path / "third")),
        "should hold exactly one shard run, it holds none": (p1, str(tmp_path / "plain")),
        "holds no run store": (p1, str(tmp_path / "empty")),
    }
    for number, (message, folders) in enumerate(refused.items()):
        out = tmp_path / f"out{number}"
        code, text = invoke("merge", str(out), *folders)
        assert code == 2, (message, text)
        assert message in " ".join(text.split()), (message, text)
        assert "Traceback" not in text
        assert not (out / "store.sqlite").exists()
    code, text = invoke("merge", str(tmp_path / "ok"), p1, p2, "--quiet", "--fail-on", "never")
    assert code == 0, text
    code, text = invoke("merge", str(tmp_path / "ok"), p1, p2)  # never over an existing run
    assert code == 2 and "already holds a run store" in text


def test_run_refuses_a_bad_shard_and_a_sharded_adaptive_run(tmp_path: Path) -> None:
    for shard, message in (("5/4", "1 <= i <= N"), ("half", "i/N")):
        code, text = invoke("run", *SELECT, "--shard", shard, "--out", str(tmp_path), "--no-progress")
        assert code == 2 and message in text, text
    code, text = invoke(
        "run",
        *SELECT,
        "--shard",
        "1/2",
        "--adaptive",
        "--repeats",
        "4",
        "--out",
        str(tmp_path),
        "--no-progress",
    )
    assert code == 2 and "--shard and --adaptive do not mix" in text, text
    assert not (tmp_path / "store.sqlite").exists()

"""The baseline: reading and writing, snapshot comparison with a noise tolerance, update with pruning."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from judgeprobe.harness.gate.baseline import (
    Baseline,
    BaselineEntry,
    BaselineError,
    compare,
    entries_from_frame,
    read_baseline,
    updated,
    write_baseline,
)
from judgeprobe.harness.session import SuiteRun

_LINE = (
    json.dumps(
        {
            "case": "a",
            "unit": "u",
            "probe": "p",
            "family": "f",
            "relation": "invariant",
            "draws": 1,
            "flips": 0,
        }
    )
    + "\n"
)


def entry(
    case: str, probe: str, events: int, draws: int = 10, *, relation: str = "invariant"
) -> BaselineEntry:
    family = probe.split(".")[0]
    return BaselineEntry(
        case=case,
        unit="pair",
        probe=probe,
        family=family,
        relation=relation,
        draws=draws,
        events=events,
        variants=1,
    )


def base(case: str, verdict: str = "tie") -> BaselineEntry:
    return BaselineEntry(
        case=case,
        unit="pair",
        probe="base",
        family="base",
        relation="base",
        draws=1,
        verdict=verdict,
        label="tie",
    )


def baseline(*entries: BaselineEntry) -> Baseline:
    return Baseline(judge="j", judge_hash="h1", repeats=10, entries={e.key: e for e in entries})


def test_entries_from_a_run(run_judge: Callable[..., SuiteRun]) -> None:
    run = run_judge("first")
    entries = entries_from_frame(run.frame)
    swap = entries[("support-password-length", "pair", "position.swap")]
    assert (swap.relation, swap.draws, swap.events, swap.variants) == ("invariant", 1, 1, 1)
    control = entries[("support-refund-window", "pair", "position.swap_content")]
    assert (control.relation, control.events) == ("control", 0)
    assert entries[("support-password-length", "pair", "base")].verdict == "terse"
    assert entries[("support-refund-window", "pair", "base")].verdict == "right"


def test_round_trip_is_sorted_and_stable(tmp_path: Path) -> None:
    original = baseline(entry("b", "position.swap", 0), base("b"), entry("a", "length.pad", 2))
    path = write_baseline(tmp_path / "sub" / "baseline.jsonl", original)
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    assert lines[0] == '{"judgeprobe_baseline": 1, "judge": "j", "judge_hash": "h1", "repeats": 10}'
    assert [line.split('"probe": ')[1].split(",")[0] for line in lines[1:]] == [
        '"length.pad"', '"base"', '"position.swap"'
    ]  # fmt: skip
    assert '"flips": 2' in lines[1]
    assert read_baseline(path) == original
    write_baseline(path, read_baseline(path))
    assert path.read_text(encoding="utf-8") == text


def test_control_entries_write_misses(tmp_path: Path) -> None:
    path = write_baseline(
        tmp_path / "b.jsonl", baseline(entry("a", "position.swap_content", 1, relation="control"))
    )
    assert '"misses": 1' in path.read_text(encoding="utf-8")
    assert read_baseline(path).entries[("a", "pair", "position.swap_content")].events == 1


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "empty baseline"),
        ("not json\n", r"b.jsonl:1: not JSON"),
        ('{"judge": "x"}\n', r"b.jsonl:1: the first line must be the header"),
        ('{"judgeprobe_baseline": 1}\n[1]\n', r"b.jsonl:2: expected a JSON object"),
        ('{"judgeprobe_baseline": 1}\n{"case": "a"}\n', r"b.jsonl:2: missing key"),
        (
            '{"judgeprobe_baseline": 1}\n' + _LINE + _LINE,
            r"b.jsonl:3: duplicate entry for a/u/p",
        ),
    ],
)
def test_malformed_files_name_the_line(tmp_path: Path, text: str, expected: str) -> None:
    path = tmp_path / "b.jsonl"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(BaselineError, match=expected):
        read_baseline(path)


def test_stable_that_now_flips_is_a_regression() -> None:
    old = baseline(entry("a", "position.swap", 0), entry("b", "position.swap", 0))
    current = {e.key: e for e in (entry("a", "position.swap", 3), entry("b", "position.swap", 0))}
    result = compare(
        old,
        current,
        judge_hash="h2",
        tolerance=0.0,
        covered_cases=["a", "b"],
        covered_probes=["position.swap"],
    )
    assert [c.entry.case for c in result.regressions] == ["a"]
    assert result.regressions[0].delta == pytest.approx(0.3)
    assert result.judge_changed


def test_a_change_within_the_noise_tolerance_is_not_a_regression() -> None:
    old = baseline(entry("a", "position.swap", 0), entry("b", "position.swap", 1))
    current = {e.key: e for e in (entry("a", "position.swap", 1), entry("b", "position.swap", 2))}
    within = compare(
        old, current, judge_hash="h1", tolerance=0.1, covered_cases=["a", "b"], covered_probes=[]
    )
    assert within.regressions == () and not within.judge_changed
    strict = compare(
        old, current, judge_hash="h1", tolerance=0.0, covered_cases=["a", "b"], covered_probes=[]
    )
    assert [c.entry.case for c in strict.regressions] == ["a", "b"]


def test_improvements_verdict_changes_added_and_gone() -> None:
    old = baseline(
        entry("a", "position.swap", 4), base("a"), entry("a", "length.pad", 0), entry("z", "length.pad", 0)
    )
    current = {
        e.key: e for e in (entry("a", "position.swap", 0), base("a", "terse"), entry("c", "position.swap", 0))
    }
    result = compare(
        old,
        current,
        judge_hash="h1",
        tolerance=0.0,
        covered_cases=["a", "c"],
        covered_probes=["position.swap", "length.pad"],
    )
    assert [c.entry.case for c in result.improvements] == ["a"]
    assert [(c.old.verdict, c.new.verdict) for c in result.verdict_changes if c.old and c.new] == [
        ("tie", "terse")
    ]
    assert [c.entry.case for c in result.added] == ["c"]
    # a/length.pad was covered and not produced; z was not selected, so it is not "gone"
    assert [c.entry.key for c in result.gone] == [("a", "pair", "length.pad")]
    assert result.regressions == ()


def test_update_rewrites_covered_entries_and_prunes_what_no_longer_exists() -> None:
    old = baseline(
        entry("a", "position.swap", 1),  # covered: replaced
        entry("a", "length.pad", 0),  # covered case and probe, absent now: dropped
        entry("b", "length.pad", 0),  # case not selected this time, still exists: kept
        entry("gone-case", "position.swap", 0),  # case no longer exists: dropped
        entry("b", "retired.probe", 0),  # probe no longer exists: dropped
        entry("b", "verbosity.restate", 0),  # probe exists, not selected: kept
    )
    current = {e.key: e for e in (entry("a", "position.swap", 0), entry("c", "position.swap", 0))}
    new, counts = updated(
        old, current, judge="j2", judge_hash="h2", repeats=1, covered_cases=["a", "c"],
        covered_probes=["position.swap", "length.pad"], known_cases=["a", "b", "c"],
        known_probes=["position.swap", "length.pad", "verbosity.restate"],
    )  # fmt: skip
    assert sorted(new.entries) == [
        ("a", "pair", "position.swap"), ("b", "pair", "length.pad"), ("b", "pair", "verbosity.restate"),
        ("c", "pair", "position.swap"),
    ]  # fmt: skip
    assert (counts.added, counts.changed, counts.removed, counts.kept) == (1, 1, 3, 2)
    assert new.judge_hash == "h2" and new.entries[("a", "pair", "position.swap")].events == 0


def test_update_without_an_old_baseline() -> None:
    current = {e.key: e for e in (entry("a", "position.swap", 0),)}
    new, counts = updated(
        None, current, judge="j", judge_hash="h", repeats=1, covered_cases=["a"], covered_probes=[]
    )
    assert dict(new.entries) == current and counts.added == 1 and counts.removed == 0
